"""Project pages: the pipeline list (and its xlsx export), a project's page, creating and
editing projects, stage changes, the city's difficulties list (企业困难问题清单), promotion
events, and the declarations of the arrivals and project-list imports (their pages are
fdi_portal.import_views)."""

from __future__ import annotations

import logging
import tempfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fdi_portal.access import (
    EVENT_WRITERS,
    PROJECT_READERS,
    PROJECT_WRITERS,
    has_role,
    role_required,
    visible_or_404,
)
from fdi_portal.cache import PROJECTS, remembered
from fdi_portal.import_views import (
    ROW,
    STATUS,
    ImportKind,
    ImportSet,
    PreviewColumn,
    TemplateLayout,
    wan_or_dash,
)
from fdi_portal.imports import Preview
from fdi_portal.lib.money import wan_to_base
from fdi_portal.lib.spreadsheets import write_xlsx
from fdi_portal.locking import StaleEdit, save_unless_changed
from fdi_portal.models import City, Department, Region, Role, membership_of
from fdi_portal.pagination import paginate
from projects import alerts, arrival_import, figures, jobs, project_import
from projects.exports import export_rows
from projects.filters import PROJECT_SORTS, filtered_projects
from projects.forms import (
    ArrivalForm,
    ComplaintForm,
    DifficultyFilterForm,
    DifficultyForm,
    EventForm,
    ProgressEntryForm,
    ProjectForm,
    StageForm,
)
from projects.models import (
    Complaint,
    Difficulty,
    Project,
    PromotionEvent,
    Stage,
)
from projects.services import change_stage, create_project, set_arrival

logger = logging.getLogger(__name__)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_NAME = "projects.xlsx"


@require_GET
@role_required(*PROJECT_READERS)
def project_list(request: HttpRequest) -> HttpResponse:
    """A page of the filtered projects with their rules and alerts (computed for the page
    only). A fixed number of queries, whatever the number of projects; while the shared cache
    holds the list for this reader and query string (fdi_portal.cache: until the data changes),
    none but the session's: the filters' choices, the buttons and the rows are kept with it."""
    query = request.GET.copy()
    query.pop("page", None)

    def body() -> str:
        form, projects = filtered_projects(request.user, request.GET)
        sort = request.GET.get("sort", "")
        sort_query = request.GET.copy()
        for key in ("page", "sort"):
            sort_query.pop(key, None)
        # The page's ids first, then its rows: the database sorts (and skips, on a deep page)
        # narrow rows, not every column of every project joined to five tables.
        pagination = paginate(request, projects.values_list("pk", flat=True))
        ids = list(pagination.page.object_list)
        found = Project.objects.select_related(
            "city", "region", "investor", "campaign", "leader"
        ).in_bulk(ids)
        rows = [found[pk] for pk in ids]
        today = timezone.localdate()
        reports = alerts.project_reports(rows, year=today.year, today=today)
        context = {
            "form": form,
            "can_create": bool(_writable_regions(request.user)),
            "query": query.urlencode(),
            "reports": [reports[p.pk] for p in rows],
            "pagination": pagination,
            "sort": sort,
            "sort_query": sort_query.urlencode(),
        }
        return render_to_string("projects/_project_list.html", context, request=request)

    # Per reader (what they may see and do) and per list (sort, first pages, alerts), for the
    # lists everyone opens; a filtered or deep page is computed (no key per query string).
    kept = _kept_list(request.GET)
    if kept is None:
        html = body()
    else:
        membership = membership_of(request.user)
        city = membership.city_id if membership is not None else None
        html = remembered(
            "projects.list",
            (request.user.pk, kept),
            body,
            cities=[city] if city else None,
            kinds=PROJECTS,  # a figure, a notice never changes the list
        )
    return render(request, "projects/project_list.html", {"list": mark_safe(html)})  # noqa: S308


#: The project lists kept in the shared cache: the first pages of each order, with or without
#: the alerts filter (the home pages link to it). A few keys per reader, whatever is asked.
KEPT_LIST_PAGES = 5


def _kept_list(params: Any) -> tuple[str, str, int] | None:
    """(sort, alerts, page) when the query asks for a kept list, else None."""
    if set(params) - {"sort", "alerts", "page"} or any(len(params.getlist(k)) > 1 for k in params):
        return None
    sort, flag, page = params.get("sort", ""), params.get("alerts", ""), params.get("page", "1")
    if sort not in PROJECT_SORTS or flag not in ("", "yes"):
        return None
    if page not in {str(n) for n in range(1, KEPT_LIST_PAGES + 1)}:
        return None
    return sort, flag, int(page)


def _writable_regions(user: Any) -> list:
    from fdi_portal.models import Region

    return list(Region.objects.writable_by(user)[:1])


@require_GET
@role_required(*PROJECT_READERS)
def project_export(request: HttpRequest) -> HttpResponse:
    """The filtered projects as xlsx. Up to ``settings.EXPORT_JOB_ROWS`` of them (a city's), at
    once; more (the province's), as a background job whose progress page offers the file when
    it is written (projects.jobs), or at once all the same where the queue is unavailable.

    At once means in bounded memory whatever the number: rows are generated from a database
    cursor into openpyxl's write-only workbook, which is written to a temporary file and sent
    from there (the file is deleted when the response closes). Every download is audited with
    its SHA-256 (fdi_portal.audit.AuditExportsMiddleware)."""
    _form, projects = filtered_projects(request.user, request.GET)
    total = projects.count()
    if total > settings.EXPORT_JOB_ROWS:
        try:
            job_id = jobs.start_export(user=request.user, params=request.GET, total=total)
        except jobs.QueueUnavailable as error:
            logger.warning("Exporting %s projects without a background job: %s", total, error)
        else:
            return redirect("projects:export_job", job_id=job_id)
    today = timezone.localdate()
    reports = alerts.stream_reports(projects, year=today.year, today=today)
    file = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
    write_xlsx(export_rows(reports), title=_("Foreign-investment projects"), target=file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=EXPORT_NAME, content_type=XLSX)


def _export_status(progress: jobs.ExportProgress, job_id: str) -> dict[str, Any]:
    """What the progress page shows of an export job, as its status endpoint sends it."""
    messages_by_state = {
        "queued": _("Waiting for the background worker…"),
        "started": _("Writing the projects to Excel…"),
        "finished": _("The export is ready."),
        "failed": _(
            "The export failed. Please try again; if it fails again, tell the administrator."
        ),
        "expired": _("This export has been removed (exports are kept for a day). Export again."),
    }
    message = messages_by_state[progress.state]
    if progress.waiting_for_worker:
        message = _(
            "The export is waiting, but no background worker is running. Tell the administrator."
        )
    return {
        "state": progress.state,
        "done": progress.done,
        "total": progress.total,
        "percent": progress.percent,
        "count": _("%(done)s of %(total)s projects written (%(percent)s%%)")
        % {
            "done": intcomma(progress.done),
            "total": intcomma(progress.total),
            "percent": progress.percent,
        },
        "message": message,
        "file_url": reverse("projects:export_job_file", args=[job_id])
        if progress.state == "finished"
        else "",
    }


def _own_export_or_404(request: HttpRequest, job_id: str) -> jobs.ExportProgress:
    progress = jobs.own_export(job_id, request.user)
    if progress is None:
        raise Http404(_("No such export."))
    return progress


QUEUE_DOWN = gettext_lazy(
    "The background worker's queue does not answer. Export again: the file then downloads directly."
)


@require_GET
@role_required(*PROJECT_READERS)
def export_job(request: HttpRequest, job_id: str) -> HttpResponse:
    """The progress page of an export job: a bar that static/js/export-job.js moves by polling
    :func:`export_job_status`, then the download button (or why there is none)."""
    try:
        progress = _own_export_or_404(request, job_id)
    except jobs.QueueUnavailable:
        messages.error(request, QUEUE_DOWN)
        return redirect("projects:project_list")
    return render(
        request,
        "projects/export_job.html",
        {"job_id": job_id, "status": _export_status(progress, job_id)},
    )


@require_GET
@role_required(*PROJECT_READERS)
def export_job_status(request: HttpRequest, job_id: str) -> JsonResponse:
    """An export job's progress as JSON (:func:`_export_status`); 404 unless the user started
    it; 503 when Redis does not answer."""
    try:
        progress = _own_export_or_404(request, job_id)
    except jobs.QueueUnavailable:
        response = JsonResponse({"state": "failed", "message": str(QUEUE_DOWN)}, status=503)
    else:
        response = JsonResponse(_export_status(progress, job_id))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(*PROJECT_READERS)
def export_job_file(request: HttpRequest, job_id: str) -> FileResponse:
    """The file an export job wrote, to the user who started it (and audited as a download,
    like the direct export)."""
    try:
        progress = _own_export_or_404(request, job_id)
    except jobs.QueueUnavailable as error:
        raise Http404(_("No such export.")) from error
    if progress.path is None:
        raise Http404(_("No such export."))
    return FileResponse(
        progress.path.open("rb"), as_attachment=True, filename=EXPORT_NAME, content_type=XLSX
    )


@require_GET
@role_required(*PROJECT_READERS)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_or_404(
        Project.objects.select_related(
            "city", "region", "park", "investor", "campaign", "leader", "commissioner"
        ),
        request.user,
        pk=pk,
    )
    today = timezone.localdate()
    report = alerts.project_reports([project], year=today.year, today=today)[project.pk]
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
            "arrival_form": ArrivalForm(initial={"year": today.year, "month": today.month}),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*PROJECT_WRITERS)
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
@role_required(*PROJECT_WRITERS)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_or_404(Project.objects.writable_by(request.user), request.user, pk=pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            save_unless_changed(
                instance=form.save(commit=False),
                fields=form.lock_fields,
                seen_token=form.seen_token,
                also_save=["city"],
            )
        except StaleEdit as stale:
            form.refused(stale)
        else:
            messages.success(request, _("Project saved."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@require_POST
@role_required(*PROJECT_WRITERS)
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
            messages.error(
                request,
                _("%(stage)s on %(date)s was not recorded: %(reason)s")
                % {
                    "stage": Stage(form.cleaned_data["stage"]).label,
                    "date": form.cleaned_data["on"].isoformat(),
                    "reason": message,
                },
            )
    else:
        messages.success(request, _("Stage changed."))
    return redirect("projects:project_detail", pk=project.pk)


@require_GET
@role_required(*PROJECT_READERS)
def difficulty_list(request: HttpRequest) -> HttpResponse:
    """A page of the visible difficulties, filterable, with the closure rate (办结率) and the
    median days to resolve by responsible department and by region over all of them."""
    departments = Department.objects.filter(city__in=City.objects.visible_to(request.user))
    difficulties = Difficulty.objects.visible_to(request.user)
    membership = membership_of(request.user)
    if membership is not None and membership.role == Role.DEPARTMENT_OFFICER:
        # A department officer's list is the difficulties their department must solve.
        departments = departments.filter(pk=membership.department_id)
        difficulties = difficulties.filter(department_id=membership.department_id)
    form = DifficultyFilterForm(request.GET or None, user=request.user, departments=departments)
    if form.is_valid():
        data = form.cleaned_data
        if data["region"]:
            difficulties = difficulties.filter(project__region=data["region"])
        if data["department"]:
            difficulties = difficulties.filter(department=data["department"])
        if data["status"]:
            difficulties = difficulties.filter(status=data["status"])
    pagination = paginate(
        request,
        difficulties.select_related("project__region", "department").order_by("-raised_on", "pk"),
    )
    return render(
        request,
        "projects/difficulty_list.html",
        {
            "form": form,
            "difficulties": list(pagination.page.object_list),
            "pagination": pagination,
            "closure": figures.closure_figures(difficulties, unassigned=_("No department")),
            "today": timezone.localdate(),
        },
    )


# --------------------------------------------------------------------------- lists on the page


def _writable_project(request: HttpRequest, pk: int) -> Project:
    return visible_or_404(
        Project.objects.writable_by(request.user).select_related("city"), request.user, pk=pk
    )


@require_POST
@role_required(*PROJECT_WRITERS)
def arrival_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Set one month's arrived FDI of a project (an empty amount removes it)."""
    project = _writable_project(request, pk)
    form = ArrivalForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("projects:project_detail", pk=project.pk)
    data = form.cleaned_data
    amount = data["amount_wan"]
    try:
        set_arrival(
            project=project,
            year=data["year"],
            month=data["month"],
            amount_usd=None if amount is None else wan_to_base(amount),
            confirmed=data["confirm"],
            reason=data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("projects:project_detail", pk=project.pk)
    messages.success(request, _("Arrivals saved."))
    return redirect("projects:project_detail", pk=project.pk)


#: The project's lists that the page's forms add to: URL kind → (form, title).
LIST_FORMS = {
    "progress": (ProgressEntryForm, gettext_lazy("Add to the progress list")),
    "difficulty": (DifficultyForm, gettext_lazy("Difficulty")),
    "complaint": (ComplaintForm, gettext_lazy("Complaint")),
}


def _list_form(
    request: HttpRequest, project: Project, kind: str, instance: Any = None
) -> HttpResponse:
    form_class, title = LIST_FORMS[kind]
    extra = {} if kind == "progress" else {"project": project}
    form = form_class(request.POST or None, instance=instance, **extra)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        row.project = project
        if kind == "progress" and row.recorded_by_id is None:
            row.recorded_by = request.user
        try:
            if instance is None:
                row.save()
            else:
                # An edit is refused if someone saved the row since the form was shown.
                save_unless_changed(
                    instance=row, fields=form.lock_fields, seen_token=form.seen_token
                )
        except StaleEdit as stale:
            form.refused(stale)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request,
        "projects/list_form.html",
        {"form": form, "project": project, "title": title, "instance": instance},
    )


@require_http_methods(["GET", "POST"])
@role_required(*PROJECT_WRITERS)
def progress_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_form(request, _writable_project(request, pk), "progress")


@require_http_methods(["GET", "POST"])
@role_required(*PROJECT_WRITERS)
def difficulty_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_form(request, _writable_project(request, pk), "difficulty")


@require_http_methods(["GET", "POST"])
@role_required(*PROJECT_WRITERS)
def difficulty_edit(request: HttpRequest, pk: int) -> HttpResponse:
    difficulty = visible_or_404(
        Difficulty.objects.writable_by(request.user).select_related("project__city"),
        request.user,
        pk=pk,
    )
    return _list_form(request, difficulty.project, "difficulty", difficulty)


@require_http_methods(["GET", "POST"])
@role_required(*PROJECT_WRITERS)
def complaint_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_form(request, _writable_project(request, pk), "complaint")


@require_http_methods(["GET", "POST"])
@role_required(*PROJECT_WRITERS)
def complaint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = visible_or_404(
        Complaint.objects.writable_by(request.user).select_related("project__city"),
        request.user,
        pk=pk,
    )
    return _list_form(request, complaint.project, "complaint", complaint)


# --------------------------------------------------------------------------- imports

# Declarations served by fdi_portal.import_views (see projects/urls.py).


def _preview_arrivals(source: Any, *, user: Any, city: City | None, max_bytes: int) -> Preview:
    projects = Project.objects.writable_by(user)
    return arrival_import.preview_arrivals_import(source, projects=projects, max_bytes=max_bytes)


def _apply_arrivals(preview: Preview, *, user: Any, reason: str) -> dict[str, int]:
    return arrival_import.apply_arrivals_import(preview, reason=reason)


def _preview_projects(source: Any, *, user: Any, city: City | None, max_bytes: int) -> Preview:
    regions = Region.objects.writable_by(user)
    return project_import.preview_projects_import(source, regions=regions, max_bytes=max_bytes)


def _apply_projects(preview: Preview, *, user: Any, reason: str) -> dict[str, int]:
    return project_import.apply_projects_import(preview, user=user, today=timezone.localdate())


def _arrivals_template(user: Any, city: City | None) -> tuple[str, list[list[Any]]]:
    """The user's projects, this month, the amount to fill in."""
    today = timezone.localdate()
    projects = Project.objects.writable_by(user).order_by("name")
    return "外资项目实际到位外资（万美元）", [
        ["项目编号", "项目名称", "年份", "月份", "到位外资（万美元）"],
        *([p.pk, p.name, today.year, today.month, None] for p in projects),
    ]


def _to_project_list(preview: Preview, city: City | None) -> str:
    return reverse("projects:project_list")


_ROWS = ngettext_lazy("Confirm: write %(n)s row", "Confirm: write %(n)s rows", "n")
_ALL_OR_NOTHING = gettext_lazy(
    "Nothing is written before you confirm, and nothing at all if any row is wrong."
)
IMPORTS = ImportSet(
    kinds=(
        ImportKind(
            code="arrivals",
            title=gettext_lazy("Import project arrivals"),
            notes=(
                gettext_lazy("Columns: 项目名称 (or 项目编号) | 年份 | 月份 | 到位外资（万美元）."),
                _ALL_OR_NOTHING,
            ),
            roles=PROJECT_WRITERS,
            preview=_preview_arrivals,
            apply=_apply_arrivals,
            columns=(
                ROW,
                PreviewColumn(gettext_lazy("Project"), lambda c: c.project.name),
                PreviewColumn(gettext_lazy("Month"), lambda c: f"{c.year}-{c.month:02d}"),
                PreviewColumn(
                    gettext_lazy("Stored"), lambda c: wan_or_dash(c.old_usd), numeric=True
                ),
                PreviewColumn(
                    gettext_lazy("In the file"), lambda c: wan_or_dash(c.new_usd), numeric=True
                ),
                STATUS,
            ),
            layouts=(TemplateLayout("arrivals", gettext_lazy("arrivals"), _arrivals_template),),
            confirm=_ROWS,
            done=_to_project_list,
        ),
        ImportKind(
            code="projects",
            title=gettext_lazy("Import the project list"),
            notes=(
                gettext_lazy(
                    "Columns: 项目名称 | 地区 | 投资方 | 来源地 | 行业门类 | 制造业（是/否） | "
                    "投资方式 | 招商活动 | 阶段 | 签约日期 | 注册日期 | 落地日期 | 合同外资（万美元） | "
                    "投资总额（万美元） | 固定资产投资（万元） | 世界500强（是/否） | 总部类型. The first "
                    "two are required; an empty cell keeps what is stored. A project is matched by "
                    "its name within the city."
                ),
                _ALL_OR_NOTHING,
            ),
            roles=PROJECT_WRITERS,
            preview=_preview_projects,
            apply=_apply_projects,
            columns=(
                ROW,
                PreviewColumn(gettext_lazy("Project"), lambda c: c.name),
                PreviewColumn(gettext_lazy("Region"), lambda c: c.region.name),
                STATUS,
                PreviewColumn(
                    gettext_lazy("Changed fields"),
                    lambda c: "、".join(c.changed_labels) if c.status == "changed" else "",
                ),
            ),
            layouts=(
                TemplateLayout(
                    "projects",
                    gettext_lazy("projects"),
                    lambda user, city: ("外资项目清单", [list(project_import.PROJECT_HEADERS)]),
                ),
            ),
            confirm=_ROWS,
            done=_to_project_list,
        ),
    ),
    upload_url_name="projects:project_import",
    confirm_url_name="projects:project_import_confirm",
    template_url_name="projects:project_import_template",
)


# --------------------------------------------------------------------------- events


@require_GET
@role_required(*PROJECT_READERS)
def event_list(request: HttpRequest) -> HttpResponse:
    """A page of the year's promotion events and, per city, each organiser's FDI-themed events
    against the plan's quota (各县市区 ≥ 4, 各主管部门 ≥ 2 for Fangchenggang 2021) with the
    shortfall. A fixed number of queries, whatever the number of cities and events."""
    year = _year(request)
    pagination = paginate(
        request,
        PromotionEvent.objects.visible_to(request.user)
        .filter(date__year=year)
        .select_related("city", "organiser_region", "organiser_department")
        .prefetch_related("projects")
        .order_by("city__admin_code", "-date", "title", "pk"),
    )
    cities = list(City.objects.visible_to(request.user))
    quotas = figures.event_quotas_by_city(cities, year)
    return render(
        request,
        "projects/event_list.html",
        {
            "year": year,
            "events": list(pagination.page.object_list),
            "pagination": pagination,
            "quotas": [(city, quotas[city.pk]) for city in cities],
            "can_create": has_role(request.user, *EVENT_WRITERS),
        },
    )


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@require_http_methods(["GET", "POST"])
@role_required(*EVENT_WRITERS)
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = form.save()
        messages.success(request, _("Event saved."))
        return redirect(f"{reverse('projects:event_list')}?year={event.date.year}")
    return render(request, "projects/event_form.html", {"form": form})
