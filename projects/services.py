"""Writes that touch several rows: creating a project with its first stage, changing its stage
(validated and logged), and a project's monthly arrivals. The spreadsheet imports of arrivals
and project lists are projects.imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from projects.models import (
    STAGE_DATE_FIELDS,
    Arrival,
    Project,
    Stage,
    StageChange,
)
from projects.rules import stage_date_errors

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


@transaction.atomic
def set_arrival(
    *,
    project: Project,
    year: int,
    month: int,
    amount_usd: Decimal | None,
    confirmed: bool = False,
) -> None:
    """Set (or, with None, remove) a project's arrived FDI for one month, in USD. Arrivals
    that would exceed the project's contracted FDI need ``confirmed`` (a typo of 1 600 for
    160 against a contract of 500 is asked about, not written)."""
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("A month is a number from 1 to 12.")})
    if amount_usd is not None and not confirmed:
        from assessments.plausibility import check_arrival
        from assessments.services import describe_concern

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
    if amount_usd is None:
        # One by one, so that the removed amount stays in the arrival's history.
        for arrival in Arrival.objects.filter(project=project, year=year, month=month):
            arrival.delete()
        return
    if amount_usd < 0:
        raise ValidationError({"amount_wan": _("An amount cannot be negative.")})
    Arrival.objects.update_or_create(
        project=project, year=year, month=month, defaults={"amount_usd": amount_usd}
    )
