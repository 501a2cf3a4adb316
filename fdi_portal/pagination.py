"""One way to paginate a list page: Django's Paginator, page links that keep the request's
filters and sort, and the total shown. Every list of the portal grows without bound (a
province holds 50 000 projects); none is rendered whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

#: Rows per page of every list.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Pagination:
    """Include templates/_pagination.html with ``pagination`` set to this."""

    page: Page
    #: Page numbers to link, with Paginator.ELLIPSIS where some are left out.
    numbers: list[int | str]
    #: The request's query string without ``page``: the links keep every filter and the sort.
    query: str

    @property
    def total(self) -> int:
        return self.page.paginator.count


def paginate(request: HttpRequest, items: Any, *, per_page: int = PAGE_SIZE) -> Pagination:
    """The page of ``items`` (an ordered queryset: one COUNT and one LIMIT query) that
    ``?page=`` asks for; a number out of range gives the last page, anything else the first."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return Pagination(
        page=page,
        numbers=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        query=query.urlencode(),
    )
