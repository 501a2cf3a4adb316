"""Display helpers for project pages: amounts in 万, rates in per cent, alert texts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def wan(value: Decimal | None) -> str:
    """USD or CNY → 万, two decimals (1 500 000.00 → 150.00); empty for None."""
    if value is None or value == "":
        return ""
    return f"{(Decimal(value) / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


@register.filter
def percent(value: Decimal | None) -> str:
    """A fraction as a percentage with one decimal (0.25 → 25.0%); — for None."""
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


@register.filter
def alert_label(alert: Any) -> str:
    if alert.code == "leader_missing":
        return _("A rule needs a city leader and none is assigned")
    if alert.code == "difficulty_open":
        return _("A difficulty has been open for %(days)s days") % {"days": alert.days}
    if alert.code == "complaint_overdue":
        return _("A complaint is %(days)s days past its deadline") % {"days": alert.days}
    if alert.code == "stage_stale":
        return _("Stage unchanged for %(days)s days") % {"days": alert.days}
    return alert.code
