"""A clerk corrects a figure in place in the grid, in a real browser (htmx)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from assessments.models import MonthlyFigure
from fdi_portal.models import Region
from tests.browser.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_edits_a_cell_in_place_and_the_totals_follow(browser, live_server, clerk):
    region = Region.objects.get(name="上思县")
    MonthlyFigure.objects.create(region=region, year=2021, month=1, amount_usd=Decimal("100000"))
    log_in(browser, live_server, "clerk")
    browser.get(f"{live_server.url}/figures/450600/2021/")

    browser.find_element(By.ID, f"cell-{region.pk}-2").click()
    amount = WebDriverWait(browser, 10).until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, f"#cell-{region.pk}-2 input[name=amount_wan]")
        )
    )
    amount.send_keys("25.5")
    browser.find_element(By.CSS_SELECTOR, f"#cell-{region.pk}-2 button[type=submit]").click()

    WebDriverWait(browser, 10).until(
        expected_conditions.text_to_be_present_in_element((By.ID, f"cell-{region.pk}-2"), "25.50")
    )
    # The year-to-date total of the row follows: 10 + 25.5 = 35.50 万美元.
    row = browser.find_element(By.ID, f"cell-{region.pk}-2").find_element(By.XPATH, "..")
    assert "35.50" in row.text
    assert MonthlyFigure.objects.get(region=region, month=2).amount_usd == Decimal("255000.00")
