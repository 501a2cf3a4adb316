"""Which roles may read an endpoint: the role groups of ``fdi_portal.access``, as the pages use
them (``role_required``); what each role sees within is its ``visible_to`` scope."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from fdi_portal.access import has_role
from fdi_portal.models import membership_of


class HasMembership(permissions.BasePermission):
    """An authenticated user with a role in the portal (or a superuser); each endpoint may
    narrow the roles with ``roles`` on the view, as ``role_required`` narrows a page."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        roles = getattr(view, "roles", None)
        if roles is not None:
            return has_role(user, *roles)
        return user.is_superuser or membership_of(user) is not None
