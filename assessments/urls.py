from django.urls import path

from assessments import (
    campaign_views,
    document_views,
    figure_import_views,
    notice_views,
    scheme_views,
    views,
)
from fdi_portal.import_views import import_urls

app_name = "assessments"

urlpatterns = [
    path("", views.figures_home, name="figures_home"),
    path("<str:city_code>/<int:year>/", views.figure_grid_page, name="figure_grid"),
    path(
        "<str:city_code>/<int:year>/cell/<int:region_id>/<int:month>/",
        views.figure_cell,
        name="figure_cell",
    ),
    path(
        "<str:city_code>/<int:year>/target/<int:region_id>/",
        views.target_cell,
        name="target_cell",
    ),
    path(
        "<str:city_code>/<int:year>/submit/<int:region_id>/<int:month>/",
        views.figure_submit,
        name="figure_submit",
    ),
    path("<str:city_code>/submissions/", views.submission_queue, name="submission_queue"),
    path(
        "<str:city_code>/submissions/<int:submission_id>/verify/",
        views.submission_verify,
        name="submission_verify",
    ),
    path(
        "<str:city_code>/submissions/<int:submission_id>/return/",
        views.submission_return,
        name="submission_return",
    ),
    path("<str:city_code>/<int:year>/lock/<int:month>/", views.month_lock, name="month_lock"),
    path("<str:city_code>/<int:year>/unlock/<int:month>/", views.month_unlock, name="month_unlock"),
    path("<str:city_code>/<int:year>/city-target/", views.city_target, name="city_target"),
    path("<str:city_code>/<int:year>/history/", views.figure_history, name="figure_history"),
    path("<str:city_code>/<int:year>/export/", views.export_grid, name="export_grid"),
    # Figures and targets: the upload → preview → confirm pages every import shares.
    *import_urls(
        figure_import_views.IMPORTS,
        upload="<str:city_code>/import/<str:kind>/",
        confirm="<str:city_code>/import/<str:kind>/confirm/",
        template="<str:city_code>/template/<str:kind>/",
    ),
    # 月通报、季约谈、年考评
    path("notices/", notice_views.notices_home, name="notices_home"),
    path("<str:city_code>/notices/", notice_views.notice_list, name="notice_list"),
    path(
        "<str:city_code>/notices/<int:year>/<int:month>/",
        notice_views.notice_detail,
        name="notice_detail",
    ),
    path(
        "<str:city_code>/notices/<int:year>/<int:month>/issue/",
        notice_views.notice_issue,
        name="notice_issue",
    ),
    path(
        "<str:city_code>/notices/<int:year>/<int:month>/xlsx/",
        notice_views.notice_export,
        name="notice_export",
    ),
    path(
        "<str:city_code>/reviews/<int:year>/<int:quarter>/",
        notice_views.quarterly_review,
        name="quarterly_review",
    ),
    # The pages as official documents (公文), Word or PDF: assessments/document_views.py.
    path(
        "<str:city_code>/notices/<int:year>/<int:month>/document.<str:fmt>",
        document_views.notice_document,
        name="notice_document",
    ),
    path(
        "<str:city_code>/reviews/<int:year>/<int:quarter>/document.<str:fmt>",
        document_views.review_document,
        name="review_document",
    ),
    path(
        "<str:city_code>/assessments/<int:year>/document.<str:fmt>",
        document_views.assessment_document,
        name="assessment_document",
    ),
    # The quarterly campaign notice (落地率、到位率): assessments/campaign_views.py.
    path(
        "<str:city_code>/campaigns/<int:year>/<int:quarter>/",
        campaign_views.campaign_notice,
        name="campaign_notice",
    ),
    path(
        "<str:city_code>/campaigns/<int:year>/<int:quarter>/issue/",
        campaign_views.campaign_notice_issue,
        name="campaign_notice_issue",
    ),
    path(
        "<str:city_code>/campaigns/<int:year>/<int:quarter>/xlsx/",
        campaign_views.campaign_notice_export,
        name="campaign_notice_export",
    ),
    path(
        "<str:city_code>/campaigns/<int:year>/<int:quarter>/document.<str:fmt>",
        campaign_views.campaign_notice_document,
        name="campaign_notice_document",
    ),
    path(
        "<str:city_code>/interviews/<int:interview_id>/",
        notice_views.interview_record,
        name="interview_record",
    ),
    path(
        "<str:city_code>/assessments/<int:year>/",
        notice_views.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "<str:city_code>/assessments/<int:year>/issue/",
        notice_views.assessment_issue,
        name="assessment_issue",
    ),
    path(
        "<str:city_code>/plans/<int:plan_id>/schedule/",
        scheme_views.schedule_edit,
        name="schedule_edit",
    ),
    path(
        "<str:city_code>/plans/<int:plan_id>/scheme/", scheme_views.scheme_edit, name="scheme_edit"
    ),
    path("<str:city_code>/goals/<int:year>/", scheme_views.plan_goals, name="plan_goals"),
]
