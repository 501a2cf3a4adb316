"""The province-wide export as a person sees it: 「导出Excel」 on the project list opens the
progress page, whose bar (moved by static/js/export-job.js, under the enforced
Content-Security-Policy) follows a real worker to the download button. Screenshots at 1366×768
in var/screenshots/ (export-job-queued, export-job-done)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from rq import Queue, SimpleWorker
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

# Fixtures are found in the module's namespace: watched, province, queue_name, redis_connection.
from tests.browser.test_hardening_csp import violations, watched  # noqa: F401
from tests.browser.test_shell import log_in
from tests.projects.test_export_job import (  # noqa: F401
    province,
    queue_name,
    redis_connection,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


@pytest.mark.usefixtures("province")
def test_the_progress_page_follows_the_job_to_the_download(
    request, live_server, province_viewer, settings
):
    # The imported fixtures, by name (as parameters, ruff takes them for redefinitions).
    browser = request.getfixturevalue("watched")
    name = request.getfixturevalue("queue_name")
    redis = request.getfixturevalue("redis_connection")
    settings.RQ_QUEUES[name]["ASYNC"] = True
    queue = Queue(name, connection=redis)
    listening = SimpleWorker([queue], connection=redis, name=f"{name}-idle")
    listening.register_birth()
    browser.set_window_size(1366, 768)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        log_in(browser, live_server, province_viewer.username)
        browser.get(live_server.url + "/projects/")
        browser.find_element(By.CSS_SELECTOR, "a[href^='/projects/export/']").click()
        box = WebDriverWait(browser, 10).until(
            expected_conditions.presence_of_element_located(
                (By.CSS_SELECTOR, "[data-testid=export-job]")
            )
        )
    finally:
        listening.register_death()
    assert box.get_attribute("data-state") == "queued"
    # 「已写入 0 / 150 个项目（0%）」: done, total, percent
    assert numbers(box.find_element(By.CSS_SELECTOR, "[data-export-count]").text) == [0, 150, 0]
    assert not box.find_element(By.CSS_SELECTOR, "[data-export-download]").is_displayed()
    assert box.find_element(By.CSS_SELECTOR, "[data-export-hint]").is_displayed()
    browser.save_screenshot(str(SHOTS / "export-job-queued-1366.png"))

    worker = SimpleWorker([queue], connection=redis, name=f"{name}-burst")
    assert worker.work(burst=True)

    download = WebDriverWait(browser, 10).until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, "[data-testid=export-download]")
        )
    )
    bar = box.find_element(By.CSS_SELECTOR, "[data-export-bar]")
    WebDriverWait(browser, 5).until(
        lambda _: bar.size["width"] >= bar.find_element(By.XPATH, "..").size["width"] - 1
    )
    assert box.get_attribute("data-state") == "finished"
    assert numbers(box.find_element(By.CSS_SELECTOR, "[data-export-count]").text) == [150, 150, 100]
    assert download.get_attribute("href").endswith("/file/")
    assert not box.find_element(By.CSS_SELECTOR, "[data-export-error]").is_displayed()
    assert not box.find_element(By.CSS_SELECTOR, "[data-export-hint]").is_displayed()
    browser.save_screenshot(str(SHOTS / "export-job-done-1366.png"))
    assert violations(browser) == []
    from tests.browser.test_supervision import no_sideways_scroll

    assert no_sideways_scroll(browser)
