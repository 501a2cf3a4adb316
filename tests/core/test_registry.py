"""The seed fixtures: both cities, their regions with the right codes, and every unit that each
document names resolving to a department of that city."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from fdi_portal.models import City, Department, Region

# Every unit as each document writes it (collective units such as 各县（市、区）人民政府 or
# 市级各部门 are not departments and are handled by the plan importer).
FANGCHENGGANG_UNITS = [
    "市发展改革委",
    "商务局",
    "财政局",
    "市场监管局",
    "税务局",
    "市财政局",
    "投资促进局",
    "市商务局",
    "发展改革委",
    "北部湾办",
    "科技局",
    "工业和信息化局",
    "市农业农村局",
    "农业农村局",
    "市投资促进局",
    "贸促会",
    "国资委",
    "工商联",
    "市司法局",
    "市大数据和行政审批局",
    "自然资源局",
    "住房城乡建设局",
    "防城海关",
    "东兴海关",
    "峒中海关",
    "市税务局",
    "人民银行防城港中心支行",
    "国家外汇管理局防城港市中心支局",
    "市投资促进委员会办公室",
    "投促局",
    "市市场监管局",
]
WUWEI_UNITS = [
    # The fifteen issuing units, spaced out as on the cover page and with a line break.
    "武 威 市 商 务 局",
    "武 威 市 发 展 和 改 革 委 员 会",
    "武 威 市 科 学 技 术 局",
    "武 威 市 工 业 和 信 息 化 局",
    "武 威 市 财 政 局",
    "武 威 市 人 力 资 源 和 社 会 保 障 局",
    "武 威 市 自 然 资 源 局",
    "武 威 市 生 态 环 境 局",
    "武 威 市 住 房 和 城 乡 建 设 局",
    "武 威 市 人 民 政 府 外 事 办 公 室",
    "武 威 市 市 场 监 督 管 理 局",
    "武 威 市 人 民 政 府 国 有 资 产 监 督 管 理 委 员 会",
    "武威市人民政府金融  \n工作办公室",
    "国 家 税 务 总 局 武 威 市 税 务 局",
    "国 家 金 融 监 督 管 理 总 局 武 威 监 管 分 局",
    # The units in the tasks' brackets.
    "市发展改革委",
    "市商务局",
    "市市场监管\n\n局",
    "市科技局",
    "市工信局",
    "市税务局",
    "武威工业园区管委会",
    "武威国际陆港管委会",
    "市政府国资委",
    "市政府金融办",
    "市政府外事办",
    "市招商局",
    "市自然资源局",
    "市财政局",
    "市生态环境局",
    "市人社局",
    "市住建局",
    "市教育局",
    "国家金融监督管理总局武威监管分局",
    "市市场监管局",
]


@pytest.mark.parametrize(
    ("code", "name", "province"),
    [("450600", "防城港市", "广西壮族自治区"), ("620600", "武威市", "甘肃省")],
)
def test_both_seed_cities_exist_with_their_codes(seed, code, name, province):
    city = City.objects.get(admin_code=code)
    assert (city.name, city.province) == (name, province)


@pytest.mark.parametrize(
    ("city_code", "codes"),
    [
        (
            "450600",
            {"港口区": "450602", "防城区": "450603", "上思县": "450621", "东兴市": "450681"},
        ),
        (
            "620600",
            {
                "凉州区": "620602",
                "民勤县": "620621",
                "古浪县": "620622",
                "天祝藏族自治县": "620623",
            },
        ),
    ],
)
def test_assessed_regions_are_the_districts_and_counties_with_their_codes(seed, city_code, codes):
    assessed = Region.objects.filter(city__admin_code=city_code, assessed=True)
    assert {r.name: r.admin_code for r in assessed} == codes


def test_parks_the_documents_name_are_regions_that_are_not_ranked(seed):
    parks = set(
        Region.objects.filter(kind=Region.Kind.PARK, assessed=False).values_list("name", flat=True)
    )
    assert {
        "防城港经济技术开发区",
        "东兴边境经济合作区",
        "武威工业园区",
        "甘肃（武威）国际陆港",
    } <= parks


@pytest.mark.parametrize(
    ("city_code", "written_names"),
    [("450600", FANGCHENGGANG_UNITS), ("620600", WUWEI_UNITS)],
)
def test_every_unit_a_document_names_resolves_to_a_department_of_its_city(
    seed, city_code, written_names
):
    city = City.objects.get(admin_code=city_code)
    index = Department.objects.name_index(city)
    unresolved = [name for name in written_names if Department.objects.resolve(city, name) is None]
    assert unresolved == []
    assert all(department.city == city for department in index.values())


def test_short_names_resolve_to_the_full_registry_name(fangchenggang):
    resolve = Department.objects.resolve
    assert resolve(fangchenggang, "发改委").name == "防城港市发展和改革委员会"
    assert resolve(fangchenggang, "市发展改革委").name == "防城港市发展和改革委员会"
    assert resolve(fangchenggang, "市市场监管局").name == "防城港市市场监督管理局"
    assert resolve(fangchenggang, "税务局").name == "国家税务总局防城港市税务局"


def test_a_name_of_another_city_does_not_resolve(fangchenggang):
    assert Department.objects.resolve(fangchenggang, "武威国际陆港管委会") is None
    assert Department.objects.resolve(fangchenggang, "市招商局") is None


def test_no_written_form_is_shared_by_two_departments_of_a_city(seed):
    """A shared form would make the name index drop it; the seed must have none."""
    from fdi_portal.lib.names import written_forms

    for city in City.objects.all():
        owners: dict[str, str] = {}
        for department in Department.objects.filter(city=city):
            for form in set(written_forms(department.all_names(), city_name=city.name)):
                assert owners.setdefault(form, department.name) == department.name, form


def test_loading_the_fixtures_again_changes_nothing(seed):
    before = (City.objects.count(), Region.objects.count(), Department.objects.count())
    call_command("loaddata", "fangchenggang_2021", "wuwei_2023", verbosity=0)
    assert (City.objects.count(), Region.objects.count(), Department.objects.count()) == before


def test_a_region_name_is_unique_within_its_city(fangchenggang):
    with pytest.raises(IntegrityError):
        Region.objects.create(city=fangchenggang, name="上思县", kind=Region.Kind.COUNTY)


def test_a_region_code_is_unique(wuwei):
    with pytest.raises(IntegrityError):
        Region.objects.create(
            city=wuwei, name="重复代码县", kind=Region.Kind.COUNTY, admin_code="450621"
        )


def test_parks_without_a_code_do_not_clash(fangchenggang):
    Region.objects.create(city=fangchenggang, name="新园区甲", kind=Region.Kind.PARK)
    Region.objects.create(city=fangchenggang, name="新园区乙", kind=Region.Kind.PARK)


def test_a_department_name_is_unique_within_its_city(fangchenggang, wuwei):
    Department.objects.create(city=wuwei, name="防城港市商务局", short_name="x")  # other city: fine
    with pytest.raises(IntegrityError):
        Department.objects.create(city=fangchenggang, name="防城港市商务局", short_name="商务局")
