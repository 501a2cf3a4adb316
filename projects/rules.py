"""The clause-derived project rules and the project alerts, as pure functions over plain data.

Nothing here touches the ORM: ``alerts.py`` loads :class:`ProjectFacts` and :class:`RuleSpec`
with a few queries, these functions decide. Thresholds come from the plan (``ProjectRule.thresholds``,
amounts as decimal strings in USD or CNY) and "today" is always a parameter.

Every comparison is "at least" (≥): the documents say 以上, which in Chinese statistics includes
the threshold itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)

#: Kind codes (ProjectRule.kind / RuleKind).
CUMULATIVE_ARRIVALS = "cumulative_arrivals"
INVESTMENT_AND_YEAR_ARRIVALS = "investment_and_year_arrivals"
SECTOR_INVESTMENT = "sector_investment"
NEW_PROJECT_FIXED_ASSETS = "new_project_fixed_assets"
FORTUNE500_HEADQUARTERS = "fortune500_headquarters"

#: Alert codes.
LEADER_MISSING = "leader_missing"
DIFFICULTY_OPEN = "difficulty_open"
COMPLAINT_OVERDUE = "complaint_overdue"
STAGE_STALE = "stage_stale"

#: Stages after which a project no longer moves (no stale-stage alert).
FINAL_STAGES = frozenset({"production", "cancelled"})


@dataclass(frozen=True)
class RuleSpec:
    kind: str
    consequence_code: str
    consequence: str = ""
    thresholds: Mapping[str, Any] = field(default_factory=dict)
    needs_leader: bool = False


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules and alerts read about one project. Amounts in USD (FDI, total investment)
    and CNY (fixed assets); ``None`` when unknown (an unknown amount never crosses a threshold)."""

    name: str
    stage: str
    industry: str = ""
    mode: str = ""
    total_investment_usd: Decimal | None = None
    fixed_asset_investment_cny: Decimal | None = None
    arrived_total_usd: Decimal = ZERO
    arrived_in_year_usd: Decimal = ZERO
    fortune_global_500: bool = False
    headquarters_kind: str = ""
    has_leader: bool = False
    stage_changed_on: dt.date | None = None
    open_difficulties_raised_on: tuple[dt.date, ...] = ()
    unanswered_complaint_deadlines: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class Alert:
    code: str
    days: int = 0  # how long the condition has held (or how far past the deadline)
    detail: str = ""  # e.g. the consequence code of the rule that needs a leader


def _amount(thresholds: Mapping[str, Any], key: str) -> Decimal:
    return Decimal(str(thresholds[key]))


def _at_least(value: Decimal | None, threshold: Decimal) -> bool:
    return value is not None and value >= threshold


def _cumulative_arrivals(t: Mapping[str, Any], p: ProjectFacts) -> bool:
    return _at_least(p.arrived_total_usd, _amount(t, "min_arrived_usd"))


def _investment_and_year_arrivals(t: Mapping[str, Any], p: ProjectFacts) -> bool:
    return _at_least(p.total_investment_usd, _amount(t, "min_total_investment_usd")) and _at_least(
        p.arrived_in_year_usd, _amount(t, "min_arrived_in_year_usd")
    )


def _sector_investment(t: Mapping[str, Any], p: ProjectFacts) -> bool:
    return p.industry in t.get("industries", ["C"]) and _at_least(
        p.total_investment_usd, _amount(t, "min_total_investment_usd")
    )


def _new_project_fixed_assets(t: Mapping[str, Any], p: ProjectFacts) -> bool:
    return p.mode in t.get("modes", ["greenfield"]) and _at_least(
        p.fixed_asset_investment_cny, _amount(t, "min_fixed_asset_investment_cny")
    )


def _fortune500_headquarters(t: Mapping[str, Any], p: ProjectFacts) -> bool:
    return p.fortune_global_500 and p.headquarters_kind in t.get(
        "headquarters_kinds", ["regional", "branch"]
    )


KINDS: dict[str, Callable[[Mapping[str, Any], ProjectFacts], bool]] = {
    CUMULATIVE_ARRIVALS: _cumulative_arrivals,
    INVESTMENT_AND_YEAR_ARRIVALS: _investment_and_year_arrivals,
    SECTOR_INVESTMENT: _sector_investment,
    NEW_PROJECT_FIXED_ASSETS: _new_project_fixed_assets,
    FORTUNE500_HEADQUARTERS: _fortune500_headquarters,
}


def applies(rule: RuleSpec, project: ProjectFacts) -> bool:
    """True when ``project`` meets ``rule``; a cancelled project meets none."""
    if project.stage == "cancelled":
        return False
    return KINDS[rule.kind](rule.thresholds, project)


def triggered(rules: Iterable[RuleSpec], project: ProjectFacts) -> list[RuleSpec]:
    return [rule for rule in rules if applies(rule, project)]


def alerts(
    project: ProjectFacts,
    met: Iterable[RuleSpec],
    *,
    today: dt.date,
    difficulty_open_days: int = 30,
    stale_stage_days: int = 90,
) -> list[Alert]:
    """The project's alerts on ``today``:

    * a met rule that needs a leader while the project has none (one alert per rule);
    * a difficulty open for more than ``difficulty_open_days`` days (31 days on → alert);
    * an unanswered complaint past its deadline (the day after the deadline → alert);
    * a stage unchanged for ``stale_stage_days`` days or more (not for production or cancelled).
    """
    found: list[Alert] = []
    if not project.has_leader:
        found += [Alert(LEADER_MISSING, detail=r.consequence_code) for r in met if r.needs_leader]
    for raised_on in sorted(project.open_difficulties_raised_on):
        days = (today - raised_on).days
        if days > difficulty_open_days:
            found.append(Alert(DIFFICULTY_OPEN, days=days))
    for deadline in sorted(project.unanswered_complaint_deadlines):
        days = (today - deadline).days
        if days > 0:
            found.append(Alert(COMPLAINT_OVERDUE, days=days))
    if project.stage not in FINAL_STAGES and project.stage_changed_on is not None:
        days = (today - project.stage_changed_on).days
        if days >= stale_stage_days:
            found.append(Alert(STAGE_STALE, days=days))
    return found


# --------------------------------------------------------------------------- stage dates


#: The dated stages in the order their dates must run.
DATED_STAGES = ("signed", "registered", "landed", "construction", "production")


def stage_date_errors(stage: str, dates: Mapping[str, dt.date | None]) -> dict[str, str]:
    """Check a project's stage against its dates; ``dates`` maps stage codes (and "cancelled")
    to dates. Returns {stage code: problem code}: ``missing`` (the current stage, or a stage it
    implies — landing implies signing — has no date), ``before_previous`` (a date earlier than
    an earlier stage's date). Registration is optional once a project has landed, so only
    signing is implied for later stages."""
    errors: dict[str, str] = {}
    if (stage in DATED_STAGES or stage == "cancelled") and dates.get(stage) is None:
        errors[stage] = "missing"
    if stage in DATED_STAGES[1:] and dates.get("signed") is None:
        errors["signed"] = "missing"
    if stage in DATED_STAGES:
        # A project cannot have a date for a stage it has not reached.
        for later in DATED_STAGES[DATED_STAGES.index(stage) + 1 :]:
            if dates.get(later) is not None:
                errors[later] = "not_reached"
    latest: dt.date | None = None
    for code in DATED_STAGES:
        date = dates.get(code)
        if date is None:
            continue
        if latest is not None and date < latest:
            errors.setdefault(code, "before_previous")
        latest = max(latest, date) if latest else date
    if stage == "cancelled" and dates.get("cancelled") and latest and dates["cancelled"] < latest:
        errors.setdefault("cancelled", "before_previous")
    return errors
