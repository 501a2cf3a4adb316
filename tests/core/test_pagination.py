"""Pages of a list: every page holds exactly the rows of the whole list's slice, whichever end
the database reads it from (fdi_portal.pagination.TwoEndedPaginator)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from fdi_portal.pagination import paginate
from projects.models import Project
from tests.projects.conftest import make_project

ORDERS = {
    "names with ties": ("name", "pk"),
    "names with ties, newest first": ("-name", "-pk"),
    "amounts with blanks last": (F("contracted_fdi_usd").desc(nulls_last=True), "name", "pk"),
    "across tables": ("region__order", "name", "pk"),
}


@pytest.fixture
def projects(fangchenggang, wuwei) -> list[Project]:
    """Eleven projects in two cities: names shared across them, amounts shared or blank,
    regions shared."""
    amounts = [None, Decimal(5), Decimal(5), None, Decimal(1), Decimal(9), None, Decimal(5)]
    made = []
    for number in range(11):
        city, regions = (
            (fangchenggang, ["上思县", "东兴市"]) if number < 6 else (wuwei, ["凉州区", "民勤县"])
        )
        made.append(
            make_project(
                city,
                regions[number % 2],
                name=["甲", "乙", "丙", "丁", "戊", "己"][number % 6],
                contracted_fdi_usd=amounts[number % len(amounts)],
            )
        )
    return made


def page_of(items, number: int, per_page: int) -> tuple[list[int], int, str]:
    request = RequestFactory().get("/", {"page": number, "q": "x"})
    with CaptureQueriesContext(connection) as queries:
        pagination = paginate(request, items, per_page=per_page)
        ids = [getattr(row, "pk", row) for row in pagination.page.object_list]
    return ids, pagination.total, queries.captured_queries[-1]["sql"]


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
@pytest.mark.parametrize("per_page", [2, 3, 4, 11, 20])
@pytest.mark.django_db
def test_every_page_is_the_slice_of_the_whole_list(projects, order, per_page):
    whole = list(Project.objects.order_by(*order).values_list("pk", flat=True))
    pages = -(-len(whole) // per_page)
    for number in range(1, pages + 1):
        for items in (
            Project.objects.order_by(*order),
            Project.objects.order_by(*order).values_list("pk", flat=True),
        ):
            ids, total, _sql = page_of(items, number, per_page)
            assert total == 11
            assert ids == whole[(number - 1) * per_page : number * per_page], (number, per_page)
    # Out of range: the last page, read from the end.
    last = whole[(pages - 1) * per_page :]
    assert page_of(Project.objects.order_by(*order), 99, per_page)[0] == last


@pytest.mark.django_db
def test_a_deep_page_skips_few_rows(projects):
    """The last page of eleven rows by twos skips none from the end, not ten from the start."""
    ids, _total, sql = page_of(Project.objects.order_by("name", "pk"), 6, per_page=2)
    assert len(ids) == 1
    assert not re.search(r"OFFSET [1-9]", sql), sql
    ids, _total, sql = page_of(Project.objects.order_by("name", "pk"), 5, per_page=2)
    assert re.search(r"LIMIT 2 OFFSET 1\b", sql), sql
    # The first half is read from the start.
    _ids, _total, sql = page_of(Project.objects.order_by("name", "pk"), 2, per_page=2)
    assert re.search(r"LIMIT 2 OFFSET 2\b", sql), sql


@pytest.mark.django_db
def test_an_order_with_ties_is_never_reversed(projects):
    """Without the primary key last, the reverse order could break ties differently: such a list
    is read from the start on every page."""
    _ids, _total, sql = page_of(Project.objects.order_by("name"), 6, per_page=2)
    assert re.search(r"LIMIT 1 OFFSET 10\b", sql), sql


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("", 1), ("0", 6), ("-3", 6), ("2.5", 1)])
@pytest.mark.django_db
def test_a_page_number_that_is_not_one_gives_the_first_or_last_page(projects, asked, shown):
    """Django's rule, kept: not a number, the first page; out of range, the last."""
    whole = list(Project.objects.order_by("name", "pk").values_list("pk", flat=True))
    request = RequestFactory().get("/", {"page": asked})
    pagination = paginate(request, Project.objects.order_by("name", "pk"), per_page=2)
    assert pagination.page.number == shown
    assert [p.pk for p in pagination.page] == whole[(shown - 1) * 2 : shown * 2]
