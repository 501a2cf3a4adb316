"""The task-division table (任务分工表) as bureaus lay it out:
序号 | 工作任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限, with a merged row per section and group."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from fdi_portal.lib.spreadsheets import escape_cell
from tasks.models import Plan
from tasks.selectors import TaskNode

HEADER = ("序号", "工作任务", "具体措施", "牵头单位", "配合单位", "完成时限")
WIDTHS = (8, 28, 60, 36, 36, 14)
#: Written after units that share a task by duty, which the table puts in the lead column.
SHARED_SUFFIX = "（按职责分工负责）"


@dataclass(frozen=True)
class TableRow:
    """A row of the table: a group heading (``group`` text only) or a numbered task."""

    group: str = ""
    depth: int = 0
    number: int | None = None
    task: str = ""
    measures: str = ""
    lead: str = ""
    support: str = ""
    deadline: str = ""


def _names(units: tuple) -> str:
    return "、".join(unit.name for unit in units)


def table_rows(nodes: list[TaskNode]) -> Iterator[TableRow]:
    """Sections and groups become heading rows; every other task a numbered row. Units that
    share a task by duty go in the lead column, marked 「（按职责分工负责）」."""
    number = 0
    for node in nodes:
        task = node.task
        if node.is_group:
            yield TableRow(group=f"{node.number} {task.title}".strip(), depth=node.depth)
            continue
        number += 1
        lead = _names(node.lead)
        if node.shared:
            shared = _names(node.shared) + SHARED_SUFFIX
            lead = f"{lead}；{shared}" if lead else shared
        yield TableRow(
            number=number,
            task=f"{task.label} {task.title}",
            measures=task.text,
            lead=lead,
            support=_names(node.support),
            deadline=task.deadline,
        )


def table_xlsx(plan: Plan, nodes: list[TaskNode]) -> bytes:
    """The table as xlsx: a title row and group rows merged across the six columns.

    A normal (not write-only) workbook, because write-only sheets cannot merge cells.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务分工表"
    last = get_column_letter(len(HEADER))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    sheet.append([escape_cell(f"{plan.title}任务分工表")])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = border
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"

    group_fill = PatternFill("solid", fgColor="DDEBF7")
    for row in table_rows(nodes):
        if row.group:
            sheet.append([escape_cell(row.group)])
            line = sheet.max_row
            sheet.merge_cells(f"A{line}:{last}{line}")
            first = sheet[f"A{line}"]
            first.font = Font(bold=True)
            first.fill = group_fill
            for cell in sheet[line]:
                cell.border = border
            continue
        values = [row.number, row.task, row.measures, row.lead, row.support, row.deadline]
        sheet.append([escape_cell(value) for value in values])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            cell.border = border
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
