"""Loaders: a few aggregate queries that turn projects into the plain data ``rules.py`` decides
on, and the campaign figures the quarterly review reports. Query counts do not grow with the
number of projects."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from assessments.calculations import share
from fdi_portal.models import City, Department, Region
from projects import rules
from projects.models import (
    Arrival,
    Campaign,
    Complaint,
    Difficulty,
    Project,
    ProjectRule,
    PromotionEvent,
)
from tasks.models import Task

ZERO = Decimal(0)


def rule_specs(city_ids: Iterable[int]) -> dict[int, list[rules.RuleSpec]]:
    """The project rules of every plan of each city, keyed by city id. One query."""
    specs: dict[int, list[rules.RuleSpec]] = {city_id: [] for city_id in city_ids}
    for r in ProjectRule.objects.filter(plan__city__in=list(specs)).select_related("plan"):
        specs[r.plan.city_id].append(
            rules.RuleSpec(
                kind=r.kind,
                consequence_code=r.consequence_code,
                consequence=r.consequence,
                thresholds=r.thresholds,
                needs_leader=r.needs_leader,
            )
        )
    return specs


def project_facts(projects: Sequence[Project], *, year: int) -> dict[int, rules.ProjectFacts]:
    """Facts for ``projects`` (loaded with their investor), keyed by project id. Three queries."""
    ids = [p.pk for p in projects]
    arrived = {
        row["project_id"]: row
        for row in Arrival.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(total=Sum("amount_usd"), in_year=Sum("amount_usd", filter=Q(year=year)))
    }
    open_difficulties: dict[int, list[dt.date]] = defaultdict(list)
    for project_id, raised_on in (
        Difficulty.objects.filter(project_id__in=ids)
        .exclude(status=Difficulty.Status.RESOLVED)
        .values_list("project_id", "raised_on")
    ):
        open_difficulties[project_id].append(raised_on)
    deadlines: dict[int, list[dt.date]] = defaultdict(list)
    for project_id, deadline in Complaint.objects.filter(
        project_id__in=ids, status=Complaint.Status.RECEIVED
    ).values_list("project_id", "deadline"):
        deadlines[project_id].append(deadline)
    facts = {}
    for p in projects:
        sums = arrived.get(p.pk, {})
        facts[p.pk] = rules.ProjectFacts(
            name=p.name,
            stage=p.stage,
            industry=p.industry,
            mode=p.mode,
            total_investment_usd=p.total_investment_usd,
            fixed_asset_investment_cny=p.fixed_asset_investment_cny,
            arrived_total_usd=sums.get("total") or ZERO,
            arrived_in_year_usd=sums.get("in_year") or ZERO,
            fortune_global_500=bool(p.investor and p.investor.fortune_global_500),
            headquarters_kind=p.headquarters_kind,
            has_leader=p.leader_id is not None,
            stage_changed_on=p.stage_changed_on,
            open_difficulties_raised_on=tuple(open_difficulties[p.pk]),
            unanswered_complaint_deadlines=tuple(deadlines[p.pk]),
        )
    return facts


@dataclass(frozen=True)
class ProjectReport:
    project: Project
    rules: list[rules.RuleSpec]
    alerts: list[rules.Alert]
    arrived_total_usd: Decimal


def project_reports(
    projects: Sequence[Project], *, year: int, today: dt.date
) -> dict[int, ProjectReport]:
    """Rules met and alerts of each of ``projects``, keyed by project id. Four queries."""
    specs = rule_specs({p.city_id for p in projects})
    facts = project_facts(projects, year=year)
    reports = {}
    for p in projects:
        met = rules.triggered(specs[p.city_id], facts[p.pk])
        reports[p.pk] = ProjectReport(
            project=p,
            rules=met,
            alerts=rules.alerts(facts[p.pk], met, today=today),
            arrived_total_usd=facts[p.pk].arrived_total_usd,
        )
    return reports


def city_project_reports(city: City, *, year: int, today: dt.date) -> list[ProjectReport]:
    projects = list(
        Project.objects.in_city(city).select_related("investor", "region").order_by("name")
    )
    reports = project_reports(projects, year=year, today=today)
    return [reports[p.pk] for p in projects]


def staff_alerts(city: City, today: dt.date) -> list[ProjectReport]:
    """The city's projects that have at least one alert on ``today``, for the staff home page
    (include templates/projects/_alerts.html with ``project_alerts`` set to this list)."""
    return [r for r in city_project_reports(city, year=today.year, today=today) if r.alerts]


# --------------------------------------------------------------------------- campaign figures


@dataclass(frozen=True)
class CampaignFigures:
    """One campaign (or one campaign in one region). Amounts in USD; rates are Decimal
    fractions (0.25 = 25%), None when there is nothing to divide by."""

    campaign: str
    region: str  # "" for the campaign's total
    signed: int
    landed: int
    contracted_fdi_usd: Decimal
    arrived_fdi_usd: Decimal

    @property
    def landing_rate(self) -> Decimal | None:
        return share(Decimal(self.landed), Decimal(self.signed))

    @property
    def arrival_rate(self) -> Decimal | None:
        return share(self.arrived_fdi_usd, self.contracted_fdi_usd)


def _period_end(year: int, up_to_month: int) -> dt.date:
    if up_to_month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, up_to_month + 1, 1) - dt.timedelta(days=1)


def campaign_figures(city: City, year: int, up_to_month: int = 12) -> list[CampaignFigures]:
    """Per campaign of ``city`` (in campaign order): its total row, then one row per region.

    Counted: projects of the campaign signed from 1 January of ``year`` to the end of
    ``up_to_month``, cancelled ones included (a signed project that never landed lowers the
    landing rate). Landed: those with a landing date by the end of the period. Contracted FDI
    is theirs; arrived FDI is their arrivals in ``year`` up to ``up_to_month``. Three queries.
    """
    start, end = dt.date(year, 1, 1), _period_end(year, up_to_month)
    campaigns = list(Campaign.objects.in_city(city).order_by("order", "name"))
    projects = list(
        Project.objects.in_city(city)
        .filter(campaign__isnull=False, signed_on__gte=start, signed_on__lte=end)
        .select_related("region")
        .order_by("region__order", "region__name")
    )
    arrived = dict(
        Arrival.objects.filter(
            project__in=[p.pk for p in projects], year=year, month__lte=up_to_month
        )
        .values("project_id")
        .annotate(total=Sum("amount_usd"))
        .values_list("project_id", "total")
    )
    rows: list[CampaignFigures] = []
    for campaign in campaigns:
        mine = [p for p in projects if p.campaign_id == campaign.pk]
        rows.append(_figures(campaign.name, "", mine, arrived, end))
        regions: dict[str, list[Project]] = {}
        for p in mine:
            regions.setdefault(p.region.name, []).append(p)
        rows += [_figures(campaign.name, name, ps, arrived, end) for name, ps in regions.items()]
    return rows


def _figures(
    campaign: str, region: str, projects: Iterable[Project], arrived: dict, end: dt.date
) -> CampaignFigures:
    projects = list(projects)
    return CampaignFigures(
        campaign=campaign,
        region=region,
        signed=len(projects),
        landed=sum(1 for p in projects if p.landed_on and p.landed_on <= end),
        contracted_fdi_usd=sum((p.contracted_fdi_usd or ZERO for p in projects), ZERO),
        arrived_fdi_usd=sum((arrived.get(p.pk) or ZERO for p in projects), ZERO),
    )


# --------------------------------------------------------------------------- difficulties


@dataclass(frozen=True)
class ClosureFigures:
    """Difficulties of one department or region: closure rate = resolved / all (办结率)."""

    name: str
    total: int
    resolved: int
    median_days: float | None  # raised → resolved, over the resolved ones

    @property
    def closure_rate(self) -> Decimal | None:
        return Decimal(self.resolved) / Decimal(self.total) if self.total else None


def closure_figures(
    rows: Iterable[tuple[str, dt.date, dt.date | None]],
) -> list[ClosureFigures]:
    """Group (name, raised on, resolved on or None) rows by name, in first-seen order."""
    groups: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for name, raised_on, resolved_on in rows:
        groups.setdefault(name, []).append((raised_on, resolved_on))
    result = []
    for name, items in groups.items():
        days = [(resolved - raised).days for raised, resolved in items if resolved is not None]
        result.append(
            ClosureFigures(
                name=name,
                total=len(items),
                resolved=len(days),
                median_days=statistics.median(days) if days else None,
            )
        )
    return result


@dataclass(frozen=True)
class ProjectGoalFigures:
    """The project-based goals of a plan like Fangchenggang 2021's. Amounts in USD.

    ``landed_arrivals_usd`` is the numerator of 「已落地项目在当年实际到位外资额占全市利用外资总额」;
    the assessments divide it by the city's utilised FDI of the same months.
    """

    new_registered: int  # new projects (greenfield, M&A) of the campaigns registered in the year
    signed: int  # projects of the campaigns signed in the year
    landed: int
    landed_arrivals_usd: Decimal

    @property
    def landing_rate(self) -> Decimal | None:
        return share(Decimal(self.landed), Decimal(self.signed))


def project_goal_figures(
    city: City,
    year: int,
    *,
    registered_campaigns: Sequence[str],
    landing_campaigns: Sequence[str],
    up_to_month: int = 12,
) -> ProjectGoalFigures:
    """Fangchenggang 2021's goals with ``registered_campaigns=["行企助力转型升级"]`` and
    ``landing_campaigns=["三企入桂", "行企助力转型升级"]``. Three queries."""
    start, end = dt.date(year, 1, 1), _period_end(year, up_to_month)
    new_registered = (
        Project.objects.in_city(city)
        .filter(
            campaign__name__in=registered_campaigns,
            mode__in=[Project.Mode.GREENFIELD, Project.Mode.MERGER],
            registered_on__gte=start,
            registered_on__lte=end,
        )
        .count()
    )
    signed = list(
        Project.objects.in_city(city)
        .filter(campaign__name__in=landing_campaigns, signed_on__gte=start, signed_on__lte=end)
        .values_list("landed_on", flat=True)
    )
    landed_arrivals = (
        Arrival.objects.filter(
            project__city=city, year=year, month__lte=up_to_month, project__landed_on__lte=end
        ).aggregate(total=Sum("amount_usd"))["total"]
        or ZERO
    )
    return ProjectGoalFigures(
        new_registered=new_registered,
        signed=len(signed),
        landed=sum(1 for landed_on in signed if landed_on is not None and landed_on <= end),
        landed_arrivals_usd=landed_arrivals,
    )


# --------------------------------------------------------------------------- promotion events

#: How the plans' requirements name the organisers they apply to (Task.requirements[].applies_to).
REGIONS_COLLECTIVE = "各县市区"
DEPARTMENTS_COLLECTIVE = "各主管部门"


@dataclass(frozen=True)
class EventCounts:
    """FDI-themed promotion events of a city's year, by organising region and department id."""

    by_region: dict[int, int]
    by_department: dict[int, int]


def event_counts(city: City, year: int) -> EventCounts:
    """The one count of FDI-themed promotion events: the events page's quotas and the annual
    score's promotion-events indicator both read it. One aggregate query."""
    by_region: dict[int, int] = defaultdict(int)
    by_department: dict[int, int] = defaultdict(int)
    for region_id, department_id, n in (
        PromotionEvent.objects.in_city(city)
        .filter(date__year=year, fdi_themed=True)
        .values("organiser_region", "organiser_department")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("organiser_region", "organiser_department", "n")
    ):
        if region_id:
            by_region[region_id] += n
        elif department_id:
            by_department[department_id] += n
    return EventCounts(by_region, by_department)


@dataclass(frozen=True)
class EventQuota:
    """One organiser's FDI-themed events in a year against the plan's quota (不少于N次)."""

    organiser: str
    is_region: bool
    count: int
    required: int | None  # None: no quota applies to this organiser

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.count) if self.required else 0

    @property
    def met(self) -> bool | None:
        return None if self.required is None else self.count >= self.required


def event_quotas(city: City, year: int) -> list[EventQuota]:
    """Every assessed region, then every department with a quota or an event, of ``city`` in
    ``year``.

    Quotas come from the requirements of the tasks of the city's plans for ``year`` (or without
    a year): 「各县市区」 applies to every assessed region, 「各主管部门」 to every department that
    leads, supports or shares that task. Where several requirements apply, the largest counts.
    Five queries.
    """
    region_quota: int | None = None
    department_quota: dict[int, int] = {}
    tasks = (
        Task.objects.in_city(city)
        .filter(Q(plan__year=year) | Q(plan__year__isnull=True))
        .prefetch_related("assignments")
    )
    for task in tasks:
        for requirement in task.requirements:
            quantity = requirement.get("quantity")
            if requirement.get("unit") != "次" or not isinstance(quantity, int):
                continue
            applies_to = requirement.get("applies_to", "")
            if applies_to == REGIONS_COLLECTIVE:
                region_quota = max(region_quota or 0, quantity)
            elif applies_to == DEPARTMENTS_COLLECTIVE:
                for assignment in task.assignments.all():
                    if assignment.department_id:
                        department_quota[assignment.department_id] = max(
                            department_quota.get(assignment.department_id, 0), quantity
                        )
    counts = event_counts(city, year)
    by_region, by_department = counts.by_region, counts.by_department
    rows = [
        EventQuota(region.name, True, by_region[region.pk], region_quota)
        for region in Region.objects.in_city(city).assessed().order_by("order", "name")
    ]
    shown = set(department_quota) | set(by_department)
    rows += [
        EventQuota(d.short_name or d.name, False, by_department[d.pk], department_quota.get(d.pk))
        for d in Department.objects.in_city(city).filter(pk__in=shown).order_by("order", "name")
    ]
    return rows
