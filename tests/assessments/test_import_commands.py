"""``manage.py import_figures`` and ``manage.py import_targets`` on real xlsx files."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import translation

from assessments.models import MonthlyFigure, RegionTarget

LONG_HEADER = ["地区", "年份", "月份", "实际使用外资（万美元）"]
TARGET_HEADER = ["地区", "年份", "目标（万美元）"]


def run(command: str, path: Path, *args: str) -> tuple[str, str]:
    """Run a command in English; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command(command, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(command: str, path: Path, *args: str) -> tuple[str, str]:
    """Run a command that must fail; return (stderr, the CommandError's message)."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(command, str(path), *args, stdout=out, stderr=err)
    return err.getvalue(), str(raised.value)


@pytest.fixture
def figures_file(fangchenggang, region, xlsx) -> Path:
    """港口区 had 100万 in January 2021; the file changes it to 150 and adds two figures."""
    MonthlyFigure.objects.create(
        region=region("港口区"), year=2021, month=1, amount_usd=Decimal("1000000")
    )
    return xlsx(
        [
            ["2021年实际使用外资"],
            LONG_HEADER,
            ["港口区", 2021, 1, 150],
            ["防城区", 2021, 1, "80.25"],
            ["东兴市", 2021, 2, 3],
            ["合计", None, None, "233.25"],
        ]
    )


@pytest.mark.django_db
def test_import_figures_writes_the_file_and_summarises_every_cell(
    figures_file, stored_figures
) -> None:
    out, err = run("import_figures", figures_file, "--city", "450600")

    assert "2 new, 1 changed, 0 unchanged cells." in out
    assert "Row 3, 港口区 2021-01: 100.0000 → 150.0000 万美元" in out
    assert err == ""
    assert stored_figures() == {
        ("港口区", 2021, 1): Decimal("1500000.00"),
        ("防城区", 2021, 1): Decimal("802500.00"),
        ("东兴市", 2021, 2): Decimal("30000.00"),
    }


@pytest.mark.django_db
def test_new_cells_are_listed_at_verbosity_two(figures_file) -> None:
    out, _err = run("import_figures", figures_file, "--dry-run", "-v", "2")

    assert "Row 4, 防城区 2021-01: — → 80.2500 万美元" in out
    assert "Row 5, 东兴市 2021-02: — → 3.0000 万美元" in out


@pytest.mark.django_db
def test_a_dry_run_shows_the_changes_and_writes_nothing(figures_file, table_state) -> None:
    before = table_state()

    out, _err = run("import_figures", figures_file, "--dry-run", "--city", "450600")

    assert "2 new, 1 changed, 0 unchanged cells." in out
    assert "Dry run: nothing was written." in out
    assert table_state() == before


@pytest.mark.django_db
def test_running_the_same_import_twice_changes_nothing_the_second_time(
    figures_file, table_state
) -> None:
    run("import_figures", figures_file)
    after_first = table_state()

    out, _err = run("import_figures", figures_file)

    assert "0 new, 0 changed, 3 unchanged cells." in out
    assert table_state() == after_first


@pytest.mark.django_db
def test_every_error_is_printed_with_sheet_row_and_column_and_nothing_is_written(
    fangchenggang, region, xlsx, table_state
) -> None:
    MonthlyFigure.objects.create(
        region=region("港口区"), year=2021, month=1, amount_usd=Decimal("1000000")
    )
    path = xlsx(
        [
            LONG_HEADER,
            ["港口区", 2021, 1, 150],  # fine
            ["凉州区", 2021, 1, 5],  # a region of 武威市
            ["上思县", 2021, 13, -2],
            ["港口区", 2021, 1, 1],
        ],
        title="一月",
    )
    before = table_state()

    err, message = fails("import_figures", path, "--city", "450600")

    lines = err.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith('工作表"一月" 第3行 A列〈地区〉：')
    assert "武威市" in lines[0]
    assert lines[1].startswith('工作表"一月" 第4行 C列〈月份〉：')
    assert lines[2].startswith('工作表"一月" 第4行 D列〈实际使用外资（万美元）〉：')
    assert lines[3].startswith('工作表"一月" 第5行 A列〈地区〉：')
    assert "4 errors" in message
    assert table_state() == before


@pytest.mark.django_db
def test_a_file_that_is_not_an_xlsx_is_refused(seed, tmp_path, table_state) -> None:
    path = tmp_path / "figures.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # an old .xls
    before = table_state()

    err, _message = fails("import_figures", path)

    assert "xlsx" in err
    assert table_state() == before


@pytest.mark.django_db
def test_a_file_larger_than_the_configured_limit_is_refused(
    figures_file, settings, table_state
) -> None:
    settings.UPLOAD_MAX_BYTES = figures_file.stat().st_size - 1
    before = table_state()

    err, _message = fails("import_figures", figures_file)

    assert err.strip()
    assert table_state() == before


@pytest.mark.django_db
def test_an_unknown_city_code_is_refused(figures_file, table_state) -> None:
    before = table_state()

    _err, message = fails("import_figures", figures_file, "--city", "999999")

    assert "999999" in message
    assert table_state() == before


@pytest.mark.django_db
def test_a_reason_is_required_once_a_notice_covering_the_month_is_issued(
    figures_file, fangchenggang, issue_notice, table_state
) -> None:
    issue_notice(fangchenggang, 2021, 1)
    before = table_state()

    out, _err = run("import_figures", figures_file, "--dry-run")
    assert "will need --reason" in out
    fails("import_figures", figures_file)
    assert table_state() == before

    run("import_figures", figures_file, "--reason", "统计局核定数")
    reasons = set(
        MonthlyFigure.history.filter(history_type="~").values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons == {"统计局核定数"}


@pytest.mark.django_db
def test_the_history_names_the_user_given_on_the_command_line(figures_file, clerk) -> None:
    run("import_figures", figures_file, "--user", "clerk")

    users = set(
        MonthlyFigure.history.filter(history_type="~").values_list("history_user", flat=True)
    )
    assert users == {clerk.pk}


@pytest.mark.django_db
def test_an_unknown_user_is_refused(figures_file, table_state) -> None:
    before = table_state()

    _err, message = fails("import_figures", figures_file, "--user", "nobody")

    assert "nobody" in message
    assert table_state() == before


@pytest.mark.django_db
def test_import_targets_writes_the_targets(fangchenggang, xlsx, stored_targets) -> None:
    path = xlsx(
        [
            ["单位：万美元"],
            TARGET_HEADER,
            ["港口区", 2021, "2,500"],
            ["450603", 2021, 1800.25],
            ["全市", None, "4,300.25"],
        ]
    )

    out, _err = run("import_targets", path, "--city", "450600")

    assert "2 new, 0 changed, 0 unchanged cells." in out
    assert stored_targets() == {
        ("港口区", 2021): Decimal("25000000.00"),
        ("防城区", 2021): Decimal("18002500.00"),
    }


@pytest.mark.django_db
def test_import_targets_refuses_a_bad_file_and_writes_nothing(
    fangchenggang, xlsx, table_state
) -> None:
    path = xlsx(
        [
            TARGET_HEADER,
            ["港口区", 2021, 2500],
            ["经开区", 2021, 100],  # a park: not assessed
            ["合计", None, 2600],
        ]
    )
    before = table_state()

    err, _message = fails("import_targets", path, "--city", "450600")

    assert err.splitlines()[0].startswith('工作表"Sheet1" 第3行 A列〈地区〉：')
    assert table_state() == before
    assert not RegionTarget.objects.exists()


@pytest.mark.parametrize("command", ["import_figures", "import_targets"])
def test_the_help_of_each_command_names_its_options(command: str) -> None:
    parser = load_command_class("assessments", command).create_parser("manage.py", command)

    with translation.override("en"):
        text = parser.format_help()

    for option in ("--dry-run", "--city CODE", "--reason TEXT", "--user USERNAME", "万美元"):
        assert option in text
