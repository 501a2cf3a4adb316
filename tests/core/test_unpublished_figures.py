"""What a county official sees of the other regions before the month's notice is issued
(settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS): "own" — their own figures as they stand and
the others as the last issued notice published them; "all" — the live ranking. Staff always
see the live ranking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.issuing import issue_notice
from assessments.models import MonthlyFigure, RegionTarget
from fdi_portal.models import Region

pytestmark = pytest.mark.django_db


def figures(city, name: str, amounts: dict[int, str], target: str) -> None:
    region = Region.objects.get(city=city, name=name)
    RegionTarget.objects.create(region=region, year=2021, target_usd=Decimal(target))
    for month, usd in amounts.items():
        MonthlyFigure.objects.create(region=region, year=2021, month=month, amount_usd=usd)


@pytest.fixture
def may_issued(fangchenggang, clerk):
    """Figures January to June 2021; the May notice is issued, June's is not.

    港口区 100万 a month, target 1000万; 防城区 80万 a month, target 800万; 上思县 50万 in
    January and 50万 in June (ytd May 50万, June 100万), target 600万.
    """
    figures(fangchenggang, "港口区", dict.fromkeys(range(1, 7), "1000000"), "10000000")
    figures(fangchenggang, "防城区", dict.fromkeys(range(1, 7), "800000"), "8000000")
    figures(fangchenggang, "上思县", {1: "500000", 6: "500000"}, "6000000")
    issue_notice(city=fangchenggang, year=2021, month=5, issued_on=dt.date(2021, 6, 5), user=clerk)
    return fangchenggang


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_with_own_a_county_official_sees_their_figures_live_and_the_others_as_issued(
    client, settings, may_issued, shangsi_official
):
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "own"
    response = home(client, shangsi_official)
    page = response.context["region_page"]

    # Their own June figures as they stand: 50万 + 50万.
    assert page.row.ytd_usd == Decimal("1000000")
    # No June rank and nobody "just above": those come from the others' unpublished figures.
    assert (page.row.rank, page.above, page.to_draw_level_usd) == (None, None, None)
    # The city's ranking is the May notice's.
    assert page.report.month == 5
    assert response.context["ranking"].month == 5
    assert [h.rank is None for h in page.history] == [False] * 5 + [True]
    assert b'data-testid="published-ranking"' in response.content


def test_with_all_a_county_official_sees_the_live_ranking(
    client, settings, may_issued, shangsi_official
):
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "all"
    page = home(client, shangsi_official).context["region_page"]
    assert page.report.month == 6
    # June: 港口区 600万/1000万 = 60%, 防城区 480万/800万 = 60%, 上思县 100万/600万 ≈ 16.7%: last.
    assert page.row.rank == 3
    assert page.above is not None


def test_staff_see_the_live_ranking_whatever_the_setting(client, settings, may_issued, clerk):
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "own"
    assert home(client, clerk).context["ranking"].month == 6


def test_the_notices_page_follows_the_setting(client, settings, may_issued, shangsi_official):
    client.force_login(shangsi_official)
    url = reverse("assessments:notice_list", args=["450600"])
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "own"
    assert client.get(url).context["ranking"].month == 5
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "all"
    assert client.get(url).context["ranking"].month == 6


def test_before_the_first_notice_a_county_official_sees_no_ranking_with_own(
    client, settings, fangchenggang, shangsi_official
):
    figures(fangchenggang, "港口区", {1: "1000000"}, "10000000")
    figures(fangchenggang, "上思县", {1: "500000"}, "6000000")
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "own"
    response = home(client, shangsi_official)
    page = response.context["region_page"]
    assert page.report is None
    assert page.row.ytd_usd == Decimal("500000")
    client.cookies["django_language"] = "en"
    assert "published with the year" in home(client, shangsi_official).content.decode()


def test_an_issued_month_is_shown_as_it_is(client, settings, may_issued, shangsi_official):
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "own"
    client.force_login(shangsi_official)
    page = client.get(reverse("home"), {"year": 2021, "month": 5}).context["region_page"]
    # May is published: 港口区 50%, 防城区 50%, 上思县 50万/600万: third.
    assert (page.report.month, page.row.rank) == (5, 3)


@pytest.fixture
def may_corrected(may_issued):
    """After the May notice is issued, 港口区's May is corrected from 100万 to 130万: its
    January–May becomes 530万 (53 %) against 500万 (50 %) as issued."""
    MonthlyFigure.objects.filter(region__name="港口区", year=2021, month=5).update(
        amount_usd=Decimal("1300000")
    )
    return may_issued


def test_after_a_correction_every_page_a_county_official_sees_tells_the_issued_story(
    client, settings, may_corrected, shangsi_official
):
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "own"
    client.force_login(shangsi_official)
    client.cookies["django_language"] = "en"

    # Home, May picked: the issued notice's figures, labelled as issued, with the note.
    response = client.get(reverse("home"), {"year": 2021, "month": 5})
    page = response.context["region_page"]
    port = page.report.row("450602")
    assert port.ytd_usd == Decimal("5000000.00")  # as issued, not 530万
    assert response.context["published_notice"] is not None
    assert page.correction_pending is True
    html = response.content.decode()
    assert 'data-testid="published-ranking"' in html
    assert 'data-testid="correction-pending"' in html
    assert "Not an issued notice" not in html
    # 上思县 as issued: third of three (50 %, 50 %, 8.33 %).
    assert page.row.rank == 3

    # The notices page: the same figures and the same note.
    url = reverse("assessments:notice_list", args=["450600"])
    # June is in (not issued): the others' figures as the May notice published them.
    listing = client.get(url)
    assert listing.context["ranking"].row("450602").ytd_usd == Decimal("5000000.00")

    # The notice page: as issued, a note, and no other region's change.
    notice = client.get(reverse("assessments:notice_detail", args=["450600", 2021, 5]))
    html = notice.content.decode()
    assert 'data-testid="revisions"' not in html
    assert 'data-testid="correction-pending"' in html


def test_the_notices_page_says_a_correction_waits_when_the_last_month_is_the_issued_one(
    client, settings, may_corrected, shangsi_official
):
    MonthlyFigure.objects.filter(year=2021, month=6).delete()  # May is the last month in
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "own"
    client.force_login(shangsi_official)
    response = client.get(reverse("assessments:notice_list", args=["450600"]))
    assert response.context["ranking"].row("450602").ytd_usd == Decimal("5000000.00")
    assert response.context["correction_pending"] is True
    assert 'data-testid="correction-pending"' in response.content.decode()
    home_page = client.get(reverse("home"))
    assert home_page.context["region_page"].report.row("450602").ytd_usd == Decimal("5000000.00")
    assert 'data-testid="correction-pending"' in home_page.content.decode()


def test_staff_see_the_correction_itself_on_the_notice(client, may_corrected, clerk):
    client.force_login(clerk)
    notice = client.get(reverse("assessments:notice_detail", args=["450600", 2021, 5]))
    revisions = notice.context["revisions"]
    assert {(r.name, r.field, r.delta_usd) for r in revisions if r.name} == {
        ("港口区", "month_usd", Decimal("300000.00")),
        ("港口区", "ytd_usd", Decimal("300000.00")),
    }
    assert 'data-testid="revisions"' in notice.content.decode()
