"""Loaders: a few aggregate queries that turn stored targets and figures into plain data for the
pages and for the calculations. Query counts never depend on the number of regions or months."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from assessments.models import CityTarget, MonthlyFigure, RegionTarget
from fdi_portal.models import City, Region

MONTHS = range(1, 13)


@dataclass(frozen=True)
class GridCell:
    month: int
    amount_usd: Decimal | None
    last_year_usd: Decimal | None
    is_demo: bool = False


@dataclass(frozen=True)
class GridRow:
    region: Region
    cells: tuple[GridCell, ...]
    ytd_usd: Decimal
    ytd_last_year_usd: Decimal
    target_usd: Decimal | None

    @property
    def completion(self) -> Decimal | None:
        return self.ytd_usd / self.target_usd if self.target_usd else None


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
