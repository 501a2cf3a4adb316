"""The dashboards a leader decides from and a county official works from: every figure from the
calculations (worked out by hand here), a fixed number of queries whatever the data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import MonthlyFigure, RegionTarget
from fdi_portal.models import City, Region

WAN = Decimal(10000)

# Targets and figures of 2021 in 万美元; the seed's city target is 7000万美元, +20 %.
# Through March (month/12 requires 25 %):
#   东兴市 target 2000: 200 + 200 + 200 = 600 → 30 %, rank 1 (on track)
#   港口区 target 2500: 300 + 0   + 300 = 600 → 24 %, rank 2 (behind by 25 % × 2500 − 600 = 25)
#   上思县 target  700:  50 + 50  + 40  = 140 → 20 %, rank 3 (behind by 175 − 140 = 35)
#   防城区 no target:   100                  → listed, not ranked
# 上思县 draws level with 港口区 (24 %) at 0.24 × 700 = 168: 28万 more.
# 上思县's ranks month by month: Jan 50/700 = 7.14 % vs 港口区 12 %, 东兴市 10 % → 3;
#   Feb 100/700 = 14.29 % vs 12 %, 20 % → 2; Mar 20 % vs 24 %, 30 % → 3.
# City: 600 + 600 + 140 + 100 = 1440 of 7000 = 20.57 %; required 25 % → behind.
PLAN = {
    "东兴市": ("2000", {1: "200", 2: "200", 3: "200"}),
    "港口区": ("2500", {1: "300", 3: "300"}),
    "上思县": ("700", {1: "50", 2: "50", 3: "40"}),
    "防城区": (None, {2: "100"}),
}


@pytest.fixture
def first_quarter(fangchenggang):
    for name, (target, months) in PLAN.items():
        region = Region.objects.get(city=fangchenggang, name=name)
        if target:
            RegionTarget.objects.create(region=region, year=2021, target_usd=Decimal(target) * WAN)
        for month, wan in months.items():
            MonthlyFigure.objects.create(
                region=region, year=2021, month=month, amount_usd=Decimal(wan) * WAN
            )


def test_the_leaders_home_shows_the_city_against_target_schedule_and_goals(
    first_quarter, client, leader
):
    client.force_login(leader)
    response = client.get(reverse("home"))
    dashboard = response.context["dashboard"]
    assert (dashboard.period.year, dashboard.period.month) == (2021, 3)
    report = dashboard.report
    assert report.city_ytd_usd == Decimal(1440) * WAN
    assert round(report.city_completion, 4) == Decimal("0.2057")
    assert report.city_on_track is False
    goals = {goal.metric: goal for goal in dashboard.goals}
    assert goals["utilised_fdi_usd"].status == "behind"
    assert goals["utilised_fdi_usd"].target == Decimal("70000000.00")
    # The cumulative trend: 550 in Jan, 900 in Feb, 1440 in March; the target path is 7000/12.
    assert [m.cumulative for m in dashboard.month_rows[:4]] == [
        Decimal(550) * WAN,
        Decimal(900) * WAN,
        Decimal(1440) * WAN,
        None,
    ]
    assert round(dashboard.month_rows[0].required / WAN, 2) == Decimal("583.33")
    html = response.content.decode()
    assert 'id="dashboard-data"' in html
    assert 'data-chart="trend"' in html


def test_the_period_picker_shows_an_earlier_month(first_quarter, client, clerk):
    client.force_login(clerk)
    dashboard = client.get(reverse("home") + "?year=2021&month=2").context["dashboard"]
    assert dashboard.report.month == 2
    assert dashboard.report.city_ytd_usd == Decimal(900) * WAN


def test_a_county_official_sees_what_it_takes_to_move_up(
    first_quarter, client, shangsi_official, settings
):
    # Where the bureau shares the live ranking (tests/core/test_unpublished_figures.py).
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "all"
    client.force_login(shangsi_official)
    response = client.get(reverse("home"))
    page = response.context["region_page"]
    assert page.row.rank == 3
    assert page.row.shortfall_usd == Decimal(35) * WAN
    # 700 − 140 = 560 left over 9 months.
    assert round(page.row.catch_up_monthly_usd / WAN, 4) == Decimal("62.2222")
    assert page.above.name == "港口区"
    assert page.to_draw_level_usd == Decimal(28) * WAN
    assert [(h.month, h.rank) for h in page.history] == [(1, 3), (2, 2), (3, 3)]
    # At its pace so far: 140 ÷ 3 × 12 = 560 of 700 (80 %); no last year to follow.
    (outlook,) = page.outlook.regions
    assert outlook.pace.projected == Decimal(560) * WAN
    assert outlook.pace.completion == Decimal("0.8")
    assert outlook.seasonal.projected is None
    assert 'data-testid="draw-level"' in response.content.decode()


def test_a_county_official_opens_their_own_page_and_not_anothers(
    first_quarter, client, shangsi_official
):
    client.force_login(shangsi_official)
    own = reverse("dashboards:region_page", args=["450600", "450621"])
    other = reverse("dashboards:region_page", args=["450600", "450681"])
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404


def test_the_province_view_sets_the_cities_side_by_side(first_quarter, client, province_viewer):
    client.force_login(province_viewer)
    dashboard = client.get(reverse("home") + "?year=2021").context["comparison"]["dashboard"]
    (fcg,) = [row for row in dashboard.rows if row.comparison.city.admin_code == "450600"]
    assert fcg.comparison.progress.on_track is False
    assert dashboard.charts["names"] == ["防城港市"]


def test_dashboards_make_the_same_number_of_queries_whatever_the_data(
    first_quarter, client, leader, shangsi_official, django_assert_max_num_queries
):
    from projects.models import Project

    def count(user, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    home = reverse("home")
    before = (count(leader, home), count(shangsi_official, home))
    city = City.objects.get(admin_code="450600")
    region = Region.objects.get(name="上思县")
    for name in ("港口区", "东兴市", "上思县", "防城区"):
        r = Region.objects.get(city=city, name=name)
        for month in range(4, 13):
            MonthlyFigure.objects.create(region=r, year=2020, month=month, amount_usd=WAN)
    Project.objects.bulk_create(
        Project(city=city, region=region, name=f"项目{i}", stage="signed", contracted_fdi_usd=WAN)
        for i in range(30)
    )
    assert (count(leader, home), count(shangsi_official, home)) == before


def test_a_nonsense_period_shows_the_latest_month_instead(first_quarter, client, leader):
    client.force_login(leader)
    for query in ("?year=abc&month=13", "?year=1850&month=0", "?month=-1"):
        response = client.get(reverse("home") + query)
        assert response.status_code == 200
        dashboard = response.context["dashboard"]
        assert (dashboard.period.year, dashboard.period.month) == (2021, 3)
    page = reverse("dashboards:city_dashboard", args=["450600"]) + "?year=x&month=99"
    assert client.get(page).context["dashboard"].period.month == 3


def test_an_unknown_region_code_is_a_404(first_quarter, client, leader):
    client.force_login(leader)
    assert (
        client.get(reverse("dashboards:region_page", args=["450600", "999999"])).status_code == 404
    )
    assert client.get(reverse("dashboards:region_page", args=["450600", "idx"])).status_code == 404
