"""The official documents (公文): the monthly notice, the quarterly review and the annual
assessment as Word, opened with python-docx, every cell checked against the June 2021 figures
of 防城港 worked out by hand in tests/assessments/test_notices.py (``june``)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from assessments import documents
from assessments.issuing import issue_notice
from tests.assessments import test_notices

# The June 2021 figures worked out by hand in test_notices.py.
june = test_notices.june


def _open(content: bytes):
    return Document(io.BytesIO(content))


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text]


def _rows(document, index: int = 0) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in document.tables[index].rows]


@pytest.fixture
def issued_june(june, clerk):
    return issue_notice(
        city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk, sequence=6
    )


def _download(client, user, name: str, args: list) -> bytes:
    client.force_login(user)
    response = client.get(reverse(f"assessments:{name}", args=args))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.DOCX_TYPE
    assert response["Content-Disposition"].lower().startswith("attachment; filename*=utf-8''")
    return response.content


def test_the_issued_notice_is_a_red_headed_document_with_its_number_title_and_date(
    issued_june, clerk, client
):
    document = _open(_download(client, clerk, "notice_document", ["450600", 2021, 6, "docx"]))
    texts = _texts(document)
    assert texts[0] == "防城港市商务局文件"
    masthead = next(p for p in document.paragraphs if p.text == "防城港市商务局文件")
    assert str(masthead.runs[0].font.color.rgb) == "FF0000"
    assert texts[1] == "〔2021〕第6期"
    assert texts[2] == "防城港市2021年1-6月各县（市、区）实际使用外资情况通报"
    # 落款 and the date in Arabic numerals without leading zeros
    assert "防城港市商务局" in texts
    assert "2021年7月5日" in texts
    # the body's first paragraph is the notice's summary: 1130万, 16.14%, 247.69%
    summary = texts[4]
    assert "1,130.00" in summary
    assert "16.14%" in summary
    assert "247.69%" in summary
    section = document.sections[0]
    # A4, 37 mm top and 28 mm left margins (stored in twips: compared to the millimetre)
    assert [round(x.mm) for x in (section.page_width, section.top_margin, section.left_margin)] == [
        210,
        37,
        28,
    ]
    body = next(p for p in document.paragraphs if p.text == summary)
    east_asia = body.runs[0]._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asia == "仿宋_GB2312"


def test_the_notice_table_holds_the_hand_worked_figures_in_wan(issued_june, clerk, client):
    document = _open(_download(client, clerk, "notice_document", ["450600", 2021, 6, "docx"]))
    rows = _rows(document)
    assert rows[0] == [
        "排名",
        "地区",
        "年度目标",
        "6月",
        "1-6月累计",
        "上年同期",
        "完成年度目标",
        "同比增长",
        "与序时进度差额",
    ]
    # 港口区: 100万 a month → 600 of 1000 = 60%; (600 − 300) / 300 = 100%
    assert rows[1] == [
        "1",
        "港口区",
        "1,000.00",
        "100.00",
        "600.00",
        "300.00",
        "60.00%",
        "100.00%",
        "达到序时进度",
    ]
    # 防城区: 400 of 800 = exactly 50%, on schedule; nothing last year → no growth
    assert rows[2] == [
        "2",
        "防城区",
        "800.00",
        "0.00",
        "400.00",
        "0.00",
        "50.00%",
        "—",
        "达到序时进度",
    ]
    # 上思县: 100 of 600 = 16.666…% → 16.67%; (100 − 25) / 25 = 300%; 600 × 50% − 100 = 200
    assert rows[3] == [
        "3",
        "上思县",
        "600.00",
        "—",
        "100.00",
        "25.00",
        "16.67%",
        "300.00%",
        "200.00",
    ]
    # 东兴市: no target, listed not ranked
    assert rows[4] == ["—", "东兴市", "—", "30.00", "30.00", "0.00", "—", "—", "—"]
    # 全市: June 100 + 0 + 30 = 130; 1130 / 7000 = 16.14%; (1130 − 325) / 325 = 247.69%;
    # 7000 × 50% − 1130 = 2370 behind
    assert rows[5] == [
        "",
        "全市",
        "7,000.00",
        "130.00",
        "1,130.00",
        "325.00",
        "16.14%",
        "247.69%",
        "2,370.00",
    ]


def test_one_decimal_is_a_setting(issued_june, clerk, client, settings):
    settings.NOTICE_PERCENT_PLACES = 1
    rows = _rows(_open(_download(client, clerk, "notice_document", ["450600", 2021, 6, "docx"])))
    # 16.666…% → 16.7%; 1130 / 7000 = 16.1428…% → 16.1%
    assert rows[3][6] == "16.7%"
    assert rows[5][6] == "16.1%"


def test_a_draft_says_so_instead_of_a_number_and_only_staff_get_it(
    june,
    clerk,
    shangsi_official,
    client,
):
    texts = _texts(_open(_download(client, clerk, "notice_document", ["450600", 2021, 6, "docx"])))
    assert texts[1] == "（草稿，未印发）"
    client.force_login(shangsi_official)
    url = reverse("assessments:notice_document", args=["450600", 2021, 6, "docx"])
    assert client.get(url).status_code == 404


def test_an_unknown_format_is_not_found(issued_june, clerk, client):
    client.force_login(clerk)
    url = reverse("assessments:notice_document", args=["450600", 2021, 6, "odt"])
    assert client.get(url).status_code == 404


def test_the_quarterly_review_names_who_is_interviewed_and_why(issued_june, clerk, client):
    document = _open(_download(client, clerk, "review_document", ["450600", 2021, 2, "docx"]))
    texts = _texts(document)
    # Its own series, by quarter: not the June notice's 〔2021〕第6期.
    assert texts[1] == "〔2021〕第2期"
    assert texts[2] == "防城港市2021年第2季度利用外资工作约谈情况通报"
    # 上思县 is behind (16.67% < 50%) and ranked last (3 of 3)
    reason = next(t for t in texts if t.startswith("上思县："))
    assert "16.67%" in reason
    assert "50.00%" in reason
    assert "200.00" in reason
    assert texts[texts.index(reason) + 1] == "约谈尚未开展。"


def test_the_quarterly_review_prints_the_interview_as_recorded(issued_june, clerk, client):
    from assessments.issuing import record_interview
    from assessments.models import Interview

    record_interview(
        interview=Interview.objects.get(region__name="上思县", year=2021, quarter=2),
        held_on=dt.date(2021, 7, 16),
        participants="市商务局副局长张某；上思县副县长李某",
        notes="分析滞后原因，明确三季度追赶措施。",
        user=clerk,
    )
    document = _open(_download(client, clerk, "review_document", ["450600", 2021, 2, "docx"]))
    texts = _texts(document)
    reason = next(t for t in texts if t.startswith("上思县："))
    after = texts[texts.index(reason) + 1 : texts.index(reason) + 4]
    assert after == [
        "约谈时间：2021年7月16日。",
        "参加人员：市商务局副局长张某；上思县副县长李某",
        "约谈情况：分析滞后原因，明确三季度追赶措施。",
    ]
    # Dated the day of the interview, not the notice's 5 July.
    assert "2021年7月16日" in texts[texts.index("防城港市商务局") + 1]


def test_the_annual_assessment_document_lists_each_regions_points(june, clerk, client):
    client.force_login(clerk)
    page = client.get(reverse("assessments:assessment_detail", args=["450600", 2021]))
    rows = page.context["page"].rows
    document = _open(_download(client, clerk, "assessment_document", ["450600", 2021, "docx"]))
    texts = _texts(document)
    # The last figure is 港口区's July: the assessment covers 1-7月 and says so.
    assert texts[2] == "关于防城港市2021年度（1-7月）各县（市、区）利用外资工作考评结果的通报"
    table = _rows(document)
    assert table[0][:2] == ["排名", "地区"]
    assert table[0][-1] == "总分"
    # the document prints the page's rows, region by region, total last
    assert [r[1] for r in table[1:]] == [row.name for row in rows]
    assert [r[-1].removesuffix("（否决）") for r in table[1:]] == [str(row.score) for row in rows]


def test_the_command_writes_the_notice_as_word(issued_june, tmp_path):
    target = tmp_path / "notice.docx"
    call_command(
        "monthly_notice", city="450600", year=2021, month=6, format="docx", output=str(target)
    )
    document = Document(str(target))
    assert _texts(document)[1] == "〔2021〕第6期"
    assert _rows(document)[5][4] == "1,130.00"


@pytest.mark.skipif(documents.soffice() is None, reason="LibreOffice is not installed")
def test_the_pdf_is_the_word_document_converted(issued_june, tmp_path):
    target = tmp_path / "notice.pdf"
    call_command(
        "monthly_notice", city="450600", year=2021, month=6, format="pdf", output=str(target)
    )
    content = target.read_bytes()
    assert content.startswith(b"%PDF-")
    assert b"/Type /Page" in content or b"/Type/Page" in content


def test_official_documents_carry_no_configuration_labels(june, clerk, client):
    from assessments.models import ProgressSchedule
    from assessments.schemes import DEFAULT_SCHEDULE_LABEL
    from tasks.models import Plan

    plan = Plan.objects.get(city=june, year=2021)
    ProgressSchedule.objects.update_or_create(
        plan=plan, defaults={"method": "months", "shares": [], "label": DEFAULT_SCHEDULE_LABEL}
    )
    issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    client.force_login(clerk)
    page = client.get(reverse("assessments:notice_detail", args=["450600", 2021, 6]))
    notice = _open(_download(client, clerk, "notice_document", ["450600", 2021, 6, "docx"]))
    assessment = _open(_download(client, clerk, "assessment_document", ["450600", 2021, "docx"]))
    for text in (
        page.content.decode(),
        "\n".join(_texts(notice)),
        "\n".join(_texts(assessment)),
    ):
        assert "默认方案" not in text
        assert "可调整" not in text
    # The table's note says the required progress, nothing of the setting behind it.
    assert "注：序时进度50.00%。完成率相同的地区并列排名；无年度目标的地区列出但不排名。" in _texts(
        notice
    )
    # The assessment cites the plan it applies.
    assert any(t.startswith(f"根据《{plan.title}》，") for t in _texts(assessment))


def test_an_issued_assessment_is_numbered_in_its_own_series_not_as_a_draft(june, clerk, client):
    from assessments.issuing import issue_assessment

    issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    draft = _texts(_open(_download(client, clerk, "assessment_document", ["450600", 2021, "docx"])))
    assert draft[1] == "（草稿，未印发）"
    issue_assessment(
        city=june, year=2021, issued_on=dt.date(2022, 1, 20), user=clerk, confirm_partial=True
    )
    issued = _texts(
        _open(_download(client, clerk, "assessment_document", ["450600", 2021, "docx"]))
    )
    # One assessment a year: the first of its own series, whatever the notices' numbers.
    assert issued[1] == "〔2021〕第1期"
    assert "2022年1月20日" in issued
