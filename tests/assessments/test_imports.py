"""Spreadsheet imports of monthly figures and yearly targets (assessments.figure_imports), against real
xlsx files. Amounts in the files are 万美元; stored amounts are USD: 1 万美元 = 10 000 USD, so
every expected figure below is the file's number with the decimal point moved four places."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assessments.figure_imports import (
    apply_import,
    preview_figures_import,
    preview_targets_import,
)
from assessments.figures import set_monthly_figure, set_region_target
from assessments.models import MonthlyFigure, Notice, RegionTarget
from fdi_portal.lib.spreadsheets import ErrorCode

LIMIT = 20 * 1024 * 1024
LONG_HEADER = ["地区", "年份", "月份", "实际使用外资（万美元）"]
TARGET_HEADER = ["地区", "年份", "目标（万美元）"]


def figures(path: Path, city, *, max_bytes: int | None = LIMIT):
    return preview_figures_import(path, city=city, max_bytes=max_bytes)


def targets(path: Path, city, *, max_bytes: int | None = LIMIT):
    return preview_targets_import(path, city=city, max_bytes=max_bytes)


def located(preview) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.sheet, p.row, p.column, p.code) for p in preview.problems]


@pytest.fixture
def existing(fangchenggang, region) -> None:
    """港口区 has a January 2021 figure of 100万美元 and a 2021 target of 1000万美元."""
    MonthlyFigure.objects.create(
        region=region("港口区"), year=2021, month=1, amount_usd=Decimal("1000000.00")
    )
    RegionTarget.objects.create(region=region("港口区"), year=2021, target_usd=Decimal("1e7"))


# --------------------------------------------------------------------------- bad files

# Rows 2 and 3 are fine (a change and a new figure); row 4 is the bad one.
BAD_FIGURE_ROWS = {
    "an unknown region": (["某某县", 2021, 2, 5], "A", ErrorCode.INVALID),
    "a region of another city": (["凉州区", 2021, 2, 5], "A", ErrorCode.INVALID),
    "another city's region by code": (["620602", 2021, 2, 5], "A", ErrorCode.INVALID),
    "a park that is not assessed": (["经开区", 2021, 2, 5], "A", ErrorCode.INVALID),
    "an empty region": ([None, 2021, 2, 5], "A", ErrorCode.REQUIRED),
    "a year before 2000": (["上思县", 1999, 2, 5], "B", ErrorCode.BAD_YEAR),
    "a year after 2100": (["上思县", 2101, 2, 5], "B", ErrorCode.BAD_YEAR),
    "month 13": (["上思县", 2021, 13, 5], "C", ErrorCode.BAD_MONTH),
    "month 0": (["上思县", 2021, "0月", 5], "C", ErrorCode.BAD_MONTH),
    "a negative amount": (["上思县", 2021, 2, -5], "D", ErrorCode.NEGATIVE),
    "an empty amount": (["上思县", 2021, 2, None], "D", ErrorCode.REQUIRED),
    "a non-numeric amount": (["上思县", 2021, 2, "五十"], "D", ErrorCode.NOT_NUMBER),
    "an amount with a unit": (["上思县", 2021, 2, "50万"], "D", ErrorCode.NOT_NUMBER),
    "five decimals": (["上思县", 2021, 2, "1.23456"], "D", ErrorCode.TOO_MANY_DECIMALS),
    "an amount too large to store": (["上思县", 2021, 2, 10**10], "D", ErrorCode.OUT_OF_RANGE),
    "the same region and month twice": (["防城区", 2021, 1, 5], "A", ErrorCode.DUPLICATE_ROW),
    "the same region twice, once by code": (
        ["450603", 2021, "1月", 80],
        "A",
        ErrorCode.DUPLICATE_ROW,
    ),
    "a 合计 row that disagrees": (["合计", None, None, 230.01], "D", ErrorCode.TOTALS_MISMATCH),
}


@pytest.mark.parametrize(
    ("bad_row", "column", "code"), BAD_FIGURE_ROWS.values(), ids=BAD_FIGURE_ROWS.keys()
)
@pytest.mark.django_db
def test_a_bad_figures_row_is_reported_at_its_cell_and_not_one_row_is_written(
    existing, fangchenggang, clerk, xlsx, table_state, bad_row, column, code
) -> None:
    path = xlsx(
        [LONG_HEADER, ["港口区", 2021, 1, 150], ["防城区", 2021, 1, 80], bad_row],
        title="2021年",
    )
    before = table_state()

    preview = figures(path, fangchenggang)

    assert located(preview) == [("2021年", 4, column, code)]
    header = LONG_HEADER["ABCD".index(column)]
    assert preview.errors[0].startswith(f'工作表"2021年" 第4行 {column}列〈{header}〉：')
    assert preview.changes == ()
    with pytest.raises(ValidationError):
        apply_import(preview, user=clerk, reason="月报更正")
    assert table_state() == before


@pytest.mark.django_db
def test_a_region_of_another_city_names_that_city(fangchenggang, xlsx) -> None:
    path = xlsx([LONG_HEADER, ["港口区", 2021, 1, 150], ["凉州区", 2021, 1, 5]])

    preview = figures(path, fangchenggang)

    [problem] = preview.problems
    assert (problem.row, problem.column, problem.header) == (3, "A", "地区")
    assert "凉州区" in problem.message
    assert "武威市" in problem.message


@pytest.mark.django_db
def test_every_bad_cell_of_a_file_is_reported_in_row_order(fangchenggang, xlsx) -> None:
    path = xlsx(
        [
            LONG_HEADER,
            ["某某县", 2021, 1, 5],
            ["上思县", 2021, 13, -1],
            ["经开区", 1999, 1, "abc"],
        ]
    )

    preview = figures(path, fangchenggang)

    assert [(p.row, p.column) for p in preview.problems] == [
        (2, "A"),
        (3, "C"),
        (3, "D"),
        (4, "A"),
        (4, "B"),
        (4, "D"),
    ]


BAD_FILES = {
    "a sheet with no recognisable header": ErrorCode.NO_HEADER,
    "a CSV file named .xlsx": ErrorCode.NOT_XLSX,
    "a file larger than the limit": ErrorCode.FILE_TOO_LARGE,
}


@pytest.mark.parametrize("code", BAD_FILES.values(), ids=BAD_FILES.keys())
@pytest.mark.django_db
def test_a_bad_file_is_reported_and_changes_nothing(
    existing, fangchenggang, clerk, xlsx, tmp_path, table_state, code
) -> None:
    good = [LONG_HEADER, ["港口区", 2021, 1, 150], ["防城区", 2021, 1, 80]]
    max_bytes = LIMIT
    if code == ErrorCode.NO_HEADER:
        path = xlsx([["名称", "金额"], ["港口区", 150]])
    elif code == ErrorCode.NOT_XLSX:
        path = tmp_path / "figures.xlsx"
        path.write_text("地区,年份,月份,实际使用外资（万美元）\n港口区,2021,1,150\n", "utf-8")
    else:
        path = xlsx(good)
        max_bytes = path.stat().st_size - 1
    before = table_state()

    preview = figures(path, fangchenggang, max_bytes=max_bytes)

    [problem] = preview.problems
    assert (problem.row, problem.column, problem.code) == (None, None, code)
    assert preview.errors == (str(problem),)
    assert preview.changes == ()
    with pytest.raises(ValidationError):
        apply_import(preview, user=clerk)
    assert table_state() == before


@pytest.mark.django_db
def test_the_same_region_and_month_twice_in_the_wide_layout_is_reported_at_the_month(
    existing, fangchenggang, xlsx, table_state
) -> None:
    path = xlsx(
        [
            ["地区", "年份", "1月", "2月", "3月"],
            ["防城区", 2021, 10, 20, None],
            ["上思县", 2021, 5, None, None],
            ["防城区", 2021, None, 20, 30],
        ]
    )

    preview = figures(path, fangchenggang)

    assert located(preview) == [("Sheet1", 4, "D", ErrorCode.DUPLICATE_ROW)]
    assert preview.errors[0].startswith('工作表"Sheet1" 第4行 D列〈2月〉：')


BAD_TARGET_ROWS = {
    "an unknown region": (["某某县", 2021, 5], "A", ErrorCode.INVALID),
    "a region of another city": (["凉州区", 2021, 5], "A", ErrorCode.INVALID),
    "a park that is not assessed": (["高新区", 2021, 5], "A", ErrorCode.INVALID),
    "a year out of range": (["上思县", 3021, 5], "B", ErrorCode.BAD_YEAR),
    "a negative target": (["上思县", 2021, -5], "C", ErrorCode.NEGATIVE),
    "an empty target": (["上思县", 2021, None], "C", ErrorCode.REQUIRED),
    "a non-numeric target": (["上思县", 2021, "待定"], "C", ErrorCode.NOT_NUMBER),
    "the same region and year twice": (["防城区", 2021, 5], "A", ErrorCode.DUPLICATE_ROW),
    "a 全市 row that disagrees": (["全市", None, 1999], "C", ErrorCode.TOTALS_MISMATCH),
}


@pytest.mark.parametrize(
    ("bad_row", "column", "code"), BAD_TARGET_ROWS.values(), ids=BAD_TARGET_ROWS.keys()
)
@pytest.mark.django_db
def test_a_bad_targets_row_is_reported_at_its_cell_and_not_one_row_is_written(
    existing, fangchenggang, clerk, xlsx, table_state, bad_row, column, code
) -> None:
    path = xlsx([TARGET_HEADER, ["港口区", 2021, 1200], ["防城区", 2021, 800], bad_row])
    before = table_state()

    preview = targets(path, fangchenggang)

    assert located(preview) == [("Sheet1", 4, column, code)]
    assert preview.changes == ()
    with pytest.raises(ValidationError):
        apply_import(preview, user=clerk)
    assert table_state() == before


# --------------------------------------------------------------------------- good files


@pytest.mark.django_db
def test_a_bureau_style_figures_file_with_every_quirk_imports_the_right_amounts(
    fangchenggang, clerk, xlsx, stored_figures
) -> None:
    path = xlsx(
        [
            ["2021年防城港市各县（市、区）实际使用外资情况表"],
            ["（含投资性公司）"],
            [None, None, None, None, None, "单位：万美元"],
            ["序号", "地　区", " 年份 ", "1月", "2月", "3月", "备注"],
            [1, "港口区", 2021, "1,234.5678", 100, None, "含增资"],
            [],
            [2, "防城区", "2021年", 0.5, "=E5+1", " 2,000 "],
            [3, 450621, 2021, "12.3456", None, "-"],  # 上思县 by its code, as a number
            [4, "东兴市", 2021, None, None, 7],
            [None, None, None, None, None, None, None],
            ["合计", None, None, "=SUM(D5:D9)", 201, "2,007"],
            ["注：数据来源于商务部外资统计系统。"],
        ],
        merges=["A1:G1", "A2:G2"],
        cached={"E7": "101", "D11": "1247.4134"},
    )

    preview = figures(path, fangchenggang)
    counts = apply_import(preview, user=clerk)

    assert preview.errors == ()
    assert counts == {"new": 7, "changed": 0, "unchanged": 0}
    assert stored_figures() == {
        ("港口区", 2021, 1): Decimal("12345678.00"),  # 1,234.5678万 as text
        ("港口区", 2021, 2): Decimal("1000000.00"),  # 100万
        ("防城区", 2021, 1): Decimal("5000.00"),  # 0.5万
        ("防城区", 2021, 2): Decimal("1010000.00"),  # =E5+1, cached 101万
        ("防城区", 2021, 3): Decimal("20000000.00"),  # " 2,000 "万
        ("上思县", 2021, 1): Decimal("123456.00"),  # 12.3456万
        ("东兴市", 2021, 3): Decimal("70000.00"),  # 7万
    }


@pytest.mark.django_db
def test_a_bureau_style_targets_file_with_a_correct_全市_row_imports(
    fangchenggang, clerk, xlsx, stored_targets
) -> None:
    path = xlsx(
        [
            ["2021年各县（市、区）实际使用外资目标任务分解表"],
            ["单位：万美元"],
            ["地区", "年份", "目标(万美元)", "说明"],
            ["港口区", 2021, "2,500", "按上年基数"],
            ["防城区", 2021, "1,800.25", None],
            [],
            ["上思县", 2021, 699.7500, None],
            ["东兴市", 2021, "=1000+1000", None],
            ["全市", None, "7,000"],
        ],
        merges=["A1:D1"],
        cached={"C8": "2000"},
    )

    preview = targets(path, fangchenggang)
    apply_import(preview, user=clerk)

    assert preview.errors == ()
    assert stored_targets() == {
        ("港口区", 2021): Decimal("25000000.00"),
        ("防城区", 2021): Decimal("18002500.00"),
        ("上思县", 2021): Decimal("6997500.00"),
        ("东兴市", 2021): Decimal("20000000.00"),
    }  # 2500 + 1800.25 + 699.75 + 2000 = 7000万, as the 全市 row says


@pytest.mark.django_db
def test_the_long_and_the_wide_layout_import_the_same_figures(
    fangchenggang, clerk, xlsx, stored_figures
) -> None:
    long = xlsx(
        [
            ["地区", "年份", "月份", "实际使用外资(万美元)"],
            ["港口区", 2021, 1, 10],
            ["港口区", 2021, "3月", "20.5"],
            ["东兴市", 2022, "02", 3],
        ]
    )
    wide = xlsx(
        [
            ["地区", "年份", "1月", "2月", "3月"] + [f"{m}月" for m in range(4, 13)],
            ["港口区", 2021, 10, None, 20.5],
            ["东兴市", 2022, None, 3],
        ]
    )
    expected = {
        ("港口区", 2021, 1): Decimal("100000.00"),
        ("港口区", 2021, 3): Decimal("205000.00"),
        ("东兴市", 2022, 2): Decimal("30000.00"),
    }

    apply_import(figures(long, fangchenggang), user=clerk)
    assert stored_figures() == expected
    MonthlyFigure.objects.all().delete()
    apply_import(figures(wide, fangchenggang), user=clerk)
    assert stored_figures() == expected


@pytest.mark.django_db
def test_a_region_is_found_by_name_short_name_code_and_code_as_a_number(
    wuwei, wuwei_clerk, xlsx, stored_targets
) -> None:
    path = xlsx(
        [
            TARGET_HEADER,
            ["凉州区", 2023, 1],
            ["620621", 2023, 2],  # 民勤县
            [620622, 2023, 3],  # 古浪县
            ["天祝县", 2023, 4],  # short name of 天祝藏族自治县
        ]
    )

    apply_import(targets(path, wuwei), user=wuwei_clerk)

    assert stored_targets() == {
        ("凉州区", 2023): Decimal("10000.00"),
        ("民勤县", 2023): Decimal("20000.00"),
        ("古浪县", 2023): Decimal("30000.00"),
        ("天祝藏族自治县", 2023): Decimal("40000.00"),
    }


@pytest.mark.django_db
def test_a_park_written_with_half_width_brackets_is_recognised_as_a_park(wuwei, xlsx) -> None:
    path = xlsx([TARGET_HEADER, ["甘肃(武威)国际陆港", 2023, 1], ["凉 州 区", 2023, 2]])

    with translation.override("en"):
        preview = targets(path, wuwei)

    [problem] = preview.problems
    assert (problem.row, problem.column) == (2, "A")
    assert "is a park or zone" in problem.message


@pytest.mark.django_db
def test_without_a_city_regions_of_every_city_are_found(seed, xlsx, stored_figures) -> None:
    path = xlsx([LONG_HEADER, ["港口区", 2021, 1, 1], ["凉州区", 2023, 1, 2]])

    apply_import(figures(path, None), user=None)

    assert stored_figures() == {
        ("港口区", 2021, 1): Decimal("10000.00"),
        ("凉州区", 2023, 1): Decimal("20000.00"),
    }


@pytest.mark.django_db
def test_a_changed_cell_shows_the_old_and_the_new_amount(
    existing, fangchenggang, xlsx, region
) -> None:
    path = xlsx([LONG_HEADER, ["港口区", 2021, 1, "120.5"], ["防城区", 2021, 1, 80]])

    preview = figures(path, fangchenggang)

    changed, new = preview.changes
    assert (changed.row, changed.region, changed.year, changed.month) == (
        2,
        region("港口区"),
        2021,
        1,
    )
    assert (changed.old_usd, changed.new_usd, changed.status) == (
        Decimal("1000000.00"),
        Decimal("1205000.00"),
        "changed",
    )
    assert (new.old_usd, new.new_usd, new.status) == (None, Decimal("800000.00"), "new")
    assert preview.counts == {"new": 1, "changed": 1, "unchanged": 0}
    assert preview.pending == [changed, new]


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    existing, fangchenggang, clerk, xlsx, stored_figures, table_state
) -> None:
    path = xlsx([LONG_HEADER, ["港口区", 2021, 1, "120.5"], ["防城区", 2021, 1, 80]])
    assert apply_import(figures(path, fangchenggang), user=clerk) == {
        "new": 1,
        "changed": 1,
        "unchanged": 0,
    }
    after_first = table_state()

    second = figures(path, fangchenggang)
    counts = apply_import(second, user=clerk)

    assert counts == {"new": 0, "changed": 0, "unchanged": 2}
    assert second.pending == []
    assert table_state() == after_first
    assert stored_figures() == {
        ("港口区", 2021, 1): Decimal("1205000.00"),
        ("防城区", 2021, 1): Decimal("800000.00"),
    }


# --------------------------------------------------------------------------- history


@pytest.mark.django_db
def test_an_import_keeps_who_changed_which_cell_from_what_to_what_and_why(
    existing, fangchenggang, clerk, xlsx, region
) -> None:
    path = xlsx([LONG_HEADER, ["港口区", 2021, 1, "120.5"], ["防城区", 2021, 1, 80]])

    apply_import(figures(path, fangchenggang), user=clerk, reason="统计局核定数")

    changed = MonthlyFigure.history.filter(region=region("港口区")).order_by("history_id")
    assert [(h.history_type, h.amount_usd) for h in changed] == [
        ("+", Decimal("1000000.00")),  # the fixture's row: old …
        ("~", Decimal("1205000.00")),  # … → new
    ]
    [new] = MonthlyFigure.history.filter(region=region("防城区"))
    for record in (changed.last(), new):
        assert record.history_user == clerk
        assert record.history_change_reason == "统计局核定数"
    assert new.history_type == "+"
    assert new.amount_usd == Decimal("800000.00")


@pytest.mark.django_db
def test_an_import_without_a_reason_records_that_it_was_an_import(
    fangchenggang, clerk, xlsx
) -> None:
    path = xlsx([TARGET_HEADER, ["港口区", 2021, 2500]])

    with translation.override("en"):
        apply_import(targets(path, fangchenggang), user=clerk)

    [record] = RegionTarget.history.all()
    assert (record.history_user, record.history_change_reason) == (clerk, "Spreadsheet import")
    assert record.target_usd == Decimal("25000000.00")


@pytest.mark.django_db
def test_grid_edits_keep_their_history_with_user_and_reason(fangchenggang, clerk, region) -> None:
    shangsi = region("上思县")
    with translation.override("en"):
        set_monthly_figure(
            region=shangsi, year=2021, month=3, amount_usd=Decimal("5000"), user=clerk, reason=""
        )
        set_monthly_figure(
            region=shangsi,
            year=2021,
            month=3,
            amount_usd=Decimal("7000.50"),
            user=clerk,
            reason="企业补报",
        )
        set_monthly_figure(
            region=shangsi, year=2021, month=3, amount_usd=Decimal("7000.5"), user=clerk, reason=""
        )  # the same amount again: nothing to record
        set_monthly_figure(
            region=shangsi, year=2021, month=3, amount_usd=None, user=clerk, reason="重复录入"
        )

    history = MonthlyFigure.history.filter(region=shangsi).order_by("history_id")
    assert [
        (h.history_type, h.amount_usd, h.history_user, h.history_change_reason) for h in history
    ] == [
        ("+", Decimal("5000.00"), clerk, "Entered in the grid"),
        ("~", Decimal("7000.50"), clerk, "企业补报"),
        ("-", Decimal("7000.50"), clerk, "重复录入"),
    ]
    assert not MonthlyFigure.objects.filter(region=shangsi).exists()


@pytest.mark.django_db
def test_a_grid_target_edit_keeps_its_history(fangchenggang, clerk, region) -> None:
    set_region_target(
        region=region("东兴市"), year=2021, target_usd=Decimal("9000000"), user=clerk, reason="分解"
    )

    [record] = RegionTarget.history.all()
    assert (record.history_type, record.target_usd, record.history_user) == (
        "+",
        Decimal("9000000.00"),
        clerk,
    )
    assert record.history_change_reason == "分解"


@pytest.mark.parametrize(
    ("amount", "month"),
    [(Decimal("-1"), 3), (Decimal("1.005"), 3), (Decimal("1e14"), 3), (Decimal("1"), 13)],
    ids=["negative", "three decimals", "too large", "month 13"],
)
@pytest.mark.django_db
def test_a_grid_edit_that_the_database_could_not_hold_is_refused_and_changes_nothing(
    fangchenggang, clerk, region, table_state, amount, month
) -> None:
    before = table_state()

    with pytest.raises(ValidationError):
        set_monthly_figure(
            region=region("上思县"),
            year=2021,
            month=month,
            amount_usd=amount,
            user=clerk,
            reason="",
        )

    assert table_state() == before


# --------------------------------------------------------------------------- reasons


@pytest.mark.django_db
def test_a_reason_is_required_once_a_notice_covering_the_month_has_been_issued(
    existing, fangchenggang, clerk, xlsx, issue_notice, table_state, stored_figures
) -> None:
    path = xlsx([LONG_HEADER, ["港口区", 2021, 3, 10]])
    issue_notice(fangchenggang, 2021, 2)  # reports January–February: March not yet
    issue_notice(fangchenggang, 2021, 4, status=Notice.Status.DRAFT)
    assert figures(path, fangchenggang).reason_required is False

    issue_notice(fangchenggang, 2021, 3)  # reports January–March
    preview = figures(path, fangchenggang)
    before = table_state()

    assert preview.reason_required is True
    with pytest.raises(ValidationError):
        apply_import(preview, user=clerk, reason="  ")
    assert table_state() == before
    apply_import(preview, user=clerk, reason="统计局反馈更正")
    assert stored_figures()[("港口区", 2021, 3)] == Decimal("100000.00")
    assert MonthlyFigure.history.get(month=3).history_change_reason == "统计局反馈更正"


@pytest.mark.django_db
def test_a_notice_of_another_city_or_year_requires_no_reason(
    fangchenggang, wuwei, clerk, xlsx, issue_notice
) -> None:
    issue_notice(wuwei, 2021, 12)
    issue_notice(fangchenggang, 2020, 12)
    path = xlsx([LONG_HEADER, ["港口区", 2021, 3, 10]])

    preview = figures(path, fangchenggang)

    assert preview.reason_required is False
    assert apply_import(preview, user=clerk)["new"] == 1


@pytest.mark.django_db
def test_a_target_needs_a_reason_once_any_notice_of_its_year_is_issued(
    fangchenggang, clerk, xlsx, issue_notice
) -> None:
    path = xlsx([TARGET_HEADER, ["港口区", 2021, 2500]])
    assert targets(path, fangchenggang).reason_required is False

    issue_notice(fangchenggang, 2021, 1)

    assert targets(path, fangchenggang).reason_required is True


@pytest.mark.django_db
def test_a_notice_issued_between_preview_and_confirmation_still_requires_a_reason(
    fangchenggang, clerk, xlsx, issue_notice, table_state
) -> None:
    path = xlsx([LONG_HEADER, ["港口区", 2021, 3, 10]])
    preview = figures(path, fangchenggang)
    issue_notice(fangchenggang, 2021, 6)
    before = table_state()

    with pytest.raises(ValidationError):
        apply_import(preview, user=clerk)

    assert table_state() == before


@pytest.mark.django_db
def test_a_grid_edit_needs_a_reason_once_a_notice_covers_its_month(
    fangchenggang, clerk, region, issue_notice
) -> None:
    issue_notice(fangchenggang, 2021, 6)
    shangsi = region("上思县")

    set_monthly_figure(
        region=shangsi, year=2021, month=7, amount_usd=Decimal("1"), user=clerk, reason=""
    )
    with pytest.raises(ValidationError):
        set_monthly_figure(
            region=shangsi, year=2021, month=6, amount_usd=Decimal("1"), user=clerk, reason=""
        )
    with pytest.raises(ValidationError):
        set_region_target(
            region=shangsi, year=2021, target_usd=Decimal("1"), user=clerk, reason=" "
        )

    assert list(MonthlyFigure.objects.values_list("month", flat=True)) == [7]
    assert not RegionTarget.objects.exists()


@pytest.mark.django_db
def test_a_figure_changed_after_the_preview_is_not_overwritten_unseen(
    existing, fangchenggang, clerk, xlsx, region, table_state
) -> None:
    path = xlsx([LONG_HEADER, ["港口区", 2021, 1, 150], ["防城区", 2021, 1, 80]])
    preview = figures(path, fangchenggang)
    set_monthly_figure(
        region=region("港口区"),
        year=2021,
        month=1,
        amount_usd=Decimal("1100000"),
        user=clerk,
        reason="",
    )
    before = table_state()

    with pytest.raises(ValidationError):
        apply_import(preview, user=clerk)

    assert table_state() == before


# --------------------------------------------------------------------------- queries


@pytest.fixture
def in_2043(monkeypatch) -> None:
    """Today is in 2043: the big files reach 2042, and a month not begun takes no figure."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2043, 1, 15))


def long_rows(count: int) -> list[list[object]]:
    """``count`` distinct cells: the four counties × 12 months × as many years as needed."""
    regions = ["港口区", "防城区", "上思县", "东兴市"]
    rows: list[list[object]] = [LONG_HEADER]
    for i in range(count):
        year, rest = divmod(i, 48)
        rows.append([regions[rest // 12], 2001 + year, rest % 12 + 1, f"{i}.5"])
    return rows


@pytest.mark.django_db
def test_a_preview_needs_the_same_few_queries_for_twenty_or_two_thousand_cells(
    in_2043, fangchenggang, xlsx, issue_notice
) -> None:
    issue_notice(fangchenggang, 2042, 12)  # the last year of the big file
    small, big = xlsx(long_rows(20)), xlsx(long_rows(2000))
    apply_import(figures(xlsx(long_rows(10)), fangchenggang), user=None, reason="基数")

    with CaptureQueriesContext(connection) as for_small:
        assert figures(small, fangchenggang).counts == {"new": 10, "changed": 0, "unchanged": 10}
    with CaptureQueriesContext(connection) as for_big:
        preview = figures(big, fangchenggang)

    assert preview.counts == {"new": 1990, "changed": 0, "unchanged": 10}
    assert preview.reason_required is True
    # Regions, stored figures (this year and last, for the plausibility checks), issued
    # notices, locked months.
    assert len(for_big.captured_queries) == len(for_small.captured_queries) == 4


@pytest.mark.django_db
def test_a_preview_of_two_thousand_cells_stays_within_four_queries(
    in_2043, fangchenggang, xlsx, django_assert_max_num_queries
) -> None:
    path = xlsx(long_rows(2000))

    with django_assert_max_num_queries(4):
        preview = figures(path, fangchenggang)

    assert preview.counts["new"] == 2000


@pytest.mark.django_db
def test_applying_two_thousand_cells_takes_a_bounded_number_of_queries(
    in_2043, fangchenggang, clerk, xlsx, django_assert_max_num_queries
) -> None:
    preview = figures(xlsx(long_rows(2000)), fangchenggang)

    # Stored rows and notices, then the rows and their history in batches: at most 500 rows a
    # statement, fewer where the backend limits parameters (SQLite: 999, so 199 figures or 99
    # history rows). One query per row would be 4 000.
    with django_assert_max_num_queries(40):
        apply_import(preview, user=clerk)

    assert MonthlyFigure.objects.count() == MonthlyFigure.history.count() == 2000


@pytest.mark.django_db
def test_applying_twenty_or_two_thousand_cells_takes_the_same_queries(
    in_2043, fangchenggang, clerk, xlsx, issue_notice, region
) -> None:
    # Half of each file changes figures stored before (demo ones among them), half is new.
    def stored_then_changed(count: int) -> Path:
        rows = long_rows(count)
        apply_import(figures(xlsx(rows[: count // 2 + 1]), fangchenggang), user=None)
        MonthlyFigure.objects.filter(year=2001).update(is_demo=True)
        return xlsx([rows[0], *([*row[:3], "7"] for row in rows[1:])])

    small = figures(stored_then_changed(20), fangchenggang)
    with CaptureQueriesContext(connection) as for_small:
        apply_import(small, user=clerk)
    MonthlyFigure.objects.all().delete()
    MonthlyFigure.history.all().delete()
    big = figures(stored_then_changed(2000), fangchenggang)
    with CaptureQueriesContext(connection) as for_big:
        apply_import(big, user=clerk)

    assert big.counts == {"new": 1000, "changed": 1000, "unchanged": 0}
    assert len(for_big.captured_queries) == len(for_small.captured_queries)
    assert MonthlyFigure.objects.count() == 2000
    assert set(MonthlyFigure.objects.values_list("amount_usd", "is_demo")) == {
        (Decimal("70000.00"), False)
    }
    # Every new figure has its "+", every change its "~" (by the clerk), every replaced demo
    # figure the record of its demo value before it.
    history = MonthlyFigure.history.filter(history_user=clerk)
    assert history.filter(history_type="+").count() == 1000
    assert history.filter(history_type="~", amount_usd=Decimal("70000.00")).count() == 1000
    assert MonthlyFigure.history.filter(is_demo=True).count() == 48  # 4 regions × 12 of 2001
    first = MonthlyFigure.history.filter(region=region("港口区"), year=2001, month=1)
    assert [(h.history_type, h.amount_usd) for h in first.order_by("history_id")] == [
        ("+", Decimal("5000.00")),  # "0.5" 万美元, the first import (no user)
        ("+", Decimal("5000.00")),  # its demo value, recorded before it was replaced
        ("~", Decimal("70000.00")),
    ]


@pytest.mark.django_db
def test_a_reason_with_tabs_line_breaks_and_backslashes_is_kept_exactly(
    fangchenggang, clerk, xlsx
) -> None:
    # The history rows are loaded in bulk (COPY on PostgreSQL): the reason must come through
    # the text format untouched.
    reason = "统计局\t更正：\n第2行 C:\\数据\\二月.xlsx \\N"
    preview = figures(xlsx(long_rows(3)), fangchenggang)

    apply_import(preview, user=clerk, reason=reason)

    assert set(MonthlyFigure.history.values_list("history_change_reason", flat=True)) == {reason}
    assert set(MonthlyFigure.history.values_list("history_user", flat=True)) == {clerk.pk}


@pytest.mark.django_db
def test_a_bulk_insert_that_breaks_a_constraint_raises_djangos_integrity_error(
    existing, region
) -> None:
    # apply_import turns it into "the stored figures changed after the preview".
    from django.db import IntegrityError, transaction

    from fdi_portal.imports import insert_rows

    port = region("港口区")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(
            MonthlyFigure,
            ["region", "year", "month", "amount_usd", "is_demo"],
            [
                (port.id, 2021, 2, Decimal("1.00"), False),
                (port.id, 2021, 1, Decimal("2"), False),
            ],
        )
    assert MonthlyFigure.objects.get(region=port, year=2021, month=1).amount_usd == Decimal("1e6")
