"""Writes of the supervision: issuing a notice (and the interviews its figures decide),
recording an interview, editing a plan's progress schedule and scoring scheme, issuing the
annual assessment. Each is one transaction; ``ValidationError`` says what the user must fix.

Issued notices and assessments are frozen: their snapshot is written once, here, and never
updated; a later correction of a figure shows on the notice as a revision instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import calculations as calc
from assessments.models import AnnualAssessment, Interview, Notice, ProgressSchedule, ScoringScheme
from assessments.selectors import (
    assessment_data,
    latest_figure_month,
    monthly_notice_data,
    region_code,
    scheme_indicators,
)
from fdi_portal.models import City, Region


def notice_number(year: int, sequence: int) -> str:
    """〔2021〕第6期."""
    return f"〔{year}〕第{sequence}期"


def next_sequence(city: City, year: int) -> int:
    """One more than the highest number issued in ``year`` (1 for the first)."""
    last = Notice.objects.filter(
        city=city, kind=Notice.Kind.MONTHLY, year=year, sequence__isnull=False
    ).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


@transaction.atomic
def issue_notice(
    *,
    city: City,
    year: int,
    month: int,
    issued_on: dt.date,
    user: Any,
    sequence: int | None = None,
) -> Notice:
    """Freeze the monthly notice of ``city`` for ``month`` of ``year`` with the stored figures.

    The notice gets the number 〔year〕第sequence期 (default: the next in the year), the issue
    date and a snapshot of every computed row. At a quarter's end (3/6/9/12) the interviews
    its figures decide are created (status "to be held"). Refused (``ValidationError``) when
    already issued, when the number is taken, or when no region has a figure for the month.
    """
    if month not in range(1, 13):
        raise ValidationError(_("The month must be between 1 and 12."))
    notice, _created = Notice.objects.select_for_update().get_or_create(
        city=city, kind=Notice.Kind.MONTHLY, year=year, month=month
    )
    if notice.is_issued:
        raise ValidationError(
            _("The notice %(number)s is already issued; issued notices never change.")
            % {"number": notice.number}
        )
    last_month = latest_figure_month(city, year)
    if last_month is None or last_month < month:
        raise ValidationError(
            _("No region has a figure for %(month)s/%(year)s yet: enter the figures first.")
            % {"month": month, "year": year}
        )
    sequence = sequence or next_sequence(city, year)
    if sequence < 1:
        raise ValidationError(_("The issue number must be 1 or more."))
    if (
        Notice.objects.filter(city=city, kind=Notice.Kind.MONTHLY, year=year, sequence=sequence)
        .exclude(pk=notice.pk)
        .exists()
    ):
        raise ValidationError(
            _("The number %(number)s is already used by another notice.")
            % {"number": notice_number(year, sequence)}
        )
    snapshot = monthly_notice_data(city, year, month)
    notice.status = Notice.Status.ISSUED
    notice.sequence = sequence
    notice.number = notice_number(year, sequence)
    notice.issued_on = issued_on
    notice.issued_at = timezone.now()
    notice.issued_by = user if getattr(user, "is_authenticated", False) else None
    notice.snapshot = snapshot
    notice.save()
    if "interviews" in snapshot:
        _create_interviews(notice, snapshot)
    return notice


def _create_interviews(notice: Notice, snapshot: dict) -> list[Interview]:
    cases = snapshot["interviews"]["regions"]
    if not cases:
        return []
    regions = {region_code(r): r for r in Region.objects.in_city(notice.city).assessed()}
    quarter = notice.month // 3
    created = []
    for case in cases:
        interview, _new = Interview.objects.update_or_create(
            region=regions[case["code"]],
            year=notice.year,
            quarter=quarter,
            defaults={
                "city": notice.city,
                "notice": notice,
                "completion": Decimal(case["completion"]),
                "required": Decimal(case["required_share"]),
                "rank": case["rank"],
                "ranked_count": case["ranked_count"],
                "shortfall_usd": Decimal(case["shortfall_usd"]),
            },
        )
        created.append(interview)
    return created


@transaction.atomic
def record_interview(
    *, interview: Interview, held_on: dt.date | None, notes: str, user: Any
) -> Interview:
    """Record when an interview was held (None: not yet) and its notes."""
    if held_on is not None and held_on.year < interview.year:
        raise ValidationError(_("An interview cannot be held before the year it concerns."))
    interview.held_on = held_on
    interview.notes = notes.strip()
    interview.status = Interview.Status.HELD if held_on else Interview.Status.PENDING
    interview.recorded_by = user
    interview.recorded_at = timezone.now()
    interview.save()
    return interview


@transaction.atomic
def save_progress_schedule(*, plan: Any, shares: list[Fraction], label: str) -> ProgressSchedule:
    """Store a plan's 12 cumulative monthly shares (validated by the calculations)."""
    try:
        calc.ProgressSchedule(tuple(shares))
    except (TypeError, ValueError) as error:
        raise ValidationError(str(error)) from error
    schedule, _created = ProgressSchedule.objects.update_or_create(
        plan=plan,
        defaults={
            "shares": [str(Fraction(s)) for s in shares],
            "label": label,
            "is_default": False,
        },
    )
    return schedule


@transaction.atomic
def save_scoring_scheme(*, plan: Any, indicators: list[dict], label: str) -> ScoringScheme:
    """Store a plan's scoring scheme; refused unless every indicator builds (weights,
    methods and parameters are checked by the calculations)."""
    try:
        scheme_indicators(indicators)
    except (TypeError, ValueError, KeyError) as error:
        raise ValidationError(str(error)) from error
    scheme, _created = ScoringScheme.objects.update_or_create(
        plan=plan, defaults={"indicators": indicators, "label": label, "is_default": False}
    )
    return scheme


@transaction.atomic
def issue_assessment(*, city: City, year: int, issued_on: dt.date, user: Any) -> AnnualAssessment:
    """Freeze the annual assessment of ``city`` for ``year``: the scheme used and every
    region's indicator inputs, methods and points. Refused when already issued or when the
    city's plan has no scoring scheme."""
    assessment, _created = AnnualAssessment.objects.select_for_update().get_or_create(
        city=city, year=year
    )
    if assessment.status == AnnualAssessment.Status.ISSUED:
        raise ValidationError(_("The %(year)s assessment is already issued.") % {"year": year})
    data = assessment_data(city, year)
    if data is None:
        raise ValidationError(_("The city's plan has no scoring scheme yet."))
    assessment.status = AnnualAssessment.Status.ISSUED
    assessment.issued_on = issued_on
    assessment.issued_at = timezone.now()
    assessment.issued_by = user if getattr(user, "is_authenticated", False) else None
    assessment.snapshot = data
    assessment.save()
    return assessment
