"""An uploaded xlsx, bounded before anything is unpacked, and one worksheet's cells read from it.

Every bound is checked before calamine unpacks anything: the upload's size, what the zip's
directory says its parts unpack to (XLSX_LIMITS), and, streaming the sheet's raw XML, its
declared dimension, its rows and how far its cell references reach (MAX_ROWS, MAX_COLUMNS,
MAX_CELLS). The cells are then read with python-calamine (about ten times faster than
openpyxl, which stays for writing), the whole sheet at once: a 100 000-row file is held as a
list of rows (about 40 MB). Formulas give the value Excel/WPS cached when the file was saved;
a formula *without* a cached value and an error cell (#DIV/0!, #N/A …), both of which calamine
reads as empty, are found in the same pass over the XML. A file that is refused gives a
:class:`SheetCells` whose ``problem`` says, in Chinese, what to fix.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.etree import ElementTree

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
from python_calamine import CalamineWorkbook

from fdi_portal.archives import MIB, ArchiveLimits, archive_problem
from fdi_portal.lib.spreadsheets.cells import norm_header
from fdi_portal.lib.spreadsheets.errors import ErrorCode, Problem

#: Default upload limit for :func:`~fdi_portal.lib.spreadsheets.reader.read_sheet` (10 MiB).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: What an xlsx may unpack to, checked before anything is unpacked (decompression bombs). A
#: 100 000-row figures file unpacks to about 20 MB at a ratio of about 9. Each part is bounded
#: on its own, not only by its ratio: a sheet of 122 MB of spaces (3 MB compressed, 40:1)
#: took calamine 7.4 s and 319 MB.
XLSX_LIMITS = ArchiveLimits(total_bytes=64 * MIB, part_bytes=40 * MIB, ratio=100)
#: The size of a worksheet, checked on the dimension it declares before any row is read and
#: again on the rows as they are read (the declaration may be missing or wrong).
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_CELLS = 5_000_000

Source = str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class SheetCells:
    """One worksheet's rows from row 1, as calamine reads them ("" for an empty cell), with
    the text of each error cell (#DIV/0! …) put back. When the file or the sheet is refused,
    ``problem`` says why and there are no cells; ``name`` is then the name asked for ("" for
    the default sheet) unless the sheet was found."""

    name: str
    cells: list[list[object]] = field(default_factory=list)
    epoch: dt.datetime = CALENDAR_WINDOWS_1900
    #: (row, 1-based column) of formula cells without a cached value.
    uncached: frozenset[tuple[int, int]] = frozenset()
    problem: Problem | None = None


def read_cells(
    source: Source, *, sheet_name: str | None = None, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> SheetCells:
    """Read one worksheet's cells, every bound checked first (see the module docstring).

    ``source`` is a path or a binary file object; file objects are read from their beginning
    and left open, paths are opened and closed here. The file extension is irrelevant: the
    content decides. ``max_bytes`` (``None`` = no limit) is checked before any parsing. By
    default the first *visible* worksheet is read; ``sheet_name`` picks another (exact name,
    else ignoring spaces/width/case). Raises ``TypeError`` only for a source that is neither.
    """
    requested = sheet_name or ""
    try:
        data = _read_source(source, max_bytes)
        with _open_archive(data) as archive:
            book = _Book.read(archive)
            sheet = book.pick(sheet_name)
            scan = _scan_sheet(archive, sheet.part)
            _check_other_parts(archive, book)
    except Problem as problem:
        return SheetCells(requested, problem=problem)
    if scan.problem is not None:
        return SheetCells(sheet.name, problem=scan.problem)
    try:
        cells = (
            CalamineWorkbook.from_filelike(io.BytesIO(data))
            .get_sheet_by_name(sheet.name)
            .to_python(skip_empty_area=False)
        )
    except Exception:  # calamine raises several kinds for damaged parts
        return SheetCells(sheet.name, problem=_unreadable())
    for (row, column), text in scan.errors.items():
        if row <= len(cells) and column <= len(cells[row - 1]):
            cells[row - 1][column - 1] = text  # calamine reads an error cell as ""
    return SheetCells(sheet.name, cells, book.epoch, scan.uncached)


# --------------------------------------------------------------------------- file handling


def _unreadable() -> Problem:
    return Problem(
        ErrorCode.UNREADABLE,
        "文件无法读取，可能已损坏。请用Excel或WPS打开后重新保存为.xlsx格式再上传",
    )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _too_large(size: int | None, limit: int) -> Problem:
    shown = f"（{_megabytes(size)}）" if size is not None else ""
    return Problem(
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
            raise Problem(ErrorCode.UNREADABLE, "找不到文件或无法打开文件") from exc
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


def _not_xlsx(reason: str) -> Problem:
    return Problem(ErrorCode.NOT_XLSX, f"文件不是Excel工作簿（.xlsx）：{reason}")


def _open_archive(data: bytes) -> zipfile.ZipFile:
    """The xlsx as a zip, once its content says it is one (extensions lie) and its directory
    says it unpacks within XLSX_LIMITS; nothing is decompressed before that."""
    if not data:
        raise Problem(ErrorCode.NOT_XLSX, "文件是空的（0字节），请重新选择文件")
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
        raise Problem(ErrorCode.FILE_TOO_LARGE, problem)
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
            raise Problem(ErrorCode.SHEET_NOT_FOUND, "文件中没有工作表")
        if name is None:
            return next((s for s in self.sheets if s.visible), self.sheets[0])
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        for sheet in self.sheets:
            if norm_header(sheet.name) == norm_header(name):
                return sheet
        listed = "、".join(f'"{s.name}"' for s in self.sheets)
        raise Problem(
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
    problem: Problem | None = None
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
            scan.problem = Problem(
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


def _declared_problem(head: bytes) -> Problem | None:
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
        return Problem(
            ErrorCode.TOO_MANY_CELLS,
            f"工作表的范围是{rows}行×{columns}列，超过了允许的{MAX_ROWS}行、{MAX_COLUMNS}列"
            f"（最多{MAX_CELLS}个单元格）。如果数据其实没有这么多，多半是很远的行或列里"
            "有格式、空格或公式：请删除数据以外的行和列后另存再上传；否则请分成几个文件上传",
        )
    return None


def _reach_problem(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> Problem | None:
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
                    return Problem(
                        ErrorCode.TOO_MANY_CELLS,
                        f"工作表超过了{MAX_ROWS}行（第{last_row}行还有内容或格式）。请删除数据以外"
                        "的行后另存再上传，或分成几个文件上传",
                    )
                if last_column > MAX_COLUMNS:
                    return Problem(
                        ErrorCode.TOO_MANY_CELLS,
                        f"第{cell_row + 1}行超过了{MAX_COLUMNS}列（{get_column_letter(last_column)}列"
                        "还有内容或格式）。请删除数据以外的列后另存再上传",
                    )
    if last_row * last_column > MAX_CELLS:
        return Problem(
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
