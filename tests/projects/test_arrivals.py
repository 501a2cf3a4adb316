"""Arrivals (实际到位外资): entry on the project page and the xlsx import, on the command line and
on the web. Amounts in files and forms are 万美元; stored amounts are USD (× 10 000)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from projects.arrival_import import apply_arrivals_import, preview_arrivals_import
from projects.models import Arrival, Project
from tests.projects.conftest import make_project

HEADER = ["项目名称", "年份", "月份", "到位外资（万美元）"]


@pytest.fixture
def two_projects(fangchenggang, shangsi_project, dongxing_project):
    """上思县测试项目 already has 100万美元 for 2021-03; 东兴市测试项目 has nothing."""
    Arrival.objects.create(
        project=shangsi_project, year=2021, month=3, amount_usd=Decimal("1000000")
    )
    return shangsi_project, dongxing_project


def state() -> list[tuple[str, int, int, Decimal]]:
    return sorted(
        Arrival.objects.values_list("project__name", "year", "month", "amount_usd").order_by()
    )


def preview(path, projects=None):
    return preview_arrivals_import(
        path, projects=projects or Project.objects.all(), max_bytes=1_000_000
    )


def test_a_good_file_previews_each_row_and_imports_all_of_it(xlsx, two_projects):
    path = xlsx(
        [
            ["2021年外资项目到位情况"],
            ["单位：万美元"],
            HEADER,
            ["上思县测试项目", 2021, 3, "150.5"],  # changed: 100 → 150.5
            ["东兴市测试项目", 2021, "4月", 20],  # new
            ["上思 县测试项目", 2021, 4, "0.0001"],  # new; spaces in the name do not matter
            ["合计", None, None, "170.5001"],
        ]
    )
    result = preview(path)
    assert result.ok, result.errors
    assert result.counts == {"new": 2, "changed": 1, "unchanged": 0}
    apply_arrivals_import(result)
    assert state() == [
        ("上思县测试项目", 2021, 3, Decimal("1505000.00")),
        ("上思县测试项目", 2021, 4, Decimal("1.00")),
        ("东兴市测试项目", 2021, 4, Decimal("200000.00")),
    ]
    again = preview(path)
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 3}
    assert again.pending == []


def test_a_project_can_be_named_by_its_number(xlsx, two_projects):
    shangsi, _dongxing = two_projects
    path = xlsx([["项目编号", "年份", "月份", "到位外资（万美元）"], [shangsi.pk, 2021, 5, 1]])
    result = preview(path)
    assert [(c.project.name, c.month, c.new_usd) for c in result.changes] == [
        ("上思县测试项目", 5, Decimal("10000.00"))
    ]


BAD_ROWS = {
    "an unknown project": (["某某项目", 2021, 5, 1], "A"),
    "a negative amount": (["东兴市测试项目", 2021, 5, -1], "D"),
    "a month out of range": (["东兴市测试项目", 2021, 13, 1], "C"),
    "an empty amount": (["东兴市测试项目", 2021, 5, None], "D"),
    "text for an amount": (["东兴市测试项目", 2021, 5, "很多"], "D"),
    "the same project and month twice": (["上思县测试项目", 2021, 3, 7], None),
    "an absurd amount": (["东兴市测试项目", 2021, 5, 10**10], "D"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_bad_row_is_located_and_nothing_is_imported(xlsx, two_projects, case):
    row, column = BAD_ROWS[case]
    before = state()
    path = xlsx([HEADER, ["上思县测试项目", 2021, 3, 9], ["东兴市测试项目", 2021, 4, 2], row])
    result = preview(path)
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(4, column)]
    assert "第4行" in result.errors[0]
    with pytest.raises(Exception):  # noqa: B017,PT011 - a ValidationError from the service
        apply_arrivals_import(result)
    assert state() == before


def test_a_wrong_total_row_and_a_missing_header_are_refused(xlsx, two_projects):
    before = state()
    wrong_total = xlsx([HEADER, ["东兴市测试项目", 2021, 4, 2], ["合计", None, None, 3]])
    assert [(p.row, p.column) for p in preview(wrong_total).problems] == [(3, "D")]
    no_name = xlsx([["年份", "月份", "到位外资（万美元）"], [2021, 4, 2]])
    assert preview(no_name).problems[0].code == "no_header"
    assert state() == before


def test_another_citys_or_regions_project_is_unknown(xlsx, two_projects, wuwei):
    make_project(wuwei, "凉州区", name="凉州项目")
    path = xlsx([HEADER, ["凉州项目", 2021, 4, 2], ["东兴市测试项目", 2021, 4, 2]])
    shangsi_only = Project.objects.filter(region__name="上思县")
    result = preview(path, Project.objects.filter(city__admin_code="450600"))
    assert [p.row for p in result.problems] == [2]
    result = preview(path, shangsi_only)
    assert [p.row for p in result.problems] == [2, 3]


def test_the_command_imports_and_a_dry_run_writes_nothing(xlsx, two_projects, capsys):
    path = xlsx([HEADER, ["东兴市测试项目", 2021, 4, 2]])
    call_command("import_arrivals", str(path), "--dry-run")
    assert ("东兴市测试项目", 2021, 4, Decimal("20000.00")) not in state()
    with translation.override("en"):
        call_command("import_arrivals", str(path), "--city", "450600")
    assert ("东兴市测试项目", 2021, 4, Decimal("20000.00")) in state()
    assert "1 new, 0 changed, 0 unchanged rows." in capsys.readouterr().out


def test_the_command_lists_every_error_and_fails(xlsx, two_projects, capsys):
    before = state()
    path = xlsx([HEADER, ["某某项目", 2021, 4, 2], ["东兴市测试项目", 2021, 0, 2]])
    with pytest.raises(CommandError):
        call_command("import_arrivals", str(path))
    err = capsys.readouterr().err
    assert "第2行 A列" in err
    assert "第3行 C列" in err
    assert state() == before


def test_the_web_import_previews_then_confirms(
    client, clerk, xlsx, two_projects, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(clerk)
    path = xlsx([HEADER, ["东兴市测试项目", 2021, 4, 2], ["上思县测试项目", 2021, 3, 100]])
    with path.open("rb") as upload:
        response = client.post(
            reverse("projects:project_import", args=["arrivals"]), {"file": upload}
        )
    preview_ = response.context["preview"]
    assert preview_.counts == {"new": 1, "changed": 0, "unchanged": 1}
    assert ("东兴市测试项目", 2021, 4, Decimal("20000.00")) not in state()
    confirm = reverse("projects:project_import_confirm", args=["arrivals"])
    stale = client.post(confirm, {"token": response.context["token"], "fingerprint": "x"})
    assert stale.status_code == 200  # shown again, nothing written
    assert ("东兴市测试项目", 2021, 4, Decimal("20000.00")) not in state()
    done = client.post(
        confirm,
        {"token": response.context["token"], "fingerprint": response.context["fingerprint"]},
    )
    assert done.status_code == 302
    assert ("东兴市测试项目", 2021, 4, Decimal("20000.00")) in state()


def test_a_region_official_imports_only_their_regions_projects(
    client, shangsi_official, xlsx, two_projects, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(shangsi_official)
    path = xlsx([HEADER, ["东兴市测试项目", 2021, 4, 2]])
    with path.open("rb") as upload:
        response = client.post(
            reverse("projects:project_import", args=["arrivals"]), {"file": upload}
        )
    assert [p.row for p in response.context["preview"].problems] == [2]
    assert "token" not in response.context


def test_staff_enter_an_arrival_on_the_project_page(client, clerk, two_projects):
    shangsi, _dongxing = two_projects
    client.force_login(clerk)
    url = reverse("projects:arrival_set", args=[shangsi.pk])
    # 100万 arrived in March + 12.3456万 exceed the contract of 100万: confirmed.
    client.post(url, {"year": 2021, "month": 6, "amount_wan": "12.3456", "confirm": "1"})
    client.post(url, {"year": 2021, "month": 3, "amount_wan": ""})  # removes March
    assert [row[1:] for row in state()] == [(2021, 6, Decimal("123456.00"))]
    client.post(url, {"year": 2021, "month": 13, "amount_wan": "1"})
    assert len(state()) == 1


def test_a_region_official_cannot_enter_another_regions_arrivals(
    client, shangsi_official, two_projects
):
    _shangsi, dongxing = two_projects
    client.force_login(shangsi_official)
    url = reverse("projects:arrival_set", args=[dongxing.pk])
    response = client.post(url, {"year": 2021, "month": 6, "amount_wan": "1"})
    assert response.status_code == 404
    assert not Arrival.objects.filter(project=dongxing).exists()


def test_the_arrivals_template_lists_the_users_projects(client, shangsi_official, two_projects):
    import io

    from openpyxl import load_workbook

    client.force_login(shangsi_official)
    response = client.get(reverse("projects:project_import_template", args=["arrivals"]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("项目编号", "项目名称")
    assert [r[1] for r in rows[2:]] == ["上思县测试项目"]
    assert rows[2][2] == timezone.localdate().year
