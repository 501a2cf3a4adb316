"""Targets and monthly figures: the grid, in-place edits, history, imports and export."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import services
from assessments.forms import AmountForm, CityTargetForm, UploadForm
from assessments.models import CityTarget, MonthlyFigure, RegionTarget
from assessments.selectors import MONTHS, figure_grid
from fdi_portal.access import role_required, visible_or_404
from fdi_portal.lib.money import base_to_wan, wan_to_base
from fdi_portal.models import City, Region, Role, membership_of
from fdi_portal.spreadsheets import write_xlsx

STAFF = (Role.COMMERCE_STAFF,)
GRID_READERS = (Role.COMMERCE_STAFF, Role.LEADER, Role.REGION_OFFICIAL, Role.PROVINCE_VIEWER)
IMPORT_KINDS = ("figures", "targets")
TEMPLATE_KINDS = ("targets", "figures-long", "figures-wide")


def _city(request: HttpRequest, city_code: str) -> City:
    return visible_or_404(City, request.user, admin_code=city_code)


def _region(request: HttpRequest, city: City, region_id: int) -> Region:
    return visible_or_404(Region.objects.in_city(city).assessed(), request.user, pk=region_id)


def _check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404(_("No such year."))
    return year


@require_GET
@role_required(*GRID_READERS)
def figures_home(request: HttpRequest) -> HttpResponse:
    """The grid of the current year for a user of one city; a choice of cities otherwise."""
    year = timezone.localdate().year
    cities = list(City.objects.visible_to(request.user))
    if len(cities) == 1:
        return redirect("assessments:figure_grid", city_code=cities[0].admin_code, year=year)
    return render(request, "assessments/city_choice.html", {"cities": cities, "year": year})


def _grid_context(request: HttpRequest, city: City, year: int) -> dict:
    membership = membership_of(request.user)
    own_region = (
        [membership.region] if membership and membership.role == Role.REGION_OFFICIAL else None
    )
    grid = figure_grid(city, year, regions=own_region)
    editable = request.user.is_superuser or (
        membership is not None and membership.role == Role.COMMERCE_STAFF
    )
    return {"grid": grid, "editable": editable, "months": MONTHS, "year": year, "city": city}


@require_GET
@role_required(*GRID_READERS)
def figure_grid_page(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    city = _city(request, city_code)
    context = _grid_context(request, city, _check_year(year))
    target = context["grid"].city_target
    context["city_target_form"] = CityTargetForm(
        initial={
            "target_wan": base_to_wan(target.target_usd).normalize() if target else None,
            "growth_percent": (target.growth_target * 100).normalize()
            if target and target.growth_target is not None
            else None,
        }
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


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def figure_cell(
    request: HttpRequest, city_code: str, year: int, region_id: int, month: int
) -> HttpResponse:
    """GET: the in-place form for one region's figure of a month. POST: save it."""
    city = _city(request, city_code)
    region = _region(request, city, region_id)
    if month not in MONTHS:
        raise Http404(_("No such month."))
    _check_year(year)
    figure = MonthlyFigure.objects.filter(region=region, year=year, month=month).first()
    context = {
        "city": city,
        "year": year,
        "region": region,
        "month": month,
        "reason_required": services.notice_covers(city, year, month),
        "action": reverse(
            "assessments:figure_cell", args=[city.admin_code, year, region.pk, month]
        ),
        "cell_id": f"cell-{region.pk}-{month}",
    }
    if request.method == "GET":
        context["form"] = AmountForm.for_amount(figure.amount_usd if figure else None)
        return render(request, "assessments/_cell_form.html", context)
    form = AmountForm(request.POST)
    context["form"] = form
    if form.is_valid():
        try:
            services.set_monthly_figure(
                region=region,
                year=year,
                month=month,
                amount_usd=form.amount_usd(),
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _grid_partial(request, city, year)
    return _form_again(request, "assessments/_cell_form.html", context, context["cell_id"])


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def target_cell(request: HttpRequest, city_code: str, year: int, region_id: int) -> HttpResponse:
    """GET: the in-place form for a region's annual target. POST: save it."""
    city = _city(request, city_code)
    region = _region(request, city, region_id)
    _check_year(year)
    target = RegionTarget.objects.filter(region=region, year=year).first()
    context = {
        "city": city,
        "year": year,
        "region": region,
        "reason_required": services.notice_covers(city, year, None),
        "action": reverse("assessments:target_cell", args=[city.admin_code, year, region.pk]),
        "cell_id": f"target-{region.pk}",
    }
    if request.method == "GET":
        context["form"] = AmountForm.for_amount(target.target_usd if target else None)
        return render(request, "assessments/_cell_form.html", context)
    form = AmountForm(request.POST)
    context["form"] = form
    if form.is_valid():
        try:
            services.set_region_target(
                region=region,
                year=year,
                target_usd=form.amount_usd(),
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _grid_partial(request, city, year)
    return _form_again(request, "assessments/_cell_form.html", context, context["cell_id"])


@require_POST
@role_required(*STAFF)
def city_target(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    city = _city(request, city_code)
    _check_year(year)
    form = CityTargetForm(request.POST)
    if form.is_valid():
        growth = form.cleaned_data["growth_percent"]
        target, _created = CityTarget.objects.get_or_create(
            city=city,
            year=year,
            defaults={"target_usd": wan_to_base(form.cleaned_data["target_wan"])},
        )
        target.target_usd = wan_to_base(form.cleaned_data["target_wan"])
        target.growth_target = None if growth is None else growth / 100
        target.is_demo = False
        target._history_user = request.user
        target.save()
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


@require_GET
@role_required(*STAFF, Role.LEADER)
def figure_history(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    """Every change of the year's figures and targets: who, when, old → new, why.

    ``?region=ID&month=M`` narrows it to one cell (the grid's history link)."""
    city = _city(request, city_code)
    _check_year(year)
    figures = MonthlyFigure.history.filter(region__city=city, year=year)
    targets = RegionTarget.history.filter(region__city=city, year=year)
    region_id = request.GET.get("region", "")
    month = request.GET.get("month", "")
    if region_id.isdigit():
        figures = figures.filter(region_id=region_id)
        targets = targets.filter(region_id=region_id)
    if month.isdigit():
        figures = figures.filter(month=month)
        targets = targets.none()
    entries = _history_entries(figures, "amount_usd", with_month=True) + _history_entries(
        targets, "target_usd", with_month=False
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


def _history_entries(records, field: str, *, with_month: bool) -> list[HistoryEntry]:
    """Pair each historical record with the one before it for the same cell: old → new.
    Two queries whatever the number of records (no ``prev_record`` per row)."""
    order = ["region_id", "month", "history_date"] if with_month else ["region_id", "history_date"]
    previous: dict[tuple, Decimal | None] = {}
    entries = []
    for record in records.select_related("region", "history_user").order_by(*order):
        key = (record.region_id, record.month if with_month else None)
        old = previous.get(key)
        new = None if record.history_type == "-" else getattr(record, field)
        previous[key] = new
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(record.history_user.get_full_name() or record.history_user.username)
                if record.history_user
                else _("command line"),
                what=_("figure") if with_month else _("target"),
                region=record.region.name,
                month=record.month if with_month else None,
                old_usd=old,
                new_usd=new,
                reason=record.history_change_reason or "",
            )
        )
    return entries


def _upload_path(token: str) -> Path | None:
    """Where an upload waits for confirmation; None for a token that cannot be ours."""
    if not (token.isalnum() and token.isascii()):
        return None
    return Path(settings.IMPORT_DIR) / f"{token}.xlsx"


def _preview(kind: str, source, city: City) -> services.ImportPreview:
    read = services.preview_targets_import if kind == "targets" else services.preview_figures_import
    return read(source, city=city, max_bytes=settings.UPLOAD_MAX_BYTES)


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def import_upload(request: HttpRequest, city_code: str, kind: str) -> HttpResponse:
    """Upload → a preview of every cell (new / changed / unchanged); nothing is written yet."""
    city = _city(request, city_code)
    if kind not in IMPORT_KINDS:
        raise Http404(_("No such import."))
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"city": city, "kind": kind, "form": form, "template_kinds": TEMPLATE_KINDS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        preview = _preview(kind, upload, city)
        context["preview"] = preview
        if preview.ok and preview.pending:
            token = uuid.uuid4().hex
            path = _upload_path(token)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            context["token"] = token
            context["fingerprint"] = preview.fingerprint()
    return render(request, "assessments/import.html", context)


@require_POST
@role_required(*STAFF)
def import_confirm(request: HttpRequest, city_code: str, kind: str) -> HttpResponse:
    """Apply a previewed upload, if it still means exactly what the user saw."""
    city = _city(request, city_code)
    if kind not in IMPORT_KINDS:
        raise Http404(_("No such import."))
    path = _upload_path(request.POST.get("token", ""))
    if path is None or not path.exists():
        messages.error(request, _("This upload has expired; upload the file again."))
        return redirect("assessments:import_upload", city_code=city.admin_code, kind=kind)
    preview = _preview(kind, path, city)
    context = {
        "city": city,
        "kind": kind,
        "form": UploadForm(),
        "preview": preview,
        "template_kinds": TEMPLATE_KINDS,
        "token": path.stem,
        "fingerprint": preview.fingerprint() if preview.ok else "",
    }
    if not preview.ok or preview.fingerprint() != request.POST.get("fingerprint"):
        messages.warning(
            request,
            _("The figures changed since the preview. Check the changes again and confirm."),
        )
        return render(request, "assessments/import.html", context)
    try:
        counts = services.apply_import(
            preview, user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return render(request, "assessments/import.html", context)
    path.unlink(missing_ok=True)
    messages.success(
        request,
        _("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % counts,
    )
    years = sorted({change.year for change in preview.changes})
    return redirect("assessments:figure_grid", city_code=city.admin_code, year=years[-1])


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_GET
@role_required(*STAFF)
def import_template(request: HttpRequest, city_code: str, kind: str) -> HttpResponse:
    """An empty template listing the city's assessed regions, in one of the three formats."""
    city = _city(request, city_code)
    if kind not in TEMPLATE_KINDS:
        raise Http404(_("No such template."))
    regions = list(Region.objects.in_city(city).assessed())
    year = timezone.localdate().year
    if kind == "targets":
        rows = [["地区", "年份", "目标（万美元）"], *([r.name, year, None] for r in regions)]
        title = f"{city.name}{year}年各县（市、区）实际使用外资目标任务"
    elif kind == "figures-long":
        rows = [
            ["地区", "年份", "月份", "实际使用外资（万美元）"],
            *([r.name, year, 1, None] for r in regions),
        ]
        title = f"{city.name}{year}年各县（市、区）实际使用外资（万美元）"
    else:
        rows = [["地区", "年份", *(f"{m}月" for m in MONTHS)], *([r.name, year] for r in regions)]
        title = f"{city.name}{year}年各县（市、区）实际使用外资（万美元）"
    return _xlsx_response(
        write_xlsx(rows, title=title, sheet_name=kind), f"{city.name}-{kind}.xlsx"
    )


@require_GET
@role_required(*GRID_READERS)
def export_grid(request: HttpRequest, city_code: str, year: int) -> HttpResponse:
    """The year's grid in the wide import layout, so the file re-imports unchanged."""
    city = _city(request, city_code)
    grid = _grid_context(request, city, _check_year(year))["grid"]

    def wan(amount: Decimal | None) -> Decimal | None:
        return None if amount is None else base_to_wan(amount).normalize()

    rows = [["地区", "年份", *(f"{m}月" for m in MONTHS)]]
    rows += [[row.region.name, year, *(wan(c.amount_usd) for c in row.cells)] for row in grid.rows]
    rows.append(["合计", None, *(wan(c.amount_usd) for c in grid.month_totals)])
    title = f"{city.name}{year}年各县（市、区）实际使用外资（万美元）"
    return _xlsx_response(
        write_xlsx(rows, title=title, sheet_name=str(year)), f"{city.name}-{year}-实际使用外资.xlsx"
    )
