"""Demo accounts for a new user's first look at the portal. Never for production: every demo
account shares the password below, which the README prints."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from fdi_portal.models import City, Department, Membership, Region, Role

DEMO_PASSWORD = "demo-only-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role | None  # None: superuser
    city_code: str = ""
    province: str = ""
    region: str = ""
    department: str = ""


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "系统管理员", None),
    DemoAccount("fcg_staff", "防城港市商务局 李文", Role.COMMERCE_STAFF, "450600"),
    DemoAccount(
        "fcg_shangsi", "上思县商务局 黄明", Role.REGION_OFFICIAL, "450600", region="上思县"
    ),
    DemoAccount(
        "fcg_dongxing", "东兴市商务局 陈芳", Role.REGION_OFFICIAL, "450600", region="东兴市"
    ),
    DemoAccount(
        "fcg_invest",
        "防城港市投资促进局 周强",
        Role.DEPARTMENT_OFFICER,
        "450600",
        department="防城港市投资促进局",
    ),
    DemoAccount("fcg_leader", "防城港市 分管副市长", Role.LEADER, "450600"),
    DemoAccount(
        "gx_viewer", "广西壮族自治区商务厅 王蕾", Role.PROVINCE_VIEWER, province="广西壮族自治区"
    ),
    DemoAccount("ww_staff", "武威市商务局 张涛", Role.COMMERCE_STAFF, "620600"),
    DemoAccount(
        "ww_liangzhou", "凉州区商务局 马丽", Role.REGION_OFFICIAL, "620600", region="凉州区"
    ),
)


@transaction.atomic
def create_demo_accounts() -> list[str]:
    """Create or reset every demo account; returns their usernames. Idempotent."""
    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, _created = user_model.objects.get_or_create(username=account.username)
        user.first_name = account.full_name
        user.is_superuser = user.is_staff = account.role is None
        user.set_password(DEMO_PASSWORD)
        user.save()
        if account.role is None:
            continue
        city = City.objects.get(admin_code=account.city_code) if account.city_code else None
        Membership.objects.update_or_create(
            user=user,
            defaults={
                "role": account.role,
                "city": city,
                "province": account.province,
                "region": Region.objects.get(city=city, name=account.region)
                if account.region
                else None,
                "department": Department.objects.get(city=city, name=account.department)
                if account.department
                else None,
            },
        )
    return [account.username for account in DEMO_ACCOUNTS]


#: The demo project the demo city leader follows (一对一跟踪).
DEMO_LED_PROJECT = ("fcg_leader", "（演示）跨境电商物流园")


def link_demo_leader() -> None:
    """Make the demo leader the city leader of one demo project, so their home lists it."""
    from projects.models import Project

    username, project_name = DEMO_LED_PROJECT
    leader = get_user_model().objects.filter(username=username).first()
    Project.objects.filter(is_demo=True, name=project_name).update(leader=leader)
