"""Benchmark of the monthly-figures import: preview and apply of an N-row long-format xlsx,
against merely reading the same file and against django-import-export, in one run.

    .venv/bin/python tests/bench/bench_import.py [ROWS] [--no-import-export] [--output PATH]

ROWS defaults to 100 000. Runs against a throw-away test database of the configured backend
(``DATABASE_URL``; SQLite in memory by default), never against the real one. For the same file,
in the same run, it times:

* the bare read by openpyxl (``read_only=True, data_only=True``, every value iterated): what
  the import's targets are measured against (docs/performance.md), and the bare read by python-calamine;
* the portal's preview (read, check every cell, compare with what is stored), its apply (write
  the figures and their history) and a second preview once everything is stored;
* django-import-export (a bench-only dependency, requirements-bench.txt) configured with its
  bulk options (``use_bulk``, ``batch_size``, ``skip_unchanged``, ``skip_diff``) on a resource
  keyed on region + year + month, the region found by name: a dry run and a real run, on an
  empty table as the portal's apply was. Skipped, with a line saying so, when not installed.

Prints the ratios preview / openpyxl read and apply / openpyxl read against the targets (0.5
and 1.5), and the peak Python memory (tracemalloc, in a second, traced run of each step; the
traced apply is rolled back) against 300 MB; writes the same table as markdown to ``--output``
(default var/bench/import.md). Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
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
from openpyxl import Workbook, load_workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from assessments.figure_imports import apply_import, preview_figures_import  # noqa: E402
from assessments.models import MonthlyFigure  # noqa: E402
from fdi_portal.lib.money import wan_to_base  # noqa: E402
from fdi_portal.models import City, Region  # noqa: E402

# 25 past years × 12 months = 300 distinct cells per region, 334 regions for 100 000 rows (the
# import takes 2000–2100 and refuses a month not begun).
YEARS = range(2000, 2025)
CELLS_PER_REGION = len(YEARS) * 12
HEADER = ["地区", "年份", "月份", "实际使用外资（万美元）"]
#: The issue's targets, as multiples of the bare openpyxl read, and the memory ceiling.
PREVIEW_TARGET = 0.5
APPLY_TARGET = 1.5
MEMORY_TARGET_MB = 300


def write_file(path: Path, rows: int) -> None:
    """A long-format file: a title row, the header, ``rows`` distinct cells, streamed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(["基准测试 实际使用外资"])
    sheet.append(HEADER)
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


def resident_peak(step: Callable[[], Any]) -> tuple[float, float] | None:
    """(resident memory before, peak resident memory while ``step`` runs), in MiB, of a forked
    copy of this process: what a worker doing it holds, Django and calamine's (Rust) memory
    included, which tracemalloc does not see. The child's peak is reset (Linux:
    /proc/self/clear_refs) before the step; its writes are lost with it (SQLite in memory) or
    rolled back (PostgreSQL: pass a rolled-back step). None where fork or clear_refs is
    missing."""
    clear = Path("/proc/self/clear_refs")
    if not hasattr(os, "fork") or not clear.exists():
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, leave without cleaning up the parent's things
        status = 1
        try:
            os.close(read)
            if connection.vendor != "sqlite":
                connection.connection = None  # the parent's socket: open a connection of our own
            clear.write_text("5")
            before = _status_kb("VmRSS")
            step()
            os.write(write, f"{before} {_status_kb('VmHWM')}".encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        data = answer.read()
    os.waitpid(pid, 0)
    if not data:
        return None
    before, peak = (int(kb) / 1024 for kb in data.split())
    return before, peak


def _status_kb(name: str) -> int:
    found = re.search(rf"{name}:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(found.group(1)) if found else 0


def rolled_back(step: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        with transaction.atomic():
            step()
            transaction.set_rollback(True)

    return run


def openpyxl_read(path: Path) -> int:
    """The bare read the targets are measured against: every value, nothing checked."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def calamine_read(path: Path) -> int:
    workbook = CalamineWorkbook.from_path(str(path))
    return sum(1 for _row in workbook.get_sheet_by_index(0).to_python(skip_empty_area=False))


def import_export_resource() -> Any:
    """A ModelResource for MonthlyFigure with django-import-export's bulk options; None when
    django-import-export is not installed."""
    try:
        from import_export import fields, resources, widgets
    except ImportError:
        return None

    class WanWidget(widgets.DecimalWidget):
        """万美元 in the file, USD in the table, as the portal stores it."""

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
            wan = super().clean(value, row, **kwargs)
            return None if wan is None else wan_to_base(wan)

    class FigureResource(resources.ModelResource):
        region = fields.Field(
            attribute="region",
            column_name="地区",
            widget=widgets.ForeignKeyWidget(Region, field="name"),
        )
        year = fields.Field(attribute="year", column_name="年份", widget=widgets.IntegerWidget())
        month = fields.Field(attribute="month", column_name="月份", widget=widgets.IntegerWidget())
        amount_usd = fields.Field(
            attribute="amount_usd", column_name="实际使用外资（万美元）", widget=WanWidget()
        )

        class Meta:
            model = MonthlyFigure
            fields = ("region", "year", "month", "amount_usd")
            import_id_fields = ("region", "year", "month")
            use_bulk = True
            batch_size = 1_000
            skip_unchanged = True
            skip_diff = True
            report_skipped = False
            use_transactions = True

    return FigureResource()


def import_export_runs(path: Path, rows: int) -> list[tuple[str, float | None, str]]:
    """(step, seconds, note) of django-import-export on ``path``, on an empty table."""
    resource = import_export_resource()
    if resource is None:
        return [
            ("django-import-export", None, "not installed: pip install -r requirements-bench.txt")
        ]
    import tablib

    def load() -> tablib.Dataset:
        dataset = tablib.Dataset()
        with path.open("rb") as stream:
            dataset.load(stream.read(), format="xlsx", skip_lines=1)  # the title row
        return dataset

    dataset, load_s = timed(load)
    assert len(dataset) == rows, len(dataset)
    result, dry_s = timed(lambda: resource.import_data(dataset, dry_run=True, raise_errors=True))
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert MonthlyFigure.objects.count() == 0
    result, real_s = timed(lambda: resource.import_data(dataset, dry_run=False, raise_errors=True))
    assert not result.has_errors()
    assert not result.has_validation_errors()
    stored = MonthlyFigure.objects.count()
    assert stored == rows, stored
    return [
        ("django-import-export: load (tablib, openpyxl)", load_s, ""),
        ("django-import-export: dry run", dry_s, "load not included"),
        ("django-import-export: import", real_s, "load not included; writes no history"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument(
        "--no-import-export", action="store_true", help="skip django-import-export (minutes)"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "var" / "bench" / "import.md")
    options = parser.parse_args()
    rows = options.rows
    lines: list[tuple[str, float | None, str]] = []

    def report(step: str, seconds: float | None, note: str = "") -> None:
        lines.append((step, seconds, note))
        shown = f"{seconds:8.2f} s" if seconds is not None else "       — "
        print(f"{step:48s} {shown}   {note}", flush=True)

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        city = make_city(rows)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "figures.xlsx"
            _, written = timed(lambda: write_file(path, rows))
            size = path.stat().st_size / 2**20
            report(f"write the file ({rows:,} rows, {size:.1f} MiB)", written)

            # Memory first, in copies of this still lean process: a worker previewing, and a
            # worker previewing then applying (as confirming does).
            resident = [
                resident_peak(lambda: preview_figures_import(path, city=city, max_bytes=None)),
                resident_peak(
                    rolled_back(
                        lambda: apply_import(
                            preview_figures_import(path, city=city, max_bytes=None), user=None
                        )
                    )
                ),
            ]

            count, openpyxl_s = timed(lambda: openpyxl_read(path))
            assert count == rows + 2, count
            report("bare read: openpyxl (read-only, values)", openpyxl_s, "the yardstick")
            count, calamine_s = timed(lambda: calamine_read(path))
            assert count == rows + 2, count
            report("bare read: python-calamine", calamine_s, f"{calamine_s / openpyxl_s:.2f}×")

            def preview() -> Any:
                return preview_figures_import(path, city=city, max_bytes=None)

            result, preview_s = timed(preview)
            assert result.ok, result.errors[:5]
            assert result.counts["new"] == rows, result.counts
            preview_mib = traced(preview)
            ratio = preview_s / openpyxl_s
            verdict = "met" if ratio <= PREVIEW_TARGET else "MISSED"
            report(
                "portal preview",
                preview_s,
                f"{ratio:.2f}× openpyxl (target ≤ {PREVIEW_TARGET}: {verdict}); "
                f"peak {preview_mib:.0f} MiB",
            )

            apply_mib = traced(rolled_back(lambda: apply_import(result, user=None)))
            _, apply_s = timed(lambda: apply_import(result, user=None))
            stored = MonthlyFigure.objects.filter(region__city=city).count()
            assert stored == rows, stored
            history = MonthlyFigure.history.filter(region__city=city).count()
            assert history == rows, history
            ratio = apply_s / openpyxl_s
            verdict = "met" if ratio <= APPLY_TARGET else "MISSED"
            report(
                "portal apply (figures and their history)",
                apply_s,
                f"{ratio:.2f}× openpyxl (target ≤ {APPLY_TARGET}: {verdict}); "
                f"peak {apply_mib:.0f} MiB",
            )

            again, again_s = timed(preview)
            assert again.counts == {"new": 0, "changed": 0, "unchanged": rows}, again.counts
            report("portal re-preview (every cell unchanged)", again_s)
            peak = max(preview_mib, apply_mib)
            MonthlyFigure.history.all().delete()
            MonthlyFigure.objects.all().delete()
            shown = "; ".join(
                "—" if r is None else f"{r[1]:.0f} (from {r[0]:.0f})" for r in resident
            )
            # The whole process's peak; "from" is what it held before (with SQLite, the test
            # database in memory is part of it).
            worst = max([peak, *(r[1] for r in resident if r is not None)])
            report(
                "peak memory (MiB, not seconds)",
                None,
                f"Python objects {peak:.0f} MiB (tracemalloc); whole process previewing; "
                f"previewing and applying: {shown} MiB (target ≤ {MEMORY_TARGET_MB}: "
                f"{'met' if worst <= MEMORY_TARGET_MB else 'MISSED'})",
            )

            if options.no_import_export:
                report("django-import-export", None, "skipped (--no-import-export)")
            else:
                for step, seconds, note in import_export_runs(path, rows):
                    if seconds is not None and "load" not in step:
                        note = f"{seconds / openpyxl_s:.1f}× openpyxl; {note}".rstrip("; ")
                    report(step, seconds, note)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    write_markdown(options.output, rows, lines)


def write_markdown(path: Path, rows: int, lines: list[tuple[str, float | None, str]]) -> None:
    backend = connection.vendor
    table = [
        f"# Import benchmark: {rows:,} rows",
        "",
        f"`tests/bench/bench_import.py`, {backend}, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| step | seconds | |",
        "| --- | ---: | --- |",
        *(
            f"| {step} | {'' if seconds is None else f'{seconds:.2f}'} | {note} |"
            for step, seconds, note in lines
        ),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(table), encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
