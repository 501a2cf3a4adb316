"""The notice's words: its title, its opening paragraph, why a region is interviewed, how an
indicator's points came about. Every figure is taken from a report; nothing is computed here
but the wording."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from assessments import calculations as calc
from assessments.snapshots import CampaignRow, InterviewCase, NoticeReport
from fdi_portal.lib.money import (
    format_notice_ratio,
    format_ratio,
    format_wan,
    notice_places,
    round_percent,
)


def percent(ratio: Decimal | None) -> str:
    """A ratio as the notice prints it (``fdi_portal.lib.money.format_notice_ratio``)."""
    return format_notice_ratio(ratio)


def against_schedule(completion: Decimal, required: Decimal) -> str:
    """「高于序时进度X个百分点」 / 「低于序时进度X个百分点」 / 「与序时进度持平」, X the difference of
    the two printed percentages (calculations.percentage_points)."""
    points = calc.percentage_points(completion, required, notice_places())
    if points > 0:
        return _("%(points)s percentage points above the required progress") % {"points": points}
    if points < 0:
        return _("%(points)s percentage points below the required progress") % {"points": -points}
    return _("level with the required progress")


def year_on_year(growth: Decimal) -> str:
    """「同比增长x%」 / 「同比下降x%」 / 「与上年同期持平」 at the notice's precision."""
    shown = round_percent(growth, notice_places())
    if shown > 0:
        return _("up %(growth)s year on year") % {"growth": percent(growth)}
    if shown < 0:
        return _("down %(growth)s year on year") % {"growth": percent(abs(growth))}
    return _("level with the same months of last year")


def _sentences(parts: list[str]) -> str:
    """Chinese sentences follow each other directly; English ones after a space."""
    separator = "" if (get_language() or "").startswith("zh") else " "
    return separator.join(part for part in parts if part)


def _names(names: list[str]) -> str:
    return _(", ").join(names)


def months_covered(month: int) -> str:
    """The months a figure covers as documents write them: 「1-11月」 (「1月」 for January)."""
    return "1月" if month == 1 else f"1-{month}月"


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
            "completion": percent(report.city_completion)
        }
        opening += _(", %(clause)s") % {
            "clause": against_schedule(report.city_completion, report.required_share)
        }
    if report.city_yoy_growth is not None:
        opening += _(", %(clause)s") % {"clause": year_on_year(report.city_yoy_growth)}
    sentences = [opening + _(".")]
    required = percent(report.required_share)
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
        "completion": percent(case.completion),
        "required": percent(case.required_share),
        "shortfall": format_wan(case.shortfall_usd),
        "rank": case.rank,
        "count": case.ranked_count,
    }


def interview_sentence(report: NoticeReport) -> str:
    """The notice's sentence naming who is interviewed this quarter under the plan's rule
    (「……进行约谈」), a whole sentence: 「。」 in Chinese, "." in English. '' when nobody is."""
    if report.interview_code != calc.INTERVIEW_REQUIRED or not report.interviewees:
        return ""
    return _(
        "Under the plan's rule (对达不到进度要求且进度排名最后一位的县（市、区）进行约谈), "
        "%(names)s will be interviewed this quarter."
    ) % {"names": _names([case.name for case in report.interviewees])}


def _shown(value: str | Decimal | None, kind: str) -> str:
    """An indicator's value, target or range end as a bureau writes it: a ratio as a
    percentage (−6.80%, with a true minus sign), an amount in 万美元, a count as a number."""
    if value is None:
        return "—"
    number = Decimal(value)
    if kind == "ratio":
        return percent(number).replace("-", "−")
    if kind == "usd":
        return _("%(amount)s 10k USD") % {"amount": format_wan(number).replace("-", "−")}
    return format(number.normalize(), "f").replace("-", "−")


def explain_points(item: dict) -> str:
    """How the points of one indicator of a frozen assessment came about, in the words an
    official writes: 「完成目标的109.75%，得满分」, 「超过目标3档（每档1.00分）」,
    「功效分100.00（同比增长区间 −6.80%～40.60%）」."""
    from assessments.schemes import INPUTS

    if item["missing"]:
        return _("no value: 0 points")
    method = item["method"]
    label, kind = INPUTS.get(item["input"], (item["input"], "ratio"))
    parts: list[str] = []
    ratio = None if item.get("ratio") is None else Decimal(item["ratio"])
    if method == "quota" and item.get("value") is not None:
        parts.append(
            _("%(count)s against a quota of %(quota)s")
            % {"count": _shown(item["value"], kind), "quota": _shown(item.get("reference"), kind)}
        )
    elif method in ("ratio_to_target", "stepped") and ratio is not None:
        reference = item.get("reference")
        if reference is None or (kind == "ratio" and Decimal(reference) == 1):
            parts.append(_("%(ratio)s of the target") % {"ratio": percent(ratio)})
        else:
            parts.append(
                _("%(ratio)s of the target of %(reference)s")
                % {"ratio": percent(ratio), "reference": _shown(reference, kind)}
            )
    if method == "efficacy_coefficient":
        parts.append(
            _("efficacy score %(score)s (%(input)s range %(low)s to %(high)s)")
            % {
                "score": item["efficacy_score"],
                "input": label,
                "low": _shown(item["range_min"], kind),
                "high": _shown(item["range_max"], kind),
            }
        )
    elif method == "stepped":
        steps, each = item.get("steps"), item.get("points_per_step")
        if steps is None:
            parts.append(_("below the target: no points"))
        elif steps > 0:
            parts.append(
                ngettext(
                    "%(steps)s step above the target (%(points)s points each)",
                    "%(steps)s steps above the target (%(points)s points each)",
                    steps,
                )
                % {"steps": steps, "points": each}
            )
        elif steps < 0:
            parts.append(
                ngettext(
                    "%(steps)s step below the target (%(points)s points off each)",
                    "%(steps)s steps below the target (%(points)s points off each)",
                    -steps,
                )
                % {"steps": -steps, "points": each}
            )
        elif ratio is not None and ratio < 1:
            parts.append(_("below the target by less than a step"))
        else:
            parts.append(_("above the target by less than a step"))
    elif method == "bands":
        parts.append(
            _("band %(band)s reached") % {"band": item["band"]}
            if item.get("band")
            else _("no band reached")
        )
    full = Decimal(item["points"]) == Decimal(item["weight"]) and Decimal(item["weight"]) > 0
    if full and method != "deduction":
        parts.append(_("full marks"))
    elif item.get("bounded"):
        parts.append(_("limited by the cap or bounds"))
    return "".join(
        part if i == 0 else _(", %(clause)s") % {"clause": part} for i, part in enumerate(parts)
    )


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


def campaign_notice_title(city_name: str, year: int, quarter: int) -> str:
    """「防城港市2021年第2季度招商专项行动项目落地和资金到位情况通报」"""
    return f"{city_name}{year}年第{quarter}季度招商专项行动项目落地和资金到位情况通报"


def campaign_notice_summary(year: int, month: int, rows: Sequence[CampaignRow]) -> str:
    """One sentence per campaign, from its total row: projects signed from January to the
    quarter's end, how many landed (落地率) and the FDI arrived against the contracted
    (到位率)."""
    sentences = []
    for row in rows:
        if row.region:
            continue
        sentences.append(
            _(
                "From January to %(month)s/%(year)s, %(signed)s projects were signed in "
                "%(campaign)s and %(landed)s landed (landing rate %(landing)s); %(arrived)s "
                "of %(contracted)s 10k USD contracted FDI arrived (arrival rate %(arrival)s)."
            )
            % {
                "month": month,
                "year": year,
                "campaign": row.campaign,
                "signed": row.signed,
                "landed": row.landed,
                "landing": percent(row.landing_rate),
                "arrived": format_wan(row.arrived_fdi_usd),
                "contracted": format_wan(row.contracted_fdi_usd),
                "arrival": percent(row.arrival_rate),
            }
        )
    return _sentences(sentences)
