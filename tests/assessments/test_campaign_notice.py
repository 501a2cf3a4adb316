"""The quarterly campaign notice (落地率、到位率 by campaign and region): drafted from the
projects, issued with its own number, frozen, revised, printed, exported and written as Word —
on Q2 2021 projects of 防城港 worked out by hand.

三企入桂, signed January to June 2021:
  A 上思县 signed 1 Feb, landed 1 May, contracted 1000万, arrived 200万 (June 2021)
  B 上思县 signed 1 Mar, not landed, contracted 500万
  E 东兴市 signed 1 Apr, landed 1 Jun, contracted 400万, arrived 100万 (May 2021)
  (F 东兴市 signed 1 Jul: after the quarter, not counted)
Total: 3 signed, 2 landed → 66.67 %; 1900万 contracted, 300万 arrived → 15.789… % → 15.79 %.
上思县: 2 signed, 1 landed → 50.00 %; 1500万, 200万 → 13.333… % → 13.33 %.
东兴市: 1 signed, 1 landed → 100.00 %; 400万, 100万 → 25.00 %.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from assessments.issuing import issue_campaign_notice
from assessments.models import Notice
from assessments.pages import campaign_notice_page
from projects.models import Arrival
from tests.projects.conftest import make_project

WAN = Decimal(10000)


@pytest.fixture
def q2(fangchenggang):
    a = make_project(
        fangchenggang,
        "上思县",
        name="A",
        campaign="三企入桂",
        stage="landed",
        signed_on=dt.date(2021, 2, 1),
        landed_on=dt.date(2021, 5, 1),
        contracted_fdi_usd=1000 * WAN,
    )
    Arrival.objects.create(project=a, year=2021, month=6, amount_usd=200 * WAN)
    make_project(
        fangchenggang,
        "上思县",
        name="B",
        campaign="三企入桂",
        stage="signed",
        signed_on=dt.date(2021, 3, 1),
        contracted_fdi_usd=500 * WAN,
    )
    e = make_project(
        fangchenggang,
        "东兴市",
        name="E",
        campaign="三企入桂",
        stage="landed",
        signed_on=dt.date(2021, 4, 1),
        landed_on=dt.date(2021, 6, 1),
        contracted_fdi_usd=400 * WAN,
    )
    Arrival.objects.create(project=e, year=2021, month=5, amount_usd=100 * WAN)
    make_project(
        fangchenggang,
        "东兴市",
        name="F",
        campaign="三企入桂",
        stage="signed",
        signed_on=dt.date(2021, 7, 1),
        contracted_fdi_usd=9999 * WAN,
    )
    return fangchenggang


def _issue(city, clerk, **kwargs) -> Notice:
    return issue_campaign_notice(
        city=city, year=2021, quarter=2, issued_on=dt.date(2021, 7, 12), user=clerk, **kwargs
    )


def test_issuing_freezes_the_hand_worked_rows_under_their_own_number(q2, clerk):
    notice = _issue(q2, clerk)
    assert (notice.kind, notice.month, notice.number) == ("quarterly", 6, "〔2021〕第1期")
    assert notice.snapshot == {
        "version": 1,
        "kind": "campaigns",
        "city": "450600",
        "city_name": "防城港市",
        "year": 2021,
        "quarter": 2,
        "campaigns": [
            {
                "campaign": "三企入桂",
                "region": "",
                "signed": 3,
                "landed": 2,
                "landing_rate": "0.6667",
                "contracted_fdi_usd": "19000000.00",
                "arrived_fdi_usd": "3000000.00",
                "arrival_rate": "0.1579",
            },
            {
                "campaign": "三企入桂",
                "region": "上思县",
                "signed": 2,
                "landed": 1,
                "landing_rate": "0.5000",
                "contracted_fdi_usd": "15000000.00",
                "arrived_fdi_usd": "2000000.00",
                "arrival_rate": "0.1333",
            },
            {
                "campaign": "三企入桂",
                "region": "东兴市",
                "signed": 1,
                "landed": 1,
                "landing_rate": "1.0000",
                "contracted_fdi_usd": "4000000.00",
                "arrived_fdi_usd": "1000000.00",
                "arrival_rate": "0.2500",
            },
            {
                # The plan's other campaign, nothing signed: listed, no rates.
                "campaign": "行企助力转型升级",
                "region": "",
                "signed": 0,
                "landed": 0,
                "landing_rate": None,
                "contracted_fdi_usd": "0.00",
                "arrived_fdi_usd": "0.00",
                "arrival_rate": None,
            },
        ],
    }


def test_campaign_notices_are_numbered_apart_from_the_monthly_ones(q2, clerk):
    Notice.objects.create(
        city=q2, year=2021, month=5, status="issued", number="〔2021〕第5期", sequence=5
    )
    assert _issue(q2, clerk).number == "〔2021〕第1期"


def test_an_issued_campaign_notice_is_not_issued_again(q2, clerk):
    _issue(q2, clerk)
    with pytest.raises(ValidationError):
        _issue(q2, clerk)


def test_a_campaign_notice_is_dated_after_its_quarter(q2, clerk):
    with pytest.raises(ValidationError, match="2021-06-30"):
        issue_campaign_notice(
            city=q2, year=2021, quarter=2, issued_on=dt.date(2021, 6, 1), user=clerk
        )
    assert not Notice.objects.filter(kind=Notice.Kind.QUARTERLY).exists()


def test_a_later_arrival_shows_as_a_revision_and_the_notice_stays_as_issued(q2, clerk):
    _issue(q2, clerk)
    a = q2.projects.get(name="A")
    Arrival.objects.create(project=a, year=2021, month=4, amount_usd=50 * WAN)
    page = campaign_notice_page(q2, 2021, 2, drafts=False)
    assert page.rows[0].arrived_fdi_usd == 300 * WAN
    revised = {(r.region, r.field): (r.old, r.new, r.delta) for r in page.revisions}
    # 300 → 350万 for the campaign, 200 → 250万 for 上思县: +50万 each; nothing else
    assert revised == {
        ("", "arrived_fdi_usd"): (300 * WAN, 350 * WAN, 50 * WAN),
        ("上思县", "arrived_fdi_usd"): (200 * WAN, 250 * WAN, 50 * WAN),
    }


def test_the_page_shows_the_draft_to_staff_only_then_the_issued_notice_to_readers(
    q2, clerk, shangsi_official, client, django_assert_max_num_queries
):
    url = reverse("assessments:campaign_notice", args=["450600", 2021, 2])
    client.force_login(shangsi_official)
    # The quarterly review links here for every reader: before the notice is issued, a county
    # official reads that it has not been (it answered 404), and sees no draft figure.
    waiting = client.get(url)
    assert waiting.status_code == 200
    assert 'data-testid="not-issued"' in waiting.content.decode()
    assert "66.67%" not in waiting.content.decode()
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        draft = client.get(url)
    assert draft.context["form"].initial["sequence"] == 1
    issue = reverse("assessments:campaign_notice_issue", args=["450600", 2021, 2])
    assert client.post(issue, {"sequence": 2, "issued_on": "2021-07-12"}).status_code == 302
    client.force_login(shangsi_official)
    page = client.get(url)
    assert page.status_code == 200
    assert "〔2021〕第2期" in page.content.decode()
    assert "66.67%" in page.content.decode()
    assert "15.79%" in page.content.decode()


def test_the_xlsx_holds_the_rows_in_wan_and_per_cent(q2, clerk, client):
    _issue(q2, clerk)
    client.force_login(clerk)
    response = client.get(reverse("assessments:campaign_notice_export", args=["450600", 2021, 2]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == "三企入桂"]
    assert [list(r) for r in rows] == [
        ["三企入桂", "合计", 3, 2, 66.67, 1900, 300, 15.79],
        ["三企入桂", "上思县", 2, 1, 50, 1500, 200, 13.33],
        ["三企入桂", "东兴市", 1, 1, 100, 400, 100, 25],
    ]


def test_the_word_document_has_the_number_title_and_the_rows(q2, clerk, client):
    _issue(q2, clerk)
    client.force_login(clerk)
    response = client.get(
        reverse("assessments:campaign_notice_document", args=["450600", 2021, 2, "docx"])
    )
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[1] == "〔2021〕第1期"
    assert texts[2] == "防城港市2021年第2季度招商专项行动项目落地和资金到位情况通报"
    table = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert table[1] == ["三企入桂", "合计", "3", "2", "66.67%", "1,900.00", "300.00", "15.79%"]
    assert table[2] == ["", "上思县", "2", "1", "50.00%", "1,500.00", "200.00", "13.33%"]
    assert table[3] == ["", "东兴市", "1", "1", "100.00%", "400.00", "100.00", "25.00%"]


def test_a_campaign_notice_does_not_make_figure_corrections_need_a_reason(q2, clerk):
    from assessments.figures import notice_covers

    _issue(q2, clerk)
    # It reports projects, not the monthly figures of April–June.
    assert notice_covers(q2, 2021, 6) is False


def test_two_clerks_issuing_at_once_get_a_message_not_an_error(q2, clerk, monkeypatch):
    from django.db import IntegrityError

    from assessments import issuing

    # The loser's insert of the same quarter fails in the database: a message, not a 500.
    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: notice_unique_period")

    monkeypatch.setattr(issuing.Notice.objects, "select_for_update", clash)
    with pytest.raises(ValidationError):
        _issue(q2, clerk)
