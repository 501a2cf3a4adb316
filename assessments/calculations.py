"""Pure assessment arithmetic: progress schedules, monthly notices, quarterly interviews.

The annual scoring is in ``assessments.scoring``, which shares these conventions.

Nothing here touches the database or Django; callers pass plain values in and get frozen
dataclasses back, so every figure can be reproduced by hand.

Conventions that hold for the whole module
------------------------------------------
* Money is ``Decimal`` in one unit of the caller's choosing (USD, or 万美元); targets and
  amounts must use the same unit.  Floats are rejected with ``TypeError``; ``int`` is accepted.
* Internally every quotient is carried as an exact ``fractions.Fraction``, so comparisons
  ("on track", "growth target met", tie detection for scores) are exact.  Results are handed
  back as ``Decimal`` correctly rounded to 28 significant digits (half-even); nothing is
  rounded for display here except where a field says so.  Use :func:`quantize_ratio` (4 places,
  half-up) and :func:`quantize_usd` (2 places, half-up) to print.
* Ratios are plain ratios (``Decimal('0.25')`` means 25 %), never percentages.
* Months are ``int`` 1..12.
* Ranking is competition ranking ("1, 2, 2, 4"), highest value first.  Rows with the same
  rank keep the caller's input order.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from fdi_portal.lib.exact import exact, round_half_up, share, to_decimal

__all__ = [
    "INTERVIEW_LAST_ON_TRACK",
    "INTERVIEW_NO_RANKED_REGIONS",
    "INTERVIEW_REASON_BEHIND_AND_LAST",
    "INTERVIEW_REQUIRED",
    "QUARTER_END_MONTHS",
    "RATIO_PLACES",
    "USD_PLACES",
    "CityProgress",
    "CityTargetValues",
    "InterviewCase",
    "InterviewDecision",
    "MonthlyNotice",
    "RequiredShares",
    "YearEndProjection",
    "RegionMonthlyInput",
    "RegionProgress",
    "build_monthly_notice",
    "CityMonths",
    "catch_up_to",
    "city_months",
    "city_progress",
    "monthly_history",
    "completion",
    "growth",
    "goal_status",
    "schedule_completion",
    "share",
    "competition_ranks",
    "exact",
    "quantize_ratio",
    "quantize_usd",
    "round_half_up",
    "percentage_points",
    "project_at_pace",
    "project_seasonal",
    "select_interviews",
    "to_decimal",
]

RATIO_PLACES: Final = 4
"""Decimal places of a printed ratio (``0.4567`` is printed as 45.67 %)."""

USD_PLACES: Final = 2
"""Decimal places of a printed amount and of printed points."""

QUARTER_END_MONTHS: Final = (3, 6, 9, 12)

INTERVIEW_REQUIRED: Final = "interview_required"
INTERVIEW_LAST_ON_TRACK: Final = "last_ranked_on_track"
INTERVIEW_NO_RANKED_REGIONS: Final = "no_ranked_regions"
INTERVIEW_REASON_BEHIND_AND_LAST: Final = "behind_schedule_and_ranked_last"

_ZERO: Final = Fraction(0)
_ONE: Final = Fraction(1)
_MONTHS: Final = range(1, 13)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


# One exactness rule and one half-up rounding for every figure (``fdi_portal.lib.exact``),
# under the names this module and ``assessments.scoring`` have always used.
_exact = exact
_dec = to_decimal
_round_half_up = round_half_up


def _check_month(month: object) -> int:
    if isinstance(month, bool) or not isinstance(month, int) or month not in _MONTHS:
        raise ValueError(f"month must be an int 1..12, got {month!r}")
    return month


def _quantize(value: Decimal | None, places: int) -> str | None:
    if value is None:
        return None
    return format(_round_half_up(_exact(value, "value"), places), "f")


def quantize_ratio(value: Decimal | None) -> str | None:
    """A ratio as a plain string with 4 decimals, rounded half-up (``0.45675`` → ``"0.4568"``).

    ``None`` stays ``None``.  Rounding is applied to the exact value, so it happens once.
    """
    return _quantize(value, RATIO_PLACES)


def quantize_usd(value: Decimal | None) -> str | None:
    """An amount (or points) as a plain string with 2 decimals, rounded half-up; ``None`` → ``None``."""
    return _quantize(value, USD_PLACES)


def competition_ranks(keys: Sequence[Decimal | Fraction]) -> tuple[int, ...]:
    """Competition ranks ("1, 2, 2, 4") for ``keys``, larger key = better, positions preserved.

    The rank of a key is one plus the number of keys strictly greater than it, so equal keys
    share the best rank and the next rank skips by the size of the tie.
    """
    exact = [_exact(k, "rank key") for k in keys]
    return tuple(1 + sum(1 for other in exact if other > k) for k in exact)


# --------------------------------------------------------------------------------------------
# 1. Progress schedule (序时进度)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequiredShares:
    """Cumulative share of the annual target required by the end of each month.

    ``shares[m - 1]`` is the share required by the end of month ``m``.  Accepts 12 Decimal
    (or int/Fraction) values; they are stored as exact Fractions so that month/12 stays exact.
    Validation (``ValueError``): exactly 12 values, each in [0, 1], non-decreasing, last = 1.
    """

    shares: tuple[Fraction, ...]

    def __post_init__(self) -> None:
        values = tuple(_exact(v, "schedule share") for v in self.shares)
        if len(values) != 12:
            raise ValueError(f"a progress schedule needs 12 monthly shares, got {len(values)}")
        if any(v < 0 or v > 1 for v in values):
            raise ValueError("schedule shares must lie in [0, 1]")
        if any(b < a for a, b in zip(values, values[1:], strict=False)):
            raise ValueError("schedule shares must be non-decreasing")
        if values[-1] != 1:
            raise ValueError("the December share must be exactly 1")
        object.__setattr__(self, "shares", values)

    @classmethod
    def even(cls) -> RequiredShares:
        """The default 序时进度: month/12 (exact thirds and twelfths, no rounding)."""
        return cls(tuple(Fraction(m, 12) for m in _MONTHS))

    @classmethod
    def from_quarter_ends(
        cls, q1: Decimal, q2: Decimal, q3: Decimal, q4: Decimal = Decimal(1)
    ) -> RequiredShares:
        """Twelve shares from the four quarter-end shares, by LINEAR interpolation.

        Decision: months inside a quarter are interpolated on a straight line from the previous
        quarter-end share (0 at the start of the year) to the next one, e.g. quarters
        20 %/50 %/75 %/100 % give Jan = 20 %/3, Feb = 40 %/3, Mar = 20 %, Apr = 30 %, …
        Holding the previous quarter's share was rejected: it would require 0 % in January
        and February, so every region would be "on track" in the first two monthly notices.
        The quarter-end months keep exactly the shares given.
        """
        ends = [_ZERO] + [_exact(q, "quarter share") for q in (q1, q2, q3, q4)]
        shares = []
        for m in _MONTHS:
            quarter, offset = divmod(m - 1, 3)  # offset 0, 1, 2 → 1/3, 2/3, 3/3 of the quarter
            start, end = ends[quarter], ends[quarter + 1]
            shares.append(start + (end - start) * Fraction(offset + 1, 3))
        return cls(tuple(shares))

    @classmethod
    def by_days(cls, year: int) -> RequiredShares:
        """序时进度 by days: the days from 1 January to the end of each month over the days of
        ``year`` (365 or 366), as notices that write 「时间过半」 on 30 June count it — e.g.
        181/365 at the end of June 2021, 182/366 in 2024. December is exactly 1."""
        days_in_year = 366 if calendar.isleap(year) else 365
        elapsed = 0
        shares = []
        for m in _MONTHS:
            elapsed += calendar.monthrange(year, m)[1]
            shares.append(Fraction(elapsed, days_in_year))
        return cls(tuple(shares))

    def required_share(self, month: int) -> Fraction:
        """Exact cumulative share required by the end of ``month``."""
        return self.shares[_check_month(month) - 1]

    def required(self, month: int) -> Decimal:
        """Cumulative share required by the end of ``month`` as a Decimal (28 significant digits)."""
        return _dec(self.required_share(month))


# --------------------------------------------------------------------------------------------
# 2. Monthly notice (月通报)
# --------------------------------------------------------------------------------------------


def _monthly_amounts(amounts: Mapping[int, Decimal], what: str) -> Mapping[int, Decimal]:
    checked: dict[int, Decimal] = {}
    for month, amount in amounts.items():
        _check_month(month)
        _exact(amount, f"{what}[{month}]")
        checked[month] = amount
    return MappingProxyType(checked)


@dataclass(frozen=True, slots=True)
class RegionMonthlyInput:
    """One assessed county/district (县市区) for the monthly notice.

    ``amounts`` / ``amounts_last_year``: month → amount for year Y and Y−1.  A month absent from
    the mapping means "no figure": it counts as 0 in sums and is reported in ``missing_months``.
    Figures for months after the notice month are ignored.  ``target_usd`` None or 0 means the
    region has no target (listed, not ranked, not interviewed); a negative target is an error.
    The mappings are copied read-only and excluded from hashing.
    """

    code: str
    name: str
    target_usd: Decimal | None
    amounts: Mapping[int, Decimal] = field(default_factory=dict, hash=False)
    amounts_last_year: Mapping[int, Decimal] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.target_usd is not None and _exact(self.target_usd, "target_usd") < 0:
            raise ValueError(f"region {self.code}: target must not be negative")
        object.__setattr__(self, "amounts", _monthly_amounts(self.amounts, "amounts"))
        object.__setattr__(
            self, "amounts_last_year", _monthly_amounts(self.amounts_last_year, "amounts_last_year")
        )


@dataclass(frozen=True, slots=True)
class CityTargetValues:
    """The city's own annual target and growth target (ratio, ``Decimal('0.20')`` = +20 %).

    Either may be None.  The city target is NOT the sum of the region targets.
    """

    target_usd: Decimal | None
    growth_target: Decimal | None = None

    def __post_init__(self) -> None:
        if self.target_usd is not None and _exact(self.target_usd, "city target") < 0:
            raise ValueError("city target must not be negative")
        if self.growth_target is not None:
            _exact(self.growth_target, "growth target")


@dataclass(frozen=True, slots=True)
class RegionProgress:
    """One region's row of the monthly notice (all amounts in the input unit, unrounded).

    * ``month_amount``: the figure for the notice month, None if there is none.
    * ``ytd``: Σ months 1..M of Y; ``ytd_last_year``: Σ months 1..M of Y−1 (missing = 0).
    * ``completion`` = ytd / target; None without a (positive) target.
    * ``required``: schedule share for month M (same for every region).
    * ``on_track``: completion ≥ required, compared exactly (equal is on track); None without
      target.  ``on_track is False`` exactly when ``schedule_shortfall > 0``.
    * ``schedule_shortfall`` = max(0, target × required − ytd); None without target.
    * ``growth`` = (ytd − ytd_last_year) / ytd_last_year; None when ytd_last_year ≤ 0 (a growth
      rate on a zero or negative base is meaningless).
    * ``rank``: competition rank by completion, highest first; None without target.
    * ``annual_gap`` = max(0, target − ytd); ``catch_up_per_month`` = annual_gap / (12 − M),
      None at M = 12 (no month is left; the whole gap is in ``annual_gap``) or without target.
    * ``missing_months`` / ``missing_months_last_year``: months 1..M without a figure, ascending.
    """

    code: str
    name: str
    target: Decimal | None
    month_amount: Decimal | None
    ytd: Decimal
    ytd_last_year: Decimal
    completion: Decimal | None
    required: Decimal
    on_track: bool | None
    schedule_shortfall: Decimal | None
    growth: Decimal | None
    rank: int | None
    annual_gap: Decimal | None
    catch_up_per_month: Decimal | None
    missing_months: tuple[int, ...]
    missing_months_last_year: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CityProgress:
    """The city row: ytd figures summed over the regions given, measured against the CITY target.

    Fields mean the same as in :class:`RegionProgress`.  ``month_amount`` is the sum of the
    regions' figures for month M, None only when no region has one.  ``growth_target_met`` =
    growth ≥ growth_target (exact; equal is met), None when either side is None.
    """

    target: Decimal | None
    growth_target: Decimal | None
    month_amount: Decimal | None
    ytd: Decimal
    ytd_last_year: Decimal
    completion: Decimal | None
    required: Decimal
    on_track: bool | None
    schedule_shortfall: Decimal | None
    growth: Decimal | None
    growth_target_met: bool | None
    annual_gap: Decimal | None
    catch_up_per_month: Decimal | None


@dataclass(frozen=True, slots=True)
class MonthlyNotice:
    """The monthly notice for year ``year``, month ``month``.

    ``regions`` is ordered by rank (ties in input order), then the unranked regions in input
    order.  ``ranked_count`` = number of ranked regions.  ``tie_places`` records how ties were
    decided (see :func:`build_monthly_notice`).
    """

    year: int
    month: int
    required: Decimal
    city: CityProgress
    regions: tuple[RegionProgress, ...]
    ranked_count: int
    tie_places: int | None


@dataclass(frozen=True, slots=True)
class _Progress:
    completion: Fraction | None
    on_track: bool | None
    schedule_shortfall: Fraction | None
    annual_gap: Fraction | None
    catch_up: Fraction | None
    growth: Fraction | None


def _growth(ytd: Fraction, ytd_ly: Fraction) -> Fraction | None:
    return (ytd - ytd_ly) / ytd_ly if ytd_ly > 0 else None


def _completion(ytd: Fraction, target: Decimal | None) -> Fraction | None:
    goal = _exact(target, "target") if target is not None else _ZERO
    return ytd / goal if goal > 0 else None


GOAL_MET: Final = "met"
GOAL_ON_TRACK: Final = "on_track"
GOAL_BEHIND: Final = "behind"


def goal_status(
    current: Decimal | None, target: Decimal | None, *, on_schedule: bool | None = None
) -> str:
    """A plan goal's status, the one every page and document shows:

    * ``"met"`` — the current value reaches the target (``current >= target``, exactly);
    * ``"on_track"`` — not met yet, but the goal is measured against the year's schedule
      (``on_schedule`` given: the utilised-FDI amount goal, on track when the city is at its
      序时进度) and is at it;
    * ``"behind"`` — neither;
    * ``""`` — nothing to measure yet (no current value or no target).
    """
    if current is None or target is None:
        return ""
    if _exact(current, "current") >= _exact(target, "target"):
        return GOAL_MET
    return GOAL_ON_TRACK if on_schedule else GOAL_BEHIND


def completion(ytd: Decimal, target: Decimal | None) -> Decimal | None:
    """Completion of an annual target: ytd / target; None without a (positive) target. The
    notice's rows use the same rule; the grid calls this for its totals."""
    return _opt(_completion(_exact(ytd, "ytd"), target))


def schedule_completion(completion: Decimal | None, required: Decimal | Fraction) -> Decimal | None:
    """Completion measured against the 序时进度 of the months it covers: completion ÷ the
    required share. An annual assessment drafted on 1–M月 scores this, so that eleven months
    are held to eleven months' schedule (82.5 % of the target by November at 11/12 → 90 %).
    Equal to ``completion`` for the whole year (December's share is 1). None without a
    completion or when nothing is required yet."""
    if completion is None:
        return None
    due = _exact(required, "required")
    return _dec(_exact(completion, "completion") / due) if due > 0 else None


def growth(ytd: Decimal, ytd_last_year: Decimal) -> Decimal | None:
    """Year-on-year growth: (ytd − ytd last year) / ytd last year; None when last year's
    same months are 0 or less (a growth rate on nothing means nothing)."""
    return _opt(_growth(_exact(ytd, "ytd"), _exact(ytd_last_year, "ytd_last_year")))


def _progress(
    target: Decimal | None, ytd: Fraction, ytd_ly: Fraction, share: Fraction, month: int
) -> _Progress:
    growth = _growth(ytd, ytd_ly)
    ratio = _completion(ytd, target)
    if ratio is None:
        return _Progress(None, None, None, None, None, growth)
    goal = _exact(target, "target")
    gap = max(_ZERO, goal - ytd)
    return _Progress(
        completion=ratio,
        on_track=ratio >= share,
        schedule_shortfall=max(_ZERO, goal * share - ytd),
        annual_gap=gap,
        catch_up=gap / (12 - month) if month < 12 else None,
        growth=growth,
    )


def _opt(value: Fraction | None) -> Decimal | None:
    return None if value is None else _dec(value)


def build_monthly_notice(
    year: int,
    month: int,
    regions: Iterable[RegionMonthlyInput],
    city_target: CityTargetValues,
    schedule: RequiredShares | None = None,
    tie_places: int | None = RATIO_PLACES,
) -> MonthlyNotice:
    """Compute the monthly notice for ``year``/``month`` (schedule defaults to month/12).

    Ranking and ties (decision): regions are ranked on completion ROUNDED HALF-UP TO
    ``tie_places`` DECIMALS (default 4, i.e. the percentage with 2 decimals as printed), so two
    regions that read the same on the printed notice share a rank; a reader checking the
    ranking against the table will never find "45.67 %" ranked above "45.67 %".  Pass
    ``tie_places=None`` to tie only on exactly equal ratios.  The on-track test is NOT rounded:
    it compares the exact ratio with the required share.

    Raises ``ValueError`` for a bad month or duplicate region codes.
    """
    _check_month(month)
    schedule = schedule or RequiredShares.even()
    share = schedule.required_share(month)
    required = _dec(share)
    inputs = tuple(regions)
    codes = [r.code for r in inputs]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate region codes in monthly notice input")

    rows: list[RegionProgress] = []
    city_ytd = city_ly = city_month = _ZERO
    city_has_month = False
    for region in inputs:
        months = range(1, month + 1)
        ytd = sum((Fraction(region.amounts.get(m, 0)) for m in months), _ZERO)
        ytd_ly = sum((Fraction(region.amounts_last_year.get(m, 0)) for m in months), _ZERO)
        city_ytd += ytd
        city_ly += ytd_ly
        month_amount = region.amounts.get(month)
        if month_amount is not None:
            city_has_month = True
            city_month += Fraction(month_amount)
        p = _progress(region.target_usd, ytd, ytd_ly, share, month)
        rows.append(
            RegionProgress(
                code=region.code,
                name=region.name,
                target=region.target_usd,
                month_amount=month_amount,
                ytd=_dec(ytd),
                ytd_last_year=_dec(ytd_ly),
                completion=_opt(p.completion),
                required=required,
                on_track=p.on_track,
                schedule_shortfall=_opt(p.schedule_shortfall),
                growth=_opt(p.growth),
                rank=None,
                annual_gap=_opt(p.annual_gap),
                catch_up_per_month=_opt(p.catch_up),
                missing_months=tuple(m for m in months if m not in region.amounts),
                missing_months_last_year=tuple(
                    m for m in months if m not in region.amounts_last_year
                ),
            )
        )

    ranked_idx = [i for i, r in enumerate(rows) if r.completion is not None]
    keys: list[Decimal | Fraction] = []
    for i in ranked_idx:
        completion = rows[i].completion
        assert completion is not None
        keys.append(
            _exact(completion, "completion")
            if tie_places is None
            else _round_half_up(_exact(completion, "completion"), tie_places)
        )
    for i, rank in zip(ranked_idx, competition_ranks(keys), strict=True):
        rows[i] = _replace_rank(rows[i], rank)
    ordered = sorted(
        enumerate(rows),
        key=lambda item: (item[1].rank is None, item[1].rank or 0, item[0]),
    )

    city = city_progress(
        month,
        ytd=city_ytd,
        ytd_last_year=city_ly,
        month_amount=city_month if city_has_month else None,
        city_target=city_target,
        schedule=schedule,
    )
    return MonthlyNotice(
        year=year,
        month=month,
        required=required,
        city=city,
        regions=tuple(row for _, row in ordered),
        ranked_count=len(ranked_idx),
        tie_places=tie_places,
    )


def city_progress(
    month: int,
    *,
    ytd: Decimal | Fraction,
    ytd_last_year: Decimal | Fraction,
    month_amount: Decimal | Fraction | None,
    city_target: CityTargetValues,
    schedule: RequiredShares | None = None,
) -> CityProgress:
    """A city's progress from its year-to-date sums: the notice's city row, and each city of
    the province's comparison (which has the sums, not the regions' rows).

    ``ytd``/``ytd_last_year`` are months 1..``month`` of the year and of the year before.
    """
    _check_month(month)
    share = (schedule or RequiredShares.even()).required_share(month)
    ytd_exact = _exact(ytd, "ytd")
    ly_exact = _exact(ytd_last_year, "ytd_last_year")
    c = _progress(city_target.target_usd, ytd_exact, ly_exact, share, month)
    growth_target = city_target.growth_target
    return CityProgress(
        target=city_target.target_usd,
        growth_target=growth_target,
        month_amount=None if month_amount is None else _dec(_exact(month_amount, "month")),
        ytd=_dec(ytd_exact),
        ytd_last_year=_dec(ly_exact),
        completion=_opt(c.completion),
        required=_dec(share),
        on_track=c.on_track,
        schedule_shortfall=_opt(c.schedule_shortfall),
        growth=_opt(c.growth),
        growth_target_met=(
            None
            if c.growth is None or growth_target is None
            else c.growth >= Fraction(growth_target)
        ),
        annual_gap=_opt(c.annual_gap),
        catch_up_per_month=_opt(c.catch_up),
    )


# --------------------------------------------------------------------------------------------
# 2b. The same rules month by month, for dashboards and the region page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CityMonths:
    """A city's months of one year, summed over the regions given (amounts in the input unit).

    * ``amounts[m - 1]``: the regions' figures for month m summed; None when no region has one.
    * ``amounts_last_year[m - 1]``: the same for the year before.
    * ``cumulative[m - 1]``: months 1..m of the year; None after ``through_month``.
    * ``cumulative_last_year[m - 1]``: months 1..m of the year before (all twelve).
    * ``required[m - 1]``: target × the schedule's share for month m (the 序时进度 path);
      None without a (positive) city target.
    """

    through_month: int
    amounts: tuple[Decimal | None, ...]
    amounts_last_year: tuple[Decimal | None, ...]
    cumulative: tuple[Decimal | None, ...]
    cumulative_last_year: tuple[Decimal, ...]
    required: tuple[Decimal | None, ...]


def _month_sum(
    regions: Sequence[RegionMonthlyInput], month: int, last_year: bool
) -> Fraction | None:
    values = [(r.amounts_last_year if last_year else r.amounts).get(month) for r in regions]
    present = [Fraction(v) for v in values if v is not None]
    return sum(present, _ZERO) if present else None


def city_months(
    regions: Iterable[RegionMonthlyInput],
    city_target: CityTargetValues,
    through_month: int,
    schedule: RequiredShares | None = None,
) -> CityMonths:
    """The city's monthly and cumulative totals of the year and the year before, and the
    cumulative amount the schedule requires each month (the target path of a trend chart)."""
    if through_month:
        _check_month(through_month)
    schedule = schedule or RequiredShares.even()
    inputs = tuple(regions)
    this = [_month_sum(inputs, m, False) for m in _MONTHS]
    last = [_month_sum(inputs, m, True) for m in _MONTHS]
    running, cumulative = _ZERO, []
    for m in _MONTHS:
        running += this[m - 1] or _ZERO
        cumulative.append(_dec(running) if m <= through_month else None)
    running_ly, cumulative_ly = _ZERO, []
    for m in _MONTHS:
        running_ly += last[m - 1] or _ZERO
        cumulative_ly.append(_dec(running_ly))
    goal = _exact(city_target.target_usd, "target") if city_target.target_usd is not None else _ZERO
    required = tuple(_dec(goal * schedule.required_share(m)) if goal > 0 else None for m in _MONTHS)
    return CityMonths(
        through_month=through_month,
        amounts=tuple(_opt(v) for v in this),
        amounts_last_year=tuple(_opt(v) for v in last),
        cumulative=tuple(cumulative),
        cumulative_last_year=tuple(cumulative_ly),
        required=required,
    )


def monthly_history(
    year: int,
    through_month: int,
    regions: Iterable[RegionMonthlyInput],
    city_target: CityTargetValues,
    schedule: RequiredShares | None = None,
) -> tuple[MonthlyNotice, ...]:
    """The notice of every month 1..``through_month`` from the same inputs: how ranks,
    completion and the schedule moved through the year (a month's notice ignores the later
    months' figures, so this is what each month's notice said, on today's figures)."""
    inputs = tuple(regions)
    return tuple(
        build_monthly_notice(year, m, inputs, city_target, schedule)
        for m in range(1, through_month + 1)
    )


def catch_up_to(ytd: Decimal, target: Decimal | None, completion_above: Decimal) -> Decimal | None:
    """What a region must add to its year to date to draw level with a completion ratio —
    the region ranked just above it — and share its rank (equal completions share a rank):
    max(0, completion_above × target − ytd). None without a (positive) target."""
    goal = _exact(target, "target") if target is not None else _ZERO
    if goal <= 0:
        return None
    needed = _exact(completion_above, "completion") * goal - _exact(ytd, "ytd")
    return _dec(max(_ZERO, needed))


def _replace_rank(row: RegionProgress, rank: int) -> RegionProgress:
    return replace(row, rank=rank)


# --------------------------------------------------------------------------------------------
# 3. Quarterly interview (季约谈)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InterviewCase:
    """One region to be interviewed, with the data behind the decision.

    ``reason`` is :data:`INTERVIEW_REASON_BEHIND_AND_LAST`; ``completion`` < ``required`` and
    ``rank`` is the last rank among ``ranked_count`` ranked regions.
    """

    code: str
    name: str
    completion: Decimal
    required: Decimal
    schedule_shortfall: Decimal
    rank: int
    ranked_count: int
    reason: str


@dataclass(frozen=True, slots=True)
class InterviewDecision:
    """Outcome of the quarterly interview rule for one quarter-end notice.

    ``code``: :data:`INTERVIEW_REQUIRED` (``interviewees`` non-empty),
    :data:`INTERVIEW_LAST_ON_TRACK` (the last-ranked region(s) are on schedule: nobody), or
    :data:`INTERVIEW_NO_RANKED_REGIONS` (no region has a target: nobody).  ``last_rank`` is
    None only in the last case.  ``interviewees`` keep the notice's order.
    """

    year: int
    month: int
    code: str
    last_rank: int | None
    ranked_count: int
    required: Decimal
    interviewees: tuple[InterviewCase, ...]


def select_interviews(notice: MonthlyNotice) -> InterviewDecision:
    """Apply "对达不到进度要求且进度排名最后一位的县（市、区）进行约谈" to a quarter-end notice.

    A region is interviewed when it is BOTH behind schedule (``on_track is False``) AND holds
    the last rank.  With a tie at the bottom every tied region that is behind is interviewed;
    if the last-ranked region is on track nobody is (the rule does not move up to the
    second-last).  Unranked regions (no target) are never interviewed.
    Raises ``ValueError`` unless ``notice.month`` is 3, 6, 9 or 12.
    """
    if notice.month not in QUARTER_END_MONTHS:
        raise ValueError(f"interviews are decided at quarter ends (3/6/9/12), not {notice.month}")
    ranked = [r for r in notice.regions if r.rank is not None]
    if not ranked:
        return InterviewDecision(
            notice.year, notice.month, INTERVIEW_NO_RANKED_REGIONS, None, 0, notice.required, ()
        )
    last_rank = max(r.rank for r in ranked if r.rank is not None)
    cases = tuple(
        InterviewCase(
            code=r.code,
            name=r.name,
            completion=r.completion,
            required=r.required,
            schedule_shortfall=r.schedule_shortfall,
            rank=last_rank,
            ranked_count=len(ranked),
            reason=INTERVIEW_REASON_BEHIND_AND_LAST,
        )
        for r in ranked
        if r.rank == last_rank
        and r.on_track is False
        and r.completion is not None
        and r.schedule_shortfall is not None
    )
    return InterviewDecision(
        year=notice.year,
        month=notice.month,
        code=INTERVIEW_REQUIRED if cases else INTERVIEW_LAST_ON_TRACK,
        last_rank=last_rank,
        ranked_count=len(ranked),
        required=notice.required,
        interviewees=cases,
    )


# --------------------------------------------------------------------------------------------
# Wording figures (added for the notice's prose and the year-end projection)
# --------------------------------------------------------------------------------------------


def percentage_points(completion: Decimal, required: Decimal, places: int = 2) -> Decimal:
    """How many percentage points a completion is above (positive) or below (negative) the
    required progress, as a notice prints it: the difference of the two percentages each
    rounded half-up to ``places`` decimals, so that the printed numbers add up (completion
    16.14 %, required 50.00 % → −33.86, whatever the digits beyond the second)."""
    hundred = Fraction(100)
    done = _round_half_up(_exact(completion, "completion") * hundred, places)
    due = _round_half_up(_exact(required, "required") * hundred, places)
    return done - due


@dataclass(frozen=True)
class YearEndProjection:
    """Where a region (or the city) would end the year, an estimate (预计) by one method.

    ``method``: ``"pace"`` (ytd ÷ M × 12: the months so far at the same average) or
    ``"seasonal"`` (ytd ÷ the share last year's same months had of last year's whole year).
    ``projected`` None when the method has nothing to go on (seasonal: last year's year or
    its months 1..M total 0). ``completion`` = projected ÷ target, ``gap`` = target −
    projected (negative: above target), ``will_meet`` = projected ≥ target — all None
    without a (positive) target. ``missing_months``: months 1..M of this year without a
    figure (counted as 0, as the notice counts them); ``missing_months_last_year``: months
    of last year without a figure (counted as 0 in its pattern)."""

    method: str
    month: int
    ytd: Decimal
    projected: Decimal | None
    target: Decimal | None
    completion: Decimal | None
    gap: Decimal | None
    will_meet: bool | None
    last_year_share: Decimal | None = None
    missing_months: tuple[int, ...] = ()
    missing_months_last_year: tuple[int, ...] = ()


def _projection(
    method: str,
    month: int,
    ytd: Fraction,
    projected: Fraction | None,
    target: Decimal | None,
    **extra: object,
) -> YearEndProjection:
    goal = None if target is None else _exact(target, "target")
    has_goal = goal is not None and goal > 0
    return YearEndProjection(
        method=method,
        month=month,
        ytd=_dec(ytd),
        projected=_opt(projected),
        target=target,
        completion=_dec(projected / goal) if projected is not None and has_goal else None,
        gap=_dec(goal - projected) if projected is not None and has_goal else None,
        will_meet=(projected >= goal) if projected is not None and has_goal else None,
        **extra,
    )


def _ytd_of(amounts: Mapping[int, Decimal], month: int, what: str) -> tuple[Fraction, tuple]:
    checked = _monthly_amounts(amounts, what)
    ytd = sum((_exact(checked[m], what) for m in range(1, month + 1) if m in checked), _ZERO)
    missing = tuple(m for m in range(1, month + 1) if m not in checked)
    return ytd, missing


def project_at_pace(
    amounts: Mapping[int, Decimal], month: int, target: Decimal | None
) -> YearEndProjection:
    """The year's end at the pace so far: ytd ÷ ``month`` × 12. ``amounts``: this year's
    month → amount (months after ``month`` ignored, a missing month counts 0).
    Example: 600 by June → 600 ÷ 6 × 12 = 1200; target 1000 → 120 %, 200 above."""
    month = _check_month(month)
    ytd, missing = _ytd_of(amounts, month, "amounts")
    return _projection("pace", month, ytd, ytd / month * 12, target, missing_months=missing)


def project_seasonal(
    amounts: Mapping[int, Decimal],
    month: int,
    amounts_last_year: Mapping[int, Decimal],
    target: Decimal | None,
) -> YearEndProjection:
    """The year's end at last year's seasonal pattern: ytd ÷ s, s = last year's months
    1..``month`` ÷ last year's 12 months. None (``projected``) when last year's year or its
    months 1..M total 0 or less: there is no pattern to follow.
    Example: 600 by June; last year 300 by June of 1000 → s = 0.3 → 600 ÷ 0.3 = 2000."""
    month = _check_month(month)
    ytd, missing = _ytd_of(amounts, month, "amounts")
    so_far_ly, _missing = _ytd_of(amounts_last_year, month, "amounts_last_year")
    whole_ly, missing_ly = _ytd_of(amounts_last_year, 12, "amounts_last_year")
    share_ly = so_far_ly / whole_ly if whole_ly > 0 and so_far_ly > 0 else None
    return _projection(
        "seasonal",
        month,
        ytd,
        None if share_ly is None else ytd / share_ly,
        target,
        last_year_share=_opt(share_ly),
        missing_months=missing,
        missing_months_last_year=missing_ly,
    )
