"""Issuing: the monthly notice (and the quarter's interviews its figures decide), the record of
an interview, the annual assessment and the quarterly campaign notice, and their numbering.

Issued notices and assessments are frozen: their snapshot is written once, here (``_freeze``,
with the audit log's entry of its SHA-256), and never updated; a later correction of a figure
shows on the notice as a revision instead. The monthly notices are numbered 〔year〕第N期 in
the year (:func:`next_sequence`), the campaign notices apart from them
(:func:`next_campaign_sequence`). Two people issuing the same thing at once: one wins, the
other gets a ``ValidationError`` (:func:`one_at_a_time`). Each write is one transaction;
``ValidationError`` says what the user must fix.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.figures import history_user
from assessments.loaders import latest_figure_month, region_code
from assessments.models import AnnualAssessment, Interview, Notice
from assessments.pages import campaign_draft_snapshot, draft_snapshot, score
from fdi_portal.audit import record_event, snapshot_sha256
from fdi_portal.cache import FIGURES, retires
from fdi_portal.models import AuditEvent, City, Region


def notice_number(year: int, sequence: int) -> str:
    """〔2021〕第6期."""
    return f"〔{year}〕第{sequence}期"


def next_sequence(city: City, year: int) -> int:
    """One more than the highest number issued in ``year`` (1 for the first)."""
    last = Notice.objects.filter(
        city=city, kind=Notice.Kind.MONTHLY, year=year, sequence__isnull=False
    ).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


T = TypeVar("T")


def one_at_a_time(issue: Callable[..., T]) -> Callable[..., T]:
    """Turn what the database says when two people issue the same thing at the same moment
    (the loser's insert of the same period, SQLite's "database is locked" after its wait, a
    PostgreSQL deadlock or serialization failure) into a ValidationError the page shows;
    the loser's transaction has been rolled back, so nothing of theirs is written."""

    @functools.wraps(issue)
    def wrapper(**kwargs: Any) -> T:
        try:
            return issue(**kwargs)
        except (IntegrityError, OperationalError) as error:
            text = str(error).lower()
            if isinstance(error, OperationalError) and not any(
                word in text for word in ("locked", "deadlock", "serializ", "lock timeout")
            ):
                raise
            raise ValidationError(
                _(
                    "Someone else was issuing this at the same moment; nothing of yours was "
                    "saved. Reload the page to see what was issued."
                )
            ) from error

    return wrapper


def _open_notice(*, city: City, kind: str, year: int, month: int) -> Notice:
    """The notice row of the period, locked; refused when it is already issued."""
    notice, _created = Notice.objects.select_for_update().get_or_create(
        city=city, kind=kind, year=year, month=month
    )
    if notice.is_issued:
        raise ValidationError(
            _("The notice %(number)s is already issued; issued notices never change.")
            % {"number": notice.number}
        )
    return notice


def _check_sequence(notice: Notice, sequence: int) -> None:
    """第N期 must be 1 or more and not taken by another notice of the same kind and year."""
    if sequence < 1:
        raise ValidationError(_("The issue number must be 1 or more."))
    if (
        Notice.objects.filter(
            city=notice.city, kind=notice.kind, year=notice.year, sequence=sequence
        )
        .exclude(pk=notice.pk)
        .exists()
    ):
        raise ValidationError(
            _("The number %(number)s is already used by another notice.")
            % {"number": notice_number(notice.year, sequence)}
        )


def check_issue_date(issued_on: dt.date, year: int, month: int) -> None:
    """``ValidationError`` unless ``issued_on`` lies between the last day of the notice's
    period (``month`` of ``year``; a quarter's last month) and today: a notice reports a period
    that is over, and is not dated in the future."""
    period_end = dt.date(year, month, calendar.monthrange(year, month)[1])
    today = timezone.localdate()
    if not period_end <= issued_on <= today:
        raise ValidationError(
            _(
                "The issue date %(date)s is outside the possible dates: a notice of "
                "%(year)s-%(month)02d is issued between %(end)s, the period's last day, and "
                "today, %(today)s."
            )
            % {
                "date": issued_on.isoformat(),
                "year": year,
                "month": month,
                "end": period_end.isoformat(),
                "today": today.isoformat(),
            }
        )


def _freeze(issuable: Any, *, snapshot: dict, issued_on: dt.date, user: Any, action: str) -> None:
    """Issue a notice or an assessment for good: its snapshot, date, time and author, and the
    audit log's entry with the snapshot's SHA-256."""
    issuable.status = issuable.Status.ISSUED
    issuable.issued_on = issued_on
    issuable.issued_at = timezone.now()
    issuable.issued_by = history_user(user)
    issuable.snapshot = snapshot
    issuable.save()
    record_event(
        kind=AuditEvent.Kind.ISSUE,
        user=user,
        city=issuable.city,
        action=action,
        sha256=snapshot_sha256(snapshot),
    )


@retires("city", kinds=FIGURES)
@one_at_a_time
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
    already issued, when the number is taken, when no region has a figure for the month, or
    when ``issued_on`` is not between the month's last day and today.
    """
    if month not in range(1, 13):
        raise ValidationError(_("The month must be between 1 and 12."))
    check_issue_date(issued_on, year, month)
    notice = _open_notice(city=city, kind=Notice.Kind.MONTHLY, year=year, month=month)
    last_month = latest_figure_month(city, year)
    if last_month is None or last_month < month:
        raise ValidationError(
            _("No region has a figure for %(month)s/%(year)s yet: enter the figures first.")
            % {"month": month, "year": year}
        )
    sequence = sequence or next_sequence(city, year)
    _check_sequence(notice, sequence)
    snapshot = draft_snapshot(city, year, month)
    notice.sequence = sequence
    notice.number = notice_number(year, sequence)
    _freeze(
        notice,
        snapshot=snapshot,
        issued_on=issued_on,
        user=user,
        action=f"{notice.get_kind_display()} {notice.number} ({year}-{month:02d})",
    )
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


@retires("interview", kinds=FIGURES)
@transaction.atomic
def record_interview(
    *, interview: Interview, held_on: dt.date | None, notes: str, user: Any, participants: str = ""
) -> Interview:
    """Record when an interview was held (None: not yet), who took part and its notes."""
    if held_on is not None and held_on.year < interview.year:
        raise ValidationError(_("An interview cannot be held before the year it concerns."))
    interview.held_on = held_on
    interview.participants = participants.strip()
    interview.notes = notes.strip()
    interview.status = Interview.Status.HELD if held_on else Interview.Status.PENDING
    interview.recorded_by = user
    interview.recorded_at = timezone.now()
    interview.save()
    return interview


@retires("city", kinds=FIGURES)
@one_at_a_time
@transaction.atomic
def issue_assessment(
    *, city: City, year: int, issued_on: dt.date, user: Any, confirm_partial: bool = False
) -> AnnualAssessment:
    """Freeze the annual assessment of ``city`` for ``year``: the months covered, the scheme
    used and every region's indicator inputs, methods and points. Refused when already issued,
    when the city's plan has no scoring scheme, or — unless ``confirm_partial`` — when December
    has no figure yet (the assessment would cover 1–M月 only)."""
    assessment, _created = AnnualAssessment.objects.select_for_update().get_or_create(
        city=city, year=year
    )
    if assessment.status == AnnualAssessment.Status.ISSUED:
        raise ValidationError(_("The %(year)s assessment is already issued.") % {"year": year})
    data = score(city, year)
    if data is None:
        raise ValidationError(_("The city's plan has no scoring scheme yet."))
    if data["through_month"] < 12 and not confirm_partial:
        raise ValidationError(
            _(
                "December %(year)s has no figure yet: this assessment covers months 1–%(month)s "
                "only. Tick the confirmation to issue it anyway."
            )
            % {"year": year, "month": data["through_month"]}
        )
    _freeze(
        assessment,
        snapshot=data,
        issued_on=issued_on,
        user=user,
        action=f"{AnnualAssessment._meta.verbose_name} {year}",
    )
    return assessment


# ------------------------------------------------------------------------------------------
# The quarterly campaign notice: issued and frozen like the monthly notice, numbered apart
# ------------------------------------------------------------------------------------------


def next_campaign_sequence(city: City, year: int) -> int:
    """One more than the highest campaign-notice number issued in ``year`` (1 for the
    first): the quarterly notices are numbered apart from the monthly ones."""
    last = Notice.objects.filter(
        city=city, kind=Notice.Kind.QUARTERLY, year=year, sequence__isnull=False
    ).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


@retires("city", kinds=FIGURES)
@one_at_a_time
@transaction.atomic
def issue_campaign_notice(
    *,
    city: City,
    year: int,
    quarter: int,
    issued_on: dt.date,
    user: Any,
    sequence: int | None = None,
) -> Notice:
    """Freeze the quarter's campaign notice (落地率、到位率 by campaign and region) of
    ``city``: number 〔year〕第sequence期 among the year's campaign notices (default: the next),
    the issue date and the snapshot of every row. Refused (``ValidationError``) when already
    issued, when the number is taken, or when the city has no campaign."""
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("The quarter must be between 1 and 4."))
    check_issue_date(issued_on, year, quarter * 3)
    notice = _open_notice(city=city, kind=Notice.Kind.QUARTERLY, year=year, month=quarter * 3)
    snapshot = campaign_draft_snapshot(city, year, quarter)
    if not snapshot["campaigns"]:
        raise ValidationError(_("The city has no campaign: there is nothing to report."))
    sequence = sequence or next_campaign_sequence(city, year)
    _check_sequence(notice, sequence)
    notice.sequence = sequence
    notice.number = notice_number(year, sequence)
    _freeze(
        notice,
        snapshot=snapshot,
        issued_on=issued_on,
        user=user,
        action=f"{notice.get_kind_display()} {notice.number} ({year}-{notice.month:02d})",
    )
    return notice
