"""Quarterly progress of a plan's tasks: pure arithmetic over plain data, "today" a parameter.

A task is reported on by every department assigned to it (lead, support or shared); collective
units (各县（市、区）人民政府) do not report. A quarter's reports are due 10 days after the
quarter ends; a report still missing after that day is overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

#: Days after the end of a quarter by which its reports are due.
GRACE_DAYS = 10

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
BEHIND = "behind"
DONE = "done"
OVERDUE = "overdue"  # a report is missing after the due date
PENDING = "pending"  # reports are missing, not yet due
NOT_DUE = "not_due"  # the quarter lies before the plan was issued: nothing expected

#: How each status reads on the page.
LABELS = {
    NOT_STARTED: _("Not started"),
    IN_PROGRESS: _("In progress"),
    BEHIND: _("Behind"),
    DONE: _("Done"),
    OVERDUE: _("Overdue"),
    PENDING: _("Awaiting reports"),
    NOT_DUE: "—",
}

# The worst status of a task's reports is the task's status: one unit behind holds it back.
_SEVERITY = {BEHIND: 0, NOT_STARTED: 1, IN_PROGRESS: 2, DONE: 3}
ON_TRACK = frozenset({IN_PROGRESS, DONE})


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    return next_month - dt.timedelta(days=1)


def due_date(year: int, quarter: int) -> dt.date:
    """The last day a quarter's report is on time (quarter end + 10 days)."""
    return quarter_end(year, quarter) + dt.timedelta(days=GRACE_DAYS)


@dataclass(frozen=True)
class Cell:
    """One task in one quarter: its status and which units reported what."""

    status: str
    reported: tuple[tuple[str, str], ...]  # (unit name, status) of the reports filed
    missing: tuple[str, ...]  # units that have not reported

    @property
    def on_track(self) -> bool:
        return self.status in ON_TRACK

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def details(self) -> str:
        """Each unit and what it reported (— for none), one per line: the cell's tooltip."""
        lines = [f"{unit}: {LABELS[status]}" for unit, status in self.reported]
        lines += [f"{unit}: —" for unit in self.missing]
        return "\n".join(lines)


def cell(
    *,
    units: Iterable[str],
    reports: Mapping[str, str],
    year: int,
    quarter: int,
    today: dt.date,
    issued_on: dt.date | None = None,
) -> Cell:
    """The status of a task in a quarter from its reporting ``units`` and their ``reports``
    (unit name → status). Missing reports make it ``overdue`` after the due date and
    ``pending`` before; otherwise the worst reported status wins."""
    units = list(units)
    reported = tuple((u, reports[u]) for u in units if u in reports)
    missing = tuple(u for u in units if u not in reports)
    if issued_on is not None and quarter_end(year, quarter) < issued_on and not reported:
        return Cell(NOT_DUE, reported, missing)
    if missing:
        status = OVERDUE if today > due_date(year, quarter) else PENDING
    else:
        status = min((s for _, s in reported), key=_SEVERITY.__getitem__)
    return Cell(status, reported, missing)


def reference_quarter(year: int, today: dt.date) -> int | None:
    """The latest quarter of ``year`` whose reports are due by ``today`` (None if none is)."""
    due = [q for q in range(1, 5) if today > due_date(year, q)]
    return due[-1] if due else None


def share_on_track(cells: Iterable[Cell]) -> tuple[int, int]:
    """(tasks on track, tasks counted), ignoring quarters before the plan was issued."""
    counted = [c for c in cells if c.status != NOT_DUE]
    return sum(c.on_track for c in counted), len(counted)


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, quarter * 3 - 2, 1)


def first_quarter(start_year: int | None, issued_on: dt.date | None) -> tuple[int, int] | None:
    """The first quarter a plan is reported in: the quarter it was issued in when that falls in
    its first year (Wuwei, issued 13 October 2023: 2023 Q4), else Q1 of its first year."""
    if start_year is None:
        return None
    if issued_on is not None and issued_on.year == start_year:
        return start_year, (issued_on.month - 1) // 3 + 1
    return start_year, 1


def reportable_years(
    start_year: int | None, end_year: int | None, issued_on: dt.date | None, today: dt.date
) -> list[int]:
    """The years of a plan that have begun by ``today``, latest first (the report form's
    choices); a plan that states no year at all: this year."""
    if start_year is None:
        return [today.year]
    last = today.year if end_year is None else min(end_year, today.year)
    return list(range(last, start_year - 1, -1))


def period_problem(
    *,
    start_year: int | None,
    end_year: int | None,
    issued_on: dt.date | None,
    year: int,
    quarter: int,
    today: dt.date,
) -> str | None:
    """Why a report for ``year`` Q``quarter`` cannot be filed against a plan covering
    ``start_year``–``end_year`` (None: open), or None when it can: the quarter must be one of the
    plan's, not before the quarter the plan was issued in, and already begun."""
    if (start_year is not None and year < start_year) or (end_year is not None and year > end_year):
        if end_year == start_year:
            years = f"{start_year}"
        elif end_year is None:
            years = f"{start_year}—"
        else:
            years = f"{start_year}—{end_year}"
        return _("The plan covers %(years)s: report on a quarter of those years.") % {
            "years": years
        }
    first = first_quarter(start_year, issued_on)
    if first is not None and (year, quarter) < first:
        return _(
            "The plan was issued on %(date)s: its first quarter to report on is %(year)s Q%(q)s."
        ) % {"date": issued_on.isoformat(), "year": first[0], "q": first[1]}
    if quarter_start(year, quarter) > today:
        return _("%(year)s Q%(q)s has not begun yet.") % {"year": year, "q": quarter}
    return None
