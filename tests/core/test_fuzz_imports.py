"""Fuzzed importers (hypothesis): generated workbooks — random cells of every type, text with
control characters, merged cells, a huge declared dimension, empty sheets, several sheets —
for the arrivals and project-list imports, and generated plan texts and .docx files for the
plan import. Never a crash: either a clear error and nothing written, or a correct import.

Bounded and deterministic (``derandomize``) so CI runs the same examples every time;
``FUZZ_EXAMPLES`` raises the number for a longer hunt."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, example, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from fdi_portal.models import Region
from projects.arrival_import import apply_arrivals_import, preview_arrivals_import
from projects.models import Arrival, Project
from projects.project_import import (
    PROJECT_HEADERS,
    apply_projects_import,
    preview_projects_import,
)
from tasks.documents import UnreadableDocument, document_text
from tasks.models import Plan, Task
from tasks.services import import_plan, preview_plan

pytestmark = pytest.mark.django_db

FUZZ = fuzz_settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# --------------------------------------------------------------------------- generated cells

#: Text as people paste it: Chinese, digits in every width, separators, and the control and
#: invisible characters Word and web pages leave (tab, line breaks, NBSP, BOM, zero width).
TEXT = st.text(
    alphabet=st.sampled_from(
        list("上思县东兴市港口区防城区项目外资万美元年月0123456789０１２３.,，、-（）() ")
        + ["\t", "\n", "\r", "\u00a0", "\ufeff", "\u200b", "\u3000", "\u2028", "\x7f"]
    ),
    max_size=20,
)
CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
)
ARRIVAL_HEADERS = ["项目名称", "年份", "月份", "到位外资（万美元）"]
PROJECT_NAMES = ["上思县模糊项目", "东兴市模糊项目", "不存在的项目"]


def arrival_cell(column: int) -> st.SearchStrategy[Any]:
    """Mostly plausible values for the column, often not."""
    plausible = [
        st.sampled_from(PROJECT_NAMES),
        st.integers(min_value=2018, max_value=2031),
        st.integers(min_value=0, max_value=13),
        st.decimals(min_value=-5, max_value=10**6, places=2, allow_nan=False),
    ][column]
    return st.one_of(plausible, plausible, CELL)


ARRIVAL_ROW = st.tuples(*(arrival_cell(i) for i in range(4))).map(list)


@st.composite
def workbooks(draw: Callable, headers: list[str], row: st.SearchStrategy[list]) -> bytes:
    """An xlsx: maybe a title row, the header (maybe mangled), rows, merged cells, an empty or
    second sheet, maybe a huge declared dimension."""
    book = Workbook()
    sheet = book.active
    if draw(st.booleans()):
        book.create_sheet("空表", 0 if draw(st.booleans()) else None)
        sheet = book.worksheets[draw(st.integers(0, 1))]
    if draw(st.booleans()):
        sheet.append(["2021年到位外资统计表"])
    header = list(headers)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        header[draw(st.integers(0, len(header) - 1))] = draw(TEXT)
    if draw(st.integers(0, 6)) > 0:
        sheet.append(header)
    for values in draw(st.lists(row, max_size=8)):
        sheet.append(values)
    for _ in range(draw(st.integers(0, 2))):
        top, left = draw(st.integers(1, 6)), draw(st.integers(1, 4))
        sheet.merge_cells(
            start_row=top,
            start_column=left,
            end_row=top + draw(st.integers(0, 2)),
            end_column=left + draw(st.integers(0, 2)),
        )
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    if draw(st.integers(0, 5)) == 0:
        content = _declare_dimension(
            content, draw(st.sampled_from(["A1:XFD1048576", "A1:Z999999"]))
        )
    return content


def _declare_dimension(content: bytes, ref: str) -> bytes:
    """The same workbook with every sheet claiming ``ref`` as its dimension."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            out.writestr(info, data)
    return target.getvalue()


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("fuzz.xlsx", content)


class Rollback(Exception):
    """Undo one example's writes, so every example starts from the same data."""


def each_example(check: Callable[[], None]) -> None:
    try:
        with transaction.atomic():
            check()
            raise Rollback
    except Rollback:
        pass


def arrivals() -> list[tuple]:
    return sorted(Arrival.objects.values_list("project_id", "year", "month", "amount_usd"))


@pytest.fixture
def fuzz_projects(fangchenggang) -> None:
    for name, region in (("上思县模糊项目", "上思县"), ("东兴市模糊项目", "东兴市")):
        project = Project.objects.create(
            city=fangchenggang,
            region=Region.objects.get(city=fangchenggang, name=region),
            name=name,
        )
        Arrival.objects.create(project=project, year=2021, month=3, amount_usd=Decimal("550000"))


@FUZZ
@given(content=workbooks(ARRIVAL_HEADERS, ARRIVAL_ROW))
def test_a_generated_arrivals_workbook_is_imported_correctly_or_refused_with_nothing_written(
    fuzz_projects, content
):
    def check() -> None:
        before = arrivals()
        preview = preview_arrivals_import(
            upload(content), projects=Project.objects.all(), max_bytes=2 * 1024 * 1024
        )
        if not preview.ok:
            assert preview.errors or preview.problems  # said why
            with pytest.raises(ValidationError):
                apply_arrivals_import(preview)
            assert arrivals() == before
            return
        apply_arrivals_import(preview)
        stored = {(p, y, m): a for p, y, m, a in arrivals()}
        for change in preview.changes:
            assert stored[change.project.pk, change.year, change.month] == change.new_usd
        # Nothing else changed.
        named = {(c.project.pk, c.year, c.month) for c in preview.changes}
        assert {k: v for k, v in stored.items() if k not in named} == {
            (p, y, m): a for p, y, m, a in before if (p, y, m) not in named
        }

    each_example(check)


PROJECT_ROW = st.lists(
    st.one_of(
        st.sampled_from(["上思县", "东兴市", "港口区", "制造业", "C", "签约", "2021-03-01"]), CELL
    ),
    min_size=len(PROJECT_HEADERS),
    max_size=len(PROJECT_HEADERS),
)


@FUZZ
@given(content=workbooks(list(PROJECT_HEADERS), PROJECT_ROW))
def test_a_generated_project_list_is_imported_correctly_or_refused_with_nothing_written(
    fangchenggang, content
):
    def check() -> None:
        before = sorted(Project.objects.values_list("pk", "name", "region_id", "stage"))
        preview = preview_projects_import(
            upload(content),
            regions=Region.objects.filter(city=fangchenggang),
            max_bytes=2 * 1024 * 1024,
        )
        if not preview.ok:
            assert preview.errors or preview.problems
            with pytest.raises(ValidationError):
                apply_projects_import(preview, user=None, today=dt.date(2026, 11, 22))
            assert sorted(Project.objects.values_list("pk", "name", "region_id", "stage")) == before
            return
        counts = apply_projects_import(preview, user=None, today=dt.date(2026, 11, 22))
        assert Project.objects.count() == len(before) + counts["new"]

    each_example(check)


# --------------------------------------------------------------------------- plan texts

SEED = Path(django_settings.BASE_DIR).parent / "shared" / "seeds" / "000_4a95702326841d61.txt"
FALLBACK_LINES = [
    "2021年防城港市扩大利用外资规模工作方案",
    "一、工作目标",
    "全年实际使用外资7000万美元，同比增长20%。",
    "二、主要任务",
    "（一）加大招商引资力度。〔市商务局牵头，市投资促进局配合〕",
    "1. 开展外资专题招商活动。（各县区人民政府负责）",
    "（二）优化营商环境。〔市发展改革委牵头〕",
]


def seed_lines() -> list[str]:
    if SEED.exists():
        lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
        return lines[:80] or FALLBACK_LINES
    return FALLBACK_LINES


LINES = seed_lines()
CONTROL = st.sampled_from(["\x07", "\x0b", "\x0c", "\x00", "\x1b", "\u200b", "\ufeff", "\t", "\r"])


@st.composite
def plan_texts(draw: Callable) -> str:
    """Lines of a real plan, dropped, repeated and reordered, with control characters and
    random text spliced in."""
    lines = draw(st.lists(st.sampled_from(LINES), min_size=0, max_size=25))
    out = []
    for line in lines:
        if draw(st.integers(0, 5)) == 0:
            cut = draw(st.integers(0, len(line)))
            line = line[:cut] + draw(CONTROL) + line[cut:]
        if draw(st.integers(0, 8)) == 0:
            line = draw(TEXT)
        out.append(line)
    return draw(st.sampled_from(["\n", "\r\n", "\x0b"])).join(out)


@FUZZ
@given(text=plan_texts())
# Found by the fuzzer: one unit lead in one sentence and supporting in the next (a 500 before).
@example(
    text="一是实施重大投资项目外资优先机制。〔各县（市、区）人民政府牵头〕\n"
    "落实好负面清单。〔市发展改革委、商务局，各县（市、区）人民政府分别按职责分工推进〕"
)
def test_a_generated_plan_text_is_imported_correctly_or_refused_with_nothing_written(
    fangchenggang, text
):
    def check() -> None:
        plans, tasks = Plan.objects.count(), Task.objects.count()
        preview = preview_plan(city=fangchenggang, text=text, title="模糊测试方案")
        try:
            result = import_plan(city=fangchenggang, text=text, title="模糊测试方案")
        except ValidationError as error:
            refused = error.messages
        else:
            refused = None
        if refused is not None:
            assert refused  # a clear message
            assert (Plan.objects.count(), Task.objects.count()) == (plans, tasks)
            return
        plan = result.plan
        assert plan.title == "模糊测试方案"
        assert Task.objects.filter(plan=plan).count() == len(preview.tasks)
        stored = " ".join(Task.objects.filter(plan=plan).values_list("title", flat=True))
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", stored)

    each_example(check)


@st.composite
def documents(draw: Callable) -> bytes:
    """A .docx (maybe broken XML, maybe without its document part), text in UTF-8 or GB18030,
    or random bytes."""
    kind = draw(st.sampled_from(["docx", "broken-docx", "no-document", "utf8", "gb18030", "bytes"]))
    text = draw(plan_texts())
    if kind in ("docx", "broken-docx", "no-document"):
        body = "".join(
            f"<w:p><w:r><w:t>{_xml(line)}</w:t></w:r></w:p>" for line in text.splitlines()
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
        )
        if kind == "broken-docx":
            xml = xml[: draw(st.integers(0, len(xml) - 1))]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            name = "word/other.xml" if kind == "no-document" else "word/document.xml"
            archive.writestr(name, xml)
        return buffer.getvalue()
    if kind == "utf8":
        return text.encode("utf-8")
    if kind == "gb18030":
        return text.encode("gb18030", errors="replace")
    return draw(st.binary(max_size=200))


def _zip_with_document(xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def _xml(text: str) -> str:
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@FUZZ
@given(content=documents())
# Found by the fuzzer: a .docx whose document part is not XML (a 500 before).
@example(content=_zip_with_document(b""))
def test_a_generated_document_is_read_or_refused_as_unreadable(content):
    try:
        text = document_text(content)
    except UnreadableDocument as error:
        text, refused = "", str(error)
    else:
        refused = None
    assert refused is None or refused  # refused with a reason, or read
    assert not re.search(r"[\x00-\x08\x0e-\x1f]", text)
