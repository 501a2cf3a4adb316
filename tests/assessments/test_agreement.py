"""One rule, one place: with a plan whose 序时进度 is not month/12, the notice, the home ranking,
the province comparison and the JSON command give every region (and the city) the same
completion, required share and on-track flag — worked out by hand below."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import MonthlyFigure, ProgressSchedule, RegionTarget
from fdi_portal.models import Region
from tasks.models import Plan

FCG_TITLE = "2021年防城港市扩大利用外资规模工作方案"
WAN = Decimal(10000)

# Targets and January–June 2021 figures in 万美元 (June's figure is the whole half-year).
TARGETS = {"港口区": 1000, "防城区": 500, "上思县": 200}  # 东兴市 has no target
JUNE = {"港口区": 450, "防城区": 200, "上思县": 60, "东兴市": 90}

# Worked by hand. The plan requires 10 % / 40 % / 70 % at the ends of Q1–Q3 (custom): June
# requires 40 %, where month/12 would require 50 %.
#   港口区 450 / 1000 = 45 %  ≥ 40 % → on track (behind under month/12)
#   防城区 200 /  500 = 40 %  = 40 % → on track: exactly on the threshold
#   上思县  60 /  200 = 30 %  < 40 % → behind
#   东兴市 no target: listed, not ranked, no on-track flag
#   city   800 / 7000 (the seed plan's 7000万美元) = 11.43 % < 40 % → behind
EXPECTED = {
    "港口区": ("0.4500", True, 1),
    "防城区": ("0.4000", True, 2),
    "上思县": ("0.3000", False, 3),
    "东兴市": (None, None, None),
}


@pytest.fixture
def custom_schedule(fangchenggang):
    plan = Plan.objects.get(title=FCG_TITLE)
    ProgressSchedule.objects.update_or_create(
        plan=plan,
        defaults={
            "method": ProgressSchedule.Method.CUSTOM,
            "shares": [
                "1/30", "2/30", "1/10", "2/10", "3/10", "4/10",
                "5/10", "6/10", "7/10", "8/10", "9/10", "1",
            ],
        },
    )  # fmt: skip
    for name, wan in TARGETS.items():
        region = Region.objects.get(city=fangchenggang, name=name)
        RegionTarget.objects.create(region=region, year=2021, target_usd=wan * WAN)
    for name, wan in JUNE.items():
        region = Region.objects.get(city=fangchenggang, name=name)
        MonthlyFigure.objects.create(region=region, year=2021, month=6, amount_usd=wan * WAN)
    return plan


def q(value: Decimal | None) -> str | None:
    """A ratio as the notice prints it (four decimals, half up); worked values are exact."""
    return None if value is None else str(value.quantize(Decimal("0.0001")))


def rows_of(report) -> dict[str, tuple]:
    return {row.name: (q(row.completion), row.on_track, row.rank) for row in report.rows}


def test_notice_home_ranking_comparison_and_command_agree_under_a_custom_schedule(
    custom_schedule, client, clerk, province_viewer
):
    client.force_login(clerk)
    notice = client.get(reverse("assessments:notice_detail", args=["450600", 2021, 6]))
    report = notice.context["report"]
    assert report.required_share == Decimal("0.4")
    assert rows_of(report) == EXPECTED
    assert (q(report.city_completion), report.city_on_track) == ("0.1143", False)

    ranking = client.get(reverse("home")).context["ranking"]
    assert (ranking.year, ranking.month, ranking.required_share) == (2021, 6, Decimal("0.4"))
    assert rows_of(ranking) == EXPECTED

    out = StringIO()
    call_command("monthly_notice", city="450600", year=2021, month=6, stdout=out)
    data = json.loads(out.getvalue())
    assert data["required_share"] == "0.4000"
    assert {
        r["name"]: (r["completion"], r["on_track"], r["rank"]) for r in data["regions"]
    } == EXPECTED
    assert data["city_total"]["completion"] == "0.1143"

    client.force_login(province_viewer)
    page = client.get(reverse("home") + "?year=2021")
    (fcg,) = [row for row in page.context["comparison"]["rows"] if row.city.admin_code == "450600"]
    assert fcg.through_month == 6
    assert (q(fcg.progress.completion), fcg.progress.required, fcg.progress.on_track) == (
        "0.1143",
        Decimal("0.4"),
        False,
    )
    assert 'data-on-track="no"' in page.content.decode()


def test_a_day_based_schedule_counts_days_elapsed_over_days_in_the_year(
    custom_schedule, client, clerk
):
    ProgressSchedule.objects.filter(plan=custom_schedule).update(
        method=ProgressSchedule.Method.DAYS, shares=[]
    )
    # 31+28+31+30+31+30 = 181 days of 365 by the end of June 2021: 49.589…% → "0.4959".
    # 防城区 (40 %) and 港口区 (45 %) are now behind; nobody is on track.
    out = StringIO()
    call_command("monthly_notice", city="450600", year=2021, month=6, stdout=out)
    data = json.loads(out.getvalue())
    assert data["required_share"] == "0.4959"
    assert [r["on_track"] for r in data["regions"]] == [False, False, False, None]
    client.force_login(clerk)
    report = client.get(reverse("assessments:notice_detail", args=["450600", 2021, 6])).context[
        "report"
    ]
    assert report.required_share == Decimal(181) / Decimal(365)
    # 港口区 falls short by 1000 × 181/365 − 450 = 45.89…万美元.
    assert round(report.rows[0].shortfall_usd / WAN, 2) == Decimal("45.89")


def test_the_schedule_page_saves_a_day_based_schedule(custom_schedule, client, clerk):
    client.force_login(clerk)
    url = reverse("assessments:schedule_edit", args=["450600", custom_schedule.pk])
    response = client.post(url, {"mode": "days", "label": "按天"})
    assert response.status_code == 302
    stored = ProgressSchedule.objects.get(plan=custom_schedule)
    assert (stored.method, stored.shares, stored.label) == ("days", [], "按天")
    page = client.get(url).content.decode()
    assert "49.59%" in page  # June 2021 (the plan's year): 181 / 365


# Figures to November 2021 only: December is not verified yet. USD: (2021 Jan–Nov, 2020 Jan–Nov,
# 2020 December); each year-to-date is entered as the month's figure.
NOVEMBER = {
    "港口区": (53_729_200, 34_942_000, 4_787_700),  # 2020's whole year: 39 729 700
    "东兴市": (10_196_000, 10_000_000, 940_000),  # 2020's whole year: 10 940 000
}
# Worked by hand, like periods (1–11月 against 1–11月):
#   港口区 53 729 200 / 34 942 000 − 1 = 0.53766… → 53.77 %
#          (against 2020's whole year: 53 729 200 / 39 729 700 − 1 = 0.35236… → 35.24 %)
#   东兴市 10 196 000 / 10 000 000 − 1 = 0.0196 → +1.96 %
#          (against 2020's whole year: 10 196 000 / 10 940 000 − 1 = −0.06800… → −6.80 %)
NOVEMBER_GROWTH = {"港口区": "0.5377", "东兴市": "0.0196"}


@pytest.fixture
def to_november(fangchenggang):
    for name, (this_year, last_year, last_december) in NOVEMBER.items():
        region = Region.objects.get(city=fangchenggang, name=name)
        MonthlyFigure.objects.bulk_create(
            [
                MonthlyFigure(region=region, year=2021, month=11, amount_usd=this_year),
                MonthlyFigure(region=region, year=2020, month=11, amount_usd=last_year),
                MonthlyFigure(region=region, year=2020, month=12, amount_usd=last_december),
            ]
        )
    return fangchenggang


def test_before_december_the_notice_assessment_home_and_commands_give_the_same_growth(
    to_november, client, clerk
):
    client.force_login(clerk)
    notice = client.get(reverse("assessments:notice_detail", args=["450600", 2021, 11]))
    growth = {r.name: q(r.yoy_growth) for r in notice.context["report"].rows}
    assert {name: growth[name] for name in NOVEMBER_GROWTH} == NOVEMBER_GROWTH

    ranking = client.get(reverse("home")).context["ranking"]
    assert ranking.month == 11
    assert {r.name: q(r.yoy_growth) for r in ranking.rows if r.name in NOVEMBER} == (
        NOVEMBER_GROWTH
    )

    page = client.get(reverse("assessments:assessment_detail", args=["450600", 2021]))
    assert page.context["page"].through_month == 11
    assert "（1-11月）" in page.content.decode()
    assessed = {
        row.name: next(line.value for line in row.lines if line.name == "同比增长")
        for row in page.context["page"].rows
    }
    assert {name: q(assessed[name]) for name in NOVEMBER_GROWTH} == NOVEMBER_GROWTH

    out = StringIO()
    call_command("annual_assessment", city="450600", year=2021, stdout=out)
    data = json.loads(out.getvalue())
    assert data["through_month"] == 11
    commanded = {
        r["name"]: next(i["value"] for i in r["indicators"] if i["name"] == "同比增长")
        for r in data["regions"]
    }
    assert {name: commanded[name] for name in NOVEMBER_GROWTH} == NOVEMBER_GROWTH

    out = StringIO()
    call_command("monthly_notice", city="450600", year=2021, month=11, stdout=out)
    notice_json = {r["name"]: r["yoy_growth"] for r in json.loads(out.getvalue())["regions"]}
    assert {name: notice_json[name] for name in NOVEMBER_GROWTH} == NOVEMBER_GROWTH
