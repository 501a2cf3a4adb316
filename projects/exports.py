"""The project export: the project list as spreadsheet rows, written to xlsx by the list's
download (projects.views) and by its background job (projects.jobs)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from fdi_portal.lib.money import round_wan
from projects.alerts import ProjectReport
from projects.models import Industry, Project, Stage
from projects.templatetags.projects_tags import alert_label


def _wan(value: Any) -> Any:
    """An amount in 万, rounded half-up to two places as every page and notice prints it."""
    return round_wan(value)


def export_rows(reports: Iterable[ProjectReport]) -> Iterator[list[Any]]:
    """The project list as spreadsheet rows, header first, one at a time; amounts in
    万美元 / 万元, two decimals (half-up)."""
    yield [
        _("City"),
        _("Region"),
        _("Project"),
        _("Investor"),
        _("Origin"),
        _("Industry"),
        _("Mode"),
        _("Campaign"),
        _("Stage"),
        _("Signed on"),
        _("Landed on"),
        _("Contracted FDI (10k USD)"),
        _("Total investment (10k USD)"),
        _("Fixed-asset investment (10k CNY)"),
        _("Arrived FDI (10k USD)"),
        _("City leader"),
        _("Rules"),
        _("Alerts"),
        _("Demo data"),
    ]
    # Labels translated once, not per row (get_FOO_display translates every choice of the
    # field at each call: most of the time of a 50 000-row export).
    industries = {code: str(label) for code, label in Industry.choices}
    modes = {code: str(label) for code, label in Project.Mode.choices}
    stages = {code: str(label) for code, label in Stage.choices}
    origins: dict[tuple[str, str], str] = {}
    for report in reports:
        p = report.project
        investor = p.investor
        if investor is not None:
            origin = (investor.origin_kind, investor.origin)
            if origin not in origins:
                origins[origin] = investor.origin_label
        yield [
            p.city.name,
            p.region.name,
            p.name,
            investor.name if investor else None,
            origins[origin] if investor else None,
            industries.get(p.industry),
            modes.get(p.mode, p.mode),
            p.campaign.name if p.campaign else None,
            stages.get(p.stage, p.stage),
            p.signed_on,
            p.landed_on,
            _wan(p.contracted_fdi_usd),
            _wan(p.total_investment_usd),
            _wan(p.fixed_asset_investment_cny),
            _wan(report.arrived_total_usd),
            (p.leader.get_full_name() or p.leader.username) if p.leader else None,
            "；".join(rule.consequence for rule in report.rules) or None,
            "；".join(alert_text(a) for a in report.alerts) or None,
            p.is_demo,
        ]


def alert_text(alert: Any) -> str:
    return str(alert_label(alert))
