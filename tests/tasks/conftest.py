"""Fixtures of the tasks tests: the seed plans are loaded with the seed (fixtures/plans/)."""

from __future__ import annotations

import pytest

from tasks.models import Plan

FCG_TITLE = "2021年防城港市扩大利用外资规模工作方案"
WW_TITLE = "关于促进外资稳存量扩增量提质量的实施方案"


@pytest.fixture
def fcg_plan(fangchenggang) -> Plan:
    return Plan.objects.get(city=fangchenggang, title=FCG_TITLE)


@pytest.fixture
def ww_plan(wuwei) -> Plan:
    return Plan.objects.get(city=wuwei, title=WW_TITLE)
