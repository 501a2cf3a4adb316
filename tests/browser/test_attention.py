"""The city dashboard's lowest panels (difficulties by age, project alerts, the projects a leader
follows) are not built with the page: a placeholder (``attention-slot``) asks for them with htmx
when the reader scrolls it into view (dashboards.views.attention), and its link opens them as a
page of their own without JavaScript. Screenshots go to var/screenshots/ (README: "Screenshots")."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_dashboards import demo, log_in  # noqa: F401
from tests.browser.test_supervision import no_sideways_scroll, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOT = "[data-testid=attention-slot]"
ATTENTION = "[data-testid=attention]"
ALERTS = "[data-testid=project-alerts]"
DIFFICULTIES = "[data-testid=difficulties-by-age]"
LED = "[data-testid=led-projects]"


def sized(browser, width: int, height: int) -> None:
    """The window at ``width``×``height``, once the page's viewport has followed."""
    browser.set_window_size(width, height)
    WebDriverWait(browser, 5).until(lambda b: b.execute_script("return window.innerWidth") <= width)


def present(browser, selector: str) -> bool:
    """Whether ``selector`` is in the page now (a query, not find_elements' implicit wait)."""
    return browser.execute_script("return document.querySelector(arguments[0]) !== null", selector)


def console_errors(browser) -> list[str]:
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]


def scroll_into_view(browser, element, block: str) -> None:
    """At once: Bootstrap's ``scroll-behavior: smooth`` would screenshot the page mid-way."""
    browser.execute_script(
        "arguments[0].scrollIntoView({block: arguments[1], behavior: 'instant'})", element, block
    )


def scroll_to_attention(browser, *wanted: str) -> None:
    """Scroll the placeholder into view and wait until htmx has swapped the panels in."""
    scroll_into_view(browser, browser.find_element(By.CSS_SELECTOR, SLOT), "center")
    wait = WebDriverWait(browser, 10)
    for selector in (ATTENTION, *wanted):
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector)))
    wait.until(lambda b: not present(b, SLOT))  # outerHTML: the placeholder itself is gone


def test_staff_sees_the_alerts_only_once_scrolled_to_them(
    browser,
    live_server,
    demo,  # noqa: F811
):
    sized(browser, 1366, 768)
    browser.get_log("browser")  # an earlier test's messages are not this one's
    log_in(browser, live_server, "fcg_staff", "zh-hans")

    slot = browser.find_element(By.CSS_SELECTOR, SLOT)
    assert slot.get_attribute("hx-trigger") == "revealed"
    assert browser.execute_script(
        "return arguments[0].getBoundingClientRect().top >= window.innerHeight", slot
    ), "the placeholder is below the first screen, so nothing has asked for the panels yet"
    assert not present(browser, ALERTS)
    assert not present(browser, DIFFICULTIES)

    scroll_to_attention(browser, ALERTS, DIFFICULTIES)

    alerts = browser.find_element(By.CSS_SELECTOR, ALERTS)
    links = alerts.find_elements(By.CSS_SELECTOR, "li a[href*='/projects/']")
    assert links or "暂无需要关注的项目" in alerts.text, alerts.text
    bands = browser.find_elements(By.CSS_SELECTOR, f"{DIFFICULTIES} li")
    assert bands, "the difficulties card lists its age bands"
    assert not present(browser, LED), "only a leader has the projects they follow"
    assert present(browser, f"{ATTENTION} [data-testid=supervision-panel]")
    assert present(browser, f"{ATTENTION} [data-testid=task-status]")
    # The to-do row (supervision, task reports) at the top, the attention row under it.
    scroll_into_view(browser, browser.find_element(By.CSS_SELECTOR, ATTENTION), "start")
    shot(browser, "attention-staff-1366")
    assert console_errors(browser) == []
    assert no_sideways_scroll(browser), "the page scrolls sideways at 1366 or 390 px"


def test_a_leader_on_a_phone_gets_the_projects_they_follow(
    browser,
    live_server,
    demo,  # noqa: F811
):
    sized(browser, 390, 844)
    browser.get_log("browser")
    log_in(browser, live_server, "fcg_leader", "zh-hans")
    assert not present(browser, LED)

    scroll_to_attention(browser, LED, ALERTS, DIFFICULTIES)

    led = browser.find_element(By.CSS_SELECTOR, LED)
    assert "（演示）跨境电商物流园" in led.text, led.text  # projects.demo.DEMO_LED_PROJECT
    scroll_into_view(browser, led, "end")
    shot(browser, "attention-leader-390")
    assert no_sideways_scroll(browser), "the phone's page scrolls sideways at 390 px"
    assert console_errors(browser) == []
    sized(browser, 1366, 768)


def test_without_javascript_the_link_opens_the_panels_as_a_page(
    browser,
    live_server,
    demo,  # noqa: F811
):
    sized(browser, 1366, 768)
    log_in(browser, live_server, "fcg_staff", "zh-hans")
    href = browser.find_element(By.CSS_SELECTOR, f"{SLOT} a").get_attribute("href")
    # The period the dashboard shows goes with it.
    assert "/figures/450600/dashboard/attention/?year=" in href, href

    browser.get(href)  # a plain GET, as a browser without htmx sends it

    attention = browser.find_element(By.CSS_SELECTOR, f"main {ATTENTION}")
    assert attention.is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, "nav.navbar").is_displayed()
    assert "防城港市" in browser.find_element(By.CSS_SELECTOR, "h1").text
    assert present(browser, f"{ATTENTION} {ALERTS}")
    assert present(browser, f"{ATTENTION} {DIFFICULTIES}")
    assert present(browser, f"{ATTENTION} [data-testid=supervision-panel]")
    assert not present(browser, SLOT)
