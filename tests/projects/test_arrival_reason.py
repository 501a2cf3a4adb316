"""A reason is required to change an arrival that an issued campaign notice (季度通报:
落地率、到位率) reports — on the project page and in the arrivals import — and it is kept in the
arrival's history. Months after the notice, and unchanged values, need none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Notice
from projects.arrival_import import apply_arrivals_import, preview_arrivals_import
from projects.models import Arrival, Project
from projects.services import set_arrival

pytestmark = pytest.mark.django_db

WAN = Decimal(10000)


@pytest.fixture
def q2_issued(shangsi_project, fangchenggang, clerk) -> Project:
    """200万 arrived in May 2021 (a contract of 1000万, so no amount here is implausible); the
    Q2 campaign notice (reports up to June) is issued."""
    Project.objects.filter(pk=shangsi_project.pk).update(contracted_fdi_usd=1000 * WAN)
    shangsi_project.refresh_from_db()
    Arrival.objects.create(project=shangsi_project, year=2021, month=5, amount_usd=200 * WAN)
    Notice.objects.create(
        city=fangchenggang,
        kind=Notice.Kind.QUARTERLY,
        year=2021,
        month=6,
        status="issued",
        number="〔2021〕第2期",
        sequence=2,
        issued_at=dt.datetime(2021, 7, 5, tzinfo=dt.UTC),
    )
    return shangsi_project


def test_changing_a_reported_month_needs_a_reason_and_nothing_is_written_without(q2_issued):
    with pytest.raises(ValidationError):
        set_arrival(project=q2_issued, year=2021, month=5, amount_usd=250 * WAN)
    assert Arrival.objects.get().amount_usd == 200 * WAN

    set_arrival(
        project=q2_issued, year=2021, month=5, amount_usd=250 * WAN, reason="企业补报到账凭证"
    )

    latest = Arrival.history.latest("history_id")
    assert (latest.amount_usd, latest.history_change_reason) == (250 * WAN, "企业补报到账凭证")


def test_a_month_after_the_notice_and_an_unchanged_value_need_no_reason(q2_issued):
    set_arrival(project=q2_issued, year=2021, month=7, amount_usd=10 * WAN)
    set_arrival(project=q2_issued, year=2021, month=5, amount_usd=200 * WAN)
    assert sorted(Arrival.objects.values_list("month", "amount_usd")) == [
        (5, 200 * WAN),
        (7, 10 * WAN),
    ]


def test_the_project_page_refuses_the_change_with_a_message(client, clerk, q2_issued):
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("projects:arrival_set", args=[q2_issued.pk])
    page = client.post(url, {"year": 2021, "month": 5, "amount_wan": "150"}, follow=True)
    assert "give a reason" in page.content.decode()
    assert Arrival.objects.get().amount_usd == 200 * WAN
    client.post(url, {"year": 2021, "month": 5, "amount_wan": "150", "reason": "更正"})
    assert Arrival.objects.get().amount_usd == 150 * WAN


def test_the_import_asks_for_a_reason_for_a_reported_month(q2_issued, xlsx):
    path = xlsx(
        [["项目名称", "年份", "月份", "到位外资（万美元）"], [q2_issued.name, 2021, 5, 300]]
    )
    preview = preview_arrivals_import(path, projects=Project.objects.all(), max_bytes=None)
    assert preview.reason_required
    with pytest.raises(ValidationError):
        apply_arrivals_import(preview)
    assert Arrival.objects.get().amount_usd == 200 * WAN
    apply_arrivals_import(preview, reason="按审计结果更正")
    assert Arrival.objects.get().amount_usd == 300 * WAN
    assert Arrival.history.latest("history_id").history_change_reason == "按审计结果更正"
