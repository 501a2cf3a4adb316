"""What the assessments views share: the city a URL names
(404 for a city the user may not see), the checks of a URL's year, month and quarter, who sees
drafts, and the xlsx download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from assessments.loaders import MONTHS
from fdi_portal.access import STAFF, has_role, visible_or_404
from fdi_portal.models import City

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url_city(request: HttpRequest, city_code: str) -> City:
    return visible_or_404(City, request.user, admin_code=city_code)


def check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404(_("No such year."))
    return year


def check_month(month: int) -> int:
    if month not in MONTHS:
        raise Http404(_("No such month."))
    return month


def check_quarter(quarter: int) -> int:
    if quarter not in (1, 2, 3, 4):
        raise Http404(_("No such quarter."))
    return quarter


def sees_drafts(user) -> bool:
    """Drafts (figures not yet issued) are for the commerce staff who issue them."""
    return has_role(user, *STAFF)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """The workbook as an attachment named ``filename`` (Chinese names are RFC 6266-encoded)."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
