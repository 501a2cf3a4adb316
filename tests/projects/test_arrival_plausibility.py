"""Arrivals above the project's contracted FDI (合同外资) are a warning the user confirms: on the
project page, in the arrivals import and on the command line. 上思县测试项目 has a contract of
100万美元 (1 000 000 USD)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.arrival_import import preview_arrivals_import
from projects.models import Arrival, Project

pytestmark = pytest.mark.django_db
HEADER = ["项目名称", "年份", "月份", "到位外资（万美元）"]


def arrivals() -> list[tuple[int, Decimal]]:
    return sorted(Arrival.objects.values_list("month", "amount_usd"))


def test_an_arrival_above_the_contract_needs_confirming_on_the_project_page(
    client, clerk, shangsi_project
):
    client.force_login(clerk)
    url = reverse("projects:arrival_set", args=[shangsi_project.pk])
    # 60万 in March, then 40万 in April: exactly the contract, no question.
    client.post(url, {"year": 2021, "month": 3, "amount_wan": "60"})
    client.post(url, {"year": 2021, "month": 4, "amount_wan": "40"})
    assert arrivals() == [(3, Decimal("600000.00")), (4, Decimal("400000.00"))]

    # 40.0001万 in April would make 100.0001万: asked, nothing written.
    refused = client.post(url, {"year": 2021, "month": 4, "amount_wan": "40.0001"}, follow=True)
    assert "100.00" in refused.content.decode()
    assert arrivals() == [(3, Decimal("600000.00")), (4, Decimal("400000.00"))]

    client.post(url, {"year": 2021, "month": 4, "amount_wan": "40.0001", "confirm": "1"})
    assert arrivals() == [(3, Decimal("600000.00")), (4, Decimal("400001.00"))]


def test_the_arrivals_import_warns_about_1600_against_a_contract_of_500(xlsx, shangsi_project):
    Project.objects.filter(pk=shangsi_project.pk).update(contracted_fdi_usd=Decimal(5_000_000))
    path = xlsx([HEADER, ["上思县测试项目", 2021, 3, 1600]])

    preview = preview_arrivals_import(path, projects=Project.objects.all(), max_bytes=None)

    [warning] = preview.warnings
    # 1 600 ÷ 500 = 3.2.
    assert "上思县测试项目" in warning
    assert "3.2" in warning
    with pytest.raises(CommandError, match="--confirm-warnings"):
        call_command("import_arrivals", str(path))
    assert arrivals() == []
    call_command("import_arrivals", str(path), "--confirm-warnings")
    assert arrivals() == [(3, Decimal("16000000.00"))]


def test_an_import_that_replaces_a_month_counts_the_new_value_once(xlsx, shangsi_project):
    # 80万 stored for March; the file corrects March to 90万 and adds April 10万: 100万 in
    # all, exactly the contract — no warning (the 80万 it replaces is not counted).
    Arrival.objects.create(project=shangsi_project, year=2021, month=3, amount_usd=800000)
    path = xlsx([HEADER, ["上思县测试项目", 2021, 3, 90], ["上思县测试项目", 2021, 4, 10]])

    preview = preview_arrivals_import(path, projects=Project.objects.all(), max_bytes=None)

    assert preview.warnings == ()
