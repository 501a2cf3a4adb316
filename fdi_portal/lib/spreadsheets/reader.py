"""Read (and write) spreadsheets the way Chinese bureaus really make them.

This module is ORM-free: it only reads an ``.xlsx`` file, finds the header row, and turns
cells into Python values, validating *cell-level syntax* (is this a number, a month, a
year, 是/否 …). Resolving references (does this 地区 exist?) and writing to the database is
the caller's job, typically in one transaction and only when :attr:`SheetResult.ok`.

Contract of :func:`read_sheet`:

* The cells are read with python-calamine (about ten times faster than openpyxl, which
  stays for writing), the whole sheet at once: a 100 000-row file is held as a list of rows
  (about 40 MB) while it is checked. Before calamine unpacks anything, every bound is checked:
  the upload's size, what the zip's directory says its parts unpack to, and, streaming the
  sheet's raw XML, its declared dimension, its rows and how far its cell references reach
  (MAX_ROWS, MAX_COLUMNS, MAX_CELLS). Formulas give the value Excel/WPS cached when the file
  was saved. A formula *without* a cached value (files produced by other software and never
  saved in Excel) and an error cell (#DIV/0!, #N/A …), both of which calamine reads as empty,
  are found in the same pass over the XML and reported instead of being read as empty.
* It never raises for bad *input*: a file that is too large, not an xlsx, unreadable, or
  whose sheet has no recognisable header gives a :class:`SheetResult` whose ``errors``
  explain, in Chinese, what to fix. Every problem is collected, not just the first.
  It does raise ``ValueError``/``TypeError`` for programming errors (a bad spec).
* Blank rows are skipped; rows whose first non-blank cell is 合计/总计/全市/全市合计 are
  returned separately as :class:`TotalsRow` (see :func:`check_totals`); footnote rows
  (「注：…」「填表人：…」) and a header row repeated further down are skipped.
* A cell that fails validation is reported in ``errors`` and its value is ``None`` in
  the returned row; the row itself is still returned so the caller can report its own
  (reference) errors for the same upload in one go, see :meth:`SheetResult.cell_error`.

Messages are Chinese only, in the English interface too: they quote the file's own Chinese
headers and cells, which a translation would not match.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import os
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import chain, islice
from types import MappingProxyType
from typing import IO, Any
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel
from python_calamine import CalamineWorkbook

from fdi_portal.archives import MIB, ArchiveLimits, archive_problem
from fdi_portal.lib.text import clean_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "TOTALS_LABELS",
    "CellError",
    "Column",
    "DataRow",
    "ErrorCode",
    "FoundColumn",
    "Kind",
    "MonthColumns",
    "SheetResult",
    "SheetSpec",
    "TotalsRow",
    "check_totals",
    "escape_cell",
    "find_duplicates",
    "limit_errors",
    "read_sheet",
    "write_xlsx",
]

#: Default upload limit for :func:`read_sheet` (10 MiB).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: What an xlsx may unpack to, checked before anything is unpacked (decompression bombs). A
#: 100 000-row figures file unpacks to about 20 MB at a ratio of about 9.
XLSX_LIMITS = ArchiveLimits(total_bytes=256 * MIB, part_bytes=128 * MIB, ratio=100)
#: The size of a worksheet, checked on the dimension it declares before any row is read and
#: again on the rows as they are read (the declaration may be missing or wrong).
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_CELLS = 5_000_000
#: Problems listed; the rest are counted in one closing 「…及另外N个错误」 (see limit_errors).
MAX_LISTED_ERRORS = 200
#: First-cell texts (spaces ignored) that mark a totals row.
TOTALS_LABELS: tuple[str, ...] = ("合计", "总计", "全市", "全市合计")
#: Text starting with one of these is a formula to Excel (and to CSV consumers).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

_DEFAULT_YEARS = (2000, 2100)
_MAX_MAGNITUDE = Decimal(10) ** 15  # beyond Excel's 15 significant digits
Source = str | os.PathLike[str] | IO[bytes]


class Kind(StrEnum):
    """What a column holds, and therefore how its cells are parsed."""

    TEXT = "text"  # str, stripped; numbers/dates are rendered as text
    INT = "int"  # int; 2021.0 and 「1,234」 accepted
    DECIMAL = "decimal"  # Decimal with at most ``decimal_places`` decimals
    YEAR = "year"  # int in [min_value, max_value], default 2000–2100; 「2024年」 accepted
    MONTH = "month"  # int 1–12; 「3月」「03」「三月」 accepted
    DATE = "date"  # datetime.date; Excel dates, 2024-03-15, 2024/3/15, 2024年3月15日, 20240315
    YES_NO = "yes_no"  # bool; 是/否 (also Y/N, √/×, TRUE/FALSE, 1/0)


class ErrorCode(StrEnum):
    """Machine-readable :attr:`CellError.code` values."""

    FILE_TOO_LARGE = "file_too_large"
    NOT_XLSX = "not_xlsx"
    UNREADABLE = "unreadable"
    SHEET_NOT_FOUND = "sheet_not_found"
    NO_HEADER = "no_header"
    DUPLICATE_HEADER = "duplicate_header"
    REQUIRED = "required"
    NOT_NUMBER = "not_number"
    NEGATIVE = "negative"
    TOO_MANY_DECIMALS = "too_many_decimals"
    NOT_INTEGER = "not_integer"
    OUT_OF_RANGE = "out_of_range"
    BAD_YEAR = "bad_year"
    BAD_MONTH = "bad_month"
    BAD_DATE = "bad_date"
    BAD_YES_NO = "bad_yes_no"
    TOO_LONG = "too_long"
    FORMULA_ERROR = "formula_error"
    FORMULA_WITHOUT_VALUE = "formula_without_value"
    TOTALS_MISMATCH = "totals_mismatch"
    DUPLICATE_ROW = "duplicate_row"
    TOO_MANY_CELLS = "too_many_cells"
    MORE_ERRORS = "more_errors"  # 「…及另外N个错误」: stands for ``count`` problems not listed
    INVALID = "invalid"  # for callers' own (e.g. reference) errors


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class CellError:
    """One problem, located as precisely as possible.

    ``row`` is 1-based as Excel shows it, ``column`` a letter (``"C"``), ``header`` the
    header text as written in the file. Any of them is ``None`` when not applicable
    (file-level errors have ``sheet == ""``). ``str(error)`` renders e.g.
    「工作表"Sheet1" 第7行 C列〈目标（万美元）〉：金额不能为负数，请填写0或正数」.
    ``count`` is 1, except for the closing 「…及另外N个错误」 of a limited list (code
    MORE_ERRORS), which stands for the N problems left out.
    """

    sheet: str
    row: int | None
    column: str | None
    header: str | None
    message: str
    code: str = ErrorCode.INVALID
    count: int = 1

    def __str__(self) -> str:
        where = f'工作表"{self.sheet}"' if self.sheet else ""
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column:
            where += f" {self.column}列"
        if self.header:
            where += f"〈{self.header}〉"
        where = where.strip()
        return f"{where}：{self.message}" if where else self.message


@dataclass(frozen=True)
class Column:
    """One column of a :class:`SheetSpec`.

    ``headers`` are the accepted header texts (the first is the canonical name used in
    messages); matching ignores spaces (also full-width) and line breaks, full- vs
    half-width brackets/digits, letter case, and a leading ``*`` (required-field marker).
    ``required`` means both "the header must be present" and "every data row must fill
    it". ``decimal_places`` applies to DECIMAL; ``allow_negative`` to INT/DECIMAL;
    ``min_value``/``max_value`` to INT/DECIMAL/YEAR (numbers) and DATE (dates), with
    defaults 2000–2100 for YEAR and years 2000–2100 for DATE; ``max_length`` to TEXT.
    """

    key: str
    headers: tuple[str, ...]
    kind: Kind = Kind.TEXT
    required: bool = True
    decimal_places: int = 4
    allow_negative: bool = False
    min_value: int | Decimal | dt.date | None = None
    max_value: int | Decimal | dt.date | None = None
    max_length: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.headers, str):
            object.__setattr__(self, "headers", (self.headers,))
        if not self.key or not self.headers or not all(_norm_header(h) for h in self.headers):
            raise ValueError(f"column {self.key!r} needs a key and non-empty header names")
        if self.decimal_places < 0:
            raise ValueError("decimal_places must be >= 0")

    @property
    def label(self) -> str:
        """Canonical header name, for messages."""
        return self.headers[0]


@dataclass(frozen=True)
class MonthColumns:
    """Repeated month columns of a wide layout: 「1月」…「12月」 (also 「01月」「1月份」
    「一月」「1月（万美元）」). An empty cell means "no figure" for that month. With
    ``required`` the header row must contain at least one month column; the month headers
    may also sit in the row just below the main header (two-level header).
    """

    kind: Kind = Kind.DECIMAL
    decimal_places: int = 4
    allow_negative: bool = False
    required: bool = True

    def __post_init__(self) -> None:
        if self.kind not in (Kind.DECIMAL, Kind.INT):
            raise ValueError("month columns must be DECIMAL or INT")

    def as_column(self) -> Column:
        return Column(
            key="__month__",
            headers=("月",),
            kind=self.kind,
            required=False,
            decimal_places=self.decimal_places,
            allow_negative=self.allow_negative,
        )


@dataclass(frozen=True)
class SheetSpec:
    """What the caller expects in the sheet.

    ``header_search_rows``: the header is the first row among these that contains all
    required headers. ``totals_labels``: first-cell texts that mark a totals row.
    """

    columns: tuple[Column, ...]
    months: MonthColumns | None = None
    header_search_rows: int = 20
    totals_labels: tuple[str, ...] = TOTALS_LABELS

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate column keys in spec")
        if not self.columns and self.months is None:
            raise ValueError("a spec needs columns")
        if self.header_search_rows < 1:
            raise ValueError("header_search_rows must be >= 1")

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


@dataclass(frozen=True)
class FoundColumn:
    """Where a spec column (``key``: column key, or month number 1–12) is in the file."""

    key: str | int
    index: int  # 0-based
    letter: str
    header: str  # as written in the file, line breaks removed


@dataclass(frozen=True)
class DataRow:
    """A data row: ``values`` has every spec key (``None`` when empty, invalid or the
    optional column is absent); ``months`` (wide layouts) has only the filled months."""

    row: int
    values: Mapping[str, Any]
    months: Mapping[int, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass(frozen=True)
class TotalsRow:
    """A 合计/总计/全市 row: ``label`` as written, ``values`` for the INT/DECIMAL columns
    (``None`` = empty, not checked), ``months`` for filled month columns."""

    row: int
    label: str
    values: Mapping[str, Any]
    months: Mapping[int, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetResult:
    """Everything read from one worksheet. Import only when :attr:`ok`."""

    sheet: str
    header_row: int | None
    rows: tuple[DataRow, ...]
    totals: tuple[TotalsRow, ...]
    errors: tuple[CellError, ...]
    columns: Mapping[str, FoundColumn] = field(default_factory=dict)
    months: Mapping[int, FoundColumn] = field(default_factory=dict)
    spec: SheetSpec | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]

    def cell_error(
        self, row: int, key: str | int, message: str, *, code: str = ErrorCode.INVALID
    ) -> CellError:
        """An error for the caller's own checks (e.g. unknown 地区), located like ours.
        ``key`` is a column key or a month number."""
        found = self.columns.get(key) if isinstance(key, str) else self.months.get(key)
        return CellError(
            self.sheet,
            row,
            found.letter if found else None,
            found.header if found else None,
            message,
            code,
        )


# --------------------------------------------------------------------------- public helpers


def read_sheet(
    source: Source,
    spec: SheetSpec,
    *,
    sheet_name: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> SheetResult:
    """Read one worksheet of an xlsx file according to ``spec``.

    ``source`` is a path or a binary file object (e.g. a Django ``UploadedFile``); file
    objects are read from their beginning and left open, paths are opened and closed
    here. The file extension is irrelevant: the content decides. ``max_bytes`` (``None`` =
    no limit) is checked before any parsing. By default the first *visible* worksheet is
    read; ``sheet_name`` picks another (exact name, else ignoring spaces/width/case).
    """
    requested = sheet_name or ""
    try:
        data = _read_source(source, max_bytes)
    except _Problem as problem:
        return _failure(requested, problem)
    try:
        with _open_archive(data) as archive:
            book = _Book.read(archive)
            sheet = book.pick(sheet_name)
            scan = _scan_sheet(archive, sheet.part)
            _check_other_parts(archive, book)
    except _Problem as problem:
        return _failure(requested, problem)
    if scan.problem is not None:
        return _failure(sheet.name, scan.problem)
    try:
        cells = (
            CalamineWorkbook.from_filelike(io.BytesIO(data))
            .get_sheet_by_name(sheet.name)
            .to_python(skip_empty_area=False)
        )
    except Exception:  # calamine raises several kinds for damaged parts
        return _failure(sheet.name, _unreadable())
    for (row, column), text in scan.errors.items():
        if row <= len(cells) and column <= len(cells[row - 1]):
            cells[row - 1][column - 1] = text  # calamine reads an error cell as ""
    return _SheetReader(spec, sheet.name, book.epoch, scan.uncached).run(cells)


def check_totals(result: SheetResult, *, tolerance: Decimal | int = 0) -> list[CellError]:
    """Compare each totals row with the sum of the data rows, per INT/DECIMAL column and
    per month column. An empty totals cell is not checked; neither is a column in which a
    data row already has an error (its sum would be meaningless). Returns one error per
    disagreeing cell, located at the totals row."""
    if result.spec is None:
        return []
    tolerance = Decimal(tolerance)
    numeric: list[FoundColumn] = [
        found
        for key, found in result.columns.items()
        if result.spec.column(key).kind in (Kind.INT, Kind.DECIMAL)
    ]
    numeric += list(result.months.values())
    data_rows = {r.row for r in result.rows}
    broken = {e.column for e in result.errors if e.row in data_rows and e.column}
    errors: list[CellError] = []
    for totals in result.totals:
        for found in numeric:
            if isinstance(found.key, str):
                stated = totals.values.get(found.key)
                parts = (r.values.get(found.key) for r in result.rows)
            else:
                stated = totals.months.get(found.key)
                parts = (r.months.get(found.key) for r in result.rows)
            if stated is None or found.letter in broken:
                continue
            total = sum((Decimal(p) for p in parts if p is not None), Decimal(0))
            if abs(Decimal(stated) - total) > tolerance:
                errors.append(
                    CellError(
                        result.sheet,
                        totals.row,
                        found.letter,
                        found.header,
                        f"{''.join(totals.label.split())}行填的是{_fmt(stated)}，"
                        f"但各数据行相加是{_fmt(total)}（相差{_fmt(Decimal(stated) - total)}），请核对",
                        ErrorCode.TOTALS_MISMATCH,
                    )
                )
    return errors


def find_duplicates(
    result: SheetResult,
    key: Callable[[DataRow], Hashable | None],
    *,
    reason: str = "同样的内容只能出现一次",
) -> list[CellError]:
    """Report every data row whose ``key(row)`` equals that of an earlier row, e.g.
    「工作表"Sheet1" 第9行：与第5行重复：同一地区同一月份只能有一个数」. Rows for which
    ``key`` returns ``None`` (e.g. incomplete because of other errors) are skipped."""
    seen: dict[Hashable, int] = {}

    def duplicates() -> Iterator[CellError]:
        for row in result.rows:
            k = key(row)
            if k is None:
                continue
            first = seen.setdefault(k, row.row)
            if first != row.row:
                yield CellError(
                    result.sheet,
                    row.row,
                    None,
                    None,
                    f"与第{first}行重复：{reason}",
                    ErrorCode.DUPLICATE_ROW,
                )

    return limit_errors(duplicates())


def limit_errors(errors: Iterable[CellError], limit: int = MAX_LISTED_ERRORS) -> list[CellError]:
    """The first ``limit`` problems, then one 「…及另外N个错误」 for all the others, including
    those an earlier limit already summed up (its MORE_ERRORS entry is counted, not listed).
    Holds at most ``limit`` + 1 errors whatever ``errors`` yields, so a file of 200 000 bad
    rows gives a readable page and a bounded amount of work. Keeps the order given."""
    listed: list[CellError] = []
    left_out = 0
    for error in errors:
        if error.code == ErrorCode.MORE_ERRORS:
            left_out += error.count
        elif len(listed) < limit:
            listed.append(error)
        else:
            left_out += 1
    if left_out:
        listed.append(
            CellError(
                "", None, None, None, f"…及另外{left_out}个错误", ErrorCode.MORE_ERRORS, left_out
            )
        )
    return listed


def escape_cell(value: object) -> object:
    """Every text cell of every export goes through here. Control characters, which xlsx
    cannot hold (openpyxl raises IllegalCharacterError), are removed (line breaks kept, see
    fdi_portal.lib.text), so no stored text can make an export fail. Then the
    formula-injection guard: text starting with ``= + - @`` (or tab/CR, per OWASP) gets a
    leading ``'``. Anything but text is returned unchanged. The reader strips such a quote
    again, so exported files can be re-imported."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", clean_text(value))
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_xlsx(
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    sheet_name: str = "Sheet1",
    target: IO[bytes] | None = None,
) -> bytes:
    """Write rows to an xlsx in openpyxl write-only mode (streamed) and return its bytes;
    with ``target`` (a binary file), write it there and return b"" (a large export then never
    sits in memory whole).

    The first item of ``rows`` is the header row (bold, frozen, column widths from it);
    the rest are data. ``title`` adds a bold first row merged across the header. Text is
    passed through :func:`escape_cell` and stripped of characters illegal in xlsx;
    int/float/Decimal stay numeric; dates/datetimes become Excel dates (timezone dropped:
    pass local time); ``bool`` becomes 是/否; ``None`` an empty cell; anything else ``str()``.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_safe_sheet_name(sheet_name))
    iterator = iter(rows)
    header = next(iterator, None)
    header = list(header) if header is not None else None
    if header:
        for i, text in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = _column_width(text)
    header_row = 2 if title else 1
    if header is not None:
        sheet.freeze_panes = f"A{header_row + 1}"
    if title:
        cell = WriteOnlyCell(sheet, value=_export_value(title))
        cell.font = Font(bold=True, size=14)
        cell.alignment = Alignment(horizontal="center")
        sheet.append([cell])
        if header and len(header) > 1:
            sheet.merged_cells.add(f"A1:{get_column_letter(len(header))}1")
    if header is not None:
        cells = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=_export_value(text))
            cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)
    for row in iterator:
        sheet.append([_export_cell(sheet, value) for value in row])
    if target is not None:
        workbook.save(target)
        return b""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- file handling


class _Problem(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _failure(sheet: str, problem: _Problem) -> SheetResult:
    error = CellError(sheet, None, None, None, problem.message, problem.code)
    return SheetResult(sheet=sheet, header_row=None, rows=(), totals=(), errors=(error,))


def _unreadable() -> _Problem:
    return _Problem(
        ErrorCode.UNREADABLE,
        "文件无法读取，可能已损坏。请用Excel或WPS打开后重新保存为.xlsx格式再上传",
    )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _too_large(size: int | None, limit: int) -> _Problem:
    shown = f"（{_megabytes(size)}）" if size is not None else ""
    return _Problem(
        ErrorCode.FILE_TOO_LARGE,
        f"文件太大{shown}，最大允许{_megabytes(limit)}。请删除多余的工作表、图片和空行后"
        "再上传，或分成几个文件上传",
    )


def _read_source(source: Source, max_bytes: int | None) -> bytes:
    """The file's bytes, its size checked first (a path's before it is opened, a seekable
    file object's before it is read). A file object is read from its beginning and left open,
    at its beginning again."""
    if isinstance(source, str | os.PathLike):
        try:
            size = os.path.getsize(source)
            if max_bytes is not None and size > max_bytes:
                raise _too_large(size, max_bytes)
            with open(source, "rb") as file:
                return file.read()
        except OSError as exc:
            raise _Problem(ErrorCode.UNREADABLE, "找不到文件或无法打开文件") from exc
    if not hasattr(source, "read"):
        raise TypeError("source must be a path or a binary file object")
    seekable = getattr(source, "seekable", None)
    if seekable is not None and seekable():
        source.seek(0, os.SEEK_END)
        size = source.tell()
        source.seek(0)
        if max_bytes is not None and size > max_bytes:
            raise _too_large(size, max_bytes)
        data = source.read()
        source.seek(0)
    else:
        data = source.read() if max_bytes is None else source.read(max_bytes + 1)
        if max_bytes is not None and len(data) > max_bytes:
            raise _too_large(None, max_bytes)
    if not isinstance(data, bytes):
        raise TypeError("the file object must be opened in binary mode")
    return data


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RESAVE = '请用Excel或WPS打开它，点"另存为"，保存类型选"Excel工作簿（*.xlsx）"，再上传新文件'


def _not_xlsx(reason: str) -> _Problem:
    return _Problem(ErrorCode.NOT_XLSX, f"文件不是Excel工作簿（.xlsx）：{reason}")


def _open_archive(data: bytes) -> zipfile.ZipFile:
    """The xlsx as a zip, once its content says it is one (extensions lie) and its directory
    says it unpacks within XLSX_LIMITS; nothing is decompressed before that."""
    if not data:
        raise _Problem(ErrorCode.NOT_XLSX, "文件是空的（0字节），请重新选择文件")
    if data.startswith(_OLE_MAGIC):
        raise _not_xlsx(
            f"看起来是旧版Excel（.xls）文件，或设置了打开密码的文件。{_RESAVE}（如有密码请先取消）"
        )
    if not data.startswith(b"PK"):
        raise _not_xlsx(f"看起来是CSV、网页或文本文件（只改文件扩展名是不行的）。{_RESAVE}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable() from None
    infos = archive.infolist()
    names = {info.filename.lower() for info in infos}
    if "xl/workbook.bin" in names:
        raise _not_xlsx(f"这是Excel二进制工作簿（.xlsb）。{_RESAVE}")
    if "[content_types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _not_xlsx(
            "这是一个压缩包或其他类型的文件（如Word文档），不是Excel表格。请上传.xlsx格式的Excel工作簿"
        )
    problem = archive_problem(infos, XLSX_LIMITS)
    if problem is not None:
        raise _Problem(ErrorCode.FILE_TOO_LARGE, problem)
    return archive


def _part(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    wanted = name.lstrip("/").lower()
    return next((i for i in archive.infolist() if i.filename.lower() == wanted), None)


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError):
        raise _unreadable() from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> ElementTree.Element:
    """A small part (workbook, relationships), parsed; its size is within XLSX_LIMITS."""
    try:
        return ElementTree.fromstring(_read_part(archive, info))
    except ElementTree.ParseError:
        raise _unreadable() from None


def _targets(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) of ``part``'s relationships."""
    folder, _slash, base = part.rpartition("/")
    info = _part(archive, f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
    if info is None:
        return {}
    targets: dict[str, tuple[str, str]] = {}
    for element in _xml(archive, info).iter():
        if _local(element.tag) == "Relationship" and element.get("TargetMode") != "External":
            target = element.get("Target", "")
            name = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            targets[element.get("Id", "")] = (element.get("Type", ""), name)
    return targets


@dataclass(frozen=True)
class _SheetEntry:
    name: str
    visible: bool
    part: zipfile.ZipInfo


@dataclass(frozen=True)
class _Book:
    """What the workbook part says: its worksheets in order (chart sheets left out) and the
    date system."""

    sheets: tuple[_SheetEntry, ...]
    epoch: dt.datetime
    parts: tuple[zipfile.ZipInfo, ...]  # shared strings and styles, read by calamine too

    @classmethod
    def read(cls, archive: zipfile.ZipFile) -> _Book:
        office = [
            name
            for kind, name in _targets(archive, "").values()
            if kind.endswith("/officeDocument")
        ]
        path = office[0] if office else "xl/workbook.xml"
        info = _part(archive, path)
        if info is None:
            raise _unreadable()
        workbook = _xml(archive, info)
        targets = _targets(archive, path)
        sheets: list[_SheetEntry] = []
        epoch = CALENDAR_WINDOWS_1900
        for element in workbook.iter():
            tag = _local(element.tag)
            if tag == "workbookPr" and element.get("date1904", "").lower() in ("1", "true"):
                epoch = CALENDAR_MAC_1904
            if tag != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            kind, name = targets.get(rid, ("", ""))
            part = _part(archive, name) if kind.endswith("/worksheet") else None
            if part is not None:
                visible = element.get("state", "visible") == "visible"
                sheets.append(_SheetEntry(element.get("name", ""), visible, part))
        parts = tuple(
            part
            for kind, name in targets.values()
            if kind.endswith(("/sharedStrings", "/styles"))
            and (part := _part(archive, name)) is not None
        )
        return cls(tuple(sheets), epoch, parts)

    def pick(self, name: str | None) -> _SheetEntry:
        if not self.sheets:
            raise _Problem(ErrorCode.SHEET_NOT_FOUND, "文件中没有工作表")
        if name is None:
            return next((s for s in self.sheets if s.visible), self.sheets[0])
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        for sheet in self.sheets:
            if _norm_header(sheet.name) == _norm_header(name):
                return sheet
        listed = "、".join(f'"{s.name}"' for s in self.sheets)
        raise _Problem(
            ErrorCode.SHEET_NOT_FOUND, f'找不到名为"{name}"的工作表。文件中的工作表有：{listed}'
        )


def _check_other_parts(archive: zipfile.ZipFile, book: _Book) -> None:
    """Read the shared strings and styles through zipfile, which never returns more than the
    directory declared and checks the CRC: a part that lies about its size is refused here,
    before calamine unpacks it."""
    for info in book.parts:
        try:
            with archive.open(info) as stream:
                while stream.read(_PIECE):
                    pass
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            raise _unreadable() from None


# --------------------------------------------------------------------------- the sheet's XML
#
# calamine parses a whole sheet into a dense grid (rows × columns of the cells used) before
# returning a row, and reads a formula without a cached value, or an error such as #DIV/0!, as
# an empty cell. So the sheet's raw XML is streamed once first, without parsing it: its
# declared size, its rows and the reach of its cell references are checked against MAX_ROWS,
# MAX_COLUMNS and MAX_CELLS, and its formulas without a cached value and its error cells are
# noted. Counting and searching bytes keeps this pass at about a tenth of calamine's time.

_PIECE = 1 << 20
_ROOT = re.compile(rb"<(?:([\w.-]+):)?worksheet[\s>]")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["']([^"']*)["']""")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_CELL_REFS = re.compile(rb""" r=["']([A-Z]{1,3})\d""")
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s>/])([^>]*)>")
_ATTR_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,3})0*(\d+)["']""")
_ERROR_CELL = re.compile(
    rb"""<(?:[\w.-]+:)?c\s([^>]*?\bt\s*=\s*["']e["'][^>]*)(?<!/)>(.*?)</(?:[\w.-]+:)?c>""", re.S
)


def _column_number(letters: str) -> int:
    return column_index_from_string(letters.upper()) if letters else 0


def _greater_than(text: str, alphabet: str, *, longer: str) -> str:
    """A regex for the strings over ``alphabet`` (in order) greater than ``text``: as long and
    larger at the first difference, or longer (``longer``: the pattern of a longer one)."""
    options = [longer]
    for i, char in enumerate(text):
        higher = alphabet[alphabet.index(char) + 1 :]
        if higher:
            rest = len(text) - i - 1
            options.append(
                re.escape(text[:i])
                + f"[{re.escape(higher)}]"
                + (f"[{alphabet}]{{{rest}}}" if rest else "")
            )
    return "(?:" + "|".join(options) + ")"


def _beyond(columns: int, rows: int) -> re.Pattern[bytes]:
    """Matches a cell or row reference beyond ``columns`` or beyond ``rows`` (written as
    ` r="…"`, as Excel, WPS and openpyxl write it)."""
    letters = get_column_letter(max(columns, 1))
    wider = _greater_than(
        letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", longer=f"[A-Za-z]{{{len(letters) + 1},}}"
    )
    lower = letters.lower()
    wider_lower = _greater_than(
        lower, "abcdefghijklmnopqrstuvwxyz", longer=f"[A-Za-z]{{{len(letters) + 1},}}"
    )
    digits = str(rows)
    further = _greater_than(digits, "0123456789", longer=f"[1-9]\\d{{{len(digits)},}}")
    pattern = rf""" r=["'](?:(?:{wider}|{wider_lower})\d|[A-Za-z]{{0,3}}0*{further}["'])"""
    return re.compile(pattern.encode())


@dataclass
class _SheetScan:
    problem: _Problem | None = None
    #: (row, 1-based column) of formula cells without a cached value.
    uncached: frozenset[tuple[int, int]] = frozenset()
    #: (row, 1-based column) → the error an error cell shows (#DIV/0!, #N/A …).
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


def _pieces(stream: IO[bytes]) -> Iterator[bytes]:
    """The XML in pieces of about _PIECE bytes, each cut just after a row's tag, so that no
    cell is cut in two."""
    pending = b""
    while True:
        chunk = stream.read(_PIECE)
        pending += chunk
        if chunk:
            cut = pending.rfind(b"row>")
            if cut < 0:
                continue
            piece, pending = pending[: cut + 4], pending[cut + 4 :]
        else:
            piece, pending = pending, b""
        if piece:
            yield piece
        if not chunk:
            return


def _scan_sheet(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> _SheetScan:
    scan = _SheetScan()
    uncached: set[tuple[int, int]] = set()
    rows = tags = refs = 0
    beyond: re.Pattern[bytes] | None = None
    exact = False  # a reference beyond the first piece's reach, or elements without one
    try:
        with archive.open(part) as stream:
            for number, piece in enumerate(_pieces(stream)):
                if number == 0:
                    root = _ROOT.search(piece)
                    prefix = (root.group(1) or b"") + b":" if root and root.group(1) else b""
                    opens = [b"<" + prefix + name for name in (b"row ", b"row>", b"c ", b"c>")]
                    scan.problem = _declared_problem(piece)
                    if scan.problem is not None:
                        return scan
                    columns = max(
                        (_column_number(m.decode()) for m in set(_CELL_REFS.findall(piece))),
                        default=1,
                    )
                    beyond = _beyond(columns, min(MAX_ROWS, MAX_CELLS // max(columns, 1)))
                counted = [piece.count(tag) for tag in opens]
                rows += counted[0] + counted[1]
                tags += sum(counted)
                refs += piece.count(b' r="') + piece.count(b" r='")
                if not exact and beyond is not None and beyond.search(piece):
                    exact = True
                if b"<" + prefix + b"f" in piece and _FORMULA_TAG.search(piece):
                    _collect_uncached(piece, uncached)
                if b'="e"' in piece or b"='e'" in piece:
                    _collect_errors(piece, scan.errors)
        if rows > MAX_ROWS:
            scan.problem = _Problem(
                ErrorCode.TOO_MANY_CELLS,
                f"这个工作表有{rows}行，超过了允许的{MAX_ROWS}行。请删除数据以外的行后另存再上传，"
                "或分成几个文件上传",
            )
        elif exact or refs < tags:
            scan.problem = _reach_problem(archive, part)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        scan.problem = _unreadable()
    scan.uncached = frozenset(uncached)
    return scan


def _declared_problem(head: bytes) -> _Problem | None:
    """The sheet's declared <dimension>, checked before anything else."""
    found = _DIMENSION.search(head)
    end = (
        _REF.fullmatch(found.group(1).decode("ascii", "replace").rpartition(":")[2])
        if found
        else None
    )
    if end is None:
        return None  # not declared: the references are checked instead
    rows, columns = int(end.group(2)), _column_number(end.group(1))
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        return _Problem(
            ErrorCode.TOO_MANY_CELLS,
            f"工作表的范围是{rows}行×{columns}列，超过了允许的{MAX_ROWS}行、{MAX_COLUMNS}列"
            f"（最多{MAX_CELLS}个单元格）。如果数据其实没有这么多，多半是很远的行或列里"
            "有格式、空格或公式：请删除数据以外的行和列后另存再上传；否则请分成几个文件上传",
        )
    return None


def _reach_problem(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> _Problem | None:
    """The exact reach of the sheet's cells, found by walking its row and cell tags as calamine
    places them (a row or cell without a reference follows the one before): the slow path, for
    a sheet with a reference beyond its first piece's reach or elements without one."""
    row = column = 0  # 0-based, where the next row and cell go
    last_row = last_column = 0
    with archive.open(part) as stream:
        for piece in _pieces(stream):
            for closing, name, attrs in _TAG.findall(piece):
                if name == b"row":
                    if closing:
                        row, column = row + 1, 0
                    elif not attrs.rstrip().endswith(b"/"):
                        found = _ATTR_REF.search(attrs)
                        if found is not None:
                            row = int(found.group(2)) - 1
                    continue
                if closing or attrs.rstrip().endswith(b"/"):
                    continue
                found = _ATTR_REF.search(attrs)
                if found is not None and found.group(1):
                    row_ref = int(found.group(2)) - 1
                    column = _column_number(found.group(1).decode()) - 1
                    cell_row = row_ref
                else:
                    cell_row = row
                last_row, last_column = max(last_row, cell_row + 1), max(last_column, column + 1)
                column += 1
                if last_row > MAX_ROWS:
                    return _Problem(
                        ErrorCode.TOO_MANY_CELLS,
                        f"工作表超过了{MAX_ROWS}行（第{last_row}行还有内容或格式）。请删除数据以外"
                        "的行后另存再上传，或分成几个文件上传",
                    )
                if last_column > MAX_COLUMNS:
                    return _Problem(
                        ErrorCode.TOO_MANY_CELLS,
                        f"第{cell_row + 1}行超过了{MAX_COLUMNS}列（{get_column_letter(last_column)}列"
                        "还有内容或格式）。请删除数据以外的列后另存再上传",
                    )
    if last_row * last_column > MAX_CELLS:
        return _Problem(
            ErrorCode.TOO_MANY_CELLS,
            f"工作表超过了{MAX_CELLS}个单元格（{last_row}行×{last_column}列）。请删除数据以外的"
            "行和列后另存再上传，或分成几个文件上传",
        )
    return None


def _collect_errors(xml: bytes, found: dict[tuple[int, int], str]) -> None:
    for match in _ERROR_CELL.finditer(xml):
        ref = _ATTR_R.search(b" " + match.group(1))
        value = _VALUE_TAG.search(match.group(2))
        if ref is not None and value is not None and value.group(1):
            key = (int(ref.group(2)), column_index_from_string(ref.group(1).decode().upper()))
            found[key] = value.group(1).decode("utf-8", "replace").strip()


# Formulas without a cached value read as empty. Found with one fast regex pass over the raw
# sheet XML, only in pieces that have formulas at all.
_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:[\w.-]+:)?c[\s>]")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_VALUE_TAG = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*?)?(?:/>|>(.*?)</(?:[\w.-]+:)?v>)", re.S)
_ATTR_R = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})(\d+)["']""")
_ATTR_T = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")


def _collect_uncached(xml: bytes, found: set[tuple[int, int]]) -> None:
    for match in _FORMULA_TAG.finditer(xml):
        # <f> is the first child of <c> (CT_Cell: f, v, is, extLst), so the cell's start tag
        # is the tag just before it.
        start = xml.rfind(b"<", 0, match.start())
        end = _CELL_END.search(xml, match.start())
        if start < 0 or end is None or not _CELL_START.match(xml, start):
            continue
        attrs, body = xml[start : match.start()], xml[match.start() : end.start()]
        value = _VALUE_TAG.search(body)
        if value is not None:
            if value.group(1):
                continue  # cached value
            kind = _ATTR_T.search(attrs)
            if kind is not None and kind.group(1) == b"str":
                continue  # cached empty-string result, e.g. =IF(A1="","",A1)
        ref = _ATTR_R.search(attrs)
        if ref is not None:
            found.add((int(ref.group(2)), column_index_from_string(ref.group(1).decode().upper())))


# --------------------------------------------------------------------------- normalising


@functools.lru_cache(maxsize=1 << 16, typed=True)
def _norm_header(value: object) -> str:
    """Header/label key: NFKC (full-width → half-width brackets, digits, spaces), all
    whitespace incl. line breaks removed, leading '*' removed, case-folded. Cached: every data
    row's first cell goes through here, and a file names the same few regions many times."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", value if isinstance(value, str) else str(value))
    return "".join(text.split()).lstrip("*").casefold()


def _display(value: object) -> str:
    text = re.sub(r"\s*[\r\n]+\s*", "", str(value))
    return " ".join(text.split())


def _shown(value: object) -> str:
    text = _display(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_NUMERIC = frozenset((Kind.INT, Kind.DECIMAL))
_NO_MONTHS: Mapping[int, Any] = MappingProxyType({})

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_MONTHS = {**_CN_DIGITS, "十": 10, "十一": 11, "十二": 12}
_MONTH_HEADER = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月份?(?:\(.*\))?")
_MONTH_VALUE = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})(?:月份?)?")
_NOTE_ROW = re.compile(
    r"(?:注|说明|备注|填表人|填报人|制表人|审核人|负责人|联系人|联系电话|填报单位|填报日期"
    r"|制表日期|制表|审核|数据来源|资料来源)\d*:"
)


def _month_of(text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.fullmatch(text)
    if match is None:
        return None
    token = match.group(1)
    month = int(token) if token.isdigit() else _CN_MONTHS.get(token)
    return month if month is not None and 1 <= month <= 12 else None


# --------------------------------------------------------------------------- cell parsing

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_PLACEHOLDERS = {"-", "--", "—", "——", "–", "/", "无"}
_EXCEL_ERRORS = {
    "#DIV/0!",
    "#N/A",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#REF!",
    "#VALUE!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
}
_YES = {"是", "y", "yes", "true", "√", "✓", "✔", "1"}
_NO = {"否", "n", "no", "false", "×", "✗", "✘", "0"}


def _number_text(text: str) -> str:
    if text.isascii():  # NFKC leaves ASCII alone
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")


def _is_placeholder(kind: Kind, value: object) -> bool:
    """「-」「—」「/」「无」 in a numeric cell mean "no figure", i.e. empty."""
    return (
        kind in _NUMERIC
        and isinstance(value, str)
        and len(value.strip()) <= 4  # placeholders are short; most numbers are not
        and _number_text(value) in _PLACEHOLDERS
    )


def _decimals(value: Decimal) -> int:
    if value == value.to_integral_value():
        return 0
    return max(0, -int(value.normalize().as_tuple().exponent))


def _tidy(value: Decimal) -> Decimal:
    """1.50 → 1.5, 1E+2 → 100, -0 → 0."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) + 0
    return value.normalize()


def _to_decimal(raw: object, places: int | None) -> Decimal:
    """Any cell value → Decimal; ``places`` = max decimals allowed (``None``: any)."""
    if isinstance(raw, str):  # the most frequent, with float: tested first
        text = _number_text(raw)
        if text.startswith("#") and text.upper() in _EXCEL_ERRORS:
            raise _Problem(
                ErrorCode.FORMULA_ERROR, f"公式计算出错（{text.upper()}），请修正公式或直接填写数值"
            )
        if not _NUMBER.fullmatch(text):
            raise _Problem(
                ErrorCode.NOT_NUMBER,
                f'"{_shown(raw)}"不是有效的数字，请只填写数字（可以带千位分隔符，如1,234.5；'
                "不要带单位、文字或空格）",
            )
        text = text.replace(",", "")
        whole, _point, fraction = text.partition(".")
        fraction = fraction.rstrip("0")
        if len(whole.lstrip("+-")) < 16 and (places is None or len(fraction) <= places):
            # The common case (the number is in range and has no more decimals than allowed):
            # what the general path below returns, without its Decimal arithmetic.
            if not fraction:
                return Decimal(whole if whole.lstrip("+-") else "0") + 0
            return Decimal(f"{whole}.{fraction}")
        value = Decimal(text)
    elif isinstance(raw, bool):
        raise _Problem(ErrorCode.NOT_NUMBER, f'"{_shown(raw)}"不是数字，请填写数字')
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _Problem(ErrorCode.NOT_NUMBER, "不是有效的数字，请填写数字")
        text = repr(raw)  # the shortest text that reads back as the same float: 0.1 stays 0.1
        whole, point, fraction = text.partition(".")
        if point and "e" not in fraction and abs(raw) < 1e15:
            # The common case, without the general path's Decimal arithmetic: repr has no
            # trailing zeros but in "12.0", so the decimals are counted on the text.
            if fraction == "0":
                return Decimal(whole) + 0  # -0.0 → 0
            if places is None or len(fraction) <= places:
                return Decimal(text)
        value = Decimal(text)
        if places is not None and _decimals(value) > places:
            # Binary noise from a formula (0.1+0.2 → 0.30000000000000004): Excel itself
            # only keeps 15 significant digits.
            excel = Decimal(format(raw, ".15g"))
            if _decimals(excel) <= places:
                value = excel
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise _Problem(ErrorCode.NOT_NUMBER, "不是有效的数字，请填写数字")
        value = raw
    elif isinstance(raw, dt.date | dt.time | dt.timedelta):
        raise _Problem(
            ErrorCode.NOT_NUMBER,
            '这里应填写数字，但单元格是日期/时间格式，请把单元格格式改为"常规"或"数值"后重新填写',
        )
    else:
        raise _Problem(ErrorCode.NOT_NUMBER, f'"{_shown(raw)}"不是有效的数字，请填写数字')
    if abs(value) >= _MAX_MAGNITUDE:
        raise _Problem(ErrorCode.OUT_OF_RANGE, f"数值{_shown(raw)}太大，请检查单位和数值")
    if places is not None and _decimals(value) > places:
        raise _Problem(
            ErrorCode.TOO_MANY_DECIMALS,
            f"最多保留{places}位小数（现为{_fmt(value)}），请四舍五入后再填写",
        )
    return _tidy(value)


def _fmt(value: Decimal | int) -> str:
    return f"{value:,}"


def _check_range(value: Any, column: Column) -> None:
    if column.min_value is not None and value < column.min_value:
        raise _Problem(ErrorCode.OUT_OF_RANGE, f"不能小于{column.min_value}（现为{value}）")
    if column.max_value is not None and value > column.max_value:
        raise _Problem(ErrorCode.OUT_OF_RANGE, f"不能大于{column.max_value}（现为{value}）")


def _parse_number(raw: object, column: Column) -> int | Decimal:
    places = column.decimal_places if column.kind is Kind.DECIMAL else None
    value = _to_decimal(raw, places)
    if value < 0 and not column.allow_negative:
        what = "金额" if column.kind is Kind.DECIMAL else "数值"
        raise _Problem(ErrorCode.NEGATIVE, f"{what}不能为负数，请填写0或正数")
    if column.kind is Kind.INT:
        if value != value.to_integral_value():
            raise _Problem(ErrorCode.NOT_INTEGER, f"应为整数，不能有小数（现为{_fmt(value)}）")
        number: int | Decimal = int(value)
    else:
        number = value
    _check_range(number, column)
    return number


def _parse_year(raw: object, column: Column) -> int:
    text = _number_text(raw).removesuffix("年").strip() if isinstance(raw, str) else raw
    try:
        value = _to_decimal(text, None)
    except _Problem:
        value = None
    if value is None or value != value.to_integral_value():
        raise _Problem(
            ErrorCode.BAD_YEAR, f'"{_shown(raw)}"不是有效的年份，请填写四位数字的年份，如2024'
        )
    year = int(value)
    low = column.min_value if column.min_value is not None else _DEFAULT_YEARS[0]
    high = column.max_value if column.max_value is not None else _DEFAULT_YEARS[1]
    if not low <= year <= high:
        raise _Problem(ErrorCode.BAD_YEAR, f"年份应在{low}到{high}之间（现为{year}）")
    return year


def _parse_month(raw: object) -> int:
    month: int | None = None
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        if math.isfinite(raw) and raw == int(raw):
            month = int(raw)
    elif isinstance(raw, str):
        month = _month_of("".join(_number_text(raw).split()), _MONTH_VALUE)
        if month is None and _NUMBER.fullmatch(_number_text(raw)):
            month = 0  # a number, just not 1–12
    if month is None or not 1 <= month <= 12:
        raise _Problem(
            ErrorCode.BAD_MONTH, f'月份应为1到12的整数，可以写"3"或"3月"（现为"{_shown(raw)}"）'
        )
    return month


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _parse_date(raw: object, column: Column, epoch: dt.datetime) -> dt.date:
    bad = _Problem(
        ErrorCode.BAD_DATE, f'"{_shown(raw)}"不是有效的日期，请按2024-03-15这样的格式填写'
    )
    value: dt.date | None = None
    try:
        if isinstance(raw, dt.datetime):
            value = raw.date()
        elif isinstance(raw, dt.date):
            value = raw
        elif isinstance(raw, int | float) and not isinstance(raw, bool):
            if 19000101 <= raw <= 29991231 and raw == int(raw):  # 20240315 typed as a number
                match = _DATE_COMPACT.fullmatch(str(int(raw)))
                if match:
                    value = dt.date(*(int(g) for g in match.groups()))
            elif 1 <= raw < 2958466:  # Excel serial number in a "General" cell
                converted = from_excel(raw, epoch)
                value = converted.date() if isinstance(converted, dt.datetime) else None
        elif isinstance(raw, str):
            text = _number_text(raw)
            match = _DATE_TEXT.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
            if match:
                value = dt.date(*(int(g) for g in match.groups()[:3]))
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise bad
    low = column.min_value if column.min_value is not None else dt.date(_DEFAULT_YEARS[0], 1, 1)
    high = column.max_value if column.max_value is not None else dt.date(_DEFAULT_YEARS[1], 12, 31)
    if not low <= value <= high:
        raise _Problem(ErrorCode.BAD_DATE, f"日期应在{low}到{high}之间（现为{value}），请检查年份")
    return value


def _parse_yes_no(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    key = "".join(_number_text(str(raw)).split()).casefold()
    if isinstance(raw, float) and raw.is_integer():
        key = str(int(raw))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise _Problem(ErrorCode.BAD_YES_NO, f'请填写"是"或"否"（现为"{_shown(raw)}"）')


def _parse_text(raw: object, column: Column) -> str:
    if isinstance(raw, str):
        text = clean_text(raw).strip()
        if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
            text = text[1:]  # undo escape_cell
    elif isinstance(raw, bool):
        text = "是" if raw else "否"
    elif isinstance(raw, float):
        text = str(int(raw)) if raw.is_integer() else repr(raw)
    elif isinstance(raw, dt.datetime):
        text = raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    elif isinstance(raw, dt.date):
        text = raw.isoformat()
    else:
        text = str(raw)
    if column.max_length is not None and len(text) > column.max_length:
        raise _Problem(
            ErrorCode.TOO_LONG, f"内容太长：最多{column.max_length}个字，现在有{len(text)}个字"
        )
    return text


def _convert(raw: object, column: Column, epoch: dt.datetime) -> Any:
    """Non-blank raw cell value → parsed value, or raise _Problem."""
    if column.kind in (Kind.INT, Kind.DECIMAL):
        return _parse_number(raw, column)
    if column.kind is Kind.YEAR:
        return _parse_year(raw, column)
    if column.kind is Kind.MONTH:
        return _parse_month(raw)
    if column.kind is Kind.DATE:
        return _parse_date(raw, column, epoch)
    if column.kind is Kind.YES_NO:
        return _parse_yes_no(raw)
    return _parse_text(raw, column)


# --------------------------------------------------------------------------- the reader


@dataclass(frozen=True)
class _Header:
    row: int
    skip: int  # buffered rows consumed by the header (incl. a month sub-header row)
    columns: dict[str, FoundColumn]
    months: dict[int, FoundColumn]

    spec: SheetSpec | None = None
    used: tuple[FoundColumn, ...] = field(init=False)  # all found columns, months too
    normalized: tuple[tuple[int, str], ...] = field(init=False)  # (index, header key)
    plan: tuple[tuple[Column, FoundColumn | None], ...] = field(init=False)  # spec order
    used_first: bool = field(init=False)

    def __post_init__(self) -> None:
        columns = self.spec.columns if self.spec is not None else ()
        object.__setattr__(self, "plan", tuple((c, self.columns.get(c.key)) for c in columns))
        object.__setattr__(self, "used", (*self.columns.values(), *self.months.values()))
        # Is the sheet's first column one the spec reads? (Then a row whose first cell is
        # filled has content in a read column.)
        object.__setattr__(self, "used_first", any(f.index == 0 for f in self.used))
        normalized = tuple((f.index, _norm_header(f.header)) for f in self.columns.values())
        object.__setattr__(self, "normalized", normalized)


class _SheetReader:
    def __init__(
        self,
        spec: SheetSpec,
        sheet: str,
        epoch: dt.datetime,
        uncached: frozenset[tuple[int, int]],
    ) -> None:
        self.spec = spec
        self.sheet = sheet
        self.epoch = epoch
        self.uncached = uncached
        self.errors: list[CellError] = []
        self.left_out = 0  # errors counted but not kept, past MAX_LISTED_ERRORS
        self.rows: list[DataRow] = []
        self.totals: list[TotalsRow] = []
        self.aliases = {_norm_header(h): c for c in spec.columns for h in c.headers}
        self.totals_labels = {_norm_header(label).rstrip(":") for label in spec.totals_labels}
        self.month_column = spec.months.as_column() if spec.months else None
        #: A data row's first cell (as written) → "totals", "note" or "data".
        self.first_cells: dict[str, str] = {}
        #: Per column key: (type, cell) → its parsed value or _Problem (not for numbers).
        self.memo: dict[str, dict[tuple[type, object], Any]] = {}

    # -- driver

    def run(self, cells: Sequence[Sequence[object]]) -> SheetResult:
        """``cells``: the sheet's rows from row 1, as calamine reads them ("" for empty)."""
        numbered = enumerate(cells, start=1)
        buffered = list(islice(numbered, self.spec.header_search_rows + 1))
        header = self._find_header(buffered)
        if header is not None:
            for row_number, row in chain(buffered[header.skip :], numbered):
                self._row(row_number, row, header)
        return self._result(header)

    def _result(self, header: _Header | None) -> SheetResult:
        errors = self.errors
        if self.left_out:
            errors = limit_errors(
                [*errors, CellError("", None, None, None, "", ErrorCode.MORE_ERRORS, self.left_out)]
            )
        return SheetResult(
            sheet=self.sheet,
            header_row=header.row if header else None,
            rows=tuple(self.rows),
            totals=tuple(self.totals),
            errors=tuple(errors),
            columns=header.columns if header else {},
            months=header.months if header else {},
            spec=self.spec,
        )

    def _file_problem(self, code: str, message: str) -> None:
        """Why the sheet could not be read to its end: listed first, never left out."""
        self.errors.insert(0, CellError(self.sheet, None, None, None, message, code))

    def _add(self, row: int | None, found: FoundColumn | None, code: str, message: str) -> None:
        if len(self.errors) >= MAX_LISTED_ERRORS:
            self.left_out += 1
            return
        self.errors.append(
            CellError(
                self.sheet,
                row,
                found.letter if found else None,
                found.header if found else None,
                message,
                code,
            )
        )

    # -- header

    def _match(self, cells: Sequence[object]) -> dict[str, list[FoundColumn]]:
        found: dict[str, list[FoundColumn]] = {}
        for index, value in enumerate(cells):
            column = self.aliases.get(_norm_header(value)) if isinstance(value, str) else None
            if column is not None:
                found.setdefault(column.key, []).append(
                    FoundColumn(column.key, index, get_column_letter(index + 1), _display(value))
                )
        return found

    def _match_months(self, cells: Sequence[object]) -> dict[int, list[FoundColumn]]:
        found: dict[int, list[FoundColumn]] = {}
        if self.spec.months is None:
            return found
        for index, value in enumerate(cells):
            month = (
                _month_of(_norm_header(value), _MONTH_HEADER) if isinstance(value, str) else None
            )
            if month is not None:
                found.setdefault(month, []).append(
                    FoundColumn(month, index, get_column_letter(index + 1), _display(value))
                )
        return found

    def _find_header(self, buffered: list[tuple[int, tuple[object, ...]]]) -> _Header | None:
        required = [c for c in self.spec.columns if c.required]
        months_required = self.spec.months is not None and self.spec.months.required
        best: tuple[int, int, list[Column]] | None = None
        for position, (row_number, cells) in enumerate(buffered[: self.spec.header_search_rows]):
            found = self._match(cells)
            if not found and not self._match_months(cells):
                continue
            missing = [c for c in required if c.key not in found]
            if missing:
                score = len(required) - len(missing)
                if score and (best is None or score > best[0]):
                    best = (score, row_number, missing)
                continue
            months = self._match_months(cells)
            skip = position + 1
            if self.spec.months is not None and not months and position + 1 < len(buffered):
                months = self._match_months(buffered[position + 1][1])  # two-level header
                if months:
                    skip += 1
            if months_required and not months:
                continue
            return self._build_header(row_number, skip, found, months, buffered[skip - 1][0])
        self._no_header(buffered, best)
        return None

    def _build_header(
        self,
        row_number: int,
        skip: int,
        found: dict[str, list[FoundColumn]],
        months: dict[int, list[FoundColumn]],
        months_row: int,
    ) -> _Header:
        columns: dict[str, FoundColumn] = {}
        for key, hits in found.items():
            columns[key] = hits[0]
            for extra in hits[1:]:
                self._add(
                    row_number,
                    extra,
                    ErrorCode.DUPLICATE_HEADER,
                    f"这一列和{hits[0].letter}列是同一项，请删除多余的一列或改掉它的表头",
                )
        month_columns: dict[int, FoundColumn] = {}
        for month, hits in sorted(months.items()):
            month_columns[month] = hits[0]
            for extra in hits[1:]:
                self._add(
                    months_row,
                    extra,
                    ErrorCode.DUPLICATE_HEADER,
                    f"{month}月出现了两次（另见{hits[0].letter}列），请删除多余的一列",
                )
        return _Header(row_number, skip, columns, month_columns, self.spec)

    def _no_header(
        self,
        buffered: list[tuple[int, tuple[object, ...]]],
        best: tuple[int, int, list[Column]] | None,
    ) -> None:
        limit = self.spec.header_search_rows
        if not any(not _is_blank(v) for _, cells in buffered for v in cells):
            self._add(
                None,
                None,
                ErrorCode.NO_HEADER,
                f"前{limit}行没有任何内容，请检查是否选错了工作表或文件",
            )
            return
        expected = "".join(f"〈{c.label}〉" for c in self.spec.columns if c.required)
        if self.spec.months is not None and self.spec.months.required:
            expected += "以及月份列（〈1月〉〈2月〉…）"
        message = f"在前{limit}行中没有找到表头，表头应包含这些列：{expected}"
        if best is not None:
            lacking = "".join(f"〈{c.label}〉" for c in best[2])
            message += f"（最接近的是第{best[1]}行，但缺少{lacking}）"
        self._add(None, None, ErrorCode.NO_HEADER, message + "。请使用模板的表头文字，不要修改列名")

    # -- rows

    def _blank(self, row_number: int, index: int, value: object) -> bool:
        return _is_blank(value) and (row_number, index + 1) not in self.uncached

    def _row(self, row_number: int, cells: Sequence[object], header: _Header) -> None:
        if not self.uncached and cells and not _is_blank(cells[0]):
            at, first = 0, cells[0]  # the usual row: its first cell filled
        else:
            at, first = next(
                ((i, v) for i, v in enumerate(cells) if not self._blank(row_number, i, v)),
                (-1, None),
            )
        if at < 0:
            return
        if isinstance(first, str):
            kind = self.first_cells.get(first)
            if kind is None:
                # Totals labels and footnote prefixes are short: normalise only the start.
                label = _norm_header(first[:24])
                kind = (
                    "totals"
                    if label.rstrip(":") in self.totals_labels
                    else "note"
                    if _NOTE_ROW.match(label)
                    else "data"
                )
                self.first_cells[first] = kind
            if kind == "totals":
                self._totals_row(row_number, cells, header, _display(first))
                return
            if kind == "note":
                return
        if not (at == 0 and header.used_first) and all(
            _is_blank(_cell(cells, f.index))
            and (not self.uncached or (row_number, f.index + 1) not in self.uncached)
            for f in header.used
        ):
            return  # content only in ignored columns
        if header.columns and all(
            isinstance(value := _cell(cells, index), str) and _norm_header(value) == expected
            for index, expected in header.normalized
        ):
            return  # header repeated (tables pasted one under another)
        values: dict[str, Any] = {}
        width = len(cells)
        for column, found in header.plan:
            values[column.key] = (
                None
                if found is None
                else self._value(
                    row_number,
                    found,
                    column,
                    cells[found.index] if found.index < width else None,
                    column.required,
                )
            )
        months = self._months(row_number, cells, header) if self.month_column else _NO_MONTHS
        self.rows.append(DataRow(row_number, values, months))

    def _months(self, row_number: int, cells: Sequence[object], header: _Header) -> dict[int, Any]:
        months: dict[int, Any] = {}
        if self.month_column is None:
            return months
        for month, found in header.months.items():
            value = self._value(
                row_number, found, self.month_column, _cell(cells, found.index), False
            )
            if value is not None:
                months[month] = value
        return months

    def _totals_row(
        self, row_number: int, cells: Sequence[object], header: _Header, label: str
    ) -> None:
        values: dict[str, Any] = {}
        for column in self.spec.columns:
            found = header.columns.get(column.key)
            if column.kind in (Kind.INT, Kind.DECIMAL):
                values[column.key] = (
                    None
                    if found is None
                    else self._value(row_number, found, column, _cell(cells, found.index), False)
                )
        self.totals.append(
            TotalsRow(row_number, label, values, self._months(row_number, cells, header))
        )

    def _value(
        self, row_number: int, found: FoundColumn, column: Column, raw: object, required: bool
    ) -> Any:
        if raw is None or (
            isinstance(raw, str) and (not raw.strip() or _is_placeholder(column.kind, raw))
        ):
            if (row_number, found.index + 1) in self.uncached:
                self._add(
                    row_number,
                    found,
                    ErrorCode.FORMULA_WITHOUT_VALUE,
                    "这里是公式，但文件中没有保存计算结果（文件可能是由其他软件生成的）。"
                    "请用Excel或WPS打开文件、保存一次后再上传，或直接填写数值",
                )
            elif required:
                shown = "" if _is_blank(raw) else f'（"{_shown(raw)}"视为未填写）'
                self._add(row_number, found, ErrorCode.REQUIRED, f"不能为空，请填写{shown}")
            return None
        try:
            if column.kind in _NUMERIC:
                return _parse_number(raw, column)
            # Names, years and months repeat down a sheet: each distinct cell is parsed once.
            memo = self.memo.setdefault(column.key, {})
            key = (raw.__class__, raw)
            parsed = memo.get(key, memo)
            if parsed is memo:
                try:
                    parsed = _convert(raw, column, self.epoch)
                except _Problem as problem:
                    parsed = problem
                memo[key] = parsed
            if isinstance(parsed, _Problem):
                raise parsed
            return parsed
        except _Problem as problem:
            self._add(row_number, found, problem.code, problem.message)
            return None


def _cell(cells: Sequence[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


# --------------------------------------------------------------------------- export helpers

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _safe_sheet_name(name: str) -> str:
    cleaned = _SHEET_NAME_BAD.sub("", ILLEGAL_CHARACTERS_RE.sub("", name or "")).strip("' ")
    return cleaned[:31] or "Sheet1"


def _column_width(value: object) -> float:
    text = "" if value is None else str(value)
    width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text) + 2
    return float(min(max(width, 10), 60))


def _export_value(value: object) -> object:
    if value is None or (isinstance(value, int | float | Decimal) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date | dt.time):
        return value
    return escape_cell(str(value))


def _export_cell(sheet: Any, value: object) -> object:
    value = _export_value(value)
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value
