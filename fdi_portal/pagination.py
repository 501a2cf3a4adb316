"""One way to paginate a list page: Django's Paginator, page links that keep the request's
filters and sort, and the total shown. Every list of the portal grows without bound (a
province holds 50 000 projects); none is rendered whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, QuerySet
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


class TwoEndedPaginator(Paginator):
    """A Paginator that reads a page of the second half from the end of the list.

    The database sorts the rows before it skips any: ``OFFSET 43 700`` (the last page of a
    province's projects) sorts all 43 750, and on PostgreSQL spilled the sort to disk (95–145 ms
    here). The same page read in the reverse order skips only 4 rows, and a top-N sort keeps
    50: as fast as the first page. Only for a queryset whose order ends with its primary key,
    so that the reverse order is exactly the order reversed (ties included).
    """

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        if bottom <= self.count // 2 or not _totally_ordered(self.object_list):
            return super().page(number)
        rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)


def _totally_ordered(items: Any) -> bool:
    """Whether ``items`` is a queryset whose explicit order ends with its primary key."""
    if not isinstance(items, QuerySet) or not items.query.order_by:
        return False
    last = items.query.order_by[-1]
    if isinstance(last, OrderBy):
        last = last.expression
    if isinstance(last, F):
        last = last.name
    return isinstance(last, str) and last.lstrip("-") in ("pk", items.model._meta.pk.name)


def paginate(request: HttpRequest, items: Any, *, per_page: int = PAGE_SIZE) -> Pagination:
    """The page of ``items`` (an ordered queryset: one COUNT and one LIMIT query) that
    ``?page=`` asks for; a number out of range gives the last page, anything else the first.
    A page past the middle is read from the end (TwoEndedPaginator) when the order ends with
    the primary key."""
    paginator = TwoEndedPaginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return Pagination(
        page=page,
        numbers=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        query=query.urlencode(),
    )
