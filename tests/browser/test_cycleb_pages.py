"""The notice with its Word/PDF buttons and year-end estimate, the quarterly campaign notice,
and the bell and reminder list, in a real browser at 1366×768; screenshots in var/screenshots/
for a person to look at."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from notifications.services import send_reminders
from projects.models import Arrival
from tests.browser.test_shell import log_in
from tests.browser.test_supervision import (  # noqa: F401
    SHOTS,
    half_year,
    no_sideways_scroll,
    shot,
)
from tests.conftest import make_user
from tests.projects.conftest import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAN = Decimal(10000)


def test_the_notice_offers_word_and_pdf_and_shows_the_estimate_apart(
    browser,
    live_server,
    clerk,
    half_year,  # noqa: F811
):
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "clerk")
    browser.get(live_server.url + reverse("assessments:notice_detail", args=["450600", 2021, 6]))
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=download-docx]").is_displayed()
    outlook = browser.find_element(By.CSS_SELECTOR, "[data-testid=year-end-outlook]")
    assert no_sideways_scroll(browser)
    shot(browser, "cycleb-notice")
    outlook.screenshot(str(SHOTS / "cycleb-notice-outlook.png"))
    # An element's screenshot leaves Chromium's screen metrics overridden: every later
    # screenshot of the session came out white.
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_campaign_notice_and_the_bell(browser, live_server, clerk, fangchenggang):
    a = make_project(
        fangchenggang,
        "上思县",
        name="甲公司新材料项目",
        campaign="三企入桂",
        stage="landed",
        signed_on=dt.date(2021, 2, 1),
        landed_on=dt.date(2021, 5, 1),
        contracted_fdi_usd=1000 * WAN,
    )
    Arrival.objects.create(project=a, year=2021, month=6, amount_usd=200 * WAN)
    make_project(
        fangchenggang,
        "东兴市",
        name="乙公司跨境物流项目",
        campaign="行企助力转型升级",
        stage="signed",
        signed_on=dt.date(2021, 4, 1),
        contracted_fdi_usd=500 * WAN,
    )
    make_user("shangsi_b", None)
    send_reminders(today=dt.date(2021, 7, 11))  # June's figures are all missing
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "clerk")
    browser.get(live_server.url + reverse("assessments:campaign_notice", args=["450600", 2021, 2]))
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=campaigns]").is_displayed()
    assert no_sideways_scroll(browser)
    shot(browser, "cycleb-campaign-notice")
    badge = WebDriverWait(browser, 5).until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, "[data-testid=unread-count]")
        )
    )
    assert badge.text == "1"
    browser.find_element(By.CSS_SELECTOR, "[data-testid=bell]").click()
    WebDriverWait(browser, 5).until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, "[data-testid=notifications] [data-unread]")
        )
    )
    WebDriverWait(browser, 5).until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, "[data-testid=unread-count]")
        )
    )
    shot(browser, "cycleb-reminders")
