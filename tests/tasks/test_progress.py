"""The quarterly progress arithmetic (tasks/progress.py): pure, no database."""

from __future__ import annotations

import datetime as dt

from tasks import progress

UNITS = ["市商务局", "市投资促进局"]


def test_a_quarters_reports_are_due_ten_days_after_it_ends():
    assert progress.quarter_end(2021, 1) == dt.date(2021, 3, 31)
    assert progress.quarter_end(2021, 4) == dt.date(2021, 12, 31)
    assert progress.due_date(2021, 1) == dt.date(2021, 4, 10)
    assert progress.due_date(2021, 4) == dt.date(2022, 1, 10)


def test_a_missing_report_is_pending_on_the_due_date_and_overdue_the_day_after():
    on_due = progress.cell(
        units=UNITS, reports={}, year=2021, quarter=1, today=dt.date(2021, 4, 10)
    )
    after = progress.cell(units=UNITS, reports={}, year=2021, quarter=1, today=dt.date(2021, 4, 11))
    assert on_due.status == "pending"
    assert after.status == "overdue"
    assert after.missing == ("市商务局", "市投资促进局")


def test_one_missing_unit_makes_the_task_overdue_even_if_the_other_reported_done():
    cell = progress.cell(
        units=UNITS, reports={"市商务局": "done"}, year=2021, quarter=2, today=dt.date(2021, 8, 1)
    )
    assert cell.status == "overdue"
    assert cell.reported == (("市商务局", "done"),)
    assert cell.missing == ("市投资促进局",)


def test_the_worst_reported_status_is_the_tasks_status():
    reports = {"市商务局": "done", "市投资促进局": "behind"}
    cell = progress.cell(
        units=UNITS, reports=reports, year=2021, quarter=2, today=dt.date(2021, 8, 1)
    )
    assert cell.status == "behind"
    assert not cell.on_track
    reports = {"市商务局": "done", "市投资促进局": "in_progress"}
    cell = progress.cell(
        units=UNITS, reports=reports, year=2021, quarter=2, today=dt.date(2021, 8, 1)
    )
    assert cell.status == "in_progress"
    assert cell.on_track


def test_quarters_ending_before_the_plan_was_issued_expect_no_report():
    cell = progress.cell(
        units=UNITS,
        reports={},
        year=2023,
        quarter=3,
        today=dt.date(2024, 2, 1),
        issued_on=dt.date(2023, 10, 13),
    )
    assert cell.status == "not_due"
    q4 = progress.cell(
        units=UNITS,
        reports={},
        year=2023,
        quarter=4,
        today=dt.date(2024, 2, 1),
        issued_on=dt.date(2023, 10, 13),
    )
    assert q4.status == "overdue"


def test_the_reference_quarter_is_the_latest_one_due():
    assert progress.reference_quarter(2021, dt.date(2021, 4, 10)) is None
    assert progress.reference_quarter(2021, dt.date(2021, 4, 11)) == 1
    assert progress.reference_quarter(2021, dt.date(2021, 10, 11)) == 3
    assert progress.reference_quarter(2021, dt.date(2030, 1, 1)) == 4


def test_the_share_on_track_ignores_quarters_with_nothing_expected():
    cells = [
        progress.Cell("done", (), ()),
        progress.Cell("in_progress", (), ()),
        progress.Cell("overdue", (), ("x",)),
        progress.Cell("not_due", (), ()),
    ]
    # 2 of the 3 counted cells are on track
    assert progress.share_on_track(cells) == (2, 3)
