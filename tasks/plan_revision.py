"""A revised text of a stored plan, shown as a diff, then applied in place, so the progress
reports filed on a task stay with it. Which stored task each task of the text is, is decided by
the pure matching of ``tasks.revisions``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fdi_portal.models import City
from tasks.models import Assignment, Goal, Plan, Task
from tasks.services import (
    Corrections,
    GoalDraft,
    Leads,
    PlanPreview,
    QuotaDraft,
    TaskRow,
    assignments_of,
    log_import,
    refuse_second_annual_plan,
    storable_preview,
    store_goals,
    task_fields,
    with_history,
)

_ROLES = ("lead", "support", "shared")


@dataclass(frozen=True)
class UnitChange:
    role: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class TaskChange:
    """A stored task the revised text keeps, and what changes in it."""

    task: Task
    row: TaskRow
    old_number: str
    new_number: str
    units: tuple[UnitChange, ...]
    reports: int  # progress reports filed on it, which stay with it

    @property
    def retitled(self) -> bool:
        return self.task.title != self.row.parsed.title[:200]

    @property
    def moved(self) -> bool:
        return self.old_number != self.new_number


@dataclass(frozen=True)
class RemovedTask:
    task: Task
    number: str
    reports: int  # progress reports deleted with it


@dataclass(frozen=True)
class PlanRevision:
    """What importing ``preview`` as a revision of ``plan`` changes (tasks matched as
    :mod:`tasks.revisions` says)."""

    plan: Plan
    preview: PlanPreview
    added: list[TaskRow]
    removed: list[RemovedTask]
    kept: list[TaskChange]  # every stored task the revision keeps, in the revised order
    matches: dict[int, Task]  # parsed order → stored task

    @property
    def retitled(self) -> list[TaskChange]:
        return [change for change in self.kept if change.retitled]

    @property
    def moved(self) -> list[TaskChange]:
        return [change for change in self.kept if change.moved]

    @property
    def units_changed(self) -> list[TaskChange]:
        return [change for change in self.kept if change.units]

    @property
    def unchanged(self) -> int:
        return sum(1 for c in self.kept if not (c.retitled or c.moved or c.units))

    @property
    def reports_kept(self) -> int:
        return sum(change.reports for change in self.kept)

    @property
    def reports_dropped(self) -> int:
        return sum(removed.reports for removed in self.removed)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.retitled or self.moved or self.units_changed)


def revised_plan(*, city: City, title: str, revision_of: Plan | None = None) -> Plan | None:
    """The stored plan a document revises: the one chosen, else the city's plan of the same
    title; None for a new plan."""
    if revision_of is not None:
        return revision_of
    return Plan.objects.filter(city=city, title=title).first()


def preview_revision(*, plan: Plan, preview: PlanPreview) -> PlanRevision:
    """The diff between ``plan`` as stored and ``preview`` (three queries)."""
    from django.db.models import Count

    from tasks import revisions
    from tasks.selectors import label_number

    tasks = list(
        Task.objects.filter(plan=plan).annotate(report_count=Count("reports")).order_by("order")
    )
    paths: dict[int, tuple[str, ...]] = {}
    for task in tasks:
        paths[task.pk] = (*paths.get(task.parent_id, ()), task.label)
    units: dict[int, dict[str, list[str]]] = defaultdict(lambda: {r: [] for r in _ROLES})
    for assignment in (
        Assignment.objects.filter(task__plan=plan)
        .select_related("department")
        .order_by("task__order", "order")
    ):
        units[assignment.task_id][assignment.role].append(assignment.unit_name)
    pairs = revisions.match_tasks(
        [revisions.Item(t.pk, paths[t.pk], t.title) for t in tasks],
        [
            revisions.Item(r.parsed.order, r.parsed.path, r.parsed.title[:200])
            for r in preview.tasks
        ],
    )
    by_pk = {task.pk: task for task in tasks}
    matches = {order: by_pk[pk] for order, pk in pairs.items()}
    kept, added = [], []
    for row in preview.tasks:
        task = matches.get(row.parsed.order)
        if task is None:
            added.append(row)
            continue
        changes = tuple(
            UnitChange(role, tuple(units[task.pk][role]), tuple(row.named(role)))
            for role in _ROLES
            if set(units[task.pk][role]) != set(row.named(role))
        )
        kept.append(
            TaskChange(
                task=task,
                row=row,
                old_number=label_number(paths[task.pk]),
                new_number=label_number(row.parsed.path),
                units=changes,
                reports=task.report_count,
            )
        )
    matched = set(pairs.values())
    removed = [
        RemovedTask(task, label_number(paths[task.pk]), task.report_count)
        for task in tasks
        if task.pk not in matched
    ]
    return PlanRevision(plan, preview, added, removed, kept, matches)


@transaction.atomic
def revise_plan(
    *,
    plan: Plan,
    text: str,
    title: str | None = None,
    corrections: Corrections | None = None,
    leads: Leads | None = None,
    goals: Sequence[GoalDraft] | None = None,
    quotas: Sequence[QuotaDraft] | None = None,
    user: Any = None,
    replace_city_target: bool = False,
) -> PlanRevision:
    """Update ``plan`` in place to the revised ``text``: its particulars, goals, issuing units,
    the task tree and its units. A task matched to a stored one (:mod:`tasks.revisions`) keeps
    its row and so its progress reports; a stored task the text no longer has is deleted with
    its reports; a new one is created. The progress schedule, scoring scheme and project rules
    stay as staff set them. The goals set the city target as an import does (a different stored
    target only with ``replace_city_target``). Returns the diff that was applied.
    ValidationError for a text without numbered items or title, or a title another plan has."""
    city = plan.city
    # One revision at a time: a second waits and then matches against the first's result.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    preview = storable_preview(
        city=city,
        text=text,
        title=title,
        corrections=corrections,
        leads=leads,
        goals=goals,
        quotas=quotas,
        revising=plan,
    )
    refuse_second_annual_plan(city, preview.year, exclude=plan)
    revision = preview_revision(plan=plan, preview=preview)

    parsed = preview.parsed
    plan.title = preview.title
    plan.document_number = parsed.document_number
    plan.issued_on = preview.issued_on
    plan.year = preview.year
    plan.first_year, plan.last_year = preview.first_year, preview.last_year
    plan.source_text = text
    plan.save()
    plan.issuing_units.set(preview.issuing_units)
    Goal.objects.filter(plan=plan).delete()
    store_goals(plan, preview.goals, user=user, replace_city_target=replace_city_target)

    quotas_of: dict[int, list[QuotaDraft]] = defaultdict(list)
    for quota in preview.quotas:
        quotas_of[quota.task_order].append(quota)
    # Out of the way first: (plan, order) is unique and the revised order reuses the numbers.
    offset = 1 + max(
        max((t.task.order for t in revision.kept), default=0),
        max((r.task.order for r in revision.removed), default=0),
        max(row.parsed.order for row in preview.tasks),
    )
    Task.objects.filter(plan=plan).update(order=F("order") + offset)
    Assignment.objects.filter(task__plan=plan).delete()
    by_path: dict[tuple[str, ...], Task] = {}
    assignments: list[Assignment] = []
    for row in preview.tasks:
        fields = {
            "parent": by_path.get(row.parsed.parent_path),
            **task_fields(row, quotas_of[row.parsed.order]),
        }
        node = revision.matches.get(row.parsed.order)
        if node is None:
            node = Task.objects.create(plan=plan, **fields)
        else:
            # Saved one by one: a child needs its parent's row (a few dozen rows).
            for name, value in fields.items():
                setattr(node, name, value)
            node.save()
        by_path[row.parsed.path] = node
        assignments += assignments_of(node, row)
    # Re-parented above, so deleting what is left takes no kept task with it.
    Task.objects.filter(pk__in=[removed.task.pk for removed in revision.removed]).delete()
    with_history(assignments, user)
    log_import(_("Plan revision: %(title)s"), plan, text, user)
    return revision
