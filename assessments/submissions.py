"""A county's submission of its figures (已报送) and the commerce bureau's review of it.

A county official submits a figure of a month (:func:`submit_figure`) or a previewed file of
them (:func:`submit_import`); it waits for staff, replacing a submission already waiting for the
same month. Staff verify it (:func:`verify_submission`, 审核通过: it becomes the official figure,
under the rules of ``figures``) or return it with a reason (:func:`return_submission`, 退回).
A locked month refuses a submission and its verification. Each write is one transaction;
``ValidationError`` says what the user must fix.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.figure_imports import ImportPreview, locked_changes
from assessments.figures import (
    check_amount,
    check_begun,
    check_plausible,
    check_unlocked,
    history_user,
    require_reason,
    write_figure,
)
from assessments.models import FigureSubmission, MonthlyFigure
from fdi_portal.cache import FIGURES, retires
from fdi_portal.models import Region


@retires("region", kinds=FIGURES)
@transaction.atomic
def submit_figure(
    *,
    region: Region,
    year: int,
    month: int,
    amount_usd: Decimal,
    note: str,
    user: Any,
    confirmed: bool = False,
) -> FigureSubmission:
    """A county official submits their region's figure of a month (已报送). It waits for
    staff; a submission already waiting for the same month is replaced (kept in the history
    as replaced). Refused in a locked month, for an amount equal to the official figure, and
    (``Implausible``) for an implausible value not ``confirmed``."""
    check_amount(amount_usd)
    if amount_usd is None:
        raise ValidationError(_("Enter the month's amount."))
    if not 1 <= month <= 12:
        raise ValidationError(_("A month is a number from 1 to 12."))
    check_begun(year, month)
    check_unlocked(region.city, year, month)
    official = (
        MonthlyFigure.objects.filter(region=region, year=year, month=month)
        .values_list("amount_usd", flat=True)
        .first()
    )
    if official == amount_usd:
        raise ValidationError(_("This is already the official figure: nothing to submit."))
    warnings = check_plausible(
        region=region, year=year, month=month, amount_usd=amount_usd, confirmed=confirmed
    )
    FigureSubmission.objects.select_for_update().filter(
        region=region, year=year, month=month, status=FigureSubmission.Status.SUBMITTED
    ).update(status=FigureSubmission.Status.SUPERSEDED)
    return FigureSubmission.objects.create(
        region=region,
        year=year,
        month=month,
        amount_usd=amount_usd,
        note=note.strip(),
        warnings=_("; ").join(warnings),
        submitted_by=user,
        submitted_at=timezone.now(),
    )


def _waiting(submission: FigureSubmission) -> FigureSubmission:
    """The submission, locked, if it still waits for review; else ``ValidationError``."""
    current = FigureSubmission.objects.select_for_update().get(pk=submission.pk)
    if current.status != FigureSubmission.Status.SUBMITTED:
        raise ValidationError(
            _("This submission was already dealt with (%(status)s).")
            % {"status": current.get_status_display()}
        )
    return current


@retires("submission", kinds=FIGURES)
@transaction.atomic
def verify_submission(
    *, submission: FigureSubmission, user: Any, reason: str = ""
) -> MonthlyFigure | None:
    """审核通过: the submitted amount becomes the official figure (its history names the
    verifying clerk and ``reason``, else the submission's note). Refused in a month not begun or
    locked, and once a notice covers the month unless the clerk's ``reason`` says why (the
    county's note does not: it is theirs)."""
    submission = _waiting(submission)
    region = submission.region
    check_begun(submission.year, submission.month)
    check_unlocked(region.city, submission.year, submission.month)
    # The county's note says why they submitted; once a notice has published the month, the
    # clerk who changes it says why in their own words, as in the grid.
    require_reason(region.city, submission.year, submission.month, reason)
    why = reason.strip() or submission.note
    figure = (
        MonthlyFigure.objects.select_for_update()
        .filter(region=region, year=submission.year, month=submission.month)
        .first()
    )
    written = figure
    if figure is None or figure.amount_usd != submission.amount_usd:
        written = write_figure(
            figure,
            region=region,
            year=submission.year,
            month=submission.month,
            amount_usd=submission.amount_usd,
            user=user,
            reason=_("Verified submission of %(who)s: %(why)s")
            % {"who": _user_name(submission.submitted_by), "why": why or "—"},
        )
    submission.status = FigureSubmission.Status.VERIFIED
    submission.reviewed_by = history_user(user)
    submission.reviewed_at = timezone.now()
    submission.review_reason = reason.strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
    return written


@retires("submission", kinds=FIGURES)
@transaction.atomic
def return_submission(*, submission: FigureSubmission, user: Any, reason: str) -> None:
    """退回: the submission goes back to the official with ``reason`` (required); the official
    figure is not touched."""
    if not reason.strip():
        raise ValidationError(_("Say why the figure is returned: the county will read it."))
    submission = _waiting(submission)
    submission.status = FigureSubmission.Status.RETURNED
    submission.reviewed_by = history_user(user)
    submission.reviewed_at = timezone.now()
    submission.review_reason = reason.strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])


@retires(lambda preview, **_: {c.region.city_id for c in preview.changes}, kinds=FIGURES)
@transaction.atomic
def submit_import(preview: ImportPreview, *, user: Any, note: str = "") -> dict[str, int]:
    """Submit every new and changed cell of a county official's previewed file
    (``figure_imports.preview_submissions_import``) for verification, each replacing a
    submission that waits for the same month; a cell whose waiting submission already holds
    the value is left alone, so importing the same file twice submits nothing the second
    time. Refused when the preview has errors or a month is locked meanwhile. Returns the
    counts."""
    if not preview.ok:
        raise ValidationError(list(preview.errors))
    pending = preview.pending
    locked = locked_changes(pending)
    if locked:
        raise ValidationError([message for _change, message in locked[:1]])
    note = note.strip() or _("Spreadsheet import")
    by_cell = {(c.region.pk, c.year, c.month): c for c in pending}
    # An official's file holds one region: a handful of cells, two statements each at most.
    waiting = {
        (s.region_id, s.year, s.month): s
        for s in FigureSubmission.objects.select_for_update()
        .awaiting()
        .filter(region_id__in={key[0] for key in by_cell}, year__in={key[1] for key in by_cell})
    }
    now = timezone.now()
    for key, change in by_cell.items():
        current = waiting.get(key)
        if current is not None and current.amount_usd == change.new_usd:
            continue
        if current is not None:
            current.status = FigureSubmission.Status.SUPERSEDED
            current.save(update_fields=["status"])
        FigureSubmission.objects.create(
            region=change.region,
            year=change.year,
            month=change.month,
            amount_usd=change.new_usd,
            note=note,
            warnings=_("; ").join(change.warnings),
            submitted_by=user,
            submitted_at=now,
        )
    return preview.counts


def _user_name(user: Any) -> str:
    if user is None:
        return _("command line")
    return user.get_full_name() or user.username
