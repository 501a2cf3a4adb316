"""The shell every user meets: login, a home page per role, navigation, language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import TEST_PASSWORD


def test_logging_in_leads_to_the_home_page(client, clerk):
    response = client.post(
        reverse("login"), {"username": "clerk", "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "防城港市" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message_in_chinese(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_every_page_needs_a_login(client, seed):
    response = client.get(reverse("city_organisation", args=["450600"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "heading", "role_label"),
    [
        ("clerk", "防城港市商务局", "商务局工作人员"),
        ("shangsi_official", "上思县", "县（市、区）或园区工作人员"),
        ("investment_officer", "防城港市投资促进局", "部门工作人员"),
        ("leader", "防城港市概览", "市领导"),
        ("province_viewer", "广西壮族自治区", "省级查看"),
    ],
)
def test_each_role_has_its_own_home_page_showing_role_and_city(
    client, request, who, heading, role_label
):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("home")).content.decode()
    assert heading in page
    assert role_label in page


def test_a_user_without_membership_is_told_to_ask_for_a_role(client, stranger):
    client.force_login(stranger)
    assert "还没有" in client.get(reverse("home")).content.decode()


def test_the_administration_link_shows_only_for_superusers(client, clerk, superuser):
    client.force_login(clerk)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    client.force_login(superuser)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_the_organisation_page_lists_regions_and_departments_with_their_names(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("city_organisation", args=["450600"])).content.decode()
    assert "450621" in page
    assert "防城港市发展和改革委员会" in page
    assert "发改委" in page


def test_the_interface_is_chinese_by_default_and_english_on_request(client, clerk):
    client.force_login(clerk)
    assert "退出" in client.get(reverse("home")).content.decode()
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )
    assert "Log out" in response.content.decode()


def test_the_home_page_query_count_does_not_grow_with_cities(
    client, superuser, django_assert_max_num_queries
):
    from fdi_portal.models import City

    client.force_login(superuser)
    # Session, user, membership, cities, the figures' sums, targets and schedules, projects.
    with django_assert_max_num_queries(7) as few:
        client.get(reverse("home"))
    City.objects.bulk_create(
        City(name=f"测试市{i}", admin_code=f"{990000 + i}", province="测试省") for i in range(30)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_the_organisation_page_query_count_is_fixed(
    client, clerk, fangchenggang, django_assert_max_num_queries
):
    from fdi_portal.models import Department, Region

    Region.objects.bulk_create(
        Region(city=fangchenggang, name=f"园区{i}", kind=Region.Kind.PARK) for i in range(40)
    )
    Department.objects.bulk_create(
        Department(city=fangchenggang, name=f"部门{i}", short_name=f"部{i}") for i in range(40)
    )
    client.force_login(clerk)
    with django_assert_max_num_queries(8):
        client.get(reverse("city_organisation", args=["450600"]))


def test_an_english_browser_still_gets_the_chinese_interface(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert "退出" in page.content.decode()


def test_a_leader_sees_the_projects_they_follow(client, leader, fangchenggang):
    from projects.models import Project

    region = fangchenggang.regions.get(name="东兴市")
    Project.objects.create(city=fangchenggang, region=region, name="跟踪项目甲", leader=leader)
    Project.objects.create(city=fangchenggang, region=region, name="别人跟踪的项目")
    client.force_login(leader)
    attention = reverse("dashboards:attention", args=[fangchenggang.admin_code])
    assert f'hx-get="{attention}?year=' in client.get(reverse("home")).content.decode()
    panel = client.get(attention, headers={"hx-request": "true"}).context["led_projects"]
    assert [project.name for project in panel] == ["跟踪项目甲"]
