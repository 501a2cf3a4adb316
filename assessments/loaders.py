"""Loaders: a few aggregate queries that turn stored plans, targets and figures into the plain
inputs of ``calculations`` and ``scoring``. Nothing here computes a figure: completion, on
track, growth, rank, shortfall and scores come from the pure modules. Query counts never depend
on the number of regions, months or cities."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, F, JSONField, OuterRef, Q, Subquery, Sum

from assessments import calculations as calc
from assessments.models import CityTarget, Interview, MonthlyFigure, ProgressSchedule, RegionTarget
from fdi_portal.models import City, Region

if TYPE_CHECKING:
    from tasks.models import Plan

MONTHS = range(1, 13)


def region_code(region: Region) -> str:
    """The code a region is reported under: its administrative code (parks have none)."""
    return region.admin_code or f"id{region.pk}"


# ------------------------------------------------------------------------------------------
# Plans and their progress schedules
# ------------------------------------------------------------------------------------------


def _in_force(plans, year: int):
    """``plans`` that govern ``year``, the governing one first: the annual plan of that year,
    else the latest multi-year plan that covers it (from its first year, else the year it was
    issued, to its last year if it states one)."""
    multi_year = (
        Q(year__isnull=True)
        & (Q(first_year__lte=year) | Q(first_year__isnull=True, issued_on__year__lte=year))
        & (Q(last_year__isnull=True) | Q(last_year__gte=year))
    )
    return plans.filter(Q(year=year) | multi_year).order_by(
        "city_id", F("year").desc(nulls_last=True), F("issued_on").desc(nulls_last=True)
    )


def _plans_in_force(cities: Iterable[City], year: int):
    from tasks.models import Plan

    # The document's full text is not needed to supervise it.
    plans = Plan.objects.filter(city__in=cities).defer("source_text")
    return _in_force(plans, year).select_related("progress_schedule", "scoring_scheme")


def plan_for(city: City, year: int) -> Plan | None:
    """The plan that governs ``city``'s supervision in ``year``, with its schedule and scheme
    (one query): the annual plan of that year, else the latest multi-year plan issued by then.
    None when the city has no plan."""
    return _plans_in_force([city], year).first()


@dataclass(frozen=True)
class PlanSchedule:
    """A plan's progress schedule for one year, ready for the calculations."""

    schedule: calc.RequiredShares
    method: str
    label: str
    is_default: bool


def stored_schedule(plan: Plan | None) -> ProgressSchedule | None:
    """The plan's stored schedule row, or None (no query: selected with the plan)."""
    try:
        return plan.progress_schedule if plan is not None else None
    except ObjectDoesNotExist:
        return None


def schedule_for(plan: Plan | None, year: int) -> PlanSchedule:
    """The 序时进度 every page and command uses for ``plan`` in ``year``: months ÷ 12 when the
    plan has none, days elapsed ÷ days in ``year``, or the plan's custom shares."""
    stored = stored_schedule(plan)
    if stored is None:
        return _schedule(None, [], "", True, year)
    return _schedule(stored.method, stored.shares, stored.label, stored.is_default, year)


def _schedule(
    method: str | None, shares: Sequence[str], label: str | None, is_default: bool, year: int
) -> PlanSchedule:
    if method == ProgressSchedule.Method.DAYS:
        schedule = calc.RequiredShares.by_days(year)
    elif method == ProgressSchedule.Method.CUSTOM:
        schedule = calc.RequiredShares(tuple(Fraction(str(s)) for s in shares))
    else:
        method, schedule = ProgressSchedule.Method.MONTHS, calc.RequiredShares.even()
    return PlanSchedule(schedule, method, label or "", is_default)


# ------------------------------------------------------------------------------------------
# Figures: the last period reported, the grid, the notice's inputs
# ------------------------------------------------------------------------------------------


def latest_period(city: City, year: int | None = None) -> tuple[int, int] | None:
    """The last (year, month) any assessed region of ``city`` has a figure for — within
    ``year`` when given. One query."""
    figures = MonthlyFigure.objects.filter(region__city=city, region__assessed=True)
    if year is not None:
        figures = figures.filter(year=year)
    return figures.order_by("-year", "-month").values_list("year", "month").first()


def latest_figure_month(city: City, year: int) -> int | None:
    """The last month of ``year`` any assessed region of ``city`` has a figure for."""
    period = latest_period(city, year)
    return period[1] if period else None


def latest_year(city: City) -> int | None:
    """The last year any assessed region of ``city`` has a figure for."""
    period = latest_period(city)
    return period[0] if period else None


@dataclass(frozen=True)
class NoticeInputs:
    """Everything the monthly notice of ``city`` for ``month`` of ``year`` is computed from."""

    city: City
    year: int
    month: int
    regions: tuple[Region, ...]
    inputs: tuple[calc.RegionMonthlyInput, ...]
    city_target: calc.CityTargetValues
    schedule: PlanSchedule
    plan: Plan | None

    def compute(self) -> calc.MonthlyNotice:
        return calc.build_monthly_notice(
            self.year, self.month, self.inputs, self.city_target, self.schedule.schedule
        )


def city_target(city: City, year: int) -> calc.CityTargetValues:
    """The city's one target for ``year`` (amount and growth; set on the grid or from the
    plan's goals), as the calculations take it. One query."""
    row = (
        CityTarget.objects.filter(city=city, year=year)
        .order_by()
        .values("target_usd", "growth_target")
        .first()
    )
    return calc.CityTargetValues(
        row["target_usd"] if row else None, row["growth_target"] if row else None
    )


def monthly_amounts(
    regions: Sequence[Region], years: Iterable[int], *, through_month: int = 12
) -> dict[tuple[int, int], dict[int, Decimal]]:
    """(region id, year) → {month: USD} for ``regions`` in ``years``, months 1..through_month.
    One query."""
    amounts: dict[tuple[int, int], dict[int, Decimal]] = {}
    for region_id, year, month, amount in (
        MonthlyFigure.objects.filter(
            region__in=regions, year__in=list(years), month__lte=through_month
        )
        .order_by()
        .values_list("region_id", "year", "month", "amount_usd")
    ):
        amounts.setdefault((region_id, year), {})[month] = amount
    return amounts


def region_histories(
    region_ids: Iterable[int], years: Iterable[int]
) -> dict[int, dict[tuple[int, int], Decimal]]:
    """Region id → {(year, month): USD} of the official figures of ``years``: what the
    plausibility checks compare a new value with. One query."""
    histories: dict[int, dict[tuple[int, int], Decimal]] = {}
    for region_id, year, month, amount in (
        MonthlyFigure.objects.filter(region_id__in=set(region_ids), year__in=set(years))
        .order_by()
        .values_list("region_id", "year", "month", "amount_usd")
    ):
        histories.setdefault(region_id, {})[(year, month)] = amount
    return histories


def notice_inputs(
    city: City, year: int, month: int, *, regions: Sequence[Region] | None = None
) -> NoticeInputs:
    """Load the notice's inputs with five queries, whatever the number of regions and months:
    the assessed regions, the monthly figures of this year and last year up to ``month``, the
    region targets, the city target, and the plan with its schedule."""
    regions = tuple(Region.objects.in_city(city).assessed() if regions is None else regions)
    amounts = monthly_amounts(regions, (year, year - 1), through_month=month)
    targets = dict(
        RegionTarget.objects.filter(region__in=regions, year=year)
        .order_by()
        .values_list("region_id", "target_usd")
    )
    plan = plan_for(city, year)
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
        city_target=city_target(city, year),
        schedule=schedule_for(plan, year),
        plan=plan,
    )


@dataclass(frozen=True)
class CitySums:
    """One city's assessed regions summed month by month (for the province comparison)."""

    city: City
    year: int
    through_month: int | None
    ytd_usd: Decimal
    ytd_last_year_usd: Decimal
    month_usd: Decimal | None
    city_target: calc.CityTargetValues
    schedule: PlanSchedule


def city_sums(cities: Sequence[City], year: int) -> list[CitySums]:
    """Each city's utilised FDI of ``year`` to the last month it reported and the same months
    of last year, its target and its plan's schedule. Assessed regions only (parks count under
    their county). Two queries, whatever the number of cities, regions and months."""
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
    # The city target and the governing plan's schedule of every city, in one query.
    from tasks.models import Plan

    target = CityTarget.objects.filter(city=OuterRef("pk"), year=year)
    plan = _in_force(Plan.objects.filter(city=OuterRef("pk")), year)

    def schedule_field(name: str, output_field: Any = None) -> Subquery:
        return Subquery(plan.values(f"progress_schedule__{name}")[:1], output_field=output_field)

    settings = {
        row["pk"]: row
        for row in City.objects.filter(pk__in=[city.pk for city in cities])
        .annotate(
            target_usd=Subquery(target.values("target_usd")[:1]),
            growth_target=Subquery(target.values("growth_target")[:1]),
            schedule_method=schedule_field("method"),
            schedule_shares=schedule_field("shares", JSONField()),
            schedule_label=schedule_field("label"),
            schedule_is_default=schedule_field("is_default"),
        )
        .values(
            "pk",
            "target_usd",
            "growth_target",
            "schedule_method",
            "schedule_shares",
            "schedule_label",
            "schedule_is_default",
        )
    }
    result = []
    for city in cities:
        through = max((m for (c, y, m) in sums if c == city.pk and y == year), default=None)
        months = range(1, (through or 0) + 1)
        row = settings[city.pk]
        result.append(
            CitySums(
                city=city,
                year=year,
                through_month=through,
                ytd_usd=sum((sums.get((city.pk, year, m), Decimal(0)) for m in months), Decimal(0)),
                ytd_last_year_usd=sum(
                    (sums.get((city.pk, year - 1, m), Decimal(0)) for m in months), Decimal(0)
                ),
                month_usd=sums.get((city.pk, year, through)) if through else None,
                city_target=calc.CityTargetValues(row["target_usd"], row["growth_target"]),
                schedule=_schedule(
                    row["schedule_method"],
                    row["schedule_shares"] or [],
                    row["schedule_label"],
                    row["schedule_method"] is None or bool(row["schedule_is_default"]),
                    year,
                ),
            )
        )
    return result


# ------------------------------------------------------------------------------------------
# What the annual score and the quarterly review read from other apps
# ------------------------------------------------------------------------------------------


def interview_counts(city: City, year: int) -> dict[int, int]:
    """Region id → interviews of ``year`` (one query)."""
    return dict(
        Interview.objects.filter(city=city, year=year)
        .values("region_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("region_id", "n")
    )


def promotion_event_counts(city: City, year: int) -> dict[int, int]:
    """Region id → FDI-themed promotion events the region organised in ``year`` (one
    query): the count the promotion-events indicator and the events page both use."""
    from projects.figures import event_counts

    return dict(event_counts(city, year).by_region)


def campaign_figures(city: City, year: int, month: int) -> list:
    """The quarter's campaign figures (projects signed, landed, landing and arrival rates) by
    campaign and region, January to ``month`` (projects.figures computes them)."""
    from projects.figures import campaign_figures as figures

    return list(figures(city, year, month))


def project_goal_figures(city: City, year: int, *, campaigns: list[str], month: int):
    """The project figures the plan goals measure (projects.figures computes them)."""
    from projects.figures import project_goal_figures as figures

    return figures(
        city, year, registered_campaigns=campaigns, landing_campaigns=campaigns, up_to_month=month
    )
