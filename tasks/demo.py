"""This year's demo plans: each seed city gets a plan for the current year carried forward from
its seed plan, marked 演示数据 (``Plan.is_demo``), so that every role sees this year's goals and
tasks. ``manage.py remove_demo`` deletes them. A city that has a real plan for the year keeps it
and gets none; the demo city targets stay demo ones (the carried goals do not set them)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tasks.models import Plan
from tasks.services import carry_forward_plan, restate_goal_text

#: The seed plan each demo city's plan of the year is derived from: (city code, title).
SEED_PLANS: tuple[tuple[str, str], ...] = (
    ("450600", "2021年防城港市扩大利用外资规模工作方案"),
    ("620600", "关于促进外资稳存量扩增量提质量的实施方案"),
)


@transaction.atomic
def load_demo_plans(today: dt.date) -> int:
    """Give each seed city a demo plan for ``today``'s year unless it has a plan for that year
    (real or demo: an existing demo plan is kept, so its pages keep their addresses). Demo
    plans of other years are removed. Returns how many plans were created."""
    year = today.year
    Plan.objects.filter(is_demo=True).exclude(year=year).delete()
    created = 0
    for city_code, title in SEED_PLANS:
        seed = Plan.objects.filter(city__admin_code=city_code, title=title).first()
        if seed is None or Plan.objects.filter(city=seed.city, year=year).exists():
            continue
        carried = carry_forward_plan(
            plan=seed, year=year, user=None, set_city_target=False, is_demo=True
        )
        _state_the_demo_target(carried.plan)
        created += 1
    return created


def _state_the_demo_target(plan: Plan) -> None:
    """The demo plan's utilised-FDI goals state the demo city target of its year (amount and
    growth), so that the goal's clause and the one city target read the same."""
    from assessments.models import CityTarget

    target = CityTarget.objects.filter(city=plan.city, year=plan.year).first()
    if target is None:
        return
    for goal in plan.goals.filter(metric__in=("utilised_fdi_usd", "utilised_fdi_growth")):
        if goal.metric == "utilised_fdi_usd":
            new = target.target_usd
        elif target.growth_target is not None and goal.unit.strip() in ("%", "％"):
            new = (target.growth_target * 100).normalize()
        else:
            continue
        goal.text = restate_goal_text(goal.text, goal.target_value, new, goal.unit)
        goal.target_value = new
        goal.save(update_fields=["text", "target_value"])


@transaction.atomic
def remove_demo_plans() -> int:
    """Delete every demo plan with its goals, tasks, reports and settings; returns how many
    rows were deleted."""
    return Plan.objects.filter(is_demo=True).delete()[0]
