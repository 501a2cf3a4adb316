"""Figures of a city's projects as the quarterly review, the assessments and the projects' own
pages report them: campaign figures (signed, landed, contracted and arrived FDI per campaign and
region), the closure figures of difficulties (the difficulties list), the plan's project-based
goals, and the FDI-themed promotion events against their quotas (the events page, the annual
score). Each is aggregated by the database: query counts do not grow with the number of
projects."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Q, QuerySet, Sum

from fdi_portal.lib.exact import share
from fdi_portal.models import City, Department, Region
from projects.models import Arrival, Campaign, Difficulty, Project, PromotionEvent
from tasks.models import Task

ZERO = Decimal(0)


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
    is theirs; arrived FDI is their arrivals in ``year`` up to ``up_to_month``. Three queries,
    each aggregated by the database per campaign and region.
    """
    start, end = dt.date(year, 1, 1), _period_end(year, up_to_month)
    campaigns = list(Campaign.objects.in_city(city).order_by("order", "name"))
    signed = Project.objects.in_city(city).filter(
        campaign__isnull=False, signed_on__gte=start, signed_on__lte=end
    )
    groups = list(
        signed.values("campaign_id", "region_id", "region__name")
        .annotate(
            signed=Count("pk"),
            landed=Count("pk", filter=Q(landed_on__lte=end)),
            contracted=Sum("contracted_fdi_usd"),
        )
        .order_by("region__order", "region__name")
    )
    arrived = {
        (row["project__campaign_id"], row["project__region_id"]): row["total"]
        for row in Arrival.objects.filter(
            project__in=signed.values("pk"), year=year, month__lte=up_to_month
        )
        .values("project__campaign_id", "project__region_id")
        .annotate(total=Sum("amount_usd"))
        .order_by()
    }
    rows: list[CampaignFigures] = []
    for campaign in campaigns:
        regions = [
            CampaignFigures(
                campaign=campaign.name,
                region=g["region__name"],
                signed=g["signed"],
                landed=g["landed"],
                contracted_fdi_usd=g["contracted"] or ZERO,
                arrived_fdi_usd=arrived.get((campaign.pk, g["region_id"])) or ZERO,
            )
            for g in groups
            if g["campaign_id"] == campaign.pk
        ]
        rows.append(
            CampaignFigures(
                campaign=campaign.name,
                region="",
                signed=sum(r.signed for r in regions),
                landed=sum(r.landed for r in regions),
                contracted_fdi_usd=sum((r.contracted_fdi_usd for r in regions), ZERO),
                arrived_fdi_usd=sum((r.arrived_fdi_usd for r in regions), ZERO),
            )
        )
        rows += regions
    return rows


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


@dataclass(frozen=True)
class ClosureTables:
    """The difficulties list's two tables of closure figures."""

    by_department: list[ClosureFigures]
    by_region: list[ClosureFigures]


def closure_figures(difficulties: QuerySet[Difficulty], *, unassigned: str = "") -> ClosureTables:
    """The closure figures of ``difficulties`` by responsible department (those without one
    last, named ``unassigned``) and by the project's region, each in the registry's order.
    Where a table spans several cities, each name is prefixed by its city's.

    Two queries, whatever the number of difficulties: the counts are aggregated by the
    database per department and region; the medians read the two dates of each resolved
    difficulty (a handful of bytes each)."""
    difficulties = difficulties.order_by()
    cells = (
        difficulties.values(
            "department_id",
            "department__short_name",
            "department__name",
            "department__order",
            "department__city__name",
            "project__region_id",
            "project__region__name",
            "project__region__order",
            "project__region__city__name",
            "project__region__city__admin_code",
        )
        .annotate(
            total=Count("pk"), resolved=Count("pk", filter=Q(status=Difficulty.Status.RESOLVED))
        )
        .order_by()
    )
    days: dict[str, dict[int | None, list[int]]] = {
        "department": defaultdict(list),
        "region": defaultdict(list),
    }
    for department_id, region_id, raised_on, resolved_on in difficulties.filter(
        status=Difficulty.Status.RESOLVED
    ).values_list("department_id", "project__region_id", "raised_on", "resolved_on"):
        days["department"][department_id].append((resolved_on - raised_on).days)
        days["region"][region_id].append((resolved_on - raised_on).days)
    departments: dict[int | None, list] = {}
    regions: dict[int, list] = {}
    for c in cells:
        department = departments.setdefault(
            c["department_id"],
            [
                (
                    c["department__order"] is None,
                    c["department__order"] or 0,
                    c["department__name"],
                ),
                c["department__city__name"],
                c["department__short_name"] if c["department_id"] is not None else unassigned,
                0,
                0,
            ],
        )
        region = regions.setdefault(
            c["project__region_id"],
            [
                (
                    c["project__region__city__admin_code"],
                    c["project__region__order"],
                    c["project__region__name"],
                ),
                c["project__region__city__name"],
                c["project__region__name"],
                0,
                0,
            ],
        )
        for group in (department, region):
            group[3] += c["total"]
            group[4] += c["resolved"]
    return ClosureTables(
        by_department=_closure_table(departments, days["department"]),
        by_region=_closure_table(regions, days["region"]),
    )


def _closure_table(
    groups: dict[int | None, list], days: dict[int | None, list[int]]
) -> list[ClosureFigures]:
    """``groups``: key → [sort key, city name or None, name, total, resolved]."""
    several_cities = len({city for _order, city, *_rest in groups.values() if city}) > 1
    return [
        ClosureFigures(
            name=f"{city} {name}" if several_cities and city else name,
            total=total,
            resolved=resolved,
            median_days=statistics.median(days[key]) if days[key] else None,
        )
        for key, (_order, city, name, total, resolved) in sorted(
            groups.items(), key=lambda item: item[1][0]
        )
    ]


# --------------------------------------------------------------------------- project goals


class ProjectGoalFigures:
    """The project-based goals of a plan like Fangchenggang 2021's. Amounts in USD.

    ``landed_arrivals_usd`` is the numerator of 「已落地项目在当年实际到位外资额占全市利用外资总额」;
    the assessments divide it by the city's utilised FDI of the same months. Each figure is
    one query, run when it is first read: a goal reads only the figure it measures.
    """

    def __init__(
        self,
        city: City,
        year: int,
        *,
        registered_campaigns: Sequence[str],
        landing_campaigns: Sequence[str],
        up_to_month: int,
    ) -> None:
        self.city, self.year = city, year
        self.registered_campaigns = list(registered_campaigns)
        self.landing_campaigns = list(landing_campaigns)
        self.start, self.end = dt.date(year, 1, 1), _period_end(year, up_to_month)
        self.up_to_month = up_to_month

    @cached_property
    def new_registered(self) -> int:
        """New projects (greenfield, M&A) of the campaigns registered in the year."""
        return (
            Project.objects.in_city(self.city)
            .filter(
                campaign__name__in=self.registered_campaigns,
                mode__in=[Project.Mode.GREENFIELD, Project.Mode.MERGER],
                registered_on__gte=self.start,
                registered_on__lte=self.end,
            )
            .count()
        )

    @cached_property
    def _signing(self) -> dict[str, int]:
        return (
            Project.objects.in_city(self.city)
            .filter(
                campaign__name__in=self.landing_campaigns,
                signed_on__gte=self.start,
                signed_on__lte=self.end,
            )
            .aggregate(signed=Count("pk"), landed=Count("pk", filter=Q(landed_on__lte=self.end)))
        )

    @property
    def signed(self) -> int:
        """Projects of the campaigns signed in the year."""
        return self._signing["signed"]

    @property
    def landed(self) -> int:
        """Of those, the projects landed by the period's end."""
        return self._signing["landed"]

    @cached_property
    def landed_arrivals_usd(self) -> Decimal:
        return (
            Arrival.objects.filter(
                project__city=self.city,
                year=self.year,
                month__lte=self.up_to_month,
                project__landed_on__lte=self.end,
            ).aggregate(total=Sum("amount_usd"))["total"]
            or ZERO
        )

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
    ``landing_campaigns=["三企入桂", "行企助力转型升级"]``. One query for each figure read."""
    return ProjectGoalFigures(
        city,
        year,
        registered_campaigns=registered_campaigns,
        landing_campaigns=landing_campaigns,
        up_to_month=up_to_month,
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


def event_counts_by_city(cities: Sequence[City], year: int) -> dict[int, EventCounts]:
    """The one count of FDI-themed promotion events, for each of ``cities`` (keyed by city id):
    the events page's quotas and the annual score's promotion-events indicator both read it.
    One aggregate query, whatever the number of cities."""
    counts = {city.pk: EventCounts(defaultdict(int), defaultdict(int)) for city in cities}
    for city_id, region_id, department_id, n in (
        PromotionEvent.objects.filter(city__in=[city.pk for city in cities])
        .filter(date__year=year, fdi_themed=True)
        .values("city_id", "organiser_region", "organiser_department")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("city_id", "organiser_region", "organiser_department", "n")
    ):
        if region_id:
            counts[city_id].by_region[region_id] += n
        elif department_id:
            counts[city_id].by_department[department_id] += n
    return counts


def event_counts(city: City, year: int) -> EventCounts:
    """:func:`event_counts_by_city` of one city. One aggregate query."""
    return event_counts_by_city([city], year)[city.pk]


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


def event_quotas_by_city(cities: Sequence[City], year: int) -> dict[int, list[EventQuota]]:
    """For each of ``cities`` (keyed by city id): every assessed region, then every department
    with a quota or an event, in ``year``.

    Quotas come from the requirements of the tasks of the city's plans for ``year`` (or without
    a year): 「各县市区」 applies to every assessed region, 「各主管部门」 to every department that
    leads, supports or shares that task. Where several requirements apply, the largest counts.
    Five queries, whatever the number of cities.
    """
    city_ids = [city.pk for city in cities]
    region_quota: dict[int, int] = {}
    department_quota: dict[int, int] = {}
    tasks = (
        Task.objects.filter(plan__city__in=city_ids)
        .filter(Q(plan__year=year) | Q(plan__year__isnull=True))
        .select_related("plan")
        .prefetch_related("assignments")
    )
    for task in tasks:
        for requirement in task.requirements:
            quantity = requirement.get("quantity")
            if requirement.get("unit") != "次" or not isinstance(quantity, int):
                continue
            applies_to = requirement.get("applies_to", "")
            if applies_to == REGIONS_COLLECTIVE:
                city_id = task.plan.city_id
                region_quota[city_id] = max(region_quota.get(city_id, 0), quantity)
            elif applies_to == DEPARTMENTS_COLLECTIVE:
                for assignment in task.assignments.all():
                    if assignment.department_id:
                        department_quota[assignment.department_id] = max(
                            department_quota.get(assignment.department_id, 0), quantity
                        )
    counts = event_counts_by_city(cities, year)
    quotas: dict[int, list[EventQuota]] = {city_id: [] for city_id in city_ids}
    for region in Region.objects.filter(city__in=city_ids).assessed().order_by("order", "name"):
        quotas[region.city_id].append(
            EventQuota(
                region.name,
                True,
                counts[region.city_id].by_region[region.pk],
                region_quota.get(region.city_id),
            )
        )
    shown = set(department_quota).union(*(c.by_department for c in counts.values()))
    for d in Department.objects.filter(city__in=city_ids, pk__in=shown).order_by("order", "name"):
        quotas[d.city_id].append(
            EventQuota(
                d.short_name or d.name,
                False,
                counts[d.city_id].by_department[d.pk],
                department_quota.get(d.pk),
            )
        )
    return quotas


def event_quotas(city: City, year: int) -> list[EventQuota]:
    """:func:`event_quotas_by_city` of one city. Five queries."""
    return event_quotas_by_city([city], year)[city.pk]
