"""Plausibility of an entered monthly figure: pure arithmetic, no ORM, "today" a parameter.

A typo such as 340.81 → 1 340.81 (×3.9) moves a county from 3rd to 1st. Before a figure is
written (grid entry, a county's submission, an import) it is compared with the region's own
history; what looks wrong is a warning the user must confirm, never a refusal (a big project
can arrive in one month).

The rules, each tested at exactly the threshold and just below it:
- ``median``: the value is at least 3× the median of the region's last 12 figures (its latest
  figures of the history given — the callers give this year's and last year's —, the month
  itself left out; at least 3 figures, and a median above 0);
- ``last_year``: the value is at least 3× the same month of last year (when that was above 0);
- ``future``: the month has not begun yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from fdi_portal.lib.money import format_wan

#: A value this many times the usual one is asked about.
FACTOR = Decimal(3)
#: The median is taken over the region's last this-many figures (the month left out) …
HISTORY_MONTHS = 12
#: … when it has at least this many (a median of one or two months says little).
MIN_HISTORY = 3


@dataclass(frozen=True)
class Concern:
    """One reason to look twice at a value. ``reference_usd`` is what it was compared with
    (the median, last year's month; None for a future month); ``ratio`` value ÷ reference."""

    code: str  # "median", "last_year", "future"
    reference_usd: Decimal | None = None
    ratio: Decimal | None = None


def median(values: Iterable[Decimal]) -> Decimal | None:
    """The median (the mean of the middle two for an even count); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def usual_figures(
    amounts: Mapping[tuple[int, int], Decimal],
    year: int,
    month: int,
    *,
    latest: Sequence[tuple[int, int]] | None = None,
) -> list[Decimal]:
    """The region's last ``HISTORY_MONTHS`` figures other than ``month`` of ``year`` (a
    correction of February is compared with March to June too), latest first, from
    (year, month) → USD. ``latest``: the keys of ``amounts`` already sorted latest first (an
    import checking thousands of cells of one region sorts them once)."""
    ordered = sorted(amounts, reverse=True) if latest is None else latest
    usual: list[Decimal] = []
    for key in ordered:
        if key != (year, month):
            usual.append(amounts[key])
            if len(usual) == HISTORY_MONTHS:
                break
    return usual


def check_figure(
    amount_usd: Decimal,
    *,
    year: int,
    month: int,
    history: Mapping[tuple[int, int], Decimal],
    today: dt.date,
    latest: Sequence[tuple[int, int]] | None = None,
) -> tuple[Concern, ...]:
    """What looks implausible about ``amount_usd`` as the figure of ``month`` of ``year``,
    given the region's other figures ``history`` ((year, month) → USD; the month itself, if
    present, is ignored; ``latest``: its keys sorted latest first, if the caller has them).
    Empty when nothing does."""
    concerns: list[Concern] = []
    if (year, month) > (today.year, today.month):
        concerns.append(Concern("future"))
    usual_months = usual_figures(history, year, month, latest=latest)
    usual = median(usual_months) if len(usual_months) >= MIN_HISTORY else None
    if usual is not None and usual > 0 and amount_usd >= FACTOR * usual:
        concerns.append(Concern("median", usual, amount_usd / usual))
    last_year = history.get((year - 1, month))
    if last_year is not None and last_year > 0 and amount_usd >= FACTOR * last_year:
        concerns.append(Concern("last_year", last_year, amount_usd / last_year))
    return tuple(concerns)


def check_arrival(
    amount_usd: Decimal, *, arrived_before_usd: Decimal, contracted_usd: Decimal | None
) -> tuple[Concern, ...]:
    """An arrival that takes a project's arrivals above its contracted FDI (合同外资): the
    reference is the contract, the ratio arrivals ÷ contract. Nothing when no contract is
    recorded."""
    if contracted_usd is None or contracted_usd <= 0:
        return ()
    total = arrived_before_usd + amount_usd
    if total > contracted_usd:
        return (Concern("above_contract", contracted_usd, total / contracted_usd),)
    return ()


def describe_concern(concern: Concern) -> str:
    """A plausibility concern in words, for the warning the user confirms."""
    if concern.code == "future":
        return _("this month has not begun yet")
    ratio = f"{concern.ratio:.1f}" if concern.ratio is not None else ""
    reference = format_wan(concern.reference_usd)
    if concern.code == "median":
        return _("%(ratio)s× the median of the region's last 12 figures (%(reference)s 万美元)") % {
            "ratio": ratio,
            "reference": reference,
        }
    if concern.code == "last_year":
        return _("%(ratio)s× the same month last year (%(reference)s 万美元)") % {
            "ratio": ratio,
            "reference": reference,
        }
    return _("the arrivals would reach %(ratio)s× the contracted FDI (%(reference)s 万美元)") % {
        "ratio": ratio,
        "reference": reference,
    }
