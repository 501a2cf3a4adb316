"""Plans: the task tree, a unit's tasks, the task-division table (任务分工表) and its export,
quarterly progress, and the web import of a plan document."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fdi_portal.access import OVERVIEW_READERS, has_role, role_required, visible_or_404
from fdi_portal.models import City, Department, Role, membership_of
from tasks import exports, progress, selectors
from tasks.carry_forward import carry_forward_city_target, carry_forward_plan
from tasks.forms import (
    CarryForwardForm,
    GoalFormSet,
    PlanTextForm,
    QuotaFormSet,
    ReportForm,
    kept_drafts,
)
from tasks.models import Plan, ProgressReport, Task
from tasks.plan_revision import preview_revision, revise_plan, revised_plan
from tasks.services import import_plan, plan_city_target, preview_plan, submit_report


def _today() -> dt.date:
    return timezone.localdate()


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(
        Plan.objects.visible_to(request.user).select_related("city").order_by("city", "-year")
    )
    can_import = has_role(request.user, Role.COMMERCE_STAFF)
    return render(request, "tasks/plan_list.html", {"plans": plans, "can_import": can_import})


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The task tree with lead and supporting units, filterable by unit, and the share of
    tasks on track in the latest quarter whose reports are due."""
    plan = visible_or_404(Plan.objects.select_related("city", "carried_from"), request.user, pk=pk)
    nodes = selectors.plan_tree(plan)
    units = selectors.plan_units(nodes)
    unit_key = request.GET.get("unit", "")
    shown = selectors.filter_tree(nodes, unit_key) if unit_key else nodes
    today = _today()
    matrix = selectors.progress_matrix(
        plan, year=selectors.plan_year(plan, today), today=today, nodes=nodes
    )
    return render(
        request,
        "tasks/plan_detail.html",
        {
            "plan": plan,
            "nodes": shown,
            "units": units,
            "unit_key": unit_key,
            "goals": list(plan.goals.order_by("order")),
            "issuing_units": list(plan.issuing_units.all()),
            "matrix": matrix,
            "can_see_progress": has_role(request.user, *OVERVIEW_READERS),
            "can_carry_forward": _is_city_staff(request.user, plan.city_id),
        },
    )


@role_required(Role.COMMERCE_STAFF)
@require_http_methods(["GET", "POST"])
def plan_carry_forward(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a plan into a new year's plan (goals, tasks, units, schedule, scheme, rules), its
    goals' targets edited on the way; they set that year's city target as an import does."""
    plan = visible_or_404(Plan.objects.select_related("city"), request.user, pk=pk)
    membership = membership_of(request.user)
    if membership is None or membership.city_id != plan.city_id:
        raise PermissionDenied(_("Only the city's commerce staff carry its plans forward."))
    goals = list(plan.goals.order_by("order"))
    today = _today()
    initial_year = max((plan.end_year or plan.start_year or today.year) + 1, today.year)
    form = CarryForwardForm(request.POST or None, goals=goals, initial={"year": initial_year})
    city_target = None
    if request.method == "POST" and form.is_valid():
        year, targets = form.cleaned_data["year"], form.targets()
        try:
            result = carry_forward_plan(
                plan=plan,
                year=year,
                user=request.user,
                targets=targets,
                replace_city_target=form.cleaned_data["replace_city_target"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            city_target = carry_forward_city_target(plan=plan, year=year, targets=targets)
        else:
            messages.success(
                request,
                _("Plan for %(year)s created from “%(title)s”.")
                % {"year": year, "title": plan.title},
            )
            return redirect("tasks:plan_detail", pk=result.plan.pk)
    return render(
        request,
        "tasks/plan_carry_forward.html",
        {
            "plan": plan,
            "form": form,
            "city_target": city_target if city_target and city_target.conflicts else None,
        },
    )


@require_GET
def plan_table(request: HttpRequest, pk: int) -> HttpResponse:
    """The task-division table (任务分工表) as bureaus lay it out."""
    plan = visible_or_404(Plan.objects.select_related("city"), request.user, pk=pk)
    rows = list(exports.table_rows(selectors.plan_tree(plan)))
    return render(request, "tasks/plan_table.html", {"plan": plan, "rows": rows})


@require_GET
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_or_404(Plan.objects.select_related("city"), request.user, pk=pk)
    content = exports.table_xlsx(plan, selectors.plan_tree(plan))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"{plan.title}任务分工表.xlsx"
    )
    return response


@require_GET
def unit_detail(request: HttpRequest, pk: int, department_pk: int) -> HttpResponse:
    """A department's part in the plan: the tasks it leads, supports or shares, its reports."""
    plan = visible_or_404(Plan.objects.select_related("city"), request.user, pk=pk)
    department = visible_or_404(Department, request.user, pk=department_pk, city=plan.city_id)
    key = f"d{department.pk}"
    roles = {"lead": [], "support": [], "shared": []}
    for node in selectors.plan_tree(plan):
        for role in roles:
            if any(u.key == key for u in getattr(node, role)):
                roles[role].append(node)
    reports = list(
        ProgressReport.objects.filter(task__plan=plan, department=department)
        .select_related("task", "submitted_by")
        .order_by("-year", "-quarter", "task__order")
    )
    membership = membership_of(request.user)
    can_report = (
        membership is not None
        and membership.role == Role.DEPARTMENT_OFFICER
        and membership.department_id == department.pk
    )
    return render(
        request,
        "tasks/unit_detail.html",
        {
            "plan": plan,
            "department": department,
            "lead": roles["lead"],
            "support": roles["support"],
            "shared": roles["shared"],
            "reports": reports,
            "can_report": can_report,
        },
    )


@role_required(Role.DEPARTMENT_OFFICER)
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, task_pk: int) -> HttpResponse:
    """A department officer files (or replaces) their unit's quarterly report on a task."""
    task = visible_or_404(Task.objects.select_related("plan__city"), request.user, pk=task_pk)
    membership = membership_of(request.user)
    department = membership.department if membership else None
    if department is None or not task.assignments.filter(department=department).exists():
        raise PermissionDenied(_("Your unit has no part in this task."))
    today = _today()
    plan = task.plan
    years = progress.reportable_years(plan.start_year, plan.end_year, plan.issued_on, today)
    # The latest quarter begun: this quarter in the plan's current year, else its last Q4.
    initial = {
        "year": years[0] if years else today.year,
        "quarter": (today.month - 1) // 3 + 1 if years and years[0] == today.year else 4,
    }
    form = ReportForm(request.POST or None, initial=initial, years=years)
    if request.method == "POST" and form.is_valid():
        try:
            submit_report(
                task=task,
                department=department,
                user=request.user,
                today=today,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Report saved."))
            return redirect("tasks:unit_detail", pk=task.plan_id, department_pk=department.pk)
    return render(
        request,
        "tasks/report_form.html",
        {"task": task, "department": department, "form": form, "years": years},
    )


@role_required(*OVERVIEW_READERS)
@require_GET
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Tasks × quarters with each task's status; missing reports turn overdue 10 days after
    the quarter ends."""
    plan = visible_or_404(Plan.objects.select_related("city"), request.user, pk=pk)
    today = _today()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = selectors.plan_year(plan, today)
    if not 2000 <= year <= 2100:
        raise Http404(_("No such year."))
    matrix = selectors.progress_matrix(plan, year=year, today=today)
    return render(
        request,
        "tasks/plan_progress.html",
        {
            "plan": plan,
            "matrix": matrix,
            # Only the plan's own years: the 2021 plan has no 2020 or 2022 quarters.
            "years": [y for y in (year - 1, year + 1) if plan.covers(y)],
            "today": today,
        },
    )


@role_required(*OVERVIEW_READERS)
@require_GET
def progress_cell(
    request: HttpRequest, pk: int, task_pk: int, year: int, quarter: int
) -> HttpResponse:
    """One cell of the matrix: each unit's report on the task in the quarter (status,
    narrative, who and when) and the units that have not reported."""
    plan = visible_or_404(Plan.objects.select_related("city"), request.user, pk=pk)
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise Http404(_("No such quarter."))
    task = Task.objects.filter(plan=plan, pk=task_pk).first()
    detail = (
        selectors.cell_reports(plan, task, year=year, quarter=quarter, today=_today())
        if task
        else None
    )
    if detail is None:
        raise Http404(_("No unit reports on this task."))
    return render(request, "tasks/progress_cell.html", {"plan": plan, "detail": detail})


@role_required(Role.COMMERCE_STAFF)
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    """Upload or paste a document, check the parsed table, correct units, confirm.

    Nothing is stored before the confirm button: the text travels back in the form.
    """
    membership = membership_of(request.user)
    if membership is None or membership.city_id is None:
        raise PermissionDenied(_("Only a city's commerce staff import plans."))
    city = City.objects.get(pk=membership.city_id)
    departments = list(Department.objects.in_city(city))
    plans = list(Plan.objects.filter(city=city).only("pk", "title").order_by("-year", "title"))
    form = PlanTextForm(request.POST or None, request.FILES or None, plans=plans)
    preview = revision = None
    corrections: dict[str, Department] = {}
    leads: dict[int, str] = {}
    goal_forms = quota_forms = None
    if request.method == "POST" and form.is_valid():
        by_pk = {str(d.pk): d for d in departments}
        for name, choice in zip(
            request.POST.getlist("fix_name"), request.POST.getlist("fix_department"), strict=False
        ):
            if choice in by_pk:
                corrections[name] = by_pk[choice]
        # A lead chosen in the preview: lead_<task order> = one of the task's unit names.
        leads = {
            int(key[5:]): value
            for key, value in request.POST.items()
            if key.startswith("lead_") and key[5:].isdigit() and value
        }
        text, title = form.cleaned_data["text"], form.cleaned_data["title"] or None
        # The goals and quotas staff corrected travel back with the text; the first reading of
        # a document has none yet and shows the parser's.
        corrected = "goal-TOTAL_FORMS" in request.POST
        if corrected:
            goal_forms = GoalFormSet(request.POST, prefix="goal")
            quota_forms = QuotaFormSet(request.POST, prefix="quota")
        preview = preview_plan(
            city=city, text=text, title=title, corrections=corrections, leads=leads
        )
        # A text with a stored plan's title (or chosen as its revision) revises that plan.
        revised = revised_plan(city=city, title=preview.title, revision_of=form.revised_plan())
        if "confirm" in request.POST:
            if corrected and not (goal_forms.is_valid() and quota_forms.is_valid()):
                form.add_error(None, _("Correct the goals and quotas marked below."))
            else:
                store = (
                    partial(revise_plan, plan=revised)
                    if revised
                    else partial(import_plan, city=city)
                )
                try:
                    result = store(
                        text=text,
                        title=title,
                        corrections=corrections,
                        leads=leads,
                        goals=kept_drafts(goal_forms) if corrected else None,
                        quotas=kept_drafts(quota_forms) if corrected else None,
                        user=request.user,
                        replace_city_target="replace_city_target" in request.POST,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request, _("Plan revised.") if revised else _("Plan imported.")
                    )
                    return redirect(
                        "tasks:plan_detail", pk=revised.pk if revised else result.plan.pk
                    )
        if revised is not None:
            revision = preview_revision(plan=revised, preview=preview)
        if not corrected:
            goal_forms = GoalFormSet(
                initial=[goal.__dict__ for goal in preview.goals], prefix="goal"
            )
            quota_forms = QuotaFormSet(
                initial=[quota.__dict__ for quota in preview.quotas], prefix="quota"
            )
    unresolved = set(preview.unresolved_names) if preview else set()
    task_names = {row.parsed.order: row.parsed for row in preview.tasks} if preview else {}
    return render(
        request,
        "tasks/plan_import.html",
        {
            "form": form,
            "city": city,
            "preview": preview,
            "revision": revision,
            "city_target": plan_city_target(city, preview) if preview else None,
            "departments": departments,
            "corrections": {name: d.pk for name, d in corrections.items()},
            "to_correct": sorted(unresolved | set(corrections)),
            "text": form.cleaned_data.get("text", "") if form.is_bound and form.is_valid() else "",
            "goal_forms": goal_forms,
            "quota_rows": [
                (quota_form, task_names.get(_task_order(quota_form)))
                for quota_form in (quota_forms.forms if quota_forms else [])
            ],
            "quota_forms": quota_forms,
            "roles": ("lead", "support", "shared"),
            "leads": leads,
        },
    )


def _is_city_staff(user, city_id: int) -> bool:
    """Whether ``user`` is commerce staff of the city (who may write its plans)."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.COMMERCE_STAFF
        and membership.city_id == city_id
    )


def _task_order(form) -> int | None:
    """The task order a quota form belongs to, bound or not."""
    value = form["task_order"].value()
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
