"""Fixtures for the projects tests: the seed plans' project rules and a project factory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from fdi_portal.models import City, Region
from projects.models import Campaign, Project, ProjectRule
from tasks.models import Plan

PLANS = {
    "450600": ("fangchenggang_2021", "2021年防城港市扩大利用外资规模工作方案"),
    "620600": ("wuwei_2023", "关于促进外资稳存量扩增量提质量的实施方案"),
}


def ensure_rules(city: City) -> Plan:
    """The city's seed plan with its project rules and campaigns (fixtures/projects/).

    The seed load brings them; should the plan layer (fixtures/plans/) lack the plan, a minimal
    plan is created here and the projects layer loaded on top of it.
    """
    name, title = PLANS[city.admin_code]
    plan, _created = Plan.objects.get_or_create(city=city, title=title)
    if not ProjectRule.objects.filter(plan=plan).exists():
        path = Path(settings.BASE_DIR) / "fixtures" / "projects" / f"{name}.json"
        call_command("loaddata", str(path), verbosity=0)
    return plan


@pytest.fixture
def fcg_plan(fangchenggang) -> Plan:
    return ensure_rules(fangchenggang)


@pytest.fixture
def ww_plan(wuwei) -> Plan:
    return ensure_rules(wuwei)


def make_project(city: City, region: str = "上思县", **fields) -> Project:
    fields.setdefault("name", f"项目{Project.objects.count() + 1}")
    fields.setdefault("stage", "negotiating")
    campaign = fields.pop("campaign", None)
    if isinstance(campaign, str):
        campaign, _ = Campaign.objects.get_or_create(city=city, name=campaign)
    return Project.objects.create(
        city=city, region=Region.objects.get(city=city, name=region), campaign=campaign, **fields
    )


@pytest.fixture
def shangsi_project(fangchenggang) -> Project:
    return make_project(
        fangchenggang,
        "上思县",
        name="上思县测试项目",
        stage="signed",
        signed_on=dt.date(2021, 3, 1),
        stage_changed_on=dt.date(2021, 3, 1),
        contracted_fdi_usd=Decimal("1000000.00"),
    )


@pytest.fixture
def dongxing_project(fangchenggang) -> Project:
    return make_project(fangchenggang, "东兴市", name="东兴市测试项目")


@pytest.fixture
def xlsx(tmp_path: Path):
    """Write ``rows`` (a title row may come first) to a real xlsx file; returns its path."""
    from openpyxl import Workbook

    made = 0

    def make(rows, *, title: str = "Sheet1") -> Path:
        nonlocal made
        made += 1
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = title
        for row in rows:
            sheet.append(list(row))
        path = tmp_path / f"upload-{made}.xlsx"
        workbook.save(path)
        return path

    return make
