"""Bounds on what an uploaded zip file (an .xlsx or a .docx) would unpack to, checked on its
directory before any part of it is decompressed.

A few hundred kilobytes of zip can hold hundreds of megabytes of spaces (a decompression
bomb); a reader that unpacks and parses it holds a worker for minutes and takes a gigabyte of
memory. The sizes checked are those the zip's directory declares: Python's zipfile never
returns more bytes for a part than its declared size (it stops there and reports the file as
damaged), so a directory that understates them cannot smuggle more past this check.

Messages are plain Chinese, as in :mod:`fdi_portal.lib.spreadsheets`, the other reader of uploads.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """How large an archive may unpack: ``total_bytes`` for all its parts together,
    ``part_bytes`` for any one of them, and at most ``ratio`` times its packed size for a part
    that unpacks to more than ``ratio_from_bytes`` (small parts compress well legitimately)."""

    total_bytes: int
    part_bytes: int
    ratio: int = 100
    ratio_from_bytes: int = 5 * MIB


def archive_problem(infos: Iterable[zipfile.ZipInfo], limits: ArchiveLimits) -> str | None:
    """Why the archive whose directory lists ``infos`` is refused, or ``None``.

    Reads nothing but the directory entries: call it before opening any part.
    """
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limits.part_bytes:
            return (
                f"文件解压后过大：其中的“{_shown(info.filename)}”解压后有{_mb(size)}，"
                f"超过了允许的{_mb(limits.part_bytes)}。"
                "请删除多余的内容（如大段的空白、数据以外的行列、无关的图片）后另存再上传"
            )
        if size > limits.ratio_from_bytes and size > limits.ratio * max(info.compress_size, 1):
            return (
                f"文件的压缩比异常（其中的“{_shown(info.filename)}”从"
                f"{_mb(info.compress_size)}解压后变为{_mb(size)}），"
                "可能含有大量空白或重复内容，为安全起见不予处理。请只保留需要的数据后另存再上传"
            )
    if total > limits.total_bytes:
        return (
            f"文件解压后过大（共{_mb(total)}，最多允许{_mb(limits.total_bytes)}）。"
            "请删除多余的工作表、图片和空行后另存再上传，或分成几个文件上传"
        )
    return None


def _mb(size: int) -> str:
    return f"{size / MIB:.1f} MB"


def _shown(name: str) -> str:
    return name if len(name) <= 60 else "…" + name[-59:]
