"""Two clerks issue the same notice (or annual assessment) at the same moment, in two threads
with their own database connections: one wins, the other gets a clear message, nobody a 500,
on whichever database the suite runs on (SQLite by default; PostgreSQL with DATABASE_URL).
Issuing is slowed down inside its transaction so that the second really arrives while the
first holds it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments import issuing
from assessments.models import AnnualAssessment, MonthlyFigure, Notice
from fdi_portal.models import Region, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(work: Callable[[int], Any], count: int = 2) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released at the same instant; each result, or the
    exception raised. Each thread closes its connection (PostgreSQL cannot drop the test
    database while one is open)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 — the result to assert on
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_issuing(monkeypatch) -> None:
    """The snapshot takes 0.5 s: the first issuer holds its transaction that long."""
    for name in ("draft_snapshot", "score"):
        original = getattr(issuing, name)

        def slow(*args: Any, _original: Callable = original, **kwargs: Any) -> Any:
            time.sleep(0.5)
            return _original(*args, **kwargs)

        monkeypatch.setattr(issuing, name, slow)


@pytest.fixture
def june(fangchenggang):
    region = Region.objects.get(city=fangchenggang, name="港口区")
    for month in range(1, 13):
        MonthlyFigure.objects.create(
            region=region, year=2021, month=month, amount_usd=Decimal("1000000")
        )
    return fangchenggang


def test_two_clerks_issuing_one_notice_at_once_one_wins_the_other_is_told(
    june, clerk, slow_issuing
):
    def issue(i: int) -> Notice:
        return issuing.issue_notice(
            city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5 + i), user=clerk
        )

    results = run_together(issue)

    issued = [r for r in results if isinstance(r, Notice)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(issued), len(refused)) == (1, 1), results
    notice = Notice.objects.get()
    assert (notice.status, notice.number) == ("issued", issued[0].number)


def test_two_clerks_posting_issue_at_once_get_a_redirect_each_and_one_notice(
    june, clerk, slow_issuing
):
    colleague = make_user("colleague", Role.COMMERCE_STAFF, city=june)
    url = reverse("assessments:notice_issue", args=["450600", 2021, 6])

    def post(i: int) -> tuple[int, str]:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login([clerk, colleague][i])
        response = client.post(url, {"sequence": "6", "issued_on": "2021-07-05"}, follow=True)
        # The page's text, not response.context: the test client collects the context of
        # every template rendered in the process, the other thread's included.
        return response.status_code, response.content.decode()

    results = run_together(post)

    assert [status for status, _page in results] == [200, 200]
    told = sorted(
        "won" if "Notice 〔2021〕第6期 issued." in page else "told"
        for _status, page in results
        if "Notice 〔2021〕第6期 issued." in page
        or "already issued" in page
        or "at the same moment" in page
    )
    assert told == ["told", "won"]
    assert Notice.objects.issued().count() == 1


def test_two_clerks_issuing_one_assessment_at_once_one_wins(june, clerk, slow_issuing):
    def issue(i: int) -> AnnualAssessment:
        return issuing.issue_assessment(
            city=june,
            year=2021,
            issued_on=dt.date(2022, 1, 20 + i),
            user=clerk,
            confirm_partial=True,  # figures to June only
        )

    results = run_together(issue)

    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["AnnualAssessment", "ValidationError"], results
    assert AnnualAssessment.objects.get().status == "issued"
