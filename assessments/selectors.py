"""Loaders: a few aggregate queries that turn stored targets and figures into plain data for the
pages and for the calculations. Query counts never depend on the number of regions or months."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, F, Max, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import calculations as calc
from assessments.models import CityTarget, Interview, MonthlyFigure, RegionTarget
from fdi_portal.lib.money import format_ratio, format_wan
from fdi_portal.models import City, Region

MONTHS = range(1, 13)


@dataclass(frozen=True)
class GridCell:
    month: int
    amount_usd: Decimal | None
    last_year_usd: Decimal | None
    is_demo: bool = False


@dataclass(frozen=True)
class YearToDate:
    """Year-to-date utilised FDI against an annual target and the same months of last year."""

    ytd_usd: Decimal
    ytd_last_year_usd: Decimal
    target_usd: Decimal | None

    @property
    def completion(self) -> Decimal | None:
        return self.ytd_usd / self.target_usd if self.target_usd else None

    @property
    def growth(self) -> Decimal | None:
        """None when last year's same months are 0: a growth rate on nothing means nothing."""
        if not self.ytd_last_year_usd:
            return None
        return (self.ytd_usd - self.ytd_last_year_usd) / self.ytd_last_year_usd


@dataclass(frozen=True)
class GridRow(YearToDate):
    region: Region
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class FigureGrid:
    """Regions × months of one year, with last year's same months beside them.

    ``through_month`` is the last month any region has a figure for: year-to-date sums
    months 1..through_month of this year and of last year alike, so they compare.
    """

    city: City
    year: int
    rows: tuple[GridRow, ...]
    month_totals: tuple[GridCell, ...]
    through_month: int
    ytd_usd: Decimal
    ytd_last_year_usd: Decimal
    region_targets_usd: Decimal
    city_target: CityTarget | None
    has_demo: bool

    @property
    def completion(self) -> Decimal | None:
        if self.city_target and self.city_target.target_usd:
            return self.ytd_usd / self.city_target.target_usd
        return None

    @property
    def growth(self) -> Decimal | None:
        if self.ytd_last_year_usd:
            return (self.ytd_usd - self.ytd_last_year_usd) / self.ytd_last_year_usd
        return None


def figure_grid(city: City, year: int, *, regions: list[Region] | None = None) -> FigureGrid:
    """The grid of ``city``'s assessed regions (or of ``regions``, e.g. an official's own)."""
    if regions is None:
        regions = list(Region.objects.in_city(city).assessed())
    region_ids = [region.pk for region in regions]
    amounts: dict[tuple[int, int, int], MonthlyFigure] = {
        (f.region_id, f.year, f.month): f
        for f in MonthlyFigure.objects.filter(region_id__in=region_ids, year__in=[year, year - 1])
    }
    targets = {
        t.region_id: t.target_usd
        for t in RegionTarget.objects.filter(region_id__in=region_ids, year=year)
    }
    city_target = CityTarget.objects.filter(city=city, year=year).first()
    through = max((m for (_r, y, m) in amounts if y == year), default=0)

    rows = []
    for region in regions:
        cells = []
        for month in MONTHS:
            figure = amounts.get((region.pk, year, month))
            last = amounts.get((region.pk, year - 1, month))
            cells.append(
                GridCell(
                    month,
                    figure.amount_usd if figure else None,
                    last.amount_usd if last else None,
                    figure.is_demo if figure else False,
                )
            )
        rows.append(
            GridRow(
                region=region,
                cells=tuple(cells),
                ytd_usd=_sum(c.amount_usd for c in cells[:through]),
                ytd_last_year_usd=_sum(c.last_year_usd for c in cells[:through]),
                target_usd=targets.get(region.pk),
            )
        )
    totals = tuple(
        GridCell(
            month,
            _sum_or_none(row.cells[month - 1].amount_usd for row in rows),
            _sum_or_none(row.cells[month - 1].last_year_usd for row in rows),
        )
        for month in MONTHS
    )
    return FigureGrid(
        city=city,
        year=year,
        rows=tuple(rows),
        month_totals=totals,
        through_month=through,
        ytd_usd=_sum(row.ytd_usd for row in rows),
        ytd_last_year_usd=_sum(row.ytd_last_year_usd for row in rows),
        region_targets_usd=_sum(row.target_usd for row in rows),
        city_target=city_target,
        has_demo=any(f.is_demo for f in amounts.values())
        or bool(city_target and city_target.is_demo),
    )


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _sum_or_none(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


# ------------------------------------------------------------------------------------------
# The supervision loader: one set of aggregate queries → the inputs of ``calculations``
# ------------------------------------------------------------------------------------------

#: Goal metric codes the portal computes (tasks.services recognises them in a plan's text).
GOAL_METRICS: dict[str, tuple[str, ...]] = {
    code: (code,)
    for code in (
        "utilised_fdi_usd",
        "utilised_fdi_growth",
        "campaign_new_projects",
        "campaign_landing_rate",
        "landed_arrival_share",
    )
}


def region_code(region: Region) -> str:
    """The code a region is reported under: its administrative code (parks have none)."""
    return region.admin_code or f"id{region.pk}"


def plan_for(city: City, year: int):
    """The plan that governs ``city``'s supervision in ``year``, with its schedule and scheme
    (one query): the annual plan of that year, else the latest multi-year plan issued by then.
    None when the city has no plan."""
    from tasks.models import Plan

    plans = list(
        Plan.objects.filter(city=city)
        .filter(Q(year=year) | Q(year__isnull=True, issued_on__year__lte=year))
        .select_related("progress_schedule", "scoring_scheme")
        .order_by(F("year").desc(nulls_last=True), F("issued_on").desc(nulls_last=True))
    )
    return plans[0] if plans else None


def schedule_of(plan) -> tuple[calc.ProgressSchedule, str, bool]:
    """The plan's progress schedule, its label and whether it is the default one (month/12
    when the plan has none). No query: the schedule is selected with the plan."""
    try:
        stored = plan.progress_schedule if plan is not None else None
    except ObjectDoesNotExist:
        stored = None
    return schedule_of_stored(stored)


def schedule_of_stored(stored) -> tuple[calc.ProgressSchedule, str, bool]:
    if stored is None or not stored.shares:
        return calc.ProgressSchedule.even(), "", True
    return (
        calc.ProgressSchedule(tuple(Fraction(str(s)) for s in stored.shares)),
        stored.label,
        stored.is_default,
    )


@dataclass(frozen=True)
class NoticeInputs:
    """Everything the monthly notice of ``city`` for ``month`` of ``year`` is computed from."""

    city: City
    year: int
    month: int
    regions: tuple[Region, ...]
    inputs: tuple[calc.RegionMonthlyInput, ...]
    city_target: calc.CityTarget
    schedule: calc.ProgressSchedule
    schedule_label: str
    plan: object | None

    def compute(self) -> calc.MonthlyNotice:
        return calc.build_monthly_notice(
            self.year, self.month, self.inputs, self.city_target, self.schedule
        )


def notice_inputs(city: City, year: int, month: int) -> NoticeInputs:
    """Load the notice inputs with five queries, whatever the number of regions and months:
    the assessed regions, the monthly sums of this year and last year up to ``month``, the
    region targets, the city target, and the plan with its schedule."""
    regions = tuple(Region.objects.in_city(city).assessed())
    amounts: dict[tuple[int, int], dict[int, Decimal]] = {}
    for row in (
        MonthlyFigure.objects.filter(
            region__city=city, region__assessed=True, year__in=[year, year - 1], month__lte=month
        )
        .values("region_id", "year", "month")
        .annotate(total=Sum("amount_usd"))
        .order_by()
    ):
        amounts.setdefault((row["region_id"], row["year"]), {})[row["month"]] = row["total"]
    targets = dict(
        RegionTarget.objects.filter(region__city=city, year=year)
        .order_by()
        .values_list("region_id", "target_usd")
    )
    city_row = (
        CityTarget.objects.filter(city=city, year=year)
        .order_by()
        .values("target_usd", "growth_target")
        .first()
    )
    plan = plan_for(city, year)
    schedule, label, _default = schedule_of(plan)
    inputs = tuple(
        calc.RegionMonthlyInput(
            code=region_code(region),
            name=region.name,
            target_usd=targets.get(region.pk),
            amounts=amounts.get((region.pk, year), {}),
            amounts_last_year=amounts.get((region.pk, year - 1), {}),
        )
        for region in regions
    )
    return NoticeInputs(
        city=city,
        year=year,
        month=month,
        regions=regions,
        inputs=inputs,
        city_target=calc.CityTarget(
            city_row["target_usd"] if city_row else None,
            city_row["growth_target"] if city_row else None,
        ),
        schedule=schedule,
        schedule_label=label,
        plan=plan,
    )


def _usd(value: Decimal | None) -> str | None:
    return calc.quantize_usd(value)


def _ratio(value: Decimal | None) -> str | None:
    return calc.quantize_ratio(value)


def notice_json(city: City, notice: calc.MonthlyNotice) -> dict:
    """The monthly notice in the documented JSON shape: amounts in USD as strings with two
    decimals, ratios as strings with four decimals (half-up), null where undefined."""
    return {
        "city": city.admin_code,
        "year": notice.year,
        "month": notice.month,
        "required_share": _ratio(notice.required),
        "regions": [
            {
                "code": r.code,
                "name": r.name,
                "target_usd": _usd(r.target),
                "month_usd": _usd(r.month_amount),
                "ytd_usd": _usd(r.ytd),
                "ytd_last_year_usd": _usd(r.ytd_last_year),
                "completion": _ratio(r.completion),
                "on_track": r.on_track,
                "shortfall_usd": _usd(r.schedule_shortfall),
                "yoy_growth": _ratio(r.growth),
                "rank": r.rank,
                "catch_up_monthly_usd": _usd(r.catch_up_per_month),
            }
            for r in notice.regions
        ],
        "city_total": {
            "target_usd": _usd(notice.city.target),
            "ytd_usd": _usd(notice.city.ytd),
            "ytd_last_year_usd": _usd(notice.city.ytd_last_year),
            "completion": _ratio(notice.city.completion),
            "yoy_growth": _ratio(notice.city.growth),
            "growth_target": _ratio(notice.city.growth_target),
        },
    }


def interview_json(decision: calc.InterviewDecision) -> list[dict]:
    return [
        {
            "code": case.code,
            "name": case.name,
            "completion": _ratio(case.completion),
            "required_share": _ratio(case.required),
            "shortfall_usd": _usd(case.schedule_shortfall),
            "rank": case.rank,
            "ranked_count": case.ranked_count,
        }
        for case in decision.interviewees
    ]


def notice_snapshot(inputs: NoticeInputs) -> dict:
    """What an issued notice freezes: the documented JSON (``notice``), the details the page
    shows beside it, and at a quarter's end the interview decision taken on these figures."""
    notice = inputs.compute()
    details = {
        "city_name": inputs.city.name,
        "schedule_label": inputs.schedule_label,
        "regions": {
            r.code: {
                "missing_months": list(r.missing_months),
                "annual_gap_usd": _usd(r.annual_gap),
            }
            for r in notice.regions
        },
        "city": {
            "month_usd": _usd(notice.city.month_amount),
            "on_track": notice.city.on_track,
            "shortfall_usd": _usd(notice.city.schedule_shortfall),
            "annual_gap_usd": _usd(notice.city.annual_gap),
            "catch_up_monthly_usd": _usd(notice.city.catch_up_per_month),
            "growth_target_met": notice.city.growth_target_met,
        },
        "ranked_count": notice.ranked_count,
    }
    snapshot = {"version": 1, "notice": notice_json(inputs.city, notice), "details": details}
    if inputs.month in calc.QUARTER_END_MONTHS:
        decision = calc.select_interviews(notice)
        snapshot["interviews"] = {"code": decision.code, "regions": interview_json(decision)}
    return snapshot


def monthly_notice_data(city: City, year: int, month: int) -> dict:
    """The live (draft) snapshot of a notice: five queries."""
    return notice_snapshot(notice_inputs(city, year, month))


def latest_figure_month(city: City, year: int) -> int | None:
    """The last month of ``year`` any assessed region of ``city`` has a figure for (one query)."""
    return MonthlyFigure.objects.filter(
        region__city=city, region__assessed=True, year=year
    ).aggregate(last=Max("month"))["last"]


# ------------------------------------------------------------------------------------------
# The notice as a page: the frozen (or draft) snapshot read back into Decimals
# ------------------------------------------------------------------------------------------


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
    on_track: bool | None
    shortfall_usd: Decimal | None
    yoy_growth: Decimal | None
    rank: int | None
    catch_up_monthly_usd: Decimal | None
    annual_gap_usd: Decimal | None
    missing_months: tuple[int, ...]


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


@dataclass(frozen=True)
class NoticeReport:
    """One notice as the page, the print view and the xlsx show it. Built from a snapshot
    only, so an issued notice reads exactly as it was frozen."""

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
    city_yoy_growth: Decimal | None
    growth_target: Decimal | None
    growth_target_met: bool | None
    city_catch_up_monthly_usd: Decimal | None
    schedule_label: str
    interview_code: str | None
    interviewees: tuple[dict, ...]

    @property
    def behind(self) -> list[str]:
        """Names of the regions behind schedule, in notice order (best ranked first)."""
        return [row.name for row in self.rows if row.on_track is False]

    @property
    def unranked(self) -> list[str]:
        return [row.name for row in self.rows if row.rank is None]


def notice_report(snapshot: dict) -> NoticeReport:
    notice, details = snapshot["notice"], snapshot["details"]
    city, city_details = notice["city_total"], details["city"]
    rows = tuple(
        NoticeRow(
            code=r["code"],
            name=r["name"],
            target_usd=_dec(r["target_usd"]),
            month_usd=_dec(r["month_usd"]),
            ytd_usd=Decimal(r["ytd_usd"]),
            ytd_last_year_usd=Decimal(r["ytd_last_year_usd"]),
            completion=_dec(r["completion"]),
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
        required_share=Decimal(notice["required_share"]),
        rows=rows,
        city_target_usd=_dec(city["target_usd"]),
        city_month_usd=_dec(city_details["month_usd"]),
        city_ytd_usd=Decimal(city["ytd_usd"]),
        city_ytd_last_year_usd=Decimal(city["ytd_last_year_usd"]),
        city_completion=_dec(city["completion"]),
        city_yoy_growth=_dec(city["yoy_growth"]),
        growth_target=_dec(city["growth_target"]),
        growth_target_met=city_details["growth_target_met"],
        city_catch_up_monthly_usd=_dec(city_details["catch_up_monthly_usd"]),
        schedule_label=details.get("schedule_label", ""),
        interview_code=interviews.get("code"),
        interviewees=tuple(interviews.get("regions", ())),
    )


def notice_revisions(frozen: dict, live: dict) -> list[Revision]:
    """Figures of an issued notice that the stored figures no longer give, region by region
    (target, the month's amount, year-to-date, last year's year-to-date), then the city's
    year-to-date. Regions are matched by code; a region added since shows as new."""
    fields = ("target_usd", "month_usd", "ytd_usd", "ytd_last_year_usd")
    old_rows = {r["code"]: r for r in frozen["notice"]["regions"]}
    revisions = []
    for row in live["notice"]["regions"]:
        old = old_rows.get(row["code"], {})
        for field in fields:
            if old.get(field) != row[field]:
                revisions.append(
                    Revision(row["name"], field, _dec(old.get(field)), _dec(row[field]))
                )
    for field in ("ytd_usd", "ytd_last_year_usd"):
        before, after = frozen["notice"]["city_total"][field], live["notice"]["city_total"][field]
        if before != after:
            revisions.append(Revision("", field, _dec(before), _dec(after)))
    return revisions


def _names(names: list[str]) -> str:
    return _(", ").join(names)


def notice_summary(report: NoticeReport) -> str:
    """The paragraph that opens an official 通报, generated from the notice's own figures:
    the city total, its completion and growth, who is behind schedule, who ranks first."""
    text = _("By the end of %(month)s/%(year)s the city had utilised %(amount)s 10k USD of FDI") % {
        "month": report.month,
        "year": report.year,
        "amount": format_wan(report.city_ytd_usd),
    }
    if report.city_completion is not None:
        text += _(", %(completion)s of the annual target") % {
            "completion": format_ratio(report.city_completion, 2)
        }
    if report.city_yoy_growth is not None:
        growth = report.city_yoy_growth
        pattern = (
            _(", up %(growth)s year on year")
            if growth >= 0
            else _(", down %(growth)s year on year")
        )
        text += pattern % {"growth": format_ratio(abs(growth), 2)}
    text += _(".")
    required = format_ratio(report.required_share, 2)
    if report.behind:
        text += _("%(names)s are behind the required progress of %(required)s.") % {
            "names": _names(report.behind),
            "required": required,
        }
    elif any(row.rank is not None for row in report.rows):
        text += _("Every ranked region has reached the required progress of %(required)s.") % {
            "required": required
        }
    first = [row.name for row in report.rows if row.rank == 1]
    if first:
        text += _("%(names)s ranks first.") % {"names": _names(first)}
    return text


# ------------------------------------------------------------------------------------------
# Annual assessment (年考评): the plan's scheme over the year's figures
# ------------------------------------------------------------------------------------------

#: The figures an indicator can score, and how its value prints.
INPUTS: dict[str, tuple[str, str]] = {
    "completion": (gettext_lazy("Completion of the annual target"), "ratio"),
    "utilised_fdi_usd": (gettext_lazy("Utilised FDI (USD)"), "usd"),
    "yoy_growth": (gettext_lazy("Year-on-year growth"), "ratio"),
    "interviews": (gettext_lazy("Interviews received"), "count"),
    "promotion_events": (gettext_lazy("FDI-themed promotion events"), "count"),
}

METHODS: dict[str, type] = {
    "ratio_to_target": calc.RatioToTarget,
    "efficacy_coefficient": calc.EfficacyCoefficient,
    "stepped": calc.Stepped,
    "quota": calc.Quota,
    "deduction": calc.Deduction,
}

METHOD_LABELS: dict[str, str] = {
    "ratio_to_target": gettext_lazy("Ratio to target, capped"),
    "efficacy_coefficient": gettext_lazy("Efficacy coefficient"),
    "stepped": gettext_lazy("Stepped"),
    "quota": gettext_lazy("Count against a quota"),
    "deduction": gettext_lazy("Deduction per occurrence"),
}

_BOOL_PARAMS = {"higher_is_better", "start_at_weight"}


def _param(key: str, value: object) -> object:
    if key in _BOOL_PARAMS:
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false")
        return value
    return Decimal(str(value))


def scheme_indicators(indicators: list[dict]) -> calc.ScoringScheme:
    """Build the calculations' scheme from stored indicator dicts; ``ValueError``/``KeyError``
    for an unknown input or method, a bad parameter or weight."""
    built = []
    for item in indicators:
        if item.get("input") not in INPUTS:
            raise ValueError(f"indicator {item.get('code')}: unknown input {item.get('input')!r}")
        method = METHODS.get(item.get("method"))
        if method is None:
            raise ValueError(f"indicator {item.get('code')}: unknown method {item.get('method')!r}")
        params = {k: _param(k, v) for k, v in (item.get("params") or {}).items()}
        built.append(
            calc.Indicator(
                code=str(item["code"]),
                name=str(item["name"]),
                weight=Decimal(str(item["weight"])),
                method=method(**params),
            )
        )
    return calc.ScoringScheme(tuple(built))


def _format_value(value: Decimal | None, kind: str) -> str | None:
    if value is None:
        return None
    if kind == "ratio":
        return calc.quantize_ratio(value)
    if kind == "usd":
        return calc.quantize_usd(value)
    return str(int(value))


def _event_counts(city: City, year: int) -> dict[int, int] | None:
    """FDI-themed promotion events organised by each region in ``year`` (one query); None
    while the projects module is absent."""
    try:
        from projects.models import PromotionEvent
    except ImportError:
        return None
    return dict(
        PromotionEvent.objects.filter(
            city=city, organiser_region__isnull=False, date__year=year, fdi_themed=True
        )
        .values("organiser_region_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("organiser_region_id", "n")
    )


def assessment_data(city: City, year: int) -> dict | None:
    """The annual assessment of ``city`` for ``year`` as it would be frozen now: the scheme
    (label and indicators) and every region's indicator input, method and points. None when
    the city's plan has no scoring scheme. Eight queries, whatever the number of regions."""
    inputs = notice_inputs(city, year, 12)
    try:
        stored = inputs.plan.scoring_scheme if inputs.plan is not None else None
    except ObjectDoesNotExist:
        stored = None
    if stored is None or not stored.indicators:
        return None
    scheme = scheme_indicators(stored.indicators)
    notice = inputs.compute()
    by_code = {row.code: row for row in notice.regions}
    interviews = dict(
        Interview.objects.filter(city=city, year=year)
        .values("region_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("region_id", "n")
    )
    events = _event_counts(city, year)
    kinds = {item["code"]: item["input"] for item in stored.indicators}
    scoring_inputs = []
    for region in inputs.regions:
        row = by_code[region_code(region)]
        figures: dict[str, Decimal | None] = {
            "completion": row.completion,
            "utilised_fdi_usd": row.ytd,
            "yoy_growth": row.growth,
            "interviews": Decimal(interviews.get(region.pk, 0)),
            "promotion_events": None if events is None else Decimal(events.get(region.pk, 0)),
        }
        scoring_inputs.append(
            calc.RegionScoringInput(
                code=row.code,
                name=row.name,
                values={code: figures[source] for code, source in kinds.items()},
            )
        )
    result = calc.score_regions(scheme, scoring_inputs)
    return {
        "version": 1,
        "city": city.admin_code,
        "city_name": city.name,
        "year": year,
        "scheme": {
            "label": stored.label,
            "is_default": stored.is_default,
            "indicators": stored.indicators,
        },
        "regions": [
            {
                "code": r.code,
                "name": r.name,
                "score": calc.quantize_usd(r.total),
                "rank": r.rank,
                "indicators": [
                    {
                        "code": s.indicator_code,
                        "name": s.indicator_name,
                        "method": s.method_code,
                        "input": kinds[s.indicator_code],
                        "value": _format_value(s.value, INPUTS[kinds[s.indicator_code]][1]),
                        "points": calc.quantize_usd(s.points),
                        "weight": calc.quantize_usd(s.weight),
                        "reference": _format_value(s.reference, "ratio"),
                        "ratio": calc.quantize_ratio(s.ratio),
                        "efficacy_score": calc.quantize_usd(s.efficacy_score),
                        "range_min": _format_value(s.range_min, INPUTS[kinds[s.indicator_code]][1]),
                        "range_max": _format_value(s.range_max, INPUTS[kinds[s.indicator_code]][1]),
                        "steps": s.steps,
                        "bounded": s.bounded,
                        "missing": s.missing,
                    }
                    for s in r.indicators
                ],
            }
            for r in result.rows
        ],
    }


def notice_export_rows(report: NoticeReport) -> list[list[object]]:
    """The notice as a table (header first), amounts in 万美元 and ratios in per cent, as
    the printed notice shows them."""

    def wan(amount: Decimal | None) -> Decimal | None:
        return None if amount is None else (amount / 10000).quantize(Decimal("0.01"))

    def pct(ratio: Decimal | None) -> Decimal | None:
        return None if ratio is None else (ratio * 100).quantize(Decimal("0.01"))

    rows: list[list[object]] = [
        [
            "排名",
            "地区",
            "年度目标（万美元）",
            f"{report.month}月（万美元）",
            f"1-{report.month}月累计（万美元）",
            "上年同期（万美元）",
            "完成年度目标（%）",
            "序时进度（%）",
            "是否达到序时进度",
            "差额（万美元）",
            "同比增长（%）",
            "剩余每月需完成（万美元）",
        ]
    ]
    for row in report.rows:
        rows.append(
            [
                row.rank,
                row.name,
                wan(row.target_usd),
                wan(row.month_usd),
                wan(row.ytd_usd),
                wan(row.ytd_last_year_usd),
                pct(row.completion),
                pct(report.required_share),
                row.on_track,
                wan(row.shortfall_usd),
                pct(row.yoy_growth),
                wan(row.catch_up_monthly_usd),
            ]
        )
    rows.append(
        [
            None,
            "全市",
            wan(report.city_target_usd),
            wan(report.city_month_usd),
            wan(report.city_ytd_usd),
            wan(report.city_ytd_last_year_usd),
            pct(report.city_completion),
            pct(report.required_share),
            None,
            None,
            pct(report.city_yoy_growth),
            wan(report.city_catch_up_monthly_usd),
        ]
    )
    return rows


def notice_title(report: NoticeReport) -> str:
    return f"{report.city_name}{report.year}年1-{report.month}月各县（市、区）实际使用外资情况通报"


def latest_year(city: City) -> int | None:
    """The last year any assessed region of ``city`` has a figure for (one query)."""
    return MonthlyFigure.objects.filter(region__city=city, region__assessed=True).aggregate(
        last=Max("year")
    )["last"]


# ------------------------------------------------------------------------------------------
# Quarterly review (季约谈)
# ------------------------------------------------------------------------------------------


def interview_reason(case: dict) -> str:
    """Why a region is interviewed, in words, from a frozen interview case."""
    return _(
        "Completed %(completion)s of its annual target against the required %(required)s "
        "(%(shortfall)s 10k USD short) and ranks last (%(rank)s of %(count)s)."
    ) % {
        "completion": format_ratio(Decimal(case["completion"]), 2),
        "required": format_ratio(Decimal(case["required_share"]), 2),
        "shortfall": format_wan(Decimal(case["shortfall_usd"])),
        "rank": case["rank"],
        "count": case["ranked_count"],
    }


def interview_cases(report: NoticeReport) -> list[dict]:
    """The interview list of a quarter-end notice, each case with its reason in words."""
    return [
        {**case, "reason": interview_reason(case), "completion_ratio": Decimal(case["completion"])}
        for case in report.interviewees
    ]


def campaign_rows(city: City, year: int, month: int) -> list[dict] | None:
    """Per campaign and region: projects signed, landed, landing rate, contracted and arrived
    FDI and arrival rate, January to ``month``. None while the projects module is absent."""
    try:
        from projects.selectors import campaign_figures
    except ImportError:
        return None
    return [
        {
            "campaign": row.campaign,
            "region": row.region,
            "signed": row.signed,
            "landed": row.landed,
            "landing_rate": row.landing_rate,
            "contracted_fdi_usd": row.contracted_fdi_usd,
            "arrived_fdi_usd": row.arrived_fdi_usd,
            "arrival_rate": row.arrival_rate,
        }
        for row in campaign_figures(city, year, month)
    ]


def quarterly_review_data(city: City, year: int, quarter: int) -> dict:
    """The quarterly review as JSON: the interview list decided on the issued quarter-end
    notice (on the current figures when it is not issued; ``issued`` says which) and the
    campaign figures (null while the projects module is absent)."""
    from assessments.models import Notice

    month = quarter * 3
    notice = Notice.objects.filter(
        city=city, kind=Notice.Kind.MONTHLY, year=year, month=month, status="issued"
    ).first()
    snapshot = notice.snapshot if notice else monthly_notice_data(city, year, month)
    report = notice_report(snapshot)
    return {
        "city": city.admin_code,
        "year": year,
        "quarter": quarter,
        "issued": notice is not None,
        "decision": report.interview_code,
        "interviews": [
            {
                "code": case["code"],
                "name": case["name"],
                "completion": case["completion"],
                "rank": case["rank"],
                "reason": case["reason"],
            }
            for case in interview_cases(report)
        ],
        "campaigns": _campaign_json(campaign_rows(city, year, month)),
    }


def _campaign_json(rows: list[dict] | None) -> list[dict] | None:
    if rows is None:
        return None
    ratios, amounts = ("landing_rate", "arrival_rate"), ("contracted_fdi_usd", "arrived_fdi_usd")
    return [
        {
            key: calc.quantize_ratio(value)
            if key in ratios
            else calc.quantize_usd(value)
            if key in amounts
            else value
            for key, value in row.items()
        }
        for row in rows
    ]


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    method: str
    method_label: str
    input_label: str
    kind: str
    value: Decimal | None
    weight: Decimal
    points: Decimal
    explanation: str


@dataclass(frozen=True)
class ScoreRow:
    code: str
    name: str
    score: Decimal
    rank: int
    lines: tuple[IndicatorLine, ...]


def _explain(item: dict, kind: str) -> str:
    """How the points of one indicator came about, in words."""
    if item["missing"]:
        return _("no value: 0 points")
    method, text = item["method"], ""
    if method in ("ratio_to_target", "quota") and item["ratio"] is not None:
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
    elif method == "stepped":
        text = _("%(steps)s whole steps from the target") % {"steps": item["steps"]}
    if item["bounded"]:
        text = (text + "; " if text else "") + _("limited by the cap or bounds")
    return text


def assessment_page(data: dict) -> dict:
    """An assessment snapshot read back for the page: Decimals, labels, explanations."""
    rows = []
    for region in data["regions"]:
        lines = []
        for item in region["indicators"]:
            label, kind = INPUTS.get(item["input"], (item["input"], "ratio"))
            lines.append(
                IndicatorLine(
                    name=item["name"],
                    method=item["method"],
                    method_label=str(METHOD_LABELS.get(item["method"], item["method"])),
                    input_label=str(label),
                    kind=kind,
                    value=_dec(item["value"]),
                    weight=Decimal(item["weight"]),
                    points=Decimal(item["points"]),
                    explanation=_explain(item, kind),
                )
            )
        rows.append(
            ScoreRow(
                code=region["code"],
                name=region["name"],
                score=Decimal(region["score"]),
                rank=region["rank"],
                lines=tuple(lines),
            )
        )
    return {"scheme": data["scheme"], "rows": rows}


def assessment_json(data: dict) -> dict:
    """The documented JSON of ``annual_assessment``."""
    return {
        "city": data["city"],
        "year": data["year"],
        "regions": [
            {
                "code": r["code"],
                "name": r["name"],
                "score": r["score"],
                "rank": r["rank"],
                "indicators": [
                    {
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
# Plan goals (工作目标)
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    text: str
    metric: str
    kind: str  # "usd", "ratio" or "count"
    target: Decimal | None
    current: Decimal | None
    met: bool | None
    note: str


def _metric(code: str) -> str | None:
    for metric, aliases in GOAL_METRICS.items():
        if code in aliases:
            return metric
    return None


def goal_progress(city: City, year: int, plan) -> list[GoalProgress]:
    """Each goal of ``plan`` with its current value (January to the last month with figures)
    against its target. Targets written in per cent (unit "%") are read as ratios. Campaign
    names are read from the goal's text (the names in “…”). Constant number of queries."""
    if plan is None:
        return []
    goals = list(plan.goals.all())
    month = latest_figure_month(city, year) or 12
    notice = notice_inputs(city, year, month).compute()
    try:
        from projects.selectors import project_goal_figures
    except ImportError:
        project_goal_figures = None
    result = []
    for goal in goals:
        metric = _metric(goal.metric)
        target = goal.target_value
        if target is not None and goal.unit.strip() in ("%", "％"):
            target = target / 100
        current: Decimal | None = None
        note = ""
        kind = "count"
        if metric == "utilised_fdi_usd":
            kind, current = "usd", notice.city.ytd
        elif metric == "utilised_fdi_growth":
            kind, current = "ratio", notice.city.growth
        elif metric in ("campaign_new_projects", "campaign_landing_rate", "landed_arrival_share"):
            kind = "count" if metric == "campaign_new_projects" else "ratio"
            if project_goal_figures is None:
                note = _("Awaiting the projects module.")
            else:
                named = re.findall(r"“([^”]+)”", goal.text or goal.subject)
                figures = project_goal_figures(
                    city,
                    year,
                    registered_campaigns=named,
                    landing_campaigns=named,
                    up_to_month=month,
                )
                if metric == "campaign_new_projects":
                    current = Decimal(figures.new_registered)
                elif metric == "campaign_landing_rate":
                    current = figures.landing_rate
                elif notice.city.ytd:
                    current = figures.landed_arrivals_usd / notice.city.ytd
        else:
            note = _("The portal does not compute this goal yet.")
        met = None if current is None or target is None else current >= target
        result.append(GoalProgress(goal.text, goal.metric, kind, target, current, met, note))
    return result


# ------------------------------------------------------------------------------------------
# For the staff home page (templates/assessments/_supervision_panel.html)
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisionPanel:
    city: City
    latest_notice: object | None
    pending_interviews: tuple
    draftable_month: int | None
    year: int | None


def supervision_panel(city: City) -> SupervisionPanel:
    """The latest issued notice, the interviews still to be held, and the month that can be
    drafted next. Four queries."""
    from assessments.models import Notice

    latest = (
        Notice.objects.filter(city=city, kind=Notice.Kind.MONTHLY, status="issued")
        .order_by("-year", "-month")
        .first()
    )
    pending = tuple(
        Interview.objects.filter(city=city, status=Interview.Status.PENDING).select_related(
            "region"
        )
    )
    year = latest_year(city)
    last = latest_figure_month(city, year) if year else None
    draftable = None
    if last and not (latest and (latest.year, latest.month) >= (year, last)):
        draftable = last
    return SupervisionPanel(city, latest, pending, draftable, year)


def current_ranking(city: City) -> NoticeReport | None:
    """The ranking as the figures stand: the latest month any region reported, this year or
    the last year with figures. Not an issued notice (home pages say so)."""
    year = latest_year(city)
    month = latest_figure_month(city, year) if year else None
    if not month:
        return None
    return notice_report(monthly_notice_data(city, year, month))


@dataclass(frozen=True)
class CityProgress(YearToDate):
    """One city's year to date, for the province's city-by-city comparison."""

    city: City
    year: int
    through_month: int | None

    @property
    def required_share(self) -> Decimal | None:
        """序时进度 at the month the city has reached (month/12)."""
        return Decimal(self.through_month) / 12 if self.through_month else None


def province_comparison(cities: list[City], year: int) -> list[CityProgress]:
    """Each city's utilised FDI of ``year`` to the last month it reported, against its target
    and the same months of last year. Assessed regions only (parks count under their county).
    Two queries, whatever the number of cities, regions and months."""
    sums: dict[tuple[int, int, int], Decimal] = {}
    for row in (
        MonthlyFigure.objects.filter(
            region__city__in=cities, region__assessed=True, year__in=[year, year - 1]
        )
        .values("region__city_id", "year", "month")
        .annotate(total=Sum("amount_usd"))
        .order_by()
    ):
        sums[(row["region__city_id"], row["year"], row["month"])] = row["total"]
    targets = dict(
        CityTarget.objects.filter(city__in=cities, year=year)
        .order_by()
        .values_list("city_id", "target_usd")
    )
    progress = []
    for city in cities:
        through = max((m for (c, y, m) in sums if c == city.pk and y == year), default=None)
        months = range(1, (through or 0) + 1)
        progress.append(
            CityProgress(
                city=city,
                year=year,
                through_month=through,
                ytd_usd=sum((sums.get((city.pk, year, m), Decimal(0)) for m in months), Decimal(0)),
                ytd_last_year_usd=sum(
                    (sums.get((city.pk, year - 1, m), Decimal(0)) for m in months), Decimal(0)
                ),
                target_usd=targets.get(city.pk),
            )
        )
    return progress
