"""Targets and monthly figures of a city's regions: the grid of a year, the in-place editors of
a figure and a target, county submissions (submitting, the queue, verifying and returning),
month locks, the city target, the history of every change, the figure and target imports and
the grid's xlsx export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import pages
from assessments.city_targets import set_city_target
from assessments.figures import (
    Implausible,
    StaleEdit,
    is_locked,
    lock_month,
    notice_covers,
    set_monthly_figure,
    set_region_target,
    unlock_month,
)
from assessments.forms import AmountForm, CityTargetForm, ReviewForm, SubmissionForm
from assessments.loaders import MONTHS
from assessments.models import FigureSubmission, MonthlyFigure, PeriodLock, RegionTarget
from assessments.submissions import (
    return_submission,
    submit_figure,
    verify_submission,
)
from assessments.view_helpers import check_month, check_year, sees_drafts, url_city, xlsx_response
from fdi_portal.access import FIGURE_READERS, STAFF, role_required, visible_or_404
from fdi_portal.forms import flash_form
from fdi_portal.lib.money import (
    base_to_wan,
    percent_to_ratio,
    ratio_to_percent,
    round_wan,
    wan_to_base,
)
from fdi_portal.lib.spreadsheets import write_xlsx
from fdi_portal.models import City, Region, Role, membership_of
from fdi_portal.pagination import paginate


def _region(request: HttpRequest, city: City, region_id: int) -> Region:
    return visible_or_404(Region.objects.in_city(city).assessed(), request.user, pk=region_id)


@require_GET
@role_required(*FIGURE_READERS)
def figures_home(request: HttpRequest) -> HttpResponse:
    """The grid of the current year for a user of one city; a choice of cities otherwise."""
    year = timezone.localdate().year
    cities = list(City.objects.visible_to(request.user))
    if len(cities) == 1:
        return redirect("assessments:figure_grid", city_code=cities[0].admin_code, year=year)
    return render(request, "assessments/city_choice.html", {"cities": cities, "year": year})


def _grid_context(request: HttpRequest, city: City, year: int) -> dict:
    membership = membership_of(request.user)
    official = membership is not None and membership.role == Role.REGION_OFFICIAL
    own_region = [membership.region] if official else None
    # Computed (or read from the shared cache) only if the page's kept fragment is missing.
    grid = SimpleLazyObject(lambda: pages.figure_grid(city, year, regions=own_region))
    editable = request.user.is_superuser or (
        membership is not None and membership.role == Role.COMMERCE_STAFF
    )
    # The editors' URLs end in /<region>/<month>/ and /<region>/: reversed once here, not in
    # every one of the grid's cells. A county official's cells open the submission form.
    cell_view = "assessments:figure_submit" if official else "assessments:figure_cell"
    cell_url = reverse(cell_view, args=[city.admin_code, year, 0, 1])
    target_url = reverse("assessments:target_cell", args=[city.admin_code, year, 0])
    return {
        "grid": grid,
        "editable": editable,
        "submits": official,
        "months": MONTHS,
        "year": year,
        "city": city,
        "cell_url": cell_url.removesuffix("0/1/"),
        "target_url": target_url.removesuffix("0/"),
    }


@require_GET
@role_required(*FIGURE_READERS)
def figure_grid_page(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    city = url_city(request, city_code)
    context = _grid_context(request, city, check_year(year))

    def city_target_form() -> CityTargetForm:
        target = context["grid"].city_target
        return CityTargetForm(
            initial={
                "opened": CityTargetForm.opened_value(
                    target.target_usd if target else None,
                    target.growth_target if target else None,
                ),
                "target_wan": round_wan(target.target_usd, 4).normalize() if target else None,
                "growth_percent": ratio_to_percent(target.growth_target)
                if target and target.growth_target is not None
                else None,
            }
        )

    # Like the grid, read only if the page's kept fragment is missing.
    context["city_target_form"] = SimpleLazyObject(city_target_form)
    context["plan_goals_url"] = reverse("assessments:plan_goals", args=[city.admin_code, year])
    if context["editable"]:
        context["locks"] = SimpleLazyObject(
            lambda: list(
                PeriodLock.objects.filter(city=city, year=year).select_related("locked_by")
            )
        )
        context["waiting_count"] = SimpleLazyObject(
            lambda: FigureSubmission.objects.awaiting().in_city(city).count()
        )
    return render(request, "assessments/grid.html", context)


def _grid_partial(request: HttpRequest, city: City, year: int) -> HttpResponse:
    return render(request, "assessments/_grid.html", _grid_context(request, city, year))


def _form_again(request: HttpRequest, template: str, context: dict, target_id: str) -> HttpResponse:
    """Re-show an invalid cell form in place of the cell (htmx retargets the swap)."""
    response = render(request, template, context)
    response["HX-Retarget"] = f"#{target_id}"
    response["HX-Reswap"] = "innerHTML"
    return response


def _amount_cell(request: HttpRequest, context: dict, stored, save) -> HttpResponse:
    """The in-place editor of one amount of the grid (a figure or a target).

    GET shows the form with the ``stored`` amount (and carries it: ``opened``); a valid POST
    calls ``save(amount_usd, reason, opened_usd, confirmed)`` and answers with the whole grid,
    so totals follow; an invalid, stale or unconfirmed one shows the form again in place of
    the cell — a stale one with the other person's value, an implausible one with the
    warning and the box to tick."""
    template = "assessments/_cell_form.html"
    if request.method == "GET":
        context["form"] = AmountForm.for_amount(stored)
        return render(request, template, context)
    form = context["form"] = AmountForm(request.POST)
    if form.is_valid():
        try:
            save(
                form.amount_usd(),
                form.cleaned_data["reason"],
                form.opened_usd(),
                form.cleaned_data["confirm"],
            )
        except StaleEdit as stale:
            # Not a mistake in the form: said once, above the buttons, with their value.
            form.reopened(stale.current_usd)
            context["stale_usd"] = stale.current_usd
            context["stale"] = stale.messages[0]
        except Implausible as implausible:
            form.add_error(None, implausible)
            context["warnings"] = implausible.warnings
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _grid_partial(request, context["city"], context["year"])
    return _form_again(request, template, context, context["cell_id"])


def _cell_context(city: City, year: int, region: Region, month: int, view: str) -> dict:
    return {
        "city": city,
        "year": year,
        "region": region,
        "month": month,
        "locked": is_locked(city, year, month),
        "action": reverse(view, args=[city.admin_code, year, region.pk, month]),
        "cell_id": f"cell-{region.pk}-{month}",
    }


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def figure_cell(
    request: HttpRequest, city_code: str, year: int, region_id: int, month: int
) -> HttpResponse:
    """One region's official figure of a month, edited in place (verified at once)."""
    city = url_city(request, city_code)
    region = _region(request, city, region_id)
    check_month(month)
    check_year(year)
    figure = MonthlyFigure.objects.filter(region=region, year=year, month=month).first()
    context = _cell_context(city, year, region, month, "assessments:figure_cell")
    context["reason_required"] = notice_covers(city, year, month)
    context["waiting"] = (
        FigureSubmission.objects.awaiting()
        .filter(region=region, year=year, month=month)
        .select_related("submitted_by")
        .first()
    )

    def save(amount_usd: Decimal | None, reason: str, opened: Decimal | None, ok: bool) -> None:
        set_monthly_figure(
            region=region,
            year=year,
            month=month,
            amount_usd=amount_usd,
            user=request.user,
            reason=reason,
            opened_usd=opened,
            confirmed=ok,
        )

    return _amount_cell(request, context, figure.amount_usd if figure else None, save)


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def target_cell(request: HttpRequest, city_code: str, year: int, region_id: int) -> HttpResponse:
    """A region's annual target, edited in place."""
    city = url_city(request, city_code)
    region = _region(request, city, region_id)
    check_year(year)
    target = RegionTarget.objects.filter(region=region, year=year).first()
    context = {
        "city": city,
        "year": year,
        "region": region,
        "reason_required": notice_covers(city, year, None),
        "action": reverse("assessments:target_cell", args=[city.admin_code, year, region.pk]),
        "cell_id": f"target-{region.pk}",
    }

    def save(amount_usd: Decimal | None, reason: str, opened: Decimal | None, ok: bool) -> None:
        set_region_target(
            region=region,
            year=year,
            target_usd=amount_usd,
            user=request.user,
            reason=reason,
            opened_usd=opened,
        )

    return _amount_cell(request, context, target.target_usd if target else None, save)


@require_http_methods(["GET", "POST"])
@role_required(Role.REGION_OFFICIAL)
def figure_submit(
    request: HttpRequest, city_code: str, year: int, region_id: int, month: int
) -> HttpResponse:
    """A county official submits their own region's figure of a month, in place in the grid
    (已报送 until staff verify it). Another region is a 404."""
    city = url_city(request, city_code)
    region = visible_or_404(
        Region.objects.in_city(city).assessed().writable_by(request.user),
        request.user,
        pk=region_id,
    )
    check_month(month)
    check_year(year)
    context = _cell_context(city, year, region, month, "assessments:figure_submit")
    context["official_usd"] = (
        MonthlyFigure.objects.filter(region=region, year=year, month=month)
        .values_list("amount_usd", flat=True)
        .first()
    )
    context["latest"] = (
        FigureSubmission.objects.filter(region=region, year=year, month=month)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    template = "assessments/_submission_form.html"
    if request.method == "GET":
        context["form"] = SubmissionForm()
        return render(request, template, context)
    form = context["form"] = SubmissionForm(request.POST)
    if form.is_valid():
        try:
            submit_figure(
                region=region,
                year=year,
                month=month,
                amount_usd=form.amount_usd(),
                note=form.cleaned_data["note"],
                user=request.user,
                confirmed=form.cleaned_data["confirm"],
            )
        except Implausible as implausible:
            form.add_error(None, implausible)
            context["warnings"] = implausible.warnings
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _grid_partial(request, city, year)
    return _form_again(request, template, context, context["cell_id"])


@require_GET
@role_required(*STAFF, Role.REGION_OFFICIAL)
def submission_queue(request: HttpRequest, city_code: str) -> HttpResponse:
    """Staff: the submissions waiting for them, oldest first, to verify or return. A county
    official: their region's submissions, newest first, with the reasons of returned ones."""
    city = url_city(request, city_code)
    membership = membership_of(request.user)
    submissions = FigureSubmission.objects.filter(region__city=city).select_related(
        "region", "submitted_by", "reviewed_by"
    )
    staff = sees_drafts(request.user)
    if staff:
        submissions = submissions.awaiting().order_by("submitted_at", "pk")
    else:
        submissions = submissions.filter(region=membership.region).order_by("-submitted_at", "-pk")
    pagination = paginate(request, submissions)
    rows = list(pagination.page.object_list)
    official = _official_amounts(rows)
    return render(
        request,
        "assessments/submission_queue.html",
        {
            "city": city,
            "staff": staff,
            "pagination": pagination,
            "rows": [
                (
                    s,
                    official.get((s.region_id, s.year, s.month)),
                    _submission_difference(s, official),
                )
                for s in rows
            ],
            "form": ReviewForm(),
        },
    )


def _official_amounts(
    submissions: list[FigureSubmission],
) -> dict[tuple[int, int, int], Decimal]:
    """The official figure of each submission's cell, in one query (a page's cells)."""
    if not submissions:
        return {}
    cells = Q()
    for s in submissions:
        cells |= Q(region_id=s.region_id, year=s.year, month=s.month)
    return {
        (region_id, year, month): amount
        for region_id, year, month, amount in MonthlyFigure.objects.filter(cells)
        .order_by()
        .values_list("region_id", "year", "month", "amount_usd")
    }


def _submission_difference(
    submission: FigureSubmission, official: dict[tuple[int, int, int], Decimal]
) -> Decimal | None:
    stored = official.get((submission.region_id, submission.year, submission.month))
    return None if stored is None else submission.amount_usd - stored


def _submission(request: HttpRequest, city_code: str, submission_id: int) -> FigureSubmission:
    city = url_city(request, city_code)
    return visible_or_404(
        FigureSubmission.objects.filter(region__city=city).select_related(
            "region__city", "submitted_by"
        ),
        request.user,
        pk=submission_id,
    )


def _review(request: HttpRequest, city_code: str, submission_id: int, decide) -> HttpResponse:
    submission = _submission(request, city_code, submission_id)
    flash_form(request, ReviewForm(request.POST), lambda data: decide(submission, data["reason"]))
    return redirect("assessments:submission_queue", city_code=city_code)


@require_POST
@role_required(*STAFF)
def submission_verify(request: HttpRequest, city_code: str, submission_id: int) -> HttpResponse:
    """审核通过: the submitted amount becomes the official figure."""

    def decide(submission: FigureSubmission, reason: str) -> str:
        verify_submission(submission=submission, user=request.user, reason=reason)
        return _("%(region)s %(year)s-%(month)02d verified: it is now the official figure.") % {
            "region": submission.region.name,
            "year": submission.year,
            "month": submission.month,
        }

    return _review(request, city_code, submission_id, decide)


@require_POST
@role_required(*STAFF)
def submission_return(request: HttpRequest, city_code: str, submission_id: int) -> HttpResponse:
    """退回: the submission goes back to the county with the reason."""

    def decide(submission: FigureSubmission, reason: str) -> str:
        return_submission(submission=submission, user=request.user, reason=reason)
        return _("%(region)s %(year)s-%(month)02d returned to the county.") % {
            "region": submission.region.name,
            "year": submission.year,
            "month": submission.month,
        }

    return _review(request, city_code, submission_id, decide)


@require_POST
@role_required(*STAFF)
def month_lock(request: HttpRequest, city_code: str, year: int, month: int) -> HttpResponse:
    """Lock a month: its figures refuse every change until unlocked with a reason."""
    city = url_city(request, city_code)
    check_year(year)
    try:
        lock_month(city=city, year=year, month=check_month(month), user=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("%(year)s-%(month)02d is locked.") % {"year": year, "month": month}
        )
    return redirect("assessments:figure_grid", city_code=city.admin_code, year=year)


@require_POST
@role_required(*STAFF)
def month_unlock(request: HttpRequest, city_code: str, year: int, month: int) -> HttpResponse:
    """Unlock a month, with a reason (kept in the history)."""
    city = url_city(request, city_code)
    check_year(year)
    form = ReviewForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        unlock_month(
            city=city, year=year, month=check_month(month), user=request.user, reason=reason
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("%(year)s-%(month)02d is unlocked.") % {"year": year, "month": month}
        )
    return redirect("assessments:figure_grid", city_code=city.admin_code, year=year)


@require_POST
@role_required(*STAFF)
def city_target(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    city = url_city(request, city_code)
    check_year(year)
    form = CityTargetForm(request.POST)
    if form.is_valid():
        growth = form.cleaned_data["growth_percent"]
        try:
            set_city_target(
                city=city,
                year=year,
                target_usd=wan_to_base(form.cleaned_data["target_wan"]),
                growth_target=None if growth is None else percent_to_ratio(growth),
                user=request.user,
                reason=form.cleaned_data["reason"],
                keep_missing=False,
                opened=form.opened_pair(),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The city target for %(year)s is saved.") % {"year": year})
    else:
        for error in form.errors.values():
            messages.error(request, error.as_text())
    return redirect("assessments:figure_grid", city_code=city.admin_code, year=year)


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    what: str
    region: str
    month: int | None
    old_usd: Decimal | None
    new_usd: Decimal | None
    reason: str
    #: The old value was demo data (replaced by a real one).
    old_is_demo: bool = False


@require_GET
@role_required(*STAFF, Role.LEADER)
def figure_history(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    """Every change of the year's figures and targets — who, when, old → new, why — and every
    step of the monthly cycle: submissions, their verification or return, locks and unlocks.

    ``?region=ID&month=M`` narrows it to one cell (the grid's history link)."""
    city = url_city(request, city_code)
    check_year(year)
    figures = MonthlyFigure.history.filter(region__city=city, year=year)
    targets = RegionTarget.history.filter(region__city=city, year=year)
    submissions = FigureSubmission.objects.filter(region__city=city, year=year)
    locks = PeriodLock.history.filter(city=city, year=year)
    region_id = request.GET.get("region", "")
    month = request.GET.get("month", "")
    if region_id.isdigit():
        figures = figures.filter(region_id=region_id)
        targets = targets.filter(region_id=region_id)
        submissions = submissions.filter(region_id=region_id)
        locks = locks.none()
    if month.isdigit():
        figures = figures.filter(month=month)
        targets = targets.none()
        submissions = submissions.filter(month=month)
        locks = locks.filter(month=month)
    entries = (
        _history_entries(figures, "amount_usd", with_month=True)
        + _history_entries(targets, "target_usd", with_month=False)
        + _submission_entries(submissions)
        + _lock_entries(locks)
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    template = (
        "assessments/_history.html"
        if request.headers.get("HX-Request")
        else "assessments/history.html"
    )
    return render(
        request,
        template,
        {"city": city, "year": year, "entries": entries[:500], "total": len(entries)},
    )


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else _("command line")


def _history_entries(records, field: str, *, with_month: bool) -> list[HistoryEntry]:
    """Pair each historical record with the one before it for the same cell: old → new.
    Two queries whatever the number of records (no ``prev_record`` per row). A record of a
    demo value (written when a real value replaced it) is not an entry of its own: it is the
    old value of the change that follows."""
    order = ["region_id", "month", "history_date"] if with_month else ["region_id", "history_date"]
    previous: dict[tuple, tuple[Decimal | None, bool]] = {}
    entries = []
    for record in records.select_related("region", "history_user").order_by(*order, "history_id"):
        key = (record.region_id, record.month if with_month else None)
        old, old_is_demo = previous.get(key, (None, False))
        new = None if record.history_type == "-" else getattr(record, field)
        previous[key] = (new, record.is_demo)
        if record.is_demo:
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_name(record.history_user),
                what=_("figure") if with_month else _("target"),
                region=record.region.name,
                month=record.month if with_month else None,
                old_usd=old,
                new_usd=new,
                reason=record.history_change_reason or "",
                old_is_demo=old_is_demo and old is not None,
            )
        )
    return entries


def _submission_entries(submissions) -> list[HistoryEntry]:
    """Each submission's steps: submitted (by the county, with its note), then verified or
    returned (by staff, with the reason). One query."""
    entries = []
    decided = {
        FigureSubmission.Status.VERIFIED: _("verified"),
        FigureSubmission.Status.RETURNED: _("returned"),
    }
    for s in submissions.select_related("region", "submitted_by", "reviewed_by"):
        common = {"region": s.region.name, "month": s.month, "old_usd": None}
        entries.append(
            HistoryEntry(
                when=s.submitted_at,
                who=_name(s.submitted_by),
                what=_("submitted"),
                new_usd=s.amount_usd,
                reason=s.note,
                **common,
            )
        )
        if s.status in decided and s.reviewed_at:
            entries.append(
                HistoryEntry(
                    when=s.reviewed_at,
                    who=_name(s.reviewed_by),
                    what=decided[s.status],
                    new_usd=s.amount_usd,
                    reason=s.review_reason,
                    **common,
                )
            )
    return entries


def _lock_entries(records) -> list[HistoryEntry]:
    """Locks and unlocks of the year's months (unlocks with their reason). One query."""
    return [
        HistoryEntry(
            when=r.history_date,
            who=_name(r.history_user),
            what=_("month locked") if r.history_type == "+" else _("month unlocked"),
            region="",
            month=r.month,
            old_usd=None,
            new_usd=None,
            reason=r.history_change_reason or "",
        )
        for r in records.select_related("history_user").exclude(history_type="~")
    ]


# Imports: declarations served by fdi_portal.import_views (see assessments/urls.py).


@require_GET
@role_required(*FIGURE_READERS)
def export_grid(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    """The year's grid in the wide import layout, so the file re-imports unchanged."""
    city = url_city(request, city_code)
    grid = _grid_context(request, city, check_year(year))["grid"]

    def wan(amount: Decimal | None) -> Decimal | None:
        return None if amount is None else base_to_wan(amount).normalize()

    rows = [["地区", "年份", *(f"{m}月" for m in MONTHS)]]
    rows += [[row.region.name, year, *(wan(c.amount_usd) for c in row.cells)] for row in grid.rows]
    rows.append(["合计", None, *(wan(c.amount_usd) for c in grid.month_totals)])
    title = f"{city.name}{year}年各县（市、区）实际使用外资（万美元）"
    return xlsx_response(
        write_xlsx(rows, title=title, sheet_name=str(year)), f"{city.name}-{year}-实际使用外资.xlsx"
    )
