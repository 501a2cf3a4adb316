"""The notice and the annual assessment as the pages show them, and their frozen snapshots.

A report (:class:`NoticeReport`, :class:`AssessmentReport`) is built either from a computation
(a draft: the calculations' results, unrounded) or from the JSON snapshot an issued notice or
assessment froze (strings: USD with two decimals, ratios with four, half-up). Writing a
snapshot is the only place figures become strings; reading one back is the only place they
become numbers again. The snapshot format is stable (``"version": 1``): issued notices of
earlier releases read unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessments import calculations as calc
from assessments import schemes, scoring

# ------------------------------------------------------------------------------------------
# The monthly notice
# ------------------------------------------------------------------------------------------


def _usd(value: Decimal | None) -> str | None:
    return calc.quantize_usd(value)


def _ratio(value: Decimal | None) -> str | None:
    return calc.quantize_ratio(value)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class NoticeRow:
    code: str
    name: str
    target_usd: Decimal | None
    month_usd: Decimal | None
    ytd_usd: Decimal
    ytd_last_year_usd: Decimal
    completion: Decimal | None
    required_share: Decimal
    on_track: bool | None
    shortfall_usd: Decimal | None
    yoy_growth: Decimal | None
    rank: int | None
    catch_up_monthly_usd: Decimal | None
    annual_gap_usd: Decimal | None
    missing_months: tuple[int, ...]


@dataclass(frozen=True)
class InterviewCase:
    """A region to interview at a quarter's end, as decided on the notice's figures."""

    code: str
    name: str
    completion: Decimal
    required_share: Decimal
    shortfall_usd: Decimal
    rank: int
    ranked_count: int


@dataclass(frozen=True)
class NoticeReport:
    """One monthly notice as the page, the print view, the xlsx, the home ranking and the
    commands show it — a draft or an issued one, the same shape."""

    city_code: str
    city_name: str
    year: int
    month: int
    required_share: Decimal
    rows: tuple[NoticeRow, ...]
    city_target_usd: Decimal | None
    city_month_usd: Decimal | None
    city_ytd_usd: Decimal
    city_ytd_last_year_usd: Decimal
    city_completion: Decimal | None
    city_on_track: bool | None
    city_shortfall_usd: Decimal | None
    city_annual_gap_usd: Decimal | None
    city_yoy_growth: Decimal | None
    growth_target: Decimal | None
    growth_target_met: bool | None
    city_catch_up_monthly_usd: Decimal | None
    ranked_count: int
    schedule_label: str
    interview_code: str | None
    interviewees: tuple[InterviewCase, ...] = field(default=())

    @property
    def behind(self) -> list[str]:
        """Names of the regions behind schedule, in notice order (best ranked first)."""
        return [row.name for row in self.rows if row.on_track is False]

    @property
    def unranked(self) -> list[str]:
        return [row.name for row in self.rows if row.rank is None]

    def row(self, code: str) -> NoticeRow | None:
        return next((row for row in self.rows if row.code == code), None)


def notice_report(
    notice: calc.MonthlyNotice, *, city_code: str, city_name: str, schedule_label: str
) -> NoticeReport:
    """A computed notice (a draft, or the one about to be frozen) as a report."""
    regions = notice.regions
    interview_code, interviewees = None, ()
    if notice.month in calc.QUARTER_END_MONTHS:
        decision = calc.select_interviews(notice)
        interview_code = decision.code
        interviewees = tuple(
            InterviewCase(
                code=case.code,
                name=case.name,
                completion=case.completion,
                required_share=case.required,
                shortfall_usd=case.schedule_shortfall,
                rank=case.rank,
                ranked_count=case.ranked_count,
            )
            for case in decision.interviewees
        )
    city = notice.city
    return NoticeReport(
        city_code=city_code,
        city_name=city_name,
        year=notice.year,
        month=notice.month,
        required_share=notice.required,
        rows=tuple(
            NoticeRow(
                code=r.code,
                name=r.name,
                target_usd=r.target,
                month_usd=r.month_amount,
                ytd_usd=r.ytd,
                ytd_last_year_usd=r.ytd_last_year,
                completion=r.completion,
                required_share=r.required,
                on_track=r.on_track,
                shortfall_usd=r.schedule_shortfall,
                yoy_growth=r.growth,
                rank=r.rank,
                catch_up_monthly_usd=r.catch_up_per_month,
                annual_gap_usd=r.annual_gap,
                missing_months=r.missing_months,
            )
            for r in regions
        ),
        city_target_usd=city.target,
        city_month_usd=city.month_amount,
        city_ytd_usd=city.ytd,
        city_ytd_last_year_usd=city.ytd_last_year,
        city_completion=city.completion,
        city_on_track=city.on_track,
        city_shortfall_usd=city.schedule_shortfall,
        city_annual_gap_usd=city.annual_gap,
        city_yoy_growth=city.growth,
        growth_target=city.growth_target,
        growth_target_met=city.growth_target_met,
        city_catch_up_monthly_usd=city.catch_up_per_month,
        ranked_count=notice.ranked_count,
        schedule_label=schedule_label,
        interview_code=interview_code,
        interviewees=interviewees,
    )


def notice_json(report: NoticeReport) -> dict:
    """The monthly notice in the documented JSON shape (``monthly_notice --format json``):
    amounts in USD as strings with two decimals, ratios as strings with four decimals
    (half-up), null where undefined."""
    return {
        "city": report.city_code,
        "year": report.year,
        "month": report.month,
        "required_share": _ratio(report.required_share),
        "regions": [
            {
                "code": r.code,
                "name": r.name,
                "target_usd": _usd(r.target_usd),
                "month_usd": _usd(r.month_usd),
                "ytd_usd": _usd(r.ytd_usd),
                "ytd_last_year_usd": _usd(r.ytd_last_year_usd),
                "completion": _ratio(r.completion),
                "on_track": r.on_track,
                "shortfall_usd": _usd(r.shortfall_usd),
                "yoy_growth": _ratio(r.yoy_growth),
                "rank": r.rank,
                "catch_up_monthly_usd": _usd(r.catch_up_monthly_usd),
            }
            for r in report.rows
        ],
        "city_total": {
            "target_usd": _usd(report.city_target_usd),
            "ytd_usd": _usd(report.city_ytd_usd),
            "ytd_last_year_usd": _usd(report.city_ytd_last_year_usd),
            "completion": _ratio(report.city_completion),
            "yoy_growth": _ratio(report.city_yoy_growth),
            "growth_target": _ratio(report.growth_target),
        },
    }


def notice_snapshot(report: NoticeReport) -> dict:
    """What an issued notice freezes: the documented JSON (``notice``), the details the page
    shows beside it, and at a quarter's end the interview decision taken on these figures."""
    snapshot: dict[str, Any] = {
        "version": 1,
        "notice": notice_json(report),
        "details": {
            "city_name": report.city_name,
            "schedule_label": report.schedule_label,
            "regions": {
                r.code: {
                    "missing_months": list(r.missing_months),
                    "annual_gap_usd": _usd(r.annual_gap_usd),
                }
                for r in report.rows
            },
            "city": {
                "month_usd": _usd(report.city_month_usd),
                "on_track": report.city_on_track,
                "shortfall_usd": _usd(report.city_shortfall_usd),
                "annual_gap_usd": _usd(report.city_annual_gap_usd),
                "catch_up_monthly_usd": _usd(report.city_catch_up_monthly_usd),
                "growth_target_met": report.growth_target_met,
            },
            "ranked_count": report.ranked_count,
        },
    }
    if report.interview_code is not None:
        snapshot["interviews"] = {
            "code": report.interview_code,
            "regions": [
                {
                    "code": case.code,
                    "name": case.name,
                    "completion": _ratio(case.completion),
                    "required_share": _ratio(case.required_share),
                    "shortfall_usd": _usd(case.shortfall_usd),
                    "rank": case.rank,
                    "ranked_count": case.ranked_count,
                }
                for case in report.interviewees
            ],
        }
    return snapshot


def report_from_snapshot(snapshot: dict) -> NoticeReport:
    """An issued notice's frozen snapshot read back: it reads exactly as it was issued."""
    notice, details = snapshot["notice"], snapshot["details"]
    city, city_details = notice["city_total"], details["city"]
    required = Decimal(notice["required_share"])
    rows = tuple(
        NoticeRow(
            code=r["code"],
            name=r["name"],
            target_usd=_dec(r["target_usd"]),
            month_usd=_dec(r["month_usd"]),
            ytd_usd=Decimal(r["ytd_usd"]),
            ytd_last_year_usd=Decimal(r["ytd_last_year_usd"]),
            completion=_dec(r["completion"]),
            required_share=required,
            on_track=r["on_track"],
            shortfall_usd=_dec(r["shortfall_usd"]),
            yoy_growth=_dec(r["yoy_growth"]),
            rank=r["rank"],
            catch_up_monthly_usd=_dec(r["catch_up_monthly_usd"]),
            annual_gap_usd=_dec(details["regions"].get(r["code"], {}).get("annual_gap_usd")),
            missing_months=tuple(details["regions"].get(r["code"], {}).get("missing_months", ())),
        )
        for r in notice["regions"]
    )
    interviews = snapshot.get("interviews") or {}
    return NoticeReport(
        city_code=notice["city"],
        city_name=details["city_name"],
        year=notice["year"],
        month=notice["month"],
        required_share=required,
        rows=rows,
        city_target_usd=_dec(city["target_usd"]),
        city_month_usd=_dec(city_details["month_usd"]),
        city_ytd_usd=Decimal(city["ytd_usd"]),
        city_ytd_last_year_usd=Decimal(city["ytd_last_year_usd"]),
        city_completion=_dec(city["completion"]),
        city_on_track=city_details.get("on_track"),
        city_shortfall_usd=_dec(city_details.get("shortfall_usd")),
        city_annual_gap_usd=_dec(city_details.get("annual_gap_usd")),
        city_yoy_growth=_dec(city["yoy_growth"]),
        growth_target=_dec(city["growth_target"]),
        growth_target_met=city_details["growth_target_met"],
        city_catch_up_monthly_usd=_dec(city_details["catch_up_monthly_usd"]),
        ranked_count=details.get("ranked_count", sum(1 for r in rows if r.rank is not None)),
        schedule_label=details.get("schedule_label", ""),
        interview_code=interviews.get("code"),
        interviewees=tuple(
            InterviewCase(
                code=case["code"],
                name=case["name"],
                completion=Decimal(case["completion"]),
                required_share=Decimal(case["required_share"]),
                shortfall_usd=Decimal(case["shortfall_usd"]),
                rank=case["rank"],
                ranked_count=case["ranked_count"],
            )
            for case in interviews.get("regions", ())
        ),
    )


@dataclass(frozen=True)
class Revision:
    """A figure of an issued notice that differs now: old → new (USD)."""

    name: str
    field: str
    old_usd: Decimal | None
    new_usd: Decimal | None

    @property
    def delta_usd(self) -> Decimal:
        return (self.new_usd or Decimal(0)) - (self.old_usd or Decimal(0))


def notice_revisions(frozen: dict, live: dict) -> list[Revision]:
    """Figures of an issued notice (its snapshot) that the stored figures (``live``, the
    snapshot the notice would freeze now) no longer give, region by region (target, the
    month's amount, year-to-date, last year's year-to-date), then the city's year-to-date.
    Regions are matched by code; a region added since shows as new."""
    fields = ("target_usd", "month_usd", "ytd_usd", "ytd_last_year_usd")
    old_rows = {r["code"]: r for r in frozen["notice"]["regions"]}
    revisions = []
    for row in live["notice"]["regions"]:
        old = old_rows.get(row["code"], {})
        for name in fields:
            if old.get(name) != row[name]:
                revisions.append(Revision(row["name"], name, _dec(old.get(name)), _dec(row[name])))
    for name in ("ytd_usd", "ytd_last_year_usd"):
        before, after = frozen["notice"]["city_total"][name], live["notice"]["city_total"][name]
        if before != after:
            revisions.append(Revision("", name, _dec(before), _dec(after)))
    return revisions


# ------------------------------------------------------------------------------------------
# The annual assessment
# ------------------------------------------------------------------------------------------


def _format_value(value: Decimal | None, kind: str) -> str | None:
    if value is None:
        return None
    if kind == "ratio":
        return calc.quantize_ratio(value)
    if kind == "usd":
        return calc.quantize_usd(value)
    return str(int(value))


def assessment_snapshot(
    *,
    city_code: str,
    city_name: str,
    year: int,
    scheme: dict,
    is_default: bool,
    result: scoring.ScoringResult,
    input_kinds: dict[str, str],
    through_month: int = 12,
    required_share: Decimal = Decimal(1),
) -> dict:
    """What an issued assessment freezes: the months its figures cover (``through_month``,
    12 for the whole year, and the 序时进度 of that month its completion was scored against),
    the scheme used (label, indicators, vetoes) and every region's total, rank, veto and each
    indicator's input, method and points. ``input_kinds`` maps an indicator code to how its
    input prints (ratio, usd, count). Snapshots of earlier releases lack ``through_month``:
    they cover the whole year."""
    by_code = {item["code"]: item for item in scheme["indicators"]}
    return {
        "version": 1,
        "city": city_code,
        "city_name": city_name,
        "year": year,
        "through_month": through_month,
        "required_share": _ratio(required_share),
        "scheme": {
            "label": scheme.get("label", ""),
            "is_default": is_default,
            "indicators": scheme["indicators"],
            "vetoes": scheme.get("vetoes", []),
        },
        "regions": [
            {
                "code": r.code,
                "name": r.name,
                "score": calc.quantize_usd(r.total),
                "rank": r.rank,
                "vetoed": r.vetoed,
                "vetoes": [
                    {
                        "input": veto.input,
                        "below": format(veto.below, "f"),
                        "value": _format_value(veto.value, schemes.INPUTS[veto.input][1]),
                    }
                    for veto in r.vetoes
                ],
                "indicators": [
                    {
                        "code": s.indicator_code,
                        "name": s.indicator_name,
                        "method": s.method_code,
                        "input": by_code[s.indicator_code]["input"],
                        "value": _format_value(s.value, input_kinds[s.indicator_code]),
                        "points": calc.quantize_usd(s.points),
                        "weight": calc.quantize_usd(s.weight),
                        "reference": _format_value(s.reference, input_kinds[s.indicator_code]),
                        "ratio": calc.quantize_ratio(s.ratio),
                        "efficacy_score": calc.quantize_usd(s.efficacy_score),
                        "range_min": _format_value(s.range_min, input_kinds[s.indicator_code]),
                        "range_max": _format_value(s.range_max, input_kinds[s.indicator_code]),
                        "steps": s.steps,
                        "band": s.band,
                        "points_per_step": calc.quantize_usd(s.points_per_step),
                        "bounded": s.bounded,
                        "missing": s.missing,
                    }
                    for s in r.indicators
                ],
            }
            for r in result.rows
        ],
    }


def assessment_json(data: dict) -> dict:
    """The documented JSON of ``annual_assessment``: each region's code, score, rank and
    veto, each indicator's code, name, method, value and points."""
    return {
        "city": data["city"],
        "year": data["year"],
        "through_month": data.get("through_month", 12),
        "regions": [
            {
                "code": r["code"],
                "name": r["name"],
                "score": r["score"],
                "rank": r["rank"],
                "vetoed": r.get("vetoed", False),
                "indicators": [
                    {
                        "code": i.get("code"),
                        "name": i["name"],
                        "method": i["method"],
                        "value": i["value"],
                        "points": i["points"],
                    }
                    for i in r["indicators"]
                ],
            }
            for r in data["regions"]
        ],
    }


# ------------------------------------------------------------------------------------------
# The quarterly campaign notice (落地率、到位率 by campaign and region)
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignRow:
    """One campaign's total (``region`` "") or one region of it, as issued or as it stands:
    counts, USD amounts, and the two rates (ratios, None when there is nothing to divide by)."""

    campaign: str
    region: str
    signed: int
    landed: int
    landing_rate: Decimal | None
    contracted_fdi_usd: Decimal
    arrived_fdi_usd: Decimal
    arrival_rate: Decimal | None


def campaign_rows(figures: list) -> tuple[CampaignRow, ...]:
    """``projects.figures.CampaignFigures`` (rates by ``calculations.share``) as rows."""
    return tuple(
        CampaignRow(
            campaign=f.campaign,
            region=f.region,
            signed=f.signed,
            landed=f.landed,
            landing_rate=f.landing_rate,
            contracted_fdi_usd=f.contracted_fdi_usd,
            arrived_fdi_usd=f.arrived_fdi_usd,
            arrival_rate=f.arrival_rate,
        )
        for f in figures
    )


def campaign_snapshot(
    *, city_code: str, city_name: str, year: int, quarter: int, rows: tuple[CampaignRow, ...]
) -> dict:
    """What an issued quarterly campaign notice freezes (``"kind": "campaigns"``, version 1):
    each row's counts, USD with two decimals and rates with four (half-up)."""
    return {
        "version": 1,
        "kind": "campaigns",
        "city": city_code,
        "city_name": city_name,
        "year": year,
        "quarter": quarter,
        "campaigns": [
            {
                "campaign": r.campaign,
                "region": r.region,
                "signed": r.signed,
                "landed": r.landed,
                "landing_rate": _ratio(r.landing_rate),
                "contracted_fdi_usd": _usd(r.contracted_fdi_usd),
                "arrived_fdi_usd": _usd(r.arrived_fdi_usd),
                "arrival_rate": _ratio(r.arrival_rate),
            }
            for r in rows
        ],
    }


def campaign_rows_from_snapshot(snapshot: dict) -> tuple[CampaignRow, ...]:
    """An issued campaign notice's rows read back exactly as issued."""
    return tuple(
        CampaignRow(
            campaign=r["campaign"],
            region=r["region"],
            signed=r["signed"],
            landed=r["landed"],
            landing_rate=_dec(r["landing_rate"]),
            contracted_fdi_usd=Decimal(r["contracted_fdi_usd"]),
            arrived_fdi_usd=Decimal(r["arrived_fdi_usd"]),
            arrival_rate=_dec(r["arrival_rate"]),
        )
        for r in snapshot["campaigns"]
    )


@dataclass(frozen=True)
class CampaignRevision:
    """A figure of an issued campaign notice that differs now: as issued → now."""

    campaign: str
    region: str  # "" for the campaign's total
    field: str  # signed, landed, contracted_fdi_usd, arrived_fdi_usd
    old: Decimal | None
    new: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.new or Decimal(0)) - (self.old or Decimal(0))

    @property
    def is_amount(self) -> bool:
        return self.field.endswith("_usd")


def campaign_revisions(frozen: dict, live: dict) -> list[CampaignRevision]:
    """Counts and amounts of an issued campaign notice that the stored projects and arrivals
    (``live``, the snapshot issuing now would freeze) no longer give, row by row, matched by
    campaign and region; a row gone shows as now 0 (None), a new row as issued None."""
    fields = ("signed", "landed", "contracted_fdi_usd", "arrived_fdi_usd")

    def keyed(snapshot: dict) -> dict[tuple[str, str], dict]:
        return {(r["campaign"], r["region"]): r for r in snapshot["campaigns"]}

    old_rows, new_rows = keyed(frozen), keyed(live)
    revisions = []
    for key in [*old_rows, *(k for k in new_rows if k not in old_rows)]:
        old, new = old_rows.get(key, {}), new_rows.get(key, {})
        for name in fields:
            if old.get(name) != new.get(name):
                revisions.append(
                    CampaignRevision(
                        key[0],
                        key[1],
                        name,
                        None if old.get(name) is None else Decimal(old[name]),
                        None if new.get(name) is None else Decimal(new[name]),
                    )
                )
    return revisions
