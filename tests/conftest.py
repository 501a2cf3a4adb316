"""The named cast every view test draws on, over the two seed cities."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from fdi_portal.models import City, Department, Membership, Region, Role

TEST_PASSWORD = "pw-for-tests"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Production hashing is slow by design; tests only need it to round-trip."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def login_protection_off(settings) -> None:
    """django-axes locks accounts after failed logins and needs the request to do so, which
    `client.login()` does not pass; tests of the lockout itself turn it back on
    (tests/core/test_hardening_login.py)."""
    settings.AXES_ENABLED = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """Load both seed fixtures once into the test database, as `make run` loads them.

    Every test runs in a transaction that is rolled back, so they see the seed unchanged.
    """
    with django_db_blocker.unblock():
        call_command("loaddata", "fangchenggang_2021", "wuwei_2023", verbosity=0)


@pytest.fixture
def seed(db) -> None:
    """The seed cities, regions and departments (loaded once per test session; again after a
    transactional test has flushed the database)."""
    if not City.objects.exists():
        call_command("loaddata", "fangchenggang_2021", "wuwei_2023", verbosity=0)


@pytest.fixture
def fangchenggang(seed) -> City:
    return City.objects.get(admin_code="450600")


@pytest.fixture
def wuwei(seed) -> City:
    return City.objects.get(admin_code="620600")


def make_user(username: str, role: Role | None = None, **membership) -> object:
    user = get_user_model().objects.create_user(username=username, password=TEST_PASSWORD)
    if role is not None:
        Membership.objects.create(user=user, role=role, **membership)
    return user


@pytest.fixture
def clerk(fangchenggang):
    """A clerk of the 防城港市商务局."""
    return make_user("clerk", Role.COMMERCE_STAFF, city=fangchenggang)


@pytest.fixture
def shangsi_official(fangchenggang):
    """An official of 上思县."""
    region = Region.objects.get(city=fangchenggang, name="上思县")
    return make_user("shangsi", Role.REGION_OFFICIAL, city=fangchenggang, region=region)


@pytest.fixture
def dongxing_official(fangchenggang):
    """An official of 东兴市."""
    region = Region.objects.get(city=fangchenggang, name="东兴市")
    return make_user("dongxing", Role.REGION_OFFICIAL, city=fangchenggang, region=region)


@pytest.fixture
def investment_officer(fangchenggang):
    """An officer of the 防城港市投资促进局, a lead unit of several tasks."""
    department = Department.objects.get(city=fangchenggang, name="防城港市投资促进局")
    return make_user("invest", Role.DEPARTMENT_OFFICER, city=fangchenggang, department=department)


@pytest.fixture
def leader(fangchenggang):
    """A city leader of 防城港市."""
    return make_user("leader", Role.LEADER, city=fangchenggang)


@pytest.fixture
def province_viewer(seed):
    """A viewer at the 广西 department of commerce: reads every Guangxi city."""
    return make_user("gx", Role.PROVINCE_VIEWER, province="广西壮族自治区")


@pytest.fixture
def wuwei_clerk(wuwei):
    """A clerk of another city (武威市, 甘肃省)."""
    return make_user("wuwei_clerk", Role.COMMERCE_STAFF, city=wuwei)


@pytest.fixture
def superuser(seed):
    return get_user_model().objects.create_superuser("root", password=TEST_PASSWORD)


@pytest.fixture
def stranger(seed):
    """A user with an account but no membership."""
    return make_user("stranger")
