"""The figure and target imports declared for the upload → preview → confirm pages every import
shares (``fdi_portal.import_views``): their previews, the grid-shaped and long templates, the
columns of the preview, and how a confirmed preview is written (a county official's import is a
submission; staff's is applied)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from assessments.figure_imports import (
    CellChange,
    ImportPreview,
    apply_import,
    preview_figures_import,
    preview_submissions_import,
    preview_targets_import,
)
from assessments.loaders import MONTHS
from assessments.submissions import (
    submit_import,
)
from fdi_portal.access import STAFF
from fdi_portal.import_views import (
    ROW,
    STATUS,
    ImportKind,
    ImportSet,
    PreviewColumn,
    TemplateLayout,
)
from fdi_portal.lib.money import (
    base_to_wan,
    format_wan,
)
from fdi_portal.models import City, Region, Role, membership_of


def _preview_figures(source: Any, *, user: Any, city: City | None, max_bytes: int) -> ImportPreview:
    if _submits(user):
        return preview_submissions_import(source, city=city, user=user, max_bytes=max_bytes)
    return preview_figures_import(source, city=city, max_bytes=max_bytes)


def _preview_targets(source: Any, *, user: Any, city: City | None, max_bytes: int) -> ImportPreview:
    return preview_targets_import(source, city=city, max_bytes=max_bytes)


def _to_grid(preview: ImportPreview, city: City | None) -> str:
    """The grid of the last year the import changed."""
    year = max(change.year for change in preview.changes)
    return reverse("assessments:figure_grid", args=[city.admin_code, year])


def _region_template(
    header: list[str], filler: list[Any], title: str
) -> Callable[[Any, City], tuple[str, list[list[Any]]]]:
    """A template listing the city's assessed regions for this year, ``filler`` after each;
    ``title`` is formatted with the city and the year."""

    def rows(user: Any, city: City) -> tuple[str, list[list[Any]]]:
        year = timezone.localdate().year
        regions = Region.objects.in_city(city).assessed()
        if _submits(user):  # a county official fills in their own region only
            regions = regions.writable_by(user)
        body = [[region.name, year, *filler] for region in regions]
        return title.format(city=city.name, year=year), [header, *body]

    return rows


_FIGURES_TITLE = "{city}{year}年各县（市、区）实际使用外资（万美元）"
_CELLS = ngettext_lazy("Confirm: write %(n)s cell", "Confirm: write %(n)s cells", "n")


def _places(change: CellChange) -> int:
    """Decimals of 万 the preview shows a row with: 2 as everywhere, or as many as the stored
    or the new value has (up to 6, a cent) when they differ — so a row called changed never
    shows two values that read the same (340.8123 stored, 340.81 in the file: 340.8123 and
    340.8100, not 340.81 twice)."""
    if change.old_usd is None or change.old_usd == change.new_usd:
        return 2
    exponents = (
        base_to_wan(amount).normalize().as_tuple().exponent
        for amount in (change.old_usd, change.new_usd)
    )
    return min(6, max(2, *(-e for e in exponents if isinstance(e, int))))


def _difference(change: CellChange) -> str:
    """New − stored in 万, signed, at the precision that shows it; '' when nothing changes."""
    if change.old_usd is None or change.old_usd == change.new_usd:
        return ""
    difference = change.new_usd - change.old_usd
    text = format_wan(abs(difference), _places(change))
    return f"+{text}" if difference > 0 else f"−{text}"


_CELL_COLUMNS = (
    PreviewColumn(gettext_lazy("Region"), lambda c: c.region.name),
    ROW,
    PreviewColumn(gettext_lazy("Year"), lambda c: c.year, numeric=True),
    PreviewColumn(gettext_lazy("Month"), lambda c: c.month or "—", numeric=True),
    PreviewColumn(
        gettext_lazy("Stored"), lambda c: format_wan(c.old_usd, _places(c)) or "—", numeric=True
    ),
    PreviewColumn(
        gettext_lazy("In the file"), lambda c: format_wan(c.new_usd, _places(c)), numeric=True
    ),
    PreviewColumn(gettext_lazy("Difference"), _difference, numeric=True),
    STATUS,
)
_FIGURE_COLUMNS = (
    *_CELL_COLUMNS,
    PreviewColumn(gettext_lazy("Check"), lambda c: _("; ").join(c.warnings)),
)


def _submits(user: Any) -> bool:
    """County officials submit figures (staff verify them); staff write official ones."""
    membership = membership_of(user)
    return membership is not None and membership.role == Role.REGION_OFFICIAL


def _apply_figures(preview: ImportPreview, *, user: Any, reason: str) -> dict[str, int]:
    if _submits(user):
        return submit_import(preview, user=user, note=reason)
    return apply_import(preview, user=user, reason=reason)


_BUREAU_STYLE = gettext_lazy(
    "Title rows, a 单位 line, blank rows, extra columns and a 合计 row (checked, not imported) "
    "are fine."
)
IMPORTS = ImportSet(
    kinds=(
        ImportKind(
            code="figures",
            title=gettext_lazy("%(city)s: import monthly utilised FDI"),
            notes=(
                gettext_lazy(
                    "Columns: 地区 | 年份 | 月份 | 实际使用外资（万美元）, or 地区 | 年份 | 1月 | … "
                    "| 12月 (an empty cell means no figure)."
                ),
                _BUREAU_STYLE,
            ),
            # County officials import their own region's figures as submissions.
            roles=(*STAFF, Role.REGION_OFFICIAL),
            preview=_preview_figures,
            apply=_apply_figures,
            columns=_FIGURE_COLUMNS,
            layouts=(
                TemplateLayout(
                    "figures-long",
                    gettext_lazy("one row per month"),
                    _region_template(
                        ["地区", "年份", "月份", "实际使用外资（万美元）"],
                        [1, None],
                        _FIGURES_TITLE,
                    ),
                ),
                TemplateLayout(
                    "figures-wide",
                    gettext_lazy("one column per month"),
                    _region_template(
                        ["地区", "年份", *(f"{m}月" for m in MONTHS)], [], _FIGURES_TITLE
                    ),
                ),
            ),
            confirm=_CELLS,
            done=_to_grid,
        ),
        ImportKind(
            code="targets",
            title=gettext_lazy("%(city)s: import annual targets"),
            notes=(gettext_lazy("Columns: 地区 | 年份 | 目标（万美元）."), _BUREAU_STYLE),
            roles=STAFF,
            preview=_preview_targets,
            apply=apply_import,
            columns=_CELL_COLUMNS,
            layouts=(
                TemplateLayout(
                    "targets",
                    gettext_lazy("targets"),
                    _region_template(
                        ["地区", "年份", "目标（万美元）"],
                        [None],
                        "{city}{year}年各县（市、区）实际使用外资目标任务",
                    ),
                ),
            ),
            confirm=_CELLS,
            done=_to_grid,
        ),
    ),
    upload_url_name="assessments:import_upload",
    confirm_url_name="assessments:import_confirm",
    template_url_name="assessments:import_template",
)
