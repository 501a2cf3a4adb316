"""The year-end projection (预计): at the pace so far and at last year's seasonal pattern,
every value worked out by hand (amounts in 万, as plain Decimals)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.calculations import project_at_pace, project_seasonal
from assessments.issuing import issue_notice
from assessments.models import MonthlyFigure
from tests.assessments import test_notices

D = Decimal


def test_at_the_pace_so_far_600_by_june_ends_the_year_at_1200():
    p = project_at_pace(dict.fromkeys(range(1, 7), D(100)), 6, D(1000))
    # 600 ÷ 6 × 12 = 1200; 1200 ÷ 1000 = 120 %; 1000 − 1200 = −200 (above the target)
    assert (p.method, p.ytd, p.projected) == ("pace", D(600), D(1200))
    assert (p.completion, p.gap, p.will_meet) == (D("1.2"), D(-200), True)
    assert p.missing_months == ()


def test_missing_months_count_as_nothing_and_are_named():
    p = project_at_pace({1: D(50), 3: D(50)}, 6, D(600))
    # 100 ÷ 6 × 12 = 200; 200 ÷ 600 = 1/3; 600 − 200 = 400 short
    assert p.projected == D(200)
    assert p.completion == D(1) / D(3)
    assert (p.gap, p.will_meet) == (D(400), False)
    assert p.missing_months == (2, 4, 5, 6)


def test_months_after_the_notice_month_are_ignored():
    p = project_at_pace({1: D(30), 2: D(30), 3: D(9999)}, 2, None)
    # 60 ÷ 2 × 12 = 360; no target: nothing to compare with
    assert p.projected == D(360)
    assert (p.completion, p.gap, p.will_meet) == (None, None, None)


def test_at_last_years_pattern_a_slow_first_half_is_scaled_up():
    last_year = {**dict.fromkeys(range(1, 7), D(50)), **dict.fromkeys(range(7, 12), D(100))}
    last_year[12] = D(200)
    # last year: 300 by June of 300 + 500 + 200 = 1000 → share 0.3; 600 ÷ 0.3 = 2000
    p = project_seasonal(dict.fromkeys(range(1, 7), D(100)), 6, last_year, D(1000))
    assert (p.method, p.last_year_share, p.projected) == ("seasonal", D("0.3"), D(2000))
    assert (p.completion, p.gap, p.will_meet) == (D(2), D(-1000), True)


def test_nothing_last_year_gives_no_seasonal_estimate():
    p = project_seasonal({1: D(100)}, 1, {}, D(1000))
    assert (p.projected, p.completion, p.gap, p.will_meet) == (None, None, None, None)
    assert p.last_year_share is None
    assert p.missing_months_last_year == tuple(range(1, 13))
    zeros = project_seasonal({1: D(100)}, 1, dict.fromkeys(range(1, 13), D(0)), D(1000))
    assert zeros.projected is None


def test_last_year_with_nothing_in_the_same_months_gives_no_seasonal_estimate():
    # 0 by June last year (all 500 in December): 600 ÷ 0 has no meaning
    p = project_seasonal(dict.fromkeys(range(1, 7), D(100)), 6, {12: D(500)}, D(1000))
    assert p.projected is None


def test_last_years_missing_months_count_as_nothing_and_are_named():
    # last year 100 in January and 300 in December only: share by June 100 ÷ 400 = 0.25;
    # 600 ÷ 0.25 = 2400
    p = project_seasonal(dict.fromkeys(range(1, 7), D(100)), 6, {1: D(100), 12: D(300)}, D(3000))
    assert (p.last_year_share, p.projected) == (D("0.25"), D(2400))
    assert (p.gap, p.will_meet) == (D(600), False)
    assert p.missing_months_last_year == tuple(range(2, 12))


def test_nothing_so_far_this_year_projects_nothing():
    p = project_seasonal({}, 3, dict.fromkeys(range(1, 13), D(10)), D(100))
    # 0 ÷ (30 ÷ 120) = 0; 100 short
    assert (p.projected, p.gap, p.will_meet) == (D(0), D(100), False)
    assert p.missing_months == (1, 2, 3)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        project_at_pace({1: 100.0}, 1, D(1000))


# --- on the notice page: the June 2021 figures of test_notices.py ---------------------------

june = test_notices.june


def test_the_notice_page_shows_the_estimate_apart_from_the_issued_table(
    june, clerk, client, django_assert_max_num_queries
):
    issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    # A figure stored after the notice was issued moves the estimate, not the notice.
    MonthlyFigure.objects.filter(region__name="上思县", year=2021, month=1).update(
        amount_usd=D(1100000)
    )
    client.force_login(clerk)
    url = reverse("assessments:notice_detail", args=["450600", 2021, 6])
    with django_assert_max_num_queries(30):
        page = client.get(url)
    outlook = page.context["outlook"]
    gangkou = outlook.region("450602")
    # 港口区: 600万 by June → 1200万 at that pace, 120 % of 1000万; last year 50万 a month in
    # Jan–Jun only: the same months are its whole year → share 1 → 600万, 60 %.
    assert (gangkou.pace.projected, gangkou.pace.completion) == (D(12000000), D("1.2"))
    assert (gangkou.seasonal.projected, gangkou.seasonal.completion) == (D(6000000), D("0.6"))
    # 上思县 now 110 + 50 = 160万 → 320万 at that pace, 320 / 600 = 53.33 %; last year 25万
    # in January only: share 1 → 160万. The issued table keeps 100万.
    shangsi = outlook.region("450621")
    assert shangsi.pace.projected == D(3200000)
    assert shangsi.seasonal.projected == D(1600000)
    assert page.context["report"].row("450621").ytd_usd == D(1000000)
    # 防城区: nothing last year → no seasonal estimate
    assert outlook.region("450603").seasonal.projected is None
    # 全市: 600 + 400 + 160 + 30 = 1190万 → 2380万, 2380 / 7000 = 34 %
    assert (outlook.city.pace.projected, outlook.city.pace.completion) == (
        D(23800000),
        D("0.34"),
    )
    html = page.content.decode()
    assert 'data-testid="year-end-outlook"' in html
    assert "34.00%" in html
