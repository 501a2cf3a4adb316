"""Benchmark of the monthly-figures import: preview and apply of an N-row long-format xlsx.

    .venv/bin/python tests/bench/bench_import.py [ROWS]          # default 100 000 rows

Runs against a throw-away test database of the configured backend (``DATABASE_URL``; SQLite in
memory by default), never against the real one. Prints the time and the peak Python memory
(tracemalloc) of reading + checking the file (preview) and of writing it (apply). Timings are
measured without tracemalloc; the memory peaks in a second, traced run of each step (the traced
apply is rolled back). Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fdi_portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("STATIC_COLLECTED", "off")  # never collected here

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from assessments.models import MonthlyFigure  # noqa: E402
from assessments.services import apply_import, preview_figures_import  # noqa: E402
from fdi_portal.models import City, Region  # noqa: E402

YEARS = range(2001, 2101)  # 100 years × 12 months = 1 200 distinct cells per region
CELLS_PER_REGION = len(YEARS) * 12


def write_file(path: Path, rows: int) -> None:
    """A long-format file: a title row, the header, ``rows`` distinct cells, streamed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(["基准测试 实际使用外资"])
    sheet.append(["地区", "年份", "月份", "实际使用外资（万美元）"])
    for i in range(rows):
        region, cell = divmod(i, CELLS_PER_REGION)
        year, month = divmod(cell, 12)
        sheet.append([f"基准区{region:04d}", YEARS[year], month + 1, f"{i % 9973}.{i % 10000:04d}"])
    workbook.save(path)


def make_city(rows: int) -> City:
    city = City.objects.create(name="基准市", admin_code="990000", province="基准省")
    Region.objects.bulk_create(
        Region(city=city, name=f"基准区{i:04d}", kind=Region.Kind.DISTRICT, assessed=True, order=i)
        for i in range(-(-rows // CELLS_PER_REGION))
    )
    return city


def timed(step: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def traced(step: Callable[[], Any]) -> float:
    """Peak Python memory of ``step`` in MiB."""
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def rolled_back(step: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        with transaction.atomic():
            step()
            transaction.set_rollback(True)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    rows = parser.parse_args().rows

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        city = make_city(rows)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "figures.xlsx"
            _, written = timed(lambda: write_file(path, rows))
            size = path.stat().st_size / 2**20
            print(f"file       {rows:>8,} rows  {size:7.1f} MiB   written in {written:6.2f} s")

            def preview() -> Any:
                return preview_figures_import(path, city=city, max_bytes=None)

            result, preview_s = timed(preview)
            assert result.ok, result.errors[:5]
            assert result.counts["new"] == rows, result.counts
            preview_mib = traced(preview)
            print(f"preview    {preview_s:8.2f} s   peak {preview_mib:7.1f} MiB")

            apply_mib = traced(rolled_back(lambda: apply_import(result, user=None)))
            _, apply_s = timed(lambda: apply_import(result, user=None))
            stored = MonthlyFigure.objects.filter(region__city=city).count()
            assert stored == rows, stored
            print(f"apply      {apply_s:8.2f} s   peak {apply_mib:7.1f} MiB")

            again, again_s = timed(preview)
            assert again.counts == {"new": 0, "changed": 0, "unchanged": rows}, again.counts
            print(f"re-preview {again_s:8.2f} s   (all {rows:,} cells unchanged)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
