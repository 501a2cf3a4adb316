"""Hand-worked checks of the pure assessment arithmetic (no database).

Every expected figure is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from assessments import calculations as calc
from assessments.calculations import (
    INTERVIEW_LAST_ON_TRACK,
    INTERVIEW_NO_RANKED_REGIONS,
    INTERVIEW_REASON_BEHIND_AND_LAST,
    INTERVIEW_REQUIRED,
    CityTargetValues,
    MonthlyNotice,
    RegionMonthlyInput,
    RequiredShares,
    build_monthly_notice,
    competition_ranks,
    quantize_ratio,
    quantize_usd,
    select_interviews,
)

D = Decimal


def months(*values: str, start: int = 1) -> dict[int, Decimal]:
    """Consecutive monthly figures from ``start``."""
    return {start + i: D(v) for i, v in enumerate(values)}


# --------------------------------------------------------------------------------------------
# The June scenario (month 6, default schedule: required = 6/12 = 0.5)
# --------------------------------------------------------------------------------------------


def june_notice() -> MonthlyNotice:
    regions = [
        # E: no target.  ytd = 10; last year = 30.
        RegionMonthlyInput("E", "E区", None, {6: D("10")}, {6: D("30")}),
        # C: target 800; March missing: 40+40+0+80+80+80 = 320 → completion 320/800 = 0.4.
        # Last year 6×50 = 300 (the July 999 is after the notice month and ignored).
        RegionMonthlyInput(
            "C",
            "C县",
            D("800"),
            {1: D("40"), 2: D("40"), 4: D("80"), 5: D("80"), 6: D("80")},
            {**months("50", "50", "50", "50", "50", "50"), 7: D("999")},
        ),
        # A: target 1200; 6×150 = 900 → 0.75; last year 6×120 = 720. July 5000 is ignored.
        RegionMonthlyInput(
            "A",
            "A市",
            D("1200"),
            {**months("150", "150", "150", "150", "150", "150"), 7: D("5000")},
            months("120", "120", "120", "120", "120", "120"),
        ),
        # D: added mid-year, figures from May only: 100+100 = 200 → 200/500 = 0.4; no last year.
        RegionMonthlyInput("D", "D区", D("500"), months("100", "100", start=5), {}),
        # B: target 1000; 50+100+50+100+100+100 = 500 → 0.5 exactly; no last year.
        RegionMonthlyInput("B", "B县", D("1000"), months("50", "100", "50", "100", "100", "100")),
        # F: target 0 = no target, no figures at all.
        RegionMonthlyInput("F", "F区", D("0")),
    ]
    return build_monthly_notice(2024, 6, regions, CityTargetValues(D("5000"), D("0.20")))


def by_code(notice: MonthlyNotice) -> dict:
    return {row.code: row for row in notice.regions}


def test_rows_are_ordered_by_rank_then_input_order_with_unranked_last() -> None:
    notice = june_notice()
    # A 0.75 → 1, B 0.5 → 2, C and D 0.4 → 3 and 3; C came before D in the input; E, F unranked.
    assert [(r.code, r.rank) for r in notice.regions] == [
        ("A", 1),
        ("B", 2),
        ("C", 3),
        ("D", 3),
        ("E", None),
        ("F", None),
    ]
    assert notice.ranked_count == 4
    assert notice.required == D("0.5")


def test_region_on_schedule_and_ahead_with_growth_and_catch_up() -> None:
    a = by_code(june_notice())["A"]
    assert a.month_amount == D("150")
    assert a.ytd == D("900")  # 6 × 150; the July figure is ignored
    assert a.ytd_last_year == D("720")  # 6 × 120
    assert a.completion == D("0.75")  # 900 / 1200
    assert a.on_track is True
    assert a.schedule_shortfall == D("0")  # max(0, 1200 × 0.5 − 900)
    assert a.growth == D("0.25")  # (900 − 720) / 720 = 180 / 720
    assert a.annual_gap == D("300")  # 1200 − 900
    assert a.catch_up_per_month == D("50")  # 300 / (12 − 6)
    assert a.missing_months == ()


def test_exactly_on_schedule_is_on_track() -> None:
    b = by_code(june_notice())["B"]
    assert b.completion == D("0.5")  # 500 / 1000 = required 6/12
    assert b.on_track is True
    assert b.schedule_shortfall == D("0")
    assert quantize_usd(b.catch_up_per_month) == "83.33"  # (1000 − 500) / 6 = 83.333…


def test_zero_last_year_gives_no_growth_rate() -> None:
    b = by_code(june_notice())["B"]
    assert b.ytd_last_year == D("0")
    assert b.growth is None
    assert b.missing_months_last_year == (1, 2, 3, 4, 5, 6)


def test_missing_month_counts_as_zero_and_is_reported() -> None:
    c = by_code(june_notice())["C"]
    assert c.missing_months == (3,)
    assert c.ytd == D("320")  # 40 + 40 + 0 + 80 + 80 + 80
    assert c.completion == D("0.4")  # 320 / 800
    assert c.on_track is False
    assert c.schedule_shortfall == D("80")  # 800 × 0.5 − 320
    assert c.annual_gap == D("480")  # 800 − 320
    assert c.catch_up_per_month == D("80")  # 480 / 6
    assert c.ytd_last_year == D("300")  # 6 × 50, July excluded
    assert quantize_ratio(c.growth) == "0.0667"  # (320 − 300) / 300 = 1/15 = 0.06666…


def test_region_added_mid_year_has_missing_early_months_and_no_growth() -> None:
    d = by_code(june_notice())["D"]
    assert d.missing_months == (1, 2, 3, 4)
    assert d.ytd == D("200")
    assert d.completion == D("0.4")  # 200 / 500
    assert d.schedule_shortfall == D("50")  # 500 × 0.5 − 200
    assert d.catch_up_per_month == D("50")  # (500 − 200) / 6
    assert d.growth is None
    assert d.rank == 3


def test_region_without_target_is_listed_but_not_ranked() -> None:
    rows = by_code(june_notice())
    e, f = rows["E"], rows["F"]
    assert (e.rank, f.rank) == (None, None)
    assert (e.completion, e.on_track, e.schedule_shortfall) == (None, None, None)
    assert (e.annual_gap, e.catch_up_per_month) == (None, None)
    assert quantize_ratio(e.growth) == "-0.6667"  # (10 − 30) / 30 = −2/3, growth still reported
    assert f.target == D("0")  # target 0 is treated as "no target"
    assert f.month_amount is None
    assert f.ytd == D("0")


def test_city_row_uses_city_target_and_sums_all_regions() -> None:
    city = june_notice().city
    assert city.ytd == D("1930")  # 900 + 500 + 320 + 200 + 10 + 0
    assert city.ytd_last_year == D("1050")  # 720 + 0 + 300 + 0 + 30 + 0
    assert city.month_amount == D("440")  # 150 + 100 + 80 + 100 + 10
    assert city.completion == D("0.386")  # 1930 / 5000
    assert city.on_track is False  # 0.386 < 0.5
    assert city.schedule_shortfall == D("570")  # 5000 × 0.5 − 1930
    assert city.annual_gap == D("3070")  # 5000 − 1930
    assert quantize_usd(city.catch_up_per_month) == "511.67"  # 3070 / 6 = 511.666…
    assert quantize_ratio(city.growth) == "0.8381"  # 880 / 1050 = 0.838095…
    assert city.growth_target_met is True  # 0.838 ≥ 0.20


def test_city_growth_exactly_at_growth_target_is_met() -> None:
    regions = [
        RegionMonthlyInput("X", "X", D("100"), {1: D("60")}, {1: D("50")}),
        RegionMonthlyInput("Y", "Y", D("100"), {1: D("60")}, {1: D("50")}),
    ]
    # (120 − 100) / 100 = 0.2
    met = build_monthly_notice(2024, 1, regions, CityTargetValues(D("1000"), D("0.20"))).city
    assert met.growth == D("0.2")
    assert met.growth_target_met is True
    missed = build_monthly_notice(2024, 1, regions, CityTargetValues(D("1000"), D("0.25"))).city
    assert missed.growth_target_met is False  # 0.2 < 0.25


def test_city_without_last_year_or_targets_has_no_growth_verdict() -> None:
    regions = [RegionMonthlyInput("X", "X", D("100"), {1: D("60")})]
    city = build_monthly_notice(2024, 1, regions, CityTargetValues(None, D("0.20"))).city
    assert city.growth is None
    assert city.growth_target_met is None
    assert city.completion is None
    assert city.on_track is None


# --------------------------------------------------------------------------------------------
# Ties, custom schedules, catch-up at year end
# --------------------------------------------------------------------------------------------


def test_ties_at_the_top_share_rank_one_and_the_next_rank_skips() -> None:
    regions = [
        RegionMonthlyInput("P", "P", D("100"), {1: D("80")}),  # 0.8
        RegionMonthlyInput("Q", "Q", D("200"), {1: D("160")}),  # 0.8
        RegionMonthlyInput("R", "R", D("100"), {1: D("10")}),  # 0.1
    ]
    notice = build_monthly_notice(2024, 1, regions, CityTargetValues(None))
    assert [(r.code, r.rank) for r in notice.regions] == [("P", 1), ("Q", 1), ("R", 3)]


def test_ratios_that_print_alike_share_a_rank_unless_exact_ties_are_asked_for() -> None:
    regions = [
        RegionMonthlyInput("G", "G", D("100000"), {6: D("90000")}),  # 0.9
        RegionMonthlyInput("H", "H", D("100000"), {6: D("45674")}),  # 0.45674 → prints 0.4567
        RegionMonthlyInput("K", "K", D("100000"), {6: D("45666")}),  # 0.45666 → prints 0.4567
    ]
    printed = build_monthly_notice(2024, 6, regions, CityTargetValues(None))
    assert [(r.code, r.rank) for r in printed.regions] == [("G", 1), ("H", 2), ("K", 2)]
    exact = build_monthly_notice(2024, 6, regions, CityTargetValues(None), tie_places=None)
    assert [(r.code, r.rank) for r in exact.regions] == [("G", 1), ("H", 2), ("K", 3)]
    # Both H and K are behind 0.5; printed they tie for last, exactly only K is last.
    assert [c.code for c in select_interviews(printed).interviewees] == ["H", "K"]
    assert [c.code for c in select_interviews(exact).interviewees] == ["K"]


def test_custom_quarter_schedule_is_interpolated_linearly() -> None:
    schedule = RequiredShares.from_quarter_ends(D("0.20"), D("0.50"), D("0.75"))
    # Q1: 0.20 × 1/3, 2/3, 3/3; Q2: 0.20 + 0.30 × k/3; Q3: 0.50 + 0.25 × k/3; Q4: 0.75 + 0.25 × k/3
    assert schedule.shares == (
        Fraction(1, 15),
        Fraction(2, 15),
        Fraction(1, 5),
        Fraction(3, 10),
        Fraction(2, 5),
        Fraction(1, 2),
        Fraction(7, 12),
        Fraction(2, 3),
        Fraction(3, 4),
        Fraction(5, 6),
        Fraction(11, 12),
        Fraction(1),
    )
    assert schedule.required(3) == D("0.2")
    assert quantize_ratio(schedule.required(2)) == "0.1333"


def test_custom_schedule_on_track_is_exact_even_for_repeating_shares() -> None:
    schedule = RequiredShares.from_quarter_ends(D("0.20"), D("0.50"), D("0.75"))
    regions = [
        # February share 2/15; 1500 × 2/15 = 200 exactly.
        RegionMonthlyInput("ON", "ON", D("1500"), months("100", "100")),
        RegionMonthlyInput("OFF", "OFF", D("1500"), months("100", "99")),
    ]
    rows = by_code(build_monthly_notice(2024, 2, regions, CityTargetValues(None), schedule))
    assert rows["ON"].on_track is True
    assert rows["ON"].schedule_shortfall == D("0")
    assert rows["OFF"].on_track is False
    assert rows["OFF"].schedule_shortfall == D("1")  # 200 − 199


def test_even_schedule_is_month_over_twelve() -> None:
    schedule = RequiredShares.even()
    assert schedule.required_share(1) == Fraction(1, 12)
    assert schedule.required(6) == D("0.5")
    assert schedule.required(9) == D("0.75")
    assert schedule.required(12) == D("1")


def test_exactly_on_even_schedule_in_a_twelfth_month_is_on_track() -> None:
    # Required 2/12 = 1/6 = 0.1666…; 1200 × 1/6 = 200.
    regions = [RegionMonthlyInput("X", "X", D("1200"), months("100", "100"))]
    row = build_monthly_notice(2024, 2, regions, CityTargetValues(None)).regions[0]
    assert row.on_track is True
    assert row.schedule_shortfall == D("0")


@pytest.mark.parametrize(
    "shares",
    [
        [D("0.5")] * 11 + [D("1")] + [D("1")],  # 13 values
        [D("0.5")] * 10 + [D("1")],  # 11 values
        [D("0.6"), D("0.5")] + [D("1")] * 10,  # decreasing
        [D("-0.1")] + [D("1")] * 11,  # below 0
        [D("1.1")] + [D("1")] * 11,  # above 1
        [D("0.5")] * 12,  # December share not 1
    ],
)
def test_invalid_schedules_are_rejected(shares: list[Decimal]) -> None:
    with pytest.raises(ValueError, match="schedule|share"):
        RequiredShares(tuple(shares))


def test_float_shares_and_amounts_are_rejected() -> None:
    with pytest.raises(TypeError):
        RequiredShares(tuple([0.5] * 11 + [1.0]))
    with pytest.raises(TypeError):
        RegionMonthlyInput("X", "X", D("1"), {1: 0.5})


def test_catch_up_at_year_end_is_none_and_the_gap_is_reported() -> None:
    regions = [
        # 12 × 75 = 900 against 1000: 100 short with no month left.
        RegionMonthlyInput("S", "S", D("1000"), {m: D("75") for m in range(1, 13)}),
        # 1100 against 1000: over-fulfilled.
        RegionMonthlyInput("T", "T", D("1000"), {12: D("1100")}),
    ]
    rows = by_code(build_monthly_notice(2024, 12, regions, CityTargetValues(None)))
    assert rows["S"].completion == D("0.9")
    assert rows["S"].on_track is False  # required 1
    assert rows["S"].schedule_shortfall == D("100")  # 1000 × 1 − 900
    assert rows["S"].annual_gap == D("100")
    assert rows["S"].catch_up_per_month is None
    assert rows["T"].annual_gap == D("0")  # max(0, 1000 − 1100)
    assert rows["T"].catch_up_per_month is None


def test_catch_up_is_zero_once_the_annual_target_is_reached() -> None:
    regions = [RegionMonthlyInput("T", "T", D("1000"), {1: D("1000")})]
    row = build_monthly_notice(2024, 1, regions, CityTargetValues(None)).regions[0]
    assert row.catch_up_per_month == D("0")  # max(0, 1000 − 1000) / 11


def test_bad_notice_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="month"):
        build_monthly_notice(2024, 13, [], CityTargetValues(None))
    with pytest.raises(ValueError, match="duplicate"):
        build_monthly_notice(
            2024,
            1,
            [RegionMonthlyInput("X", "X", None), RegionMonthlyInput("X", "Y", None)],
            CityTargetValues(None),
        )
    with pytest.raises(ValueError, match="negative"):
        RegionMonthlyInput("X", "X", D("-1"))
    with pytest.raises(ValueError, match="month"):
        RegionMonthlyInput("X", "X", D("1"), {0: D("1")})


# --------------------------------------------------------------------------------------------
# Quarterly interview (季约谈)
# --------------------------------------------------------------------------------------------


def test_two_regions_tied_last_and_behind_are_both_interviewed() -> None:
    decision = select_interviews(june_notice())
    assert decision.code == INTERVIEW_REQUIRED
    assert decision.last_rank == 3
    assert decision.ranked_count == 4  # A, B, C, D; E and F have no target
    cases = {c.code: c for c in decision.interviewees}
    assert list(cases) == ["C", "D"]
    assert cases["C"].completion == D("0.4")
    assert cases["C"].required == D("0.5")
    assert cases["C"].schedule_shortfall == D("80")
    assert cases["D"].schedule_shortfall == D("50")
    assert cases["D"].rank == 3
    assert cases["D"].ranked_count == 4
    assert cases["D"].reason == INTERVIEW_REASON_BEHIND_AND_LAST


def test_last_ranked_region_on_track_is_not_interviewed() -> None:
    regions = [
        RegionMonthlyInput("X", "X", D("100"), {3: D("50")}),  # 0.5
        RegionMonthlyInput(
            "Y", "Y", D("100"), {3: D("30")}
        ),  # 0.3 ≥ 3/12 = 0.25, last but on track
        RegionMonthlyInput("Z", "Z", None, {}),  # no target, no figures: never interviewed
    ]
    decision = select_interviews(build_monthly_notice(2024, 3, regions, CityTargetValues(None)))
    assert decision.code == INTERVIEW_LAST_ON_TRACK
    assert decision.last_rank == 2
    assert decision.interviewees == ()


def test_printed_tie_at_the_bottom_interviews_only_the_tied_region_behind() -> None:
    regions = [
        RegionMonthlyInput("X", "X", D("100000"), {3: D("90000")}),  # 0.9
        RegionMonthlyInput("ON", "ON", D("100000"), {3: D("25000")}),  # 0.25 = 3/12: on track
        RegionMonthlyInput("OFF", "OFF", D("100000"), {3: D("24999.8")}),  # 0.249998 → 0.2500
    ]
    notice = build_monthly_notice(2024, 3, regions, CityTargetValues(None))
    assert [(r.code, r.rank) for r in notice.regions] == [("X", 1), ("ON", 2), ("OFF", 2)]
    decision = select_interviews(notice)
    assert [c.code for c in decision.interviewees] == ["OFF"]
    assert decision.interviewees[0].schedule_shortfall == D("0.2")  # 25000 − 24999.8


def test_no_ranked_regions_means_nobody_is_interviewed() -> None:
    regions = [RegionMonthlyInput("Z", "Z", None, {9: D("5")})]
    decision = select_interviews(build_monthly_notice(2024, 9, regions, CityTargetValues(None)))
    assert decision.code == INTERVIEW_NO_RANKED_REGIONS
    assert decision.last_rank is None
    assert decision.interviewees == ()


@pytest.mark.parametrize("month", [1, 2, 4, 5, 7, 8, 10, 11])
def test_interviews_outside_quarter_ends_are_rejected(month: int) -> None:
    notice = build_monthly_notice(2024, month, [], CityTargetValues(None))
    with pytest.raises(ValueError, match="quarter"):
        select_interviews(notice)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def test_quantize_helpers_round_half_up() -> None:
    assert quantize_ratio(D("0.45665")) == "0.4567"  # half-even would give 0.4566
    assert quantize_ratio(D("0")) == "0.0000"
    assert quantize_ratio(None) is None
    assert quantize_usd(D("2.345")) == "2.35"  # half-even would give 2.34
    assert quantize_usd(D("-2.345")) == "-2.35"  # halves round away from zero
    assert quantize_usd(D("1234567.8")) == "1234567.80"


def test_competition_ranks_skip_after_ties() -> None:
    assert competition_ranks([D("5"), D("7"), D("7"), D("1")]) == (3, 1, 1, 4)


# --------------------------------------------------------------------------- a plan goal's status


@pytest.mark.parametrize(
    ("current", "target", "on_schedule", "status"),
    [
        (D("70000000"), D("70000000"), None, "met"),  # exactly on the target: met
        (D("69999999.99"), D("70000000"), None, "behind"),
        (D("30000000"), D("70000000"), True, "on_track"),  # at the 序时进度, not met yet
        (D("30000000"), D("70000000"), False, "behind"),
        (D("0.2"), D("0.2"), None, "met"),  # growth of 20% against a 20% goal
        (None, D("0.2"), None, ""),  # no figure yet
        (D("5"), None, True, ""),  # no target
    ],
)
def test_a_goal_is_met_on_track_or_behind(current, target, on_schedule, status):
    assert calc.goal_status(current, target, on_schedule=on_schedule) == status


def test_completion_against_the_schedule_holds_eleven_months_to_eleven_twelfths():
    # 82.5 % of the target by November, 11/12 required: 0.825 × 12 / 11 = 0.9 exactly.
    eleven_twelfths = calc.RequiredShares.even().required_share(11)
    assert calc.schedule_completion(D("0.825"), eleven_twelfths) == D("0.9")
    # The whole year: December's share is 1, so completion is unchanged.
    assert calc.schedule_completion(D("1.3"), D(1)) == D("1.3")
    assert calc.schedule_completion(None, D("0.5")) is None
    assert calc.schedule_completion(D("0.2"), D(0)) is None
