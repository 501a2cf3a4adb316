"""Demo projects for a first look at the portal (``load_demo`` calls :func:`load_demo_projects`).

Every row is marked ``is_demo`` and shown as 演示数据. Loading again replaces the demo rows and
never touches real ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from fdi_portal.lib.money import wan_to_base
from fdi_portal.models import City, Department, Region
from projects.models import (
    Arrival,
    Campaign,
    Complaint,
    Difficulty,
    Investor,
    ProgressEntry,
    Project,
    PromotionEvent,
    StageChange,
)

D = dt.date


@dataclass(frozen=True)
class DemoProject:
    city: str
    region: str
    name: str
    investor: str
    origin: str
    stage: str
    dates: tuple[dt.date | None, ...]  # signed, registered, landed, construction, production
    contracted_wan: int
    total_wan: int
    fixed_assets_wan: int = 0
    industry: str = "C"
    campaign: str = ""
    arrivals_wan: tuple[tuple[int, int, int], ...] = ()  # (year, month, 万美元)
    fortune: bool = False
    headquarters: str = ""
    origin_kind: str = Investor.OriginKind.FOREIGN


DEMO: tuple[DemoProject, ...] = (
    # Crosses Fangchenggang's 1500万美元 threshold, no leader yet: an alert.
    DemoProject(
        "450600",
        "港口区",
        "（演示）东盟粮油加工基地",
        "新加坡丰益演示集团",
        "新加坡",
        "production",
        (D(2020, 9, 1), D(2020, 11, 1), D(2021, 1, 15), D(2021, 3, 1), D(2021, 9, 1)),
        3000,
        8000,
        campaign="三企入桂",
        arrivals_wan=((2021, 3, 900), (2021, 6, 700)),
    ),
    DemoProject(
        "450600",
        "东兴市",
        "（演示）跨境电商物流园",
        "香港恒通演示有限公司",
        "",
        "landed",
        (D(2021, 2, 10), D(2021, 3, 5), D(2021, 5, 20), None, None),
        1200,
        3000,
        industry="G",
        campaign="行企助力转型升级",
        arrivals_wan=((2021, 6, 300),),
        origin_kind=Investor.OriginKind.HONG_KONG,
    ),
    DemoProject(
        "450600",
        "上思县",
        "（演示）林产化工技改项目",
        "泰国正大演示公司",
        "泰国",
        "signed",
        (D(2021, 4, 1), None, None, None, None),
        800,
        2000,
        campaign="行企助力转型升级",
    ),
    DemoProject(
        "450600",
        "防城区",
        "（演示）海产品冷链项目",
        "越南海洋演示公司",
        "越南",
        "negotiating",
        (None, None, None, None, None),
        500,
        1000,
        industry="A",
    ),
    # Wuwei: manufacturing ≥ 3000万美元 (needs a leader), ≥ 5000万元 fixed assets (agent reward).
    DemoProject(
        "620600",
        "凉州区",
        "（演示）新能源装备制造项目",
        "德国西门演示股份公司",
        "德国",
        "construction",
        (D(2023, 3, 1), D(2023, 4, 1), D(2023, 6, 1), D(2023, 9, 1), None),
        4000,
        6000,
        fixed_assets_wan=42000,
        arrivals_wan=((2023, 7, 600), (2023, 10, 500)),
        fortune=True,
        headquarters="regional",
    ),
    DemoProject(
        "620600",
        "民勤县",
        "（演示）戈壁农业示范园",
        "以色列耐特菲姆演示公司",
        "以色列",
        "registered",
        (D(2023, 5, 1), D(2023, 7, 1), None, None, None),
        600,
        900,
        industry="A",
        fixed_assets_wan=3000,
    ),
    DemoProject(
        "620600",
        "古浪县",
        "（演示）文旅康养项目",
        "台湾宏远演示公司",
        "",
        "cancelled",
        (D(2023, 2, 1), None, None, None, None),
        300,
        500,
        industry="R",
        origin_kind=Investor.OriginKind.TAIWAN,
    ),
)

FIELDS = (
    "signed_on",
    "registered_on",
    "landed_on",
    "construction_started_on",
    "production_started_on",
)


def _latest(city_code: str) -> dt.date:
    """The last day anything happens in the city's demo story (stages and arrivals)."""
    stories = [demo for demo in DEMO if demo.city == city_code]
    return max(
        [d for demo in stories for d in demo.dates if d]
        + [D(y, m, 28) for demo in stories for y, m, _a in demo.arrivals_wan]
    )


def _month_shifted(year: int, month: int, days: dt.timedelta) -> tuple[int, int]:
    moved = D(year, month, 15) + days
    return moved.year, moved.month


@transaction.atomic
def load_demo_projects(today: dt.date) -> int:
    """Replace the demo projects, investors and events of both seed cities; returns how many
    projects were loaded. Cities missing from the database are skipped.

    Each city's story is moved in time so that its latest event lies three weeks before
    ``today``: the alerts then count plausible days (a difficulty open for weeks, not years)."""
    Project.objects.filter(is_demo=True).delete()
    PromotionEvent.objects.filter(is_demo=True).delete()
    Investor.objects.filter(is_demo=True).delete()
    cities = {c.admin_code: c for c in City.objects.filter(admin_code__in={d.city for d in DEMO})}
    count = 0
    for demo in DEMO:
        city = cities.get(demo.city)
        if city is None:
            continue
        investor, _created = Investor.objects.update_or_create(
            city=city,
            name=demo.investor,
            defaults={
                "origin": demo.origin,
                "origin_kind": demo.origin_kind,
                "fortune_global_500": demo.fortune,
                "is_demo": True,
            },
        )
        campaign = Campaign.objects.filter(city=city, name=demo.campaign).first()
        shift = today - dt.timedelta(days=21) - _latest(demo.city)
        moved = tuple(d + shift if d else None for d in demo.dates)
        dates = dict(zip(FIELDS, moved, strict=True))
        changed = max((d for d in moved if d), default=today - dt.timedelta(days=120))
        project = Project.objects.create(
            city=city,
            region=Region.objects.get(city=city, name=demo.region),
            name=demo.name,
            investor=investor,
            industry=demo.industry,
            campaign=campaign,
            stage=demo.stage,
            cancelled_on=changed if demo.stage == "cancelled" else None,
            stage_changed_on=changed,
            contracted_fdi_usd=wan_to_base(demo.contracted_wan),
            total_investment_usd=wan_to_base(demo.total_wan),
            fixed_asset_investment_cny=wan_to_base(demo.fixed_assets_wan) or None,
            headquarters_kind=demo.headquarters,
            is_demo=True,
            **dates,
        )
        StageChange.objects.create(project=project, to_stage=demo.stage, changed_on=changed)
        Arrival.objects.bulk_create(
            Arrival(project=project, year=year, month=month, amount_usd=wan_to_base(a))
            for y, m, a in demo.arrivals_wan
            for year, month in [_month_shifted(y, m, shift)]
        )
        ProgressEntry.objects.create(project=project, date=changed, text="演示：项目进展情况记录。")
        department = Department.objects.filter(city=city).first()
        Difficulty.objects.create(
            project=project,
            raised_on=changed,
            category=Difficulty.Category.LAND,
            text="演示：用地指标待落实。",
            department=department,
        )
        Complaint.objects.create(
            project=project,
            received_on=changed,
            deadline=changed + dt.timedelta(days=15),
            text="演示：审批时限投诉。",
            handler=department,
        )
        count += 1
    for city in cities.values():
        _demo_events(city, today)
    return count


def _demo_events(city: City, today: dt.date) -> None:
    """FDI-themed promotion events this year: the counties at 1 to 4 (so some meet the quota
    of 4 and some fall short), and two departments at 1 and 2, spread over the past months."""
    regions = list(Region.objects.filter(city=city, assessed=True).order_by("order"))
    departments = list(Department.objects.filter(city=city).order_by("order")[:2])
    organisers = [({"organiser_region": r}, i % 4 + 1) for i, r in enumerate(regions)]
    organisers += [({"organiser_department": d}, i + 1) for i, d in enumerate(departments)]
    events = []
    for organiser, count in organisers:
        for n in range(count):
            events.append(
                PromotionEvent(
                    city=city,
                    date=max(D(today.year, 1, 10), today - dt.timedelta(days=40 * (n + 1))),
                    kind=PromotionEvent.Kind.FDI_THEMED,
                    title="（演示）外资专题招商推介会",
                    target_countries="新加坡、德国、日本",
                    is_demo=True,
                    **organiser,
                )
            )
    created = PromotionEvent.objects.bulk_create(events)
    if created:
        created[0].projects.set(Project.objects.filter(city=city, is_demo=True)[:1])
