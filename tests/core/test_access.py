"""Scoping: who reads which city, whose writes are limited to which region."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.http import Http404

from fdi_portal.access import visible_or_404
from fdi_portal.models import City, Department, Membership, Region, Role
from tests.conftest import make_user


def codes(queryset) -> set[str]:
    return set(queryset.values_list("admin_code", flat=True))


def test_city_staff_see_only_their_city(clerk, wuwei_clerk):
    assert codes(City.objects.visible_to(clerk)) == {"450600"}
    assert codes(City.objects.visible_to(wuwei_clerk)) == {"620600"}


def test_a_region_official_reads_every_region_of_their_city(shangsi_official):
    names = set(Region.objects.visible_to(shangsi_official).values_list("name", flat=True))
    assert {"港口区", "防城区", "上思县", "东兴市"} <= names
    assert "凉州区" not in names


def test_a_region_officials_writes_are_limited_to_their_region(shangsi_official):
    assert list(Region.objects.writable_by(shangsi_official).values_list("name", flat=True)) == [
        "上思县"
    ]


def test_commerce_staff_write_for_every_region_of_their_city_only(clerk):
    writable = Region.objects.writable_by(clerk)
    assert writable.filter(name="东兴市").exists()
    assert not writable.filter(city__admin_code="620600").exists()


@pytest.mark.parametrize("who", ["leader", "investment_officer", "province_viewer", "stranger"])
def test_readers_write_for_no_region(request, who):
    assert not Region.objects.writable_by(request.getfixturevalue(who)).exists()


def test_a_province_viewer_reads_every_city_of_their_province_and_no_other(
    province_viewer, fangchenggang
):
    City.objects.create(name="钦州市", admin_code="450700", province="广西壮族自治区")
    assert codes(City.objects.visible_to(province_viewer)) == {"450600", "450700"}
    assert not Department.objects.visible_to(province_viewer).filter(city__admin_code="620600")


def test_a_user_without_membership_sees_nothing(stranger):
    assert not City.objects.visible_to(stranger).exists()
    assert not Department.objects.visible_to(stranger).exists()


def test_a_superuser_sees_every_city(superuser):
    assert codes(City.objects.visible_to(superuser)) == {"450600", "620600"}


def test_an_object_outside_the_scope_is_a_404(clerk, wuwei):
    with pytest.raises(Http404):
        visible_or_404(City, clerk, admin_code=wuwei.admin_code)
    department = Department.objects.filter(city=wuwei).first()
    with pytest.raises(Http404):
        visible_or_404(Department, clerk, pk=department.pk)


def test_a_forged_request_for_another_citys_page_is_a_404(client, clerk):
    client.force_login(clerk)
    response = client.get("/organisation/620600/")
    assert response.status_code == 404
    assert "武威" not in response.content.decode()


def test_a_region_official_must_have_a_region(fangchenggang):
    with pytest.raises(IntegrityError):
        make_user("no_region", Role.REGION_OFFICIAL, city=fangchenggang)


def test_a_department_officer_must_have_a_department(fangchenggang):
    with pytest.raises(IntegrityError):
        make_user("no_department", Role.DEPARTMENT_OFFICER, city=fangchenggang)


def test_a_province_viewer_has_a_province_and_no_city(fangchenggang):
    with pytest.raises(IntegrityError):
        make_user("viewer", Role.PROVINCE_VIEWER, city=fangchenggang, province="广西壮族自治区")


def test_every_other_role_needs_a_city(seed):
    with pytest.raises(IntegrityError):
        make_user("cityless", Role.LEADER)


def test_a_membership_region_must_be_in_its_city(wuwei, fangchenggang):
    from django.core.exceptions import ValidationError

    membership = Membership(
        role=Role.REGION_OFFICIAL,
        city=wuwei,
        region=Region.objects.get(city=fangchenggang, name="上思县"),
    )
    with pytest.raises(ValidationError) as error:
        membership.clean()
    assert "region" in error.value.message_dict
