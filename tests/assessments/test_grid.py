"""The figures grid: what each role sees, in-place edits with history, export and re-import."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.demo import load_demo_figures, remove_demo_figures
from assessments.models import CityTarget, MonthlyFigure, Notice, RegionTarget
from assessments.pages import figure_grid
from fdi_portal.models import City, Region


def region(name: str) -> Region:
    return Region.objects.get(name=name)


def figure(name: str, year: int, month: int, usd: str) -> MonthlyFigure:
    return MonthlyFigure.objects.create(
        region=region(name), year=year, month=month, amount_usd=Decimal(usd)
    )


def grid_url(year: int = 2021) -> str:
    return reverse("assessments:figure_grid", args=["450600", year])


def cell_url(name: str, month: int, year: int = 2021) -> str:
    return reverse("assessments:figure_cell", args=["450600", year, region(name).pk, month])


def edit(client, url: str, data: dict, **kwargs):
    """Open the cell's form, then save it: the form carries the value it was opened with."""
    opened = client.get(url).context["form"]["opened"].value()
    return client.post(url, {"opened": opened, **data}, **kwargs)


@pytest.fixture
def figures_2021(fangchenggang):
    """港口区: Jan 100万, Mar 50万 (Feb missing); last year Jan 80万, Feb 20万, Mar 0.
    上思县: Feb 30万 only. Target 港口区 2021: 1000万."""
    figure("港口区", 2021, 1, "1000000")
    figure("港口区", 2021, 3, "500000")
    figure("港口区", 2020, 1, "800000")
    figure("港口区", 2020, 2, "200000")
    figure("港口区", 2020, 3, "0")
    figure("上思县", 2021, 2, "300000")
    RegionTarget.objects.create(region=region("港口区"), year=2021, target_usd=Decimal("10000000"))


def test_the_grid_sums_year_to_date_over_the_same_months_as_last_year(figures_2021, fangchenggang):
    grid = figure_grid(fangchenggang, 2021)
    by_name = {row.region.name: row for row in grid.rows}
    assert grid.through_month == 3  # the last month any region has a figure for
    # 港口区: 100 + (Feb missing) + 50 = 150万; last year Jan–Mar: 80 + 20 + 0 = 100万.
    assert by_name["港口区"].ytd_usd == Decimal("1500000")
    assert by_name["港口区"].ytd_last_year_usd == Decimal("1000000")
    # Completion 150 / 1000 = 15%.
    assert by_name["港口区"].completion == Decimal("0.15")
    # 上思县 has no target: no completion.
    assert by_name["上思县"].completion is None
    # A month nobody reported is empty, not zero; February's total is 上思县's 30万.
    assert grid.month_totals[1].amount_usd == Decimal("300000")
    assert grid.month_totals[4].amount_usd is None
    # City: 150 + 30 = 180万 this year; 100万 last year → +80%.
    assert grid.ytd_usd == Decimal("1800000")
    assert grid.growth == Decimal("0.8")
    # The seeded city target 7000万: 180 / 7000.
    assert grid.completion == Decimal("1800000") / Decimal("70000000")


def test_staff_see_every_assessed_region_and_can_edit(client, clerk, figures_2021):
    client.force_login(clerk)
    page = client.get(grid_url()).content.decode()
    for name in ("港口区", "防城区", "上思县", "东兴市"):
        assert name in page
    assert "防城港经济技术开发区" not in page  # parks are not assessed
    assert cell_url("港口区", 1) in page
    assert "100.00" in page


def test_a_county_official_sees_only_their_own_row_read_only(
    client, shangsi_official, figures_2021
):
    client.force_login(shangsi_official)
    page = client.get(grid_url()).content.decode()
    assert "上思县" in page
    assert "港口区" not in page
    assert "30.00" in page
    # Their cells open the submission form, never the staff's editor.
    assert (
        reverse("assessments:figure_submit", args=["450600", 2021, region("上思县").pk, 1]) in page
    )
    assert cell_url("上思县", 1) not in page
    assert (
        reverse("assessments:target_cell", args=["450600", 2021, region("上思县").pk]) not in page
    )


def test_a_county_official_cannot_change_a_figure_even_by_forging_the_request(
    client, shangsi_official, figures_2021
):
    client.force_login(shangsi_official)
    response = client.post(
        cell_url("上思县", 2), {"amount_wan": "999", "reason": "", "opened": "300000.00"}
    )
    assert response.status_code == 403
    assert MonthlyFigure.objects.get(region__name="上思县", month=2).amount_usd == Decimal("300000")


def test_another_citys_clerk_gets_a_404_for_our_cell(client, wuwei_clerk, figures_2021):
    client.force_login(wuwei_clerk)
    forged = {"amount_wan": "1", "opened": "300000.00"}
    assert client.post(cell_url("上思县", 2), forged).status_code == 404
    assert MonthlyFigure.objects.get(region__name="上思县", month=2).amount_usd == Decimal("300000")


def test_a_clerk_edits_a_cell_in_place_and_the_change_is_in_the_history(
    client, clerk, figures_2021
):
    client.force_login(clerk)
    response = edit(
        client,
        cell_url("港口区", 2),
        {"amount_wan": "25.5", "reason": ""},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200
    assert 'id="figure-grid"' in response.content.decode()
    saved = MonthlyFigure.objects.get(region__name="港口区", year=2021, month=2)
    assert saved.amount_usd == Decimal("255000.00")
    record = saved.history.latest()
    assert record.history_user == clerk
    history = client.get(
        reverse("assessments:figure_history", args=["450600", 2021]),
        {"region": region("港口区").pk, "month": 2},
    ).content.decode()
    assert "25.50" in history


def test_correcting_a_figure_keeps_old_and_new_in_the_history(client, clerk, figures_2021):
    client.force_login(clerk)
    edit(
        client, cell_url("港口区", 1), {"amount_wan": "120", "reason": "统计局更正", "confirm": "1"}
    )
    entries = client.get(reverse("assessments:figure_history", args=["450600", 2021])).context[
        "entries"
    ]
    latest = entries[0]
    assert (latest.old_usd, latest.new_usd) == (Decimal("1000000.00"), Decimal("1200000.00"))
    assert latest.reason == "统计局更正"


def test_after_a_notice_is_issued_a_correction_needs_a_reason(client, clerk, figures_2021):
    Notice.objects.create(
        city=City.objects.get(admin_code="450600"), year=2021, month=3, status=Notice.Status.ISSUED
    )
    client.force_login(clerk)
    refused = edit(client, cell_url("港口区", 1), {"amount_wan": "120", "reason": ""})
    assert refused.status_code == 200
    assert refused["HX-Retarget"] == f"#cell-{region('港口区').pk}-1"
    assert MonthlyFigure.objects.get(
        region__name="港口区", month=1, year=2021
    ).amount_usd == Decimal("1000000")
    edit(
        client, cell_url("港口区", 1), {"amount_wan": "120", "reason": "统计局更正", "confirm": "1"}
    )
    assert MonthlyFigure.objects.get(
        region__name="港口区", month=1, year=2021
    ).amount_usd == Decimal("1200000")


def test_a_month_after_the_issued_notice_needs_no_reason(client, clerk, figures_2021):
    Notice.objects.create(
        city=City.objects.get(admin_code="450600"), year=2021, month=3, status=Notice.Status.ISSUED
    )
    client.force_login(clerk)
    edit(client, cell_url("港口区", 4), {"amount_wan": "10", "reason": ""})
    assert MonthlyFigure.objects.filter(region__name="港口区", year=2021, month=4).exists()


@pytest.mark.parametrize("bad", ["-5", "abc", "1.23456"])
def test_a_bad_amount_is_refused_and_changes_nothing(client, clerk, figures_2021, bad):
    client.force_login(clerk)
    response = edit(client, cell_url("港口区", 1), {"amount_wan": bad})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert MonthlyFigure.objects.get(
        region__name="港口区", month=1, year=2021
    ).amount_usd == Decimal("1000000")


def test_clearing_a_cell_removes_the_figure(client, clerk, figures_2021):
    client.force_login(clerk)
    edit(client, cell_url("港口区", 3), {"amount_wan": ""})
    assert not MonthlyFigure.objects.filter(region__name="港口区", year=2021, month=3).exists()


def test_a_clerk_sets_a_region_target_and_the_city_target(client, clerk, fangchenggang):
    client.force_login(clerk)
    edit(
        client,
        reverse("assessments:target_cell", args=["450600", 2022, region("东兴市").pk]),
        {"amount_wan": "1500"},
    )
    assert RegionTarget.objects.get(region__name="东兴市", year=2022).target_usd == Decimal(
        "15000000"
    )
    client.post(
        reverse("assessments:city_target", args=["450600", 2022]),
        {"target_wan": "8000", "growth_percent": "15", "opened": "none"},
    )
    target = CityTarget.objects.get(city=fangchenggang, year=2022)
    assert (target.target_usd, target.growth_target) == (Decimal("80000000"), Decimal("0.15"))


def test_a_stale_city_target_save_is_refused_with_the_stored_target(client, clerk, fangchenggang):
    client.force_login(clerk)
    page = client.get(grid_url(2022))
    opened = page.context["city_target_form"]["opened"].value()
    assert opened == "none"
    # Another clerk sets 8000万 meanwhile.
    CityTarget.objects.create(city=fangchenggang, year=2022, target_usd=Decimal(80_000_000))

    refused = client.post(
        reverse("assessments:city_target", args=["450600", 2022]),
        {"target_wan": "9000", "growth_percent": "", "opened": opened},
        follow=True,
    )

    assert "8,000.00" in refused.content.decode()
    assert CityTarget.objects.get(year=2022).target_usd == Decimal(80_000_000)
    # The page now carries 8000万: saving again, knowingly, goes through.
    again = refused.context["city_target_form"]["opened"].value()
    client.post(
        reverse("assessments:city_target", args=["450600", 2022]),
        {"target_wan": "9000", "growth_percent": "", "opened": again},
    )
    assert CityTarget.objects.get(year=2022).target_usd == Decimal(90_000_000)


def read_xlsx(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_has_a_title_the_wide_layout_and_a_total_row(client, clerk, figures_2021):
    client.force_login(clerk)
    rows = read_xlsx(client.get(reverse("assessments:export_grid", args=["450600", 2021])).content)
    assert "防城港市2021年" in rows[0][0]
    assert rows[1][:4] == ("地区", "年份", "1月", "2月")
    by_region = {row[0]: row for row in rows[2:]}
    assert by_region["港口区"][2:5] == (100, None, 50)
    assert by_region["合计"][2:5] == (100, 30, 50)


def test_an_exported_file_imports_back_unchanged(client, clerk, figures_2021, tmp_path):
    client.force_login(clerk)
    content = client.get(reverse("assessments:export_grid", args=["450600", 2021])).content
    upload = io.BytesIO(content)
    upload.name = "export.xlsx"
    response = client.post(
        reverse("assessments:import_upload", args=["450600", "figures"]), {"file": upload}
    )
    preview = response.context["preview"]
    assert preview.errors == ()
    assert preview.counts == {"new": 0, "changed": 0, "unchanged": 3}


def wide_file(rows: list[list]) -> io.BytesIO:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["地区", "年份", *(f"{m}月" for m in range(1, 13))])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "figures.xlsx"
    return buffer


def test_an_upload_is_previewed_then_written_only_on_confirmation(
    client, clerk, figures_2021, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path
    client.force_login(clerk)
    response = client.post(
        reverse("assessments:import_upload", args=["450600", "figures"]),
        {"file": wide_file([["港口区", 2021, 100, 12.5, 60]])},
    )
    preview = response.context["preview"]
    assert preview.counts == {"new": 1, "changed": 1, "unchanged": 1}
    assert not MonthlyFigure.objects.filter(region__name="港口区", year=2021, month=2).exists()
    confirmed = client.post(
        reverse("assessments:import_confirm", args=["450600", "figures"]),
        {"token": response.context["token"], "fingerprint": response.context["fingerprint"]},
    )
    assert confirmed.status_code == 302
    assert MonthlyFigure.objects.get(
        region__name="港口区", year=2021, month=2
    ).amount_usd == Decimal("125000")
    assert MonthlyFigure.objects.get(
        region__name="港口区", year=2021, month=3
    ).amount_usd == Decimal("600000")


def test_a_confirmation_that_no_longer_matches_the_preview_writes_nothing(
    client, clerk, figures_2021, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path
    client.force_login(clerk)
    response = client.post(
        reverse("assessments:import_upload", args=["450600", "figures"]),
        {"file": wide_file([["港口区", 2021, 100, 12.5]])},
    )
    # Someone corrects 港口区's February in the grid between preview and confirmation.
    figure("港口区", 2021, 2, "10000")
    client.post(
        reverse("assessments:import_confirm", args=["450600", "figures"]),
        {"token": response.context["token"], "fingerprint": response.context["fingerprint"]},
    )
    assert MonthlyFigure.objects.get(
        region__name="港口区", year=2021, month=2
    ).amount_usd == Decimal("10000")


def test_a_bad_upload_shows_every_problem_and_offers_no_confirmation(client, clerk, figures_2021):
    client.force_login(clerk)
    response = client.post(
        reverse("assessments:import_upload", args=["450600", "figures"]),
        {"file": wide_file([["港口区", 2021, -1], ["凉州区", 2021, 5], ["不存在县", 2021, 1]])},
    )
    page = response.content.decode()
    assert len(response.context["preview"].errors) == 3
    for row in ("第2行", "第3行", "第4行"):
        assert row in page
    assert "token" not in response.context
    assert MonthlyFigure.objects.filter(year=2021).count() == 3


def test_each_template_downloads_with_the_citys_regions(client, clerk, fangchenggang):
    client.force_login(clerk)
    headers = {
        "targets": ("地区", "年份", "目标（万美元）"),
        "figures-long": ("地区", "年份", "月份", "实际使用外资（万美元）"),
        "figures-wide": ("地区", "年份", "1月"),
    }
    for kind, expected in headers.items():
        rows = read_xlsx(
            client.get(reverse("assessments:import_template", args=["450600", kind])).content
        )
        assert rows[1][: len(expected)] == expected
        assert {row[0] for row in rows[2:]} == {"港口区", "防城区", "上思县", "东兴市"}


def test_the_grid_page_query_count_does_not_grow_with_regions_or_years(
    client, clerk, fangchenggang, django_assert_max_num_queries
):
    client.force_login(clerk)
    load_demo_figures(__import__("datetime").date(2021, 12, 15))
    # Session, user, membership, regions, figures, targets, city target, submissions, locks,
    # the lock panel and the count of submissions to verify: a constant.
    with django_assert_max_num_queries(16) as small:
        client.get(grid_url())
    new_regions = Region.objects.bulk_create(
        Region(city=fangchenggang, name=f"测试县{i}", kind=Region.Kind.COUNTY, assessed=True)
        for i in range(36)
    )
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(region=r, year=y, month=m, amount_usd=Decimal(1000))
        for r in new_regions
        for y in (2019, 2020, 2021)
        for m in range(1, 13)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(grid_url())


def test_demo_figures_are_marked_and_removed_without_touching_real_ones(fangchenggang):
    import datetime

    real = figure("上思县", 2021, 5, "123400")
    count = load_demo_figures(datetime.date(2022, 3, 10))
    # 2020, 2021 (12 months each) and 2022 Jan–Feb, for 4 + 4 regions, less the real cell.
    assert count == 8 * (12 + 12 + 2) - 1
    assert MonthlyFigure.objects.get(pk=real.pk).amount_usd == Decimal("123400")
    assert not MonthlyFigure.objects.filter(is_demo=True, year=2022, month=3).exists()
    assert CityTarget.objects.get(city=fangchenggang, year=2021).is_demo is False  # the seed's
    remove_demo_figures()
    assert not MonthlyFigure.objects.filter(is_demo=True).exists()
    assert MonthlyFigure.objects.filter(pk=real.pk).exists()


def test_the_history_page_query_count_does_not_grow_with_changes(
    client, clerk, figures_2021, django_assert_max_num_queries
):
    client.force_login(clerk)
    url = reverse("assessments:figure_history", args=["450600", 2021])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    baseline = len(few.captured_queries)  # read now: later requests reset the query log
    for amount in range(1, 31):
        edit(client, cell_url("港口区", 5), {"amount_wan": str(amount)})
        edit(
            client,
            reverse("assessments:target_cell", args=["450600", 2021, region("东兴市").pk]),
            {"amount_wan": str(amount)},
        )
    with django_assert_max_num_queries(baseline):
        entries = client.get(url).context["entries"]
    assert len(entries) > 60
