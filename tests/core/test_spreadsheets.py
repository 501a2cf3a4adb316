"""The spreadsheet reader against real xlsx files written into tmp_path, quirks included."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from fdi_portal.lib.spreadsheets import (
    CellError,
    Column,
    ErrorCode,
    Kind,
    MonthColumns,
    SheetSpec,
    check_totals,
    escape_cell,
    find_duplicates,
    read_sheet,
    write_xlsx,
)

TARGETS = SheetSpec(
    columns=(
        Column("region", ("地区", "县区")),
        Column("year", ("年份",), Kind.YEAR),
        Column("target", ("目标（万美元）", "目标"), Kind.DECIMAL),
    )
)

FIGURES_LONG = SheetSpec(
    columns=(
        Column("region", ("地区",)),
        Column("year", ("年份",), Kind.YEAR),
        Column("month", ("月份",), Kind.MONTH),
        Column("amount", ("实际使用外资（万美元）",), Kind.DECIMAL),
    )
)

FIGURES_WIDE = SheetSpec(
    columns=(Column("region", ("地区",)), Column("year", ("年份",), Kind.YEAR)),
    months=MonthColumns(),
)


def save(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    merges: Sequence[str] = (),
    title: str = "Sheet1",
) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def edit_sheet_xml(path: Path, edit: Callable[[str], str]) -> None:
    """Rewrite xl/worksheets/sheet1.xml in place, as if another program had saved it."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode()).encode()
            archive.writestr(info, data)


def cache_formula_value(path: Path, ref: str, value: str) -> None:
    """Give an openpyxl-written formula the cached value Excel stores on save:
    ``<c r="D9"><f>D5+1</f><v>1235.5</v></c>``."""

    def edit(xml: str) -> str:
        new, count = re.subn(
            rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)',
            rf"\g<1>\g<2><v>{value}</v>",
            xml,
        )
        assert count == 1, xml
        return new

    edit_sheet_xml(path, edit)


def only_error(result) -> CellError:
    assert len(result.errors) == 1, result.messages()
    return result.errors[0]


def test_a_bureau_style_file_with_every_quirk_reads_cleanly(tmp_path: Path) -> None:
    path = save(
        tmp_path / "targets.xlsx",
        [
            ["2024年各县区实际使用外资目标任务分解表"],
            ["（市商务局 2024年1月）"],
            [None, None, None, "单位：万美元"],
            ["序号", "地　区", " 年份 ", "目标\n（万美元）", "备注"],
            [1, "港口区", 2024, " 1,234.5 ", "含增资"],
            [],
            [2, "防城区", "２０２４", "１，０００．２５", None],
            [3, "东兴市", 2024.0, 100.1234, None],
            [4, "上思县", 2024, "=D5+1", "公式"],
            [None, None, None, None, None],
            ["合 计", None, None, "=SUM(D5:D9)", None],
            ["注：本表数据由各县区商务部门填报。"],
        ],
        merges=["A1:E1", "A2:E2", "A11:C11"],
    )
    cache_formula_value(path, "D9", "1235.5")
    cache_formula_value(path, "D11", "3570.3734")

    result = read_sheet(path, TARGETS)

    assert result.ok, result.messages()
    assert result.sheet == "Sheet1"
    assert result.header_row == 4
    assert [r.row for r in result.rows] == [5, 7, 8, 9]
    assert [r.values for r in result.rows] == [
        {"region": "港口区", "year": 2024, "target": Decimal("1234.5")},
        {"region": "防城区", "year": 2024, "target": Decimal("1000.25")},
        {"region": "东兴市", "year": 2024, "target": Decimal("100.1234")},
        {"region": "上思县", "year": 2024, "target": Decimal("1235.5")},
    ]
    assert type(result.rows[2]["year"]) is int
    assert result.columns["target"].letter == "D"
    assert result.columns["target"].header == "目标（万美元）"
    [totals] = result.totals
    assert (totals.row, totals.label) == (11, "合 计")
    assert totals.values == {"target": Decimal("3570.3734")}
    assert check_totals(result) == []


def test_a_formula_without_a_cached_value_is_reported_instead_of_read_as_empty(
    tmp_path: Path,
) -> None:
    path = save(
        tmp_path / "generated.xlsx",
        [
            ["地区", "年份", "目标（万美元）", "备注"],
            ["港口区", 2024, 100, "=A2&B2"],  # ignored column: no error
            ["防城区", 2024, "=C2*2", None],
        ],
    )

    error = only_error(read_sheet(path, TARGETS))

    assert error.code == ErrorCode.FORMULA_WITHOUT_VALUE
    assert (error.row, error.column, error.header) == (3, "C", "目标（万美元）")
    assert "没有保存计算结果" in error.message
    assert "Excel或WPS打开" in error.message


def test_a_formula_whose_cached_result_is_an_empty_string_is_simply_empty(
    tmp_path: Path,
) -> None:
    spec = SheetSpec(columns=(*TARGETS.columns, Column("note", ("备注",), required=False)))
    path = save(tmp_path / "f.xlsx", [["地区", "年份", "目标", "备注"], ["港口区", 2024, 1, '=""']])
    edit_sheet_xml(path, lambda xml: xml.replace('<c r="D2">', '<c r="D2" t="str">'))

    result = read_sheet(path, spec)

    assert result.ok, result.messages()
    assert result.rows[0]["note"] is None


def test_floats_are_converted_via_their_shortest_text_and_formula_noise_is_rounded(
    tmp_path: Path,
) -> None:
    path = save(
        tmp_path / "floats.xlsx",
        [
            ["地区", "年份", "目标"],
            ["港口区", 2021.0, 0.1],
            ["防城区", 2021, "=0.1+0.2"],
            ["东兴市", 2021, 1234.5678],
        ],
    )
    cache_formula_value(path, "C3", "0.30000000000000004")

    result = read_sheet(path, TARGETS)

    assert result.ok, result.messages()
    assert [str(r["target"]) for r in result.rows] == ["0.1", "0.3", "1234.5678"]
    assert result.rows[0]["year"] == 2021


def test_four_decimal_places_are_accepted_and_five_are_rejected_with_row_and_column(
    tmp_path: Path,
) -> None:
    path = save(
        tmp_path / "decimals.xlsx",
        [
            ["地区", "年份", "目标"],
            ["港口区", 2024, 1.2345],
            ["防城区", 2024, 1.23456],
            ["东兴市", 2024, "1.23450"],
            ["上思县", 2024, "1.23451"],
        ],
    )

    result = read_sheet(path, TARGETS)

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "C", ErrorCode.TOO_MANY_DECIMALS),
        (5, "C", ErrorCode.TOO_MANY_DECIMALS),
    ]
    assert "最多保留4位小数" in result.errors[0].message
    assert [r["target"] for r in result.rows] == [
        Decimal("1.2345"),
        None,
        Decimal("1.2345"),
        None,
    ]


def test_a_sheet_without_a_recognisable_header_names_the_sheet_and_the_expected_headers(
    tmp_path: Path,
) -> None:
    path = save(
        tmp_path / "noheader.xlsx",
        [["外资目标"], ["县区", "年度", "金额"], ["港口区", 2024, 100]],
        title="目标表",
    )

    result = read_sheet(path, TARGETS)

    error = only_error(result)
    assert error.code == ErrorCode.NO_HEADER
    assert (error.sheet, error.row, error.column) == ("目标表", None, None)
    assert str(error).startswith('工作表"目标表"：在前20行中没有找到表头')
    assert "〈地区〉〈年份〉〈目标（万美元）〉" in error.message
    assert "最接近的是第2行，但缺少〈年份〉〈目标（万美元）〉" in error.message
    assert result.header_row is None
    assert result.rows == ()


def test_a_negative_amount_is_rendered_with_sheet_row_column_and_header(tmp_path: Path) -> None:
    rows = [["地区", "年份", "目标（万美元）"]] + [[f"区{i}", 2024, 10] for i in range(2, 7)]
    rows.append(["区7", 2024, -5])
    path = save(tmp_path / "negative.xlsx", rows)

    error = only_error(read_sheet(path, TARGETS))

    assert error.code == ErrorCode.NEGATIVE
    assert str(error) == '工作表"Sheet1" 第7行 C列〈目标（万美元）〉：金额不能为负数，请填写0或正数'


def test_negative_amounts_are_accepted_when_the_caller_allows_them(tmp_path: Path) -> None:
    spec = SheetSpec(
        columns=(
            Column("region", ("地区",)),
            Column("change", ("增减",), Kind.DECIMAL, allow_negative=True),
        )
    )
    path = save(
        tmp_path / "change.xlsx", [["地区", "增减"], ["港口区", "-1,234.5"], ["防城区", -2]]
    )

    result = read_sheet(path, spec)

    assert result.ok, result.messages()
    assert [r["change"] for r in result.rows] == [Decimal("-1234.5"), Decimal(-2)]


def test_every_bad_cell_is_collected_with_its_own_row_and_column(tmp_path: Path) -> None:
    path = save(
        tmp_path / "bad.xlsx",
        [
            ["地区", "年份", "目标（万美元）"],
            ["港口区", 2024, "一千"],
            [None, 2024, 10],
            ["东兴市", None, "12万美元"],
            ["上思县", 2024, "#DIV/0!"],
            ["那良镇", 2024, "—"],
            ["江山半岛", "二〇二四", "1,2"],
        ],
    )

    result = read_sheet(path, TARGETS)

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "C", ErrorCode.NOT_NUMBER),
        (3, "A", ErrorCode.REQUIRED),
        (4, "B", ErrorCode.REQUIRED),
        (4, "C", ErrorCode.NOT_NUMBER),
        (5, "C", ErrorCode.FORMULA_ERROR),
        (6, "C", ErrorCode.REQUIRED),
        (7, "B", ErrorCode.BAD_YEAR),
        (7, "C", ErrorCode.NOT_NUMBER),
    ]
    assert str(result.errors[1]) == '工作表"Sheet1" 第3行 A列〈地区〉：不能为空，请填写'
    assert '"一千"不是有效的数字' in result.errors[0].message
    assert len(result.rows) == 6
    assert result.rows[0].values == {"region": "港口区", "year": 2024, "target": None}


def test_month_13_is_rejected_and_3月_is_accepted_in_the_long_layout(tmp_path: Path) -> None:
    path = save(
        tmp_path / "long.xlsx",
        [
            ["地区", "年份", "月份", "实际使用外资(万美元)"],
            ["港口区", 2024, "3月", 12.5],
            ["港口区", 2024, 4.0, 1],
            ["港口区", 2024, "十二月", 2],
            ["港口区", 2024, 13, 3],
            ["港口区", 2024, "0", 3],
        ],
    )

    result = read_sheet(path, FIGURES_LONG)

    assert [r["month"] for r in result.rows] == [3, 4, 12, None, None]
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (5, "C", ErrorCode.BAD_MONTH),
        (6, "C", ErrorCode.BAD_MONTH),
    ]
    assert "月份应为1到12的整数" in result.errors[0].message
    # Quoted as typed: the spreadsheet stores 13 as 13.0.
    assert result.errors[0].message.endswith('（现为"13"）')


def test_a_year_outside_the_range_is_rejected_and_the_caller_sets_the_range(
    tmp_path: Path,
) -> None:
    path = save(
        tmp_path / "years.xlsx",
        [
            ["地区", "年份", "目标"],
            ["港口区", 1999, 1],
            ["防城区", "2024年", 1],
            ["东兴市", 2101, 1],
        ],
    )

    default = read_sheet(path, TARGETS)
    narrow = SheetSpec(
        columns=(
            TARGETS.columns[0],
            Column("year", ("年份",), Kind.YEAR, min_value=2021, max_value=2025),
            TARGETS.columns[2],
        )
    )
    custom = read_sheet(path, narrow)

    assert [(e.row, e.column, e.code) for e in default.errors] == [
        (2, "B", ErrorCode.BAD_YEAR),
        (4, "B", ErrorCode.BAD_YEAR),
    ]
    assert default.errors[0].message == "年份应在2000到2100之间（现为1999）"
    assert default.rows[1]["year"] == 2024
    assert "年份应在2021到2025之间" in custom.errors[0].message


def test_a_totals_row_that_disagrees_with_the_rows_is_reported_at_the_totals_cell(
    tmp_path: Path,
) -> None:
    spec = SheetSpec(
        columns=(
            *TARGETS.columns,
            Column("projects", ("项目数",), Kind.INT, required=False),
        )
    )
    path = save(
        tmp_path / "totals.xlsx",
        [
            ["地区", "年份", "目标（万美元）", "项目数"],
            ["总 计", None, 350, None],  # totals may come first; empty cell is not checked
            ["港口区", 2024, 100.5, 3],
            ["防城区", 2024, 200, 4],
            ["全市", None, 300.5, 7],
        ],
    )

    result = read_sheet(path, spec)
    errors = check_totals(result)

    assert result.ok, result.messages()
    assert [r.row for r in result.rows] == [3, 4]
    assert [t.row for t in result.totals] == [2, 5]
    assert [(e.row, e.column, e.code) for e in errors] == [(2, "C", ErrorCode.TOTALS_MISMATCH)]
    assert str(errors[0]) == (
        '工作表"Sheet1" 第2行 C列〈目标（万美元）〉：'
        "总计行填的是350，但各数据行相加是300.5（相差49.5），请核对"
    )


def test_totals_are_not_checked_in_a_column_that_already_has_cell_errors(tmp_path: Path) -> None:
    path = save(
        tmp_path / "t.xlsx",
        [
            ["地区", "年份", "目标"],
            ["港口区", 2024, "abc"],
            ["防城区", 2024, 2],
            ["合计", None, 99],
        ],
    )

    result = read_sheet(path, TARGETS)

    assert [e.code for e in result.errors] == [ErrorCode.NOT_NUMBER]
    assert check_totals(result) == []


def test_duplicate_keys_are_reported_against_the_first_occurrence(tmp_path: Path) -> None:
    path = save(
        tmp_path / "dupes.xlsx",
        [
            ["地区", "年份", "月份", "实际使用外资（万美元）"],
            ["港口区", 2024, 1, 1],
            ["港口区", 2024, 2, 1],
            ["防城区", 2024, 1, 1],
            ["港口区", 2024, "1月", 5],
            [None, 2024, 1, 1],
        ],
    )
    result = read_sheet(path, FIGURES_LONG)

    def key(row):
        if None in (row["region"], row["year"], row["month"]):
            return None
        return (row["region"], row["year"], row["month"])

    errors = find_duplicates(result, key, reason="同一地区同一月份只能有一个数")

    assert [(e.row, e.code) for e in errors] == [(5, ErrorCode.DUPLICATE_ROW)]
    assert str(errors[0]) == '工作表"Sheet1" 第5行：与第2行重复：同一地区同一月份只能有一个数'


def _csv(path: Path) -> None:
    path.write_text("地区,年份,目标\n港口区,2024,100\n", encoding="utf-8")


def _xls(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)


def _docx_like_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")


def _truncated_xlsx(path: Path) -> None:
    save(path, [["地区"]])
    path.write_bytes(path.read_bytes()[:300])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    ("make", "code", "hint"),
    [
        (_csv, ErrorCode.NOT_XLSX, "CSV"),
        (_xls, ErrorCode.NOT_XLSX, "旧版Excel（.xls）"),
        (_docx_like_zip, ErrorCode.NOT_XLSX, "不是Excel表格"),
        (_truncated_xlsx, ErrorCode.UNREADABLE, "可能已损坏"),
        (_empty, ErrorCode.NOT_XLSX, "文件是空的"),
    ],
)
def test_a_file_that_is_not_a_valid_xlsx_gives_a_chinese_error_not_a_traceback(
    tmp_path: Path, make: Callable[[Path], None], code: ErrorCode, hint: str
) -> None:
    path = tmp_path / "upload.xlsx"
    make(path)

    error = only_error(read_sheet(path, TARGETS))

    assert error.code == code
    assert hint in error.message
    assert (error.row, error.column) == (None, None)
    assert str(error) == error.message  # no sheet to name


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"not even a spreadsheet" * 100)

    by_path = only_error(read_sheet(path, TARGETS, max_bytes=1000))
    by_file = only_error(read_sheet(io.BytesIO(path.read_bytes()), TARGETS, max_bytes=1000))

    assert by_path.code == by_file.code == ErrorCode.FILE_TOO_LARGE
    assert "文件太大" in by_path.message
    assert "最大允许" in by_path.message


def test_a_wide_layout_reads_month_columns_and_an_empty_cell_means_no_figure(
    tmp_path: Path,
) -> None:
    months = [f"{m}月" for m in range(1, 13)]
    path = save(
        tmp_path / "wide.xlsx",
        [
            ["2024年各县区实际使用外资完成情况（万美元）"],
            ["地区", "年份", *months, "全年合计"],
            ["港口区", 2024, 10, "20.5", None, "—", *[None] * 8, 30.5],
            ["防城区", 2024, -1, None, None, None, None, None, None, None, None, None, None, 9],
            ["合计", None, 9, 20.5],
        ],
        merges=["A1:O1"],
    )

    result = read_sheet(path, FIGURES_WIDE)

    assert result.header_row == 2
    assert sorted(result.months) == list(range(1, 13))
    assert result.months[12].letter == "N"
    assert [r.row for r in result.rows] == [3, 4]
    assert result.rows[0].months == {1: Decimal(10), 2: Decimal("20.5")}
    assert result.rows[0].values == {"region": "港口区", "year": 2024}
    assert result.rows[1].months == {12: Decimal(9)}
    error = only_error(result)
    assert (error.row, error.column, error.header, error.code) == (4, "C", "1月", "negative")
    assert result.totals[0].months == {1: Decimal(9), 2: Decimal("20.5")}
    assert check_totals(result) == []  # column C has a cell error, so it is not summed


def test_a_wide_layout_with_month_headers_in_a_second_header_row(tmp_path: Path) -> None:
    path = save(
        tmp_path / "wide2.xlsx",
        [
            ["地区", "年份", "实际使用外资（万美元）"],
            [None, None, "一月", "二月", "3月份", "4月（万美元）"],
            ["港口区", 2024, 1, 2, 3, 4],
            ["合计", None, 1, 2, 3, 5],
        ],
        merges=["A1:A2", "B1:B2", "C1:F1"],
    )

    result = read_sheet(path, FIGURES_WIDE)

    assert result.ok, result.messages()
    assert result.header_row == 1
    assert {m: f.letter for m, f in result.months.items()} == {1: "C", 2: "D", 3: "E", 4: "F"}
    assert result.rows[0].months == {1: 1, 2: 2, 3: 3, 4: 4}
    [error] = check_totals(result)
    assert (error.row, error.column, error.header) == (4, "F", "4月（万美元）")


def test_headers_match_despite_half_width_brackets_line_breaks_and_full_width_spaces(
    tmp_path: Path,
) -> None:
    path = save(
        tmp_path / "headers.xlsx",
        [["*县　区 ", "年\n份", " 目标 ( 万美元 ) "], ["港口区", 2024, 1]],
    )

    result = read_sheet(path, TARGETS)

    assert result.ok, result.messages()
    assert result.header_row == 1
    assert result.columns["target"].header == "目标 ( 万美元 )"
    assert result.rows[0].values == {"region": "港口区", "year": 2024, "target": Decimal(1)}


def test_a_header_that_appears_twice_is_reported(tmp_path: Path) -> None:
    path = save(tmp_path / "h.xlsx", [["地区", "年份", "目标", "县区"], ["港口区", 2024, 1, "x"]])

    error = only_error(read_sheet(path, TARGETS))

    assert (error.row, error.column, error.code) == (1, "D", ErrorCode.DUPLICATE_HEADER)
    assert "和A列是同一项" in error.message


def test_repeated_header_rows_footnotes_and_remarks_only_rows_are_skipped(tmp_path: Path) -> None:
    spec = SheetSpec(columns=(*TARGETS.columns[:2], TARGETS.columns[2]))
    path = save(
        tmp_path / "pasted.xlsx",
        [
            ["地区", "年份", "目标", "备注"],
            ["港口区", 2024, 1, None],
            ["地区", "年份", "目标", None],
            ["防城区", 2024, 2, None],
            [None, None, None, "以下为新增"],
            ["填表人：张三", None, "审核人：李四"],
        ],
    )

    result = read_sheet(path, spec)

    assert result.ok, result.messages()
    assert [r.row for r in result.rows] == [2, 4]


def test_optional_columns_may_be_absent_or_empty_and_dashes_mean_no_figure(
    tmp_path: Path,
) -> None:
    spec = SheetSpec(
        columns=(
            Column("region", ("地区",)),
            Column("amount", ("金额",), Kind.DECIMAL, required=False),
            Column("signed_on", ("签约日期",), Kind.DATE, required=False),
        )
    )
    path = save(tmp_path / "o.xlsx", [["地区", "金额"], ["港口区", "-"], ["防城区", None]])

    result = read_sheet(path, spec)

    assert result.ok, result.messages()
    assert [r.values for r in result.rows] == [
        {"region": "港口区", "amount": None, "signed_on": None},
        {"region": "防城区", "amount": None, "signed_on": None},
    ]
    assert "signed_on" not in result.columns


def test_date_int_text_and_yes_no_columns_accept_the_usual_spellings(tmp_path: Path) -> None:
    spec = SheetSpec(
        columns=(
            Column("name", ("项目名称",), max_length=8),
            Column("signed_on", ("签约日期",), Kind.DATE),
            Column("jobs", ("就业人数",), Kind.INT),
            Column("key_project", ("是否重点项目",), Kind.YES_NO),
        )
    )
    path = save(
        tmp_path / "projects.xlsx",
        [
            ["项目名称", "签约日期", "就业人数", "是否重点项目"],
            ["'=港口码头", dt.date(2024, 3, 15), "1,200", "是"],
            [12345, "2024/3/5", 30.0, "否"],
            ["钢铁基地", "2024年3月5日", 20240305, "Y"],
            ["太长的项目名称一二三", "2024-02-30", 2.5, "也许"],
            ["电厂", 20240305, 1, True],
            ["化工园", 1999, 1, 0],
        ],
    )

    result = read_sheet(path, spec)

    assert [r.values for r in result.rows[:3]] == [
        {"name": "=港口码头", "signed_on": dt.date(2024, 3, 15), "jobs": 1200, "key_project": True},
        {"name": "12345", "signed_on": dt.date(2024, 3, 5), "jobs": 30, "key_project": False},
        {
            "name": "钢铁基地",
            "signed_on": dt.date(2024, 3, 5),
            "jobs": 20240305,
            "key_project": True,
        },
    ]
    assert result.rows[4].values["signed_on"] == dt.date(2024, 3, 5)
    assert result.rows[4].values["key_project"] is True
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (5, "A", ErrorCode.TOO_LONG),
        (5, "B", ErrorCode.BAD_DATE),
        (5, "C", ErrorCode.NOT_INTEGER),
        (5, "D", ErrorCode.BAD_YES_NO),
        (7, "B", ErrorCode.BAD_DATE),  # serial 1999 is 1905-06-21: outside 2000–2100
    ]


def test_a_wrong_dimension_tag_does_not_truncate_the_sheet(tmp_path: Path) -> None:
    path = save(
        tmp_path / "dim.xlsx", [["地区", "年份", "目标"], ["港口区", 2024, 1], ["防城区", 2024, 2]]
    )
    edit_sheet_xml(
        path, lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1"/>', xml)
    )

    result = read_sheet(path, TARGETS)

    assert result.ok, result.messages()
    assert [r.row for r in result.rows] == [2, 3]


def test_a_binary_file_object_is_read_from_its_start_and_left_open(tmp_path: Path) -> None:
    path = save(tmp_path / "f.xlsx", [["地区", "年份", "目标"], ["港口区", 2024, 1]])
    upload = io.BytesIO(path.read_bytes())
    upload.seek(10)

    result = read_sheet(upload, TARGETS)

    assert result.ok, result.messages()
    assert not upload.closed
    assert result.rows[0]["target"] == 1


def test_the_first_visible_sheet_is_read_unless_the_caller_names_one(tmp_path: Path) -> None:
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "下拉选项"
    hidden.sheet_state = "hidden"
    first = workbook.create_sheet("目标")
    for row in [["地区", "年份", "目标"], ["港口区", 2024, 1]]:
        first.append(row)
    second = workbook.create_sheet("2023年 目标")
    for row in [["地区", "年份", "目标"], ["防城区", 2023, 2], ["东兴市", 2023, 3]]:
        second.append(row)
    path = tmp_path / "sheets.xlsx"
    workbook.save(path)

    default = read_sheet(path, TARGETS)
    named = read_sheet(path, TARGETS, sheet_name="2023年目标")
    missing = read_sheet(path, TARGETS, sheet_name="2025")

    assert (default.sheet, len(default.rows)) == ("目标", 1)
    assert (named.sheet, len(named.rows)) == ("2023年 目标", 2)
    error = only_error(missing)
    assert error.code == ErrorCode.SHEET_NOT_FOUND
    assert '"下拉选项"、"目标"、"2023年 目标"' in error.message


def test_the_cell_error_helper_locates_the_callers_own_errors(tmp_path: Path) -> None:
    path = save(tmp_path / "w.xlsx", [["年份", "地区", "1月"], [2024, "火星区", 1]])

    result = read_sheet(path, FIGURES_WIDE)

    assert str(result.cell_error(2, "region", '地区"火星区"不存在')) == (
        '工作表"Sheet1" 第2行 B列〈地区〉：地区"火星区"不存在'
    )
    assert result.cell_error(2, 1, "x").column == "C"


def test_escape_cell_prefixes_text_that_excel_would_treat_as_a_formula() -> None:
    assert escape_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert escape_cell("+86 770") == "'+86 770"
    assert escape_cell("-负增长") == "'-负增长"
    assert escape_cell("@SUM(A1)") == "'@SUM(A1)"
    assert escape_cell("港口区 = 1") == "港口区 = 1"
    assert escape_cell("") == ""
    assert escape_cell(-5) == -5
    assert escape_cell(None) is None


def test_write_xlsx_round_trips_through_the_reader(tmp_path: Path) -> None:
    def rows():
        yield ["地区", "年份", "目标（万美元）", "备注"]
        yield ["=1+1", 2024, Decimal("1234.5678"), "-负数开头"]
        yield ["防城区", 2024, 0.1, True]
        yield ["东兴市", 2024, 7, None]

    data = write_xlsx(rows(), title="2024年目标", sheet_name="目标/导出")
    spec = SheetSpec(columns=(*TARGETS.columns, Column("note", ("备注",), required=False)))
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)

    result = read_sheet(path, spec)

    assert result.ok, result.messages()
    assert (result.sheet, result.header_row) == ("目标导出", 2)
    assert [r.values for r in result.rows] == [
        {"region": "=1+1", "year": 2024, "target": Decimal("1234.5678"), "note": "-负数开头"},
        {"region": "防城区", "year": 2024, "target": Decimal("0.1"), "note": "是"},
        {"region": "东兴市", "year": 2024, "target": Decimal(7), "note": None},
    ]
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "2024年目标"
    assert (sheet["A3"].data_type, sheet["A3"].value) == ("s", "'=1+1")
    assert sheet["C3"].data_type == "n"
    assert sheet.freeze_panes == "A3"
    assert "A1:D1" in {str(r) for r in sheet.merged_cells.ranges}
