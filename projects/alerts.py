"""The rules each project meets and its alerts. Loaded as the plain data ``rules.py`` decides
on, for a page of projects or a stream of any size (the exports); and in SQL, for the lists'
filters on a rule or on alerts and the home pages' alerts panel. Query counts do not grow with
the number of projects."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
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
    Window,
)
from django.db.models.functions import Coalesce, Least

from fdi_portal.cache import PROJECTS, shared
from fdi_portal.models import City, Region
from projects import rules
from projects.models import (
    Arrival,
    Campaign,
    Complaint,
    Difficulty,
    Project,
    ProjectRule,
)

ZERO = Decimal(0)


# --------------------------------------------------------------------------- loaded for rules.py


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
    in_year = dict(
        Arrival.objects.filter(project_id__in=ids, year=year)
        .values("project_id")
        .annotate(total=Sum("amount_usd"))
        .order_by()
        .values_list("project_id", "total")
    )
    open_difficulties, deadlines = _open_items(ids)
    return {
        p.pk: _facts(
            p,
            arrived_total_usd=p.arrived_usd,
            arrived_in_year_usd=in_year.get(p.pk) or ZERO,
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
    projects: Sequence[Project],
    *,
    year: int,
    today: dt.date,
    specs: dict[int, list[rules.RuleSpec]] | None = None,
) -> dict[int, ProjectReport]:
    """Rules met and alerts of each of ``projects`` (a page of them), keyed by project id.
    Four queries; three when given ``specs``, the :func:`rule_specs` of their cities."""
    if specs is None:
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


def with_arrival_sums(projects: QuerySet[Project], *, year: int) -> QuerySet[Project]:
    """``projects`` with ``arrived_total_usd`` (the total kept with the arrivals,
    ``Project.arrived_usd``) and ``arrived_in_year_usd`` (``year``'s), the latter computed per
    row by the database from the arrivals' unique index on project, year and month."""
    in_year = (
        Arrival.objects.filter(project=OuterRef("pk"), year=year)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount_usd"))
        .values("total")
    )
    return projects.annotate(
        arrived_total_usd=F("arrived_usd"),
        arrived_in_year_usd=Coalesce(Subquery(in_year), Value(ZERO), output_field=_MONEY),
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
    # The stage first: the database stops there for a cancelled project instead of summing
    # its arrivals.
    return ~Q(stage="cancelled") & met


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


def with_alerts(
    projects: QuerySet[Project],
    *,
    today: dt.date,
    specs: dict[int, list[rules.RuleSpec]] | None = None,
) -> QuerySet[Project]:
    """``projects`` that have at least one alert on ``today``, most urgent first: those a rule
    says need a city leader and have none, then by how long their oldest alert has stood
    (the largest number of days ``rules.alerts`` counts). One query to read the rules, none
    when given ``specs`` (the :func:`rule_specs` of every city of ``projects``)."""
    if specs is None:
        specs = rule_specs(City.objects.filter(pk__in=projects.order_by().values("city_id")))
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
    leader_rules = _rules_condition(specs, lambda spec: spec.needs_leader)
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


@shared("projects.staff_alerts", kinds=PROJECTS)
def staff_alerts(city: City, today: dt.date, *, limit: int = 10) -> AlertsPanel:
    """The ``limit`` most urgent of the city's projects with an alert on ``today``, and how
    many there are, for the staff and leader home pages (include templates/projects/_alerts.html
    with ``project_alerts`` set to this). Six queries, whatever the number of projects."""
    specs = rule_specs([city.pk])
    alerting = with_alerts(Project.objects.in_city(city), today=today, specs=specs)
    # The order needs every alerting project's urgency, not its columns: the ids first, then
    # the ``limit`` rows with their region and investor (a join over every investor otherwise).
    # The count comes with the ids (a window over the rows the filter keeps): a count of its
    # own ran the filter, and each project's arrival sum, a second time. The urgency is
    # selected so that the ORDER BY names its columns instead of computing it again.
    rows = list(
        alerting.annotate(total=Window(Count("pk"))).values_list(
            "pk", "total", "leader_missing", "alert_since"
        )[:limit]
    )
    top_ids = [row[0] for row in rows]
    total = rows[0][1] if rows else 0
    top = Project.objects.filter(pk__in=top_ids).select_related("region", "investor")
    reports = project_reports(list(top), year=today.year, today=today, specs=specs)
    return AlertsPanel(reports=[reports[pk] for pk in top_ids], total=total)
