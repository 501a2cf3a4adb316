"""Downloads of the supervision pages as official documents (Word or PDF), beside 打印 on
each page: the same page function the page calls, laid out by ``assessments.documents``.
Who may download is who may read the page (drafts: staff only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import documents, pages
from assessments.notice_views import notice_page_for
from assessments.view_helpers import check_month, check_quarter, check_year, sees_drafts, url_city
from fdi_portal.access import FIGURE_READERS, role_required

FORMATS = ("docx", "pdf")


def document_response(
    docx: bytes, filename: str, fmt: str, *, issued: bool = False
) -> HttpResponse:
    """The Word file, or its PDF, as an attachment named ``filename``.``fmt``. The PDF of an
    ``issued`` document (frozen) is made once and kept; a draft's is made each time."""
    if fmt not in FORMATS:
        raise Http404(_("No such format."))
    if fmt == "pdf":
        convert = documents.kept_pdf if issued else documents.to_pdf
        try:
            content, content_type = convert(docx), documents.PDF_TYPE
        except documents.ConversionError as error:
            response = HttpResponse(
                str(error), status=503, content_type="text/plain; charset=utf-8"
            )
            response["Retry-After"] = "60"
            return response
    else:
        content, content_type = docx, documents.DOCX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def _suffix(issued) -> str:
    return issued.number if issued is not None and getattr(issued, "number", "") else "（草稿）"


@require_GET
@role_required(*FIGURE_READERS)
def notice_document(
    request: HttpRequest, city_code: str, year: int, month: int, fmt: str
) -> HttpResponse:
    """The monthly notice as a 公文 (Word or PDF)."""
    city = url_city(request, city_code)
    check_year(year)
    check_month(month)
    page = notice_page_for(request, city, year, month)
    return document_response(
        documents.notice_document(page),
        f"{page.title}{_suffix(page.notice)}",
        fmt,
        issued=page.notice is not None and page.notice.is_issued,
    )


@require_GET
@role_required(*FIGURE_READERS)
def review_document(
    request: HttpRequest, city_code: str, year: int, quarter: int, fmt: str
) -> HttpResponse:
    """The quarterly review as a 公文 (Word or PDF)."""
    city = url_city(request, city_code)
    check_year(year)
    check_quarter(quarter)
    try:
        review = pages.quarterly_review(city, year, quarter, drafts=sees_drafts(request.user))
    except pages.NotIssued:
        raise Http404(_("This notice has not been issued.")) from None
    name = f"{city.name}{year}年第{quarter}季度约谈情况{_suffix(review.page.notice)}"
    notice = review.page.notice
    return document_response(
        documents.review_document(review),
        name,
        fmt,
        issued=notice is not None and notice.is_issued,
    )


@require_GET
@role_required(*FIGURE_READERS)
def assessment_document(request: HttpRequest, city_code: str, year: int, fmt: str) -> HttpResponse:
    """The annual assessment as a 公文 (Word or PDF)."""
    city = url_city(request, city_code)
    check_year(year)
    try:
        page = pages.assessment_page(city, year, drafts=sees_drafts(request.user))
    except pages.NotIssued:
        raise Http404(_("This assessment has not been issued.")) from None
    suffix = "" if page.assessment is not None else "（草稿）"
    return document_response(
        documents.assessment_document(page, city_name=city.name, year=year),
        f"{city.name}{year}年度考评结果{suffix}",
        fmt,
        issued=page.assessment is not None,
    )
