"""The clause-derived rules and the alerts, at, just below and just above each threshold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projects import rules
from projects.rules import Alert, ProjectFacts, RuleSpec

FCG_MAJOR = RuleSpec(
    rules.CUMULATIVE_ARRIVALS,
    "major_project_leader",
    thresholds={"min_arrived_usd": "15000000.00"},
    needs_leader=True,
)
WW_LAND = RuleSpec(
    rules.INVESTMENT_AND_YEAR_ARRIVALS,
    "land_energy_priority",
    thresholds={
        "min_total_investment_usd": "50000000.00",
        "min_arrived_in_year_usd": "10000000.00",
    },
)
WW_MANUFACTURING = RuleSpec(
    rules.SECTOR_INVESTMENT,
    "provincial_key_list_leader",
    thresholds={"industries": ["C"], "min_total_investment_usd": "30000000.00"},
    needs_leader=True,
)
WW_AGENT = RuleSpec(
    rules.NEW_PROJECT_FIXED_ASSETS,
    "agent_reward",
    thresholds={"modes": ["greenfield", "merger"], "min_fixed_asset_investment_cny": "50000000.00"},
)
WW_FORTUNE = RuleSpec(
    rules.FORTUNE500_HEADQUARTERS,
    "fortune500_reward",
    thresholds={"headquarters_kinds": ["national", "regional", "branch"]},
)


def facts(**kw) -> ProjectFacts:
    kw.setdefault("name", "p")
    kw.setdefault("stage", "landed")
    return ProjectFacts(**kw)


CENT = Decimal("0.01")


@pytest.mark.parametrize(
    ("arrived", "met"),
    [
        (Decimal("15000000.00") - CENT, False),
        (Decimal("15000000.00"), True),
        (Decimal("15000000.00") + CENT, True),
    ],
)
def test_fangchenggang_major_project_needs_1500_wan_usd_arrived_in_total(arrived, met):
    assert rules.applies(FCG_MAJOR, facts(arrived_total_usd=arrived)) is met


@pytest.mark.parametrize(
    ("investment", "arrived_in_year", "met"),
    [
        (Decimal("49999999.99"), Decimal("10000000.00"), False),
        (Decimal("50000000.00"), Decimal("10000000.00"), True),
        (Decimal("50000000.01"), Decimal("10000000.01"), True),
        (Decimal("50000000.00"), Decimal("9999999.99"), False),
        (None, Decimal("20000000.00"), False),
    ],
)
def test_wuwei_land_and_energy_priority_needs_both_investment_and_this_years_arrivals(
    investment, arrived_in_year, met
):
    project = facts(
        total_investment_usd=investment,
        arrived_in_year_usd=arrived_in_year,
        arrived_total_usd=Decimal("90000000"),
    )
    assert rules.applies(WW_LAND, project) is met


@pytest.mark.parametrize(
    ("industry", "investment", "met"),
    [
        ("C", Decimal("29999999.99"), False),
        ("C", Decimal("30000000.00"), True),
        ("C", Decimal("30000000.01"), True),
        ("F", Decimal("90000000.00"), False),
    ],
)
def test_wuwei_manufacturing_project_of_3000_wan_usd_goes_on_the_provincial_list(
    industry, investment, met
):
    assert (
        rules.applies(WW_MANUFACTURING, facts(industry=industry, total_investment_usd=investment))
        is met
    )


@pytest.mark.parametrize(
    ("mode", "fixed_assets", "met"),
    [
        ("greenfield", Decimal("49999999.99"), False),
        ("greenfield", Decimal("50000000.00"), True),
        ("merger", Decimal("50000000.01"), True),
        ("capital_increase", Decimal("90000000.00"), False),
    ],
)
def test_wuwei_agent_reward_for_new_projects_with_5000_wan_yuan_fixed_assets(
    mode, fixed_assets, met
):
    assert rules.applies(WW_AGENT, facts(mode=mode, fixed_asset_investment_cny=fixed_assets)) is met


@pytest.mark.parametrize(
    ("fortune", "kind", "met"),
    [
        (True, "regional", True),
        (True, "branch", True),
        (True, "", False),
        (False, "regional", False),
    ],
)
def test_wuwei_fortune_500_regional_headquarters_or_branch_is_rewarded(fortune, kind, met):
    project = facts(fortune_global_500=fortune, headquarters_kind=kind)
    assert rules.applies(WW_FORTUNE, project) is met


def test_a_cancelled_project_meets_no_rule():
    project = facts(stage="cancelled", arrived_total_usd=Decimal("99000000"))
    assert rules.triggered([FCG_MAJOR], project) == []


TODAY = dt.date(2021, 10, 31)


def test_a_rule_that_needs_a_leader_without_one_is_an_alert():
    project = facts(arrived_total_usd=Decimal("15000000"), has_leader=False)
    met = rules.triggered([FCG_MAJOR], project)
    assert rules.alerts(project, met, today=TODAY) == [
        Alert(rules.LEADER_MISSING, detail="major_project_leader")
    ]


def test_a_rule_that_needs_a_leader_with_one_is_no_alert():
    project = facts(arrived_total_usd=Decimal("15000000"), has_leader=True)
    assert rules.alerts(project, rules.triggered([FCG_MAJOR], project), today=TODAY) == []


@pytest.mark.parametrize(("days_open", "alerted"), [(29, False), (30, False), (31, True)])
def test_a_difficulty_open_more_than_30_days_is_an_alert(days_open, alerted):
    project = facts(open_difficulties_raised_on=(TODAY - dt.timedelta(days=days_open),))
    found = rules.alerts(project, [], today=TODAY)
    assert found == ([Alert(rules.DIFFICULTY_OPEN, days=days_open)] if alerted else [])


@pytest.mark.parametrize(("days_past", "alerted"), [(-1, False), (0, False), (1, True)])
def test_a_complaint_past_its_deadline_is_an_alert(days_past, alerted):
    project = facts(unanswered_complaint_deadlines=(TODAY - dt.timedelta(days=days_past),))
    found = rules.alerts(project, [], today=TODAY)
    assert found == ([Alert(rules.COMPLAINT_OVERDUE, days=days_past)] if alerted else [])


@pytest.mark.parametrize(("days", "alerted"), [(89, False), (90, True), (91, True)])
def test_a_stage_unchanged_for_90_days_is_an_alert(days, alerted):
    project = facts(stage="signed", stage_changed_on=TODAY - dt.timedelta(days=days))
    found = rules.alerts(project, [], today=TODAY)
    assert found == ([Alert(rules.STAGE_STALE, days=days)] if alerted else [])


def test_a_project_in_production_is_never_stale():
    project = facts(stage="production", stage_changed_on=TODAY - dt.timedelta(days=400))
    assert rules.alerts(project, [], today=TODAY) == []


def test_the_alert_thresholds_are_parameters():
    project = facts(
        stage="signed",
        stage_changed_on=TODAY - dt.timedelta(days=20),
        open_difficulties_raised_on=(TODAY - dt.timedelta(days=11),),
    )
    found = rules.alerts(project, [], today=TODAY, difficulty_open_days=10, stale_stage_days=20)
    assert [a.code for a in found] == [rules.DIFFICULTY_OPEN, rules.STAGE_STALE]


D = dt.date


@pytest.mark.parametrize(
    ("stage", "dates", "errors"),
    [
        ("negotiating", {}, {}),
        ("signed", {"signed": D(2021, 3, 1)}, {}),
        ("signed", {}, {"signed": "missing"}),
        ("landed", {"landed": D(2021, 5, 1)}, {"signed": "missing"}),
        (
            "landed",
            {"signed": D(2021, 6, 1), "landed": D(2021, 5, 1)},
            {"landed": "before_previous"},
        ),
        ("landed", {"signed": D(2021, 5, 1), "landed": D(2021, 5, 1)}, {}),
        (
            "production",
            {
                "signed": D(2021, 1, 1),
                "registered": D(2021, 2, 1),
                "landed": D(2021, 3, 1),
                "construction": D(2021, 4, 1),
                "production": D(2021, 3, 31),
            },
            {"production": "before_previous"},
        ),
        ("signed", {"signed": D(2021, 3, 1), "landed": D(2021, 4, 1)}, {"landed": "not_reached"}),
        (
            "cancelled",
            {"signed": D(2021, 3, 1), "cancelled": D(2021, 2, 1)},
            {"cancelled": "before_previous"},
        ),
    ],
)
def test_stage_dates_are_checked(stage, dates, errors):
    assert rules.stage_date_errors(stage, dates) == errors
