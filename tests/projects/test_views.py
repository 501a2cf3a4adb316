"""Project pages: filters, export, scoping of region officials, stage changes, difficulties."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from fdi_portal.models import Department, Region
from projects.alerts import staff_alerts
from projects.models import Arrival, Difficulty, Investor, Project, StageChange
from tests.projects.conftest import make_project

D = dt.date


@pytest.fixture
def many_projects(fangchenggang, fcg_plan):
    """300 projects over the four counties, each with an arrival, a difficulty and an investor."""
    regions = list(Region.objects.filter(city=fangchenggang, assessed=True))
    investor = Investor.objects.create(city=fangchenggang, name="新加坡某集团", origin="新加坡")
    projects = Project.objects.bulk_create(
        Project(
            city=fangchenggang,
            region=regions[i % 4],
            name=f"项目{i:03d}",
            investor=investor,
            stage="signed",
            signed_on=D(2021, 1, 1),
            stage_changed_on=D(2021, 1, 1),
            contracted_fdi_usd=Decimal("100000"),
        )
        for i in range(300)
    )
    Arrival.objects.bulk_create(
        Arrival(project=p, year=2021, month=3, amount_usd=Decimal("10000")) for p in projects
    )
    Project.objects.filter(pk__in=[p.pk for p in projects]).recount_arrivals()  # bulk writes
    Difficulty.objects.bulk_create(
        Difficulty(project=p, raised_on=D(2021, 2, 1), category="land", text="用地")
        for p in projects
    )
    return projects


def test_the_project_list_shows_a_page_of_fifty_and_the_total(
    client, clerk, many_projects, django_assert_max_num_queries
):
    client.force_login(clerk)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("projects:project_list"))
    assert len(response.context["reports"]) == 50
    assert response.context["pagination"].total == 300
    # 300 / 50 = 6 pages; the last one holds 项目250 to 项目299 (each county's in name order)
    last = client.get(reverse("projects:project_list"), {"page": 6})
    assert len(last.context["reports"]) == 50
    assert (
        client.get(reverse("projects:project_list"), {"page": 99}).context["pagination"].page.number
        == 6
    )


def test_page_links_keep_the_filters_and_the_sort(client, clerk, many_projects):
    client.force_login(clerk)
    dongxing = Region.objects.get(name="东兴市")
    response = client.get(
        reverse("projects:project_list"), {"region": dongxing.pk, "sort": "name", "page": 2}
    )
    # 300 / 4 = 75 projects in 东兴市: page 2 holds the last 25, by name
    names = [r.project.name for r in response.context["reports"]]
    assert len(names) == 25
    assert names == sorted(names)
    assert f'href="?region={dongxing.pk}&amp;sort=name&amp;page=1"' in response.content.decode()


def test_the_difficulties_list_shows_a_page_and_figures_over_all_of_them(
    client, clerk, many_projects, django_assert_max_num_queries
):
    client.force_login(clerk)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("projects:difficulty_list"))
    assert len(response.context["difficulties"]) == 50
    assert response.context["pagination"].total == 300
    # none has a department: one group of all 300; four counties of 75 each
    assert [(g.total, g.resolved) for g in response.context["closure"].by_department] == [(300, 0)]
    assert [g.total for g in response.context["closure"].by_region] == [75, 75, 75, 75]


def test_the_export_is_a_real_workbook_of_the_filtered_projects(
    client, clerk, many_projects, django_assert_max_num_queries
):
    client.force_login(clerk)
    shangsi = Region.objects.get(name="上思县")
    with django_assert_max_num_queries(15):
        response = client.get(reverse("projects:project_export"), {"region": shangsi.pk})
        content = b"".join(response.streaming_content)
    assert response["Content-Disposition"] == 'attachment; filename="projects.xlsx"'
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    # a title row, the header, then 300 / 4 = 75 projects of 上思县
    assert len(rows) == 2 + 75
    first = rows[2]
    assert first[1] == "上思县"
    # 100 000 USD contracted = 10 万美元; 10 000 USD arrived = 1 万美元
    assert (first[11], first[14]) == (10, 1)


def test_the_list_filters_by_rule_and_leader(client, clerk, fangchenggang, fcg_plan):
    big = make_project(fangchenggang, name="大项目", stage="signed", signed_on=D(2021, 1, 1))
    Arrival.objects.create(project=big, year=2021, month=1, amount_usd=Decimal("15000000"))
    make_project(fangchenggang, name="小项目")
    client.force_login(clerk)
    response = client.get(reverse("projects:project_list"), {"flag": "major_project_leader"})
    assert [r.project.name for r in response.context["reports"]] == ["大项目"]
    response = client.get(reverse("projects:project_list"), {"leader": "yes"})
    assert response.context["reports"] == []


def test_a_region_official_sees_only_their_regions_projects(
    client, shangsi_official, shangsi_project, dongxing_project
):
    client.force_login(shangsi_official)
    response = client.get(reverse("projects:project_list"))
    assert [r.project.name for r in response.context["reports"]] == ["上思县测试项目"]
    assert (
        client.get(reverse("projects:project_detail", args=[dongxing_project.pk])).status_code
        == 404
    )


def test_a_region_official_cannot_change_another_regions_project_by_its_id(
    client, shangsi_official, dongxing_project
):
    client.force_login(shangsi_official)
    url = reverse("projects:project_edit", args=[dongxing_project.pk])
    assert client.post(url, {"name": "改名"}).status_code == 404
    stage_url = reverse("projects:project_stage", args=[dongxing_project.pk])
    assert client.post(stage_url, {"stage": "signed", "on": "2021-03-01"}).status_code == 404
    dongxing_project.refresh_from_db()
    assert (dongxing_project.name, dongxing_project.stage) == ("东兴市测试项目", "negotiating")


def test_a_region_official_can_only_create_projects_in_their_region(client, shangsi_official):
    client.force_login(shangsi_official)
    dongxing = Region.objects.get(name="东兴市")
    response = client.post(
        reverse("projects:project_create"),
        {"name": "越权", "region": dongxing.pk, "mode": "greenfield", "stage": "negotiating"},
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Project.objects.filter(name="越权").exists()


def test_staff_create_a_project_in_wan_and_it_is_stored_in_usd(client, clerk):
    client.force_login(clerk)
    shangsi = Region.objects.get(name="上思县")
    response = client.post(
        reverse("projects:project_create"),
        {
            "name": "新签项目",
            "region": shangsi.pk,
            "mode": "greenfield",
            "stage": "signed",
            "signed_on": "2021-04-02",
            "contracted_fdi_wan": "1500.5",
            "industry": "C",
        },
    )
    project = Project.objects.get(name="新签项目")
    assert response.status_code == 302
    assert project.contracted_fdi_usd == Decimal("15005000")
    assert project.city.admin_code == "450600"
    assert StageChange.objects.get(project=project).to_stage == "signed"


def test_creating_a_landed_project_without_signing_date_is_refused(client, clerk):
    client.force_login(clerk)
    shangsi = Region.objects.get(name="上思县")
    response = client.post(
        reverse("projects:project_create"),
        {
            "name": "坏项目",
            "region": shangsi.pk,
            "mode": "greenfield",
            "stage": "landed",
            "landed_on": "2021-04-02",
        },
    )
    assert response.status_code == 200
    assert "signed_on" in response.context["form"].errors
    assert not Project.objects.filter(name="坏项目").exists()


def test_a_refused_stage_change_shows_why_and_changes_nothing(
    client, shangsi_official, shangsi_project
):
    client.force_login(shangsi_official)
    url = reverse("projects:project_stage", args=[shangsi_project.pk])
    response = client.post(url, {"stage": "landed", "on": "2021-01-01"}, follow=True)
    assert len(list(response.context["messages"])) == 1
    shangsi_project.refresh_from_db()
    assert (shangsi_project.stage, shangsi_project.landed_on) == ("signed", None)


def test_the_closure_rate_and_median_days_by_department(client, clerk, shangsi_project):
    bureau = Department.objects.get(name="防城港市投资促进局")
    for raised, resolved in [
        (D(2021, 1, 1), D(2021, 1, 11)),
        (D(2021, 1, 1), D(2021, 1, 31)),
        (D(2021, 2, 1), None),
        (D(2021, 3, 1), D(2021, 3, 6)),
    ]:
        Difficulty.objects.create(
            project=shangsi_project,
            raised_on=raised,
            category="land",
            text="x",
            department=bureau,
            status="resolved" if resolved else "open",
            resolved_on=resolved,
        )
    client.force_login(clerk)
    response = client.get(reverse("projects:difficulty_list"))
    (row,) = response.context["closure"].by_department
    # 3 of 4 resolved = 75%; days 10, 30, 5 → median 10
    assert (row.total, row.resolved, row.closure_rate, row.median_days) == (
        4,
        3,
        Decimal("0.75"),
        10,
    )
    response = client.get(reverse("projects:difficulty_list"), {"status": "open"})
    assert len(response.context["difficulties"]) == 1


def test_staff_alerts_list_the_projects_that_need_attention(
    fangchenggang, shangsi_project, dongxing_project
):
    Difficulty.objects.create(
        project=shangsi_project, raised_on=D(2021, 3, 1), category="land", text="x"
    )
    found = staff_alerts(fangchenggang, D(2021, 5, 1))
    # 上思县: difficulty 61 days open; stage unchanged since 3-1 (61 days < 90): one alert.
    assert [(r.project.name, [a.code for a in r.alerts]) for r in found.reports] == [
        ("上思县测试项目", ["difficulty_open"])
    ]
    assert found.total == 1
    html = render_to_string("projects/_alerts.html", {"project_alerts": found})
    assert "上思县测试项目" in html
    assert 'data-testid="all-alerts"' not in html  # all of them are shown


def test_the_project_page_shows_rules_and_alerts(client, leader, fangchenggang, fcg_plan):
    big = make_project(fangchenggang, name="大项目", stage="signed", signed_on=D(2021, 1, 1))
    Arrival.objects.create(project=big, year=2021, month=1, amount_usd=Decimal("15000000"))
    client.force_login(leader)
    response = client.get(reverse("projects:project_detail", args=[big.pk]))
    assert [r.consequence_code for r in response.context["report"].rules] == [
        "major_project_leader"
    ]
    assert b'data-alert="leader_missing"' in response.content
    assert not response.context["can_write"]


def test_the_export_writes_amounts_in_wan_rounded_half_up_to_two_places(
    client, clerk, fangchenggang, fcg_plan
):
    make_project(
        fangchenggang,
        name="尾数项目",
        contracted_fdi_usd=Decimal("123456.78"),  # 12.345678 万美元 → 12.35
        total_investment_usd=Decimal("123449.99"),  # 12.344999 万美元 → 12.34
        fixed_asset_investment_cny=Decimal("50.00"),  # 0.005 万元 → 0.01 (half-up)
    )
    client.force_login(clerk)
    response = client.get(reverse("projects:project_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    (row,) = [r for r in sheet.iter_rows(values_only=True) if r[2] == "尾数项目"]
    assert (row[11], row[12], row[13]) == (12.35, 12.34, 0.01)
