"""The API shows each role what the pages show it: the same role groups and the same
``visible_to`` scopes, the rule of unpublished figures, issued notices only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import (
    AnnualAssessment,
    CityTarget,
    FigureSubmission,
    Interview,
    MonthlyFigure,
    Notice,
    RegionTarget,
)
from fdi_portal.models import Region
from projects.models import Arrival
from tasks.models import Assignment, Plan, ProgressReport, Task
from tests.projects.conftest import make_project

FIGURES = "/api/v1/figures/"
WAN = Decimal(10000)
FCG = {"港口区": "450602", "防城区": "450603", "上思县": "450621", "东兴市": "450681"}


def figure(name: str, month: int, wan: int, year: int = 2021) -> MonthlyFigure:
    region = Region.objects.get(city__admin_code="450600", name=name)
    return MonthlyFigure.objects.create(region=region, year=year, month=month, amount_usd=wan * WAN)


@pytest.fixture
def figures(fangchenggang) -> None:
    for name, wan in (("港口区", 100), ("防城区", 50), ("上思县", 20), ("东兴市", 30)):
        figure(name, 1, wan)
        figure(name, 2, wan + 1)


def regions_of(rows: list[dict]) -> set[str]:
    return {row["region"] for row in rows}


def test_a_figure_row_has_the_region_s_code_the_period_dollars_and_its_last_change(
    figures, clerk, api_as
):
    rows = api_as(clerk).json(FIGURES, {"city": "450600", "year": 2021, "region": "450621"})
    assert rows["count"] == 2
    first = rows["results"][0]
    assert set(first) == {"region", "year", "month", "amount_usd", "updated_at"}
    assert (first["region"], first["year"], first["month"], first["amount_usd"]) == (
        "450621",
        2021,
        1,
        "200000.00",
    )
    assert dt.datetime.fromisoformat(first["updated_at"]) <= timezone.now()


def test_a_figure_s_updated_at_follows_its_last_correction(figures, clerk, api_as):
    row = MonthlyFigure.objects.get(region__admin_code="450621", year=2021, month=1)
    before = api_as(clerk).json(FIGURES, {"city": "450600", "year": 2021, "region": "450621"})
    row.amount_usd = Decimal("210000.00")
    row.save()
    after = api_as(clerk).json(FIGURES, {"city": "450600", "year": 2021, "region": "450621"})
    assert after["results"][0]["amount_usd"] == "210000.00"
    assert after["results"][0]["updated_at"] > before["results"][0]["updated_at"]


def test_figures_filter_by_month_and_need_a_city_and_a_year(figures, clerk, api_as):
    client = api_as(clerk)
    rows = client.json(FIGURES, {"city": "450600", "year": 2021, "month": 2})["results"]
    assert [(row["region"], row["amount_usd"]) for row in rows] == [
        ("450602", "1010000.00"),
        ("450603", "510000.00"),
        ("450621", "210000.00"),
        ("450681", "310000.00"),
    ]
    assert client.get(FIGURES, {"year": 2021}).status_code == 400
    assert client.get(FIGURES, {"city": "450600"}).status_code == 400
    assert client.get(FIGURES, {"city": "450600", "year": 2021, "month": 13}).status_code == 400


def test_only_verified_figures_are_listed_not_a_waiting_submission(
    figures, shangsi_official, clerk, api_as
):
    FigureSubmission.objects.create(
        region=Region.objects.get(admin_code="450621"),
        year=2021,
        month=3,
        amount_usd=Decimal("999.00"),
        submitted_by=shangsi_official,
        submitted_at=timezone.now(),
    )
    rows = api_as(clerk).json(FIGURES, {"city": "450600", "year": 2021})["results"]
    assert {row["month"] for row in rows} == {1, 2}


def test_a_county_official_reads_their_own_region_s_figures_only(figures, shangsi_official, api_as):
    rows = api_as(shangsi_official).json(FIGURES, {"city": "450600", "year": 2021})["results"]
    assert regions_of(rows) == {"450621"}


def test_a_county_official_reads_every_region_when_the_bureau_shares_unpublished_figures(
    figures, shangsi_official, api_as, settings
):
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "all"
    rows = api_as(shangsi_official).json(FIGURES, {"city": "450600", "year": 2021})["results"]
    assert regions_of(rows) == set(FCG.values())


@pytest.mark.parametrize("who", ["clerk", "leader", "province_viewer", "superuser"])
def test_figure_readers_read_every_region(figures, request, who, api_as):
    user = request.getfixturevalue(who)
    rows = api_as(user).json(FIGURES, {"city": "450600", "year": 2021})["results"]
    assert regions_of(rows) == set(FCG.values())


def test_a_department_officer_may_not_read_figures_as_on_the_pages(
    figures, investment_officer, api_as
):
    assert api_as(investment_officer).get(
        FIGURES, {"city": "450600", "year": 2021}
    ).status_code == (403)


def test_another_city_s_officer_reads_nothing_of_this_city(figures, wuwei_clerk, api_as):
    client = api_as(wuwei_clerk)
    assert client.json(FIGURES, {"city": "450600", "year": 2021})["count"] == 0
    assert client.get("/api/v1/cities/450600/").status_code == 404
    assert [c["code"] for c in client.json("/api/v1/cities/")["results"]] == ["620600"]


def test_a_province_viewer_reads_the_cities_of_their_province(province_viewer, api_as):
    cities = api_as(province_viewer).json("/api/v1/cities/")["results"]
    assert [c["code"] for c in cities] == ["450600"]
    codes = [region["code"] for region in cities[0]["regions"]]
    assert codes[:4] == list(FCG.values())


def test_regions_carry_their_administrative_codes(clerk, api_as):
    regions = api_as(clerk).json("/api/v1/regions/", {"city": "450600"})["results"]
    by_name = {region["name"]: region for region in regions}
    assert {name: by_name[name]["admin_code"] for name in FCG} == FCG
    park = by_name["东兴边境经济合作区"]
    assert park["admin_code"] is None
    assert park["code"] == f"id{park['id']}"
    assert not park["assessed"]


def test_targets_and_the_city_target(fangchenggang, clerk, shangsi_official, api_as):
    for name, wan in (("上思县", 200), ("东兴市", 300)):
        region = Region.objects.get(city=fangchenggang, name=name)
        RegionTarget.objects.create(region=region, year=2021, target_usd=wan * WAN)
    CityTarget.objects.update_or_create(
        city=fangchenggang,
        year=2021,
        defaults={"target_usd": 7000 * WAN, "growth_target": Decimal("0.2")},
    )
    targets = api_as(clerk).json("/api/v1/targets/", {"city": "450600", "year": 2021})
    assert [(t["region"], t["target_usd"]) for t in targets["results"]] == [
        ("450621", "2000000.00"),
        ("450681", "3000000.00"),
    ]
    own = api_as(shangsi_official).json("/api/v1/targets/", {"year": 2021})["results"]
    assert [t["region"] for t in own] == ["450621"]
    city = api_as(clerk).json("/api/v1/city-targets/", {"city": "450600", "year": 2021})
    assert city["results"] == [
        {"city": "450600", "year": 2021, "target_usd": "70000000.00", "growth_target": "0.2000"}
    ]


def test_a_draft_notice_is_listed_to_nobody_not_even_staff(
    fangchenggang, figures, clerk, superuser, api_as
):
    draft = Notice.objects.create(city=fangchenggang, year=2021, month=2)
    for user in (clerk, superuser):
        client = api_as(user)
        assert client.json("/api/v1/notices/")["count"] == 0
        assert client.get(f"/api/v1/notices/{draft.pk}/").status_code == 404


def test_assessments_are_the_issued_ones(fangchenggang, clerk, api_as):
    AnnualAssessment.objects.create(city=fangchenggang, year=2020)
    issued = AnnualAssessment.objects.create(
        city=fangchenggang,
        year=2021,
        status=AnnualAssessment.Status.ISSUED,
        issued_at=timezone.now(),
        snapshot={
            "version": 1,
            "city": "450600",
            "year": 2021,
            "regions": [
                {
                    "code": "450621",
                    "name": "上思县",
                    "score": "91.50",
                    "rank": 1,
                    "vetoed": False,
                    "indicators": [
                        {
                            "code": "a",
                            "name": "完成率",
                            "method": "m",
                            "value": "1.0",
                            "points": "91.50",
                        }
                    ],
                }
            ],
        },
    )
    rows = api_as(clerk).json("/api/v1/assessments/")["results"]
    assert [(a["id"], a["year"]) for a in rows] == [(issued.pk, 2021)]
    assert rows[0]["rows"][0]["region"] == "450621"
    assert rows[0]["rows"][0]["score"] == "91.50"


def test_interviews_are_scoped_to_the_reader_s_city(fangchenggang, clerk, wuwei_clerk, api_as):
    Interview.objects.create(
        city=fangchenggang,
        region=Region.objects.get(admin_code="450621"),
        year=2021,
        quarter=2,
        completion=Decimal("0.3"),
        required=Decimal("0.5"),
        rank=4,
        ranked_count=4,
        shortfall_usd=Decimal("400000.00"),
    )
    rows = api_as(clerk).json("/api/v1/interviews/", {"year": 2021, "quarter": 2})["results"]
    assert [(i["region"], i["completion"], i["required_share"]) for i in rows] == [
        ("450621", "0.3000", "0.5000")
    ]
    assert api_as(wuwei_clerk).json("/api/v1/interviews/")["count"] == 0


def test_a_county_official_reads_their_own_region_s_projects_with_arrivals(
    fangchenggang, shangsi_official, clerk, investment_officer, api_as
):
    own = make_project(fangchenggang, "上思县", name="上思项目", stage="signed",
                       signed_on=dt.date(2021, 3, 1))  # fmt: skip
    Arrival.objects.create(project=own, year=2021, month=4, amount_usd=Decimal("50000.00"))
    make_project(fangchenggang, "东兴市", name="东兴项目")
    rows = api_as(shangsi_official).json("/api/v1/projects/")["results"]
    assert [(p["name"], p["region"], p["stage"]) for p in rows] == [
        ("上思项目", "450621", "signed")
    ]
    assert rows[0]["arrivals"] == [{"year": 2021, "month": 4, "amount_usd": "50000.00"}]
    assert api_as(clerk).json("/api/v1/projects/")["count"] == 2
    assert api_as(investment_officer).json("/api/v1/projects/")["count"] == 2
    other = api_as(shangsi_official).get(f"/api/v1/projects/{rows[0]['id'] + 1}/")
    assert other.status_code == 404


@pytest.fixture
def plan_with_report(fangchenggang, clerk) -> Plan:
    plan = Plan.objects.filter(city=fangchenggang).first()
    task = Task.objects.filter(plan=plan, assignments__department__isnull=False).first()
    ProgressReport.objects.create(
        task=task,
        department=Assignment.objects.filter(task=task).exclude(department=None).first().department,
        year=2021,
        quarter=1,
        status="done",
        narrative="已完成",
        submitted_by=clerk,
    )
    return plan


def test_a_plan_lists_its_tasks_and_their_progress_to_the_overview_readers(
    plan_with_report, leader, shangsi_official, api_as
):
    url = f"/api/v1/plans/{plan_with_report.pk}/"
    plan = api_as(leader).json(url)
    assert len(plan["tasks"]) == plan_with_report.tasks.count()
    reports = [r for task in plan["tasks"] for r in task["reports"]]
    assert [(r["status"], r["narrative"]) for r in reports] == [("done", "已完成")]
    # A county official reads the plan and its tasks, not the units' progress (as on the page).
    plan = api_as(shangsi_official).json(url)
    assert len(plan["tasks"]) == plan_with_report.tasks.count()
    assert [r for task in plan["tasks"] for r in task["reports"]] == []


def test_lists_are_paginated_in_a_stable_order(figures, clerk, api_as):
    client = api_as(clerk)
    params = {"city": "450600", "year": 2021, "page_size": 3}
    first = client.json(FIGURES, params)
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 8
    assert first["previous"] is None
    second = client.json(first["next"])
    third = client.json(second["next"])
    assert third["next"] is None
    seen = [(r["region"], r["month"]) for page in (first, second, third) for r in page["results"]]
    assert seen == [(code, month) for code in FCG.values() for month in (1, 2)]


def test_a_long_list_reads_in_a_fixed_number_of_queries(
    fangchenggang, clerk, api_as, django_assert_max_num_queries
):
    for name in FCG:
        for month in range(1, 13):
            figure(name, month, month)
    client = api_as(clerk)
    # Token (1) and its last use (1), the page's count and rows (2), the audit event (1),
    # the user's membership for the role check and the audit (≤ 2).
    with django_assert_max_num_queries(8):
        rows = client.json(FIGURES, {"city": "450600", "year": 2021})
    assert rows["count"] == 48


def test_projects_notices_and_a_plan_read_in_a_fixed_number_of_queries(
    fangchenggang, clerk, api_as, django_assert_max_num_queries
):
    for number in range(30):
        project = make_project(fangchenggang, "上思县", name=f"项目{number}")
        for month in (1, 2, 3):
            Arrival.objects.create(project=project, year=2021, month=month, amount_usd=1)
    for month in range(1, 13):
        Notice.objects.create(
            city=fangchenggang,
            year=2021,
            month=month,
            status=Notice.Status.ISSUED,
            snapshot={
                "notice": {
                    "required_share": "0.5000",
                    "city_total": {
                        "target_usd": None,
                        "ytd_usd": "0.00",
                        "ytd_last_year_usd": "0.00",
                        "completion": None,
                        "yoy_growth": None,
                        "growth_target": None,
                    },
                    "regions": [],
                }
            },
        )
    plan = Plan.objects.filter(city=fangchenggang).first()
    client = api_as(clerk)
    # Token, its last use, the membership, the audit event; then each list's count and rows,
    # and one query per prefetched relation (arrivals; a plan's tasks, units and reports).
    with django_assert_max_num_queries(9):
        assert client.json("/api/v1/projects/")["count"] == 30
    with django_assert_max_num_queries(8):
        assert client.json("/api/v1/notices/")["count"] == 12
    with django_assert_max_num_queries(10):
        assert client.json(f"/api/v1/plans/{plan.pk}/")["tasks"]
