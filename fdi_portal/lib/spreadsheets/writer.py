"""Exports: rows written to an xlsx, every text cell made safe first.

:func:`write_xlsx` streams rows (header first) through openpyxl's write-only mode;
:func:`escape_cell` is the guard every exported text goes through, also in exports that build
their own workbook (tasks.exports).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from fdi_portal.lib.text import clean_text

#: Text starting with one of these is a formula to Excel (and to CSV consumers).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


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
