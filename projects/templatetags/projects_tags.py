"""Display helpers for project pages: alert texts. Amounts and rates use the portal's filters
(``{% load portal %}``: ``wan``, ``percent``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


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
