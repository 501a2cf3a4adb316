"""The quarterly campaign notice (落地率、到位率 by campaign and region): the page (issued and
frozen, or the draft with the form that issues it), issuing, its xlsx and its 公文."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import documents, pages
from assessments.document_views import document_response
from assessments.exports import campaign_export_rows
from assessments.forms import IssueNoticeForm
from assessments.issuing import issue_campaign_notice, next_campaign_sequence
from assessments.view_helpers import check_quarter, check_year, sees_drafts, url_city, xlsx_response
from fdi_portal.access import FIGURE_READERS, STAFF, role_required
from fdi_portal.forms import flash_form
from fdi_portal.lib.spreadsheets import write_xlsx
from fdi_portal.models import City


def _page(request: HttpRequest, city: City, year: int, quarter: int) -> pages.CampaignNoticePage:
    try:
        return pages.campaign_notice_page(city, year, quarter, drafts=sees_drafts(request.user))
    except pages.NotIssued:
        raise Http404(_("This notice has not been issued.")) from None


@require_GET
@role_required(*FIGURE_READERS)
def campaign_notice(request: HttpRequest, city_code: str, year: int, quarter: int) -> HttpResponse:
    """The quarter's campaign notice, print-ready: issued (frozen, with the revisions since)
    or, for staff, the draft and the form that issues it; before it is issued, the others
    read that it has not been."""
    city = url_city(request, city_code)
    check_year(year)
    check_quarter(quarter)
    try:
        page = pages.campaign_notice_page(city, year, quarter, drafts=sees_drafts(request.user))
    except pages.NotIssued:
        # Not a dead end: the quarterly review links here before the notice is issued.
        return render(
            request,
            "assessments/campaign_notice_not_issued.html",
            {"city": city, "year": year, "quarter": quarter},
        )
    context = {"city": city, "page": page, "notice": page.notice}
    if page.notice is None:
        context["form"] = IssueNoticeForm(
            initial={
                "sequence": next_campaign_sequence(city, year),
                "issued_on": timezone.localdate(),
            }
        )
    return render(request, "assessments/campaign_notice.html", context)


@require_POST
@role_required(*STAFF)
def campaign_notice_issue(
    request: HttpRequest, city_code: str, year: int, quarter: int
) -> HttpResponse:
    city = url_city(request, city_code)
    check_year(year)
    check_quarter(quarter)

    def issue(data: dict) -> str:
        notice = issue_campaign_notice(
            city=city,
            year=year,
            quarter=quarter,
            issued_on=data["issued_on"],
            sequence=data["sequence"],
            user=request.user,
        )
        return _("Notice %(number)s issued.") % {"number": notice.number}

    flash_form(request, IssueNoticeForm(request.POST), issue)
    return redirect(
        "assessments:campaign_notice", city_code=city.admin_code, year=year, quarter=quarter
    )


@require_GET
@role_required(*FIGURE_READERS)
def campaign_notice_export(
    request: HttpRequest, city_code: str, year: int, quarter: int
) -> HttpResponse:
    """The campaign notice's table as xlsx (the frozen one once issued)."""
    city = url_city(request, city_code)
    check_year(year)
    check_quarter(quarter)
    page = _page(request, city, year, quarter)
    suffix = page.notice.number if page.notice else _("draft")
    return xlsx_response(
        write_xlsx(campaign_export_rows(page.rows), title=page.title, sheet_name="通报"),
        f"{page.title}{suffix}.xlsx",
    )


@require_GET
@role_required(*FIGURE_READERS)
def campaign_notice_document(
    request: HttpRequest, city_code: str, year: int, quarter: int, fmt: str
) -> HttpResponse:
    """The campaign notice as a 公文 (Word or PDF)."""
    city = url_city(request, city_code)
    check_year(year)
    check_quarter(quarter)
    page = _page(request, city, year, quarter)
    suffix = page.notice.number if page.notice else "（草稿）"
    return document_response(
        documents.campaign_notice_document(page),
        f"{page.title}{suffix}",
        fmt,
        issued=page.notice is not None,
    )
