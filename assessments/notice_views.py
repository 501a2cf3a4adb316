"""The monthly notice (月通报), the quarterly review (季约谈) and the annual assessment (年考评):
the notices of a city and a year, a notice's page (issued and frozen, or for staff the draft
with the form that issues it), issuing it and its xlsx; the quarter's review and the record of
an interview; the assessment's page and issuing it. Their 公文 downloads are in
``assessments.document_views``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import pages
from assessments.exports import notice_export_rows
from assessments.figures import is_locked
from assessments.forms import InterviewForm, IssueAssessmentForm, IssueNoticeForm
from assessments.issuing import issue_assessment, issue_notice, next_sequence, record_interview
from assessments.loaders import MONTHS, latest_period
from assessments.models import Interview, Notice
from assessments.publication import correction_pending, ranking_for
from assessments.view_helpers import (
    check_month,
    check_quarter,
    check_year,
    sees_drafts,
    url_city,
    xlsx_response,
)
from fdi_portal.access import (
    FIGURE_READERS,
    STAFF,
    role_required,
    sees_unpublished_figures,
    visible_or_404,
)
from fdi_portal.forms import flash_form
from fdi_portal.lib.spreadsheets import write_xlsx
from fdi_portal.models import City, Role, membership_of


@require_GET
@role_required(*FIGURE_READERS)
def notices_home(request: HttpRequest) -> HttpResponse:
    """The notices of the user's city; a choice of cities for users who read several."""
    cities = list(City.objects.visible_to(request.user))
    if len(cities) == 1:
        return redirect("assessments:notice_list", city_code=cities[0].admin_code)
    return render(request, "assessments/notice_city_choice.html", {"cities": cities})


@require_GET
@role_required(*FIGURE_READERS)
def notice_list(request: HttpRequest, city_code: str) -> HttpResponse:
    """The year's notices, month by month, and the current ranking. Staff also see each
    month that can be drafted; everybody else only issued notices."""
    city = url_city(request, city_code)
    year_param = request.GET.get("year", "")
    year = check_year(int(year_param)) if year_param.isdigit() else None
    if year is None:
        latest = latest_period(city)
        year = latest[0] if latest else timezone.localdate().year
    notices = {
        n.month: n
        for n in Notice.objects.issued().filter(city=city, kind=Notice.Kind.MONTHLY, year=year)
    }
    period = latest_period(city, year)
    last_month = period[1] if period else None
    drafts = sees_drafts(request.user)
    months = [
        {
            "month": m,
            "quarter": m // 3 if m % 3 == 0 else None,
            "notice": notices.get(m),
            "draftable": drafts and m not in notices and last_month is not None and m <= last_month,
        }
        for m in MONTHS
    ]
    ranking = pages.draft_report(city, year, last_month) if last_month else None
    # Before a notice is issued a county official may see only the published ranking.
    live = ranking
    ranking, published = ranking_for(request.user, city, year, ranking)
    return render(
        request,
        "assessments/notice_list.html",
        {
            "city": city,
            "year": year,
            "months": months,
            "ranking": ranking,
            "published_notice": published,
            "correction_pending": correction_pending(published, live),
            "own_region": _own_region_name(request),
            "sees_drafts": drafts,
        },
    )


def _own_region_name(request: HttpRequest) -> str:
    membership = membership_of(request.user)
    if membership and membership.role == Role.REGION_OFFICIAL and membership.region_id:
        return membership.region.name
    return ""


def notice_page_for(request: HttpRequest, city: City, year: int, month: int) -> pages.NoticePage:
    try:
        return pages.notice_page(city, year, month, drafts=sees_drafts(request.user))
    except pages.NotIssued:
        raise Http404(_("This notice has not been issued.")) from None


@require_GET
@role_required(*FIGURE_READERS)
def notice_detail(request: HttpRequest, city_code: str, year: int, month: int) -> HttpResponse:
    """The notice as an official 通报, ready to print on A4: issued (frozen, with the
    revisions since) or, for staff, the draft with the form that issues it."""
    city = url_city(request, city_code)
    check_year(year)
    check_month(month)
    page = notice_page_for(request, city, year, month)
    context = {
        "city": city,
        "notice": page.notice,
        "report": page.report,
        # Under ``own`` a county official reads the notice as issued: corrections are not
        # published before the next notice, only announced (assessments.publication).
        "revisions": page.revisions if sees_unpublished_figures(request.user) else [],
        "correction_pending": bool(page.revisions),
        "title": page.title,
        "summary": page.summary,
        "interview_sentence": page.interview_sentence,
        "outlook": page.outlook,
        "quarter": page.quarter,
        "own_region": _own_region_name(request),
    }
    if page.notice is not None:
        user = page.notice.issued_by
        context["issued_by"] = (
            (user.get_full_name() or user.username) if user else _("command line")
        )
        if sees_drafts(request.user):  # staff lock the month once its notice is issued
            context["month_locked"] = is_locked(city, year, month)
    else:
        context["form"] = IssueNoticeForm(
            initial={"sequence": next_sequence(city, year), "issued_on": timezone.localdate()}
        )
    return render(request, "assessments/notice_detail.html", context)


@require_POST
@role_required(*STAFF)
def notice_issue(request: HttpRequest, city_code: str, year: int, month: int) -> HttpResponse:
    city = url_city(request, city_code)
    check_year(year)
    check_month(month)

    def issue(data: dict) -> str:
        notice = issue_notice(
            city=city,
            year=year,
            month=month,
            issued_on=data["issued_on"],
            sequence=data["sequence"],
            user=request.user,
        )
        return _("Notice %(number)s issued.") % {"number": notice.number}

    flash_form(request, IssueNoticeForm(request.POST), issue)
    return redirect("assessments:notice_detail", city_code=city.admin_code, year=year, month=month)


@require_GET
@role_required(*FIGURE_READERS)
def notice_export(request: HttpRequest, city_code: str, year: int, month: int) -> HttpResponse:
    """The notice's table as xlsx (the frozen one once issued)."""
    city = url_city(request, city_code)
    check_year(year)
    check_month(month)
    page = notice_page_for(request, city, year, month)
    suffix = page.notice.number if page.notice else _("draft")
    return xlsx_response(
        write_xlsx(notice_export_rows(page.report), title=page.title, sheet_name="通报"),
        f"{page.title}{suffix}.xlsx",
    )


@require_GET
@role_required(*FIGURE_READERS)
def quarterly_review(request: HttpRequest, city_code: str, year: int, quarter: int) -> HttpResponse:
    """季约谈: the regions to interview at the quarter's end, decided on the issued
    quarter-end notice (for staff, provisionally on the figures as they stand), the
    interviews held, and the quarter's campaign figures."""
    city = url_city(request, city_code)
    check_year(year)
    check_quarter(quarter)
    try:
        review = pages.quarterly_review(city, year, quarter, drafts=sees_drafts(request.user))
    except pages.NotIssued:
        raise Http404(_("This notice has not been issued.")) from None
    context = {
        "city": city,
        "year": year,
        "quarter": quarter,
        "month": review.month,
        "report": review.page.report,
        "notice": review.page.notice,
        "cases": review.cases,
        "campaigns": review.campaigns,
        "interviews": review.interviews,
        "editable": sees_drafts(request.user),
    }
    return render(request, "assessments/quarterly_review.html", context)


@require_POST
@role_required(*STAFF)
def interview_record(request: HttpRequest, city_code: str, interview_id: int) -> HttpResponse:
    city = url_city(request, city_code)
    interview = visible_or_404(Interview.objects.filter(city=city), request.user, pk=interview_id)

    def record(data: dict) -> str:
        record_interview(
            interview=interview,
            held_on=data["held_on"],
            participants=data["participants"],
            notes=data["notes"],
            user=request.user,
        )
        return _("The interview record is saved.")

    flash_form(request, InterviewForm(request.POST), record)
    return redirect(
        "assessments:quarterly_review",
        city_code=city.admin_code,
        year=interview.year,
        quarter=interview.quarter,
    )


@require_GET
@role_required(*FIGURE_READERS)
def assessment_detail(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    """年考评: every region's score with each indicator's input, method and points — frozen
    once issued; for staff, the draft on the figures as they stand and the form to issue it."""
    city = url_city(request, city_code)
    check_year(year)
    try:
        page = pages.assessment_page(city, year, drafts=sees_drafts(request.user))
    except pages.NotIssued:
        # Not a dead end: the menu links here all year, before the assessment is issued.
        return render(
            request,
            "assessments/assessment_detail.html",
            {"city": city, "year": year, "not_issued": True},
        )
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "city": city,
            "year": year,
            "page": page,
            "assessment": page.assessment,
            "plan": page.plan,
            "editable": sees_drafts(request.user),
            "form": IssueAssessmentForm(initial={"issued_on": timezone.localdate()}),
        },
    )


@require_POST
@role_required(*STAFF)
def assessment_issue(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    city = url_city(request, city_code)
    check_year(year)

    def issue(data: dict) -> str:
        issue_assessment(
            city=city,
            year=year,
            issued_on=data["issued_on"],
            user=request.user,
            confirm_partial=data["confirm_partial"],
        )
        return _("The %(year)s assessment is issued.") % {"year": year}

    flash_form(request, IssueAssessmentForm(request.POST), issue)
    return redirect("assessments:assessment_detail", city_code=city.admin_code, year=year)
