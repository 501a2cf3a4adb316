"""The read API (/api/v1/). Every endpoint reads through the same scoping as the pages: the
role groups of ``fdi_portal.access`` decide who may read it (as ``role_required`` decides for a
page) and ``X.objects.visible_to(user)`` what they see in it, so an object a user may not see
on a page is not in their API results either (a 404 for its detail). Figures follow the rule
of unpublished figures (``fdi_portal.access.sees_unpublished_figures``); notices and annual
assessments are the issued ones only, read from their frozen snapshots.

Lists are paginated (``count``, ``next``, ``previous``, ``results``) in a stable order (the
last key is the primary key) and filtered by query parameters; every read made with a token is
logged in the audit log with the token's name.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api import serializers
from api.models import ApiToken
from assessments.models import (
    AnnualAssessment,
    CityTarget,
    Interview,
    MonthlyFigure,
    Notice,
    RegionTarget,
)
from fdi_portal.access import (
    FIGURE_READERS,
    OVERVIEW_READERS,
    PROJECT_READERS,
    has_role,
    sees_unpublished_figures,
)
from fdi_portal.audit import record_event
from fdi_portal.models import AuditEvent, City, Region, Role, membership_of
from projects.models import Arrival, Project
from tasks.models import Assignment, Plan, ProgressReport, Task


def _param(name: str, description: str, *, required: bool = False, kind: Any = None) -> Any:
    return OpenApiParameter(
        name, kind or OpenApiTypes.STR, required=required, description=description
    )


CITY = _param("city", "The city's administrative code, e.g. 450600.")
YEAR = _param("year", "The year, e.g. 2021.", kind=OpenApiTypes.INT)
REGION = _param("region", "A region's code (administrative code; a park: id<pk>).")


def _int(request: Request, name: str, low: int, high: int, *, required: bool = False) -> int | None:
    """The integer query parameter ``name`` in [low, high]; None when absent; 400 otherwise."""
    raw = request.query_params.get(name, "")
    if raw == "":
        if required:
            raise drf_serializers.ValidationError({name: _("This parameter is required.")})
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise drf_serializers.ValidationError(
            {name: _("A whole number from %(low)s to %(high)s.") % {"low": low, "high": high}}
        )
    return int(raw)


def _region_filter(queryset: QuerySet, code: str, field: str = "region") -> QuerySet:
    """Rows of the region with ``code`` (an administrative code, or ``id<pk>`` for a park)."""
    if code.startswith("id") and code[2:].isdigit():
        return queryset.filter(**{f"{field}_id": int(code[2:])})
    return queryset.filter(**{f"{field}__admin_code": code})


def figures_scope(queryset: QuerySet, user: Any, field: str = "region") -> QuerySet:
    """``queryset`` of a city's region figures as ``user`` may read them live: everything,
    except for a county official who does not see unpublished figures
    (``sees_unpublished_figures``), who reads their own region only, as on the figures grid;
    the other regions reach them as the issued notices published them (/api/v1/notices/)."""
    if sees_unpublished_figures(user):
        return queryset
    membership = membership_of(user)
    return queryset.filter(**{f"{field}_id": membership.region_id if membership else None})


class Endpoint:
    """What every endpoint shares: the roles that may read it (checked by
    ``api.permissions.HasMembership``), and every read made with a token recorded in the audit
    log with the token's name, the path and query (and the status when it is not 200)."""

    #: The roles that may read the endpoint (None: every role), as ``role_required``.
    roles: tuple[Role, ...] | None = None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken):
            status = "" if response.status_code == 200 else f" → {response.status_code}"
            record_event(
                kind=AuditEvent.Kind.EXPORT,
                user=request.user,
                action=f"API «{token.name}» {request.get_full_path()}{status}",
            )
        return response


class ReadOnlyViewSet(Endpoint, viewsets.ReadOnlyModelViewSet):
    """A list and its objects, read-only."""


class ListViewSet(Endpoint, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list only: its rows have no page of their own."""


@extend_schema_view(
    list=extend_schema(summary="Cities with their regions", tags=["organisation"]),
    retrieve=extend_schema(summary="A city with its regions", tags=["organisation"]),
)
class CityViewSet(ReadOnlyViewSet):
    serializer_class = serializers.CitySerializer
    lookup_field = "admin_code"
    lookup_url_kwarg = "code"

    def get_queryset(self) -> QuerySet:
        return (
            City.objects.visible_to(self.request.user)
            .prefetch_related(Prefetch("regions", Region.objects.order_by("order", "name", "pk")))
            .order_by("admin_code")
        )


@extend_schema_view(
    list=extend_schema(summary="Regions", parameters=[CITY], tags=["organisation"]),
    retrieve=extend_schema(summary="A region", tags=["organisation"]),
)
class RegionViewSet(ReadOnlyViewSet):
    serializer_class = serializers.RegionSerializer

    def get_queryset(self) -> QuerySet:
        regions = Region.objects.visible_to(self.request.user).select_related("city")
        if city := self.request.query_params.get("city"):
            regions = regions.filter(city__admin_code=city)
        return regions.order_by("city__admin_code", "order", "name", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Monthly utilised-FDI figures (verified)",
        description=(
            "The official, verified figures only (a county's submission counts once verified). "
            "A county official reads their own region's, unless the bureau shares unpublished "
            "figures (UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS=all)."
        ),
        parameters=[
            _param("city", "The city's administrative code, e.g. 450600.", required=True),
            _param("year", "The year, e.g. 2021.", required=True, kind=OpenApiTypes.INT),
            _param("month", "One month, 1–12.", kind=OpenApiTypes.INT),
            REGION,
        ],
        tags=["figures"],
    ),
)
class FigureViewSet(ListViewSet):
    serializer_class = serializers.FigureSerializer
    roles = FIGURE_READERS

    def get_queryset(self) -> QuerySet:
        params = self.request.query_params
        if not params.get("city"):
            raise drf_serializers.ValidationError({"city": _("This parameter is required.")})
        year = _int(self.request, "year", 1900, 2999, required=True)
        history = MonthlyFigure.history.model.objects.filter(id=OuterRef("pk"))
        figures = (
            figures_scope(MonthlyFigure.objects.visible_to(self.request.user), self.request.user)
            .filter(region__city__admin_code=params["city"], year=year)
            .select_related("region")
            .annotate(
                updated_at=Subquery(history.order_by("-history_date").values("history_date")[:1])
            )
        )
        if (month := _int(self.request, "month", 1, 12)) is not None:
            figures = figures.filter(month=month)
        if region := params.get("region"):
            figures = _region_filter(figures, region)
        return figures.order_by("region__order", "region__name", "region_id", "month", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Regions' annual targets", parameters=[CITY, YEAR, REGION], tags=["figures"]
    ),
    retrieve=extend_schema(summary="A region's annual target", tags=["figures"]),
)
class RegionTargetViewSet(ReadOnlyViewSet):
    serializer_class = serializers.RegionTargetSerializer
    roles = FIGURE_READERS

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        targets = figures_scope(RegionTarget.objects.visible_to(user), user).select_related(
            "region"
        )
        if city := self.request.query_params.get("city"):
            targets = targets.filter(region__city__admin_code=city)
        if (year := _int(self.request, "year", 1900, 2999)) is not None:
            targets = targets.filter(year=year)
        if region := self.request.query_params.get("region"):
            targets = _region_filter(targets, region)
        return targets.order_by("region__city__admin_code", "-year", "region__order", "pk")


@extend_schema_view(
    list=extend_schema(summary="City targets", parameters=[CITY, YEAR], tags=["figures"]),
    retrieve=extend_schema(summary="A city target", tags=["figures"]),
)
class CityTargetViewSet(ReadOnlyViewSet):
    serializer_class = serializers.CityTargetSerializer
    roles = FIGURE_READERS

    def get_queryset(self) -> QuerySet:
        targets = CityTarget.objects.visible_to(self.request.user).select_related("city")
        if city := self.request.query_params.get("city"):
            targets = targets.filter(city__admin_code=city)
        if (year := _int(self.request, "year", 1900, 2999)) is not None:
            targets = targets.filter(year=year)
        return targets.order_by("city__admin_code", "-year", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Issued monthly notices, as published",
        description="Only issued notices, each read from its frozen snapshot; never a draft.",
        parameters=[CITY, YEAR, _param("month", "The month, 1–12.", kind=OpenApiTypes.INT)],
        tags=["supervision"],
    ),
    retrieve=extend_schema(summary="An issued monthly notice", tags=["supervision"]),
)
class NoticeViewSet(ReadOnlyViewSet):
    serializer_class = serializers.NoticeSerializer
    roles = FIGURE_READERS

    def get_queryset(self) -> QuerySet:
        notices = (
            Notice.objects.visible_to(self.request.user)
            .issued()
            .filter(kind=Notice.Kind.MONTHLY)
            .select_related("city")
        )
        if city := self.request.query_params.get("city"):
            notices = notices.filter(city__admin_code=city)
        if (year := _int(self.request, "year", 1900, 2999)) is not None:
            notices = notices.filter(year=year)
        if (month := _int(self.request, "month", 1, 12)) is not None:
            notices = notices.filter(month=month)
        return notices.order_by("city__admin_code", "-year", "-month", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Quarterly interviews (季约谈)",
        parameters=[CITY, YEAR, _param("quarter", "1–4.", kind=OpenApiTypes.INT)],
        tags=["supervision"],
    ),
    retrieve=extend_schema(summary="A quarterly interview", tags=["supervision"]),
)
class InterviewViewSet(ReadOnlyViewSet):
    serializer_class = serializers.InterviewSerializer
    roles = FIGURE_READERS

    def get_queryset(self) -> QuerySet:
        interviews = Interview.objects.visible_to(self.request.user).select_related(
            "city", "region"
        )
        if city := self.request.query_params.get("city"):
            interviews = interviews.filter(city__admin_code=city)
        if (year := _int(self.request, "year", 1900, 2999)) is not None:
            interviews = interviews.filter(year=year)
        if (quarter := _int(self.request, "quarter", 1, 4)) is not None:
            interviews = interviews.filter(quarter=quarter)
        return interviews.order_by("city__admin_code", "-year", "-quarter", "region__order", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Issued annual assessments (年考评)", parameters=[CITY, YEAR], tags=["supervision"]
    ),
    retrieve=extend_schema(summary="An issued annual assessment", tags=["supervision"]),
)
class AssessmentViewSet(ReadOnlyViewSet):
    serializer_class = serializers.AssessmentSerializer
    roles = FIGURE_READERS

    def get_queryset(self) -> QuerySet:
        assessments = (
            AnnualAssessment.objects.visible_to(self.request.user).issued().select_related("city")
        )
        if city := self.request.query_params.get("city"):
            assessments = assessments.filter(city__admin_code=city)
        if (year := _int(self.request, "year", 1900, 2999)) is not None:
            assessments = assessments.filter(year=year)
        return assessments.order_by("city__admin_code", "-year", "pk")


def visible_reports(user: Any) -> QuerySet:
    """The progress reports ``user`` may read on a plan's pages: every unit's for the roles
    that read a city's overviews, their own unit's for a department officer, none otherwise."""
    reports = ProgressReport.objects.select_related("department").order_by(
        "year", "quarter", "department__order", "pk"
    )
    if has_role(user, *OVERVIEW_READERS):
        return reports
    membership = membership_of(user)
    if membership is not None and membership.role == Role.DEPARTMENT_OFFICER:
        return reports.filter(department_id=membership.department_id)
    return reports.none()


@extend_schema_view(
    list=extend_schema(summary="Plans", parameters=[CITY], tags=["plans"]),
    retrieve=extend_schema(summary="A plan with its tasks and their progress", tags=["plans"]),
)
class PlanViewSet(ReadOnlyViewSet):
    def get_serializer_class(self) -> type:
        if self.action == "retrieve":
            return serializers.PlanDetailSerializer
        return serializers.PlanSerializer

    def get_queryset(self) -> QuerySet:
        plans = Plan.objects.visible_to(self.request.user).select_related("city")
        if self.action == "retrieve":
            plans = plans.prefetch_related(
                Prefetch(
                    "tasks",
                    Task.objects.order_by("order", "pk").prefetch_related(
                        Prefetch(
                            "assignments",
                            Assignment.objects.select_related("department").order_by("order", "pk"),
                        ),
                        Prefetch(
                            "reports",
                            visible_reports(self.request.user),
                            to_attr="visible_reports",
                        ),
                    ),
                )
            )
        if city := self.request.query_params.get("city"):
            plans = plans.filter(city__admin_code=city)
        return plans.order_by("city__admin_code", "-year", "title", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Foreign-investment projects with their stage and arrivals",
        description="A county official reads their own region's projects, as on the pages.",
        parameters=[CITY, REGION, _param("stage", "A stage code, e.g. landed.")],
        tags=["projects"],
    ),
    retrieve=extend_schema(summary="A project", tags=["projects"]),
)
class ProjectViewSet(ReadOnlyViewSet):
    serializer_class = serializers.ProjectSerializer
    roles = PROJECT_READERS

    def get_queryset(self) -> QuerySet:
        projects = (
            Project.objects.visible_to(self.request.user)
            .select_related("city", "region", "investor", "campaign")
            .prefetch_related(Prefetch("arrivals", Arrival.objects.order_by("year", "month", "pk")))
        )
        if city := self.request.query_params.get("city"):
            projects = projects.filter(city__admin_code=city)
        if region := self.request.query_params.get("region"):
            projects = _region_filter(projects, region)
        if stage := self.request.query_params.get("stage"):
            projects = projects.filter(stage=stage)
        return projects.order_by("city__admin_code", "region__order", "name", "pk")
