"""Carrying a plan forward to a new year: bureaus issue a new 工作方案 each year, mostly the old one
with the year and the targets changed. :func:`carry_forward_plan` copies a plan — goals with
their year and targets restated, the task tree, assignments — and tells the apps above
(``tasks.signals``) so that they copy its schedule, scoring scheme and project rules and set the
year's city target."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fdi_portal.lib.money import written_forms
from tasks.models import Assignment, Goal, Plan, Task
from tasks.services import (
    refuse_second_annual_plan,
    with_history,
)
from tasks.signals import first_answer, goals_proposed, goals_stored, plan_created

_YEAR_WORD_RE = r"(?<!\d){year}(?=\s*年)"


def shift_year_words(text: str, source_year: int | None, year: int) -> str:
    """``text`` with every 「<source_year>年」 written as 「<year>年」 (2021年新登记 → 2026年新登记);
    other years (cited documents, 2020年版) are kept."""
    if source_year is None or source_year == year:
        return text
    return re.sub(_YEAR_WORD_RE.format(year=source_year), str(year), text)


def carried_title(plan: Plan, year: int) -> str:
    """The new year's title: the year in the title replaced (2021年…方案 → 2026年…方案), else
    the year added in brackets."""
    shifted = shift_year_words(plan.title, plan.start_year, year)
    if shifted != plan.title:
        return shifted
    return f"{plan.title}（{year}年）"


def _written(value: Decimal) -> str:
    """A decimal as documents write it: 7000, 20, 2.5 (no trailing zeros, no exponent)."""
    return format(value.normalize(), "f")


def restate_goal_text(text: str, old: Decimal | None, new: Decimal | None, unit: str) -> str:
    """``text`` with the old target, as written in it, replaced by the new one in the same
    written unit (7000万美元 → 8000万美元, 20% → 25%). Unchanged when the old target is not
    found written in the text, or when either value is missing."""
    if old is None or new is None or old == new:
        return text
    for (old_written, written_unit), (new_written, _unit) in zip(
        written_forms(old, unit), written_forms(new, unit), strict=True
    ):
        pattern = re.compile(
            rf"(?<![\d.]){re.escape(_written(old_written))}(?=\s*{re.escape(written_unit)})"
        )
        if pattern.search(text):
            return pattern.sub(_written(new_written), text, count=1)
    return text


@dataclass(frozen=True)
class CarryForward:
    """What carrying a plan forward created: the new plan and the city target it set (None
    when it set none)."""

    plan: Plan
    city_target: Any = None


@transaction.atomic
def carry_forward_plan(
    *,
    plan: Plan,
    year: int,
    user: Any,
    targets: Mapping[int, Decimal | None] | None = None,
    replace_city_target: bool = False,
    set_city_target: bool = True,
    is_demo: bool = False,
) -> CarryForward:
    """Copy ``plan`` into an annual plan of ``year`` of the same city: goals (the year in their
    text and subject moved: 2021年 → 2026年), the task tree with its quotas and deadlines (dates
    moved by the same number of years), assignments, issuing units, the progress schedule, the
    scoring scheme (labels kept) and the project rules. Progress reports are not copied: the new
    year starts without any.

    ``targets`` maps a goal's ``order`` to its new target value, in the goal's stored unit
    (USD for money); a goal not named keeps its target. When the goal text writes the old target
    (7000万美元), the new one replaces it. The goals' utilised-FDI amount and growth then set the
    city target of ``year`` as an import does: a different stored target is replaced only with
    ``replace_city_target`` (else ``ValidationError``). ``set_city_target=False`` leaves the city
    target alone (the demo keeps its demo target).

    Raises ValidationError when the city already has an annual plan of ``year`` or a plan of the
    new title, or the year is out of range.
    """
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Give a year between 2000 and 2100."))
    city = plan.city
    # Two clerks carrying the same plan forward at once: the second waits, then is refused.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    refuse_second_annual_plan(city, year)
    title = carried_title(plan, year)
    if len(title) > Plan._meta.get_field("title").max_length:
        raise ValidationError(_("The title is too long; give a shorter one."))
    if Plan.objects.filter(city=city, title=title).exists():
        raise ValidationError(
            _("%(city)s already has a plan titled “%(title)s”.")
            % {"city": city.name, "title": title}
        )
    source_year = plan.start_year
    delta = year - source_year if source_year else 0
    new = Plan.objects.create(
        city=city,
        title=title,
        year=year,
        carried_from=plan,
        is_demo=is_demo,
    )
    new.issuing_units.set(plan.issuing_units.all())

    targets = targets or {}
    goals = []
    for goal in plan.goals.order_by("order"):
        value = targets.get(goal.order, goal.target_value)
        goals.append(
            Goal(
                plan=new,
                order=goal.order,
                text=restate_goal_text(
                    shift_year_words(goal.text, source_year, year),
                    goal.target_value,
                    value,
                    goal.unit,
                ),
                metric=goal.metric,
                target_value=value,
                unit=goal.unit,
                subject=shift_year_words(goal.subject, source_year, year),
                qualifier=goal.qualifier,
            )
        )
    with_history(goals, user)

    copies: dict[int, Task] = {}
    for task in plan.tasks.order_by("order"):
        # One by one, in document order: a child needs its parent's new primary key.
        copies[task.pk] = Task.objects.create(
            plan=new,
            parent=copies.get(task.parent_id),
            order=task.order,
            label=task.label,
            title=task.title,
            text=task.text,
            requirements=task.requirements,
            deadline=shift_year_words(task.deadline, source_year, year),
            deadline_on=_shift_date(task.deadline_on, delta),
        )
    with_history(
        [
            Assignment(
                task=copies[a.task_id],
                role=a.role,
                department_id=a.department_id,
                collective=a.collective,
                written_name=a.written_name,
                note=a.note,
                unresolved=a.unresolved,
                order=a.order,
            )
            for a in Assignment.objects.filter(task__plan=plan).order_by("task__order", "order")
        ],
        user,
    )
    plan_created.send(sender=None, plan=new, copied_from=plan, quotas=())

    city_target = None
    if set_city_target:
        city_target = first_answer(
            goals_stored,
            city=city,
            year=year,
            goals=goals,
            user=user,
            replace=replace_city_target,
            reason=_("Set from the goals of the plan carried forward."),
        )
    return CarryForward(plan=new, city_target=city_target)


def carry_forward_city_target(
    *, plan: Plan, year: int, targets: Mapping[int, Decimal | None]
) -> Any:
    """The city target of ``year`` that carrying ``plan`` forward with ``targets`` would set,
    beside what is stored (the form asks to confirm a replacement)."""
    goals = [
        SimpleNamespace(
            metric=goal.metric,
            target_value=targets.get(goal.order, goal.target_value),
            unit=goal.unit,
        )
        for goal in plan.goals.order_by("order")
    ]
    return first_answer(goals_proposed, city=plan.city, year=year, goals=goals)


def _shift_date(day: dt.date | None, years: int) -> dt.date | None:
    if day is None or not years:
        return day
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)
