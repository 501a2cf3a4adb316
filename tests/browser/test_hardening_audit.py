"""The audit log and a refused stale edit at a county clerk's 1366×768, in Chinese, screenshotted
into var/screenshots/ for a person to look at."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from selenium.webdriver.common.by import By

from fdi_portal.models import AuditEvent, Region
from projects.models import Project
from tests.browser.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shot(browser, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def fits(browser) -> bool:
    """Nothing scrolls sideways, at the window's size nor on a 390 px phone."""
    from tests.browser.test_supervision import no_sideways_scroll

    return no_sideways_scroll(browser)


def test_the_audit_log_and_a_stale_edit_read_well_at_1366(browser, live_server, clerk):
    city = clerk.membership.city
    project = Project.objects.create(
        city=city,
        region=Region.objects.get(city=city, name="上思县"),
        name="上思县林产化工技改项目",
        contracted_fdi_usd=Decimal("8000000"),
    )
    AuditEvent.objects.create(
        kind="import",
        user=clerk,
        city=city,
        action="导入到位外资",
        file_name="2021年6月到位外资.xlsx",
        sha256="9f2c" * 16,
    )
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "clerk")

    # A clerk opens the project, a colleague saves meanwhile, the clerk saves: refused.
    browser.get(live_server.url + reverse("projects:project_edit", args=[project.pk]))
    Project.objects.filter(pk=project.pk).update(contracted_fdi_usd=Decimal("9000000"))
    field = browser.find_element(By.NAME, "contracted_fdi_wan")
    field.clear()
    field.send_keys("1000")
    browser.find_element(By.CSS_SELECTOR, "button.btn-primary[type=submit]").click()
    alert = browser.find_element(By.CSS_SELECTOR, ".alert-danger")
    assert "900.00" in alert.text
    assert fits(browser)
    shot(browser, "stale-edit-1366")

    browser.get(live_server.url + reverse("audit_log"))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "2021年6月到位外资.xlsx" in body
    assert "上思县林产化工技改项目" in body
    assert fits(browser)
    shot(browser, "audit-log-1366")


def test_a_county_officials_home_before_the_notice_reads_well_at_1366(
    browser, live_server, clerk, shangsi_official, settings
):
    """UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS=own: June's own figures, May's issued ranking."""
    import datetime as dt

    from assessments.issuing import issue_notice
    from assessments.models import MonthlyFigure, RegionTarget

    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "own"
    city = clerk.membership.city
    for name, target, months in (
        ("港口区", "10000000", dict.fromkeys(range(1, 7), "1000000")),
        ("防城区", "8000000", dict.fromkeys(range(1, 7), "800000")),
        ("上思县", "6000000", {1: "500000", 6: "500000"}),
    ):
        region = Region.objects.get(city=city, name=name)
        RegionTarget.objects.create(region=region, year=2021, target_usd=Decimal(target))
        for month, usd in months.items():
            MonthlyFigure.objects.create(
                region=region, year=2021, month=month, amount_usd=Decimal(usd)
            )
    issue_notice(city=city, year=2021, month=5, issued_on=dt.date(2021, 6, 5), user=clerk)
    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "shangsi")

    note = browser.find_element(By.CSS_SELECTOR, "[data-testid=published-ranking]")
    assert "〔2021〕第1期" in note.text
    assert fits(browser)
    browser.execute_script("window.scrollTo(0, 0)")
    shot(browser, "county-home-unpublished-1366")
    browser.execute_script("arguments[0].scrollIntoView()", note)
    shot(browser, "county-home-unpublished-ranking-1366")
