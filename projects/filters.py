"""The project list's filters and orders, shared by the list, its export and the export's
background job (projects.jobs)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils import timezone

from projects import alerts
from projects.forms import ProjectFilterForm
from projects.models import Project, ProjectRule

#: The project list's orders (``?sort=``): by city and region (the default), by name, by
#: contracted FDI, largest first. With the alerts filter and no sort, the most urgent first.
PROJECT_SORTS: dict[str, tuple[Any, ...]] = {
    "": ("city__admin_code", "region__order", "name", "pk"),
    "name": ("name", "pk"),
    "-contracted": (F("contracted_fdi_usd").desc(nulls_last=True), "name", "pk"),
}


def filtered_projects(user: Any, params: QueryDict) -> tuple[ProjectFilterForm, QuerySet[Project]]:
    """The projects ``user`` sees matching the list's filters ``params``, in the list's order:
    a queryset, filtered and ordered by the database (rules and alerts too), nothing read yet.
    (Also run by the export and its background job, projects.jobs, from the user's id and the
    query string.)"""
    codes = (
        ProjectRule.objects.visible_to(user)
        .order_by("consequence_code")
        .values_list("consequence_code", "consequence")
        .distinct()
    )
    form = ProjectFilterForm(params or None, user=user, flags=list(codes))
    projects: QuerySet[Project] = Project.objects.visible_to(user)
    today = timezone.localdate()
    sort = params.get("sort", "")
    if form.is_valid():
        data = form.cleaned_data
        for field in ("city", "region", "campaign"):
            if data[field]:
                projects = projects.filter(**{field: data[field]})
        if data["stage"]:
            projects = projects.filter(stage=data["stage"])
        if data["origin"]:
            projects = projects.filter(investor__origin_kind=data["origin"])
        if data["industry"]:
            projects = projects.filter(industry=data["industry"])
        if data["leader"]:
            projects = projects.filter(leader__isnull=data["leader"] == "no")
        if data["flag"]:
            projects = alerts.meeting_rule(projects, data["flag"], year=today.year)
        if data["alerts"]:
            projects = alerts.with_alerts(projects, today=today)
            if sort not in PROJECT_SORTS or not sort:
                return form, projects
    return form, projects.order_by(*PROJECT_SORTS.get(sort, PROJECT_SORTS[""]))
