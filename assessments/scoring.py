"""Annual scoring (年度考核): indicators, their scoring methods, vetoes, totals and ranks.

Pure arithmetic, like ``assessments.calculations`` (whose conventions hold here): nothing
touches Django or the database; values are ``Decimal`` (or ``int``), carried internally as
exact ``Fraction`` so that thresholds and whole steps are decided exactly; floats are refused.

A scheme is a list of :class:`Indicator` — each scores one input figure with one method and
a weight — plus optional :class:`Veto` rules (一票否决). The methods:

========================= ================================================================
``ratio_to_target``       weight × min(max(value / target, 0), cap)
``efficacy_coefficient``  weight × (60 + 40 × (x − min) / (max − min)) / 100 (功效系数法)
``stepped``               weight ± whole steps × points per step, within bounds (阶梯计分)
``quota``                 weight × min(count, quota) / quota
``deduction``             max(floor, weight or 0 − per_occurrence × count)
``bands``                 the points of the highest threshold reached, else ``otherwise``
========================= ================================================================

Each method is a frozen dataclass with its own :meth:`ScoringMethod.points`; the class says
whether it takes a per-region target (``takes_target``), needs the range of all regions'
values (``needs_range``) or scores whole counts only (``counts_only``). The registry of method
codes, input labels and the parser of stored schemes live in ``assessments.schemes``.

Invalid parameters raise :class:`InvalidParam` (a ``ValueError``) naming the parameter and,
for a table parameter, its row; the scheme parser turns it into a translated message.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import ClassVar, Final

from assessments.calculations import USD_PLACES, competition_ranks, exact, round_half_up, to_decimal

__all__ = [
    "BELOW_TARGET_STEPS",
    "BELOW_TARGET_ZERO",
    "Bands",
    "Deduction",
    "EfficacyCoefficient",
    "Indicator",
    "IndicatorScore",
    "InvalidParam",
    "MethodPoints",
    "Quota",
    "RatioToTarget",
    "RegionScore",
    "RegionScoringInput",
    "ScoringContext",
    "ScoringMethod",
    "ScoringResult",
    "ScoringScheme",
    "Stepped",
    "StruckVeto",
    "Veto",
    "score_regions",
]

BELOW_TARGET_STEPS: Final = "steps"
"""Stepped: below target, deduct per whole step (the default)."""
BELOW_TARGET_ZERO: Final = "zero"
"""Stepped: below target, no points at all (达不到目标不得分)."""

_ZERO: Final = Fraction(0)


class InvalidParam(ValueError):
    """A parameter (or the weight) that cannot work.

    ``param`` is the stored name (``"cap"``, ``"bands"``, ``"weight"``), ``row`` the 1-based
    row of a table parameter (a band) or None, ``problem`` a stable code the scheme parser
    translates: ``not_positive``, ``negative``, ``below_min``, ``empty``, ``not_descending``,
    ``last_not_zero``, ``both``, ``required``, ``above_weight``, ``choice``.
    """

    def __init__(self, param: str, problem: str, message: str, row: int | None = None) -> None:
        super().__init__(f"{param}{'' if row is None else f' row {row}'}: {message}")
        self.param = param
        self.problem = problem
        self.row = row


def _positive(value: Decimal | None, param: str) -> None:
    if value is not None and exact(value, param) <= 0:
        raise InvalidParam(param, "not_positive", "must be above zero")


def _not_negative(value: Decimal | None, param: str) -> None:
    if value is not None and exact(value, param) < 0:
        raise InvalidParam(param, "negative", "must not be negative")


def _rows(rows: Iterable[Sequence[Decimal]], param: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """A threshold table as a tuple of (threshold, points) pairs, thresholds strictly
    descending (highest first), at least one row."""
    table = tuple((threshold, points) for threshold, points in rows)
    if not table:
        raise InvalidParam(param, "empty", "needs at least one row")
    for row, (threshold, points) in enumerate(table, start=1):
        exact(threshold, f"{param} threshold")
        exact(points, f"{param} points")
        if row > 1 and exact(threshold, param) >= exact(table[row - 2][0], param):
            raise InvalidParam(
                param, "not_descending", "threshold must be below the previous row's", row
            )
    return table


# --------------------------------------------------------------------------------------------
# What a method is given and what it returns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoringContext:
    """What a method may need besides the value, for one region and one indicator.

    * ``weight``: the indicator's weight (full marks).
    * ``reference``: the target or quota in force for this region (a per-region override or
      the method's own), for methods with ``takes_target``; else None.
    * ``value_range``: (min, max) of the values of every region that has one, for methods
      with ``needs_range``; else None.
    * ``region_target_usd``: the region's annual utilised-FDI target in USD, None without one
      (read by the stepped bonus that depends on the size of the target).
    """

    weight: Fraction
    reference: Fraction | None = None
    value_range: tuple[Fraction, Fraction] | None = None
    region_target_usd: Fraction | None = None


@dataclass(frozen=True, slots=True)
class MethodPoints:
    """A method's exact points and what explains them (see :class:`IndicatorScore`)."""

    points: Fraction
    bounded: bool = False
    reference: Fraction | None = None
    ratio: Fraction | None = None
    efficacy_score: Fraction | None = None
    value_range: tuple[Fraction, Fraction] | None = None
    steps: int | None = None
    points_per_step: Fraction | None = None
    band: int | None = None


class ScoringMethod(ABC):
    """A scoring method: its stored ``code`` and, per value, :meth:`points`.

    Class attributes: ``takes_target`` — the method scores against a target or quota that a
    region may override (``RegionScoringInput.targets``); ``needs_range`` — it needs the
    min/max over all regions (``ScoringContext.value_range``); ``counts_only`` — its input
    must be a whole count (interviews, events).
    """

    __slots__ = ()
    code: ClassVar[str]
    takes_target: ClassVar[bool] = False
    needs_range: ClassVar[bool] = False
    counts_only: ClassVar[bool] = False

    @abstractmethod
    def points(self, value: Fraction, context: ScoringContext) -> MethodPoints:
        """The exact points for ``value`` (never None: a missing value is handled before)."""

    def default_reference(self) -> Decimal | None:
        """The method's own target or quota, used where a region has no override."""
        return None

    def check_weight(self, weight: Fraction) -> None:
        """Refuse a weight the parameters contradict (``InvalidParam``); most accept any."""
        return None


def _count(value: Fraction, what: str) -> Fraction:
    if value < 0 or value.denominator != 1:
        raise ValueError(f"{what} must be a whole non-negative count, got {to_decimal(value)}")
    return value


# --------------------------------------------------------------------------------------------
# The methods
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RatioToTarget(ScoringMethod):
    """points = weight × min(max(value / target, 0), cap).

    ``target`` may be overridden per region; ``cap`` is a ratio (``Decimal('1.2')``:
    completion counted up to 120 %). A negative value scores 0.
    """

    target: Decimal | None = None
    cap: Decimal = Decimal("1.2")
    code: ClassVar[str] = "ratio_to_target"
    takes_target: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _positive(self.target, "target")
        _positive(self.cap, "cap")

    def default_reference(self) -> Decimal | None:
        return self.target

    def points(self, value: Fraction, context: ScoringContext) -> MethodPoints:
        ref = _required_reference(context)
        ratio = value / ref
        counted = min(max(ratio, _ZERO), exact(self.cap, "cap"))
        return MethodPoints(
            points=context.weight * counted,
            bounded=counted != ratio,
            reference=ref,
            ratio=ratio,
        )


@dataclass(frozen=True, slots=True)
class EfficacyCoefficient(ScoringMethod):
    """功效系数法: score = 60 + 40 × (x − min) / (max − min); points = weight × score / 100.

    min and max are taken over the regions in this scoring run that HAVE a value (missing
    values neither score nor stretch the range). If max = min every region with a value gets
    full marks. ``higher_is_better=False`` uses (max − x) instead of (x − min).
    """

    higher_is_better: bool = True
    code: ClassVar[str] = "efficacy_coefficient"
    needs_range: ClassVar[bool] = True

    def points(self, value: Fraction, context: ScoringContext) -> MethodPoints:
        if context.value_range is None:
            raise ValueError("efficacy coefficient scored without the range of the values")
        low, high = context.value_range
        if high == low:
            score = Fraction(100)
        else:
            spread = (value - low) if self.higher_is_better else (high - value)
            score = 60 + 40 * spread / (high - low)
        return MethodPoints(
            points=context.weight * score / 100, efficacy_score=score, value_range=(low, high)
        )


@dataclass(frozen=True, slots=True)
class Stepped(ScoringMethod):
    """阶梯计分: full marks (= weight) at target; whole steps above add, whole steps below
    deduct, the result clamped to [min_points, max_points].

    The deviation is measured in completion: d = value / target − 1 (a ratio; 0.1 = ten
    percentage points of the target).

    * At or above target: steps = ⌊d / step_above⌋, points = weight + steps × bonus, the
      bonus being ``points_per_step_above``, or — when ``points_per_step_above_by_target`` is
      given — the points of the first row whose threshold the region's annual utilised-FDI
      target (USD) reaches. The rows run largest threshold first and the last threshold must
      be 0, so every region reaches a row; a region WITHOUT a target uses the last row (it is
      treated like the smallest targets). Give one of the two bonus parameters, not both.
    * Below target, ``below_target="steps"`` (default): steps = −⌊−d / step_below⌋ (negative),
      points = weight − |steps| × points_per_step_below.
    * Below target, ``below_target="zero"`` (达不到目标不得分): 0 points, whatever the bounds;
      ``steps`` is None (no step is counted) and step_below/points_per_step_below are unused.

    Only WHOLE steps count in both directions (a partial step neither adds nor deducts), as in
    "每超/每低 1 个百分点" rules; they are counted on exact fractions, so completion 1.15 with a
    step of 0.05 is 3 steps (floating point would make it 2.999… and count 2). ``target`` may be
    overridden per region.
    """

    step_above: Decimal
    min_points: Decimal
    max_points: Decimal
    points_per_step_above: Decimal | None = None
    step_below: Decimal | None = None
    points_per_step_below: Decimal | None = None
    target: Decimal | None = None
    below_target: str = BELOW_TARGET_STEPS
    points_per_step_above_by_target: tuple[tuple[Decimal, Decimal], ...] = ()
    code: ClassVar[str] = "stepped"
    takes_target: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _positive(self.target, "target")
        _positive(self.step_above, "step_above")
        if self.below_target not in (BELOW_TARGET_STEPS, BELOW_TARGET_ZERO):
            raise InvalidParam("below_target", "choice", "must be 'steps' or 'zero'")
        if self.below_target == BELOW_TARGET_STEPS:
            for name in ("step_below", "points_per_step_below"):
                if getattr(self, name) is None:
                    raise InvalidParam(name, "required", "required when below_target is 'steps'")
        _positive(self.step_below, "step_below")
        _not_negative(self.points_per_step_above, "points_per_step_above")
        _not_negative(self.points_per_step_below, "points_per_step_below")
        by_target = "points_per_step_above_by_target"
        if self.points_per_step_above_by_target:
            table = _rows(self.points_per_step_above_by_target, by_target)
            for row, (threshold, points) in enumerate(table, start=1):
                if exact(threshold, by_target) < 0:
                    raise InvalidParam(by_target, "negative", "must not be negative", row)
                if exact(points, by_target) < 0:
                    raise InvalidParam(by_target, "negative", "must not be negative", row)
            if exact(table[-1][0], by_target) != 0:
                raise InvalidParam(
                    by_target, "last_not_zero", "the last threshold must be 0", len(table)
                )
            object.__setattr__(self, by_target, table)
            if self.points_per_step_above is not None:
                raise InvalidParam(
                    "points_per_step_above", "both", f"give it or {by_target}, not both"
                )
        elif self.points_per_step_above is None:
            raise InvalidParam("points_per_step_above", "required", "required")
        if exact(self.min_points, "min_points") > exact(self.max_points, "max_points"):
            raise InvalidParam("max_points", "below_min", "must not be below min_points")

    def default_reference(self) -> Decimal | None:
        return self.target

    def bonus_per_step(self, region_target_usd: Fraction | None) -> Fraction:
        """The points per whole step above target for a region with this annual target."""
        if not self.points_per_step_above_by_target:
            return exact(self.points_per_step_above, "points_per_step_above")
        for threshold, points in self.points_per_step_above_by_target:
            if region_target_usd is not None and region_target_usd >= exact(threshold, "row"):
                return exact(points, "row")
        # No target: the last row (threshold 0), as documented.
        return exact(self.points_per_step_above_by_target[-1][1], "row")

    def points(self, value: Fraction, context: ScoringContext) -> MethodPoints:
        ref = _required_reference(context)
        ratio = value / ref
        deviation = ratio - 1
        if deviation >= 0:
            steps = math.floor(deviation / exact(self.step_above, "step_above"))
            per_step = self.bonus_per_step(context.region_target_usd)
            raw = context.weight + steps * per_step
        elif self.below_target == BELOW_TARGET_ZERO:
            return MethodPoints(points=_ZERO, reference=ref, ratio=ratio)
        else:
            steps = -math.floor(-deviation / exact(self.step_below, "step_below"))
            per_step = exact(self.points_per_step_below, "points_per_step_below")
            raw = context.weight + steps * per_step
        low, high = exact(self.min_points, "min_points"), exact(self.max_points, "max_points")
        points = min(max(raw, low), high)
        return MethodPoints(
            points=points,
            bounded=points != raw,
            reference=ref,
            ratio=ratio,
            steps=steps,
            points_per_step=per_step,
        )


@dataclass(frozen=True, slots=True)
class Quota(ScoringMethod):
    """Count against a quota: points = weight × min(count, quota) / quota.

    The value must be a whole, non-negative count. ``quota`` may be overridden per region.
    """

    quota: Decimal | None = None
    code: ClassVar[str] = "quota"
    takes_target: ClassVar[bool] = True
    counts_only: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _positive(self.quota, "quota")

    def default_reference(self) -> Decimal | None:
        return self.quota

    def points(self, value: Fraction, context: ScoringContext) -> MethodPoints:
        ref = _required_reference(context)
        count = _count(value, "quota count")
        return MethodPoints(
            points=context.weight * min(count, ref) / ref,
            bounded=count > ref,
            reference=ref,
            ratio=count / ref,
        )


@dataclass(frozen=True, slots=True)
class Deduction(ScoringMethod):
    """Deduct ``per_occurrence`` per counted event, never below ``floor``.

    points = max(floor, base − per_occurrence × count), base = weight when
    ``start_at_weight`` (e.g. weight 5, −1 per interview, floor 0) else 0 (a pure 扣分项, e.g.
    floor = −weight). The value must be a whole, non-negative count.
    """

    per_occurrence: Decimal
    floor: Decimal = Decimal(0)
    start_at_weight: bool = True
    code: ClassVar[str] = "deduction"
    counts_only: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _not_negative(self.per_occurrence, "per_occurrence")
        exact(self.floor, "floor")

    def check_weight(self, weight: Fraction) -> None:
        if self.start_at_weight and exact(self.floor, "floor") > weight:
            raise InvalidParam("floor", "above_weight", "must not be above the weight")

    def points(self, value: Fraction, context: ScoringContext) -> MethodPoints:
        count = _count(value, "deduction count")
        start = context.weight if self.start_at_weight else _ZERO
        raw = start - exact(self.per_occurrence, "per_occurrence") * count
        points = max(exact(self.floor, "floor"), raw)
        return MethodPoints(points=points, bounded=points != raw)


@dataclass(frozen=True, slots=True)
class Bands(ScoringMethod):
    """分档计分: the points of the first band whose threshold the value reaches.

    ``bands`` are (threshold, points) pairs, thresholds strictly descending (highest first),
    in the input's own unit (a ratio for completion and growth: ``Decimal('0.8')`` = 80 %; USD
    for amounts; a count for counts). "At least" semantics: value ≥ threshold gives that
    band's points; ``otherwise`` (default 0) when no threshold is reached. The points are
    ABSOLUTE points, not scaled by the weight (the weight is the indicator's nominal full
    marks, shown and summed by the editor); they may be negative (a 扣分 band).
    """

    bands: tuple[tuple[Decimal, Decimal], ...]
    otherwise: Decimal = Decimal(0)
    code: ClassVar[str] = "bands"

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", _rows(self.bands, "bands"))
        exact(self.otherwise, "otherwise")

    def points(self, value: Fraction, context: ScoringContext) -> MethodPoints:
        for band, (threshold, points) in enumerate(self.bands, start=1):
            if value >= exact(threshold, "threshold"):
                return MethodPoints(
                    points=exact(points, "points"), reference=exact(threshold, "t"), band=band
                )
        return MethodPoints(points=exact(self.otherwise, "otherwise"))


def _required_reference(context: ScoringContext) -> Fraction:
    if context.reference is None:
        raise ValueError("scored without a target or quota")
    return context.reference


# --------------------------------------------------------------------------------------------
# Schemes and inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Indicator:
    """One scored indicator: a unique ``code``, a display ``name``, ``weight`` (points ≥ 0),
    the ``input`` figure it scores (an input code: completion, utilised_fdi_usd, yoy_growth,
    interviews, promotion_events) and its ``method``."""

    code: str
    name: str
    weight: Decimal
    input: str
    method: ScoringMethod

    def __post_init__(self) -> None:
        if exact(self.weight, "weight") < 0:
            raise InvalidParam("weight", "negative", "must not be negative")
        self.method.check_weight(exact(self.weight, "weight"))


@dataclass(frozen=True, slots=True)
class Veto:
    """一票否决: a region whose ``input`` value is below ``below`` (strictly) scores 0.

    A region WITHOUT a value for the input (e.g. no target, so no completion) is not vetoed:
    a veto needs a figure to strike on; the missing value already scores 0 where it is an
    indicator's input.
    """

    input: str
    below: Decimal

    def __post_init__(self) -> None:
        exact(self.below, "veto threshold")


@dataclass(frozen=True, slots=True)
class ScoringScheme:
    """An ordered, non-empty set of indicators with unique codes, its vetoes and a label."""

    indicators: tuple[Indicator, ...]
    vetoes: tuple[Veto, ...] = ()
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "indicators", tuple(self.indicators))
        object.__setattr__(self, "vetoes", tuple(self.vetoes))
        codes = [i.code for i in self.indicators]
        if not codes:
            raise ValueError("a scoring scheme needs at least one indicator")
        if len(set(codes)) != len(codes):
            raise ValueError("duplicate indicator codes in scoring scheme")


@dataclass(frozen=True, slots=True)
class RegionScoringInput:
    """A region's figures for scoring.

    * ``values``: input code → value (absent key or None = missing). Every input an indicator
      or a veto reads; keys no indicator or veto reads are ignored.
    * ``targets``: indicator code → the region's own target (ratio, stepped) or quota,
      overriding the method's.
    * ``target_usd``: the region's annual utilised-FDI target in USD, None without one (read
      by ``Stepped.points_per_step_above_by_target``).

    Mappings are copied read-only and excluded from hashing.
    """

    code: str
    name: str
    values: Mapping[str, Decimal | None] = field(default_factory=dict, hash=False)
    targets: Mapping[str, Decimal] = field(default_factory=dict, hash=False)
    target_usd: Decimal | None = None

    def __post_init__(self) -> None:
        for key, value in self.values.items():
            if value is not None:
                exact(value, f"value[{key}]")
        for key, value in self.targets.items():
            if exact(value, f"target[{key}]") <= 0:
                raise ValueError(f"region {self.code}: target for {key} must be positive")
        if self.target_usd is not None and exact(self.target_usd, "target_usd") < 0:
            raise ValueError(f"region {self.code}: target must not be negative")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "targets", MappingProxyType(dict(self.targets)))


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """How one indicator scored for one region.

    ``points`` is rounded half-up to 2 places; ``points_exact`` is unrounded (28 digits).
    ``missing`` = no input value (points 0). ``reference`` = target or quota used, or for
    bands the threshold reached. ``ratio`` = value / reference (ratio, stepped, quota;
    uncapped). ``efficacy_score`` is the 60–100 score and ``range_min``/``range_max`` the
    range it used. ``steps`` = signed whole steps (stepped; None below target under
    ``below_target="zero"``) and ``points_per_step`` the points each step was worth. ``band``
    = 1-based band reached (bands; None when none is). ``bounded`` = a cap, quota limit,
    bound or floor changed the points.
    """

    indicator_code: str
    indicator_name: str
    method_code: str
    weight: Decimal
    value: Decimal | None
    missing: bool
    points: Decimal
    points_exact: Decimal
    reference: Decimal | None = None
    ratio: Decimal | None = None
    efficacy_score: Decimal | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    steps: int | None = None
    bounded: bool = False
    points_per_step: Decimal | None = None
    band: int | None = None


@dataclass(frozen=True, slots=True)
class StruckVeto:
    """A veto that struck a region: its input, its threshold and the region's value."""

    input: str
    below: Decimal
    value: Decimal


@dataclass(frozen=True, slots=True)
class RegionScore:
    """A region's result.

    ``indicators`` in scheme order; ``points_before_veto`` = Σ of the ROUNDED indicator points
    (so the printed table adds up); ``total`` = that sum, or 0.00 when ``vetoed`` (一票否决:
    ``vetoes`` lists each veto that struck); competition ``rank`` by total.
    """

    code: str
    name: str
    indicators: tuple[IndicatorScore, ...]
    total: Decimal
    rank: int
    missing_indicators: tuple[str, ...]
    points_before_veto: Decimal
    vetoed: bool
    vetoes: tuple[StruckVeto, ...]


@dataclass(frozen=True, slots=True)
class ScoringResult:
    """Rows ordered by rank, ties in input order."""

    rows: tuple[RegionScore, ...]


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def _opt(value: Fraction | None) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _score_one(
    indicator: Indicator,
    region: RegionScoringInput,
    value_range: tuple[Fraction, Fraction] | None,
) -> IndicatorScore:
    method = indicator.method
    value = region.values.get(indicator.input)
    base = {
        "indicator_code": indicator.code,
        "indicator_name": indicator.name,
        "method_code": method.code,
        "weight": indicator.weight,
        "value": value,
    }
    if value is None:
        return IndicatorScore(
            **base, missing=True, points=round_half_up(_ZERO, USD_PLACES), points_exact=Decimal(0)
        )
    reference = None
    if method.takes_target:
        given = region.targets.get(indicator.code, method.default_reference())
        if given is None:
            raise ValueError(
                f"indicator {indicator.code}: no target/quota for region {region.code}"
            )
        reference = exact(given, "target")
    context = ScoringContext(
        weight=exact(indicator.weight, "weight"),
        reference=reference,
        value_range=value_range,
        region_target_usd=(
            None if region.target_usd is None else exact(region.target_usd, "target_usd")
        ),
    )
    scored = method.points(exact(value, f"{indicator.input} value"), context)
    low, high = scored.value_range or (None, None)
    return IndicatorScore(
        **base,
        missing=False,
        points=round_half_up(scored.points, USD_PLACES),
        points_exact=to_decimal(scored.points),
        reference=_opt(scored.reference),
        ratio=_opt(scored.ratio),
        efficacy_score=_opt(scored.efficacy_score),
        range_min=_opt(low),
        range_max=_opt(high),
        steps=scored.steps,
        bounded=scored.bounded,
        points_per_step=_opt(scored.points_per_step),
        band=scored.band,
    )


def _struck(scheme: ScoringScheme, region: RegionScoringInput) -> tuple[StruckVeto, ...]:
    struck = []
    for veto in scheme.vetoes:
        value = region.values.get(veto.input)
        if value is not None and exact(value, veto.input) < exact(veto.below, "below"):
            struck.append(StruckVeto(veto.input, veto.below, value))
    return tuple(struck)


def score_regions(scheme: ScoringScheme, regions: Iterable[RegionScoringInput]) -> ScoringResult:
    """Score every region on every indicator, apply the vetoes, total, and rank.

    * Missing value (None or absent input) → 0 points for that indicator, ``missing=True``
      and the indicator code listed in ``missing_indicators``; this applies to every method,
      including deductions (a missing count is not silently read as "no occurrence").
    * Indicator points are computed exactly and rounded half-up to 2 places once; the sum of
      those rounded points is ``points_before_veto``. A region whose value of a veto's input is
      below its threshold (strictly; a missing value never strikes) is ``vetoed``: total 0.00,
      its indicator points still reported. Regions are ranked on the total (competition
      ranking, ties in input order), so vetoed regions share the rank of a total of 0.
    * ``ValueError`` for target overrides of unknown indicators or of a method without a
      target, duplicate region codes, a missing target or quota, or a bad count.
    """
    inputs = tuple(regions)
    codes = [r.code for r in inputs]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate region codes in scoring input")
    known = {i.code: i for i in scheme.indicators}
    for region in inputs:
        unknown = set(region.targets) - set(known)
        if unknown:
            raise ValueError(
                f"region {region.code}: targets of unknown indicators {sorted(unknown)}"
            )
        for key in region.targets:
            if not known[key].method.takes_target:
                raise ValueError(f"indicator {key} takes no per-region target")

    ranges: dict[str, tuple[Fraction, Fraction]] = {}
    for indicator in scheme.indicators:
        if indicator.method.needs_range:
            present = [
                exact(v, "value")
                for r in inputs
                if (v := r.values.get(indicator.input)) is not None
            ]
            if present:
                ranges[indicator.code] = (min(present), max(present))

    scored = []
    for region in inputs:
        parts = tuple(_score_one(i, region, ranges.get(i.code)) for i in scheme.indicators)
        before = round_half_up(sum((Fraction(p.points) for p in parts), _ZERO), USD_PLACES)
        vetoes = _struck(scheme, region)
        total = round_half_up(_ZERO, USD_PLACES) if vetoes else before
        missing = tuple(p.indicator_code for p in parts if p.missing)
        scored.append((region, parts, total, missing, before, vetoes))
    ranks = competition_ranks([item[2] for item in scored])
    rows = [
        RegionScore(
            code=r.code,
            name=r.name,
            indicators=parts,
            total=total,
            rank=rank,
            missing_indicators=missing,
            points_before_veto=before,
            vetoed=bool(vetoes),
            vetoes=vetoes,
        )
        for (r, parts, total, missing, before, vetoes), rank in zip(scored, ranks, strict=True)
    ]
    order = sorted(range(len(rows)), key=lambda i: (rows[i].rank, i))
    return ScoringResult(rows=tuple(rows[i] for i in order))
