"""Access helpers: the one place where views turn "who is asking" into "what they may see".

Scoping itself lives on the querysets (``visible_to(user)``, ``writable_by(user)``); views fetch
every object through :func:`visible_or_404`, so an object outside the user's scope is a 404 (its
existence is not revealed), and gate whole pages by role with :func:`role_required` (403).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from fdi_portal.models import Role, membership_of

M = TypeVar("M", bound=models.Model)
View = Callable[..., HttpResponse]


def visible_or_404(source: type[M] | models.QuerySet[M], user: Any, **lookups: Any) -> M:
    """The object matching ``lookups`` among those ``user`` may see, else Http404."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    try:
        return queryset.visible_to(user).get(**lookups)
    except queryset.model.DoesNotExist:
        raise Http404(_("No such page, or it is not yours to see.")) from None


def has_role(user: Any, *roles: Role) -> bool:
    """True for a superuser and for a user whose membership has one of ``roles``."""
    if user.is_authenticated and user.is_superuser:
        return True
    membership = membership_of(user)
    return membership is not None and membership.role in roles


def role_required(*roles: Role) -> Callable[[View], View]:
    """Refuse (403) a view to users whose role is not among ``roles``; superusers pass."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, *roles):
                raise PermissionDenied(_("Your role does not allow this page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Who may do what, by role: each group named once, here. Superusers pass every check.

#: The commerce bureau's staff: they write figures and targets, verify, lock and issue.
STAFF = (Role.COMMERCE_STAFF,)
#: Roles that read a whole city's data.
CITY_READERS = (Role.COMMERCE_STAFF, Role.LEADER, Role.REGION_OFFICIAL, Role.DEPARTMENT_OFFICER)
#: Roles that read the monthly figures, notices, reviews and assessments (a county official:
#: their own region's figures and what the issued notices published).
FIGURE_READERS = (Role.COMMERCE_STAFF, Role.LEADER, Role.REGION_OFFICIAL, Role.PROVINCE_VIEWER)
#: Roles that read the overviews of a city: its dashboard and every unit's progress on a plan.
OVERVIEW_READERS = (Role.COMMERCE_STAFF, Role.LEADER, Role.PROVINCE_VIEWER)
#: Roles that read projects (a province viewer: every city of the province).
PROJECT_READERS = (*CITY_READERS, Role.PROVINCE_VIEWER)
#: Roles that create and edit projects and their arrivals.
PROJECT_WRITERS = (Role.COMMERCE_STAFF, Role.REGION_OFFICIAL)
#: Roles that record promotion events.
EVENT_WRITERS = (Role.COMMERCE_STAFF, Role.REGION_OFFICIAL, Role.DEPARTMENT_OFFICER)


def sees_unpublished_figures(user: Any) -> bool:
    """Whether ``user`` sees every region's figures before the month's notice is issued: yes
    for everyone but a county official, who does only when the bureau shares them
    (``UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS = "all"``; assessments.publication)."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.REGION_OFFICIAL:
        return True
    return settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS == "all"
