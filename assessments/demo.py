"""Demo targets and monthly figures, so that a new user sees a working portal. Every row is
flagged ``is_demo`` and shown as 演示数据; ``manage.py remove_demo`` deletes them. A stored
real figure or target is never overwritten."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.issuing import issue_notice, record_interview
from assessments.models import CityTarget, Interview, MonthlyFigure, Notice, RegionTarget
from fdi_portal.demo import DEMO_ACCOUNTS, sync_demo_rows
from fdi_portal.lib.money import ratio_to_percent, wan_to_base
from fdi_portal.models import City, Region, Role
from tasks.carry_forward import restate_goal_text
from tasks.models import Plan

FIRST_YEAR = 2020
#: Annual targets in 万美元 per region, and how well each region does against it.
PROFILES: dict[str, dict[str, tuple[int, float]]] = {
    "450600": {
        "港口区": (2500, 1.05),
        "防城区": (1800, 0.95),
        "上思县": (700, 0.55),
        "东兴市": (2000, 1.1),
    },
    "620600": {
        "凉州区": (1600, 1.0),
        "民勤县": (500, 0.9),
        "古浪县": (400, 0.5),
        "天祝藏族自治县": (500, 0.85),
    },
}


@transaction.atomic
def load_demo_figures(today: date) -> int:
    """Bring the demo targets and figures, from FIRST_YEAR up to the month before ``today``,
    up to date in place. Deterministic: the same ``today`` gives the same figures, and a reload
    that changes nothing writes nothing (no history). A real row, or a demo row somebody has
    edited since, is never overwritten. Returns the number of demo figures."""
    real_figures = set(
        MonthlyFigure.objects.filter(is_demo=False).values_list("region_id", "year", "month")
    )
    real_targets = set(RegionTarget.objects.filter(is_demo=False).values_list("region_id", "year"))
    real_city_targets = set(CityTarget.objects.filter(is_demo=False).values_list("city_id", "year"))
    figures: dict[tuple, dict] = {}
    targets: dict[tuple, dict] = {}
    city_targets: dict[tuple, dict] = {}
    for city in City.objects.filter(admin_code__in=PROFILES):
        regions = {r.name: r for r in Region.objects.in_city(city).assessed()}
        for year in range(FIRST_YEAR, today.year + 1):
            last_month = 12 if year < today.year else today.month - 1
            growth = Decimal("1.12") ** (year - FIRST_YEAR)
            city_total = Decimal(0)
            for name, (target_wan, pace) in PROFILES[city.admin_code].items():
                region = regions.get(name)
                if region is None:
                    continue
                # Rounded to 0.01万美元, as targets are set.
                target = wan_to_base(Decimal(target_wan) * growth).quantize(Decimal("1E2"))
                city_total += target
                if (region.pk, year) not in real_targets:
                    targets[region.pk, year] = {"target_usd": target}
                rng = random.Random(f"{region.admin_code}-{year}")
                for month in range(1, last_month + 1):
                    share = Decimal(str(round(rng.uniform(0.4, 1.6) * pace, 3)))
                    if (region.pk, year, month) in real_figures:
                        continue
                    # Rounded to 0.01万美元, as bureaus report.
                    amount = (target / 12 * share).quantize(Decimal("1E2"))
                    figures[region.pk, year, month] = {"amount_usd": amount}
            if (city.pk, year) not in real_city_targets:
                city_targets[city.pk, year] = {
                    "target_usd": city_total,
                    "growth_target": Decimal("0.12"),
                }
    # The demo rows of these cities only: load_province_cities writes the other cities' own.
    in_profiles = {"region__city__admin_code__in": PROFILES}
    sync_demo_rows(
        RegionTarget,
        {
            (t.region_id, t.year): t
            for t in RegionTarget.objects.filter(is_demo=True, **in_profiles)
        },
        targets,
        lambda key, values: RegionTarget(region_id=key[0], year=key[1], is_demo=True, **values),
    )
    sync_demo_rows(
        CityTarget,
        {
            (t.city_id, t.year): t
            for t in CityTarget.objects.filter(is_demo=True, city__admin_code__in=PROFILES)
        },
        city_targets,
        lambda key, values: CityTarget(city_id=key[0], year=key[1], is_demo=True, **values),
    )
    sync_demo_rows(
        MonthlyFigure,
        {
            (f.region_id, f.year, f.month): f
            for f in MonthlyFigure.objects.filter(is_demo=True, **in_profiles)
        },
        figures,
        lambda key, values: MonthlyFigure(
            region_id=key[0], year=key[1], month=key[2], is_demo=True, **values
        ),
    )
    return len(figures)


@transaction.atomic
@transaction.atomic
def state_demo_targets_in_plans(year: int) -> None:
    """The demo plans' utilised-FDI goals of ``year`` state the demo city target of that year
    (amount and growth), so that the goal's clause and the one city target read the same."""
    targets = {t.city_id: t for t in CityTarget.objects.filter(year=year)}
    for plan in Plan.objects.filter(is_demo=True, year=year):
        target = targets.get(plan.city_id)
        if target is None:
            continue
        for goal in plan.goals.filter(metric__in=("utilised_fdi_usd", "utilised_fdi_growth")):
            if goal.metric == "utilised_fdi_usd":
                new = target.target_usd
            elif target.growth_target is not None and goal.unit.strip() in ("%", "％"):
                new = ratio_to_percent(target.growth_target)
            else:
                continue
            if new == goal.target_value:
                continue  # a reload writes nothing (and no history row)
            goal.text = restate_goal_text(goal.text, goal.target_value, new, goal.unit)
            goal.target_value = new
            goal.save(update_fields=["text", "target_value"])


#: The day of the next month a demo notice is dated (capped at today).
NOTICE_DAY = 10


def _demo_issuers() -> dict[int, object]:
    """City → the demo commerce-staff account that issues its demo notices."""
    staff = {a.username: a.city_code for a in DEMO_ACCOUNTS if a.role == Role.COMMERCE_STAFF}
    users = get_user_model().objects.filter(username__in=staff)
    by_code = {staff[u.username]: u for u in users}
    return {c.pk: by_code.get(c.admin_code) for c in City.objects.filter(admin_code__in=by_code)}


@transaction.atomic
def issue_demo_notices(today: date, *, cities: list[City]) -> int:
    """Issue the monthly notices of this year's months already over (last year's when today is
    in January) in each of ``cities`` that has demo figures, as its demo staff account would,
    dated the 10th of the next month (today at the latest), and record the interviews of the
    quarters before the last as held: every role's first page then shows a rank, a notice and
    an interview. A month already issued is left as it is. Returns the notices issued."""
    year, last = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    issuers = _demo_issuers()
    issued = 0
    for city in cities:
        done = set(
            Notice.objects.filter(city=city, kind=Notice.Kind.MONTHLY, year=year).values_list(
                "month", flat=True
            )
        )
        if not MonthlyFigure.objects.filter(region__city=city, year=year, is_demo=True).exists():
            continue
        user = issuers.get(city.pk)
        for month in range(1, last + 1):
            if month in done:
                continue
            next_month = date(year + month // 12, month % 12 + 1, NOTICE_DAY)
            issue_notice(
                city=city, year=year, month=month, issued_on=min(next_month, today), user=user
            )
            issued += 1
        # The interviews of the last quarter reported are still to be held; earlier ones were.
        for interview in Interview.objects.filter(
            city=city, year=year, quarter__lt=last // 3, held_on__isnull=True
        ).select_related("notice"):
            record_interview(
                interview=interview,
                held_on=min(interview.notice.issued_on + timedelta(days=7), today),
                notes="（演示）约谈该县（市、区）政府分管负责同志，听取进度滞后原因及整改措施。",
                user=user,
            )
    return issued


def remove_demo_notices() -> int:
    """Delete the notices the demo staff accounts issued, with their interviews."""
    demo = Notice.objects.filter(issued_by__username__in=[a.username for a in DEMO_ACCOUNTS])
    deleted = Interview.objects.filter(notice__in=demo).delete()[0]
    return deleted + demo.delete()[0]


def remove_demo_figures() -> int:
    """Delete every demo target and figure; real ones stay. Returns the number deleted."""
    deleted = 0
    for model in (MonthlyFigure, RegionTarget, CityTarget):
        deleted += model.objects.filter(is_demo=True).delete()[0]
    return deleted
