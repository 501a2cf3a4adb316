"""Project pages: the pipeline list (and its xlsx export), a project's page, creating and
editing projects, stage changes, and the city's difficulties list (企业困难问题清单)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fdi_portal.access import CITY_READERS, role_required, visible_or_404
from fdi_portal.models import City, Department, Role
from fdi_portal.spreadsheets import write_xlsx
from projects import selectors
from projects.forms import DifficultyFilterForm, ProjectFilterForm, ProjectForm, StageForm
from projects.models import Difficulty, Project, ProjectRule
from projects.services import change_stage, create_project

READERS = (*CITY_READERS, Role.PROVINCE_VIEWER)
WRITERS = (Role.COMMERCE_STAFF, Role.REGION_OFFICIAL)
WAN = 10000


def _filtered_projects(
    request: HttpRequest,
) -> tuple[ProjectFilterForm, list[selectors.ProjectReport]]:
    """The visible projects matching the list's filters, with their rules and alerts."""
    codes = (
        ProjectRule.objects.visible_to(request.user)
        .order_by("consequence_code")
        .values_list("consequence_code", "consequence")
        .distinct()
    )
    form = ProjectFilterForm(request.GET or None, user=request.user, flags=list(codes))
    projects: QuerySet[Project] = Project.objects.visible_to(request.user).select_related(
        "city", "region", "investor", "campaign", "leader"
    )
    flag = leader = ""
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
        flag, leader = data["flag"], data["leader"]
        if leader:
            projects = projects.filter(leader__isnull=leader == "no")
    rows = list(projects.order_by("city__admin_code", "region__order", "name"))
    today = timezone.localdate()
    reports = selectors.project_reports(rows, year=today.year, today=today)
    result = [reports[p.pk] for p in rows]
    if flag:
        result = [r for r in result if any(rule.consequence_code == flag for rule in r.rules)]
    return form, result


@require_GET
@role_required(*READERS)
def project_list(request: HttpRequest) -> HttpResponse:
    form, reports = _filtered_projects(request)
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "reports": reports,
            "can_create": bool(_writable_regions(request.user)),
            "query": request.GET.urlencode(),
        },
    )


def _writable_regions(user: Any) -> list:
    from fdi_portal.models import Region

    return list(Region.objects.writable_by(user)[:1])


def _wan(value: Any) -> Any:
    return None if value is None else value / WAN


def export_rows(reports: Sequence[selectors.ProjectReport]) -> Iterator[list[Any]]:
    """The project list as spreadsheet rows, header first; amounts in 万美元 / 万元."""
    yield [
        _("City"),
        _("Region"),
        _("Project"),
        _("Investor"),
        _("Origin"),
        _("Industry"),
        _("Mode"),
        _("Campaign"),
        _("Stage"),
        _("Signed on"),
        _("Landed on"),
        _("Contracted FDI (10k USD)"),
        _("Total investment (10k USD)"),
        _("Fixed-asset investment (10k CNY)"),
        _("Arrived FDI (10k USD)"),
        _("City leader"),
        _("Rules"),
        _("Alerts"),
        _("Demo data"),
    ]
    for report in reports:
        p = report.project
        yield [
            p.city.name,
            p.region.name,
            p.name,
            p.investor.name if p.investor else None,
            p.investor.origin_label if p.investor else None,
            p.get_industry_display() or None,
            p.get_mode_display(),
            p.campaign.name if p.campaign else None,
            p.get_stage_display(),
            p.signed_on,
            p.landed_on,
            _wan(p.contracted_fdi_usd),
            _wan(p.total_investment_usd),
            _wan(p.fixed_asset_investment_cny),
            _wan(report.arrived_total_usd),
            (p.leader.get_full_name() or p.leader.username) if p.leader else None,
            "；".join(rule.consequence for rule in report.rules) or None,
            "；".join(alert_text(a) for a in report.alerts) or None,
            p.is_demo,
        ]


def alert_text(alert: Any) -> str:
    from projects.templatetags.projects_tags import alert_label

    return str(alert_label(alert))


@require_GET
@role_required(*READERS)
def project_export(request: HttpRequest) -> HttpResponse:
    _form, reports = _filtered_projects(request)
    content = write_xlsx(export_rows(reports), title=_("Foreign-investment projects"))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="projects.xlsx"'
    return response


@require_GET
@role_required(*READERS)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_or_404(
        Project.objects.select_related(
            "city", "region", "park", "investor", "campaign", "leader", "commissioner"
        ),
        request.user,
        pk=pk,
    )
    today = timezone.localdate()
    report = selectors.project_reports([project], year=today.year, today=today)[project.pk]
    can_write = Project.objects.writable_by(request.user).filter(pk=project.pk).exists()
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "report": report,
            "arrivals": list(project.arrivals.order_by("year", "month")),
            "stage_changes": list(project.stage_changes.select_related("changed_by")),
            "progress_entries": list(project.progress_entries.all()),
            "difficulties": list(project.difficulties.select_related("department")),
            "complaints": list(project.complaints.select_related("handler")),
            "events": list(project.source_events.all()),
            "can_write": can_write,
            "stage_form": StageForm(initial={"stage": project.stage, "on": today}),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        project = create_project(
            project=form.save(commit=False), user=request.user, today=timezone.localdate()
        )
        messages.success(request, _("Project saved."))
        return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_or_404(Project.objects.writable_by(request.user), request.user, pk=pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Project saved."))
        return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@require_POST
@role_required(*WRITERS)
def project_stage(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_or_404(Project.objects.writable_by(request.user), request.user, pk=pk)
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage and a date."))
        return redirect("projects:project_detail", pk=project.pk)
    try:
        change_stage(
            project=project,
            stage=form.cleaned_data["stage"],
            on=form.cleaned_data["on"],
            user=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Stage changed."))
    return redirect("projects:project_detail", pk=project.pk)


@require_GET
@role_required(*READERS)
def difficulty_list(request: HttpRequest) -> HttpResponse:
    """Every visible difficulty, filterable, with the closure rate (办结率) and the median days
    to resolve by responsible department and by region."""
    departments = Department.objects.filter(city__in=City.objects.visible_to(request.user))
    form = DifficultyFilterForm(request.GET or None, user=request.user, departments=departments)
    difficulties = Difficulty.objects.visible_to(request.user).select_related(
        "project__region", "department"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["region"]:
            difficulties = difficulties.filter(project__region=data["region"])
        if data["department"]:
            difficulties = difficulties.filter(department=data["department"])
        if data["status"]:
            difficulties = difficulties.filter(status=data["status"])
    rows = list(difficulties.order_by("-raised_on", "pk"))
    unassigned = _("No department")
    by_department = selectors.closure_figures(
        (d.department.short_name if d.department else unassigned, d.raised_on, d.resolved_on)
        for d in sorted(rows, key=lambda d: d.department.order if d.department else 999)
    )
    by_region = selectors.closure_figures(
        (d.project.region.name, d.raised_on, d.resolved_on)
        for d in sorted(rows, key=lambda d: d.project.region.order)
    )
    return render(
        request,
        "projects/difficulty_list.html",
        {
            "form": form,
            "difficulties": rows,
            "by_department": by_department,
            "by_region": by_region,
            "today": timezone.localdate(),
        },
    )
