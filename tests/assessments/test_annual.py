"""年考评 and the progress schedule: the default scheme of the seed plan on hand-worked figures,
issuing freezes it, staff edit the schedule and the scheme."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from assessments.issuing import issue_assessment
from assessments.models import AnnualAssessment, MonthlyFigure, ProgressSchedule, RegionTarget
from assessments.pages import draft_snapshot
from fdi_portal.models import Region
from tasks.models import Plan

FCG_TITLE = "2021年防城港市扩大利用外资规模工作方案"


def setup_year(fangchenggang) -> None:
    """Targets 1000万 each for 港口区 and 防城区. 港口区 1300万 in 2021 (130%), 1000万 in 2020;
    防城区 700万 (70%), 700万 in 2020. 上思县, 东兴市: no target, no figures."""
    for name, target, now, before in (
        ("港口区", "10000000", "13000000", "10000000"),
        ("防城区", "10000000", "7000000", "7000000"),
    ):
        region = Region.objects.get(name=name)
        RegionTarget.objects.create(region=region, year=2021, target_usd=Decimal(target))
        MonthlyFigure.objects.create(region=region, year=2021, month=12, amount_usd=Decimal(now))
        MonthlyFigure.objects.create(region=region, year=2020, month=12, amount_usd=Decimal(before))


def test_the_default_scheme_scores_every_indicator_by_hand(fangchenggang, capsys):
    setup_year(fangchenggang)
    call_command("annual_assessment", city="450600", year=2021)
    data = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in data["regions"]}
    port = {i["name"]: (i["value"], i["points"]) for i in rows["港口区"]["indicators"]}
    # Ratio, weight 30, cap 120%: 1.3 → counted 1.2 → 36 points.
    assert port["年度目标完成率"] == ("1.3000", "36.00")
    # Stepped, weight 20: +30% = 3 whole steps of 10% × 1 point = 23 (bounds 0–25).
    assert port["序时进度完成情况"] == ("1.3000", "23.00")
    # Efficacy, weight 20: growth 30% is the max → 100 → 20 points.
    assert port["同比增长"] == ("0.3000", "20.00")
    # Quota 4 events, weight 15: none → 0.
    assert port["外资专题招商活动（每年不少于4次）"] == ("0", "0.00")
    # Deduction 5 per interview from 15: none → 15.
    assert port["季约谈扣分"] == ("0", "15.00")
    assert rows["港口区"]["score"] == "94.00"  # 36 + 23 + 20 + 0 + 15
    fcq = {i["name"]: i["points"] for i in rows["防城区"]["indicators"]}
    # 70%: 30 × 0.7 = 21; −30% = 3 steps × 2 = 14; growth 0 is the min → 60 → 12.
    assert (fcq["年度目标完成率"], fcq["序时进度完成情况"], fcq["同比增长"]) == (
        "21.00",
        "14.00",
        "12.00",
    )
    assert rows["防城区"]["score"] == "62.00"  # 21 + 14 + 12 + 0 + 15
    assert (rows["港口区"]["rank"], rows["防城区"]["rank"]) == (1, 2)
    # No target, no figures: completion missing → 0; no growth → 0; full deduction item.
    assert rows["上思县"]["score"] == "15.00"


def test_issuing_the_assessment_freezes_it(fangchenggang, clerk):
    setup_year(fangchenggang)
    issued = issue_assessment(
        city=fangchenggang, year=2021, issued_on=dt.date(2022, 1, 20), user=clerk
    )
    frozen = json.dumps(issued.snapshot, sort_keys=True)
    MonthlyFigure.objects.filter(region__name="防城区", year=2021).update(amount_usd=Decimal("1"))
    issued.refresh_from_db()
    assert json.dumps(issued.snapshot, sort_keys=True) == frozen
    with pytest.raises(ValidationError):
        issue_assessment(city=fangchenggang, year=2021, issued_on=dt.date(2022, 1, 21), user=clerk)
    assert AnnualAssessment.objects.get().status == "issued"


def test_staff_set_a_quarterly_schedule_and_the_notice_uses_it(fangchenggang, clerk, client):
    plan = Plan.objects.get(title=FCG_TITLE)
    client.force_login(clerk)
    url = reverse("assessments:schedule_edit", args=["450600", plan.pk])
    response = client.post(
        url, {"mode": "quarters", "q1": "20", "q2": "50", "q3": "75", "label": "按季"}
    )
    assert response.status_code == 302
    schedule = ProgressSchedule.objects.get(plan=plan)
    assert schedule.is_default is False
    region = Region.objects.get(name="港口区")
    RegionTarget.objects.create(region=region, year=2021, target_usd=Decimal("1000"))
    MonthlyFigure.objects.create(region=region, year=2021, month=3, amount_usd=Decimal("200"))
    # End of Q1: 20% required; 200 of 1000 is exactly on schedule.
    data = draft_snapshot(fangchenggang, 2021, 3)["notice"]
    assert data["required_share"] == "0.2000"
    assert data["regions"][0]["on_track"] is True


def test_a_decreasing_schedule_is_refused_and_changes_nothing(fangchenggang, clerk, client):
    plan = Plan.objects.get(title=FCG_TITLE)
    before = list(ProgressSchedule.objects.values_list("shares", flat=True))
    client.force_login(clerk)
    url = reverse("assessments:schedule_edit", args=["450600", plan.pk])
    response = client.post(url, {"mode": "quarters", "q1": "60", "q2": "50", "q3": "75"})
    assert response.status_code == 200
    assert list(ProgressSchedule.objects.values_list("shares", flat=True)) == before


def test_a_scheme_with_an_unknown_method_is_refused(fangchenggang, clerk, client):
    from tests.assessments.test_scheme_editor import page_data

    plan = Plan.objects.get(title=FCG_TITLE)
    client.force_login(clerk)
    url = reverse("assessments:scheme_edit", args=["450600", plan.pk])
    data = page_data(client, url)
    data["indicators-0-method"] = "magic"  # a forged post: not one of the choices
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["method"]
    assert plan.scoring_scheme.indicators[0]["method"] == "ratio_to_target"


def test_a_county_official_sees_that_the_assessment_is_not_issued_not_its_draft(
    fangchenggang, shangsi_official, client
):
    setup_year(fangchenggang)
    client.force_login(shangsi_official)
    url = reverse("assessments:assessment_detail", args=["450600", 2021])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["not_issued"] is True
    assert 'data-testid="scores"' not in response.content.decode()


def test_the_plan_goals_show_the_city_total_against_its_target(fangchenggang, leader, client):
    setup_year(fangchenggang)
    client.force_login(leader)
    page = client.get(reverse("assessments:plan_goals", args=["450600", 2021]))
    goals = {g.metric: g for g in page.context["goals"]}
    # 1300 + 700 = 2000万 of 7000万; growth (2000 − 1700) / 1700.
    assert goals["utilised_fdi_usd"].current == Decimal("20000000")
    assert goals["utilised_fdi_usd"].met is False
    assert goals["utilised_fdi_growth"].target == Decimal("0.2")
    assert goals["utilised_fdi_growth"].current.quantize(Decimal("0.0001")) == Decimal("0.1765")


def test_the_assessment_page_query_count_is_bounded(
    fangchenggang, clerk, client, django_assert_max_num_queries
):
    setup_year(fangchenggang)
    client.force_login(clerk)
    with django_assert_max_num_queries(20):
        assert (
            client.get(reverse("assessments:assessment_detail", args=["450600", 2021])).status_code
            == 200
        )


def test_a_year_no_plan_governs_says_so_and_offers_the_import(fangchenggang, clerk, client):
    client.force_login(clerk)
    page = client.get(reverse("assessments:assessment_detail", args=["450600", 2025]))
    assert page.context["plan"] is None
    assert reverse("tasks:plan_import") in page.content.decode()


def test_the_goals_page_and_the_dashboard_give_each_goal_the_same_status(
    fangchenggang, leader, client
):
    setup_year(fangchenggang)
    client.force_login(leader)

    def statuses(url: str) -> dict[str, str]:
        html = client.get(url).content.decode()
        found = re.findall(r'data-metric="(\w+)".*?data-status="(\w*)"', html, flags=re.S)
        return dict(found)

    goals_page = statuses(reverse("assessments:plan_goals", args=["450600", 2021]))
    dashboard = statuses(reverse("dashboards:city_dashboard", args=["450600"]) + "?year=2021")
    # 2000万 of 7000万 by June: not met; growth 17.65% against 20%: behind.
    assert goals_page["utilised_fdi_usd"] in ("on_track", "behind")
    assert goals_page["utilised_fdi_growth"] == "behind"
    assert goals_page == {metric: dashboard[metric] for metric in goals_page}


def setup_to_november(fangchenggang) -> None:
    """港口区, target 1000万: 825万 by November 2021 (December not in yet); 750万 in 2020's
    January–November, 900万 in its whole year."""
    region = Region.objects.get(name="港口区")
    RegionTarget.objects.create(region=region, year=2021, target_usd=Decimal("10000000"))
    for year, month, amount in (
        (2021, 11, "8250000"),
        (2020, 11, "7500000"),
        (2020, 12, "1500000"),
    ):
        MonthlyFigure.objects.create(
            region=region, year=year, month=month, amount_usd=Decimal(amount)
        )


def test_before_december_completion_is_scored_against_the_schedule_of_november(
    fangchenggang, capsys
):
    setup_to_november(fangchenggang)
    call_command("annual_assessment", city="450600", year=2021)
    data = json.loads(capsys.readouterr().out)
    assert data["through_month"] == 11
    port = next(r for r in data["regions"] if r["name"] == "港口区")
    points = {i["name"]: (i["value"], i["points"]) for i in port["indicators"]}
    # 825 / 1000 = 82.5 % of the target against 11/12 required by November: 0.825 ÷ 11/12 =
    # 0.9 of the schedule. Ratio, weight 30: 27.00 (not 30 × 0.825 = 24.75).
    assert points["年度目标完成率"] == ("0.9000", "27.00")
    # Stepped, weight 20: −10 % = 1 whole step below × 2 points = 18.00.
    assert points["序时进度完成情况"] == ("0.9000", "18.00")
    # Growth against 2020's January–November: 825 / 750 − 1 = 10 % (not 825 / 900 − 1).
    assert points["同比增长"][0] == "0.1000"


def test_issuing_before_december_asks_for_confirmation(fangchenggang, clerk, client):
    setup_to_november(fangchenggang)
    with pytest.raises(ValidationError, match="2021年12月尚无数据"):
        issue_assessment(city=fangchenggang, year=2021, issued_on=dt.date(2021, 12, 6), user=clerk)
    assert not AnnualAssessment.objects.issued().exists()

    client.force_login(clerk)
    url = reverse("assessments:assessment_detail", args=["450600", 2021])
    page = client.get(url).content.decode()
    assert 'name="confirm_partial"' in page
    assert 'data-testid="partial-year"' in page
    issue = reverse("assessments:assessment_issue", args=["450600", 2021])
    client.post(issue, {"issued_on": "2021-12-06"})
    assert not AnnualAssessment.objects.issued().exists()
    client.post(issue, {"issued_on": "2021-12-06", "confirm_partial": "on"})
    issued = AnnualAssessment.objects.issued().get()
    assert issued.snapshot["through_month"] == 11
    assert "（1-11月）" in client.get(url).content.decode()


def test_with_december_in_the_assessment_covers_the_whole_year_and_asks_nothing(
    fangchenggang, clerk, client
):
    setup_year(fangchenggang)
    client.force_login(clerk)
    page = client.get(reverse("assessments:assessment_detail", args=["450600", 2021]))
    assert page.context["page"].through_month == 12
    assert 'name="confirm_partial"' not in page.content.decode()
