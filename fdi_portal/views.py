"""The portal's shell: a home page per role and the organisation registry pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from fdi_portal.access import visible_or_404
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
        context.update(_home_panels(membership))
    return render(request, template, context)


def _comparison(request: HttpRequest, cities: list[City]) -> dict:
    """The city-by-city comparison of readers of several cities (``?year=`` picks the year)."""
    from assessments.pages import province_comparison

    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdigit() and 2000 <= int(year_param) <= 2100 else None
    year = year or timezone.localdate().year
    return {"year": year, "rows": province_comparison(cities, year)}


def _completion_chart(ranking) -> dict | None:
    """The chart's data: completion per region in percent, and the required progress."""
    if ranking is None:
        return None
    rows = [row for row in ranking.rows if row.completion is not None]
    return {
        "names": [row.name for row in rows],
        "values": [float(round(row.completion * 100, 1)) for row in rows],
        "on_track": [row.on_track for row in rows],
        "required": float(round(ranking.required_share * 100, 1)),
        "label": gettext("Completion"),
        "required_label": gettext("Required"),
    }


def _home_panels(membership: Membership) -> dict:
    """What each role's home page shows of its city: the current ranking (all but province
    viewers), the supervision to-do and project alerts (staff, leaders), a unit's plans.
    A fixed number of queries per panel."""
    from assessments.pages import current_ranking, supervision_panel
    from projects.selectors import staff_alerts
    from tasks.models import Plan

    city = membership.city
    if city is None:
        return {}
    ranking = current_ranking(city)
    panels: dict = {"ranking": ranking, "chart": _completion_chart(ranking)}
    if membership.role in (Role.COMMERCE_STAFF, Role.LEADER):
        panels["supervision"] = supervision_panel(city)
        panels["can_draft"] = membership.role == Role.COMMERCE_STAFF
        panels["project_alerts"] = staff_alerts(city, timezone.localdate())
    if membership.role == Role.LEADER:
        from projects.models import Project

        panels["led_projects"] = list(
            Project.objects.filter(city=city, leader=membership.user_id).select_related("region")
        )
    if membership.role == Role.REGION_OFFICIAL:
        panels["own_region"] = membership.region.name
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
