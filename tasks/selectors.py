"""Read-side loaders of the tasks app: each page's data in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core import serializers

from fdi_portal.lib.exact import share
from tasks import progress
from tasks.models import Assignment, Goal, Plan, ProgressReport, Task


def plan_fixture_json(plan: Plan) -> str:
    """The plan, its goals, tasks and assignments as fixture JSON with natural keys.

    Rows come in document order, so the text is stable and can be compared with a checked-in
    fixture.
    """
    objects = [
        Plan.objects.select_related("city").prefetch_related("issuing_units").get(pk=plan.pk),
        *Goal.objects.filter(plan=plan).select_related("plan__city").order_by("order"),
        *Task.objects.filter(plan=plan)
        .select_related("plan__city", "parent__plan__city")
        .order_by("order"),
        *Assignment.objects.filter(task__plan=plan)
        .select_related("task__plan__city", "department__city")
        .order_by("task__order", "order"),
    ]
    return (
        serializers.serialize(
            "json",
            objects,
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            ensure_ascii=False,
        )
        + "\n"
    )


@dataclass(frozen=True)
class UnitRef:
    """A unit of the plan as the pages show and filter it: ``key`` is ``d<pk>`` for a
    department and ``c<name>`` for a collective unit (or a name the registry did not know)."""

    key: str
    name: str
    department_id: int | None
    unresolved: bool = False


@dataclass(frozen=True)
class TaskNode:
    task: Task
    depth: int
    number: str  # the label path, e.g. 二（三）一是
    lead: tuple[UnitRef, ...]
    support: tuple[UnitRef, ...]
    shared: tuple[UnitRef, ...]
    has_children: bool

    @property
    def units(self) -> tuple[UnitRef, ...]:
        return self.lead + self.support + self.shared

    @property
    def departments(self) -> list[str]:
        """The names of the departments that report on this task."""
        return [u.name for u in self.units if u.department_id is not None]

    @property
    def is_group(self) -> bool:
        """A heading row of the task-division table: a section or a group of tasks."""
        return self.has_children or (self.depth == 1 and not self.units)


def unit_ref(assignment: Assignment) -> UnitRef:
    if assignment.department_id is not None:
        return UnitRef(
            f"d{assignment.department_id}", assignment.department.name, assignment.department_id
        )
    return UnitRef(f"c{assignment.collective}", assignment.collective, None, assignment.unresolved)


def label_number(path: tuple[str, ...]) -> str:
    """A task's number from its label path, as the table prints it: 二、（四）二是."""
    return "".join(
        label + "、" if label.isalpha() and label[-1] in "一二三四五六七八九十" else label
        for label in path
    )


def plan_tree(plan: Plan) -> list[TaskNode]:
    """Every task of ``plan`` in document order with its units by role (two queries)."""
    tasks = list(Task.objects.filter(plan=plan).order_by("order"))
    by_task: dict[int, dict[str, list[UnitRef]]] = defaultdict(
        lambda: {"lead": [], "support": [], "shared": []}
    )
    for assignment in (
        Assignment.objects.filter(task__plan=plan)
        .select_related("department")
        .order_by("task__order", "order")
    ):
        by_task[assignment.task_id][assignment.role].append(unit_ref(assignment))
    parents = {task.parent_id for task in tasks}
    labels: dict[int, tuple[str, ...]] = {}
    nodes = []
    for task in tasks:
        labels[task.pk] = (*labels.get(task.parent_id, ()), task.label)
        units = by_task[task.pk]
        path = labels[task.pk]
        nodes.append(
            TaskNode(
                task=task,
                depth=len(path),
                number=label_number(path),
                lead=tuple(units["lead"]),
                support=tuple(units["support"]),
                shared=tuple(units["shared"]),
                has_children=task.pk in parents,
            )
        )
    return nodes


def plan_units(nodes: list[TaskNode]) -> list[UnitRef]:
    """Every unit named in the plan, departments first, each once."""
    units = {u.key: u for node in nodes for u in node.units}
    return sorted(units.values(), key=lambda u: (u.department_id is None, u.name))


def filter_tree(nodes: list[TaskNode], key: str) -> list[TaskNode]:
    """The tasks naming unit ``key``, with their ancestors for context."""
    keep: set[int] = set()
    by_pk = {node.task.pk: node for node in nodes}
    for node in nodes:
        if any(u.key == key for u in node.units):
            pk: int | None = node.task.pk
            while pk is not None and pk not in keep:
                keep.add(pk)
                pk = by_pk[pk].task.parent_id
    return [node for node in nodes if node.task.pk in keep]


@dataclass(frozen=True)
class MatrixRow:
    node: TaskNode
    cells: tuple[progress.Cell, ...]
    past_deadline: bool = False  # its 完成时限 date has passed and no unit reported it done

    @property
    def deadline(self) -> str:
        return self.node.task.deadline


def is_past_deadline(
    deadline_on: dt.date | None, cells: tuple[progress.Cell, ...], today: dt.date
) -> bool:
    """Whether a task is overdue against its own deadline: the date has passed and no quarter
    shows it done. Tasks without a date (长期坚持, 持续推进) are never overdue."""
    if deadline_on is None or today <= deadline_on:
        return False
    return not any(cell.status == progress.DONE for cell in cells)


@dataclass(frozen=True)
class ProgressMatrix:
    year: int
    quarters: tuple[int, ...]
    rows: list[MatrixRow]
    reference_quarter: int | None
    on_track: int
    counted: int

    @property
    def past_deadline(self) -> int:
        """How many tasks are past their own deadline and not done."""
        return sum(row.past_deadline for row in self.rows)

    @property
    def share_on_track(self) -> Decimal | None:
        """Tasks on track ÷ tasks counted in the reference quarter; None when none counts."""
        return share(Decimal(self.on_track), Decimal(self.counted))


def plan_year(plan: Plan, today: dt.date) -> int:
    """The year whose quarters a plan is tracked in by default: an annual plan's year; for a
    multi-year plan the latest of its years begun by ``today`` (Wuwei's, from 2023 on: this
    year), its first year while none has begun."""
    start, end = plan.start_year, plan.end_year
    if start is None:
        return today.year
    latest = today.year if end is None else min(end, today.year)
    return max(latest, start)


def progress_matrix(
    plan: Plan, *, year: int, today: dt.date, nodes: list[TaskNode] | None = None
) -> ProgressMatrix:
    """Tasks × quarters of ``year``: each reportable task's status in each quarter (three
    queries with the tree). A task is reportable when a department leads, supports or shares it."""
    nodes = plan_tree(plan) if nodes is None else nodes
    reports: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    for task_id, quarter, status, name in ProgressReport.objects.filter(
        task__plan=plan, year=year
    ).values_list("task_id", "quarter", "status", "department__name"):
        reports[(task_id, quarter)][name] = status
    quarters = (1, 2, 3, 4)
    rows = []
    for node in nodes:
        if not node.departments:
            continue
        cells = tuple(
            progress.cell(
                units=node.departments,
                reports=reports[(node.task.pk, q)],
                year=year,
                quarter=q,
                today=today,
                issued_on=plan.issued_on,
            )
            for q in quarters
        )
        rows.append(MatrixRow(node, cells, is_past_deadline(node.task.deadline_on, cells, today)))
    reference = progress.reference_quarter(year, today)
    on_track, counted = (
        progress.share_on_track(row.cells[reference - 1] for row in rows) if reference else (0, 0)
    )
    return ProgressMatrix(year, quarters, rows, reference, on_track, counted)


@dataclass(frozen=True)
class CellReports:
    """One cell of the progress matrix opened: the task, its status in the quarter, the
    reports filed (with narrative, who and when) and the units that have not reported."""

    node: TaskNode
    year: int
    quarter: int
    cell: progress.Cell
    reports: list[ProgressReport]
    missing: list[UnitRef]
    due_on: dt.date


def cell_reports(
    plan: Plan, task: Task, *, year: int, quarter: int, today: dt.date
) -> CellReports | None:
    """What the units reported on ``task`` in ``year`` Q``quarter`` (three queries); None when
    no department reports on the task."""
    node = next((n for n in plan_tree(plan) if n.task.pk == task.pk), None)
    if node is None or not node.departments:
        return None
    reports = list(
        ProgressReport.objects.filter(task=task, year=year, quarter=quarter)
        .select_related("department", "submitted_by")
        .order_by("department__name")
    )
    by_department = {report.department_id: report for report in reports}
    departments = list({u.department_id: u for u in node.units if u.department_id}.values())
    # Reports in the order the plan names the units, as the matrix tooltip lists them.
    order = {u.department_id: i for i, u in enumerate(departments)}
    reports.sort(key=lambda r: order.get(r.department_id, len(order)))
    cell = progress.cell(
        units=node.departments,
        reports={r.department.name: r.status for r in reports},
        year=year,
        quarter=quarter,
        today=today,
        issued_on=plan.issued_on,
    )
    return CellReports(
        node=node,
        year=year,
        quarter=quarter,
        cell=cell,
        reports=reports,
        missing=[u for u in departments if u.department_id not in by_department],
        due_on=progress.due_date(year, quarter),
    )


def report_status_counts(plan: Plan, year: int, quarter: int) -> list[tuple[str, int]]:
    """How the units' progress reports of one quarter read, status by status in the order
    of the choices (0 where none); for dashboards. One aggregate query."""
    from django.db.models import Count

    found = dict(
        ProgressReport.objects.filter(task__plan=plan, year=year, quarter=quarter)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    return [(str(label), found.get(code, 0)) for code, label in ProgressReport.Status.choices]


@dataclass(frozen=True)
class DueTask:
    """A task a department has a report missing on: the quarters of the year whose report is
    overdue, and the quarter under way whose report is still to come (due by ``due_on``)."""

    plan: Plan
    node: TaskNode
    year: int
    overdue: tuple[int, ...]
    due_quarter: int | None
    due_on: dt.date | None


def department_due_tasks(plans: list[Plan], department_name: str, today: dt.date) -> list[DueTask]:
    """The department's tasks with a progress report missing this year, in the plans that
    run this year (a plan whose years are over is history, not work): overdue ones first
    (their due date has passed), then those due for the quarter under way, each in document
    order. Three queries per plan."""
    current = (today.month - 1) // 3 + 1
    overdue: list[DueTask] = []
    due: list[DueTask] = []
    for plan in plans:
        year = plan_year(plan, today)
        if year != today.year:
            continue
        matrix = progress_matrix(plan, year=year, today=today)
        for row in matrix.rows:
            if department_name not in row.node.departments:
                continue
            missing = [
                q
                for q, cell in zip(matrix.quarters, row.cells, strict=True)
                if department_name in cell.missing
            ]
            late = tuple(q for q in missing if row.cells[q - 1].status == progress.OVERDUE)
            pending = next(
                (
                    q
                    for q in missing
                    if row.cells[q - 1].status == progress.PENDING
                    and (year, q) <= (today.year, current)
                ),
                None,
            )
            if not late and pending is None:
                continue
            item = DueTask(
                plan,
                row.node,
                year,
                late,
                pending,
                progress.due_date(year, pending) if pending else None,
            )
            (overdue if late else due).append(item)
    return overdue + due
