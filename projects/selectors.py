"""The dashboards' breakdowns of a city's projects: the pipeline by stage, live projects by
industry and by investor origin, open difficulties by age, and each city's projects for the
province view. One aggregate query each, whatever the number of projects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from fdi_portal.lib.exact import share
from fdi_portal.models import City, Region
from projects.models import Difficulty, Industry, Investor, Project, Stage

ZERO = Decimal(0)


@dataclass(frozen=True)
class Breakdown:
    """Projects of one kind (a stage, an industry, an origin): how many, and their contracted
    FDI in USD."""

    key: str
    label: str
    count: int
    contracted_fdi_usd: Decimal


Counts = dict[str, list]  # key → [number of projects, contracted FDI]


def _counted(projects: QuerySet[Project], *fields: str, **expressions: Any) -> QuerySet:
    """``projects`` grouped by ``fields`` (and named ``expressions``): how many (``n``) and
    their contracted FDI (``fdi``) in each group."""
    return (
        projects.values(*fields, **expressions)
        .annotate(n=Count("pk"), fdi=Coalesce(Sum("contracted_fdi_usd"), Value(ZERO)))
        .order_by()
    )


def _add(counts: Counts, key: str, n: int, fdi: Decimal) -> None:
    entry = counts.setdefault(key, [0, ZERO])
    entry[0] += n
    entry[1] += fdi


def _largest_first(counts: Counts, labels: Mapping[str, str]) -> list[Breakdown]:
    return [
        Breakdown(key, str(labels.get(key, key)), *counts[key])
        for key in sorted(counts, key=lambda k: (-counts[k][0], k))
    ]


def _in_pipeline_order(counts: Counts) -> list[Breakdown]:
    """Every stage, in pipeline order (0 when none)."""
    return [Breakdown(key, str(label), *counts.get(key, (0, ZERO))) for key, label in Stage.choices]


def _at_most(rows: list[Breakdown], limit: int) -> list[Breakdown]:
    """``rows`` (no key: shown as —), the rest summed as 其他 beyond ``limit``."""
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


def _origin(kind: str | None, origin: str | None) -> str:
    """The investor's country, or its kind (港澳台, …) where the kind is not foreign."""
    if kind == Investor.OriginKind.FOREIGN:
        return origin or ""
    return str(dict(Investor.OriginKind.choices).get(kind, ""))


def pipeline(city: City, *, region: Region | None = None) -> list[Breakdown]:
    """The project pipeline by stage, in pipeline order, every stage listed (0 when none).
    One query."""
    projects = Project.objects.in_city(city)
    if region is not None:
        projects = projects.filter(region=region)
    counts: Counts = {}
    for row in _counted(projects, "stage"):
        _add(counts, row["stage"], row["n"], row["fdi"])
    return _in_pipeline_order(counts)


@dataclass(frozen=True)
class CityBreakdowns:
    """A city's projects by stage (the pipeline), and its live (not cancelled) projects by
    industry and by investor origin, the largest first."""

    pipeline: list[Breakdown]
    industries: list[Breakdown]
    origins: list[Breakdown]


def city_breakdowns(city: City, *, limit: int = 8) -> CityBreakdowns:
    """The city dashboard's three breakdowns of its projects, from two queries: one grouped by
    stage and industry (about a hundred rows), one of the live projects by origin. Industries
    and origins beyond ``limit`` are summed as 其他.

    A project's investor is of its city (ProjectForm, the import): the join reads the city's
    investors only, not every investor of the province."""
    projects = Project.objects.in_city(city)
    stages: Counts = {}
    industries: Counts = {}
    for row in _counted(projects, "stage", "industry"):
        n, fdi = row["n"], row["fdi"]
        _add(stages, row["stage"], n, fdi)
        if row["stage"] != Stage.CANCELLED:
            _add(industries, row["industry"] or "", n, fdi)
    origins: Counts = {}
    own_investor = FilteredRelation("investor", condition=Q(investor__city=city))
    for row in _counted(
        projects.exclude(stage=Stage.CANCELLED).annotate(own_investor=own_investor),
        origin_kind=F("own_investor__origin_kind"),
        origin=F("own_investor__origin"),
    ):
        _add(origins, _origin(row["origin_kind"], row["origin"]), row["n"], row["fdi"])
    return CityBreakdowns(
        pipeline=_in_pipeline_order(stages),
        industries=_at_most(_largest_first(industries, dict(Industry.choices)), limit),
        origins=_at_most(_largest_first(origins, {}), limit),
    )


@dataclass(frozen=True)
class AgeBand:
    label: str
    count: int


def open_difficulties_by_age(
    city: City, today: dt.date, *, region: Region | None = None
) -> list[AgeBand]:
    """Difficulties not yet resolved, by how long they have been open: up to 30 days,
    31–90 days, over 90 days. One aggregate query."""
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
