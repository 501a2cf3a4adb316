"""The portal's shell: switching language and the organisation registry pages. (The home pages
per role, which combine the apps above the core, are dashboards/views.py.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from fdi_portal.access import visible_or_404
from fdi_portal.models import City, Department, Region

# Switching language must work on the login page too.
set_language = login_not_required(django_set_language)


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
