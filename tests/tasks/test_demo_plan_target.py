"""The demo's plan of the year states the demo city target, so its clause and the one city
target read the same on the dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from assessments.demo import state_demo_targets_in_plans
from assessments.models import CityTarget
from tasks.demo import load_demo_plans
from tasks.models import Plan


def test_the_demo_plans_goals_state_the_demo_city_target(fcg_plan, ww_plan):
    CityTarget.objects.create(
        city=fcg_plan.city,
        year=2026,
        target_usd=Decimal("138167600.00"),
        growth_target=Decimal("0.12"),
        is_demo=True,
    )
    load_demo_plans(dt.date(2026, 12, 1))
    state_demo_targets_in_plans(2026)
    plan = Plan.objects.get(city=fcg_plan.city, year=2026, is_demo=True)
    goals = {goal.metric: goal for goal in plan.goals.all()}
    amount, growth = goals["utilised_fdi_usd"], goals["utilised_fdi_growth"]
    assert "13816.76万美元" in amount.text
    assert "7000万美元" not in amount.text
    assert amount.target_value == Decimal("138167600.00")
    assert "12%" in growth.text
    assert growth.target_value == Decimal(12)
