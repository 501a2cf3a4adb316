"""The supervision pages at a county clerk's 1366×768: the notice under a non-linear schedule,
the schedule and scheme editors with 试算, the goals against the one city target, the province
comparison. Each page is screenshotted into var/screenshots/ for a person to look at."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from assessments.models import MonthlyFigure, ProgressSchedule, RegionTarget
from fdi_portal.models import Region
from tasks.models import Plan
from tests.browser.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WAN = Decimal(10000)


def shot(browser, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def no_sideways_scroll(browser) -> bool:
    """Nothing scrolls sideways at the window's size, nor on a 390 px phone. After each resize
    it waits until the viewport has followed, then gives the page (the charts redraw on the
    resize event) up to 3 s to fit: a page still laid out for the former size is not judged."""
    size = browser.get_window_size()
    fits = []
    for width, height in ((size["width"], size["height"]), (390, 844)):
        browser.set_window_size(width, height)
        WebDriverWait(browser, 5).until(
            lambda b, width=width: b.execute_script("return window.innerWidth") <= width
        )
        try:
            WebDriverWait(browser, 3).until(
                lambda b: b.execute_script(
                    "return document.documentElement.scrollWidth <= window.innerWidth"
                )
            )
        except TimeoutException:
            fits.append(False)
        else:
            fits.append(True)
    browser.set_window_size(size["width"], size["height"])
    return all(fits)


@pytest.fixture
def half_year(fangchenggang):
    plan = Plan.objects.get(city=fangchenggang, year=2021)
    ProgressSchedule.objects.filter(plan=plan).update(method="days", label="按天计算序时进度")
    for name, target, months in (
        ("港口区", "2500", {1: "300", 2: "250", 3: "500", 4: "320", 5: "280", 6: "400"}),
        ("防城区", "1800", {1: "150", 2: "160", 3: "200", 4: "150", 5: "120", 6: "140"}),
        ("上思县", "700", {1: "30", 2: "20", 3: "45", 4: "25", 5: "30", 6: "38"}),
        ("东兴市", "2000", {1: "210", 2: "190", 3: "230", 4: "180", 5: "200", 6: "240"}),
    ):
        region = Region.objects.get(city=fangchenggang, name=name)
        RegionTarget.objects.create(region=region, year=2021, target_usd=Decimal(target) * WAN)
        for month, wan in months.items():
            MonthlyFigure.objects.create(
                region=region, year=2021, month=month, amount_usd=Decimal(wan) * WAN
            )
    return plan


def test_the_supervision_pages_read_well_at_1366(browser, live_server, clerk, half_year):
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "clerk")

    browser.get(live_server.url + reverse("assessments:notice_detail", args=["450600", 2021, 6]))
    table = browser.find_element(By.CSS_SELECTOR, ".notice-table")
    # 181/365 of the year by the end of June, the plan's day-based schedule.
    assert "49.59%" in browser.find_element(By.TAG_NAME, "body").text
    assert "上思县" in table.text
    shot(browser, "notice-draft-1366")

    browser.get(
        live_server.url + reverse("assessments:schedule_edit", args=["450600", half_year.pk])
    )
    shot(browser, "schedule-1366")

    browser.get(live_server.url + reverse("assessments:scheme_edit", args=["450600", half_year.pk]))
    button = browser.find_element(By.CSS_SELECTOR, "[data-testid=try-scheme]")
    # A real click: the form posts with action=try, as the button's name and value say.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    browser.execute_script("arguments[0].click()", button)
    trial = browser.find_element(By.CSS_SELECTOR, "[data-testid=trial]")
    assert "上思县" in trial.text
    browser.execute_script("arguments[0].scrollIntoView()", trial)
    shot(browser, "scheme-try-1366")

    browser.get(live_server.url + reverse("assessments:plan_goals", args=["450600", 2021]))
    goals = browser.find_element(By.CSS_SELECTOR, "[data-testid=goals]")
    assert "7,000.00" in goals.text  # the one city target
    shot(browser, "goals-1366")
    assert no_sideways_scroll(browser)


def test_the_province_viewer_compares_cities_by_their_own_schedules(
    browser, live_server, province_viewer, half_year
):
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "gx")
    browser.get(live_server.url + "/?year=2021")
    row = browser.find_element(By.CSS_SELECTOR, "[data-testid=city-comparison]")
    assert "49.6%" in row.text  # 181/365, printed with one decimal here
    shot(browser, "province-comparison-1366")
    assert no_sideways_scroll(browser)
