"""Generated demo data at scale (``manage.py generate_demo_data``): thousands of projects with
their arrivals, difficulties, complaints and events, and ten years of monthly figures, to try
and to measure the portal at the size of a city or of a province.

Deterministic: the same scale, seed and ``today`` give the same rows. Everything is labelled
demo: rows with an ``is_demo`` flag have it set and their names start with 「（演示）」; generated
cities (the registry has no demo flag) are named 「（演示）…市」 and take administrative codes from
:data:`GENERATED_CODES`, a range no real prefecture uses, by which they are found and replaced.

Rows are written with ``bulk_create`` in batches, city by city (memory stays bounded by one
city's rows), and no history rows are written: a generated figure is not a change anyone made.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model, Q

from assessments.models import (
    AnnualAssessment,
    CityTarget,
    Interview,
    MonthlyFigure,
    Notice,
    RegionTarget,
)
from fdi_portal.models import City, Department, Membership, Region
from projects.models import (
    Arrival,
    Campaign,
    Complaint,
    Difficulty,
    Industry,
    Investor,
    ProgressEntry,
    Project,
    PromotionEvent,
    Stage,
    StageChange,
)

#: Rows per INSERT: large enough that a province loads in well under two minutes, small enough
#: for SQLite's limit on bound parameters (Django lowers it further there when it must).
BATCH_SIZE = 2000

#: Years of monthly figures and targets, the current year included.
YEARS = 10

GUANGXI = "广西壮族自治区"
GANSU = "甘肃省"

#: Generated cities: (administrative code, name, province). No real prefecture-level city has a
#: code 4599xx or 6299xx, so a real city loaded later never collides with a generated one.
GENERATED_CITIES: tuple[tuple[str, str, str], ...] = (
    ("459901", "（演示）桂东市", GUANGXI),
    ("459902", "（演示）桂西市", GUANGXI),
    ("459903", "（演示）桂南市", GUANGXI),
    ("459904", "（演示）桂北市", GUANGXI),
    ("459905", "（演示）桂中市", GUANGXI),
    ("459906", "（演示）左江市", GUANGXI),
    ("459907", "（演示）右江市", GUANGXI),
    ("459908", "（演示）漓江市", GUANGXI),
    ("459909", "（演示）柳江市", GUANGXI),
    ("459910", "（演示）邕江市", GUANGXI),
    ("459911", "（演示）西江市", GUANGXI),
    ("459912", "（演示）红水河市", GUANGXI),
    ("459913", "（演示）十万大山市", GUANGXI),
    ("629901", "（演示）陇东市", GANSU),
)
GENERATED_CODES = frozenset(code for code, _name, _province in GENERATED_CITIES)

#: Regions of a generated city: eight assessed counties and districts and one park.
GENERATED_REGIONS: tuple[tuple[str, str], ...] = (
    ("城东区", Region.Kind.DISTRICT),
    ("城西区", Region.Kind.DISTRICT),
    ("城南区", Region.Kind.DISTRICT),
    ("河口县", Region.Kind.COUNTY),
    ("山前县", Region.Kind.COUNTY),
    ("江川县", Region.Kind.COUNTY),
    ("平湖市", Region.Kind.COUNTY_CITY),
    ("安宁市", Region.Kind.COUNTY_CITY),
    ("经济技术开发区", Region.Kind.PARK),
)
GENERATED_DEPARTMENTS = ("商务局", "发展和改革委员会", "投资促进局", "自然资源局", "工业和信息化局")
GENERATED_CAMPAIGNS = ("（演示）招商引资攻坚行动", "（演示）产业链精准招商")


@dataclass(frozen=True)
class Scale:
    """Totals over every city; each city gets an equal share."""

    name: str
    generated_cities: int
    projects: int
    arrivals: int
    difficulties: int
    events: int

    @property
    def complaints(self) -> int:
        return self.difficulties // 5


SCALES: dict[str, Scale] = {
    # A quick look, and the benchmark where PostgreSQL is absent.
    "small": Scale("small", 0, projects=400, arrivals=4_800, difficulties=40, events=30),
    # Each seed city about as large as a real city after ten years.
    "city": Scale("city", 0, projects=10_000, arrivals=120_000, difficulties=1_000, events=600),
    # Fourteen more cities: a province running one portal for all of them.
    "province": Scale(
        "province", 14, projects=50_000, arrivals=600_000, difficulties=4_000, events=3_000
    ),
}

ORIGINS: tuple[tuple[str, str], ...] = (
    ("新加坡", Investor.OriginKind.FOREIGN),
    ("德国", Investor.OriginKind.FOREIGN),
    ("日本", Investor.OriginKind.FOREIGN),
    ("韩国", Investor.OriginKind.FOREIGN),
    ("美国", Investor.OriginKind.FOREIGN),
    ("泰国", Investor.OriginKind.FOREIGN),
    ("越南", Investor.OriginKind.FOREIGN),
    ("马来西亚", Investor.OriginKind.FOREIGN),
    ("英国", Investor.OriginKind.FOREIGN),
    ("法国", Investor.OriginKind.FOREIGN),
    ("", Investor.OriginKind.HONG_KONG),
    ("", Investor.OriginKind.HONG_KONG),
    ("", Investor.OriginKind.MACAO),
    ("", Investor.OriginKind.TAIWAN),
)
ORIGIN_NAMES = {
    Investor.OriginKind.HONG_KONG: "香港",
    Investor.OriginKind.MACAO: "澳门",
    Investor.OriginKind.TAIWAN: "台湾",
}
FIRM_WORDS = ("丰泰", "恒通", "华盛", "联合", "东方", "环球", "金源", "瑞达", "新力", "宏远")
PRODUCTS = (
    "精密制造",
    "新能源装备",
    "食品加工",
    "冷链物流",
    "跨境电商",
    "新材料",
    "电子元器件",
    "生物医药",
    "文旅康养",
    "港口物流",
    "林产化工",
    "现代农业",
)
STAGE_WEIGHTS = (
    (Stage.NEGOTIATING, 15),
    (Stage.SIGNED, 15),
    (Stage.REGISTERED, 10),
    (Stage.LANDED, 15),
    (Stage.CONSTRUCTION, 15),
    (Stage.PRODUCTION, 25),
    (Stage.CANCELLED, 5),
)
INDUSTRY_WEIGHTS = (
    (Industry.C, 45),
    (Industry.G, 10),
    (Industry.A, 8),
    (Industry.D, 6),
    (Industry.F, 8),
    (Industry.I, 6),
    (Industry.L, 7),
    (Industry.M, 5),
    (Industry.R, 5),
)
MODE_WEIGHTS = (
    (Project.Mode.GREENFIELD, 60),
    (Project.Mode.CAPITAL_INCREASE, 20),
    (Project.Mode.MERGER, 10),
    (Project.Mode.REINVESTMENT, 10),
)
DATED_STAGES = ("signed_on", "registered_on", "landed_on", "construction_started_on")
STAGE_DATE_FIELD = {
    Stage.SIGNED: "signed_on",
    Stage.REGISTERED: "registered_on",
    Stage.LANDED: "landed_on",
    Stage.CONSTRUCTION: "construction_started_on",
    Stage.PRODUCTION: "production_started_on",
}
STAGE_ORDER = (Stage.SIGNED, Stage.REGISTERED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION)
DIFFICULTY_TEXTS = {
    Difficulty.Category.LAND: "（演示）项目用地指标尚未落实",
    Difficulty.Category.POWER: "（演示）专线供电容量不足",
    Difficulty.Category.WATER: "（演示）工业用水接入待协调",
    Difficulty.Category.ENERGY: "（演示）能耗指标待调剂",
    Difficulty.Category.APPROVAL: "（演示）环评审批进度较慢",
    Difficulty.Category.FINANCE: "（演示）外债登记与融资需协助",
    Difficulty.Category.FOREX: "（演示）外汇资本金结汇咨询",
    Difficulty.Category.LABOUR: "（演示）技术工人招聘困难",
}
COUNTRIES = ("新加坡、马来西亚", "德国、法国", "日本、韩国", "越南、泰国", "香港、澳门", "美国")
EVENT_TITLES = ("外资专题招商推介会", "产业链招商对接会", "重点外资企业座谈会", "境外招商专场")


@dataclass
class Counts:
    """How many rows of each kind were generated."""

    cities: int = 0
    projects: int = 0
    arrivals: int = 0
    difficulties: int = 0
    complaints: int = 0
    events: int = 0
    figures: int = 0
    by_city: dict[str, int] = field(default_factory=dict)


def _weighted(rng: random.Random, weights: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _w in weights], [w for _v, w in weights])[0]


def _shares(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole shares (the first ones get the rest)."""
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def _insert(model: type[Model], rows: Iterable[Model]) -> list[Model]:
    return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _round_usd(amount: float) -> Decimal:
    """Rounded to 100 USD (0.01万美元), as bureaus report."""
    return Decimal(max(100, round(amount, -2)))


# --------------------------------------------------------------------------- removal


def _delete(queryset: Any) -> int:
    """Delete ``queryset`` in one ``DELETE … WHERE …`` statement, without Django's collector.

    The collector would fetch every row first (600 000 arrivals in a province) and, for the
    figures and targets, write a history row per deleted row (django-simple-history listens to
    each delete); a generated row was never a change anyone made, nor is its removal. Only for
    rows nothing refers to any more: the database's foreign keys refuse anything else."""
    return queryset._raw_delete(queryset.db)


def remove_generated() -> int:
    """Delete the generated cities with everything in them, and every demo project, event,
    investor, figure and target of the other cities. Real rows stay. Returns the rows deleted."""
    generated = City.objects.filter(admin_code__in=GENERATED_CODES)
    projects = Project.objects.filter(Q(is_demo=True) | Q(city__in=generated))
    events = PromotionEvent.objects.filter(Q(is_demo=True) | Q(city__in=generated))
    deleted = 0
    for model in (Arrival, StageChange, ProgressEntry, Difficulty, Complaint):
        deleted += _delete(model.objects.filter(project__in=projects))
    through = PromotionEvent.projects.through
    deleted += _delete(
        through.objects.filter(Q(project__in=projects) | Q(promotionevent__in=events))
    )
    deleted += _delete(projects)
    deleted += _delete(events)
    deleted += _delete(Investor.objects.filter(Q(is_demo=True) | Q(city__in=generated)))
    for model in (MonthlyFigure, RegionTarget):
        deleted += _delete(model.objects.filter(Q(is_demo=True) | Q(region__city__in=generated)))
    # What a visitor may have created in a generated city by trying the pages: few rows, with
    # children of their own, so through the collector.
    for model in (Interview, Notice, AnnualAssessment, Campaign, Membership):
        deleted += model.objects.filter(city__in=generated).delete()[0]
    deleted += _delete(CityTarget.objects.filter(Q(is_demo=True) | Q(city__in=generated)))
    for model in (Department, Region):
        deleted += model.objects.filter(city__in=generated).delete()[0]
    deleted += generated.delete()[0]
    return deleted


# --------------------------------------------------------------------------- generation


def generate(
    scale: Scale, *, seed: int, today: dt.date, log: Callable[[str], None] = lambda _m: None
) -> Counts:
    """Generate ``scale``'s rows over the two seed cities (and, for a province, the generated
    cities, created here). Call :func:`remove_generated` first. Run it inside a transaction."""
    counts = Counts()
    seed_cities = list(City.objects.exclude(admin_code__in=GENERATED_CODES).order_by("admin_code"))
    cities = seed_cities + _create_cities(scale.generated_cities)
    counts.cities = len(cities)
    first_year = today.year - YEARS + 1
    parts = len(cities)
    shares = zip(
        _shares(scale.projects, parts),
        _shares(scale.arrivals, parts),
        _shares(scale.difficulties, parts),
        _shares(scale.complaints, parts),
        _shares(scale.events, parts),
        strict=True,
    )
    for city, (projects, arrivals, difficulties, complaints, events) in zip(
        cities, shares, strict=True
    ):
        # One generator per city, seeded from the city: a city's rows do not depend on how
        # many cities come before it.
        rng = random.Random(f"{seed}-{scale.name}-{city.admin_code}")
        made = _CityGenerator(city, rng=rng, today=today, first_year=first_year)
        counts.figures += made.figures()
        counts.projects += made.projects(projects)
        counts.arrivals += made.arrivals(arrivals)
        counts.difficulties += made.difficulties(difficulties)
        counts.complaints += made.complaints(complaints)
        counts.events += made.events(events)
        counts.by_city[city.name] = projects
        log(f"{city.admin_code} {city.name}: {projects} projects")
    return counts


def analyse() -> None:
    """Refresh PostgreSQL's planner statistics and visibility map after a bulk load, so that
    the first pages measured are planned on the data as it now is and its index-only scans
    skip the table (autovacuum would do both, later). VACUUM cannot run in a transaction:
    inside one (a test), the statistics only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


#: Generated Guangxi cities load_demo adds beside 防城港市, so that the province viewer's
#: comparison has three cities to compare.
DEMO_PROVINCE_CITIES = 2


def load_province_cities(today: dt.date) -> list[City]:
    """The first :data:`DEMO_PROVINCE_CITIES` generated cities (Guangxi's), with ten years of
    demo targets and monthly figures up to last month (no projects); kept where present, so a
    reload adds only the months since. Returns the cities."""
    cities = _create_cities(DEMO_PROVINCE_CITIES)
    for city in cities:
        rng = random.Random(f"load_demo-{city.admin_code}-{today.isoformat()}")
        _CityGenerator(city, rng=rng, today=today, first_year=today.year - YEARS + 1).figures()
    return cities


def _create_cities(count: int) -> list[City]:
    """The first ``count`` generated cities: those present (load_demo makes two), and the
    others created with their regions, departments and campaigns."""
    wanted = GENERATED_CITIES[:count]
    present = {
        c.admin_code: c
        for c in City.objects.filter(admin_code__in=[code for code, *_rest in wanted])
    }
    cities = _insert(
        City,
        (
            City(admin_code=code, name=name, province=province)
            for code, name, province in wanted
            if code not in present
        ),
    )
    _insert(
        Region,
        (
            Region(city=city, name=name, kind=kind, assessed=kind != Region.Kind.PARK, order=i)
            for city in cities
            for i, (name, kind) in enumerate(GENERATED_REGIONS, start=1)
        ),
    )
    bare = [city.name.removeprefix("（演示）") for city in cities]
    _insert(
        Department,
        (
            Department(city=city, name=f"{stem}{short}", short_name=short, order=i)
            for city, stem in zip(cities, bare, strict=True)
            for i, short in enumerate(GENERATED_DEPARTMENTS, start=1)
        ),
    )
    _insert(
        Campaign,
        (
            Campaign(city=city, name=name, order=i)
            for city in cities
            for i, name in enumerate(GENERATED_CAMPAIGNS, start=1)
        ),
    )
    made = {c.admin_code: c for c in cities}
    return [present.get(code) or made[code] for code, *_rest in wanted]


class _CityGenerator:
    """The rows of one city, each kind in one pass of bulk inserts."""

    def __init__(self, city: City, *, rng: random.Random, today: dt.date, first_year: int) -> None:
        self.city = city
        self.rng = rng
        self.today = today
        self.start = dt.date(first_year, 1, 1)
        self.first_year = first_year
        self.regions = list(Region.objects.in_city(city).order_by("order", "name"))
        self.assessed = [r for r in self.regions if r.assessed]
        self.parks = [r for r in self.regions if r.kind == Region.Kind.PARK]
        # The first departments in the registry's order: the commerce bureau and the units
        # most often responsible (防城港's 投资促进局 among them, so its officer has a list).
        self.departments = list(Department.objects.in_city(city).order_by("order", "name")[:8])
        self.campaigns = list(Campaign.objects.in_city(city).order_by("order"))
        self.made: list[Project] = []

    def _day(self, earliest: dt.date, latest: dt.date | None = None) -> dt.date:
        latest = latest or self.today - dt.timedelta(days=1)
        span = max(0, (latest - earliest).days)
        return earliest + dt.timedelta(days=self.rng.randint(0, span))

    # ------------------------------------------------------------------- figures and targets

    def figures(self) -> int:
        """Ten years of targets and monthly figures of every assessed region, up to last month,
        where the database has none (a real figure, or load_demo's, is kept)."""
        rng, today = self.rng, self.today
        have_figures = set(
            MonthlyFigure.objects.in_city(self.city).values_list("region_id", "year", "month")
        )
        have_targets = set(RegionTarget.objects.in_city(self.city).values_list("region_id", "year"))
        have_city_targets = set(
            CityTarget.objects.in_city(self.city).values_list("year", flat=True)
        )
        figures: list[MonthlyFigure] = []
        targets: list[RegionTarget] = []
        city_targets: list[CityTarget] = []
        for year in range(self.first_year, today.year + 1):
            last_month = 12 if year < today.year else today.month - 1
            city_total = Decimal(0)
            for region in self.assessed:
                base_wan = 300 + (region.pk * 7919) % 2700  # 300–3000万美元, fixed per region
                target = _round_usd(base_wan * 10000 * 1.08 ** (year - self.first_year))
                city_total += target
                if (region.pk, year) not in have_targets:
                    targets.append(
                        RegionTarget(region=region, year=year, target_usd=target, is_demo=True)
                    )
                pace = 0.5 + (region.pk * 104729) % 70 / 100  # 0.5–1.2 of the target
                for month in range(1, last_month + 1):
                    if (region.pk, year, month) in have_figures:
                        continue
                    amount = float(target) / 12 * pace * rng.uniform(0.4, 1.6)
                    figures.append(
                        MonthlyFigure(
                            region=region,
                            year=year,
                            month=month,
                            amount_usd=_round_usd(amount),
                            is_demo=True,
                        )
                    )
            if year not in have_city_targets:
                city_targets.append(
                    CityTarget(
                        city=self.city,
                        year=year,
                        target_usd=city_total,
                        growth_target=Decimal("0.10"),
                        is_demo=True,
                    )
                )
        _insert(RegionTarget, targets)
        _insert(CityTarget, city_targets)
        _insert(MonthlyFigure, figures)
        return len(figures)

    # ------------------------------------------------------------------- projects

    def _investors(self, count: int) -> list[Investor]:
        rng = self.rng
        investors = []
        for i in range(count):
            origin, kind = ORIGINS[rng.randrange(len(ORIGINS))]
            where = origin or ORIGIN_NAMES[kind]
            investors.append(
                Investor(
                    city=self.city,
                    name=f"（演示）{where}{rng.choice(FIRM_WORDS)}集团{i + 1:05d}",
                    origin=origin,
                    origin_kind=kind,
                    fortune_global_500=rng.random() < 0.02,
                    is_demo=True,
                )
            )
        return _insert(Investor, investors)

    def _stage_dates(self, stage: str) -> dict[str, Any]:
        """Dates consistent with ``stage``: in pipeline order, none in the future. Projects
        still moving changed stage in the last 400 days; finished ones any time in ten years."""
        rng = self.rng
        moving = stage not in (Stage.PRODUCTION, Stage.CANCELLED)
        earliest = self.today - dt.timedelta(days=400) if moving else self.start
        last = self._day(earliest)
        dates: dict[str, Any] = {"stage_changed_on": last}
        if stage == Stage.NEGOTIATING:
            return dates
        if stage == Stage.CANCELLED:
            dates["cancelled_on"] = last
            reached = STAGE_ORDER[: rng.randint(1, 3)]
            day = last - dt.timedelta(days=rng.randint(20, 200))
        else:
            reached = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]
            day = last
        for reached_stage in reversed(reached):
            dates[STAGE_DATE_FIELD[reached_stage]] = day
            day -= dt.timedelta(days=rng.randint(15, 180))
        return dates

    def projects(self, count: int) -> int:
        rng = self.rng
        investors = self._investors(max(1, count // 3))
        rows = []
        for i in range(count):
            stage = _weighted(rng, STAGE_WEIGHTS)
            industry = _weighted(rng, INDUSTRY_WEIGHTS)
            # Log-uniform from 30万 to 3000万美元: many small projects, a few large ones.
            contracted = 300_000 * 100 ** rng.random()
            total = contracted * rng.uniform(1.0, 3.0)
            investor = rng.choice(investors) if rng.random() > 0.05 else None
            rows.append(
                Project(
                    city=self.city,
                    region=rng.choice(self.assessed),
                    park=rng.choice(self.parks) if self.parks and rng.random() < 0.2 else None,
                    name=f"（演示）{rng.choice(PRODUCTS)}项目{i + 1:05d}",
                    investor=investor,
                    industry=industry,
                    high_tech_manufacturing=industry == Industry.C and rng.random() < 0.25,
                    mode=_weighted(rng, MODE_WEIGHTS),
                    campaign=(
                        rng.choice(self.campaigns)
                        if self.campaigns and rng.random() < 0.3
                        else None
                    ),
                    stage=stage,
                    contracted_fdi_usd=_round_usd(contracted),
                    total_investment_usd=_round_usd(total),
                    fixed_asset_investment_cny=_round_usd(total * 7 * rng.uniform(0.5, 0.9)),
                    headquarters_kind=(
                        rng.choice(("regional", "branch"))
                        if investor and investor.fortune_global_500 and rng.random() < 0.5
                        else ""
                    ),
                    is_demo=True,
                    **self._stage_dates(stage),
                )
            )
        self.made = _insert(Project, rows)
        _insert(
            StageChange,
            (
                StageChange(project=p, to_stage=p.stage, changed_on=p.stage_changed_on)
                for p in self.made
            ),
        )
        _insert(
            ProgressEntry,
            (
                ProgressEntry(project=p, date=p.stage_changed_on, text="（演示）项目进展情况记录。")
                for p in self.made[::4]
            ),
        )
        return len(self.made)

    def arrivals(self, count: int) -> int:
        """About ``count`` monthly arrivals over the landed projects still running, each
        project's share in proportion to the months since it landed."""
        rng, today = self.rng, self.today
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        months_since: list[tuple[Project, int]] = []
        for p in self.made:
            if p.landed_on is None or p.stage == Stage.CANCELLED:
                continue
            months = (last_month.year - p.landed_on.year) * 12 + last_month.month
            months -= p.landed_on.month - 1
            if months > 0:
                months_since.append((p, months))
        available = sum(m for _p, m in months_since)
        rows: list[Arrival] = []
        for p, months in months_since:
            share = min(months, round(count * months / available)) if available else 0
            if not share:
                continue
            per_month = float(p.contracted_fdi_usd) * 0.8 / share
            for offset in sorted(rng.sample(range(months), share)):
                index = p.landed_on.month - 1 + offset
                rows.append(
                    Arrival(
                        project=p,
                        year=p.landed_on.year + index // 12,
                        month=index % 12 + 1,
                        amount_usd=_round_usd(per_month * rng.uniform(0.3, 1.7)),
                    )
                )
        _insert(Arrival, rows)
        # Every demo project of the city (not a list of 50 000 ids): the others have none.
        Project.objects.filter(city=self.city, is_demo=True).recount_arrivals()
        return len(rows)

    def difficulties(self, count: int) -> int:
        rng, today = self.rng, self.today
        categories = list(DIFFICULTY_TEXTS)
        rows = []
        for _i in range(count):
            project = rng.choice(self.made)
            raised_on = self._day(today - dt.timedelta(days=730))
            status = _weighted(
                rng,
                (
                    (Difficulty.Status.OPEN, 30),
                    (Difficulty.Status.IN_PROGRESS, 20),
                    (Difficulty.Status.RESOLVED, 50),
                ),
            )
            resolved_on = None
            if status == Difficulty.Status.RESOLVED:
                resolved_on = raised_on + dt.timedelta(days=rng.randint(1, 120))
                if resolved_on > today:
                    status, resolved_on = Difficulty.Status.IN_PROGRESS, None
            category = rng.choice(categories)
            rows.append(
                Difficulty(
                    project=project,
                    raised_on=raised_on,
                    category=category,
                    text=DIFFICULTY_TEXTS[category],
                    department=rng.choice(self.departments) if self.departments else None,
                    status=status,
                    resolved_on=resolved_on,
                    resolution="（演示）已协调解决。" if resolved_on else "",
                )
            )
        _insert(Difficulty, rows)
        return len(rows)

    def complaints(self, count: int) -> int:
        rng, today = self.rng, self.today
        rows = []
        for _i in range(count):
            received_on = self._day(today - dt.timedelta(days=365))
            deadline = received_on + dt.timedelta(days=15)
            answered_on = received_on + dt.timedelta(days=rng.randint(1, 25))
            answered = rng.random() < 0.6 and answered_on < today
            rows.append(
                Complaint(
                    project=rng.choice(self.made),
                    received_on=received_on,
                    text="（演示）审批时限投诉。",
                    handler=rng.choice(self.departments) if self.departments else None,
                    deadline=deadline,
                    status=Complaint.Status.ANSWERED if answered else Complaint.Status.RECEIVED,
                    answered_on=answered_on if answered else None,
                    answer="（演示）已答复。" if answered else "",
                )
            )
        _insert(Complaint, rows)
        return len(rows)

    def events(self, count: int) -> int:
        """Promotion events over the ten years, seven in ten organised by a region; one in
        five lists a resulting project."""
        rng = self.rng
        kinds = list(PromotionEvent.Kind)
        rows = []
        for _i in range(count):
            kind = PromotionEvent.Kind.FDI_THEMED if rng.random() < 0.6 else rng.choice(kinds)
            by_region = rng.random() < 0.7 or not self.departments
            rows.append(
                PromotionEvent(
                    city=self.city,
                    organiser_region=rng.choice(self.assessed) if by_region else None,
                    organiser_department=None if by_region else rng.choice(self.departments),
                    date=self._day(self.start),
                    kind=kind,
                    title=f"（演示）{rng.choice(EVENT_TITLES)}",
                    target_countries=rng.choice(COUNTRIES),
                    fdi_themed=kind == PromotionEvent.Kind.FDI_THEMED or rng.random() < 0.3,
                    is_demo=True,
                )
            )
        events = _insert(PromotionEvent, rows)
        through = PromotionEvent.projects.through
        _insert(
            through,
            (
                through(promotionevent_id=event.pk, project_id=rng.choice(self.made).pk)
                for event in events
                if self.made and rng.random() < 0.2
            ),
        )
        return len(events)
