"""Each role's dashboard on the demo data, as a person sees it: at 1366×768, 1920×1080 and a
phone's 390×844, in Chinese and English. Every page is screenshotted into var/screenshots/
(README: "Screenshots"); no JavaScript error in the console; nothing scrolls sideways at 1366
nor on the phone's 390."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
SIZES = {"1366": (1366, 768), "1920": (1920, 1080), "phone": (390, 844)}
DEMO_PASSWORD = "demo-only-2026"


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, verbosity=0)


def log_in(browser, live_server, username: str, language: str) -> None:
    browser.delete_all_cookies()
    browser.get(live_server.url + "/login/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    browser.get(live_server.url + "/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_to_be(live_server.url + "/"))


def look(browser, name: str) -> list[str]:
    """Screenshot the page at every size; the console's errors and whether it scrolled
    sideways at 1366 or 390 are returned as problems."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for size, (width, height) in SIZES.items():
        browser.set_window_size(width, height)
        WebDriverWait(browser, 5).until(
            lambda b, width=width: b.execute_script("return window.innerWidth") <= width
        )
        browser.execute_script("window.dispatchEvent(new Event('resize'))")
        fits = True
        if size in ("1366", "phone"):
            # The charts redraw on the resize event: up to 3 s for the page to fit.
            try:
                WebDriverWait(browser, 3).until(
                    lambda b: b.execute_script(
                        "return document.documentElement.scrollWidth <= window.innerWidth"
                    )
                )
            except TimeoutException:
                fits = False
        browser.save_screenshot(str(SHOTS / f"{name}-{size}.png"))
        if not fits:
            problems.append(f"{name}: the page scrolls sideways at {width} px")
    problems += [
        f"{name}: {entry['message']}"
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]
    browser.set_window_size(*SIZES["1366"])
    return problems


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_roles_dashboard_reads_well_at_every_size(browser, live_server, demo, language):
    problems: list[str] = []

    log_in(browser, live_server, "fcg_leader", language)
    cards = browser.find_elements(By.CSS_SELECTOR, "[data-testid=goal-cards] .goal-card")
    assert cards, "this year's goals show on the leader's home"
    assert browser.find_element(By.CSS_SELECTOR, "[data-chart=trend] canvas")
    problems += look(browser, f"leader-home-{language}")

    browser.get(live_server.url + reverse("dashboards:region_page", args=["450600", "450621"]))
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=region-kpis]")
    problems += look(browser, f"leader-region-{language}")

    log_in(browser, live_server, "fcg_staff", language)
    problems += look(browser, f"staff-home-{language}")
    today = timezone.localdate()
    main_pages = {
        "grid": reverse("assessments:figure_grid", args=["450600", today.year]),
        "notices": reverse("assessments:notice_list", args=["450600"]),
        "projects": reverse("projects:project_list"),
        "difficulties": reverse("projects:difficulty_list"),
        "plans": reverse("tasks:plan_list"),
    }
    for name, url in main_pages.items():
        browser.get(live_server.url + url)
        problems += look(browser, f"staff-{name}-{language}")

    log_in(browser, live_server, "fcg_shangsi", language)
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=catch-up]").text
    problems += look(browser, f"county-home-{language}")

    log_in(browser, live_server, "gx_viewer", language)
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=city-comparison]")
    problems += look(browser, f"province-home-{language}")

    assert problems == []
