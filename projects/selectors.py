"""Loaders: a few aggregate queries that turn projects into the plain data ``rules.py`` decides
on, and the campaign figures the quarterly review reports. Query counts do not grow with the
number of projects."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from fdi_portal.cache import shared
from fdi_portal.lib.exact import share
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


def rule_specs(cities: Iterable[int] | QuerySet[City]) -> dict[int, list[rules.RuleSpec]]:
    """The project rules of every plan of each city, keyed by city id (a city without rules
    maps to an empty list). ``cities``: ids, or a queryset of cities. One query."""
    specs: dict[int, list[rules.RuleSpec]] = defaultdict(list)
    city_filter = cities if isinstance(cities, QuerySet) else list(cities)
    seen: set[tuple[int, str]] = set()
    for r in (
        ProjectRule.objects.filter(plan__city__in=city_filter)
        # A plan carried forward copies its rules: the latest plan's rule of a code counts.
        .order_by("plan__city_id", F("plan__year").desc(nulls_last=True), "order", "pk")
        .values_list(
            "plan__city_id", "kind", "consequence_code", "consequence", "thresholds", "needs_leader"
        )
    ):
        city_id, kind, code, consequence, thresholds, needs_leader = r
        if (city_id, code) in seen:
            continue
        seen.add((city_id, code))
        specs[city_id].append(
            rules.RuleSpec(
                kind=kind,
                consequence_code=code,
                consequence=consequence,
                thresholds=thresholds,
                needs_leader=needs_leader,
            )
        )
    return specs


def _facts(
    p: Project,
    *,
    arrived_total_usd: Decimal,
    arrived_in_year_usd: Decimal,
    open_difficulties: dict[int, list[dt.date]],
    deadlines: dict[int, list[dt.date]],
) -> rules.ProjectFacts:
    return rules.ProjectFacts(
        name=p.name,
        stage=p.stage,
        industry=p.industry,
        mode=p.mode,
        total_investment_usd=p.total_investment_usd,
        fixed_asset_investment_cny=p.fixed_asset_investment_cny,
        arrived_total_usd=arrived_total_usd,
        arrived_in_year_usd=arrived_in_year_usd,
        fortune_global_500=bool(p.investor and p.investor.fortune_global_500),
        headquarters_kind=p.headquarters_kind,
        has_leader=p.leader_id is not None,
        stage_changed_on=p.stage_changed_on,
        open_difficulties_raised_on=tuple(open_difficulties.get(p.pk, ())),
        unanswered_complaint_deadlines=tuple(deadlines.get(p.pk, ())),
    )


def _open_items(
    projects: Sequence[int] | QuerySet[Project],
) -> tuple[dict[int, list[dt.date]], dict[int, list[dt.date]]]:
    """The raised-on dates of the open difficulties and the deadlines of the unanswered
    complaints of ``projects`` (ids, or a queryset: then a subquery, never a list of ids),
    keyed by project id. Two queries; only open items are read, a small share of all."""
    if isinstance(projects, QuerySet):
        projects = projects.order_by().values("pk")
    open_difficulties: dict[int, list[dt.date]] = defaultdict(list)
    for project_id, raised_on in (
        Difficulty.objects.filter(project_id__in=projects)
        .exclude(status=Difficulty.Status.RESOLVED)
        .order_by("raised_on")
        .values_list("project_id", "raised_on")
    ):
        open_difficulties[project_id].append(raised_on)
    deadlines: dict[int, list[dt.date]] = defaultdict(list)
    for project_id, deadline in (
        Complaint.objects.filter(project_id__in=projects, status=Complaint.Status.RECEIVED)
        .order_by("deadline")
        .values_list("project_id", "deadline")
    ):
        deadlines[project_id].append(deadline)
    return open_difficulties, deadlines


def project_facts(projects: Sequence[Project], *, year: int) -> dict[int, rules.ProjectFacts]:
    """Facts for ``projects`` (a page of them, loaded with their investor), keyed by project
    id. Three queries, each filtered on the ids of ``projects``: keep it to a page."""
    ids = [p.pk for p in projects]
    arrived = {
        row["project_id"]: row
        for row in Arrival.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(total=Sum("amount_usd"), in_year=Sum("amount_usd", filter=Q(year=year)))
        .order_by()
    }
    open_difficulties, deadlines = _open_items(ids)
    return {
        p.pk: _facts(
            p,
            arrived_total_usd=arrived.get(p.pk, {}).get("total") or ZERO,
            arrived_in_year_usd=arrived.get(p.pk, {}).get("in_year") or ZERO,
            open_difficulties=open_difficulties,
            deadlines=deadlines,
        )
        for p in projects
    }


@dataclass(frozen=True)
class ProjectReport:
    project: Project
    rules: list[rules.RuleSpec]
    alerts: list[rules.Alert]
    arrived_total_usd: Decimal


def _report(
    p: Project, specs: list[rules.RuleSpec], facts: rules.ProjectFacts, today: dt.date
) -> ProjectReport:
    met = rules.triggered(specs, facts)
    return ProjectReport(
        project=p,
        rules=met,
        alerts=rules.alerts(facts, met, today=today),
        arrived_total_usd=facts.arrived_total_usd,
    )


def project_reports(
    projects: Sequence[Project], *, year: int, today: dt.date
) -> dict[int, ProjectReport]:
    """Rules met and alerts of each of ``projects`` (a page of them), keyed by project id.
    Four queries."""
    specs = rule_specs({p.city_id for p in projects})
    facts = project_facts(projects, year=year)
    return {p.pk: _report(p, specs[p.city_id], facts[p.pk], today) for p in projects}


def stream_reports(
    projects: QuerySet[Project], *, year: int, today: dt.date, chunk_size: int = 2000
) -> Iterator[ProjectReport]:
    """The report of every project of ``projects``, in its order, one at a time, with its
    city, region, campaign, investor and leader: for exports of any size in bounded memory.

    The arrival sums are computed by the database with each row; the open difficulties and
    complaints (a small share of all) are read beforehand through a subquery; cities, regions
    and campaigns (a few dozen) are looked up rather than joined to every row. Seven queries,
    whatever the number of projects."""
    cities = {c.pk: c for c in City.objects.filter(pk__in=projects.order_by().values("city_id"))}
    specs = rule_specs(cities)
    regions = {r.pk: r for r in Region.objects.filter(city__in=list(cities))}
    campaigns = {c.pk: c for c in Campaign.objects.filter(city__in=list(cities))}
    open_difficulties, deadlines = _open_items(projects)
    rows = with_arrival_sums(projects.select_related("investor", "leader"), year=year)
    for p in rows.iterator(chunk_size=chunk_size):
        p.city, p.region = cities[p.city_id], regions[p.region_id]
        p.campaign = campaigns.get(p.campaign_id)
        facts = _facts(
            p,
            arrived_total_usd=p.arrived_total_usd,
            arrived_in_year_usd=p.arrived_in_year_usd,
            open_difficulties=open_difficulties,
            deadlines=deadlines,
        )
        yield _report(p, specs[p.city_id], facts, today)


def city_project_reports(city: City, *, year: int, today: dt.date) -> list[ProjectReport]:
    """Every project of ``city`` by name, with its rules and alerts (the project_rules
    command). Seven queries."""
    projects = Project.objects.in_city(city).order_by("name")
    return list(stream_reports(projects, year=year, today=today))


# --------------------------------------------------------------------------- rules and alerts in SQL
#
# Lists filter and order in the database, then ``rules.py`` decides on the page shown. The
# expressions below are the SQL form of ``rules.KINDS`` and ``rules.alerts``;
# tests/projects/test_scale.py checks that both pick the same projects.

#: rules.alerts' defaults: a difficulty open more than 30 days, a stage unchanged 90 days.
DIFFICULTY_OPEN_DAYS = 30
STALE_STAGE_DAYS = 90
_MONEY = DecimalField(max_digits=16, decimal_places=2)
#: Later than any date an alert can start on: stands for "no such alert" when ordering.
_NEVER = dt.date(9999, 12, 31)


def _arrival_sum(year: int | None = None) -> Coalesce:
    arrivals = Arrival.objects.filter(project=OuterRef("pk"))
    if year is not None:
        arrivals = arrivals.filter(year=year)
    total = arrivals.order_by().values("project").annotate(total=Sum("amount_usd"))
    return Coalesce(Subquery(total.values("total")), Value(ZERO), output_field=_MONEY)


def with_arrival_sums(projects: QuerySet[Project], *, year: int) -> QuerySet[Project]:
    """``projects`` with ``arrived_total_usd`` and ``arrived_in_year_usd`` (``year``'s),
    computed per row by the database (the arrivals' unique index on project, year and month
    serves both)."""
    return projects.annotate(
        arrived_total_usd=_arrival_sum(), arrived_in_year_usd=_arrival_sum(year)
    )


def _amount(thresholds: Mapping[str, Any], key: str) -> Decimal:
    return Decimal(str(thresholds[key]))


def rule_condition(rule: rules.RuleSpec) -> Q:
    """The projects that meet ``rule``, as a condition on a queryset annotated by
    :func:`with_arrival_sums` (the defaults of rules.py's kinds repeated)."""
    t = rule.thresholds
    if rule.kind == rules.CUMULATIVE_ARRIVALS:
        met = Q(arrived_total_usd__gte=_amount(t, "min_arrived_usd"))
    elif rule.kind == rules.INVESTMENT_AND_YEAR_ARRIVALS:
        met = Q(total_investment_usd__gte=_amount(t, "min_total_investment_usd")) & Q(
            arrived_in_year_usd__gte=_amount(t, "min_arrived_in_year_usd")
        )
    elif rule.kind == rules.SECTOR_INVESTMENT:
        met = Q(industry__in=t.get("industries", ["C"])) & Q(
            total_investment_usd__gte=_amount(t, "min_total_investment_usd")
        )
    elif rule.kind == rules.NEW_PROJECT_FIXED_ASSETS:
        met = Q(mode__in=t.get("modes", ["greenfield"])) & Q(
            fixed_asset_investment_cny__gte=_amount(t, "min_fixed_asset_investment_cny")
        )
    elif rule.kind == rules.FORTUNE500_HEADQUARTERS:
        met = Q(investor__fortune_global_500=True) & Q(
            headquarters_kind__in=t.get("headquarters_kinds", ["regional", "branch"])
        )
    else:
        raise ValueError(f"unknown rule kind {rule.kind!r}")
    return met & ~Q(stage="cancelled")


def _rules_condition(
    specs: dict[int, list[rules.RuleSpec]], keep: Callable[[rules.RuleSpec], bool]
) -> Q | None:
    """Projects of a city that meet one of the city's rules that ``keep`` selects."""
    condition: Q | None = None
    for city_id, city_specs in specs.items():
        for spec in city_specs:
            if keep(spec):
                met = Q(city_id=city_id) & rule_condition(spec)
                condition = met if condition is None else condition | met
    return condition


def meeting_rule(projects: QuerySet[Project], code: str, *, year: int) -> QuerySet[Project]:
    """``projects`` that meet their city's rule with consequence code ``code``. One query to
    read the rules; the filter itself is SQL."""
    cities = City.objects.filter(pk__in=projects.order_by().values("city_id"))
    condition = _rules_condition(rule_specs(cities), lambda spec: spec.consequence_code == code)
    if condition is None:
        return projects.none()
    return with_arrival_sums(projects, year=year).filter(condition)


def with_alerts(projects: QuerySet[Project], *, today: dt.date) -> QuerySet[Project]:
    """``projects`` that have at least one alert on ``today``, most urgent first: those a rule
    says need a city leader and have none, then by how long their oldest alert has stood
    (the largest number of days ``rules.alerts`` counts). One query to read the rules."""
    cities = City.objects.filter(pk__in=projects.order_by().values("city_id"))
    difficulty_cutoff = today - dt.timedelta(days=DIFFICULTY_OPEN_DAYS)
    open_difficulty = Difficulty.objects.filter(raised_on__lt=difficulty_cutoff).exclude(
        status=Difficulty.Status.RESOLVED
    )
    overdue_complaint = Complaint.objects.filter(
        status=Complaint.Status.RECEIVED, deadline__lt=today
    )
    open_since = (
        open_difficulty.filter(project=OuterRef("pk")).order_by("raised_on").values("raised_on")
    )[:1]
    overdue_since = (
        overdue_complaint.filter(project=OuterRef("pk")).order_by("deadline").values("deadline")
    )[:1]
    stale = ~Q(stage__in=rules.FINAL_STAGES) & Q(
        stage_changed_on__lte=today - dt.timedelta(days=STALE_STAGE_DAYS)
    )
    leader_rules = _rules_condition(rule_specs(cities), lambda spec: spec.needs_leader)
    leader_missing = (
        ExpressionWrapper(Q(leader__isnull=True) & leader_rules, output_field=BooleanField())
        if leader_rules is not None
        else Value(False)
    )
    projects = with_arrival_sums(projects, year=today.year).annotate(
        # Looked up only for the few projects the semi-joins below pick, not for every one.
        open_since=Case(
            When(pk__in=open_difficulty.values("project_id"), then=Subquery(open_since)),
            default=None,
        ),
        overdue_since=Case(
            When(pk__in=overdue_complaint.values("project_id"), then=Subquery(overdue_since)),
            default=None,
        ),
        stale_since=Case(When(stale, then=F("stage_changed_on")), default=None),
        leader_missing=leader_missing,
    )
    # The filter reads the few open difficulties and overdue complaints once (a semi-join),
    # not once per project; the per-project dates above only order what it keeps.
    return (
        projects.filter(
            Q(pk__in=open_difficulty.values("project_id"))
            | Q(pk__in=overdue_complaint.values("project_id"))
            | stale
            | Q(leader_missing=True)
        )
        .annotate(
            # Coalesced: PostgreSQL's LEAST skips NULLs, SQLite's MIN() returns NULL.
            alert_since=Least(
                Coalesce("open_since", Value(_NEVER)),
                Coalesce("overdue_since", Value(_NEVER)),
                Coalesce("stale_since", Value(_NEVER)),
                output_field=DateField(),
            )
        )
        .order_by("-leader_missing", "alert_since", "name", "pk")
    )


@dataclass(frozen=True)
class AlertsPanel:
    """A home page's project alerts: the most urgent few, and how many projects have one."""

    reports: list[ProjectReport]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.reports)


@shared("projects.staff_alerts")
def staff_alerts(city: City, today: dt.date, *, limit: int = 10) -> AlertsPanel:
    """The ``limit`` most urgent of the city's projects with an alert on ``today``, and how
    many there are, for the staff and leader home pages (include templates/projects/_alerts.html
    with ``project_alerts`` set to this). Six queries, whatever the number of projects."""
    alerting = with_alerts(Project.objects.in_city(city), today=today)
    total = alerting.count()
    # The order needs every alerting project's urgency, not its columns: the ids first, then
    # the ``limit`` rows with their region and investor (a join over every investor otherwise).
    top_ids = list(alerting.values_list("pk", flat=True)[:limit])
    top = Project.objects.filter(pk__in=top_ids).select_related("region", "investor")
    reports = project_reports(list(top), year=today.year, today=today)
    return AlertsPanel(reports=[reports[pk] for pk in top_ids], total=total)


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


# --------------------------------------------------------------------------- dashboards


@dataclass(frozen=True)
class Breakdown:
    """Projects of one kind (a stage, an industry, an origin): how many, and their contracted
    FDI in USD."""

    key: str
    label: str
    count: int
    contracted_fdi_usd: Decimal


def _breakdown(
    projects: QuerySet[Project], field: str, labels: Mapping[str, str]
) -> list[Breakdown]:
    rows = (
        projects.values(field)
        .annotate(n=Count("pk"), fdi=Coalesce(Sum("contracted_fdi_usd"), Value(ZERO)))
        .order_by()
    )
    found = {row[field] or "": (row["n"], row["fdi"]) for row in rows}
    return [
        Breakdown(key, str(labels.get(key, key)), *found[key])
        for key in sorted(found, key=lambda k: (-found[k][0], k))
    ]


def pipeline(city: City, *, region: Region | None = None) -> list[Breakdown]:
    """The project pipeline by stage, in pipeline order, every stage listed (0 when none).
    One query."""
    projects = Project.objects.in_city(city)
    if region is not None:
        projects = projects.filter(region=region)
    from projects.models import Stage

    stages = dict(Stage.choices)
    by_key = {b.key: b for b in _breakdown(projects, "stage", stages)}
    return [by_key.get(key) or Breakdown(key, str(label), 0, ZERO) for key, label in stages.items()]


def projects_by(city: City, field: str, *, limit: int = 8) -> list[Breakdown]:
    """Live projects (not cancelled) by ``industry`` or investor origin, the largest first;
    the rest summed as 其他 beyond ``limit``. One query."""
    from projects.models import Industry, Stage

    projects = Project.objects.in_city(city).exclude(stage=Stage.CANCELLED)
    if field == "industry":
        rows = _breakdown(projects, "industry", dict(Industry.choices))
    else:
        rows = _origins(projects)
    rows = [r if r.key else Breakdown("", "—", r.count, r.contracted_fdi_usd) for r in rows]
    if len(rows) <= limit:
        return rows
    rest = rows[limit - 1 :]
    other = Breakdown(
        "other",
        "其他",
        sum(r.count for r in rest),
        sum((r.contracted_fdi_usd for r in rest), ZERO),
    )
    return [*rows[: limit - 1], other]


def _origins(projects: QuerySet[Project]) -> list[Breakdown]:
    """By the investor's country, or by its kind (港澳台, …) where the kind is not foreign."""
    from projects.models import Investor

    kinds = dict(Investor.OriginKind.choices)
    merged: dict[str, list] = {}
    for row in (
        projects.values("investor__origin_kind", "investor__origin")
        .annotate(n=Count("pk"), fdi=Coalesce(Sum("contracted_fdi_usd"), Value(ZERO)))
        .order_by()
    ):
        kind, origin = row["investor__origin_kind"], row["investor__origin"] or ""
        label = origin if kind == Investor.OriginKind.FOREIGN else str(kinds.get(kind, ""))
        entry = merged.setdefault(label, [0, ZERO])
        entry[0] += row["n"]
        entry[1] += row["fdi"]
    return [
        Breakdown(label, label, n, fdi)
        for label, (n, fdi) in sorted(merged.items(), key=lambda item: (-item[1][0], item[0]))
    ]


@dataclass(frozen=True)
class AgeBand:
    label: str
    count: int


def open_difficulties_by_age(
    city: City, today: dt.date, *, region: Region | None = None
) -> list[AgeBand]:
    """Difficulties not yet resolved, by how long they have been open: up to 30 days,
    31–90 days, over 90 days. One aggregate query."""
    from django.utils.translation import gettext as _

    open_ = Difficulty.objects.filter(project__city=city).exclude(status=Difficulty.Status.RESOLVED)
    if region is not None:
        open_ = open_.filter(project__region=region)
    month, quarter = today - dt.timedelta(days=30), today - dt.timedelta(days=90)
    counts = open_.aggregate(
        recent=Count("pk", filter=Q(raised_on__gte=month)),
        middle=Count("pk", filter=Q(raised_on__lt=month, raised_on__gte=quarter)),
        old=Count("pk", filter=Q(raised_on__lt=quarter)),
    )
    return [
        AgeBand(_("Up to 30 days"), counts["recent"]),
        AgeBand(_("31–90 days"), counts["middle"]),
        AgeBand(_("Over 90 days"), counts["old"]),
    ]


@dataclass(frozen=True)
class CityProjects:
    """One city's projects for the province view: live projects by stage group, and the
    landing rate of the projects signed in the year."""

    signed: int
    landed: int
    live: int
    contracted_fdi_usd: Decimal

    @property
    def landing_rate(self) -> Decimal | None:
        return share(Decimal(self.landed), Decimal(self.signed))


def projects_by_city(cities: Sequence[City], year: int) -> dict[int, CityProjects]:
    """Each city's projects signed in ``year`` and how many of them have landed, and its live
    projects with their contracted FDI. One aggregate query."""
    from projects.models import Stage

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    signed_in_year = Q(signed_on__gte=start, signed_on__lte=end)
    rows = (
        Project.objects.filter(city__in=cities)
        .values("city_id")
        .annotate(
            signed=Count("pk", filter=signed_in_year),
            landed=Count("pk", filter=signed_in_year & Q(landed_on__lte=end)),
            live=Count("pk", filter=~Q(stage=Stage.CANCELLED)),
            fdi=Coalesce(Sum("contracted_fdi_usd", filter=~Q(stage=Stage.CANCELLED)), Value(ZERO)),
        )
        .order_by()
    )
    found = {row["city_id"]: row for row in rows}
    return {
        city.pk: CityProjects(
            found.get(city.pk, {}).get("signed", 0),
            found.get(city.pk, {}).get("landed", 0),
            found.get(city.pk, {}).get("live", 0),
            found.get(city.pk, {}).get("fdi", ZERO),
        )
        for city in cities
    }
