"""Projects at scale: lists filter and order in the database (and agree with rules.py), every
list paginates, the export streams, the home pages show the most urgent alerts, and no page's
query count grows with the data."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboards.demo_scale import Scale, generate, remove_generated
from projects import alerts
from projects.models import Arrival, Complaint, Difficulty, Investor, Project, PromotionEvent
from tests.conftest import make_user
from tests.projects.conftest import make_project

D = dt.date
TODAY = D(2024, 6, 30)
M = Decimal(1_000_000)  # amounts below in millions of USD (or CNY)


def arrive(project: Project, *amounts: tuple[int, Decimal]) -> None:
    for month, (year, amount) in enumerate(amounts, start=1):
        Arrival.objects.create(project=project, year=year, month=month, amount_usd=amount)


@pytest.fixture
def rule_cases(fcg_plan, ww_plan) -> list[Project]:
    """Projects on both sides of every rule's threshold (防城港: 1500万美元 arrived in all;
    武威: the four rules of its 2023 plan), and cancelled ones over them."""
    fcg, ww = fcg_plan.city, ww_plan.city
    fortune = Investor.objects.create(city=ww, name="五百强", fortune_global_500=True)
    plain = Investor.objects.create(city=ww, name="普通", fortune_global_500=False)
    made = []

    def project(city, name, **fields):
        made.append(make_project(city, "上思县" if city == fcg else "凉州区", name=name, **fields))
        return made[-1]

    arrive(project(fcg, "刚好1500万"), (2023, 10 * M), (2024, 5 * M))
    arrive(project(fcg, "差一分"), (2024, 15 * M - Decimal("0.01")))
    arrive(
        project(fcg, "终止的大项目", stage="cancelled", cancelled_on=D(2024, 1, 1)), (2024, 20 * M)
    )
    project(fcg, "无到位")
    # 武威 land_energy_priority: total ≥ 5000万 and ≥ 1000万 arrived this year (2024)
    arrive(project(ww, "投资够今年够", total_investment_usd=50 * M), (2024, 10 * M))
    arrive(project(ww, "投资够今年差", total_investment_usd=50 * M), (2024, 10 * M - 1))
    arrive(project(ww, "投资够去年够", total_investment_usd=60 * M), (2023, 12 * M))
    arrive(project(ww, "投资差今年够", total_investment_usd=50 * M - 1), (2024, 12 * M))
    arrive(project(ww, "投资未知今年够"), (2024, 12 * M))
    # provincial_key_list_leader: manufacturing with total ≥ 3000万
    project(ww, "制造够", industry="C", total_investment_usd=30 * M)
    project(ww, "制造差", industry="C", total_investment_usd=30 * M - 1)
    project(ww, "物流够", industry="G", total_investment_usd=40 * M)
    project(ww, "制造够有领导", industry="C", total_investment_usd=40 * M, leader=make_user("ld"))
    # agent_reward: greenfield or M&A, fixed assets ≥ 5000万元
    project(ww, "新设够", mode="greenfield", fixed_asset_investment_cny=50 * M)
    project(ww, "并购够", mode="merger", fixed_asset_investment_cny=60 * M)
    project(ww, "增资够", mode="capital_increase", fixed_asset_investment_cny=60 * M)
    project(ww, "新设差", mode="greenfield", fixed_asset_investment_cny=50 * M - 1)
    # fortune500_reward: a Fortune Global 500 investor's national/regional HQ or branch
    project(ww, "五百强地区总部", investor=fortune, headquarters_kind="regional")
    project(ww, "五百强功能总部", investor=fortune, headquarters_kind="functional")
    project(ww, "五百强无总部", investor=fortune)
    project(ww, "普通地区总部", investor=plain, headquarters_kind="regional")
    project(
        ww,
        "终止的五百强",
        investor=fortune,
        headquarters_kind="branch",
        stage="cancelled",
        cancelled_on=D(2024, 1, 1),
    )
    return made


def python_reports() -> dict[str, alerts.ProjectReport]:
    projects = list(Project.objects.select_related("investor"))
    reports = alerts.project_reports(projects, year=TODAY.year, today=TODAY)
    return {p.name: reports[p.pk] for p in projects}


@pytest.mark.parametrize(
    "code",
    [
        "major_project_leader",
        "land_energy_priority",
        "provincial_key_list_leader",
        "agent_reward",
        "fortune500_reward",
    ],
)
def test_the_rule_filter_in_sql_picks_the_projects_rules_py_says_meet_the_rule(code, rule_cases):
    expected = {
        name
        for name, report in python_reports().items()
        if any(rule.consequence_code == code for rule in report.rules)
    }
    found = alerts.meeting_rule(Project.objects.all(), code, year=TODAY.year)
    assert set(found.values_list("name", flat=True)) == expected
    assert expected  # each rule has a project over its threshold


def test_the_rule_filter_by_hand(rule_cases):
    def names(code: str) -> set[str]:
        found = alerts.meeting_rule(Project.objects.all(), code, year=TODAY.year)
        return set(found.values_list("name", flat=True))

    assert names("major_project_leader") == {"刚好1500万"}
    assert names("land_energy_priority") == {"投资够今年够"}
    assert names("provincial_key_list_leader") == {"制造够", "制造够有领导"}
    assert names("agent_reward") == {"新设够", "并购够"}
    assert names("fortune500_reward") == {"五百强地区总部"}


@pytest.fixture
def alert_cases(rule_cases) -> None:
    """Each alert just over and just under its threshold on TODAY (2024-06-30)."""
    fcg = rule_cases[0].city
    day = dt.timedelta(days=1)

    def project(name, **fields):
        fields.setdefault("stage", "production")  # no stale-stage alert unless asked
        return make_project(fcg, "东兴市", name=name, **fields)

    for name, raised, status in [
        ("困难31天", TODAY - 31 * day, "open"),
        ("困难30天", TODAY - 30 * day, "open"),
        ("困难办理中200天", TODAY - 200 * day, "in_progress"),
    ]:
        Difficulty.objects.create(
            project=project(name), raised_on=raised, category="land", text="x", status=status
        )
    Difficulty.objects.create(
        project=project("困难已解决"),
        raised_on=TODAY - 300 * day,
        resolved_on=TODAY - 200 * day,
        status="resolved",
        category="land",
        text="x",
    )
    for name, deadline, status in [
        ("投诉超期1天", TODAY - day, "received"),
        ("投诉今天到期", TODAY, "received"),
        ("投诉已答复", TODAY - 60 * day, "answered"),
    ]:
        Complaint.objects.create(
            project=project(name),
            received_on=deadline - 15 * day,
            deadline=deadline,
            text="x",
            status=status,
        )
    project("签约90天未变", stage="signed", stage_changed_on=TODAY - 90 * day)
    project("签约89天未变", stage="signed", stage_changed_on=TODAY - 89 * day)
    project("投产400天", stage="production", stage_changed_on=TODAY - 400 * day)
    project("终止400天", stage="cancelled", stage_changed_on=TODAY - 400 * day)


def test_the_alerts_filter_in_sql_picks_the_projects_rules_py_gives_alerts(alert_cases):
    expected = {name for name, report in python_reports().items() if report.alerts}
    found = alerts.with_alerts(Project.objects.all(), today=TODAY)
    assert set(found.values_list("name", flat=True)) == expected
    # by hand: the three rules needing a leader met without one, and each alert over its line
    assert expected == {
        "刚好1500万",
        "制造够",
        "困难31天",
        "困难办理中200天",
        "投诉超期1天",
        "签约90天未变",
    }


def test_the_most_urgent_come_first_leaders_missing_then_the_oldest(alert_cases):
    found = list(
        alerts.with_alerts(Project.objects.all(), today=TODAY).values_list("name", flat=True)
    )
    # No leader for a rule that needs one first (by name), then by how long the oldest alert
    # has stood: a difficulty raised 200 days ago, a stage unchanged 90 days, a difficulty
    # 31 days, a complaint 1 day past its deadline.
    assert found == [
        "刚好1500万",
        "制造够",
        "困难办理中200天",
        "签约90天未变",
        "困难31天",
        "投诉超期1天",
    ]


def test_the_alerts_panel_counts_them_all_and_reads_only_the_few_it_shows(
    alert_cases, django_assert_num_queries
):
    fcg = Project.objects.get(name="刚好1500万").city
    # The rules once, the ids with the count, the three rows, their arrivals, difficulties
    # and complaints.
    with django_assert_num_queries(6):
        panel = alerts.staff_alerts(fcg, TODAY, limit=3)
    # 防城港's five, most urgent first: the leader missing, then a difficulty raised 200
    # days ago, a stage unchanged 90 days (a difficulty of 31 days and a complaint 1 day past
    # its deadline are not shown).
    assert [r.project.name for r in panel.reports] == [
        "刚好1500万",
        "困难办理中200天",
        "签约90天未变",
    ]
    assert (panel.total, panel.more) == (5, 2)


def test_the_home_page_shows_the_ten_most_urgent_alerts_and_links_to_all(
    client, clerk, fangchenggang, fcg_plan
):
    today = timezone.localdate()
    for i in range(25):
        make_project(
            fangchenggang,
            name=f"停滞{i:02d}",
            stage="signed",
            stage_changed_on=today - dt.timedelta(days=100 + i),
        )
    client.force_login(clerk)
    # The home page loads its alerts panel when the clerk scrolls to it.
    attention = reverse("dashboards:attention", args=[fangchenggang.admin_code])
    assert f'hx-get="{attention}?year=' in client.get(reverse("home")).content.decode()
    response = client.get(attention, headers={"hx-request": "true"})
    panel = response.context["project_alerts"]
    assert panel.total == 25
    # unchanged longest first: 124, 123, … 115 days
    assert [r.project.name for r in panel.reports] == [f"停滞{i:02d}" for i in range(24, 14, -1)]
    html = response.content.decode()
    assert "All 25 projects with alerts" in html or "查看全部25个有预警的项目" in html
    assert 'href="/projects/?alerts=yes"' in html
    listed = client.get(reverse("projects:project_list"), {"alerts": "yes"})
    assert listed.context["pagination"].total == 25
    assert listed.context["reports"][0].project.name == "停滞24"


def test_the_export_streams_every_project_not_only_a_page(client, clerk, fangchenggang):
    Project.objects.bulk_create(
        Project(
            city=fangchenggang, region=fangchenggang.regions.get(name="上思县"), name=f"P{i:03d}"
        )
        for i in range(120)
    )
    client.force_login(clerk)
    response = client.get(reverse("projects:project_export"))
    assert response.streaming
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 2 + 120  # title, header, every project


def test_the_difficulties_figures_name_the_city_where_several_are_shown(
    client, province_viewer, superuser, fangchenggang, wuwei
):
    for city, region in [(fangchenggang, "上思县"), (wuwei, "凉州区")]:
        project = make_project(city, region, name=f"{region}项目")
        Difficulty.objects.create(
            project=project, raised_on=D(2021, 3, 1), category="land", text="x"
        )
    client.force_login(province_viewer)
    response = client.get(reverse("projects:difficulty_list"))
    # a province viewer of 广西 sees 防城港 only: no need to name the city
    assert [g.name for g in response.context["closure"].by_region] == ["上思县"]
    client.force_login(superuser)
    response = client.get(reverse("projects:difficulty_list"))
    assert [g.name for g in response.context["closure"].by_region] == [
        "防城港市 上思县",
        "武威市 凉州区",
    ]


# --------------------------------------------------------------------------- query counts


PAGES = {
    "home": ("home", {}),
    "project list": ("projects:project_list", {}),
    "project list, page 3": ("projects:project_list", {"page": 3}),
    "project list, by contracted FDI": ("projects:project_list", {"sort": "-contracted"}),
    "project list, alerts": ("projects:project_list", {"alerts": "yes"}),
    "project list, rule": ("projects:project_list", {"flag": "major_project_leader"}),
    "project export": ("projects:project_export", {}),
    "difficulties": ("projects:difficulty_list", {}),
    "events": ("projects:event_list", {}),
}
CAST = (
    "clerk",
    "shangsi_official",
    "investment_officer",
    "leader",
    "province_viewer",
    "superuser",
)


def query_counts(client, users: dict) -> dict[tuple[str, str], int]:
    counts = {}
    for role, user in users.items():
        client.force_login(user)
        client.get(reverse("home"))  # the first request after a login also saves the session
        for page, (name, params) in PAGES.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(name), params)
                if response.streaming:
                    b"".join(response.streaming_content)
            if response.status_code == 200:
                counts[role, page] = len(queries)
    return counts


def test_no_page_makes_more_queries_with_ten_times_the_data(client, request, fcg_plan, ww_plan):
    """Two generated provinces, the second with four times the cities and ten times the
    projects, arrivals, difficulties and events: every page of every role makes the same
    number of queries on both."""
    users = {role: request.getfixturevalue(role) for role in CAST}
    today = timezone.localdate()
    # Rows every page shows at both sizes (an empty page skips the queries of its rows): a
    # project of 上思县 with a rule met and an alert, a difficulty for the investment
    # officer's department, an event of the year by a region and one by a department.
    anchor = make_project(
        fcg_plan.city,
        name="上思县大项目",
        stage="signed",
        stage_changed_on=today - dt.timedelta(days=200),
    )
    arrive(anchor, (today.year, 20 * M))
    Difficulty.objects.create(
        project=anchor,
        raised_on=today - dt.timedelta(days=60),
        category="land",
        text="x",
        department=users["investment_officer"].membership.department,
    )
    event = PromotionEvent.objects.create(
        city=fcg_plan.city,
        organiser_region=anchor.region,
        date=today,
        kind="fdi_themed",
        title="招商会",
    )
    event.projects.add(anchor)
    PromotionEvent.objects.create(
        city=fcg_plan.city,
        organiser_department=users["investment_officer"].membership.department,
        date=today,
        kind="expo",
        title="博览会",
    )
    generate(
        Scale("small", 1, projects=120, arrivals=600, difficulties=40, events=40),
        seed=1,
        today=today,
    )
    small = query_counts(client, users)
    remove_generated()
    generate(
        Scale("large", 4, projects=1200, arrivals=6000, difficulties=400, events=400),
        seed=1,
        today=today,
    )
    large = query_counts(client, users)
    assert len(small) >= 40  # every role reads most pages
    assert large == small


def test_a_region_officials_difficulties_list_holds_their_regions_only(
    client, shangsi_official, shangsi_project, dongxing_project
):
    for project in (shangsi_project, dongxing_project):
        Difficulty.objects.create(
            project=project, raised_on=D(2021, 3, 1), category="land", text="x"
        )
    client.force_login(shangsi_official)
    response = client.get(reverse("projects:difficulty_list"))
    assert [d.project.name for d in response.context["difficulties"]] == ["上思县测试项目"]
    assert [(g.name, g.total) for g in response.context["closure"].by_region] == [("上思县", 1)]
