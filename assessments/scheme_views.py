"""A plan's assessment rules and goals: its progress schedule (序时进度), its scoring scheme
(indicators, methods, weights and vetoes, with 试算 on the plan year's figures) and the page of
its goals (工作目标) against their targets."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments import pages
from assessments.loaders import MONTHS, plan_for, schedule_for
from assessments.models import ProgressSchedule, ScoringScheme
from assessments.plan_settings import save_progress_schedule, save_scoring_scheme
from assessments.scheme_forms import (
    IndicatorForm,
    IndicatorFormSet,
    ScheduleForm,
    SchemeForm,
    edited_scheme,
)
from assessments.schemes import SchemeError
from assessments.view_helpers import check_year, sees_drafts, url_city
from fdi_portal.access import FIGURE_READERS, STAFF, role_required, visible_or_404
from fdi_portal.lib.money import round_percent
from fdi_portal.locking import StaleEdit
from fdi_portal.models import City, Role
from tasks.models import Plan


def _plan(request: HttpRequest, city: City, plan_id: int) -> Plan:
    return visible_or_404(Plan.objects.filter(city=city), request.user, pk=plan_id)


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def schedule_edit(request: HttpRequest, city_code: str, plan_id: int) -> HttpResponse:
    """The plan's progress schedule (序时进度): months ÷ 12, days ÷ days in the year, or
    shares by quarter. The table shows the shares of the plan's (or this) year."""
    city = url_city(request, city_code)
    plan = _plan(request, city, plan_id)
    year = plan.year or timezone.localdate().year
    current = schedule_for(plan, year)
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            try:
                save_progress_schedule(
                    plan=plan,
                    method=form.method(),
                    shares=form.shares(),
                    label=form.cleaned_data["label"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The progress schedule is saved."))
                return redirect(
                    "assessments:schedule_edit", city_code=city.admin_code, plan_id=plan.pk
                )
    else:
        quarters = [round_percent(current.schedule.required(m), 2) for m in (3, 6, 9)]
        mode = {
            ProgressSchedule.Method.DAYS: ScheduleForm.DAYS,
            ProgressSchedule.Method.CUSTOM: ScheduleForm.QUARTERS,
        }.get(current.method, ScheduleForm.EVEN)
        form = ScheduleForm(
            initial={
                "mode": mode,
                "q1": quarters[0],
                "q2": quarters[1],
                "q3": quarters[2],
                "label": current.label,
            }
        )
    shares = [(m, current.schedule.required(m)) for m in MONTHS]
    return render(
        request,
        "assessments/schedule_edit.html",
        {
            "city": city,
            "plan": plan,
            "form": form,
            "shares": shares,
            "year": year,
            "is_default": current.is_default,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def scheme_edit(request: HttpRequest, city_code: str, plan_id: int) -> HttpResponse:
    """The plan's scoring scheme: one row per indicator (name, weight, input, method and the
    method's parameters) and the vetoes. Nothing is saved unless every row is valid. 试算
    (``action=try``) scores the edited scheme on the plan year's figures and saves nothing."""
    city = url_city(request, city_code)
    plan = _plan(request, city, plan_id)
    stored = ScoringScheme.objects.filter(plan=plan).first()
    rows = [IndicatorForm.initial_for(item) for item in (stored.indicators if stored else [])]
    year = plan.year or timezone.localdate().year
    trial = None
    if request.method == "POST":
        form = SchemeForm(request.POST, stored=stored)
        formset = IndicatorFormSet(request.POST, initial=rows, prefix="indicators")
        # Both are validated so that every error shows at once.
        if all([form.is_valid(), formset.is_valid()]):
            scheme = edited_scheme(form, formset)
            try:
                if request.POST.get("action") == "try":
                    trial = pages.score(city, year, scheme)
                else:
                    save_scoring_scheme(plan=plan, seen_token=form.seen_token, **scheme)
            except StaleEdit as stale:
                form.refused(stale)
            except (ValidationError, SchemeError) as error:
                form.add_error(None, str(error) if isinstance(error, SchemeError) else error)
            else:
                if trial is None:
                    messages.success(request, _("The scoring scheme is saved."))
                    return redirect(
                        "assessments:scheme_edit", city_code=city.admin_code, plan_id=plan.pk
                    )
    else:
        form = SchemeForm(
            initial=SchemeForm.initial_for(
                stored.label if stored else "", stored.vetoes if stored else []
            ),
            stored=stored,
        )
        formset = IndicatorFormSet(initial=rows, prefix="indicators")
    return render(
        request,
        "assessments/scheme_edit.html",
        {
            "city": city,
            "plan": plan,
            "form": form,
            "formset": formset,
            # The last row is the blank one the page's script copies for 「add an indicator」.
            "rows": [*formset.forms, formset.empty_form],
            "total_weight": formset.total_weight(),
            "scheme": stored,
            "year": year,
            "trial": trial and pages.assessment_rows(trial),
        },
    )


@require_GET
@role_required(*FIGURE_READERS, Role.DEPARTMENT_OFFICER)
def plan_goals(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    """工作目标: each goal of the year's plan, its current value against its target."""
    city = url_city(request, city_code)
    check_year(year)
    plan = plan_for(city, year)
    return render(
        request,
        "assessments/plan_goals.html",
        {
            "city": city,
            "year": year,
            "plan": plan,
            "goals": pages.goal_progress(city, year, plan),
            "can_edit_target": sees_drafts(request.user),
        },
    )
