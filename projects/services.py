"""Writes that touch several rows: creating a project with its first stage, changing its stage
(validated and logged), and a project's monthly arrivals. The spreadsheet imports of arrivals
and project lists are projects.arrival_import and projects.project_import. A plan carried
forward keeps its project rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from fdi_portal.cache import PROJECTS, retires
from fdi_portal.lib.plausibility import check_arrival, describe_concern
from projects.models import (
    STAGE_DATE_FIELDS,
    Arrival,
    Project,
    ProjectRule,
    Stage,
    StageChange,
)
from projects.rules import stage_date_errors
from projects.signals import arrivals_reported

DATE_FIELDS: dict[str, str] = {**STAGE_DATE_FIELDS, Stage.CANCELLED: "cancelled_on"}

STAGE_MESSAGES = {
    "missing": _("This stage needs a date."),
    "before_previous": _("This date is earlier than an earlier stage's date."),
    "not_reached": _("The project has not reached this stage yet."),
}


def stage_dates(values: dict[str, Any] | Project) -> dict[str, dt.date | None]:
    """The stage dates of a project or of a form's cleaned data, keyed by stage code."""
    get = values.get if isinstance(values, dict) else lambda f: getattr(values, f)
    return {stage: get(field) for stage, field in DATE_FIELDS.items()}


def validate_stage(stage: str, dates: dict[str, dt.date | None]) -> None:
    """Raise a ValidationError keyed by the date fields for a stage that its dates contradict
    (no landing before signing; dates in pipeline order)."""
    errors = stage_date_errors(stage, dates)
    if errors:
        raise ValidationError(
            {DATE_FIELDS[code]: STAGE_MESSAGES[problem] for code, problem in errors.items()}
        )


@retires("project", kinds=PROJECTS)
@transaction.atomic
def create_project(*, project: Project, user: Any, today: dt.date) -> Project:
    """Save a new project and log its first stage (dated by its stage date, else ``today``)."""
    validate_stage(project.stage, stage_dates(project))
    project.stage_changed_on = project.date_of(project.stage) or today
    project.save()
    StageChange.objects.create(
        project=project,
        from_stage="",
        to_stage=project.stage,
        changed_on=project.stage_changed_on,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
    )
    return project


@retires("project", kinds=PROJECTS)
@transaction.atomic
def change_stage(*, project: Project, stage: str, on: dt.date, user: Any) -> StageChange:
    """Move ``project`` to ``stage`` on ``on``, set that stage's date and log the change.

    Moving back (e.g. a landing recorded by mistake) clears the dates of the stages after the
    new one. Raises ValidationError when the dates would contradict each other.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    dates = stage_dates(project)
    if stage in DATE_FIELDS:
        dates[stage] = on
    if stage != Stage.CANCELLED:
        # Moving to a stage clears the cancellation and the dates of the stages after it.
        dated = list(STAGE_DATE_FIELDS)
        after = dated[dated.index(stage) + 1 :] if stage in dated else dated
        for code in [Stage.CANCELLED, *after]:
            dates[code] = None
    validate_stage(stage, dates)
    change = StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=stage,
        changed_on=on,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
    )
    for code, field in DATE_FIELDS.items():
        setattr(project, field, dates[code])
    project.stage = stage
    project.stage_changed_on = on
    project.save()
    return change


# --------------------------------------------------------------------------- arrivals


@retires("project", kinds=PROJECTS)
@transaction.atomic
def set_arrival(
    *,
    project: Project,
    year: int,
    month: int,
    amount_usd: Decimal | None,
    confirmed: bool = False,
    reason: str = "",
) -> None:
    """Set (or, with None, remove) a project's arrived FDI for one month, in USD. Arrivals
    that would exceed the project's contracted FDI need ``confirmed`` (a typo of 1 600 for
    160 against a contract of 500 is asked about, not written). A change of a month an issued
    campaign notice reports needs a ``reason``, kept in the arrival's history."""
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("A month is a number from 1 to 12.")})
    # The project first: Arrival.save counts its arrived total again, and a concurrent write
    # of another of its months waits until this one is committed.
    list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
    if amount_usd is not None and not confirmed:
        others = (
            Arrival.objects.filter(project=project)
            .exclude(year=year, month=month)
            .aggregate(total=Sum("amount_usd"))["total"]
        )
        concerns = check_arrival(
            amount_usd,
            arrived_before_usd=others or Decimal(0),
            contracted_usd=project.contracted_fdi_usd,
        )
        if concerns:
            raise ValidationError(
                {
                    "amount_wan": _(
                        "Please check this value: %(warning)s. Tick the box to confirm it."
                    )
                    % {"warning": describe_concern(concerns[0])}
                }
            )
    if amount_usd is not None and amount_usd < 0:
        raise ValidationError({"amount_wan": _("An amount cannot be negative.")})
    current = (
        Arrival.objects.select_for_update().filter(project=project, year=year, month=month).first()
    )
    if (current.amount_usd if current else None) == amount_usd:
        return  # nothing changes: no reason asked, nothing written
    last = covered_arrival_months([project.city_id], [year]).get((project.city_id, year), 0)
    if month <= last and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "A campaign notice reporting this month has been issued: give a reason "
                    "for the change."
                )
            }
        )
    if amount_usd is None:
        current._change_reason = reason.strip() or None
        current.delete()  # through the model: the removed amount stays in the history
        return
    arrival = current or Arrival(project=project, year=year, month=month)
    arrival.amount_usd = amount_usd
    arrival._change_reason = reason.strip() or None
    arrival.save()


def covered_arrival_months(city_ids: Iterable[int], years: Iterable[int]) -> dict[tuple, int]:
    """(city id, year) → the last month an issued campaign notice (季度通报: 落地率、到位率)
    reports: changing an arrival up to that month changes what it reported. Asked of the app
    that issues the notices (``projects.signals.arrivals_reported``)."""
    covered: dict[tuple, int] = {}
    for _receiver, answer in arrivals_reported.send(
        sender=None, city_ids=set(city_ids), years=set(years)
    ):
        for key, month in (answer or {}).items():
            covered[key] = max(month, covered.get(key, 0))
    return covered


# --------------------------------------------------------------------------- a plan's rules


def copy_plan_rules(*, plan: Any, copied_from: Any, **_: Any) -> None:
    """A plan carried forward keeps the project rules of ``copied_from``, row for row (the
    receiver of ``tasks.signals.plan_created``; an imported plan starts without rules)."""
    if copied_from is None:
        return
    rules = list(ProjectRule.objects.filter(plan=copied_from).order_by("order", "pk"))
    for rule in rules:
        rule.pk = None
        rule.plan = plan
    ProjectRule.objects.bulk_create(rules)
