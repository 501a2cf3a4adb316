"""The portal's shell: a home page per role and the organisation registry pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from fdi_portal.access import visible_or_404
from fdi_portal.forms import picked_period
from fdi_portal.models import City, Department, Membership, Region, Role, membership_of

HOME_TEMPLATES = {
    Role.COMMERCE_STAFF: "fdi_portal/home_commerce_staff.html",
    Role.REGION_OFFICIAL: "fdi_portal/home_region_official.html",
    Role.DEPARTMENT_OFFICER: "fdi_portal/home_department_officer.html",
    Role.LEADER: "fdi_portal/home_leader.html",
    Role.PROVINCE_VIEWER: "fdi_portal/home_province_viewer.html",
}

# Switching language must work on the login page too.
set_language = login_not_required(django_set_language)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    cities = list(City.objects.visible_to(request.user).order_by("admin_code"))
    context: dict = {"cities": cities}
    if request.user.is_superuser or (membership and membership.role == Role.PROVINCE_VIEWER):
        context["comparison"] = _comparison(request, cities)
    if membership is None:
        template = (
            "fdi_portal/home_superuser.html"
            if request.user.is_superuser
            else "fdi_portal/home_no_membership.html"
        )
    else:
        template = HOME_TEMPLATES[membership.role]
        context.update(_home_panels(request, membership))
    return render(request, template, context)


def _comparison(request: HttpRequest, cities: list[City]) -> dict:
    """The city-by-city comparison of readers of several cities (``?year=`` picks the year)."""
    from assessments.pages import province_dashboard

    year = picked_period(request)[0] or timezone.localdate().year
    dashboard = province_dashboard(cities, year)
    return {
        "year": year,
        "rows": [row.comparison for row in dashboard.rows],
        "dashboard": dashboard,
    }


def _home_panels(request: HttpRequest, membership: Membership) -> dict:
    """What each role's home page shows of its city: the city dashboard (staff, leaders), the
    region's page (county and park officials), a unit's plans (department officers). A fixed
    number of queries per panel."""
    from assessments.pages import city_dashboard, region_page, supervision_panel
    from assessments.publication import region_page_for
    from projects.selectors import staff_alerts
    from tasks.models import Plan

    city = membership.city
    if city is None:
        return {}
    today = timezone.localdate()
    year, month = picked_period(request)
    panels: dict = {}
    if membership.role in (Role.COMMERCE_STAFF, Role.LEADER):
        # Read (from the shared cache, or computed) only if the page's fragment is not kept:
        # unpickling them cost a kept page more than the rest of its work.
        dashboard = SimpleLazyObject(
            lambda: city_dashboard(city, year=year, month=month, today=today)
        )
        panels.update(
            dashboard=dashboard,
            dashboard_key=(city.pk, year, month),
            ranking=SimpleLazyObject(lambda: dashboard.report),
            supervision=SimpleLazyObject(lambda: supervision_panel(city)),
            can_draft=membership.role == Role.COMMERCE_STAFF,
            project_alerts=SimpleLazyObject(lambda: staff_alerts(city, today)),
        )
    if membership.role == Role.LEADER:
        from projects.models import Project

        panels["led_projects"] = SimpleLazyObject(
            lambda: list(
                Project.objects.filter(city=city, leader=membership.user_id).select_related(
                    "region"
                )
            )
        )
    if membership.role == Role.REGION_OFFICIAL:
        # Before a notice is issued, the other regions as published (assessments.publication).
        page, published = region_page_for(
            request.user, region_page(city, membership.region, year=year, month=month)
        )
        panels.update(
            region_page=page,
            ranking=page.report,
            published_notice=published,
            own_region=membership.region.name,
        )
    if membership.role == Role.DEPARTMENT_OFFICER:
        panels["plans"] = list(Plan.objects.in_city(city))
    return panels


@require_GET
def organisation(request: HttpRequest) -> HttpResponse:
    """The user's own city registry, or the list of cities for those who read several."""
    cities = list(City.objects.visible_to(request.user))
    if len(cities) == 1:
        return redirect("city_organisation", city_code=cities[0].admin_code)
    return render(request, "fdi_portal/city_list.html", {"cities": cities})


@require_GET
def city_organisation(request: HttpRequest, city_code: str) -> HttpResponse:
    """A city's regions and departments with the names documents use for them."""
    city = visible_or_404(City, request.user, admin_code=city_code)
    regions = list(Region.objects.in_city(city))
    departments = list(Department.objects.in_city(city))
    return render(
        request,
        "fdi_portal/city_organisation.html",
        {"city": city, "regions": regions, "departments": departments},
    )
