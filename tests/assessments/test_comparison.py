"""The city-by-city comparison a province viewer (and an administrator) reads on their home."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from assessments.models import CityTarget, MonthlyFigure
from assessments.pages import province_comparison
from fdi_portal.models import City, Region


def figure(region: Region, year: int, month: int, usd: str) -> None:
    MonthlyFigure.objects.create(region=region, year=year, month=month, amount_usd=Decimal(usd))


def a_second_guangxi_city(name: str = "钦州市", code: str = "450700") -> City:
    city = City.objects.create(name=name, admin_code=code, province="广西壮族自治区")
    Region.objects.create(city=city, name=f"{name}甲区", kind=Region.Kind.DISTRICT, assessed=True)
    return city


def test_each_city_sums_to_its_last_reported_month_against_its_target(fangchenggang):
    qinzhou = a_second_guangxi_city()
    gangkou = Region.objects.get(name="港口区")
    park = Region.objects.get(name="防城港经济技术开发区")
    district = Region.objects.get(name="钦州市甲区")
    # 防城港: Jan 100万 + Mar 50万 (through March); last year Jan–Mar 80万 + 40万 (Apr not counted).
    figure(gangkou, 2021, 1, "1000000")
    figure(gangkou, 2021, 3, "500000")
    figure(gangkou, 2020, 1, "800000")
    figure(gangkou, 2020, 3, "400000")
    figure(gangkou, 2020, 4, "999999")
    figure(park, 2021, 2, "777777")  # a park is not assessed: not counted
    # 钦州: Jan only, 30万; no target, nothing last year.
    figure(district, 2021, 1, "300000")
    rows = {row.city.admin_code: row for row in province_comparison([fangchenggang, qinzhou], 2021)}

    fcg = rows["450600"]
    assert fcg.through_month == 3
    assert fcg.ytd_usd == Decimal("1500000")
    assert fcg.progress.ytd_last_year == Decimal("1200000")
    assert fcg.progress.growth == Decimal("0.25")  # (150 − 120) / 120
    assert fcg.target_usd == Decimal("70000000")  # the seed's 7000万美元
    assert fcg.progress.required == Decimal("0.25")  # 3/12 under the seed's default schedule
    qz = rows["450700"]
    assert (qz.through_month, qz.ytd_usd, qz.progress.completion, qz.progress.growth) == (
        1,
        Decimal("300000"),
        None,
        None,
    )


def test_a_city_without_figures_is_listed_with_nothing_reported(fangchenggang):
    (row,) = province_comparison([fangchenggang], 2030)
    assert (row.through_month, row.ytd_usd, row.progress) == (None, Decimal(0), None)


def test_the_province_viewer_compares_their_provinces_cities_only(
    client, province_viewer, fangchenggang
):
    a_second_guangxi_city()
    client.force_login(province_viewer)
    page = client.get(reverse("home") + "?year=2021").content.decode()
    assert "钦州市" in page
    assert "防城港市" in page
    assert "武威市" not in page


def test_the_comparison_query_count_does_not_grow_with_cities(
    client, province_viewer, fangchenggang, django_assert_max_num_queries
):
    client.force_login(province_viewer)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("home"))
    for i in range(10):
        city = a_second_guangxi_city(f"测试{i}市", f"45{i:02d}99")
        CityTarget.objects.create(city=city, year=2026, target_usd=Decimal(1))
        figure(Region.objects.get(city=city), 2026, 1, "1000")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))
