"""What a column holds, and how its cells become Python values.

:class:`Column` and :class:`MonthColumns` say what a column holds (:class:`Kind`); the
normalising helpers turn headers and labels into the keys they are matched by; the parsers
turn one raw cell, as calamine reads it, into an int, Decimal, date, bool or text, or raise
:class:`~fdi_portal.lib.spreadsheets.errors.Problem` saying in Chinese what to fix. Numbers
accept the spellings bureaus use (「1,234.5」, full-width digits, 「-」「无」 for "no figure"),
and a float is read through its shortest text, so 0.1 stays 0.1.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from openpyxl.utils.datetime import from_excel

from fdi_portal.lib.spreadsheets.errors import ErrorCode, Problem
from fdi_portal.lib.text import clean_text

_DEFAULT_YEARS = (2000, 2100)
_MAX_MAGNITUDE = Decimal(10) ** 15  # beyond Excel's 15 significant digits


class Kind(StrEnum):
    """What a column holds, and therefore how its cells are parsed."""

    TEXT = "text"  # str, stripped; numbers/dates are rendered as text
    INT = "int"  # int; 2021.0 and 「1,234」 accepted
    DECIMAL = "decimal"  # Decimal with at most ``decimal_places`` decimals
    YEAR = "year"  # int in [min_value, max_value], default 2000–2100; 「2024年」 accepted
    MONTH = "month"  # int 1–12; 「3月」「03」「三月」 accepted
    DATE = "date"  # datetime.date; Excel dates, 2024-03-15, 2024/3/15, 2024年3月15日, 20240315
    YES_NO = "yes_no"  # bool; 是/否 (also Y/N, √/×, TRUE/FALSE, 1/0)


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
        if not self.key or not self.headers or not all(norm_header(h) for h in self.headers):
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


# --------------------------------------------------------------------------- normalising


@functools.lru_cache(maxsize=1 << 16, typed=True)
def norm_header(value: object) -> str:
    """Header/label key: NFKC (full-width → half-width brackets, digits, spaces), all
    whitespace incl. line breaks removed, leading '*' removed, case-folded. Cached: every data
    row's first cell goes through here, and a file names the same few regions many times."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", value if isinstance(value, str) else str(value))
    return "".join(text.split()).lstrip("*").casefold()


def one_line(value: object) -> str:
    """The cell's text on one line: line breaks and the spaces around them removed, other runs
    of whitespace made one space."""
    text = re.sub(r"\s*[\r\n]+\s*", "", str(value))
    return " ".join(text.split())


def excerpt(value: object) -> str:
    """The cell's text on one line, cut to 30 characters, to quote it in a message. A whole
    number reads as the clerk typed it: 13, not the 13.0 a spreadsheet stores."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    text = one_line(value)
    return text if len(text) <= 30 else text[:30] + "…"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


NUMERIC_KINDS = frozenset((Kind.INT, Kind.DECIMAL))

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_MONTHS = {**_CN_DIGITS, "十": 10, "十一": 11, "十二": 12}
_MONTH_HEADER = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月份?(?:\(.*\))?")
_MONTH_VALUE = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})(?:月份?)?")


def _month_of(text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.fullmatch(text)
    if match is None:
        return None
    token = match.group(1)
    month = int(token) if token.isdigit() else _CN_MONTHS.get(token)
    return month if month is not None and 1 <= month <= 12 else None


def header_month(key: str) -> int | None:
    """The month a header names (「1月」「01月份」「一月」「1月（万美元）」), given its
    :func:`norm_header` key; ``None`` if it names none."""
    return _month_of(key, _MONTH_HEADER)


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


def is_placeholder(kind: Kind, value: object) -> bool:
    """「-」「—」「/」「无」 in a numeric cell mean "no figure", i.e. empty."""
    return (
        kind in NUMERIC_KINDS
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
            raise Problem(
                ErrorCode.FORMULA_ERROR, f"公式计算出错（{text.upper()}），请修正公式或直接填写数值"
            )
        if not _NUMBER.fullmatch(text):
            raise Problem(
                ErrorCode.NOT_NUMBER,
                f'"{excerpt(raw)}"不是有效的数字，请只填写数字（可以带千位分隔符，如1,234.5；'
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
        raise Problem(ErrorCode.NOT_NUMBER, f'"{excerpt(raw)}"不是数字，请填写数字')
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise Problem(ErrorCode.NOT_NUMBER, "不是有效的数字，请填写数字")
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
            raise Problem(ErrorCode.NOT_NUMBER, "不是有效的数字，请填写数字")
        value = raw
    elif isinstance(raw, dt.date | dt.time | dt.timedelta):
        raise Problem(
            ErrorCode.NOT_NUMBER,
            '这里应填写数字，但单元格是日期/时间格式，请把单元格格式改为"常规"或"数值"后重新填写',
        )
    else:
        raise Problem(ErrorCode.NOT_NUMBER, f'"{excerpt(raw)}"不是有效的数字，请填写数字')
    if abs(value) >= _MAX_MAGNITUDE:
        raise Problem(ErrorCode.OUT_OF_RANGE, f"数值{excerpt(raw)}太大，请检查单位和数值")
    if places is not None and _decimals(value) > places:
        raise Problem(
            ErrorCode.TOO_MANY_DECIMALS,
            f"最多保留{places}位小数（现为{format_number(value)}），请四舍五入后再填写",
        )
    return _tidy(value)


def format_number(value: Decimal | int) -> str:
    return f"{value:,}"


def _check_range(value: Any, column: Column) -> None:
    if column.min_value is not None and value < column.min_value:
        raise Problem(ErrorCode.OUT_OF_RANGE, f"不能小于{column.min_value}（现为{value}）")
    if column.max_value is not None and value > column.max_value:
        raise Problem(ErrorCode.OUT_OF_RANGE, f"不能大于{column.max_value}（现为{value}）")


def parse_number(raw: object, column: Column) -> int | Decimal:
    places = column.decimal_places if column.kind is Kind.DECIMAL else None
    value = _to_decimal(raw, places)
    if value < 0 and not column.allow_negative:
        what = "金额" if column.kind is Kind.DECIMAL else "数值"
        raise Problem(ErrorCode.NEGATIVE, f"{what}不能为负数，请填写0或正数")
    if column.kind is Kind.INT:
        if value != value.to_integral_value():
            raise Problem(
                ErrorCode.NOT_INTEGER, f"应为整数，不能有小数（现为{format_number(value)}）"
            )
        number: int | Decimal = int(value)
    else:
        number = value
    _check_range(number, column)
    return number


def _parse_year(raw: object, column: Column) -> int:
    text = _number_text(raw).removesuffix("年").strip() if isinstance(raw, str) else raw
    try:
        value = _to_decimal(text, None)
    except Problem:
        value = None
    if value is None or value != value.to_integral_value():
        raise Problem(
            ErrorCode.BAD_YEAR, f'"{excerpt(raw)}"不是有效的年份，请填写四位数字的年份，如2024'
        )
    year = int(value)
    low = column.min_value if column.min_value is not None else _DEFAULT_YEARS[0]
    high = column.max_value if column.max_value is not None else _DEFAULT_YEARS[1]
    if not low <= year <= high:
        raise Problem(ErrorCode.BAD_YEAR, f"年份应在{low}到{high}之间（现为{year}）")
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
        raise Problem(
            ErrorCode.BAD_MONTH, f'月份应为1到12的整数，可以写"3"或"3月"（现为"{excerpt(raw)}"）'
        )
    return month


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _parse_date(raw: object, column: Column, epoch: dt.datetime) -> dt.date:
    bad = Problem(
        ErrorCode.BAD_DATE, f'"{excerpt(raw)}"不是有效的日期，请按2024-03-15这样的格式填写'
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
        raise Problem(ErrorCode.BAD_DATE, f"日期应在{low}到{high}之间（现为{value}），请检查年份")
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
    raise Problem(ErrorCode.BAD_YES_NO, f'请填写"是"或"否"（现为"{excerpt(raw)}"）')


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
        raise Problem(
            ErrorCode.TOO_LONG, f"内容太长：最多{column.max_length}个字，现在有{len(text)}个字"
        )
    return text


def parse_cell(raw: object, column: Column, epoch: dt.datetime) -> Any:
    """Non-blank raw cell value → parsed value, or raise Problem."""
    if column.kind in (Kind.INT, Kind.DECIMAL):
        return parse_number(raw, column)
    if column.kind is Kind.YEAR:
        return _parse_year(raw, column)
    if column.kind is Kind.MONTH:
        return _parse_month(raw)
    if column.kind is Kind.DATE:
        return _parse_date(raw, column, epoch)
    if column.kind is Kind.YES_NO:
        return _parse_yes_no(raw)
    return _parse_text(raw, column)
