"""月通报、季约谈: the loader, the monthly notice (draft → issued, frozen), its JSON, page, print
view and xlsx, the quarterly interview list — on hand-worked June 2021 figures of 防城港."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.issuing import issue_notice, record_interview
from assessments.models import Interview, MonthlyFigure, Notice, RegionTarget
from assessments.pages import draft_snapshot, quarterly_review, quarterly_review_json
from fdi_portal.models import Region


def region(name: str) -> Region:
    return Region.objects.get(name=name)


def figures(name: str, year: int, amounts: dict[int, str]) -> None:
    for month, usd in amounts.items():
        MonthlyFigure.objects.create(
            region=region(name), year=year, month=month, amount_usd=Decimal(usd)
        )


def target(name: str, usd: str, year: int = 2021) -> None:
    RegionTarget.objects.create(region=region(name), year=year, target_usd=Decimal(usd))


@pytest.fixture
def june(fangchenggang):
    """June 2021, required progress 6/12 = 50%. City target (seed) 7000万, growth +20%.

    港口区 target 1000万: 100万 a month → ytd 600万 (60%); last year 50万 a month → 300万.
    防城区 target 800万: 80万 Jan–May, 0 in June → ytd 400万 = exactly 50%; no figure last year.
    上思县 target 600万: 50万 in Jan and Mar only → ytd 100万 (16.67%); last year 25万 in Jan.
    东兴市 no target: 30万 in June.
    """
    target("港口区", "10000000")
    target("防城区", "8000000")
    target("上思县", "6000000")
    figures("港口区", 2021, dict.fromkeys(range(1, 7), "1000000"))
    figures("港口区", 2020, dict.fromkeys(range(1, 7), "500000"))
    figures("防城区", 2021, {**dict.fromkeys(range(1, 6), "800000"), 6: "0"})
    figures("上思县", 2021, {1: "500000", 3: "500000"})
    figures("上思县", 2020, {1: "250000"})
    figures("东兴市", 2021, {6: "300000"})
    # After the notice month: ignored.
    figures("港口区", 2021, {7: "9999999"})
    return fangchenggang


def test_the_monthly_notice_json_is_exactly_the_hand_worked_figures(june, capsys):
    call_command("monthly_notice", city="450600", year=2021, month=6)
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "city": "450600",
        "year": 2021,
        "month": 6,
        "required_share": "0.5000",
        "regions": [
            {
                "code": "450602",
                "name": "港口区",
                "target_usd": "10000000.00",
                "month_usd": "1000000.00",
                "ytd_usd": "6000000.00",
                "ytd_last_year_usd": "3000000.00",
                "completion": "0.6000",
                "on_track": True,
                "shortfall_usd": "0.00",
                # (600 − 300) / 300 = 1
                "yoy_growth": "1.0000",
                "rank": 1,
                # (1000 − 600) / 6 remaining months = 66.666… 万
                "catch_up_monthly_usd": "666666.67",
            },
            {
                # Exactly on schedule: 400 / 800 = 50% is on track, nothing short.
                "code": "450603",
                "name": "防城区",
                "target_usd": "8000000.00",
                "month_usd": "0.00",
                "ytd_usd": "4000000.00",
                "ytd_last_year_usd": "0.00",
                "completion": "0.5000",
                "on_track": True,
                "shortfall_usd": "0.00",
                # Nothing last year: growth undefined.
                "yoy_growth": None,
                "rank": 2,
                "catch_up_monthly_usd": "666666.67",
            },
            {
                # Missing months count as 0: 50 + 50 = 100万 of 600万 = 16.666…%.
                "code": "450621",
                "name": "上思县",
                "target_usd": "6000000.00",
                "month_usd": None,
                "ytd_usd": "1000000.00",
                "ytd_last_year_usd": "250000.00",
                "completion": "0.1667",
                "on_track": False,
                # 600 × 50% − 100 = 200万
                "shortfall_usd": "2000000.00",
                # (100 − 25) / 25 = 3
                "yoy_growth": "3.0000",
                "rank": 3,
                # (600 − 100) / 6 = 83.333… 万
                "catch_up_monthly_usd": "833333.33",
            },
            {
                # No target: listed, not ranked.
                "code": "450681",
                "name": "东兴市",
                "target_usd": None,
                "month_usd": "300000.00",
                "ytd_usd": "300000.00",
                "ytd_last_year_usd": "0.00",
                "completion": None,
                "on_track": None,
                "shortfall_usd": None,
                "yoy_growth": None,
                "rank": None,
                "catch_up_monthly_usd": None,
            },
        ],
        "city_total": {
            "target_usd": "70000000.00",
            # 600 + 400 + 100 + 30 = 1130万; last year 300 + 25 = 325万
            "ytd_usd": "11300000.00",
            "ytd_last_year_usd": "3250000.00",
            # 1130 / 7000 = 0.161428…
            "completion": "0.1614",
            # (1130 − 325) / 325 = 2.476923…
            "yoy_growth": "2.4769",
            "growth_target": "0.2000",
        },
    }


def test_missing_months_are_reported_with_the_row(june):
    details = draft_snapshot(june, 2021, 6)["details"]["regions"]
    assert details["450621"]["missing_months"] == [2, 4, 5, 6]
    assert details["450602"]["missing_months"] == []


def test_issuing_freezes_the_notice_and_a_later_correction_shows_as_a_revision(june, clerk, client):
    client.force_login(clerk)
    url = reverse("assessments:notice_issue", args=["450600", 2021, 6])
    response = client.post(url, {"sequence": "6", "issued_on": "2021-07-05"})
    assert response.status_code == 302
    notice = Notice.objects.get(city=june, year=2021, month=6)
    assert (notice.status, notice.number, notice.issued_on) == (
        "issued",
        "〔2021〕第6期",
        dt.date(2021, 7, 5),
    )
    frozen = json.dumps(notice.snapshot, sort_keys=True)

    # A correction of 港口区's June figure: 100万 → 150万.
    figure = MonthlyFigure.objects.get(region=region("港口区"), year=2021, month=6)
    figure.amount_usd = Decimal("1500000")
    figure.save()

    notice.refresh_from_db()
    assert json.dumps(notice.snapshot, sort_keys=True) == frozen
    assert notice.snapshot["notice"]["regions"][0]["ytd_usd"] == "6000000.00"
    page = client.get(reverse("assessments:notice_detail", args=["450600", 2021, 6]))
    revisions = page.context["revisions"]
    changed = {(r.name, r.field): (r.old_usd, r.new_usd, r.delta_usd) for r in revisions}
    assert changed[("港口区", "month_usd")] == (
        Decimal("1000000.00"),
        Decimal("1500000.00"),
        Decimal("500000.00"),
    )
    assert changed[("港口区", "ytd_usd")][2] == Decimal("500000.00")
    assert changed[("", "ytd_usd")] == (
        Decimal("11300000.00"),
        Decimal("11800000.00"),
        Decimal("500000.00"),
    )
    content = page.content.decode()
    assert "〔2021〕第6期" in content
    # The table still shows the issued 600.00万 year to date for 港口区, not 650.00.
    assert page.context["report"].rows[0].ytd_usd == Decimal("6000000.00")


def test_an_issued_notice_cannot_be_issued_again_nor_its_number_reused(june, clerk):
    issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    with pytest.raises(ValidationError):
        issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 6), user=clerk)
    with pytest.raises(ValidationError):
        issue_notice(
            city=june, year=2021, month=5, issued_on=dt.date(2021, 7, 6), user=clerk, sequence=1
        )
    # The first notice of the year without a number given is 第1期; May gets 第2期.
    may = issue_notice(city=june, year=2021, month=5, issued_on=dt.date(2021, 7, 6), user=clerk)
    assert may.number == "〔2021〕第2期"


@pytest.mark.parametrize(
    ("issued_on", "why"),
    [
        (dt.date(1900, 1, 1), "long before the month"),
        (dt.date(2021, 6, 29), "before the month is over"),
        (dt.date(2099, 7, 5), "in the future"),
    ],
)
def test_a_notice_is_dated_between_its_months_end_and_today(june, clerk, client, issued_on, why):
    with pytest.raises(ValidationError, match="2021-06-30"):
        issue_notice(city=june, year=2021, month=6, issued_on=issued_on, user=clerk)
    client.force_login(clerk)
    url = reverse("assessments:notice_issue", args=["450600", 2021, 6])
    client.post(url, {"sequence": "6", "issued_on": issued_on.isoformat()})
    assert not Notice.objects.filter(status="issued").exists(), why
    # The month's last day is the first possible date.
    notice = issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 6, 30), user=clerk)
    assert notice.issued_on == dt.date(2021, 6, 30)


def test_a_month_without_any_figure_cannot_be_issued(june, clerk):
    with pytest.raises(ValidationError):
        issue_notice(city=june, year=2021, month=8, issued_on=dt.date(2021, 9, 5), user=clerk)
    assert not Notice.objects.filter(status="issued").exists()


def test_the_notice_page_opens_with_the_generated_summary(june, clerk, client):
    client.force_login(clerk)
    page = client.get(reverse("assessments:notice_detail", args=["450600", 2021, 6]))
    assert page.status_code == 200
    summary = page.context["summary"]
    assert "1,130.00" in summary  # 全市 1130万美元
    assert "16.14%" in summary  # of the annual target
    assert "247.69%" in summary  # year on year
    assert "上思县" in summary  # behind schedule
    assert page.context["form"].initial["sequence"] == 1


def test_a_county_official_sees_issued_notices_and_the_ranking_but_not_drafts(
    june, clerk, shangsi_official, client, settings
):
    # The live ranking for county officials (tests/core/test_unpublished_figures.py: "own").
    settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "all"
    client.force_login(shangsi_official)
    detail = reverse("assessments:notice_detail", args=["450600", 2021, 6])
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("assessments:notice_export", args=["450600", 2021, 6])).status_code
        == 404
    )
    listing = client.get(reverse("assessments:notice_list", args=["450600"]) + "?year=2021")
    assert listing.status_code == 200
    assert all(not m["draftable"] for m in listing.context["months"])
    ranking = {row.name: row.rank for row in listing.context["ranking"].rows}
    assert ranking["上思县"] == 3

    issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    assert client.get(detail).status_code == 200


def test_the_xlsx_export_holds_the_table_in_wan(june, clerk, client):
    client.force_login(clerk)
    response = client.get(reverse("assessments:notice_export", args=["450600", 2021, 6]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "通报" in rows[0][0]
    header = rows[1]
    first = dict(zip(header, rows[2], strict=True))
    assert first["地区"] == "港口区"
    assert first["排名"] == 1
    assert Decimal(str(first["1-6月累计（万美元）"])) == Decimal("600")
    assert Decimal(str(first["完成年度目标（%）"])) == Decimal("60")
    assert rows[-1][1] == "全市"


def _extra_regions(city, count: int) -> None:
    for i in range(count):
        extra = Region.objects.create(
            city=city,
            name=f"测试区{i}",
            kind="district",
            admin_code=f"99{i:04d}",
            assessed=True,
        )
        RegionTarget.objects.create(region=extra, year=2021, target_usd=Decimal("1000000"))
        for month in range(1, 7):
            MonthlyFigure.objects.create(
                region=extra, year=2021, month=month, amount_usd=Decimal(10000 * (i + month))
            )
            MonthlyFigure.objects.create(
                region=extra, year=2020, month=month, amount_usd=Decimal(9000)
            )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["notice_detail", "notice_export"])
def test_the_notice_query_count_is_the_same_for_4_and_for_40_regions(
    june, clerk, client, django_assert_max_num_queries, name
):
    client.force_login(clerk)
    url = reverse(f"assessments:{name}", args=["450600", 2021, 6])
    small = _count(client, url)
    _extra_regions(june, 36)
    assert Region.objects.in_city(june).assessed().count() == 40
    assert _count(client, url) == small
    with django_assert_max_num_queries(15):
        client.get(url)


def test_the_notice_list_query_count_does_not_grow_with_regions(june, clerk, client):
    client.force_login(clerk)
    url = reverse("assessments:notice_list", args=["450600"]) + "?year=2021"
    small = _count(client, url)
    _extra_regions(june, 36)
    assert _count(client, url) == small


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("quarterly_review", ["450600", 2021, 2]),
        ("plan_goals", ["450600", 2021]),
        ("assessment_detail", ["450600", 2021]),
    ],
)
def test_the_review_goal_and_assessment_pages_do_not_grow_with_regions(
    june, clerk, client, name, args
):
    client.force_login(clerk)
    url = reverse(f"assessments:{name}", args=args)
    small = _count(client, url)
    _extra_regions(june, 36)
    assert _count(client, url) == small


def test_the_staff_home_page_does_not_grow_with_regions(june, clerk, client):
    client.force_login(clerk)
    small = _count(client, reverse("home"))
    _extra_regions(june, 36)
    assert _count(client, reverse("home")) == small


# --------------------------------------------------------------------------- 季约谈


def test_at_a_quarter_end_the_last_ranked_region_behind_schedule_is_interviewed(june, clerk):
    notice = issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    interview = Interview.objects.get()
    assert (interview.region.name, interview.quarter, interview.rank, interview.notice) == (
        "上思县",
        2,
        3,
        notice,
    )
    assert interview.completion == Decimal("0.1667")
    data = quarterly_review_json(june, quarterly_review(june, 2021, 2, drafts=True))
    assert data["issued"] is True
    assert [(i["name"], i["rank"], i["completion"]) for i in data["interviews"]] == [
        ("上思县", 3, "0.1667")
    ]
    assert "16.67%" in data["interviews"][0]["reason"]
    assert "50.00%" in data["interviews"][0]["reason"]


def test_two_regions_tied_last_and_behind_are_both_interviewed(fangchenggang):
    # 上思县 100 of 100 = 100%; 港口区 and 防城区 200 of 1000 = 20% each: tied last, behind 50%.
    target("上思县", "1000000")
    target("港口区", "10000000")
    target("防城区", "10000000")
    figures("上思县", 2021, {6: "1000000"})
    figures("港口区", 2021, {6: "2000000"})
    figures("防城区", 2021, {6: "2000000"})
    data = quarterly_review_json(
        fangchenggang, quarterly_review(fangchenggang, 2021, 2, drafts=True)
    )
    assert data["issued"] is False
    assert [(i["name"], i["rank"]) for i in data["interviews"]] == [("港口区", 2), ("防城区", 2)]


def test_ties_at_the_top_share_rank_one_and_the_next_rank_skips(fangchenggang):
    target("上思县", "1000000")
    target("港口区", "10000000")
    target("防城区", "10000000")
    figures("上思县", 2021, {6: "200000"})  # 20%
    figures("港口区", 2021, {6: "6000000"})  # 60%
    figures("防城区", 2021, {6: "6000000"})  # 60%
    rows = draft_snapshot(fangchenggang, 2021, 6)["notice"]["regions"]
    assert [(r["name"], r["rank"]) for r in rows[:3]] == [
        ("港口区", 1),
        ("防城区", 1),
        ("上思县", 3),
    ]


def test_nobody_is_interviewed_when_the_last_ranked_region_is_on_track(fangchenggang, capsys):
    target("上思县", "1000000")
    target("港口区", "10000000")
    figures("上思县", 2021, {3: "300000"})  # 30% ≥ 25% (3/12)
    figures("港口区", 2021, {3: "5000000"})  # 50%
    call_command("quarterly_review", city="450600", year=2021, quarter=1)
    data = json.loads(capsys.readouterr().out)
    assert data["interviews"] == []
    assert data["decision"] == "last_ranked_on_track"


def test_staff_record_when_the_interview_was_held_and_its_notes(june, clerk, client):
    issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    interview = Interview.objects.get()
    client.force_login(clerk)
    url = reverse("assessments:interview_record", args=["450600", interview.pk])
    client.post(
        url,
        {
            "held_on": "2021-07-12",
            "participants": "分管副市长；上思县县长",
            "notes": "分管副市长约谈上思县政府",
        },
    )
    interview.refresh_from_db()
    assert (interview.status, interview.held_on, interview.recorded_by) == (
        "held",
        dt.date(2021, 7, 12),
        clerk,
    )
    assert interview.participants == "分管副市长；上思县县长"
    page = client.get(reverse("assessments:quarterly_review", args=["450600", 2021, 2]))
    assert "分管副市长约谈上思县政府" in page.content.decode()
    assert "分管副市长；上思县县长" in page.content.decode()


def test_an_official_cannot_record_an_interview(june, clerk, shangsi_official, client):
    issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    interview = Interview.objects.get()
    client.force_login(shangsi_official)
    url = reverse("assessments:interview_record", args=["450600", interview.pk])
    assert client.post(url, {"held_on": "2021-07-12", "notes": "x"}).status_code == 403
    interview.refresh_from_db()
    assert interview.held_on is None


def test_recording_an_interview_before_its_year_is_refused(june, clerk):
    issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    with pytest.raises(ValidationError):
        record_interview(
            interview=Interview.objects.get(), held_on=dt.date(2020, 1, 1), notes="", user=clerk
        )


def test_the_xlsx_export_prints_percentages_at_the_notices_places(june, clerk, client, settings):
    def percentages(places: int) -> list[Decimal]:
        settings.NOTICE_PERCENT_PLACES = places
        response = client.get(reverse("assessments:notice_export", args=["450600", 2021, 6]))
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        header = rows[1]
        columns = [i for i, name in enumerate(header) if name and "（%）" in name]
        return [Decimal(str(row[i])) for row in rows[2:] for i in columns if row[i] is not None]

    client.force_login(clerk)
    two, one = percentages(2), percentages(1)
    assert all(value == value.quantize(Decimal("0.1")) for value in one)
    assert one == [value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) for value in two]
    assert one != two  # the data has a percentage that is not whole to one place
