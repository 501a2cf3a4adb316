"""A person logs in, meets their home page, and switches the interface to English."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(browser, live_server, username: str) -> None:
    browser.delete_all_cookies()
    browser.get(live_server.url + "/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(TEST_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_to_be(live_server.url + "/"))


def test_a_clerk_logs_in_sees_their_city_and_switches_to_english(browser, live_server, clerk):
    browser.get(live_server.url + "/")
    assert "/login/" in browser.current_url
    assert "登录" in browser.title

    log_in(browser, live_server, "clerk")
    # Who is logged in sits in the user menu: open it.
    browser.find_element(By.CSS_SELECTOR, "nav .user-menu").click()
    whoami = browser.find_element(By.CSS_SELECTOR, "[data-testid=whoami]").text
    assert "商务局工作人员" in whoami
    assert "防城港市" in whoami
    # Bootstrap is served from our own static files: the navbar is styled.
    navbar = browser.find_element(By.CSS_SELECTOR, "nav.navbar")
    assert navbar.value_of_css_property("display") == "flex"

    Select(browser.find_element(By.ID, "language-select")).select_by_value("en")
    WebDriverWait(browser, 10).until(
        expected_conditions.text_to_be_present_in_element_attribute(
            (By.CSS_SELECTOR, "nav .dropdown-menu button[type=submit]"), "textContent", "Log out"
        )
    )


def test_a_county_official_reaches_their_own_home_page(browser, live_server, shangsi_official):
    log_in(browser, live_server, "shangsi")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("上思县")
