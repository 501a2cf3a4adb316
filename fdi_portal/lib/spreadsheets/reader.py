"""Read one worksheet the way Chinese bureaus really make it, according to a :class:`SheetSpec`.

ORM-free: it finds the header row and turns the cells into Python values, validating
*cell-level syntax* (is this a number, a month, a year, 是/否 …). Resolving references (does
this 地区 exist?) and writing to the database is the caller's job, typically in one
transaction and only when :attr:`SheetResult.ok`.

Contract of :func:`read_sheet`:

* The file is bounded and its cells read by :mod:`fdi_portal.lib.spreadsheets.archive`:
  python-calamine, the whole sheet at once, every bound checked before it unpacks anything.
  A formula without a cached value and an error cell (#DIV/0!, #N/A …) are reported instead
  of being read as empty.
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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from types import MappingProxyType
from typing import Any

from openpyxl.utils import get_column_letter

from fdi_portal.lib.spreadsheets.archive import DEFAULT_MAX_BYTES, Source, read_cells
from fdi_portal.lib.spreadsheets.cells import (
    NUMERIC_KINDS,
    Column,
    Kind,
    MonthColumns,
    excerpt,
    format_number,
    header_month,
    is_blank,
    is_placeholder,
    norm_header,
    one_line,
    parse_cell,
    parse_number,
)
from fdi_portal.lib.spreadsheets.errors import (
    MAX_LISTED_ERRORS,
    CellError,
    ErrorCode,
    Problem,
    limit_errors,
)

#: First-cell texts (spaces ignored) that mark a totals row.
TOTALS_LABELS: tuple[str, ...] = ("合计", "总计", "全市", "全市合计")

_NO_MONTHS: Mapping[int, Any] = MappingProxyType({})
_NOTE_ROW = re.compile(
    r"(?:注|说明|备注|填表人|填报人|制表人|审核人|负责人|联系人|联系电话|填报单位|填报日期"
    r"|制表日期|制表|审核|数据来源|资料来源)\d*:"
)


# --------------------------------------------------------------------------- what it returns


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


# --------------------------------------------------------------------------- reading and checks


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
    found = read_cells(source, sheet_name=sheet_name, max_bytes=max_bytes)
    if found.problem is not None:
        return _failure(found.name, found.problem)
    return _SheetReader(spec, found.name, found.epoch, found.uncached).run(found.cells)


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
                        f"{''.join(totals.label.split())}行填的是{format_number(stated)}，"
                        f"但各数据行相加是{format_number(total)}（相差{format_number(Decimal(stated) - total)}），请核对",
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


def _failure(sheet: str, problem: Problem) -> SheetResult:
    error = CellError(sheet, None, None, None, problem.message, problem.code)
    return SheetResult(sheet=sheet, header_row=None, rows=(), totals=(), errors=(error,))


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
        normalized = tuple((f.index, norm_header(f.header)) for f in self.columns.values())
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
        self.aliases = {norm_header(h): c for c in spec.columns for h in c.headers}
        self.totals_labels = {norm_header(label).rstrip(":") for label in spec.totals_labels}
        self.month_column = spec.months.as_column() if spec.months else None
        #: A data row's first cell (as written) → "totals", "note" or "data".
        self.first_cells: dict[str, str] = {}
        #: Per column key: (type, cell) → its parsed value or Problem (not for numbers).
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
            column = self.aliases.get(norm_header(value)) if isinstance(value, str) else None
            if column is not None:
                found.setdefault(column.key, []).append(
                    FoundColumn(column.key, index, get_column_letter(index + 1), one_line(value))
                )
        return found

    def _match_months(self, cells: Sequence[object]) -> dict[int, list[FoundColumn]]:
        found: dict[int, list[FoundColumn]] = {}
        if self.spec.months is None:
            return found
        for index, value in enumerate(cells):
            month = header_month(norm_header(value)) if isinstance(value, str) else None
            if month is not None:
                found.setdefault(month, []).append(
                    FoundColumn(month, index, get_column_letter(index + 1), one_line(value))
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
        if not any(not is_blank(v) for _, cells in buffered for v in cells):
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
        return is_blank(value) and (row_number, index + 1) not in self.uncached

    def _row(self, row_number: int, cells: Sequence[object], header: _Header) -> None:
        if not self.uncached and cells and not is_blank(cells[0]):
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
                label = norm_header(first[:24])
                kind = (
                    "totals"
                    if label.rstrip(":") in self.totals_labels
                    else "note"
                    if _NOTE_ROW.match(label)
                    else "data"
                )
                self.first_cells[first] = kind
            if kind == "totals":
                self._totals_row(row_number, cells, header, one_line(first))
                return
            if kind == "note":
                return
        if not (at == 0 and header.used_first) and all(
            is_blank(_cell(cells, f.index))
            and (not self.uncached or (row_number, f.index + 1) not in self.uncached)
            for f in header.used
        ):
            return  # content only in ignored columns
        if header.columns and all(
            isinstance(value := _cell(cells, index), str) and norm_header(value) == expected
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
            isinstance(raw, str) and (not raw.strip() or is_placeholder(column.kind, raw))
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
                shown = "" if is_blank(raw) else f'（"{excerpt(raw)}"视为未填写）'
                self._add(row_number, found, ErrorCode.REQUIRED, f"不能为空，请填写{shown}")
            return None
        try:
            if column.kind in NUMERIC_KINDS:
                return parse_number(raw, column)
            # Names, years and months repeat down a sheet: each distinct cell is parsed once.
            memo = self.memo.setdefault(column.key, {})
            key = (raw.__class__, raw)
            parsed = memo.get(key, memo)
            if parsed is memo:
                try:
                    parsed = parse_cell(raw, column, self.epoch)
                except Problem as problem:
                    parsed = problem
                memo[key] = parsed
            if isinstance(parsed, Problem):
                raise parsed
            return parsed
        except Problem as problem:
            self._add(row_number, found, problem.code, problem.message)
            return None


def _cell(cells: Sequence[object], index: int) -> object:
    return cells[index] if index < len(cells) else None
