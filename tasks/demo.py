"""This year's demo plans: each seed city gets a plan for the current year carried forward from
its seed plan, marked 演示数据 (``Plan.is_demo``), so that every role sees this year's goals and
tasks. ``manage.py remove_demo`` deletes them. A city that has a real plan for the year keeps it
and gets none; the demo city targets stay demo ones (the carried goals do not set them: the
assessments demo restates the goals from the demo targets instead)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tasks.carry_forward import carry_forward_plan
from tasks.models import Plan

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
        carry_forward_plan(plan=seed, year=year, user=None, set_city_target=False, is_demo=True)
        created += 1
    return created


def remove_demo_plans() -> int:
    """Delete every demo plan with its goals, tasks, reports and settings; returns how many
    rows were deleted."""
    return Plan.objects.filter(is_demo=True).delete()[0]
