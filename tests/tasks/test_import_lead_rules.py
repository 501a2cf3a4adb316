"""The preview and the import_plan command show which rule set a lead, and report units of
another city once, after what is unknown in the city itself."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tasks.services import preview_plan

pytestmark = pytest.mark.django_db

DOCUMENTS = Path(__file__).parent / "documents"
HUZHOU = DOCUMENTS / "huzhou_2020_zhongdian_gongzuo_zeren_fenjie.txt"

# A 防城港 document whose rule makes the first responsible unit the lead, with one unit the
# registry does not know, two of the province and one cut off by the page.
OWN = """2099年防城港市测试工作方案
一、主要任务
1.做好服务。加强服务。
责任单位：市商务局、市投资促进局（列第一位的为牵头单位，下同）
2.抓好落实。落实工作。
责任单位：市外星办、省商务厅、省发展改革委
3.继续推进。推进工作。
责任单位：市
"""


def test_the_preview_shows_the_rule_that_set_a_lead(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("tasks:plan_import"), {"text": OWN, "preview": "1"})
    preview = response.context["preview"]
    first = preview.tasks[1]
    assert first.named("lead") == ["防城港市商务局"]
    assert first.named("support") == ["防城港市投资促进局"]
    page = response.content.decode()
    assert "列第一位的为牵头单位，下同" in page
    assert 'data-testid="lead-rule"' in page


def test_unknown_units_of_the_city_come_first_and_other_levels_are_summed_up(fangchenggang):
    preview = preview_plan(city=fangchenggang, text=OWN)
    assert [(w.line, w.code) for w in preview.warnings] == [
        (6, "unknown_unit"),  # 市外星办: the city's own, named
        (8, "unreadable_unit"),  # 「责任单位：市」 where the page is cut
        (0, "units_elsewhere"),
    ]
    assert preview.warnings[0].fragment == "市外星办"
    assert "2个单位属于上级或其他地区" in preview.warnings[2].message
    assert preview.unresolved_names == ["市外星办", "省商务厅", "省发展改革委"]
    # the task under the 下同 rule: its first unit leads, though the registry does not know it
    second = preview.tasks[2]
    assert second.named("lead") == ["市外星办"]
    assert second.parsed.lead_rule == "列第一位的为牵头单位，下同"


def test_units_of_a_document_of_another_city_are_one_warning(fangchenggang):
    """湖州's plan read for 防城港: its six 市 units are 湖州's, reported once."""
    preview = preview_plan(city=fangchenggang, text=HUZHOU.read_text(encoding="utf-8"))
    summary = [w for w in preview.warnings if w.code == "units_elsewhere"]
    assert [w.code for w in preview.warnings if w.code == "unknown_unit"] == []
    assert len(summary) == 1
    assert summary[0].message.startswith("文件属于湖州市，而导入的是防城港市：")
    assert preview.warnings[-1] == summary[0]
    # what the parser could not read is still said at its line
    assert ("cut_off", 14) in [(w.code, w.line) for w in preview.warnings]


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_plan", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_json_output_carries_the_rule_of_each_lead():
    data = json.loads(run(str(HUZHOU), "--format", "json"))
    task = next(t for t in data["tasks"] if t["path"] == ["一", "1."])
    assert task["lead"] == ["市经信局"]
    assert task["lead_rule"] == "列第一位者为工作牵头单位或汇总单位，下同"
    assert task["lead_rule_line"] == 13


def test_the_text_output_names_the_rule_after_the_units():
    out = run(str(HUZHOU))
    assert "lead: 市经信局；support: 市财政局" in out
    assert "（列第一位者为工作牵头单位或汇总单位，下同）" in out


def test_a_document_of_a_region_of_the_city_is_the_citys_own(fangchenggang):
    """东兴市 is a region of 防城港市: its unknown unit is named, not summed up."""
    preview = preview_plan(
        city=fangchenggang,
        text="2099年东兴市测试工作方案\n一、主要任务\n1.做好服务。加强服务。（市外星办牵头）\n",
    )
    assert [(w.code, w.fragment) for w in preview.warnings] == [("unknown_unit", "市外星办")]
