"""What the portal publishes, at 1366×768: the annual assessment drafted before December (it
says 1-11月 and asks for a confirmation to issue), the quarterly review with an interview's
record, and a county official's home and notice after a correction to the issued month (the
issued figures, with a note). Each page is screenshotted into var/screenshots/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By

from assessments.issuing import issue_notice, record_interview
from assessments.models import Interview, MonthlyFigure, RegionTarget
from fdi_portal.models import Region
from tests.browser.test_shell import log_in
from tests.browser.test_supervision import no_sideways_scroll, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAN = Decimal(10000)


@pytest.fixture
def to_november(fangchenggang, clerk):
    """Targets and monthly figures January–November 2021 (万美元), 2020 whole; the June notice
    issued, 上思县 interviewed for Q2 on 16 July."""
    for name, target, monthly, last_year in (
        ("港口区", 2500, 200, 180),
        ("防城区", 1800, 140, 150),
        ("上思县", 700, 30, 35),
        ("东兴市", 2000, 170, 160),
    ):
        region = Region.objects.get(city=fangchenggang, name=name)
        RegionTarget.objects.create(region=region, year=2021, target_usd=target * WAN)
        MonthlyFigure.objects.bulk_create(
            [
                MonthlyFigure(region=region, year=2021, month=m, amount_usd=monthly * WAN)
                for m in range(1, 12)
            ]
            + [
                MonthlyFigure(region=region, year=2020, month=m, amount_usd=last_year * WAN)
                for m in range(1, 13)
            ]
        )
    issue_notice(city=fangchenggang, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    for interview in Interview.objects.all():
        record_interview(
            interview=interview,
            held_on=dt.date(2021, 7, 16),
            participants="市商务局副局长；被约谈县（市、区）分管副县长",
            notes="分析进度滞后原因，明确三季度追赶措施。",
            user=clerk,
        )
    return fangchenggang


def test_the_assessment_before_december_says_its_months(browser, live_server, clerk, to_november):
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "clerk")
    browser.get(live_server.url + reverse("assessments:assessment_detail", args=["450600", 2021]))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "1-11月" in body
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=partial-year]").is_displayed()
    shot(browser, "assessment-1-11-1366")
    confirm = browser.find_element(By.ID, "id_confirm_partial")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", confirm)
    shot(browser, "assessment-1-11-issue-1366")
    assert no_sideways_scroll(browser)

    browser.get(live_server.url + reverse("assessments:quarterly_review", args=["450600", 2021, 2]))
    assert "市商务局副局长" in browser.find_element(By.TAG_NAME, "body").text
    shot(browser, "review-interview-record-1366")


def test_a_county_official_reads_the_issued_month_after_a_correction(
    browser, live_server, settings, to_november, shangsi_official
):
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "own"
    MonthlyFigure.objects.filter(region__name="港口区", year=2021, month=6).update(
        amount_usd=Decimal("3000000")
    )
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "shangsi")
    browser.get(live_server.url + reverse("home") + "?year=2021&month=6")
    note = browser.find_element(By.CSS_SELECTOR, "[data-testid=correction-pending]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", note)
    shot(browser, "county-home-correction-1366")
    browser.get(live_server.url + reverse("assessments:notice_detail", args=["450600", 2021, 6]))
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=revisions]") == []
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=correction-pending]")
    shot(browser, "county-notice-correction-1366")
