"""Hand-worked checks of the annual scoring (no database): every method at, just below and just
above its thresholds, exact whole steps, the stepped options, vetoes, totals and ranks.

Every expected figure is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from assessments.scoring import (
    Bands,
    Deduction,
    EfficacyCoefficient,
    Indicator,
    IndicatorScore,
    InvalidParam,
    Quota,
    RatioToTarget,
    RegionScoringInput,
    ScoringScheme,
    Stepped,
    StruckVeto,
    Veto,
    score_regions,
)

D = Decimal


def score_one(indicator: Indicator, *regions: RegionScoringInput) -> dict[str, IndicatorScore]:
    """The indicator's score per region code for a one-indicator scheme."""
    result = score_regions(ScoringScheme((indicator,)), regions)
    return {row.code: row.indicators[0] for row in result.rows}


def region(
    code: str,
    values: dict[str, str | None],
    targets: dict[str, str] | None = None,
    target_usd: str | None = None,
) -> RegionScoringInput:
    return RegionScoringInput(
        code,
        code,
        {key: None if value is None else D(value) for key, value in values.items()},
        {key: D(value) for key, value in (targets or {}).items()},
        None if target_usd is None else D(target_usd),
    )


# --------------------------------------------------------------------------------------------
# ratio_to_target
# --------------------------------------------------------------------------------------------


def test_ratio_to_target_counts_up_to_the_cap() -> None:
    indicator = Indicator("fdi", "实际使用外资", D("40"), "utilised_fdi_usd", RatioToTarget())
    scores = score_one(
        indicator,
        region("P", {"utilised_fdi_usd": "900"}, {"fdi": "1000"}),  # 40 × 0.9 = 36
        region("Q", {"utilised_fdi_usd": "1500"}, {"fdi": "1000"}),  # 1.5 → cap 1.2 → 48
        region("R", {"utilised_fdi_usd": "1200"}, {"fdi": "1000"}),  # exactly 1.2 → 48
        region("N", {"utilised_fdi_usd": "-10"}, {"fdi": "1000"}),  # negative → 0
    )
    assert scores["P"].points == D("36.00")
    assert scores["P"].ratio == D("0.9")
    assert scores["P"].method_code == "ratio_to_target"
    assert scores["Q"].points == D("48.00")
    assert scores["Q"].bounded is True
    assert scores["Q"].ratio == D("1.5")
    assert scores["R"].points == D("48.00")
    assert scores["R"].bounded is False
    assert scores["N"].points == D("0.00")


def test_ratio_to_target_uses_the_scheme_target_without_override() -> None:
    indicator = Indicator("fdi", "外资", D("10"), "utilised_fdi_usd", RatioToTarget(D("400")))
    scores = score_one(indicator, region("P", {"utilised_fdi_usd": "100"}))
    assert scores["P"].points == D("2.50")  # 10 × 100/400
    assert scores["P"].reference == D("400")


# --------------------------------------------------------------------------------------------
# efficacy_coefficient
# --------------------------------------------------------------------------------------------


def test_efficacy_coefficient_spans_sixty_to_hundred() -> None:
    indicator = Indicator("proj", "项目数", D("20"), "promotion_events", EfficacyCoefficient())
    scores = score_one(
        indicator,
        region("L", {"promotion_events": "10"}),  # min → 60 → 20 × 0.60 = 12
        region("M", {"promotion_events": "20"}),  # 60 + 40 × 10/20 = 80 → 16
        region("H", {"promotion_events": "30"}),  # max → 100 → 20
        region("X", {"promotion_events": None}),  # missing: 0, the range stays 10..30
    )
    assert scores["L"].points == D("12.00")
    assert scores["L"].efficacy_score == D("60")
    assert scores["M"].points == D("16.00")
    assert scores["M"].efficacy_score == D("80")
    assert scores["H"].points == D("20.00")
    assert (scores["H"].range_min, scores["H"].range_max) == (D("10"), D("30"))
    assert scores["X"].points == D("0.00")
    assert scores["X"].missing is True


def test_efficacy_coefficient_gives_full_marks_when_all_are_equal() -> None:
    indicator = Indicator("proj", "项目数", D("20"), "promotion_events", EfficacyCoefficient())
    scores = score_one(
        indicator, region("A", {"promotion_events": "5"}), region("B", {"promotion_events": "5"})
    )
    assert scores["A"].points == D("20.00")
    assert scores["B"].points == D("20.00")
    assert scores["A"].efficacy_score == D("100")


def test_efficacy_coefficient_rounds_half_up_and_can_prefer_lower_values() -> None:
    higher = Indicator("v", "v", D("20"), "yoy_growth", EfficacyCoefficient())
    lower = Indicator("v", "v", D("20"), "yoy_growth", EfficacyCoefficient(False))
    regions = (
        region("A", {"yoy_growth": "0"}),
        region("B", {"yoy_growth": "1"}),
        region("C", {"yoy_growth": "3"}),
    )
    up = score_one(higher, *regions)
    # B: 60 + 40 × 1/3 = 73.333… → 20 × 0.73333… = 14.6666… → 14.67
    assert up["B"].points == D("14.67")
    down = score_one(lower, *regions)
    # B: 60 + 40 × (3 − 1)/3 = 86.666… → 17.3333… → 17.33; A (lowest) full marks, C 60 → 12
    assert down["B"].points == D("17.33")
    assert down["A"].points == D("20.00")
    assert down["C"].points == D("12.00")


# --------------------------------------------------------------------------------------------
# stepped
# --------------------------------------------------------------------------------------------

STEPPED = Stepped(
    step_above=D("0.01"),  # +0.5 per whole percentage point above target
    points_per_step_above=D("0.5"),
    step_below=D("0.01"),  # −1 per whole percentage point below target
    points_per_step_below=D("1"),
    min_points=D("0"),
    max_points=D("12"),
    target=D("100"),
)


@pytest.mark.parametrize(
    ("value", "points", "steps", "bounded"),
    [
        ("100", "10.00", 0, False),  # at target: the weight
        ("103.5", "11.50", 3, False),  # +3.5 points of completion → 3 whole steps → 10 + 1.5
        ("104", "12.00", 4, False),  # 10 + 4 × 0.5 = 12 = max, reached without clamping
        ("130", "12.00", 30, True),  # 10 + 15 = 25 → clamped to 12
        ("99.5", "10.00", 0, False),  # −0.5 points: partial step, no deduction
        ("97", "7.00", -3, False),  # 10 − 3 × 1
        ("85", "0.00", -15, True),  # 10 − 15 = −5 → clamped to 0
    ],
)
def test_stepped_scoring_counts_whole_steps_within_bounds(
    value: str, points: str, steps: int, bounded: bool
) -> None:
    indicator = Indicator("s", "s", D("10"), "utilised_fdi_usd", STEPPED)
    score = score_one(indicator, region("A", {"utilised_fdi_usd": value}))["A"]
    assert score.points == D(points)
    assert score.steps == steps
    assert score.bounded is bounded


def completion_stepped(**options: object) -> Indicator:
    """Weight 20 at 100 % completion; ±1 point per 10 points of completion unless given."""
    params: dict = {
        "target": D("1"),
        "step_above": D("0.1"),
        "step_below": D("0.1"),
        "points_per_step_below": D("1"),
        "min_points": D("0"),
        "max_points": D("30"),
    }
    params |= options
    if "points_per_step_above_by_target" not in options:
        params.setdefault("points_per_step_above", D("1"))
    return Indicator("st", "序时进度", D("20"), "completion", Stepped(**params))


@pytest.mark.parametrize(
    ("completion", "step", "steps", "points", "float_steps"),
    [
        # 1.15 − 1 = 0.15 = 3 × 0.05 exactly: 20 + 3 = 23. Floating point: 2.999… → 2.
        ("1.15", "0.05", 3, "23.00", 2),
        # 1.2 − 1 = 0.2 = 2 × 0.1: 20 + 2 = 22. Floating point: 1.999… → 1.
        ("1.2", "0.1", 2, "22.00", 1),
        # 1 − 0.9 = 0.1 = 1 × 0.1 below: 20 − 1 = 19. Floating point: 0.999… → 0.
        ("0.9", "0.1", -1, "19.00", 0),
        # 1 − 0.8 = 0.2 = 4 × 0.05 below: 20 − 4 = 16. Floating point: 3.999… → 3.
        ("0.8", "0.05", -4, "16.00", -3),
    ],
)
def test_stepped_counts_whole_steps_exactly_where_floating_point_falls_short(
    completion: str, step: str, steps: int, points: str, float_steps: int
) -> None:
    # The float arithmetic a naive implementation would do really does miss the step:
    deviation = float(completion) - 1
    assert int(math.copysign(math.floor(abs(deviation) / float(step)), deviation)) == float_steps
    indicator = completion_stepped(step_above=D(step), step_below=D(step))
    score = score_one(indicator, region("A", {"completion": completion}))["A"]
    assert score.steps == steps
    assert score.points == D(points)


@pytest.mark.parametrize(
    ("completion", "points", "steps"),
    [
        ("1", "20.00", 0),  # at target: full marks
        ("1.0999", "20.00", 0),  # just below a whole step above: no bonus
        ("1.1", "21.00", 1),  # one step above: 20 + 1
        ("0.9999", "0.00", None),  # just below target: 达不到目标不得分, no step counted
        ("0.5", "0.00", None),
    ],
)
def test_stepped_below_target_zero_gives_nothing_below_the_target(
    completion: str, points: str, steps: int | None
) -> None:
    # min_points 5 would lift a deduction; "zero" means no points at all below target.
    indicator = completion_stepped(
        below_target="zero", step_below=None, points_per_step_below=None, min_points=D("5")
    )
    score = score_one(indicator, region("A", {"completion": completion}))["A"]
    assert score.points == D(points)
    assert score.steps == steps
    assert score.bounded is False


BY_TARGET = ((D("50000000"), D("0.6")), (D("0"), D("0.3")))


@pytest.mark.parametrize(
    ("target_usd", "points", "per_step"),
    [
        ("50000000", "21.80", "0.6"),  # exactly 5000万: first row → 20 + 3 × 0.6
        ("50000000.01", "21.80", "0.6"),  # just above: first row
        ("49999999.99", "20.90", "0.3"),  # just below: the last row → 20 + 3 × 0.3
        ("0", "20.90", "0.3"),  # a zero target reaches the last row (threshold 0)
        (None, "20.90", "0.3"),  # no target: the last row, as documented
    ],
)
def test_stepped_bonus_per_step_follows_the_size_of_the_regions_target(
    target_usd: str | None, points: str, per_step: str
) -> None:
    indicator = completion_stepped(points_per_step_above_by_target=BY_TARGET)
    # Completion 130 %: 3 whole steps of 10 points above target.
    score = score_one(indicator, region("A", {"completion": "1.3"}, target_usd=target_usd))["A"]
    assert score.steps == 3
    assert score.points_per_step == D(per_step)
    assert score.points == D(points)


def test_stepped_bonus_by_target_does_not_change_deductions_below_target() -> None:
    indicator = completion_stepped(points_per_step_above_by_target=BY_TARGET)
    # 80 %: 2 steps below × 1 = 20 − 2 = 18, whatever the target.
    score = score_one(indicator, region("A", {"completion": "0.8"}, target_usd="90000000"))["A"]
    assert (score.steps, score.points) == (-2, D("18.00"))


@pytest.mark.parametrize(
    ("options", "param", "problem", "row"),
    [
        # The last row must be 0, so that every region has a bonus.
        (
            {"points_per_step_above_by_target": ((D("50000000"), D("0.6")),)},
            "points_per_step_above_by_target",
            "last_not_zero",
            1,
        ),
        (
            {"points_per_step_above_by_target": ((D("0"), D("0.3")), (D("50000000"), D("0.6")))},
            "points_per_step_above_by_target",
            "not_descending",
            2,
        ),
        (
            {
                "points_per_step_above_by_target": BY_TARGET,
                "points_per_step_above": D("1"),
            },
            "points_per_step_above",
            "both",
            None,
        ),
        ({"points_per_step_above": None}, "points_per_step_above", "required", None),
        ({"step_below": None}, "step_below", "required", None),
        ({"below_target": "never"}, "below_target", "choice", None),
        ({"max_points": D("-1")}, "max_points", "below_min", None),
        ({"step_above": D("0")}, "step_above", "not_positive", None),
    ],
)
def test_stepped_parameters_that_cannot_work_are_named(
    options: dict, param: str, problem: str, row: int | None
) -> None:
    with pytest.raises(InvalidParam) as caught:
        completion_stepped(**options)
    assert (caught.value.param, caught.value.problem, caught.value.row) == (param, problem, row)


# --------------------------------------------------------------------------------------------
# bands
# --------------------------------------------------------------------------------------------

ISSUE_BANDS = Bands(((D("1"), D("100")), (D("0.8"), D("75")), (D("0.5"), D("50"))), D("0"))


@pytest.mark.parametrize(
    ("completion", "points", "band"),
    [
        ("1.2", "100.00", 1),  # above the top threshold
        ("1", "100.00", 1),  # at it: "at least"
        ("0.9999", "75.00", 2),  # just below it: the next band
        ("0.8", "75.00", 2),
        ("0.7999", "50.00", 3),
        ("0.5", "50.00", 3),
        ("0.4999", "0.00", None),  # no threshold reached: otherwise
    ],
)
def test_bands_give_the_points_of_the_highest_threshold_reached(
    completion: str, points: str, band: int | None
) -> None:
    # The points are absolute: weight 20 does not scale the band's 100 points.
    indicator = Indicator("b", "完成率", D("20"), "completion", ISSUE_BANDS)
    score = score_one(indicator, region("A", {"completion": completion}))["A"]
    assert score.points == D(points)
    assert score.band == band
    assert score.reference == (None if band is None else D(("1", "0.8", "0.5")[band - 1]))


def test_bands_read_amounts_in_usd_and_may_deduct_when_no_band_is_reached() -> None:
    bands = Bands(((D("15000000"), D("10")), (D("10000000"), D("6"))), otherwise=D("-2"))
    indicator = Indicator("b", "外资", D("10"), "utilised_fdi_usd", bands)
    scores = score_one(
        indicator,
        region("A", {"utilised_fdi_usd": "15000000"}),  # 1500万 reached → 10
        region("B", {"utilised_fdi_usd": "14999999.99"}),  # just below → 1000万 band → 6
        region("C", {"utilised_fdi_usd": "9999999.99"}),  # below every band → −2
    )
    assert [scores[c].points for c in "ABC"] == [D("10.00"), D("6.00"), D("-2.00")]


@pytest.mark.parametrize(
    ("bands", "problem", "row"),
    [
        ((), "empty", None),
        (((D("1"), D("100")), (D("1"), D("75"))), "not_descending", 2),  # equal is not lower
        (((D("0.5"), D("50")), (D("0.8"), D("75"))), "not_descending", 2),
        (((D("1"), D("9")), (D("0.8"), D("7")), (D("0.9"), D("5"))), "not_descending", 3),
    ],
)
def test_bands_must_run_strictly_from_the_highest_threshold_down(
    bands: tuple, problem: str, row: int | None
) -> None:
    with pytest.raises(InvalidParam) as caught:
        Bands(bands)
    assert (caught.value.param, caught.value.problem, caught.value.row) == ("bands", problem, row)


# --------------------------------------------------------------------------------------------
# quota, deduction
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "points"),
    [
        ("5", "8.00"),  # above quota: full weight
        ("4", "8.00"),  # at quota: full weight
        ("3", "6.00"),  # 8 × 3/4
        ("0", "0.00"),
    ],
)
def test_quota_is_full_at_or_above_and_pro_rata_below(count: str, points: str) -> None:
    indicator = Indicator("ev", "招商活动", D("8"), "promotion_events", Quota(D("4")))
    score = score_one(indicator, region("A", {"promotion_events": count}))["A"]
    assert score.points == D(points)


def test_quota_rejects_a_fractional_count() -> None:
    indicator = Indicator("ev", "招商活动", D("8"), "promotion_events", Quota(D("4")))
    with pytest.raises(ValueError, match="count"):
        score_one(indicator, region("A", {"promotion_events": "2.5"}))


@pytest.mark.parametrize(
    ("count", "points", "bounded"),
    [
        ("0", "5.00", False),  # 5 − 0
        ("2", "1.00", False),  # 5 − 2 × 2
        ("3", "0.00", True),  # 5 − 6 = −1 → floor 0
    ],
)
def test_deductions_from_full_marks_stop_at_the_floor(
    count: str, points: str, bounded: bool
) -> None:
    indicator = Indicator("iv", "约谈", D("5"), "interviews", Deduction(D("2"), D("0")))
    score = score_one(indicator, region("A", {"interviews": count}))["A"]
    assert score.points == D(points)
    assert score.bounded is bounded


def test_pure_deduction_item_stops_at_minus_weight() -> None:
    method = Deduction(per_occurrence=D("2"), floor=D("-5"), start_at_weight=False)
    indicator = Indicator("iv", "约谈扣分", D("5"), "interviews", method)
    scores = score_one(
        indicator,
        region("A", {"interviews": "2"}),  # 0 − 2 × 2 = −4
        region("B", {"interviews": "4"}),  # 0 − 8 → floor −5
    )
    assert scores["A"].points == D("-4.00")
    assert scores["B"].points == D("-5.00")


def test_a_weight_the_parameters_contradict_is_refused() -> None:
    with pytest.raises(InvalidParam) as caught:
        Indicator("iv", "约谈", D("5"), "interviews", Deduction(D("1"), floor=D("6")))
    assert (caught.value.param, caught.value.problem) == ("floor", "above_weight")
    with pytest.raises(InvalidParam) as caught:
        Indicator("r", "r", D("-1"), "completion", RatioToTarget(D("1")))
    assert (caught.value.param, caught.value.problem) == ("weight", "negative")


# --------------------------------------------------------------------------------------------
# One scheme: missing values, totals, ranks, vetoes
# --------------------------------------------------------------------------------------------


def test_missing_value_scores_zero_with_a_flag_for_every_method() -> None:
    scheme = ScoringScheme(
        (
            Indicator("r", "r", D("10"), "completion", RatioToTarget(D("1"))),
            Indicator("s", "s", D("10"), "completion", STEPPED),
            Indicator("q", "q", D("10"), "promotion_events", Quota(D("4"))),
            Indicator("d", "d", D("10"), "interviews", Deduction(D("1"))),
            Indicator("b", "b", D("10"), "yoy_growth", Bands(((D("0"), D("10")),))),
        )
    )
    row = score_regions(scheme, [region("A", {"completion": None})]).rows[0]
    assert [p.points for p in row.indicators] == [D("0.00")] * 5
    assert row.missing_indicators == ("r", "s", "q", "d", "b")
    assert row.total == D("0.00")


def test_two_indicators_may_score_the_same_input() -> None:
    scheme = ScoringScheme(
        (
            Indicator("ratio", "完成率", D("30"), "completion", RatioToTarget(D("1"))),
            Indicator("bands", "完成率分档", D("10"), "completion", ISSUE_BANDS),
        )
    )
    row = score_regions(scheme, [region("A", {"completion": "0.9"})]).rows[0]
    # 30 × 0.9 = 27; 0.9 reaches the 0.8 band → 75: total 102.
    assert [p.points for p in row.indicators] == [D("27.00"), D("75.00")]
    assert row.total == D("102.00")


def test_total_adds_the_printed_points_and_ties_share_a_rank() -> None:
    scheme = ScoringScheme(
        (
            Indicator("a", "a", D("10"), "interviews", Quota(D("3"))),
            Indicator("b", "b", D("10"), "promotion_events", Quota(D("3"))),
        )
    )
    result = score_regions(
        scheme,
        [
            # 10 × 1/3 = 3.333… → 3.33 twice: total 6.66 (not 6.67 from the exact 6.666…)
            region("U", {"interviews": "1", "promotion_events": "1"}),
            # 10 × 2/3 = 6.666… → 6.67, plus 0
            region("V", {"interviews": "2", "promotion_events": "0"}),
            region("W", {"interviews": "0", "promotion_events": "2"}),
        ],
    )
    assert [(r.code, r.total, r.rank) for r in result.rows] == [
        ("V", D("6.67"), 1),
        ("W", D("6.67"), 1),
        ("U", D("6.66"), 3),
    ]
    u = result.rows[2]
    assert [(p.indicator_code, p.method_code, p.value, p.points) for p in u.indicators] == [
        ("a", "quota", D("1"), D("3.33")),
        ("b", "quota", D("1"), D("3.33")),
    ]
    assert u.points_before_veto == D("6.66")
    assert u.vetoed is False


VETO_SCHEME = ScoringScheme(
    (
        Indicator("ratio", "完成率", D("60"), "completion", RatioToTarget(D("1"))),
        Indicator("events", "招商活动", D("40"), "promotion_events", Quota(D("4"))),
    ),
    vetoes=(Veto("completion", D("0.6")),),  # 完成率低于60%一票否决
)


def test_a_veto_strikes_just_below_its_threshold_and_not_at_it() -> None:
    result = score_regions(
        VETO_SCHEME,
        [
            # 60 × 1 + 40 × 4/4 = 100.
            region("A", {"completion": "1", "promotion_events": "4"}),
            # Exactly at the threshold: not vetoed. 60 × 0.6 = 36, no event: 36.
            region("B", {"completion": "0.6", "promotion_events": "0"}),
            # Just below: 60 × 0.5999 = 35.994 → 35.99, + 40 = 75.99 before the veto → 0.
            region("C", {"completion": "0.5999", "promotion_events": "4"}),
            # No completion at all (no target): not vetoed, 0 + 0 = 0.
            region("D", {"completion": None, "promotion_events": "0"}),
        ],
    )
    rows = {r.code: r for r in result.rows}
    assert [(r.code, r.total, r.rank) for r in result.rows] == [
        ("A", D("100.00"), 1),
        ("B", D("36.00"), 2),
        # C outscored B before the veto; at 0 it shares the last rank with D.
        ("C", D("0.00"), 3),
        ("D", D("0.00"), 3),
    ]
    assert (rows["B"].vetoed, rows["B"].vetoes) == (False, ())
    c = rows["C"]
    assert c.vetoed is True
    assert c.vetoes == (StruckVeto("completion", D("0.6"), D("0.5999")),)
    # Its indicator points are still reported, and their sum.
    assert [p.points for p in c.indicators] == [D("35.99"), D("40.00")]
    assert c.points_before_veto == D("75.99")
    assert (rows["D"].vetoed, rows["D"].missing_indicators) == (False, ("ratio",))


def test_a_veto_may_read_an_input_no_indicator_scores_and_several_may_strike() -> None:
    scheme = ScoringScheme(
        VETO_SCHEME.indicators,
        vetoes=(Veto("completion", D("0.6")), Veto("yoy_growth", D("-0.1"))),
    )
    row = score_regions(
        scheme,
        # Growth −10.01 % is below −10 %; completion 50 % below 60 %: both strike.
        [region("A", {"completion": "0.5", "promotion_events": "2", "yoy_growth": "-0.1001"})],
    ).rows[0]
    assert row.total == D("0.00")
    assert [v.input for v in row.vetoes] == ["completion", "yoy_growth"]
    # 60 × 0.5 = 30; 40 × 2/4 = 20.
    assert row.points_before_veto == D("50.00")


def test_bad_scoring_inputs_are_rejected() -> None:
    scheme = ScoringScheme((Indicator("a", "a", D("10"), "completion", RatioToTarget()),))
    with pytest.raises(ValueError, match="unknown"):
        score_regions(scheme, [region("A", {"completion": "1"}, {"zz": "1"})])
    with pytest.raises(ValueError, match="no target"):
        score_regions(scheme, [region("A", {"completion": "1"})])
    with pytest.raises(ValueError, match="duplicate"):
        score_regions(scheme, [region("A", {}), region("A", {})])
    efficacy = Indicator("e", "e", D("1"), "completion", EfficacyCoefficient())
    with pytest.raises(ValueError, match="duplicate"):
        ScoringScheme((efficacy, efficacy))
    with pytest.raises(ValueError, match="per-region target"):
        score_regions(ScoringScheme((efficacy,)), [region("A", {"completion": "1"}, {"e": "2"})])
    with pytest.raises(TypeError):
        RegionScoringInput("A", "A", {"completion": 0.5})  # a float is never a figure


def test_only_ratio_stepped_and_quota_take_a_per_region_target() -> None:
    takes = {
        cls.code: cls.takes_target
        for cls in (RatioToTarget, EfficacyCoefficient, Stepped, Quota, Deduction, Bands)
    }
    assert takes == {
        "ratio_to_target": True,
        "efficacy_coefficient": False,
        "stepped": True,
        "quota": True,
        "deduction": False,
        "bands": False,
    }
