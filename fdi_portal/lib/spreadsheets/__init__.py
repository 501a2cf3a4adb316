"""Read bureau-style xlsx uploads and write xlsx exports. ORM-free.

The modules, lowest first:

* ``errors``: :class:`ErrorCode`, :class:`CellError` (one located problem, in Chinese) and
  :func:`limit_errors`.
* ``cells``: what a column holds (:class:`Kind`, :class:`Column`, :class:`MonthColumns`), the
  normalising of headers and labels, and the parsing of one cell into a Python value.
* ``archive``: the upload bounded before anything is unpacked (size, zip directory, the sheet's
  XML) and one worksheet's cells read with python-calamine.
* ``reader``: :func:`read_sheet` with its :class:`SheetSpec` and what it returns
  (:class:`SheetResult`, :class:`DataRow`, :class:`TotalsRow`), and the checks across rows,
  :func:`check_totals` and :func:`find_duplicates`.
* ``writer``: :func:`write_xlsx` and :func:`escape_cell`, for exports.

Callers import from here: ``from fdi_portal.lib import spreadsheets`` or
``from fdi_portal.lib.spreadsheets import read_sheet``.
"""

from __future__ import annotations

from fdi_portal.lib.spreadsheets.archive import (
    DEFAULT_MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    XLSX_LIMITS,
)
from fdi_portal.lib.spreadsheets.cells import Column, Kind, MonthColumns
from fdi_portal.lib.spreadsheets.errors import MAX_LISTED_ERRORS, CellError, ErrorCode, limit_errors
from fdi_portal.lib.spreadsheets.reader import (
    TOTALS_LABELS,
    DataRow,
    FoundColumn,
    SheetResult,
    SheetSpec,
    TotalsRow,
    check_totals,
    find_duplicates,
    read_sheet,
)
from fdi_portal.lib.spreadsheets.writer import FORMULA_PREFIXES, escape_cell, write_xlsx

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMULA_PREFIXES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_LISTED_ERRORS",
    "MAX_ROWS",
    "TOTALS_LABELS",
    "XLSX_LIMITS",
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
