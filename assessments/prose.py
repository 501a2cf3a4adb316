"""The notice's words: its title, its opening paragraph, why a region is interviewed, how an
indicator's points came about. Every figure is taken from a report; nothing is computed here
but the wording."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments.snapshots import InterviewCase, NoticeReport
from fdi_portal.lib.money import format_ratio, format_wan


def _sentences(parts: list[str]) -> str:
    """Chinese sentences follow each other directly; English ones after a space."""
    separator = "" if (get_language() or "").startswith("zh") else " "
    return separator.join(part for part in parts if part)


def _names(names: list[str]) -> str:
    return _(", ").join(names)


def notice_title(report: NoticeReport) -> str:
    return f"{report.city_name}{report.year}年1-{report.month}月各县（市、区）实际使用外资情况通报"


def notice_summary(report: NoticeReport) -> str:
    """The paragraph that opens an official 通报, from the notice's own figures: the city
    total, its completion against the schedule and its growth, who is behind schedule, who
    ranks first."""
    opening = _(
        "By the end of %(month)s/%(year)s the city had utilised %(amount)s 10k USD of FDI"
    ) % {
        "month": report.month,
        "year": report.year,
        "amount": format_wan(report.city_ytd_usd),
    }
    if report.city_completion is not None:
        opening += _(", %(completion)s of the annual target") % {
            "completion": format_ratio(report.city_completion, 2)
        }
    if report.city_yoy_growth is not None:
        growth = report.city_yoy_growth
        pattern = (
            _(", up %(growth)s year on year")
            if growth >= 0
            else _(", down %(growth)s year on year")
        )
        opening += pattern % {"growth": format_ratio(abs(growth), 2)}
    sentences = [opening + _(".")]
    required = format_ratio(report.required_share, 2)
    if report.behind:
        sentences.append(
            _("%(names)s are behind the required progress of %(required)s.")
            % {"names": _names(report.behind), "required": required}
        )
    elif any(row.rank is not None for row in report.rows):
        sentences.append(
            _("Every ranked region has reached the required progress of %(required)s.")
            % {"required": required}
        )
    first = [row.name for row in report.rows if row.rank == 1]
    if first:
        sentences.append(_("%(names)s ranks first.") % {"names": _names(first)})
    return _sentences(sentences)


def interview_reason(case: InterviewCase) -> str:
    """Why a region is interviewed, in words."""
    return _(
        "Completed %(completion)s of its annual target against the required %(required)s "
        "(%(shortfall)s 10k USD short) and ranks last (%(rank)s of %(count)s)."
    ) % {
        "completion": format_ratio(case.completion, 2),
        "required": format_ratio(case.required_share, 2),
        "shortfall": format_wan(case.shortfall_usd),
        "rank": case.rank,
        "count": case.ranked_count,
    }


def explain_points(item: dict) -> str:
    """How the points of one indicator of a frozen assessment came about, in words."""
    if item["missing"]:
        return _("no value: 0 points")
    method, text = item["method"], ""
    if method in ("ratio_to_target", "quota") and item.get("ratio") is not None:
        text = _("%(ratio)s of %(reference)s") % {
            "ratio": format_ratio(Decimal(item["ratio"]), 2),
            "reference": item["reference"],
        }
    elif method == "efficacy_coefficient":
        text = _("score %(score)s between %(low)s and %(high)s") % {
            "score": item["efficacy_score"],
            "low": item["range_min"],
            "high": item["range_max"],
        }
    elif method == "stepped" and item.get("steps") is not None:
        text = _("%(steps)s whole steps from the target") % {"steps": item["steps"]}
    elif method == "bands":
        text = (
            _("band %(band)s reached") % {"band": item["band"]}
            if item.get("band")
            else _("no band reached")
        )
    if item.get("bounded"):
        text = (text + "; " if text else "") + _("limited by the cap or bounds")
    return text


def veto_reason(veto: dict) -> str:
    """Why a region's total is 0 (一票否决), from a frozen veto: its input below the line."""
    from assessments.schemes import INPUTS

    label, kind = INPUTS.get(veto["input"], (veto["input"], "ratio"))
    below, value = Decimal(veto["below"]), veto.get("value")

    def shown(number: Decimal) -> str:
        return format_ratio(number, 2) if kind == "ratio" else format(number, "f")

    return _("Vetoed: %(input)s %(value)s is below %(below)s.") % {
        "input": label,
        "value": "—" if value is None else shown(Decimal(value)),
        "below": shown(below),
    }
