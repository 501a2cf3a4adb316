"""The pages that combine the apps below: a home page per role (the city dashboard for staff and
leaders, its lowest panels loaded apart when scrolled to, the region's page for county officials, the unit's plans for department officers, the
province view for readers of several cities) and the city dashboard and region page opened from
the rankings. Each page is built by ``dashboards.pages``; ``?year=&month=`` pick the period."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from dashboards import pages
from fdi_portal.access import OVERVIEW_READERS, role_required, visible_or_404
from fdi_portal.forms import picked_period
from fdi_portal.models import City, Membership, Region, Role, membership_of
from projects.alerts import staff_alerts
from projects.models import Project
from projects.selectors import open_difficulties_by_age
from tasks.models import Plan
from tasks.selectors import department_due_tasks

HOME_TEMPLATES = {
    Role.COMMERCE_STAFF: "dashboards/home_commerce_staff.html",
    Role.REGION_OFFICIAL: "dashboards/home_region_official.html",
    Role.DEPARTMENT_OFFICER: "dashboards/home_department_officer.html",
    Role.LEADER: "dashboards/home_leader.html",
    Role.PROVINCE_VIEWER: "dashboards/home_province_viewer.html",
}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The user's home page, by role (``HOME_TEMPLATES``); readers of several cities (province
    viewers, superusers) get the city-by-city comparison above the list of their cities."""
    membership = membership_of(request.user)
    cities = list(City.objects.visible_to(request.user).order_by("admin_code"))
    context: dict = {"cities": cities}
    if request.user.is_superuser or (membership and membership.role == Role.PROVINCE_VIEWER):
        context["comparison"] = _comparison(request, cities)
    if membership is None:
        template = (
            "dashboards/home_superuser.html"
            if request.user.is_superuser
            else "dashboards/home_no_membership.html"
        )
    else:
        template = HOME_TEMPLATES[membership.role]
        context.update(_home_panels(request, membership))
    return render(request, template, context)


def _comparison(request: HttpRequest, cities: list[City]) -> dict:
    """The city-by-city comparison of readers of several cities (``?year=`` picks the year)."""
    year = picked_period(request)[0] or timezone.localdate().year
    dashboard = pages.province_dashboard(cities, year)
    return {
        "year": year,
        "rows": [row.comparison for row in dashboard.rows],
        "dashboard": dashboard,
    }


def _home_panels(request: HttpRequest, membership: Membership) -> dict:
    """What each role's home page shows of its city: the city dashboard (staff, leaders), the
    region's page (county and park officials), a unit's plans (department officers). A fixed
    number of queries per panel."""
    city = membership.city
    if city is None:
        return {}
    today = timezone.localdate()
    year, month = picked_period(request)
    panels: dict = {}
    if membership.role in (Role.COMMERCE_STAFF, Role.LEADER):
        # Read (from the shared cache, or computed) only if the page's fragment is not kept:
        # unpickling them cost a kept page more than the rest of its work.
        dashboard = SimpleLazyObject(lambda: pages.city_dashboard(city, year=year, month=month))
        panels.update(
            dashboard=dashboard,
            dashboard_key=(city, year, month),
            ranking=SimpleLazyObject(lambda: dashboard.report),
        )
    if membership.role == Role.REGION_OFFICIAL:
        # Before a notice is issued, the other regions as published (assessments.publication).
        page, published = pages.region_page_for(
            request.user, pages.region_page(city, membership.region, year=year, month=month)
        )
        panels.update(
            region_page=page,
            ranking=page.report,
            published_notice=published,
            correction_pending=page.correction_pending,
            own_region=membership.region.name,
        )
    if membership.role == Role.DEPARTMENT_OFFICER:
        plans = list(Plan.objects.in_city(city))
        panels["plans"] = plans
        # What the officer has to do first: the reports overdue and due this quarter.
        if membership.department is not None:
            panels["due_tasks"] = department_due_tasks(plans, membership.department.name, today)
    return panels


@require_GET
@role_required(*OVERVIEW_READERS)
def city_dashboard(request: HttpRequest, city_code: str) -> HttpResponse:
    """A city's dashboard (for readers of several cities; staff and leaders have it as their
    home): goals, utilised FDI against target and schedule, trend, ranking, pipeline."""
    city = visible_or_404(City, request.user, admin_code=city_code)
    year, month = picked_period(request)
    dashboard = pages.city_dashboard(city, year=year, month=month)
    return render(
        request,
        "dashboards/city_dashboard.html",
        {"dashboard": dashboard, "dashboard_key": (city, year, month)},
    )


@require_GET
@role_required(*OVERVIEW_READERS)
def attention(request: HttpRequest, city_code: str) -> HttpResponse:
    """The city dashboard's lower part, what needs doing rather than a glance: the quarter's
    task reports, open difficulties by age and, for the city's own staff and leaders, the
    supervision to-do, the most urgent project alerts and the projects a leader follows. The
    dashboard loads it when the reader scrolls down to it (htmx, ``revealed``), for the period
    it shows (``?year=&month=``): a reader who stays at the top costs none of its queries.
    Without JavaScript its link opens it as a page of its own."""
    city = visible_or_404(City, request.user, admin_code=city_code)
    membership = membership_of(request.user)
    today = timezone.localdate()
    year, month = picked_period(request)
    # Read only if the reader's kept fragment is not (templates/dashboards/_attention.html).
    period = SimpleLazyObject(lambda: pages.dashboard_period(city, year, month))
    context: dict = {
        "city": city,
        "attention_key": (city, year, month),
        "tasks": SimpleLazyObject(lambda: pages.task_status(city, period, today)),
        "difficulties": SimpleLazyObject(lambda: open_difficulties_by_age(city, today)),
    }
    if membership is not None and membership.city_id == city.pk:
        if membership.role in (Role.COMMERCE_STAFF, Role.LEADER):
            context["supervision"] = SimpleLazyObject(lambda: pages.supervision_panel(city))
            context["can_draft"] = membership.role == Role.COMMERCE_STAFF
            context["project_alerts"] = SimpleLazyObject(lambda: staff_alerts(city, today))
        if membership.role == Role.LEADER:
            context["led_projects"] = SimpleLazyObject(
                lambda: list(
                    Project.objects.filter(city=city, leader=membership.user_id)
                    .select_related("region")
                    .order_by("name", "pk")
                )
            )
    template = (
        "dashboards/_attention.html"
        if request.headers.get("HX-Request")
        else "dashboards/attention.html"
    )
    return render(request, template, context)


@require_GET
@role_required(*OVERVIEW_READERS, Role.REGION_OFFICIAL)
def region_page(request: HttpRequest, city_code: str, region_code: str) -> HttpResponse:
    """A region's page (a county official's home; staff, leaders and province viewers open any);
    a county official sees their own region's only (404 otherwise)."""
    city = visible_or_404(City, request.user, admin_code=city_code)
    regions = Region.objects.in_city(city)
    membership = membership_of(request.user)
    if membership is not None and membership.role == Role.REGION_OFFICIAL:
        regions = regions.filter(pk=membership.region_id)
    if region_code.startswith("id") and region_code[2:].isdigit():
        region = visible_or_404(regions, request.user, pk=int(region_code[2:]))
    else:
        region = visible_or_404(regions, request.user, admin_code=region_code)
    year, month = picked_period(request)
    page, published = pages.region_page_for(
        request.user, pages.region_page(city, region, year=year, month=month)
    )
    return render(
        request,
        "dashboards/region_page.html",
        {
            "page": page,
            "published_notice": published,
            "correction_pending": page.correction_pending,
        },
    )
