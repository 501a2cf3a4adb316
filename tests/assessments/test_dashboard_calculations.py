"""The month-by-month view of the notice's rules, worked out by hand (no database)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from assessments.calculations import (
    CityTargetValues,
    RegionMonthlyInput,
    RequiredShares,
    catch_up_to,
    city_months,
    monthly_history,
)

# Two regions, amounts in 万: A (target 120) reports Jan 10, Mar 30; B (target 60) Jan 20,
# Feb 10. Last year: A Jan 5, Dec 40; B nothing.
A = RegionMonthlyInput("A", "甲", D(120), {1: D(10), 3: D(30)}, {1: D(5), 12: D(40)})
B = RegionMonthlyInput("B", "乙", D(60), {1: D(20), 2: D(10)}, {})


def test_city_months_sum_the_regions_month_by_month_and_cumulate_to_the_month_reached():
    months = city_months([A, B], CityTargetValues(D(240)), through_month=3)
    assert months.amounts[:4] == (D(30), D(10), D(30), None)
    assert months.amounts_last_year[0] == D(5)
    assert months.amounts_last_year[1] is None  # nobody reported: not 0
    assert months.cumulative[:4] == (D(30), D(40), D(70), None)
    assert months.cumulative_last_year[0] == D(5)
    assert months.cumulative_last_year[10] == D(5)
    assert months.cumulative_last_year[11] == D(45)
    # The month/12 path of a 240 target: 20 a month.
    assert months.required[:3] == (D(20), D(40), D(60))
    assert months.required[11] == D(240)


def test_city_months_have_no_target_path_without_a_target_and_follow_the_plans_schedule():
    assert city_months([A], CityTargetValues(None), through_month=1).required == (None,) * 12
    quarters = RequiredShares.from_quarter_ends(D("0.1"), D("0.4"), D("0.7"))
    months = city_months([A, B], CityTargetValues(D(240)), through_month=3, schedule=quarters)
    assert months.required[2] == D(24)  # 10 % of 240 at the end of March
    assert months.required[5] == D(96)  # 40 % at the end of June


def test_the_history_gives_each_months_ranking_on_the_figures_of_that_month_only():
    history = monthly_history(2021, 3, [A, B], CityTargetValues(D(240)))
    ranks = [{r.code: r.rank for r in notice.regions} for notice in history]
    # Jan: A 10/120 = 8.33 %, B 20/60 = 33.33 %; Feb: A 8.33 %, B 50 %;
    # Mar: A 40/120 = 33.33 %, B 30/60 = 50 %.
    assert ranks == [{"A": 2, "B": 1}, {"A": 2, "B": 1}, {"A": 2, "B": 1}]
    assert [n.month for n in history] == [1, 2, 3]
    assert history[2].regions[1].completion == D(1) / D(3)


@pytest.mark.parametrize(
    ("ytd", "above", "expected"),
    [
        (D(40), D("0.5"), D(20)),  # 50 % of 120 is 60; 20 more draws level
        (D(60), D("0.5"), D(0)),  # already level
        (D(70), D("0.5"), D(0)),  # never negative
    ],
)
def test_catch_up_to_is_what_draws_level_with_the_region_above(ytd, above, expected):
    assert catch_up_to(ytd, D(120), above) == expected


def test_catch_up_to_needs_a_target():
    assert catch_up_to(D(1), None, D("0.5")) is None
    assert catch_up_to(D(1), D(0), D("0.5")) is None
