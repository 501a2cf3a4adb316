"""The problems a spreadsheet upload can have, and how many of them are listed.

Messages are Chinese only, in the English interface too: they quote the file's own Chinese
headers and cells, which a translation would not match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

#: Problems listed; the rest are counted in one closing 「…及另外N个错误」 (see limit_errors).
MAX_LISTED_ERRORS = 200


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


class Problem(Exception):
    """Why a file or a cell cannot be read, raised inside the package and reported by the reader
    as a :class:`CellError`: ``code`` an :class:`ErrorCode`, ``message`` in Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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
