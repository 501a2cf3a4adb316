"""The dashboards' breakdowns of a city's projects: the pipeline by stage, live projects by
industry or investor origin, open difficulties by age, and each city's projects for the
province view. One aggregate query each, whatever the number of projects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum, Value
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
    stages = dict(Stage.choices)
    by_key = {b.key: b for b in _breakdown(projects, "stage", stages)}
    return [by_key.get(key) or Breakdown(key, str(label), 0, ZERO) for key, label in stages.items()]


def projects_by(city: City, field: str, *, limit: int = 8) -> list[Breakdown]:
    """Live projects (not cancelled) by ``industry`` or investor origin, the largest first;
    the rest summed as 其他 beyond ``limit``. One query."""
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
