"""The supervision pages as official documents (公文): the monthly notice, the quarterly review,
the quarterly campaign notice and the annual assessment as Word files in the layout of
GB/T 9704-2012, and as PDF converted from that same Word file.

Every figure comes from the page functions' report objects (``pages.notice_page``,
``pages.quarterly_review``, ``pages.assessment_page``, ``pages.campaign_notice_page``) and every
sentence from ``prose``: this module only lays them out. Documents are always in Chinese, the
language of an official document, whatever the reader's interface language.

Layout (GB/T 9704-2012, 党政机关公文格式): A4, margins 37 mm top, 35 mm bottom, 28 mm left,
26 mm right; 发文机关标志 in red 小标宋, centred; 发文字号 centred under it, then the red
separator line; the title in 2号 (22 pt) 小标宋; 主送机关, body text in 3号 (16 pt) 仿宋 at a
fixed line pitch of 28.95 pt (22 lines a page), paragraphs indented two characters; the table
in 仿宋 (五号, 10.5 pt); 落款 (the issuing body) and the date in Arabic numerals, right-aligned;
版记 (printing body and date between two thin lines); page numbers 「— 1 —」 at the foot.
The fonts are named as bureaus' machines have them (仿宋_GB2312, 方正小标宋简体, 黑体); a
machine without them (or the PDF converter) substitutes its own CJK serif.

PDF: LibreOffice (Debian's ``libreoffice-writer-nogui``, installed by
``scripts/install-system-packages``) converts the Word file headless and offline, so the PDF
is the Word document page for page; a pure-Python PDF library would need a second layout, and
the installed Noto CJK fonts (CFF outlines) are not ones ReportLab can embed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from assessments import prose
from fdi_portal.lib.money import format_wan

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

    from assessments.pages import (
        AssessmentPage,
        CampaignNoticePage,
        NoticePage,
        QuarterlyReview,
    )

RED = RGBColor(0xFF, 0x00, 0x00)
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
SONGTI = "宋体"
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TABLE_PT = 10.5  # 五号
LINE_PITCH_PT = 28.95  # 22 lines on the 225 mm type area
#: fontconfig for the conversion: the documents' Chinese font names → installed CJK fonts.
FONTS_CONF = Path(__file__).with_name("document_fonts.conf")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


class ConversionError(RuntimeError):
    """The PDF could not be made (LibreOffice missing or failed)."""


@dataclass(frozen=True)
class Letterhead:
    """What the head and the foot of an official document say."""

    issuer: str  # 发文机关 (防城港市商务局)
    number: str  # 发文字号 (〔2021〕第6期), '' for a draft
    title: str
    issued_on: dt.date | None  # None for a draft
    addressees: str = "各县（市、区）人民政府，市直有关单位："


# ------------------------------------------------------------------------------------------
# Building blocks
# ------------------------------------------------------------------------------------------


def _font(run, name: str, size_pt: float, *, bold: bool = False, color: RGBColor | None = None):
    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    # Word takes Chinese glyphs from the eastAsia font, which python-docx's ``name`` leaves.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    return run


def _paragraph(
    document: DocxDocument,
    text: str = "",
    *,
    font: str = FANGSONG,
    size: float = BODY_PT,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    bold: bool = False,
    color: RGBColor | None = None,
    exact_pitch: bool = True,
) -> Paragraph:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if exact_pitch:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_PT)
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = Pt(size * 2)  # 首行缩进两字
    if text:
        _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _rule(paragraph: Paragraph, *, color: str, size_eighths: int, where: str = "bottom") -> None:
    """A line under (or over) ``paragraph`` across the type area: the red separator of the
    head, the thin lines of the 版记."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{where}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)
    p_pr.append(borders)


def _page_numbers(document: DocxDocument) -> None:
    """「— 1 —」 centred at the foot of every page (4号 宋体)."""
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("— "), SONGTI, 14)
    run = _font(footer.add_run(), SONGTI, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(footer.add_run(" —"), SONGTI, 14)


def _new_document() -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = FANGSONG
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    _page_numbers(document)
    return document


def _landscape_attachment(document: DocxDocument, label: str, title: str) -> None:
    """A new landscape page for a wide table (附件): its label in 黑体, then its title. Page
    numbers carry on (the footer is the first section's)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(28), Mm(26)
    section.left_margin, section.right_margin = Mm(37), Mm(35)
    _paragraph(document, label, font=HEITI)
    _paragraph(
        document,
        title,
        font=XIAOBIAOSONG,
        size=18,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        exact_pitch=False,
    )


def _head(document: DocxDocument, head: Letterhead) -> None:
    """版头 (发文机关标志, 发文字号, red separator), the title and the addressees."""
    _paragraph(document, exact_pitch=False)
    masthead = _paragraph(
        document,
        f"{head.issuer}文件",
        font=XIAOBIAOSONG,
        size=36,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
        exact_pitch=False,
    )
    masthead.paragraph_format.space_after = Pt(BODY_PT * 2)
    number = _paragraph(
        document,
        head.number or "（草稿，未印发）",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    number.paragraph_format.space_after = Pt(6)
    _rule(number, color="FF0000", size_eighths=12)
    _paragraph(document)
    _paragraph(
        document,
        head.title,
        font=XIAOBIAOSONG,
        size=TITLE_PT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        exact_pitch=False,
    ).paragraph_format.space_after = Pt(BODY_PT)
    if head.addressees:
        _paragraph(document, head.addressees)


def _section_heading(document: DocxDocument, text: str) -> None:
    _paragraph(document, text, font=HEITI, indent=True)


def _table(
    document: DocxDocument,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    bold_last: bool = False,
    width_mm: float = 156,
    first_mm: Sequence[float] = (),
) -> None:
    """A bordered table across ``width_mm`` (the type area): the ``first_mm`` columns as
    given, the others sharing the rest; the header row repeats on every page."""
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    rest = (width_mm - sum(first_mm)) / max(1, len(header) - len(first_mm))
    widths = [*first_mm, *[rest] * (len(header) - len(first_mm))]
    for j, column in enumerate(table.columns):
        for cell in column.cells:
            cell.width = Mm(widths[j])
    for i, row in enumerate([header, *rows]):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            bold = i == 0 or (bold_last and i == len(rows))
            _font(paragraph.add_run(str(value)), HEITI if i == 0 else FANGSONG, TABLE_PT, bold=bold)
    # Repeat the header row on every page.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)


def _table_note(document: DocxDocument, text: str) -> None:
    _paragraph(document, text, size=TABLE_PT + 1.5, exact_pitch=False)


def _signature(document: DocxDocument, head: Letterhead) -> None:
    """落款 and 成文日期, right-aligned (about four characters from the right edge), kept on
    one page with the body's last paragraph (a date alone on a page is no signature)."""
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    _paragraph(document).paragraph_format.keep_with_next = True
    signer = _paragraph(document, head.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signer.paragraph_format.keep_with_next = True
    signer.paragraph_format.right_indent = Pt(BODY_PT * 4)
    date = _paragraph(document, _date(head.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(BODY_PT * 4)


def _imprint(document: DocxDocument, head: Letterhead, *, width_mm: float = 156) -> None:
    """版记: the printing office and date between two thin lines (4号 仿宋)."""
    _paragraph(document)
    line = _paragraph(
        document,
        f"{head.issuer}办公室",
        size=14,
    )
    _rule(line, color="000000", size_eighths=8, where="top")
    _rule(line, color="000000", size_eighths=8, where="bottom")
    if head.issued_on is not None:
        line.add_run("\t")
        _font(line.add_run(f"{_date(head.issued_on)}印发"), FANGSONG, 14)
        line.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm), WD_TAB_ALIGNMENT.RIGHT)


def _date(day: dt.date | None) -> str:
    """成文日期 in Arabic numerals, no leading zeros (GB/T 9704-2012): 2021年7月5日."""
    return "（未印发）" if day is None else f"{day.year}年{day.month}月{day.day}日"


def to_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _issuer(city_name: str) -> str:
    return f"{city_name}商务局"


# ------------------------------------------------------------------------------------------
# The documents
# ------------------------------------------------------------------------------------------


def notice_document(page: NoticePage) -> bytes:
    """The monthly notice (月通报) as Word: the issued (frozen) one or the draft, as the page
    shows it — summary, interview sentence, the table with the city total."""
    with translation.override("zh-hans"):
        report = page.report
        notice = page.notice
        head = Letterhead(
            issuer=_issuer(report.city_name),
            number=notice.number if notice else "",
            title=page.title,
            issued_on=notice.issued_on if notice else None,
        )
        document = _new_document()
        _head(document, head)
        _paragraph(document, page.summary, indent=True)
        if page.interview_sentence:
            _paragraph(document, page.interview_sentence, indent=True)
        _paragraph(
            document,
            f"附件：{report.city_name}{report.year}年1-{report.month}月各县（市、区）"
            "实际使用外资完成情况表",
            indent=True,
        )
        _signature(document, head)
        _landscape_attachment(
            document,
            "附件",
            f"{report.city_name}{report.year}年1-{report.month}月各县（市、区）实际使用外资完成情况表",
        )
        _table_note(document, "单位：万美元")
        _table(document, *notice_table(page), bold_last=True, width_mm=225, first_mm=(14, 24))
        # The schedule's label is a setting (「默认方案，可调整（…）」): no words for a 公文.
        _table_note(
            document,
            f"注：序时进度{prose.percent(report.required_share)}。"
            "完成率相同的地区并列排名；无年度目标的地区列出但不排名。",
        )
        _imprint(document, head, width_mm=225)
        return to_bytes(document)


def notice_table(page: NoticePage) -> tuple[list[str], list[list[str]]]:
    """The notice's table as the document prints it (header, rows with the 全市 row last):
    amounts in 万美元 with two decimals, percentages at ``NOTICE_PERCENT_PLACES``."""
    report = page.report
    header = [
        "排名",
        "地区",
        "年度目标",
        f"{report.month}月",
        f"1-{report.month}月累计",
        "上年同期",
        "完成年度目标",
        "同比增长",
        "与序时进度差额",
    ]

    def gap(on_track: bool | None, shortfall) -> str:
        if on_track is False:
            return format_wan(shortfall)
        return "达到序时进度" if on_track else "—"

    rows = [
        [
            "—" if row.rank is None else str(row.rank),
            row.name,
            format_wan(row.target_usd) or "—",
            format_wan(row.month_usd) or "—",
            format_wan(row.ytd_usd),
            format_wan(row.ytd_last_year_usd),
            prose.percent(row.completion),
            prose.percent(row.yoy_growth),
            gap(row.on_track, row.shortfall_usd),
        ]
        for row in report.rows
    ]
    rows.append(
        [
            "",
            "全市",
            format_wan(report.city_target_usd) or "—",
            format_wan(report.city_month_usd) or "—",
            format_wan(report.city_ytd_usd),
            format_wan(report.city_ytd_last_year_usd),
            prose.percent(report.city_completion),
            prose.percent(report.city_yoy_growth),
            gap(report.city_on_track, report.city_shortfall_usd),
        ]
    )
    return header, rows


def review_document(review: QuarterlyReview) -> bytes:
    """The quarterly review (季约谈) as Word: the decision on the quarter-end notice, each
    region to interview with its reason and its interview as recorded (date held,
    participants, notes), and the quarter's campaign figures. Numbered in its own series
    (``QuarterlyReview.number``), dated the day of the last interview held (the notice's
    issue date when none is held yet)."""
    with translation.override("zh-hans"):
        report = review.page.report
        notice = review.page.notice
        held = [i.held_on for i in review.interviews if i.held_on is not None]
        head = Letterhead(
            issuer=_issuer(report.city_name),
            number=review.number,
            title=f"{report.city_name}{review.year}年第{review.quarter}季度"
            "利用外资工作约谈情况通报",
            issued_on=max([notice.issued_on, *held]) if notice else None,
        )
        records = {i.region.name: i for i in review.interviews}
        document = _new_document()
        _head(document, head)
        _paragraph(document, review.page.summary, indent=True)
        _section_heading(document, "一、约谈情况")
        if review.cases:
            _paragraph(document, review.page.interview_sentence, indent=True)
            for line in review.cases:
                _paragraph(document, f"{line.case.name}：{line.reason}", indent=True)
                record = records.get(line.case.name)
                if record is None or record.held_on is None:
                    _paragraph(document, "约谈尚未开展。", indent=True)
                    continue
                _paragraph(document, f"约谈时间：{_date(record.held_on)}。", indent=True)
                if record.participants:
                    _paragraph(document, f"参加人员：{record.participants}", indent=True)
                if record.notes:
                    _paragraph(document, f"约谈情况：{record.notes}", indent=True)
        elif report.interview_code == "last_ranked_on_track":
            _paragraph(
                document,
                "进度排名最后一位的县（市、区）已达到序时进度，本季度不约谈。",
                indent=True,
            )
        else:
            _paragraph(document, "各县（市、区）均无年度目标，本季度不排名、不约谈。", indent=True)
        _section_heading(document, "二、招商专项行动项目落地和资金到位情况")
        if review.campaigns:
            _table_note(document, "单位：个、万美元")
            _table(document, *campaign_table(review.campaigns), first_mm=(30, 20))
        else:
            _paragraph(document, "本年度暂无专项行动签约项目。", indent=True)
        _signature(document, head)
        _imprint(document, head)
        return to_bytes(document)


def campaign_table(campaigns: Sequence) -> tuple[list[str], list[list[str]]]:
    """Campaign figures (a total row per campaign, then its regions) as printed."""
    header = [
        "专项行动",
        "地区",
        "签约项目",
        "落地项目",
        "落地率",
        "合同外资",
        "到位外资",
        "到位率",
    ]
    rows = [
        [
            row.campaign if not row.region else "",
            row.region or "合计",
            str(row.signed),
            str(row.landed),
            prose.percent(row.landing_rate),
            format_wan(row.contracted_fdi_usd),
            format_wan(row.arrived_fdi_usd),
            prose.percent(row.arrival_rate),
        ]
        for row in campaigns
    ]
    return header, rows


def campaign_notice_document(page: CampaignNoticePage) -> bytes:
    """The quarterly campaign notice as Word: one sentence per campaign, then the table by
    campaign and region (落地率、到位率) — the issued rows or the draft's."""
    with translation.override("zh-hans"):
        notice = page.notice
        head = Letterhead(
            issuer=_issuer(page.city_name),
            number=notice.number if notice else "",
            title=page.title,
            issued_on=notice.issued_on if notice else None,
        )
        document = _new_document()
        _head(document, head)
        if page.rows:
            _paragraph(document, page.summary, indent=True)
            _table_note(document, "单位：个、万美元")
            _table(document, *campaign_table(page.rows), first_mm=(30, 20))
            _table_note(
                document,
                f"注：统计{page.year}年1-{page.month}月各专项行动签约的项目（含已取消的）；"
                "落地率＝落地项目÷签约项目，到位率＝到位外资÷合同外资。",
            )
        else:
            _paragraph(document, "本年度暂无专项行动签约项目。", indent=True)
        _signature(document, head)
        _imprint(document, head)
        return to_bytes(document)


def assessment_document(page: AssessmentPage, *, city_name: str, year: int) -> bytes:
    """The annual assessment (年考评) as Word: the scheme, then one row per region with each
    indicator's points, the total and the rank; vetoes named under the table."""
    with translation.override("zh-hans"):
        assessment = page.assessment
        head = Letterhead(
            issuer=_issuer(city_name),
            # Its own series: one assessment a year (a draft has no number).
            number=f"〔{year}〕第1期" if assessment else "",
            title=f"关于{city_name}{year}年度{f'（{page.period}）' if page.partial else ''}"
            "各县（市、区）利用外资工作考评结果的通报",
            issued_on=assessment.issued_on if assessment else None,
        )
        rows = page.rows
        document = _new_document()
        _head(document, head)
        # The plan it applies, never the scheme's own label (a setting such as 「默认方案，
        # 可调整」 is no words for an official document).
        basis = f"《{page.plan.title.strip('《》')}》" if page.plan is not None else "年度考评办法"
        _paragraph(
            document,
            f"根据{basis}，现将{year}年度各县（市、区）利用外资工作考评结果通报如下。",
            indent=True,
        )
        if page.partial:
            _paragraph(
                document,
                f"本次考评依据{year}年{page.period}数据（12月数据尚未核定）：同比增长与上年"
                f"{page.period}比较，目标完成情况按{page.through_month}月序时进度"
                f"{prose.percent(page.required_share)}折算。",
                indent=True,
            )
        if rows:
            header, table_rows = assessment_table(rows)
            _table_note(document, "单位：分")
            _table(document, header, table_rows, first_mm=(12, 22))
            for row in rows:
                if row.vetoed:
                    _paragraph(
                        document,
                        f"{row.name}：一票否决。{'；'.join(row.veto_reasons)}",
                        indent=True,
                    )
        else:
            _paragraph(document, "本年度未设考评方案。", indent=True)
        _signature(document, head)
        _imprint(document, head)
        return to_bytes(document)


def assessment_table(rows: Sequence) -> tuple[list[str], list[list[str]]]:
    names = [line.name for line in rows[0].lines]
    header = [
        "排名",
        "地区",
        *[f"{name}（{rows[0].lines[i].weight}）" for i, name in enumerate(names)],
        "总分",
    ]
    body = [
        [
            str(row.rank),
            row.name,
            *[str(line.points) for line in row.lines],
            f"{row.score}" + ("（否决）" if row.vetoed else ""),
        ]
        for row in rows
    ]
    return header, body


# ------------------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------------------


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class ConversionBusy(ConversionError):
    """Every conversion slot is taken: the user is asked to try again shortly."""


@contextlib.contextmanager
def conversion_slot() -> Iterator[None]:
    """One of ``settings.PDF_CONVERSIONS`` slots shared by every process of the server (a lock
    file each), or ``ConversionBusy`` at once: a LibreOffice run takes a second or more and a
    core, and a request waiting for one would hold a server worker (12 parallel downloads
    held the login page 12 s)."""
    folder = Path(settings.PDF_DIR) / "slots"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for slot in range(settings.PDF_CONVERSIONS):
        with open(folder / f"{slot}.lock", "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
            return
    raise ConversionBusy(_("Too many PDFs are being made at this moment: try again in a minute."))


def _content_digest(docx: bytes) -> str:
    """The SHA-256 of what a Word file says (its parts' names and contents), not of its zip,
    whose entries carry the time they were written."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            digest.update(info.filename.encode() + b"\0" + archive.read(info) + b"\0")
    return digest.hexdigest()


def kept_pdf(docx: bytes) -> bytes:
    """The PDF of an issued document: converted once, then read from ``settings.PDF_DIR``
    (keyed by the Word file's content, so a document that changed is converted again).
    Readable by the server's user only."""
    folder = Path(settings.PDF_DIR)
    path = folder / f"{_content_digest(docx)}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = to_pdf(docx)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=folder, suffix=".part")  # mode 0600
    with os.fdopen(descriptor, "wb") as file:
        file.write(pdf)
    os.replace(temporary, path)
    return pdf


def to_pdf(docx: bytes, *, timeout: int = 120) -> bytes:
    """The Word file converted by LibreOffice, headless and offline. Each call uses its own
    profile directory, so two conversions at once (two app servers, two clerks) never share
    LibreOffice's lock. ``ConversionError`` when LibreOffice is missing or fails."""
    executable = soffice()
    if executable is None:
        raise ConversionError(
            _("PDF needs LibreOffice (scripts/install-system-packages installs it).")
        )
    with conversion_slot(), tempfile.TemporaryDirectory(prefix="fdi-pdf-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(
                [
                    executable,
                    f"-env:UserInstallation=file://{folder / 'profile'}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
                env={**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)},
            )
        except (subprocess.SubprocessError, OSError) as error:
            raise ConversionError(
                _("The PDF could not be made: %(error)s") % {"error": error}
            ) from error
        target = folder / "document.pdf"
        if not target.exists():
            raise ConversionError(_("The PDF could not be made: no output."))
        return target.read_bytes()
