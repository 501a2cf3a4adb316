"""The portal's one template-filter library for amounts and ratios (fdi_portal.lib.money):
every page formats 万 and % through it; and quarters, as a Chinese page names them (一季度)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fdi_portal.lib.money import format_notice_ratio, format_ratio, format_wan

register = template.Library()


@register.filter
def wan(amount: Decimal | None, places: int = 2) -> str:
    """{{ figure.amount_usd|wan }} → 1,234.50 (万美元); '' for a missing amount."""
    if isinstance(amount, int) and not isinstance(amount, bool):
        amount = Decimal(amount)
    return format_wan(amount, int(places)) if isinstance(amount, Decimal) else ""


@register.filter
def percent(ratio: Decimal | None, places: int = 1) -> str:
    """{{ row.completion|percent }} → 45.7%; — for a missing ratio."""
    return format_ratio(ratio if isinstance(ratio, Decimal) else None, int(places))


@register.filter
def notice_percent(ratio: Decimal | None) -> str:
    """{{ row.completion|notice_percent }}: a notice's percentage at NOTICE_PERCENT_PLACES
    (1 or 2) decimals, half-up, as its words print it."""
    return format_notice_ratio(ratio if isinstance(ratio, Decimal) else None)


#: A quarter as the page names it: 一季度 … 四季度 (Q1 … Q4 in English).
QUARTER_NAMES = {
    1: gettext_lazy("Q1"),
    2: gettext_lazy("Q2"),
    3: gettext_lazy("Q3"),
    4: gettext_lazy("Q4"),
}


@register.filter
def quarter(number: int) -> str:
    """{{ 3|quarter }} → 三季度 (Q3)."""
    return str(QUARTER_NAMES.get(number, number))


@register.simple_tag
def year_quarter(year: int, number: int) -> str:
    """{% year_quarter 2026 3 %} → 2026年三季度 (2026 Q3)."""
    return _("%(year)s %(quarter)s") % {"year": year, "quarter": quarter(number)}
