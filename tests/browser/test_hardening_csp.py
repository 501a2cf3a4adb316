"""Under the enforced Content-Security-Policy, the portal's pages load without a single violation
and the behaviours that used to be inline handlers still work (static/js/portal.js)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from assessments.models import MonthlyFigure, RegionTarget
from fdi_portal.models import Region
from tasks.models import Plan
from tests.browser.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects every violation from the first byte of each page on.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.effectiveDirective} ${event.blockedURI || "inline"} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def watched(browser):
    script = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS}
    )
    yield browser
    browser.execute_cdp_cmd(
        "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
    )


def violations(browser) -> list[str]:
    return browser.execute_script("return window.__violations || []")


def test_the_main_pages_load_without_a_policy_violation(watched, live_server, clerk):
    region = Region.objects.get(name="上思县")
    year = timezone.localdate().year
    RegionTarget.objects.create(region=region, year=year, target_usd=Decimal("1000000"))
    MonthlyFigure.objects.create(region=region, year=year, month=1, amount_usd=Decimal("100000"))
    plan = Plan.objects.filter(city=region.city).first()
    log_in(watched, live_server, "clerk")
    for path in (
        "/",
        f"/figures/450600/{year}/",
        f"/plans/{plan.pk}/",
        "/plans/import/",
        "/password/",
    ):
        watched.get(live_server.url + path)
        assert watched.find_element(By.CSS_SELECTOR, "nav.navbar")
        assert violations(watched) == [], path


def test_the_in_place_editor_opens_and_keeps_its_clicks_to_itself(watched, live_server, clerk):
    region = Region.objects.get(name="上思县")
    log_in(watched, live_server, "clerk")
    watched.get(f"{live_server.url}/figures/450600/2021/")
    watched.find_element(By.ID, f"cell-{region.pk}-3").click()
    amount = WebDriverWait(watched, 10).until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, f"#cell-{region.pk}-3 input[name=amount_wan]")
        )
    )
    amount.click()  # a click inside the form must not reload the cell and lose the input
    amount.send_keys("12")
    assert (
        watched.find_element(By.CSS_SELECTOR, f"#cell-{region.pk}-3 input").get_attribute("value")
        == "12"
    )
    assert violations(watched) == []


def test_a_cell_of_the_grid_opens_with_the_keyboard_too(watched, live_server, clerk):
    region = Region.objects.get(name="上思县")
    log_in(watched, live_server, "clerk")
    watched.get(f"{live_server.url}/figures/450600/2021/")
    cell = watched.find_element(By.ID, f"cell-{region.pk}-4")
    watched.execute_script("arguments[0].focus()", cell)
    cell.send_keys(Keys.ENTER)
    WebDriverWait(watched, 10).until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, f"#cell-{region.pk}-4 input[name=amount_wan]")
        )
    )
    assert violations(watched) == []


def test_the_unit_filter_submits_itself_when_a_unit_is_chosen(watched, live_server, clerk):
    plan = Plan.objects.filter(city__admin_code="450600").first()
    log_in(watched, live_server, "clerk")
    watched.get(f"{live_server.url}/plans/{plan.pk}/")
    select = watched.find_element(By.ID, "unit-filter")
    options = select.find_elements(By.TAG_NAME, "option")
    options[-1].click()
    WebDriverWait(watched, 10).until(expected_conditions.url_contains("unit="))
    assert violations(watched) == []


def test_the_admin_loads_without_a_policy_violation(watched, live_server, superuser):
    log_in(watched, live_server, "root")
    for path in ("/admin/", "/admin/axes/accessattempt/", "/admin/auth/user/"):
        watched.get(live_server.url + path)
        assert violations(watched) == [], path
