"""Fixtures for the assessments tests: real xlsx files written with openpyxl into tmp_path, the
state of the figure tables, and issued notices."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from assessments.models import MonthlyFigure, Notice, RegionTarget
from fdi_portal.models import City, Region

MakeXlsx = Callable[..., Path]


def _cache_formula_values(path: Path, cached: Mapping[str, str]) -> None:
    """Give openpyxl-written formulas the values Excel caches on save:
    ``<c r="E7"><f>E5+1</f><v>101</v></c>`` (openpyxl itself writes ``<v/>``, or ``<v></v>``
    when lxml is installed, as python-docx needs it)."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                for ref, value in cached.items():
                    xml, count = re.subn(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)',
                        rf"\g<1>\g<2><v>{value}</v>",
                        xml,
                    )
                    assert count == 1, f"no formula at {ref}"
                data = xml.encode()
            archive.writestr(info, data)


@pytest.fixture
def xlsx(tmp_path: Path) -> MakeXlsx:
    """Write ``rows`` to a real xlsx file and return its path.

    ``merges``: cell ranges to merge (title rows); ``cached``: formula cell → the value Excel
    would have cached; ``title``: the sheet's name.
    """
    made = 0

    def make(
        rows: Sequence[Sequence[object]],
        *,
        merges: Sequence[str] = (),
        cached: Mapping[str, str] | None = None,
        title: str = "Sheet1",
        name: str | None = None,
    ) -> Path:
        nonlocal made
        made += 1
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = title
        for row in rows:
            sheet.append(list(row))
        for cells in merges:
            sheet.merge_cells(cells)
        path = tmp_path / (name or f"upload-{made}.xlsx")
        workbook.save(path)
        if cached:
            _cache_formula_values(path, cached)
        return path

    return make


@pytest.fixture
def region(fangchenggang: City) -> Callable[[str], Region]:
    """A seed region by name (any city)."""

    def get(name: str) -> Region:
        return Region.objects.get(name=name)

    return get


@pytest.fixture
def stored_figures() -> Callable[[], dict[tuple[str, int, int], Decimal]]:
    """Every stored figure as (region name, year, month) → USD."""

    def read() -> dict[tuple[str, int, int], Decimal]:
        return {
            (f.region.name, f.year, f.month): f.amount_usd
            for f in MonthlyFigure.objects.select_related("region")
        }

    return read


@pytest.fixture
def stored_targets() -> Callable[[], dict[tuple[str, int], Decimal]]:
    """Every stored region target as (region name, year) → USD."""

    def read() -> dict[tuple[str, int], Decimal]:
        return {
            (t.region.name, t.year): t.target_usd
            for t in RegionTarget.objects.select_related("region")
        }

    return read


@pytest.fixture
def table_state() -> Callable[[], dict[str, object]]:
    """Everything an import may write: rows, their values and every history table."""

    def read() -> dict[str, object]:
        return {
            "figures": sorted(
                MonthlyFigure.objects.values_list("region_id", "year", "month", "amount_usd")
            ),
            "targets": sorted(RegionTarget.objects.values_list("region_id", "year", "target_usd")),
            "figure_history": MonthlyFigure.history.count(),
            "target_history": RegionTarget.history.count(),
        }

    return read


@pytest.fixture
def issue_notice() -> Callable[..., Notice]:
    """An issued monthly notice of ``city`` for ``month`` of ``year``."""

    def issue(city: City, year: int, month: int, *, status: str = Notice.Status.ISSUED) -> Notice:
        return Notice.objects.create(
            city=city, kind=Notice.Kind.MONTHLY, year=year, month=month, status=status
        )

    return issue
