"""Saving a plan's assessment settings, as staff edit them: its progress schedule (序时进度)
and its scoring scheme (indicators, methods, weights, vetoes). Each is validated whole by the
code that reads it (``calculations.RequiredShares``, ``schemes.parse_scheme``) before it is
stored; ``ValidationError`` says what to fix. A new plan's defaults or copies are given by
``receivers.give_settings``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments import calculations as calc
from assessments.models import ProgressSchedule, ScoringScheme
from assessments.schemes import SchemeError, parse_scheme
from fdi_portal.locking import check_unchanged


@transaction.atomic
def save_progress_schedule(
    *, plan: Any, method: str, shares: list[Fraction], label: str
) -> ProgressSchedule:
    """Store a plan's progress schedule: its method and, for a custom one, the 12 cumulative
    monthly shares (validated by the calculations)."""
    if method not in ProgressSchedule.Method.values:
        raise ValidationError(_("Unknown schedule method %(method)s.") % {"method": method})
    if method == ProgressSchedule.Method.CUSTOM:
        try:
            calc.RequiredShares(tuple(shares))
        except (TypeError, ValueError) as error:
            raise ValidationError(str(error)) from error
    else:
        shares = []
    schedule, _created = ProgressSchedule.objects.update_or_create(
        plan=plan,
        defaults={
            "method": method,
            "shares": [str(Fraction(s)) for s in shares],
            "label": label,
            "is_default": False,
        },
    )
    return schedule


@transaction.atomic
def save_scoring_scheme(
    *,
    plan: Any,
    indicators: list[dict],
    label: str,
    vetoes: list[dict] | None = None,
    seen_token: str | None = None,
) -> ScoringScheme:
    """Store a plan's scoring scheme; refused (``ValidationError`` naming the indicator and
    field) unless the whole scheme parses (``schemes.parse_scheme``: inputs, methods, weights,
    parameters, vetoes). ``vetoes=None`` keeps the vetoes already stored. With
    ``seen_token`` (the editor's), refused with ``locking.StaleEdit`` when the stored scheme
    changed since the editor was opened."""
    if seen_token is not None:
        stored = ScoringScheme.objects.filter(plan=plan).first()
        if stored is not None:
            check_unchanged(
                instance=stored, fields=["label", "indicators", "vetoes"], seen_token=seen_token
            )
    if vetoes is None:
        stored = ScoringScheme.objects.filter(plan=plan).values_list("vetoes", flat=True).first()
        vetoes = stored or []
    try:
        parse_scheme({"label": label, "indicators": indicators, "vetoes": vetoes})
    except SchemeError as error:
        raise ValidationError(str(error)) from error
    scheme, _created = ScoringScheme.objects.update_or_create(
        plan=plan,
        defaults={
            "indicators": indicators,
            "vetoes": vetoes,
            "label": label,
            "is_default": False,
        },
    )
    return scheme
