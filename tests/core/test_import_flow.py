"""What every spreadsheet import shares: one upload → preview → confirm flow (the same views and
template for figures, targets, arrivals and project lists) and one region lookup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation
from openpyxl import Workbook

from fdi_portal import import_views
from fdi_portal.imports import RegionLookup
from fdi_portal.models import Region
from projects.project_import import PROJECT_HEADERS, PROJECT_REGIONS, preview_projects_import

pytestmark = pytest.mark.django_db

#: Each import's upload URL: the kind, and the URL arguments before it.
IMPORT_PAGES = {
    "figures": ("assessments:import_upload", ["450600"]),
    "targets": ("assessments:import_upload", ["450600"]),
    "arrivals": ("projects:project_import", []),
    "projects": ("projects:project_import", []),
}


def workbook(directory: Path, rows: list[list]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = directory / f"upload-{len(list(directory.glob('*.xlsx')))}.xlsx"
    book.save(path)
    return path


def upload_url(kind: str) -> str:
    name, args = IMPORT_PAGES[kind]
    return reverse(name, args=[*args, kind])


def test_the_four_imports_are_served_by_the_same_views_and_template(client, clerk) -> None:
    client.force_login(clerk)
    confirm_names = {
        "assessments:import_upload": "assessments:import_confirm",
        "projects:project_import": "projects:project_import_confirm",
    }
    for kind, (name, args) in IMPORT_PAGES.items():
        confirm = reverse(confirm_names[name], args=[*args, kind])
        assert resolve(upload_url(kind)).func is import_views.import_upload, kind
        assert resolve(confirm).func is import_views.import_confirm, kind

        response = client.get(upload_url(kind))

        assert response.status_code == 200, kind
        assert [t.name for t in response.templates][0] == "fdi_portal/import.html", kind
    templates = [
        reverse("assessments:import_template", args=["450600", layout])
        for layout in ("figures-long", "figures-wide", "targets")
    ] + [reverse("projects:project_import_template", args=[k]) for k in ("arrivals", "projects")]
    assert {resolve(url).func for url in templates} == {import_views.import_template}


def test_each_import_page_says_what_it_imports_and_links_its_own_templates(client, clerk) -> None:
    client.force_login(clerk)
    client.cookies.load({"django_language": "en"})

    figures = client.get(upload_url("figures")).content.decode()
    arrivals = client.get(upload_url("arrivals")).content.decode()

    assert "import monthly utilised FDI" in figures
    assert reverse("assessments:import_template", args=["450600", "figures-wide"]) in figures
    assert "Import project arrivals" in arrivals
    assert reverse("projects:project_import_template", args=["arrivals"]) in arrivals
    assert "figures-wide" not in arrivals


def test_an_import_is_served_only_under_its_own_apps_urls(client, clerk) -> None:
    client.force_login(clerk)

    assert client.get(reverse("projects:project_import", args=["figures"])).status_code == 404
    assert (
        client.get(reverse("assessments:import_upload", args=["450600", "arrivals"])).status_code
        == 404
    )
    assert (
        client.get(reverse("projects:project_import_template", args=["targets"])).status_code == 404
    )


def test_each_import_keeps_its_own_roles(client, shangsi_official) -> None:
    client.force_login(shangsi_official)

    assert client.get(upload_url("arrivals")).status_code == 200
    # County officials import their own region's figures as submissions, never targets.
    assert client.get(upload_url("figures")).status_code == 200
    assert client.get(upload_url("targets")).status_code == 403


def test_the_preview_shows_each_change_in_the_imports_own_columns(
    client, clerk, settings, tmp_path
) -> None:
    settings.IMPORT_DIR = tmp_path
    client.force_login(clerk)
    client.cookies.load({"django_language": "en"})
    path = workbook(tmp_path, [["地区", "年份", "目标（万美元）"], ["上思县", 2021, "1234.5"]])

    with path.open("rb") as upload:
        page = client.post(upload_url("targets"), {"file": upload}).content.decode()

    headers = re.findall(r"<th[^>]*>([^<]*)</th>", page)
    assert headers == [
        "Region",
        "Row",
        "Year",
        "Month",
        "Stored",
        "In the file",
        "Difference",
        "Change",
    ]
    [new_row] = re.findall(r'<tr class="preview-new table-success">(.*?)</tr>', page, re.S)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", new_row)
    assert cells == ["上思县", "2", "2021", "—", "—", "1,234.50", "", "new"]
    assert "Confirm: write 1 cell" in page


# --------------------------------------------------------------------------- the region lookup


def test_a_region_is_found_by_name_short_name_and_six_digit_code(fangchenggang, wuwei) -> None:
    lookup = RegionLookup(city=wuwei, assessed_only=True)

    assert lookup.resolve("凉州区")[0].name == "凉州区"
    assert lookup.resolve("天祝县")[0].name == "天祝藏族自治县"  # its short name
    assert lookup.resolve("620621")[0].name == "民勤县"
    assert lookup.resolve(" 古浪 县 ")[0].name == "古浪县"  # spaces do not matter


def test_a_short_name_written_like_the_name_is_not_taken_for_a_second_region(
    fangchenggang,
) -> None:
    Region.objects.create(
        city=fangchenggang, name="测试县", short_name="测试 县", kind=Region.Kind.COUNTY
    )

    assert RegionLookup(city=fangchenggang).resolve("测试县")[0].name == "测试县"


def test_another_citys_region_is_refused_by_name_and_by_code(fangchenggang, wuwei) -> None:
    lookup = RegionLookup(city=fangchenggang, assessed_only=True)

    for written in ("凉州区", "620602"):
        region, message = lookup.resolve(written)
        assert region is None
        assert "武威市" in message


def test_a_park_is_refused_and_an_unassessed_county_only_where_assessed_regions_are_needed(
    fangchenggang,
) -> None:
    Region.objects.create(city=fangchenggang, name="测试县", kind=Region.Kind.COUNTY)
    figures = RegionLookup(city=fangchenggang, assessed_only=True)
    projects = RegionLookup(Region.objects.in_city(fangchenggang), messages=PROJECT_REGIONS)

    for lookup in (figures, projects):
        with translation.override("en"):
            region, message = lookup.resolve("经开区")
        assert region is None
        assert "「经开区」 is a park or zone" in message
    assert figures.resolve("测试县")[0] is None
    assert projects.resolve("测试县")[0].name == "测试县"


def test_an_unknown_region_is_told_apart_from_one_of_another_city(fangchenggang) -> None:
    lookup = RegionLookup(city=fangchenggang, assessed_only=True)

    with translation.override("en"):
        unknown = lookup.resolve("某某县")[1]
        outside = lookup.resolve("凉州区")[1]

    assert unknown.startswith("Unknown region 「某某县」")
    assert outside.startswith("「凉州区」 belongs to 武威市, not to 防城港市")


def test_a_region_only_outside_what_the_user_may_change_is_refused(
    fangchenggang, shangsi_official
) -> None:
    lookup = RegionLookup(Region.objects.writable_by(shangsi_official))

    assert lookup.resolve("上思县")[0].name == "上思县"
    assert lookup.resolve("东兴市")[0] is None
    assert [region.name for region in lookup.regions] == ["上思县"]


def test_a_name_two_cities_share_must_be_written_as_its_code(fangchenggang, wuwei) -> None:
    Region.objects.create(city=wuwei, name="东兴市", kind=Region.Kind.COUNTY, assessed=True)
    lookup = RegionLookup(assessed_only=True)  # every city's, as on the command line

    with translation.override("en"):
        region, message = lookup.resolve("东兴市")

    assert region is None
    assert "several cities" in message
    assert lookup.resolve("450681")[0].city == fangchenggang


def test_the_region_lookup_takes_one_query_however_many_rows_it_resolves(
    fangchenggang, wuwei, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        lookup = RegionLookup(city=fangchenggang, assessed_only=True)
        for written in ["港口区", "450603", "上思县", "凉州区", "经开区", "某某县"] * 100:
            lookup.resolve(written)


def test_a_project_list_preview_takes_the_same_queries_for_two_or_sixty_rows(
    fangchenggang, tmp_path
) -> None:
    def rows(count: int) -> list[list]:
        values = [{"项目名称": f"项目{i}", "地区": "上思县"} for i in range(count)]
        return [list(PROJECT_HEADERS), *([v.get(h) for h in PROJECT_HEADERS] for v in values)]

    counted = []
    for count in (2, 60):
        path = workbook(tmp_path, rows(count))
        with CaptureQueriesContext(connection) as queries:
            preview = preview_projects_import(
                path, regions=Region.objects.all(), max_bytes=1_000_000
            )
        assert preview.counts["new"] == count
        counted.append(len(queries.captured_queries))

    # Regions, projects, investors, campaigns.
    assert counted == [4, 4]
