"""Access rules of the targets-and-figures URLs (see tests/test_access_matrix.py)."""

from __future__ import annotations

from tests.access import Rule


def _fcg_region(request) -> dict:
    from fdi_portal.models import Region

    return {"region_id": Region.objects.get(name="上思县").pk}


def _cell(request) -> dict:
    return {"city_code": "450600", "year": 2021, "month": 3, **_fcg_region(request)}


def _target(request) -> dict:
    return {"city_code": "450600", "year": 2021, **_fcg_region(request)}


FCG_2021 = {"city_code": "450600", "year": 2021}
# Readers of the grid: staff, leader, officials (their own row), province viewers of Guangxi.
READ = {"investment_officer": 403, "wuwei_clerk": 404, "stranger": 403}
# Staff only: other roles are refused by role, another city's staff by scope.
STAFF_ONLY = {
    "shangsi_official": 403,
    "investment_officer": 403,
    "leader": 403,
    "province_viewer": 403,
    "wuwei_clerk": 404,
    "stranger": 403,
}


def _submission(request) -> dict:
    """A waiting submission of 上思县's March 2021 figure."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.models import FigureSubmission
    from fdi_portal.models import Region

    submitter = get_user_model().objects.create_user("submitter")
    submission = FigureSubmission.objects.create(
        region=Region.objects.get(name="上思县"),
        year=2021,
        month=3,
        amount_usd=Decimal("100"),
        submitted_by=submitter,
        submitted_at=timezone.now(),
    )
    return {"city_code": "450600", "submission_id": submission.pk}


def _month(request) -> dict:
    return {"city_code": "450600", "year": 2021, "month": 3}


# County officials submit their own region's figures (another region: 404) and read their own
# submissions; staff verify, return and lock.
SUBMITTERS = {**STAFF_ONLY, "shangsi_official": 200, "clerk": 403, "wuwei_clerk": 403}

RULES = {
    "figure_submit": Rule(200, SUBMITTERS, kwargs=_cell),
    "submission_queue": Rule(
        200, {**STAFF_ONLY, "shangsi_official": 200}, kwargs={"city_code": "450600"}
    ),
    # POST-only: a verification, a return without a reason, a lock, an unlock without a reason;
    # each answers with a message and a redirect.
    "submission_verify": Rule(302, STAFF_ONLY, kwargs=_submission, method="post"),
    "submission_return": Rule(302, STAFF_ONLY, kwargs=_submission, method="post"),
    "month_lock": Rule(302, STAFF_ONLY, kwargs=_month, method="post"),
    "month_unlock": Rule(302, STAFF_ONLY, kwargs=_month, method="post"),
    "figures_home": Rule(302, {"investment_officer": 403, "stranger": 403, "superuser": 200}),
    "figure_grid": Rule(200, READ, kwargs=FCG_2021),
    "export_grid": Rule(200, READ, kwargs=FCG_2021),
    "figure_cell": Rule(200, STAFF_ONLY, kwargs=_cell),
    "target_cell": Rule(200, STAFF_ONLY, kwargs=_target),
    # POST-only: an empty form is refused with a message and a redirect to the grid.
    "city_target": Rule(302, STAFF_ONLY, kwargs=FCG_2021, method="post"),
    "figure_history": Rule(
        200,
        {**STAFF_ONLY, "leader": 200},
        kwargs=FCG_2021,
    ),
    # County officials import their own region's figures as submissions.
    "import_upload": Rule(
        200,
        {**STAFF_ONLY, "shangsi_official": 200},
        kwargs={"city_code": "450600", "kind": "figures"},
    ),
    # Without a valid upload token: "the upload has expired", back to the upload page.
    "import_confirm": Rule(
        302,
        {**STAFF_ONLY, "shangsi_official": 302},
        kwargs={"city_code": "450600", "kind": "figures"},
        method="post",
    ),
    "import_template": Rule(
        200,
        {**STAFF_ONLY, "shangsi_official": 200},
        kwargs={"city_code": "450600", "kind": "figures-wide"},
    ),
}


# --- 月通报、季约谈、年考评 -------------------------------------------------------------


def _issued_notice(request) -> dict:
    """An issued June 2021 notice of 防城港 (so that officials may read it)."""
    from assessments.models import Notice
    from fdi_portal.models import City

    Notice.objects.create(
        city=City.objects.get(admin_code="450600"),
        year=2021,
        month=6,
        status=Notice.Status.ISSUED,
        number="〔2021〕第6期",
        sequence=6,
        snapshot=_snapshot(),
    )
    return {"city_code": "450600", "year": 2021, "month": 6}


def _snapshot() -> dict:
    return {
        "version": 1,
        "notice": {
            "city": "450600",
            "year": 2021,
            "month": 6,
            "required_share": "0.5000",
            "regions": [],
            "city_total": {
                "target_usd": None,
                "ytd_usd": "0.00",
                "ytd_last_year_usd": "0.00",
                "completion": None,
                "yoy_growth": None,
                "growth_target": None,
            },
        },
        "details": {
            "city_name": "防城港市",
            "schedule_label": "",
            "regions": {},
            "city": {
                "month_usd": None,
                "on_track": None,
                "shortfall_usd": None,
                "annual_gap_usd": None,
                "catch_up_monthly_usd": None,
                "growth_target_met": None,
            },
            "ranked_count": 0,
        },
        "interviews": {"code": "no_ranked_regions", "regions": []},
    }


def _interview(request) -> dict:
    from decimal import Decimal

    from assessments.models import Interview
    from fdi_portal.models import City, Region

    interview = Interview.objects.create(
        city=City.objects.get(admin_code="450600"),
        region=Region.objects.get(name="上思县"),
        year=2021,
        quarter=2,
        completion=Decimal("0.2"),
        required=Decimal("0.5"),
        rank=4,
        ranked_count=4,
        shortfall_usd=Decimal("100"),
    )
    return {"city_code": "450600", "interview_id": interview.pk}


def _plan(request) -> dict:
    from tasks.models import Plan

    return {"city_code": "450600", "plan_id": Plan.objects.get(city__admin_code="450600").pk}


# Drafts are for staff: everybody else who reads the city gets 404 for an unissued notice.
DRAFT = {**READ, "shangsi_official": 404, "leader": 404, "province_viewer": 404}

RULES.update(
    {
        "notices_home": Rule(302, {"investment_officer": 403, "stranger": 403, "superuser": 200}),
        "notice_list": Rule(200, READ, kwargs={"city_code": "450600"}),
        # An issued notice: every reader of the city.
        "notice_detail": Rule(200, READ, kwargs=_issued_notice),
        "notice_export": Rule(200, READ, kwargs=_issued_notice),
        # Issuing without data: refused with a message, back to the notice.
        "notice_issue": Rule(
            302, STAFF_ONLY, kwargs={"city_code": "450600", "year": 2021, "month": 5}, method="post"
        ),
        # Q1 2021 is not issued: a draft, for staff only.
        "quarterly_review": Rule(
            200, DRAFT, kwargs={"city_code": "450600", "year": 2021, "quarter": 1}
        ),
        "interview_record": Rule(302, STAFF_ONLY, kwargs=_interview, method="post"),
        # Not issued yet: readers who may not see drafts are told so (200), not shown them.
        "assessment_detail": Rule(200, READ, kwargs=FCG_2021),
        "assessment_issue": Rule(302, STAFF_ONLY, kwargs=FCG_2021, method="post"),
        "schedule_edit": Rule(200, STAFF_ONLY, kwargs=_plan),
        "scheme_edit": Rule(200, STAFF_ONLY, kwargs=_plan),
        "plan_goals": Rule(200, {"wuwei_clerk": 404, "stranger": 403}, kwargs=FCG_2021),
    }
)


# --- official documents (公文): Word downloads (PDF is the same view and rule) -------------


def _issued_notice_document(request) -> dict:
    return {**_issued_notice(request), "fmt": "docx"}


RULES.update(
    {
        "notice_document": Rule(200, READ, kwargs=_issued_notice_document),
        # Drafts (Q1 2021, the 2021 assessment not issued): staff only.
        "review_document": Rule(
            200, DRAFT, kwargs={"city_code": "450600", "year": 2021, "quarter": 1, "fmt": "docx"}
        ),
        "assessment_document": Rule(200, DRAFT, kwargs={**FCG_2021, "fmt": "docx"}),
    }
)


# --- the quarterly campaign notice (Q1 2021 not issued: a draft, staff only) -----------------

_Q1 = {"city_code": "450600", "year": 2021, "quarter": 1}

RULES.update(
    {
        # Not issued: staff see the draft, the other readers a page saying it is not issued
        # yet (the quarterly review links here for all of them); another city's is a 404.
        "campaign_notice": Rule(200, READ, kwargs=_Q1),
        # Issuing without a form: refused with a message, back to the notice.
        "campaign_notice_issue": Rule(302, STAFF_ONLY, kwargs=_Q1, method="post"),
        "campaign_notice_export": Rule(200, DRAFT, kwargs=_Q1),
        "campaign_notice_document": Rule(200, DRAFT, kwargs={**_Q1, "fmt": "docx"}),
    }
)
