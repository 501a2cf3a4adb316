"""Demo projects for a first look at the portal (``load_demo`` calls :func:`load_demo_projects`).

Every project, investor and event is marked ``is_demo`` and shown as 演示数据. Loading again
updates the demo rows in place (same ids, nothing written when nothing changed) and never
touches real ones, nor real rows attached to a demo project.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from fdi_portal.demo import sync_demo_rows, touched_by_people
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


#: The demo rows each demo project has on its lists, found again by their text on a reload.
PROGRESS_TEXT = "演示：项目进展情况记录。"
DIFFICULTY_TEXT = "演示：用地指标待落实。"
COMPLAINT_TEXT = "演示：审批时限投诉。"
EVENT_TITLE = "（演示）外资专题招商推介会"


@transaction.atomic
def load_demo_projects(today: dt.date) -> int:
    """Bring the demo projects, investors and events of both seed cities up to date in place;
    returns how many demo projects there are. Cities missing from the database are skipped.

    A demo project keeps its id (found by its name in its city), so whatever real rows people
    attached to it — a difficulty, an arrival, a progress line — stay; a row whose values are
    already right is not written, so a reload on the same day writes no history. Demo rows a
    person has changed since are left as they are.

    Each city's story is moved in time so that its latest event lies three weeks before
    ``today``: the alerts then count plausible days (a difficulty open for weeks, not years)."""
    cities = {c.admin_code: c for c in City.objects.filter(admin_code__in={d.city for d in DEMO})}
    wanted: dict[tuple, dict] = {}
    for demo in DEMO:
        city = cities.get(demo.city)
        if city is None:
            continue
        investor = _demo_investor(city, demo)
        shift = today - dt.timedelta(days=21) - _latest(demo.city)
        moved = tuple(d + shift if d else None for d in demo.dates)
        changed = max((d for d in moved if d), default=today - dt.timedelta(days=120))
        wanted[city.pk, demo.name] = {
            "region": Region.objects.get(city=city, name=demo.region),
            "investor": investor,
            "industry": demo.industry,
            "campaign": Campaign.objects.filter(city=city, name=demo.campaign).first(),
            "stage": demo.stage,
            "cancelled_on": changed if demo.stage == "cancelled" else None,
            "stage_changed_on": changed,
            "contracted_fdi_usd": wan_to_base(demo.contracted_wan),
            "total_investment_usd": wan_to_base(demo.total_wan),
            "fixed_asset_investment_cny": wan_to_base(demo.fixed_assets_wan) or None,
            "headquarters_kind": demo.headquarters,
            **dict(zip(FIELDS, moved, strict=True)),
        }
    sync_demo_rows(
        Project,
        {(p.city_id, p.name): p for p in Project.objects.filter(is_demo=True)},
        wanted,
        lambda key, values: Project(city_id=key[0], name=key[1], is_demo=True, **values),
        # A demo project dropped from the story goes only with nothing real attached to it.
        delete_unwanted=False,
    )
    projects = {
        (p.city_id, p.name): p for p in Project.objects.filter(is_demo=True).select_related("city")
    }
    for demo in DEMO:
        city = cities.get(demo.city)
        if city is None:
            continue
        shift = today - dt.timedelta(days=21) - _latest(demo.city)
        _demo_lists(projects[city.pk, demo.name], demo, shift)
    for city in cities.values():
        _demo_events(city, today)
    return len(wanted)


def _demo_investor(city: City, demo: DemoProject) -> Investor:
    values = {
        "origin": demo.origin,
        "origin_kind": demo.origin_kind,
        "fortune_global_500": demo.fortune,
        "is_demo": True,
    }
    investor = Investor.objects.filter(city=city, name=demo.investor).first()
    if investor is None:
        return Investor.objects.create(city=city, name=demo.investor, **values)
    if not investor.is_demo:
        return investor  # a real investor of that name: used, never changed
    if any(getattr(investor, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(investor, name, value)
        investor.save()
    return investor


def _demo_lists(project: Project, demo: DemoProject, shift: dt.timedelta) -> None:
    """The demo project's stage log, arrivals and one line on each list, in place. Rows that
    are not the demo's (added in the portal) are never looked at."""
    changed = project.stage_changed_on
    department = Department.objects.filter(city=project.city).order_by("order", "pk").first()
    log = {
        "one": StageChange.objects.filter(project=project, from_stage="", changed_by=None).first()
    }
    sync_demo_rows(
        StageChange,
        {"one": log["one"]} if log["one"] else {},
        {"one": {"to_stage": demo.stage, "changed_on": changed}},
        lambda _key, values: StageChange(project=project, from_stage="", **values),
    )
    arrivals = {}
    for y, m, amount in demo.arrivals_wan:
        year, month = _month_shifted(y, m, shift)
        arrivals[year, month] = {"amount_usd": wan_to_base(amount)}
    stored = {(a.year, a.month): a for a in Arrival.objects.filter(project=project)}
    # Arrivals a person entered in the portal are theirs, not the demo's.
    theirs = touched_by_people(Arrival, (a.pk for a in stored.values()))
    sync_demo_rows(
        Arrival,
        {key: a for key, a in stored.items() if a.pk not in theirs},
        {
            key: values
            for key, values in arrivals.items()
            if key not in stored or stored[key].pk not in theirs
        },
        lambda key, values: Arrival(project=project, year=key[0], month=key[1], **values),
    )
    Project.objects.filter(pk=project.pk).recount_arrivals()  # the sync writes in bulk
    for model, text, values, make in (
        (
            ProgressEntry,
            PROGRESS_TEXT,
            {"date": changed},
            lambda values: ProgressEntry(project=project, text=PROGRESS_TEXT, **values),
        ),
        (
            Difficulty,
            DIFFICULTY_TEXT,
            {"raised_on": changed, "category": Difficulty.Category.LAND, "department": department},
            lambda values: Difficulty(project=project, text=DIFFICULTY_TEXT, **values),
        ),
        (
            Complaint,
            COMPLAINT_TEXT,
            {
                "received_on": changed,
                "deadline": changed + dt.timedelta(days=15),
                "handler": department,
            },
            lambda values: Complaint(project=project, text=COMPLAINT_TEXT, **values),
        ),
    ):
        row = model.objects.filter(project=project, text=text).order_by("pk").first()
        sync_demo_rows(
            model,
            {"one": row} if row else {},
            {"one": values},
            lambda _key, values, make=make: make(values),
            delete_unwanted=False,
        )


def _demo_events(city: City, today: dt.date) -> None:
    """FDI-themed promotion events this year: the counties at 1 to 4 (so some meet the quota
    of 4 and some fall short), and two departments at 1 and 2, spread over the past months.
    Each organiser's demo events are matched to the wanted ones in date order and updated in
    place."""
    regions = list(Region.objects.filter(city=city, assessed=True).order_by("order"))
    departments = list(Department.objects.filter(city=city).order_by("order")[:2])
    organisers = [("organiser_region", r, i % 4 + 1) for i, r in enumerate(regions)]
    organisers += [("organiser_department", d, i + 1) for i, d in enumerate(departments)]
    stored = PromotionEvent.objects.filter(city=city, is_demo=True).order_by("date", "pk")
    existing: dict[tuple, PromotionEvent] = {}
    seen: dict[tuple, int] = {}
    for event in stored:
        organiser = (
            ("organiser_region", event.organiser_region_id)
            if event.organiser_region_id
            else ("organiser_department", event.organiser_department_id)
        )
        n = seen.get(organiser, 0)
        seen[organiser] = n + 1
        existing[(*organiser, n)] = event
    wanted: dict[tuple, dict] = {}
    for field, organiser, count in organisers:
        dates = sorted(
            max(D(today.year, 1, 10), today - dt.timedelta(days=40 * (n + 1))) for n in range(count)
        )
        for n, on in enumerate(dates):
            wanted[field, organiser.pk, n] = {
                "date": on,
                "kind": PromotionEvent.Kind.FDI_THEMED,
                "title": EVENT_TITLE,
                "target_countries": "新加坡、德国、日本",
            }
    sync_demo_rows(
        PromotionEvent,
        existing,
        wanted,
        lambda key, values: PromotionEvent(
            city=city, is_demo=True, **{f"{key[0]}_id": key[1]}, **values
        ),
    )
    first = PromotionEvent.objects.filter(city=city, is_demo=True).order_by("date", "pk").first()
    if first is not None and not first.projects.exists():
        first.projects.set(Project.objects.filter(city=city, is_demo=True).order_by("pk")[:1])


#: The demo project the demo city leader follows (一对一跟踪).
DEMO_LED_PROJECT = ("fcg_leader", "（演示）跨境电商物流园")


def link_demo_leader() -> None:
    """Make the demo leader the city leader of one demo project, so their home lists it."""
    username, project_name = DEMO_LED_PROJECT
    leader = get_user_model().objects.filter(username=username).first()
    for project in Project.objects.filter(is_demo=True, name=project_name):
        if project.leader_id != (leader.pk if leader else None):
            project.leader = leader
            project.save_without_historical_record(update_fields=["leader"])
