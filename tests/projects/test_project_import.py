"""The project list import (项目名称 | 地区 | 投资方 | … | 总部类型), against real xlsx files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from fdi_portal.models import Region
from projects.models import Investor, Project, StageChange
from projects.project_import import PROJECT_HEADERS, apply_projects_import, preview_projects_import
from tests.projects.conftest import make_project

D = dt.date


def row(name: str, region: str = "上思县", **cells) -> list:
    """A row in the template's column order; ``cells`` keyed by header."""
    values = {"项目名称": name, "地区": region, **cells}
    return [values.get(header) for header in PROJECT_HEADERS]


def preview(path, regions=None):
    return preview_projects_import(
        path, regions=regions or Region.objects.all(), max_bytes=1_000_000
    )


def state() -> list[tuple]:
    return sorted(
        Project.objects.values_list(
            "name", "region__name", "stage", "signed_on", "landed_on", "contracted_fdi_usd"
        ).order_by()
    )


@pytest.fixture
def good_file(xlsx, fangchenggang, fcg_plan):
    return xlsx(
        [
            ["2021年外资项目清单"],
            list(PROJECT_HEADERS),
            row(
                "东盟粮油项目",
                "港口区",
                **{
                    "投资方": "丰益国际",
                    "来源地": "新加坡",
                    "行业门类": "C 制造业",
                    "制造业（是/否）": "是",
                    "投资方式": "新设",
                    "招商活动": "三企入桂",
                    "阶段": "落地",
                    "签约日期": "2021-03-01",
                    "落地日期": "2021/6/1",
                    "合同外资（万美元）": "1,500.5",
                    "投资总额（万美元）": 3000,
                    "固定资产投资（万元）": 20000,
                    "世界500强（是/否）": "是",
                    "总部类型": "地区总部",
                },
            ),
            row("香港物流项目", "东兴市", **{"投资方": "港资物流", "来源地": "香港"}),
        ]
    )


def test_a_good_list_creates_projects_with_their_investors(good_file):
    result = preview(good_file)
    assert result.ok, result.errors
    assert result.counts == {"new": 2, "changed": 0, "unchanged": 0}
    apply_projects_import(result, user=None, today=D(2021, 7, 1))
    grain = Project.objects.select_related("investor", "campaign").get(name="东盟粮油项目")
    # 1,500.5 万美元 = 15 005 000 USD; 20000 万元 = 200 000 000 CNY
    assert (grain.contracted_fdi_usd, grain.fixed_asset_investment_cny) == (
        Decimal("15005000.00"),
        Decimal("200000000.00"),
    )
    assert (grain.stage, grain.signed_on, grain.landed_on) == (
        "landed",
        D(2021, 3, 1),
        D(2021, 6, 1),
    )
    assert (grain.industry, grain.headquarters_kind, grain.campaign.name) == (
        "C",
        "regional",
        "三企入桂",
    )
    assert (grain.investor.name, grain.investor.origin, grain.investor.fortune_global_500) == (
        "丰益国际",
        "新加坡",
        True,
    )
    hk = Investor.objects.get(name="港资物流")
    assert hk.origin_kind == "hong_kong"
    assert Project.objects.get(name="香港物流项目").stage == "negotiating"
    assert StageChange.objects.filter(project=grain, to_stage="landed").count() == 1


def test_re_importing_changes_nothing_and_an_edit_updates_by_name(xlsx, good_file):
    apply_projects_import(preview(good_file), user=None, today=D(2021, 7, 1))
    before = state()
    again = preview(good_file)
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 2}
    apply_projects_import(again, user=None, today=D(2021, 7, 1))
    assert state() == before
    update = xlsx(
        [
            list(PROJECT_HEADERS),
            row("香港物流项目", "东兴市", **{"阶段": "签约", "签约日期": "2021-05-05"}),
        ]
    )
    result = preview(update)
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 0}
    assert "stage" in result.changes[0].changed_fields
    apply_projects_import(result, user=None, today=D(2021, 7, 1))
    hk = Project.objects.get(name="香港物流项目")
    assert (hk.stage, hk.signed_on, hk.investor.name) == ("signed", D(2021, 5, 5), "港资物流")
    assert list(hk.stage_changes.order_by("pk").values_list("from_stage", "to_stage")) == [
        ("", "negotiating"),
        ("negotiating", "signed"),
    ]


BAD_ROWS = {
    "an empty name": (row(None), "A"),
    "an unknown region": (row("某项目", "某某县"), "B"),
    "a park": (row("某项目", "防城港经济技术开发区"), "B"),
    "another city's region": (row("某项目", "凉州区"), "B"),
    "an unknown stage": (row("某项目", **{"阶段": "快好了"}), "I"),
    "landing without signing": (row("某项目", **{"阶段": "落地", "落地日期": "2021-06-01"}), "J"),
    "landing before signing": (
        row("某项目", **{"阶段": "落地", "签约日期": "2021-06-02", "落地日期": "2021-06-01"}),
        "L",
    ),
    "an unknown campaign": (row("某项目", **{"招商活动": "不存在的活动"}), "H"),
    "a bad industry": (row("某项目", **{"行业门类": "Z"}), "E"),
    "manufacturing contradicting the industry": (
        row("某项目", **{"行业门类": "F", "制造业（是/否）": "是"}),
        "F",
    ),
    "a bad yes-no": (row("某项目", **{"世界500强（是/否）": "也许", "投资方": "某公司"}), "P"),
    "a negative amount": (row("某项目", **{"合同外资（万美元）": -5}), "M"),
    "a bad date": (row("某项目", **{"签约日期": "上个月", "阶段": "签约"}), "J"),
    "an origin without investor": (row("某项目", **{"来源地": "德国"}), "D"),
    "the same name twice": (row("第一项目", "东兴市"), None),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_bad_row_is_located_and_nothing_is_imported(xlsx, fangchenggang, fcg_plan, wuwei, case):
    bad, column = BAD_ROWS[case]
    before = state()
    path = xlsx([list(PROJECT_HEADERS), row("第一项目"), row("第二项目", "东兴市"), bad])
    result = preview(path, Region.objects.filter(city=fangchenggang))
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(4, column)], result.errors
    with pytest.raises(Exception):  # noqa: B017,PT011 - a ValidationError from the service
        apply_projects_import(result, user=None, today=D(2021, 7, 1))
    assert state() == before


def test_a_region_official_cannot_take_over_another_regions_project(
    client, shangsi_official, dongxing_project, xlsx, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(shangsi_official)
    path = xlsx(
        [list(PROJECT_HEADERS), row("东兴市测试项目", "上思县"), row("上思新项目", "东兴市")]
    )
    with path.open("rb") as upload:
        response = client.post(
            reverse("projects:project_import", args=["projects"]), {"file": upload}
        )
    assert [(p.row, p.column) for p in response.context["preview"].problems] == [
        (2, "A"),
        (3, "B"),
    ]
    dongxing_project.refresh_from_db()
    assert dongxing_project.region.name == "东兴市"


def test_the_web_import_confirms_what_was_previewed(client, clerk, good_file, settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(clerk)
    with good_file.open("rb") as upload:
        response = client.post(
            reverse("projects:project_import", args=["projects"]), {"file": upload}
        )
    assert response.context["preview"].counts["new"] == 2
    assert not Project.objects.exists()
    client.post(
        reverse("projects:project_import_confirm", args=["projects"]),
        {"token": response.context["token"], "fingerprint": response.context["fingerprint"]},
    )
    assert Project.objects.count() == 2


def test_the_command_dry_run_writes_nothing_and_errors_fail(good_file, xlsx, capsys):
    call_command("import_projects", str(good_file), "--dry-run")
    assert not Project.objects.exists()
    call_command("import_projects", str(good_file), "--city", "450600")
    assert Project.objects.count() == 2
    bad = xlsx([list(PROJECT_HEADERS), row("某项目", "某某县")])
    with pytest.raises(CommandError):
        call_command("import_projects", str(bad))
    assert "第2行 B列" in capsys.readouterr().err


def test_an_existing_project_keeps_what_the_file_leaves_empty(xlsx, fangchenggang, fcg_plan):
    make_project(
        fangchenggang,
        "上思县",
        name="老项目",
        stage="signed",
        signed_on=D(2021, 1, 1),
        contracted_fdi_usd=Decimal("500000"),
    )
    path = xlsx([list(PROJECT_HEADERS), row("老项目", **{"投资总额（万美元）": 80})])
    result = preview(path)
    assert result.changes[0].changed_fields == ["total_investment_usd"]
    apply_projects_import(result, user=None, today=D(2021, 7, 1))
    project = Project.objects.get(name="老项目")
    assert (project.stage, project.signed_on, project.contracted_fdi_usd) == (
        "signed",
        D(2021, 1, 1),
        Decimal("500000.00"),
    )
    assert project.total_investment_usd == Decimal("800000.00")
