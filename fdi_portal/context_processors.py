"""Template context shared by every page: the user's membership and their navigation."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fdi_portal.access import FIGURE_READERS
from fdi_portal.models import Role, membership_of


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: tuple[Role, ...]


#: The main navigation. Apps add their entries here as they gain pages; an item shows for
#: superusers and for the roles listed.
NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home", tuple(Role)),
    NavItem(_("Utilised FDI"), "assessments:figures_home", FIGURE_READERS),
    NavItem(_("Notices"), "assessments:notices_home", FIGURE_READERS),
    NavItem(_("Plans"), "tasks:plan_list", tuple(Role)),
    NavItem(_("Projects"), "projects:project_list", tuple(Role)),
    NavItem(_("Difficulties list"), "projects:difficulty_list", tuple(Role)),
    NavItem(_("Promotion events"), "projects:event_list", tuple(Role)),
    NavItem(_("Organisation"), "organisation", tuple(Role)),
)


def portal(request: HttpRequest) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    membership = membership_of(user)
    role = membership.role if membership else None
    items = [
        {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
        for item in NAVIGATION
        if user.is_superuser or role in item.roles
    ]
    return {"membership": membership, "nav_items": items}
