"""What reading cells with python-calamine must not change: every kind of cell a bureau's file
holds reads as openpyxl read it (integers come back as floats, dates as dates, empty cells as
""), error cells and formulas without a cached value are still reported, and every bound is
checked on the raw XML before calamine unpacks the sheet. Real xlsx files, written into
tmp_path (by openpyxl, then edited as other programs write them)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from fdi_portal.lib.spreadsheets import (
    MAX_CELLS,
    Column,
    ErrorCode,
    Kind,
    SheetSpec,
    read_sheet,
)
from tests.core.test_spreadsheets import edit_sheet_xml

AMOUNTS = SheetSpec(
    columns=(
        Column("region", ("地区",)),
        Column("amount", ("金额（万美元）",), Kind.DECIMAL, required=False),
    )
)
EVERY_KIND = SheetSpec(
    columns=(
        Column("name", ("名称",)),
        Column("count", ("个数",), Kind.INT, required=False),
        Column("amount", ("金额",), Kind.DECIMAL, required=False),
        Column("signed", ("签约日期",), Kind.DATE, required=False),
        Column("year", ("年份",), Kind.YEAR, required=False),
        Column("month", ("月份",), Kind.MONTH, required=False),
        Column("key", ("重点",), Kind.YES_NO, required=False),
        Column("note", ("备注",), required=False),
    )
)


#: Excel's dates and times have no time zone.
EXCEL_DATETIME = dt.datetime(2024, 3, 15, 10, 30)  # noqa: DTZ001


def save(path: Path, rows: Sequence[Sequence[object]], *, epoch: dt.datetime | None = None) -> Path:
    workbook = Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    sheet = workbook.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def edit_sheet(path: Path, edit: Callable[[str], str]) -> Path:
    """Rewrite the sheet's XML in place, as another program would have saved it."""
    edit_sheet_xml(path, edit)
    return path


def set_cell(ref: str, xml_cell: str) -> Callable[[str], str]:
    """Replace the cell ``ref`` (which must exist) by ``xml_cell``."""

    def edit(xml: str) -> str:
        edited, count = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml_cell, xml, count=1)
        assert count == 1, ref
        return edited

    return edit


def only_error(result):
    [error] = result.errors
    return error


def test_every_kind_of_cell_reads_as_the_template_means_it(tmp_path: Path) -> None:
    path = save(
        tmp_path / "kinds.xlsx",
        [
            ["名称", "个数", "金额", "签约日期", "年份", "月份", "重点", "备注"],
            ["东盟粮油", 3, 1234.5678, dt.date(2024, 3, 15), 2024, 3, True, 20240315],
            ["港口码头", 3.0, 12, EXCEL_DATETIME, "2024年", "3月", "否", 12.5],
            [" 边贸 ", None, "1,234.50", "2024-03-15", 2024.0, 12.0, 1, "  "],
        ],
    )

    result = read_sheet(path, EVERY_KIND)

    assert result.ok, result.messages()
    first, second, third = (row.values for row in result.rows)
    # calamine returns 3 and 2024 as floats: they must still be the integers the cell shows.
    assert first == {
        "name": "东盟粮油",
        "count": 3,
        "amount": Decimal("1234.5678"),
        "signed": dt.date(2024, 3, 15),
        "year": 2024,
        "month": 3,
        "key": True,
        "note": "20240315",  # a number in a text column reads as written, not "20240315.0"
    }
    assert type(first["count"]) is int
    assert type(first["year"]) is int
    assert second == {
        "name": "港口码头",
        "count": 3,
        "amount": Decimal("12"),
        "signed": dt.date(2024, 3, 15),  # a date and time: the date
        "year": 2024,
        "month": 3,
        "key": False,
        "note": "12.5",
    }
    assert third == {
        "name": "边贸",
        "count": None,  # empty, not 0
        "amount": Decimal("1234.5"),
        "signed": dt.date(2024, 3, 15),
        "year": 2024,
        "month": 12,
        "key": True,
        "note": None,  # spaces only: empty
    }


def test_amounts_are_the_decimals_the_cell_shows_never_binary_noise(tmp_path: Path) -> None:
    # Values as Excel stores them in the XML, including a formula's binary noise (0.1+0.2).
    stored = ["1234.5678", "0.30000000000000004", "0.1", "-0", "1E-4", "100.00", "7"]
    path = save(tmp_path / "amounts.xlsx", [["地区", "金额（万美元）"], *[["上思县", 0]] * 7])
    for row, value in enumerate(stored, start=2):
        edit_sheet(path, set_cell(f"B{row}", f'<c r="B{row}"><v>{value}</v></c>'))

    result = read_sheet(path, AMOUNTS)

    assert result.ok, result.messages()
    assert [row["amount"] for row in result.rows] == [
        Decimal("1234.5678"),
        Decimal("0.3"),  # 15 significant digits, as Excel shows it
        Decimal("0.1"),
        Decimal("0"),
        Decimal("0.0001"),
        Decimal("100"),
        Decimal("7"),
    ]
    assert all(row["amount"].as_tuple().exponent >= -4 for row in result.rows)  # never 0.299999…


def test_five_decimals_and_absurd_amounts_are_refused_with_their_cell(tmp_path: Path) -> None:
    path = save(
        tmp_path / "bad.xlsx",
        [["地区", "金额（万美元）"], ["上思县", 1.23456], ["东兴市", "12.34560"], ["港口区", 1e15]],
    )

    result = read_sheet(path, AMOUNTS)

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "B", ErrorCode.TOO_MANY_DECIMALS),
        (4, "B", ErrorCode.OUT_OF_RANGE),
    ]
    assert result.rows[1]["amount"] == Decimal("12.3456")  # trailing zero: 4 decimals


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "#DIV/0!"),
        ('<c r="B2" t="e"><v>#N/A</v></c>', "#N/A"),  # typed, no formula
        ('<c r="B2" s="0" t="e"><f>VLOOKUP(A2,X:Y,2,0)</f><v>#REF!</v></c>', "#REF!"),
    ],
)
def test_an_error_cell_is_reported_not_read_as_empty(tmp_path: Path, cell: str, shown: str) -> None:
    path = save(tmp_path / "errors.xlsx", [["地区", "金额（万美元）"], ["上思县", 1]])
    edit_sheet(path, set_cell("B2", cell))

    result = read_sheet(path, AMOUNTS)

    error = only_error(result)
    assert (error.row, error.column, error.code) == (2, "B", ErrorCode.FORMULA_ERROR)
    assert shown in error.message


def test_a_formula_without_a_cached_value_is_still_reported(tmp_path: Path) -> None:
    path = save(
        tmp_path / "uncached.xlsx", [["地区", "金额（万美元）"], ["上思县", 1], ["东兴市", 2]]
    )
    edit_sheet(path, set_cell("B3", '<c r="B3"><f>B2*2</f></c>'))

    error = only_error(read_sheet(path, AMOUNTS))

    assert (error.row, error.column, error.code) == (3, "B", ErrorCode.FORMULA_WITHOUT_VALUE)


def test_a_table_that_does_not_start_at_a1_keeps_excels_rows_and_letters(tmp_path: Path) -> None:
    path = save(
        tmp_path / "offset.xlsx",
        [[], [], [None, None, "地区", "金额（万美元）"], [None, None, "上思县", "十万"]],
    )

    result = read_sheet(path, AMOUNTS)

    assert result.header_row == 3
    error = only_error(result)
    assert (error.row, error.column, error.header) == (4, "D", "金额（万美元）")


def test_dates_follow_the_workbooks_date_system(tmp_path: Path) -> None:
    spec = SheetSpec(columns=(Column("signed", ("签约日期",), Kind.DATE),))
    path = save(
        tmp_path / "mac.xlsx",
        [["签约日期"], [dt.date(2024, 3, 15)], [45000]],  # a date cell; a serial typed as number
        epoch=CALENDAR_MAC_1904,
    )

    result = read_sheet(path, spec)

    assert result.ok, result.messages()
    # Serial 45 000 is 2023-03-15 in the 1900 system; the 1904 system starts 1 462 days later.
    assert [row["signed"] for row in result.rows] == [dt.date(2024, 3, 15), dt.date(2027, 3, 16)]


def test_cells_without_references_are_placed_one_after_another(tmp_path: Path) -> None:
    path = save(
        tmp_path / "bare.xlsx", [["地区", "金额（万美元）"], ["上思县", 1.5], ["东兴市", "x"]]
    )
    edit_sheet(path, lambda xml: re.sub(r'\s(?:r|spans)="[^"]*"', "", xml))

    result = read_sheet(path, AMOUNTS)

    assert [row["region"] for row in result.rows] == ["上思县", "东兴市"]
    error = only_error(result)
    assert (error.row, error.column) == (3, "B")


def test_a_cell_far_to_the_right_is_refused_before_the_sheet_is_unpacked(tmp_path: Path) -> None:
    # No <dimension>, 3 000 ordinary rows, then one cell in column XFD: calamine would build a
    # grid of 3 000 × 16 384 cells.
    def far_right(xml: str) -> str:
        xml = re.sub(r"<dimension[^>]*/>", "", xml)
        far = '<row r="3001"><c r="XFD3001" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    path = save(tmp_path / "wide.xlsx", [["地区", "金额（万美元）"], *[["上思县", 1]] * 2999])
    edit_sheet(path, far_right)

    error = only_error(read_sheet(path, AMOUNTS))

    assert error.code == ErrorCode.TOO_MANY_CELLS
    assert "XFD列" in error.message
    assert "第3001行" in error.message


def test_a_few_cells_spanning_too_many_rows_times_columns_are_refused(tmp_path: Path) -> None:
    # Within the row and column limits, but 190 000 rows × 1 000 columns of grid.
    def sparse(xml: str) -> str:
        xml = re.sub(r"<dimension[^>]*/>", "", xml)
        far = '<row r="190000"><c r="ALL190000"><v>1</v></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    path = edit_sheet(save(tmp_path / "sparse.xlsx", [["地区", "金额（万美元）"]]), sparse)

    started = time.perf_counter()
    error = only_error(read_sheet(path, AMOUNTS))

    assert time.perf_counter() - started < 5  # refused, not unpacked into 190 million cells
    assert error.code == ErrorCode.TOO_MANY_CELLS
    assert f"超过了{MAX_CELLS}个单元格" in error.message


def test_a_sheet_written_with_a_namespace_prefix_reads_the_same(tmp_path: Path) -> None:
    def prefixed(xml: str) -> str:
        xml = xml.replace('xmlns="http://', 'xmlns:x="http://', 1)
        return re.sub(r"<(/?)(?=[A-Za-z])", r"<\1x:", xml)

    path = edit_sheet(
        save(tmp_path / "prefixed.xlsx", [["地区", "金额（万美元）"], ["上思县", 2.5]]), prefixed
    )

    result = read_sheet(path, AMOUNTS)

    assert result.ok, result.messages()
    assert [(row["region"], row["amount"]) for row in result.rows] == [("上思县", Decimal("2.5"))]
