"""What the home pages and dashboards show, one function per page: the staff home's supervision
to-do, the city dashboard, a region's page (and what a county official may see of it before the
month's notice is issued), the province view. They gather what the apps below compute — the
assessments' calculations and pages, the projects' breakdowns, the plans' progress reports —
and compute no figure of their own. Each is kept in the shared cache (``fdi_portal/cache.py``)
under ``dashboards.<function>`` until the data changes; a fixed number of queries otherwise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import calculations as calc
from assessments import loaders, snapshots
from assessments.models import Interview, Notice
from assessments.pages import (
    CityComparison,
    GoalProgress,
    goal_progress,
    outlook_from,
    province_comparison,
)
from assessments.publication import correction_pending, issued_notice, published_ranking
from assessments.snapshots import NoticeReport
from fdi_portal.access import sees_unpublished_figures
from fdi_portal.cache import shared
from fdi_portal.lib.money import round_percent, round_wan
from fdi_portal.models import City, Region
from projects.figures import event_quotas
from projects.selectors import (
    city_breakdowns,
    open_difficulties_by_age,
    pipeline,
    projects_by_city,
)
from tasks.models import Plan
from tasks.selectors import report_status_counts

# ------------------------------------------------------------------------------------------
# The staff home page's supervision to-do
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisionPanel:
    city: City
    latest_notice: Notice | None
    pending_interviews: tuple[Interview, ...]
    draftable_month: int | None
    year: int | None


@shared("dashboards.supervision_panel")
def supervision_panel(city: City) -> SupervisionPanel:
    """The latest issued notice, the interviews still to be held, and the month that can be
    drafted next. Three queries."""
    latest = (
        Notice.objects.issued()
        .filter(city=city, kind=Notice.Kind.MONTHLY)
        .order_by("-year", "-month")
        .first()
    )
    pending = tuple(
        Interview.objects.filter(city=city, status=Interview.Status.PENDING).select_related(
            "region"
        )
    )
    period = loaders.latest_period(city)
    year, last = period if period else (None, None)
    draftable = None
    if last and not (latest and (latest.year, latest.month) >= (year, last)):
        draftable = last
    return SupervisionPanel(city, latest, pending, draftable, year)


# ------------------------------------------------------------------------------------------
# Dashboards: the city (leaders, staff), a region (its officials; staff and leaders open any),
# the province. Every figure comes from the calculations; these only gather.
# ------------------------------------------------------------------------------------------


def _wan(amount: Decimal | None) -> float | None:
    """An amount for a chart axis, in 万 (charts need numbers; tables print the Decimal)."""
    rounded = round_wan(amount)
    return None if rounded is None else float(rounded)


def _pct(ratio: Decimal | None) -> float | None:
    rounded = round_percent(ratio)
    return None if rounded is None else float(rounded)


@dataclass(frozen=True)
class Period:
    """The year and month a dashboard shows (the last month reported unless picked)."""

    year: int
    month: int | None


def dashboard_period(city: City, year: int | None, month: int | None) -> Period:
    """The picked year and month, else the last reported ones. One query at most."""
    if year is None:
        latest = loaders.latest_period(city)
        if latest is None:
            return Period(timezone.localdate().year, None)
        return Period(*latest) if month is None else Period(latest[0], month)
    if month is None:
        latest = loaders.latest_period(city, year)
        month = latest[1] if latest else None
    return Period(year, month)


def month_labels(months) -> list[str]:
    """Short month names for a chart's axis (1月 / M1)."""
    return [_("M%(month)s") % {"month": m} for m in months]


@dataclass(frozen=True)
class MonthRow:
    month: int
    amount: Decimal | None
    amount_last_year: Decimal | None
    cumulative: Decimal | None
    cumulative_last_year: Decimal
    required: Decimal | None


@dataclass(frozen=True)
class CityDashboard:
    city: City
    period: Period
    plan: Plan | None
    report: NoticeReport | None
    months: calc.CityMonths | None
    goals: list[GoalProgress]
    pipeline: list
    industries: list
    origins: list

    month_choices = range(1, 13)

    @property
    def month_rows(self) -> list[MonthRow]:
        """The trend charts' figures as a table."""
        if self.months is None:
            return []
        m = self.months
        return [
            MonthRow(
                i + 1,
                m.amounts[i],
                m.amounts_last_year[i],
                m.cumulative[i],
                m.cumulative_last_year[i],
                m.required[i],
            )
            for i in range(12)
        ]

    @property
    def charts(self) -> dict:
        """The charts' numbers for json_script: 万美元 and per cent, Chinese labels from the
        page. Each chart's table on the page prints the same figures from the report."""
        data: dict = {"month_labels": month_labels(loaders.MONTHS)}
        if self.months is not None:
            data["trend"] = {
                "cumulative": [_wan(v) for v in self.months.cumulative],
                "required": [_wan(v) for v in self.months.required],
                "last_year": [_wan(v) for v in self.months.cumulative_last_year],
                "monthly": [_wan(v) for v in self.months.amounts],
                "monthly_last_year": [_wan(v) for v in self.months.amounts_last_year],
            }
        if self.report is not None:
            ranked = [row for row in self.report.rows if row.completion is not None]
            data["ranking"] = {
                "names": [row.name for row in ranked],
                "values": [_pct(row.completion) for row in ranked],
                "on_track": [row.on_track for row in ranked],
                "required": _pct(self.report.required_share),
            }
        data["pipeline"] = {
            "names": [b.label for b in self.pipeline],
            "counts": [b.count for b in self.pipeline],
            "fdi": [_wan(b.contracted_fdi_usd) for b in self.pipeline],
        }
        for key, rows in (("industries", self.industries), ("origins", self.origins)):
            data[key] = [{"name": b.label, "value": b.count} for b in rows]
        return data


@shared("dashboards.city_dashboard")
def city_dashboard(
    city: City, *, year: int | None = None, month: int | None = None
) -> CityDashboard:
    """Where the city stands in ``month`` of ``year`` (by default the last month reported):
    the plan's goals, utilised FDI against the target and the schedule, the trend, the ranking,
    the project pipeline. A fixed number of queries, whatever the data."""
    period = dashboard_period(city, year, month)
    inputs = loaders.notice_inputs(city, period.year, 12)
    report = months = None
    if period.month:
        notice = calc.build_monthly_notice(
            period.year, period.month, inputs.inputs, inputs.city_target, inputs.schedule.schedule
        )
        report = snapshots.notice_report(
            notice,
            city_code=city.admin_code,
            city_name=city.name,
            schedule_label=inputs.schedule.label,
        )
        months = calc.city_months(
            inputs.inputs, inputs.city_target, period.month, inputs.schedule.schedule
        )
    goals = goal_progress(city, period.year, inputs.plan, report=report) if report else []
    breakdowns = city_breakdowns(city)
    return CityDashboard(
        city=city,
        period=period,
        plan=inputs.plan,
        report=report,
        months=months,
        goals=goals,
        pipeline=breakdowns.pipeline,
        industries=breakdowns.industries,
        origins=breakdowns.origins,
    )


@dataclass(frozen=True)
class TaskStatus:
    """The governing plan's progress reports of one quarter, by status."""

    plan: Plan
    year: int
    quarter: int
    counts: list  # [(status label, count)]


def task_status(city: City, period: Period, today: dt.date) -> TaskStatus | None:
    """The progress reports of the plan governing ``period``'s year, in the quarter the
    dashboard shows (the current quarter in the current year); None without a plan. Two
    queries."""
    plan = loaders.plan_for(city, period.year)
    if plan is None:
        return None
    if period.year == today.year:
        quarter = (today.month - 1) // 3 + 1
    else:
        quarter = ((period.month or 12) - 1) // 3 + 1
    return TaskStatus(plan, period.year, quarter, report_status_counts(plan, period.year, quarter))


@dataclass(frozen=True)
class RegionMonth:
    month: int
    rank: int | None
    ranked_count: int
    completion: Decimal | None
    required_share: Decimal
    on_track: bool | None


@dataclass(frozen=True)
class RegionPage:
    month_choices = range(1, 13)

    city: City
    region: Region
    period: Period
    report: NoticeReport | None
    row: snapshots.NoticeRow | None
    above: snapshots.NoticeRow | None
    to_draw_level_usd: Decimal | None
    history: list[RegionMonth]
    pipeline: list
    difficulties: list
    events: object | None
    notices: list
    interviews: list
    #: The region's year-end estimate (预计), None before any figure of the year.
    outlook: object | None = None
    #: Shown as issued although a figure of the month was corrected since (``own``): the
    #: correction comes with the next notice.
    correction_pending: bool = False

    @property
    def charts(self) -> dict:
        return {
            "month_labels": month_labels(h.month for h in self.history),
            "ranks": [h.rank for h in self.history],
            "completion": [_pct(h.completion) for h in self.history],
            "required": [_pct(h.required_share) for h in self.history],
            "ranked_count": self.report.ranked_count if self.report else 0,
        }


@shared("dashboards.region_page")
def region_page(
    city: City, region: Region, *, year: int | None = None, month: int | None = None
) -> RegionPage:
    """A county's page: its rank and how it moved month by month, completion against the
    schedule, shortfall, 剩余每月需完成, what it takes to draw level with the region ranked
    just above, its projects, events against the quota, open difficulties, the issued notices
    and its interviews. A fixed number of queries."""
    today = timezone.localdate()
    period = dashboard_period(city, year, month)
    report = row = above = to_draw_level = region_outlook = None
    history: list[RegionMonth] = []
    code = loaders.region_code(region)
    if region.assessed and period.month:
        inputs = loaders.notice_inputs(city, period.year, 12)
        notices = calc.monthly_history(
            period.year,
            period.month,
            inputs.inputs,
            inputs.city_target,
            inputs.schedule.schedule,
        )
        for notice in notices:
            mine = next(r for r in notice.regions if r.code == code)
            history.append(
                RegionMonth(
                    notice.month,
                    mine.rank,
                    notice.ranked_count,
                    mine.completion,
                    notice.required,
                    mine.on_track,
                )
            )
        report = snapshots.notice_report(
            notices[-1],
            city_code=city.admin_code,
            city_name=city.name,
            schedule_label=inputs.schedule.label,
        )
        row = report.row(code)
        above, to_draw_level = _region_above(report, row)
        # The same inputs, read as the notice of the month shown (one more query).
        outlook = outlook_from(replace(inputs, month=period.month))
        line = next((line for line in outlook.regions if line.code == code), None)
        region_outlook = replace(outlook, regions=(line,) if line else ())
    quotas = event_quotas(city, period.year)
    return RegionPage(
        city=city,
        region=region,
        period=period,
        report=report,
        row=row,
        above=above,
        to_draw_level_usd=to_draw_level,
        history=history,
        pipeline=pipeline(city, region=region),
        difficulties=open_difficulties_by_age(city, today, region=region),
        events=next((q for q in quotas if q.is_region and q.organiser == region.name), None),
        notices=list(
            Notice.objects.issued()
            .filter(city=city, kind=Notice.Kind.MONTHLY)
            .order_by("-year", "-month")[:6]
        ),
        interviews=list(Interview.objects.filter(region=region).order_by("-year", "-quarter")[:8]),
        outlook=region_outlook,
    )


def _region_above(
    report: NoticeReport, row: snapshots.NoticeRow | None
) -> tuple[snapshots.NoticeRow | None, Decimal | None]:
    """The region ranked just above ``row`` and what ``row`` must add to draw level with it."""
    above = to_draw_level = None
    if row is not None and row.rank is not None and row.rank > 1:
        better = [r for r in report.rows if r.rank is not None and r.rank < row.rank]
        above = max(better, key=lambda r: r.rank) if better else None
    if row is not None and above is not None and above.completion is not None:
        to_draw_level = calc.catch_up_to(row.ytd_usd, row.target_usd, above.completion)
    return above, to_draw_level


def region_page_for(user: Any, page: RegionPage) -> tuple[RegionPage, Notice | None]:
    """The county official's page as they may see it: unchanged when they see unpublished
    figures. Otherwise, when the page's month is issued, that notice as issued — the figures
    as they stand when nothing was corrected since, else the issued ones with a note that the
    correction comes with the next notice (``correction_pending``); before the month is
    issued, their own figures as they stand, without a rank, without the region above, and
    the city's ranking as the last notice issued it (assessments.publication)."""
    if sees_unpublished_figures(user) or page.report is None:
        return page, None
    issued = issued_notice(page.city, page.period.year, page.report.month)
    if issued is not None:
        if not correction_pending(issued, page.report):
            return page, issued
        report = snapshots.report_from_snapshot(issued.snapshot)
        row = report.row(loaders.region_code(page.region))
        above, to_draw_level = _region_above(report, row)
        return (
            replace(
                page,
                report=report,
                row=row,
                above=above,
                to_draw_level_usd=to_draw_level,
                correction_pending=True,
            ),
            issued,
        )
    report, notice = published_ranking(page.city, page.period.year)
    published_month = notice.month if notice else 0
    return (
        replace(
            page,
            report=report,
            row=replace(page.row, rank=None) if page.row else None,
            above=None,
            to_draw_level_usd=None,
            history=[
                h if h.month <= published_month else replace(h, rank=None) for h in page.history
            ],
        ),
        notice,
    )


@dataclass(frozen=True)
class ProvinceRow:
    comparison: CityComparison
    projects: object


@dataclass(frozen=True)
class ProvinceDashboard:
    year: int
    rows: list[ProvinceRow]

    @property
    def charts(self) -> dict:
        rows = [row for row in self.rows if row.comparison.progress is not None]
        return {
            "names": [row.comparison.city.name for row in rows],
            "completion": [_pct(row.comparison.progress.completion) for row in rows],
            "required": [_pct(row.comparison.progress.required) for row in rows],
            "on_track": [row.comparison.progress.on_track for row in rows],
            "ytd": [_wan(row.comparison.ytd_usd) for row in rows],
        }


@shared("dashboards.province_dashboard")
def province_dashboard(cities: Sequence[City], year: int) -> ProvinceDashboard:
    """The cities side by side: utilised FDI to date against target and schedule, growth,
    live projects and the landing rate of the year's signed projects. Three queries."""
    projects = projects_by_city(cities, year)
    return ProvinceDashboard(
        year,
        [ProvinceRow(row, projects[row.city.pk]) for row in province_comparison(cities, year)],
    )
