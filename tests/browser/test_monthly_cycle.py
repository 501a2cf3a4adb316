"""The monthly cycle in a real browser at a county clerk's 1366×768: a county official submits a
figure (and confirms an implausible one), staff verify it from the queue and lock the month, a
stale edit is refused, the import preview shows its differences. Screenshots go to
var/screenshots/ for a person to look at."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from assessments.models import FigureSubmission, MonthlyFigure, PeriodLock, RegionTarget
from fdi_portal.models import Region
from tests.browser.test_shell import log_in
from tests.browser.test_supervision import no_sideways_scroll, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAN = Decimal(10000)


@pytest.fixture
def first_half(fangchenggang):
    """Every county's January–June 2021 (万美元) and its target; 上思县 has no July yet."""
    for name, target, months in (
        ("港口区", "2500", ("300", "250", "500", "320", "280", "400")),
        ("防城区", "1800", ("150", "160", "200", "150", "120", "140")),
        ("上思县", "700", ("30", "20", "45", "25", "30", "38")),
        ("东兴市", "2000", ("210", "190", "230", "180", "200", "240")),
    ):
        region = Region.objects.get(city=fangchenggang, name=name)
        RegionTarget.objects.create(region=region, year=2021, target_usd=Decimal(target) * WAN)
        for month, wan in enumerate(months, start=1):
            MonthlyFigure.objects.create(
                region=region, year=2021, month=month, amount_usd=Decimal(wan) * WAN
            )


def wait_for(browser, css: str):
    return WebDriverWait(browser, 10).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def test_a_county_submits_staff_verify_and_lock_the_month(
    browser, live_server, shangsi_official, clerk, first_half
):
    shangsi = Region.objects.get(name="上思县")
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "shangsi")
    browser.get(live_server.url + reverse("assessments:figure_grid", args=["450600", 2021]))
    cell = f"#cell-{shangsi.pk}-7"
    browser.find_element(By.CSS_SELECTOR, cell).click()
    amount = wait_for(browser, f"{cell} input[name=amount_wan]")
    # 300万 is 10× the county's usual 30万: asked about.
    amount.send_keys("300")
    browser.find_element(By.CSS_SELECTOR, f"{cell} input[name=note]").send_keys("某企业增资到位")
    browser.find_element(By.CSS_SELECTOR, f"{cell} button[type=submit]").click()
    confirm = wait_for(browser, f"{cell} input[name=confirm]")
    shot(browser, "cycle-official-warning-1366")
    assert not FigureSubmission.objects.exists()
    confirm.click()
    browser.find_element(By.CSS_SELECTOR, f"{cell} button[type=submit]").click()
    WebDriverWait(browser, 10).until(
        expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, f"{cell} [data-testid=cell-state]")
        )
    )
    shot(browser, "cycle-official-submitted-1366")
    assert no_sideways_scroll(browser)
    assert FigureSubmission.objects.get().status == "submitted"
    assert not MonthlyFigure.objects.filter(month=7).exists()

    log_in(browser, live_server, "clerk")
    browser.get(live_server.url + reverse("assessments:submission_queue", args=["450600"]))
    table = browser.find_element(By.CSS_SELECTOR, "[data-testid=submissions]")
    assert "上思县" in table.text
    assert "300.00" in table.text
    shot(browser, "cycle-queue-1366")
    assert no_sideways_scroll(browser)
    table.find_element(By.CSS_SELECTOR, "button.btn-success").click()
    # The queue's own URL is already /submissions/: wait for the page the verification reloads.
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(table))
    assert MonthlyFigure.objects.get(region=shangsi, month=7).amount_usd == Decimal("3000000.00")

    browser.get(live_server.url + reverse("assessments:figure_grid", args=["450600", 2021]))
    lock = browser.find_element(By.CSS_SELECTOR, "[data-testid=lock-buttons] button")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", lock)
    browser.execute_script("arguments[0].click()", lock)
    WebDriverWait(browser, 10).until(lambda b: PeriodLock.objects.filter(month=1).exists())
    wait_for(browser, "[data-testid=locks] input[name=reason]")
    shot(browser, "cycle-grid-locked-1366")
    # The lock panel under the grid, the whole page on a taller window.
    browser.set_window_size(1366, 1100)
    assert "1" in browser.find_element(By.CSS_SELECTOR, "[data-testid=locks]").text
    shot(browser, "cycle-grid-lock-panel-1366x1100")
    assert no_sideways_scroll(browser)


def test_a_stale_edit_shows_the_other_clerks_value(browser, live_server, clerk, first_half):
    shangsi = Region.objects.get(name="上思县")
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "clerk")
    browser.get(live_server.url + reverse("assessments:figure_grid", args=["450600", 2021]))
    cell = f"#cell-{shangsi.pk}-6"
    browser.find_element(By.CSS_SELECTOR, cell).click()
    amount = wait_for(browser, f"{cell} input[name=amount_wan]")
    # Another clerk saves 40万 meanwhile.
    MonthlyFigure.objects.filter(region=shangsi, month=6).update(amount_usd=Decimal(400000))
    amount.clear()
    amount.send_keys("39")
    browser.find_element(By.CSS_SELECTOR, f"{cell} button[type=submit]").click()
    stale = wait_for(browser, f"{cell} [data-testid=stale]")
    assert "40.00" in stale.text
    shot(browser, "cycle-stale-edit-1366")
    assert MonthlyFigure.objects.get(region=shangsi, month=6).amount_usd == Decimal(400000)


def test_the_import_preview_shows_differences_and_changes_only(
    browser, live_server, clerk, first_half, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path
    MonthlyFigure.objects.filter(region__name="东兴市", month=1).update(
        amount_usd=Decimal("3408123")
    )
    rows = [["地区", "年份", "月份", "实际使用外资（万美元）"]]
    rows += [["东兴市", 2021, 1, "340.81"], ["东兴市", 2021, 2, "1340.81"]]
    rows += [["港口区", 2021, m, v] for m, v in enumerate((300, 250, 500, 320, 280), start=1)]
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "figures.xlsx"
    workbook.save(path)
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "clerk")
    browser.get(live_server.url + reverse("assessments:import_upload", args=["450600", "figures"]))
    browser.find_element(By.NAME, "file").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
    table = wait_for(browser, "#preview-table")
    assert "340.8123" in table.text
    assert "−0.0023" in table.text
    # 1 340.81 against 东兴市's usual 200-odd: asked about, with a box to tick.
    assert browser.find_element(By.ID, "id_confirm_warnings")
    shot(browser, "cycle-import-preview-1366")
    browser.find_element(By.ID, "changes-only").click()
    unchanged = browser.find_elements(By.CSS_SELECTOR, "#preview-table tr.preview-unchanged")
    assert unchanged
    assert not any(row.is_displayed() for row in unchanged)
    shot(browser, "cycle-import-changes-only-1366")
    assert no_sideways_scroll(browser)
