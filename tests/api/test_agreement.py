"""The API agrees with the notices: its verified figures summed to month M are the monthly
notice's year-to-date for every region, and an issued notice's rows are the frozen notice's —
also after a figure is corrected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessments.issuing import issue_notice
from assessments.models import MonthlyFigure, Notice, RegionTarget
from fdi_portal.models import Region

WAN = Decimal(10000)
# 万美元 by region and month, January to May 2021; 东兴市 has no April figure.
MONTHS = {
    "港口区": [120, 80, 95.5, 60, 101],
    "防城区": [40, 35, 20, 44, 51],
    "上思县": [10, 12, 9, 15, 11],
    "东兴市": [25, 30, 18, None, 22],
}
TARGETS = {"港口区": 1000, "防城区": 500, "上思县": 200, "东兴市": 300}
# Worked by hand: the year-to-date to April (万美元) of each region.
YTD_APRIL = {"450602": "355.5", "450603": "139", "450621": "46", "450681": "73"}


@pytest.fixture
def year_2021(fangchenggang) -> None:
    for name, amounts in MONTHS.items():
        region = Region.objects.get(city=fangchenggang, name=name)
        RegionTarget.objects.create(region=region, year=2021, target_usd=TARGETS[name] * WAN)
        for month, wan in enumerate(amounts, start=1):
            if wan is not None:
                MonthlyFigure.objects.create(
                    region=region, year=2021, month=month, amount_usd=Decimal(str(wan)) * WAN
                )


def api_ytd(client, month: int) -> dict[str, Decimal]:
    """Each region's figures from the API, summed over January to ``month``."""
    totals: dict[str, Decimal] = {}
    url, params = "/api/v1/figures/", {"city": "450600", "year": 2021, "page_size": 1000}
    page = client.json(url, params)
    for row in page["results"]:
        if row["month"] <= month:
            totals[row["region"]] = totals.get(row["region"], Decimal(0)) + Decimal(
                row["amount_usd"]
            )
    assert page["next"] is None
    return totals


def test_the_api_s_figures_summed_to_a_month_are_the_notice_s_year_to_date(
    year_2021, fangchenggang, clerk, api_as
):
    issue_notice(city=fangchenggang, year=2021, month=4, issued_on=dt.date(2021, 5, 8), user=clerk)
    client = api_as(clerk)
    summed = api_ytd(client, 4)
    assert summed == {code: Decimal(wan) * WAN for code, wan in YTD_APRIL.items()}
    notice = client.json("/api/v1/notices/", {"city": "450600", "year": 2021, "month": 4})
    (published,) = notice["results"]
    assert {row["region"]: Decimal(row["ytd_usd"]) for row in published["rows"]} == summed


def test_an_issued_notice_s_rows_are_the_frozen_notice_s_even_after_a_correction(
    year_2021, fangchenggang, clerk, shangsi_official, api_as
):
    issued = issue_notice(
        city=fangchenggang, year=2021, month=3, issued_on=dt.date(2021, 4, 8), user=clerk
    )
    frozen = issued.snapshot["notice"]
    # A correction of March after the notice: the live figures change, the notice does not.
    MonthlyFigure.objects.filter(region__admin_code="450621", year=2021, month=3).update(
        amount_usd=Decimal("990000.00")
    )
    for user in (clerk, shangsi_official):
        notice = api_as(user).json(f"/api/v1/notices/{issued.pk}/")
        assert notice["number"] == issued.number
        assert notice["required_share"] == frozen["required_share"] == "0.2500"
        assert notice["city_total"] == frozen["city_total"]
        expected = [
            {
                "region": row["code"],
                "name": row["name"],
                "rank": row["rank"],
                "target_usd": row["target_usd"],
                "month_usd": row["month_usd"],
                "ytd_usd": row["ytd_usd"],
                "ytd_last_year_usd": row["ytd_last_year_usd"],
                "completion": row["completion"],
                "required_share": frozen["required_share"],
                "on_track": row["on_track"],
                "yoy_growth": row["yoy_growth"],
                "shortfall_usd": row["shortfall_usd"],
                "catch_up_monthly_usd": row["catch_up_monthly_usd"],
            }
            for row in frozen["regions"]
        ]
        assert notice["rows"] == expected
    # 上思县 as frozen, worked by hand: 10 + 12 + 9 = 31万 of its 200万 target, 15.5 %.
    shangsi = next(row for row in notice["rows"] if row["region"] == "450621")
    assert (shangsi["ytd_usd"], shangsi["completion"]) == ("310000.00", "0.1550")
    assert Notice.objects.get(pk=issued.pk).snapshot["notice"] == frozen
