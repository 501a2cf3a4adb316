"""Uploads are bounded before they are unpacked: decompression bombs, sheets of absurd size and
files with thousands of errors are refused (or summed up) quickly, with a message that says what
to do."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fdi_portal.archives import ArchiveLimits, archive_problem
from fdi_portal.lib.spreadsheets import (
    MAX_LISTED_ERRORS,
    MAX_ROWS,
    Column,
    ErrorCode,
    Kind,
    SheetSpec,
    limit_errors,
    read_sheet,
)
from tasks.documents import DocumentTooLarge, document_text
from tasks.forms import PlanTextForm

MB = 1024 * 1024
SPEC = SheetSpec(
    columns=(
        Column("region", ("地区",), Kind.TEXT),
        Column("year", ("年份",), Kind.YEAR),
        Column("amount", ("实际使用外资（万美元）",), Kind.DECIMAL),
    )
)
HEADER = ["地区", "年份", "实际使用外资（万美元）"]


def small_xlsx(rows: list[list[object]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows if rows is not None else [["上思县", 2021, 10]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_part(
    source: bytes, target: Path, part: str, edit, *, spaces: int = 0, after: str = ""
) -> Path:
    """Copy the zip ``source`` to ``target`` with ``part`` changed by ``edit`` (text → text)
    and, when ``spaces`` is given, that many spaces streamed in right after ``after`` (whitespace
    between XML elements is legal; it compresses about a thousand to one)."""
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename != part:
                bomb.writestr(info.filename, data)
                continue
            text = edit(data.decode())
            head, _sep, tail = text.partition(after) if after else (text, "", "")
            with bomb.open(info.filename, "w", force_zip64=True) as stream:
                stream.write((head + after).encode())
                chunk = b" " * MB
                for _ in range(spaces // MB):
                    stream.write(chunk)
                stream.write(tail.encode())
    return target


def unchanged(text: str) -> str:
    return text


@pytest.fixture(scope="module")
def xlsx_bomb(tmp_path_factory) -> Path:
    """The issue's bomb: a sheet of 400 MB of spaces in a file of about 400 KB."""
    target = tmp_path_factory.mktemp("bombs") / "bomb.xlsx"
    return rewrite_part(
        small_xlsx(),
        target,
        "xl/worksheets/sheet1.xml",
        unchanged,
        spaces=400 * MB,
        after="<sheetData>",
    )


def only_error(result) -> str:
    assert not result.ok
    assert not result.rows
    return result.messages()[0]


def test_a_400_mb_of_spaces_xlsx_bomb_is_refused_before_it_is_unpacked(xlsx_bomb):
    assert xlsx_bomb.stat().st_size < 1 * MB  # it fits well within the upload limit
    result = read_sheet(xlsx_bomb, SPEC, max_bytes=20 * MB)
    message = only_error(result)
    assert result.errors[0].code == ErrorCode.FILE_TOO_LARGE
    assert "解压后过大" in message
    assert "400.0 MB" in message
    assert "另存再上传" in message  # says what to do


def test_a_small_part_with_an_absurd_compression_ratio_is_refused(tmp_path):
    bomb = rewrite_part(
        small_xlsx(),
        tmp_path / "ratio.xlsx",
        "xl/worksheets/sheet1.xml",
        unchanged,
        spaces=8 * MB,
        after="<sheetData>",
    )
    message = only_error(read_sheet(bomb, SPEC))
    assert "压缩比异常" in message


def test_a_docx_of_300_mb_of_spaces_is_refused_before_it_is_unpacked(tmp_path):
    docx = tmp_path / "plan.docx"
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
        'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>一、总体要求'
        "</w:t></w:r></w:p></w:body></w:document>"
    )
    seed = io.BytesIO()
    with zipfile.ZipFile(seed, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    rewrite_part(
        seed.getvalue(), docx, "word/document.xml", unchanged, spaces=300 * MB, after="<w:body>"
    )
    content = docx.read_bytes()
    assert len(content) < 1 * MB
    with pytest.raises(DocumentTooLarge, match="解压后过大"):
        document_text(content)
    form = PlanTextForm(data={}, files={"file": SimpleUploadedFile("plan.docx", content)})
    assert not form.is_valid()
    assert "解压后过大" in " ".join(form.non_field_errors())


def test_a_sheet_declaring_more_rows_and_columns_than_allowed_is_refused_before_reading(tmp_path):
    declared = rewrite_part(
        small_xlsx(),
        tmp_path / "declared.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml),
    )
    result = read_sheet(declared, SPEC)
    message = only_error(result)
    assert result.errors[0].code == ErrorCode.TOO_MANY_CELLS
    assert "1048576行×16384列" in message


def test_a_sheet_without_a_dimension_is_stopped_at_the_row_limit(tmp_path):
    def far_away_cell(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)
        far = f'<row r="{MAX_ROWS + 5}"><c r="A{MAX_ROWS + 5}" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    undeclared = rewrite_part(
        small_xlsx(), tmp_path / "far.xlsx", "xl/worksheets/sheet1.xml", far_away_cell
    )
    result = read_sheet(undeclared, SPEC)
    assert result.errors[0].code == ErrorCode.TOO_MANY_CELLS
    assert f"超过了{MAX_ROWS}行" in str(result.errors[0])


def test_a_sheet_of_too_many_rows_is_refused_before_the_workbook_is_opened(tmp_path):
    def many_rows(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)  # openpyxl would parse it all
        rows = "".join(
            f'<row r="{n}"><c r="C{n}"><v>1</v></c></row>' for n in range(3, MAX_ROWS + 3)
        )
        return xml.replace("</sheetData>", rows + "</sheetData>")

    many = rewrite_part(small_xlsx(), tmp_path / "many.xlsx", "xl/worksheets/sheet1.xml", many_rows)
    result = read_sheet(many, SPEC)
    message = only_error(result)
    assert result.errors[0].code == ErrorCode.TOO_MANY_CELLS
    assert f"有{MAX_ROWS + 2}行" in message


def test_thousands_of_bad_rows_list_the_first_problems_and_count_the_rest(tmp_path):
    rows = [["上思县", 2021, "不是数字"] for _ in range(1000)]
    result = read_sheet(io.BytesIO(small_xlsx(rows)), SPEC)
    messages = result.messages()
    assert len(messages) == MAX_LISTED_ERRORS + 1
    assert messages[0].startswith('工作表"Sheet" 第2行 C列')
    assert messages[-1] == f"…及另外{1000 - MAX_LISTED_ERRORS}个错误"


def test_a_limited_list_keeps_counting_what_earlier_limits_left_out():
    from fdi_portal.lib.spreadsheets import CellError

    first = limit_errors(CellError("S", n, "A", None, "坏") for n in range(1, 301))
    second = limit_errors([*first, *(CellError("S", n, "B", None, "坏") for n in range(5))], 50)
    assert len(second) == 51
    assert str(second[-1]) == f"…及另外{300 - 50 + 5}个错误"


def test_a_large_ordinary_workbook_is_within_the_limits():
    # A 100 000-row figures file as the benchmark writes it: 20.6 MB unpacked, ratio 8.6.
    sheet = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
    sheet.file_size, sheet.compress_size = 20_558_821, 2_387_647
    from fdi_portal.lib.spreadsheets import XLSX_LIMITS

    assert archive_problem([sheet], XLSX_LIMITS) is None


def test_small_parts_may_compress_well():
    styles = zipfile.ZipInfo("xl/styles.xml")
    styles.file_size, styles.compress_size = 2 * MB, 1024
    assert archive_problem([styles], ArchiveLimits(total_bytes=10 * MB, part_bytes=5 * MB)) is None
