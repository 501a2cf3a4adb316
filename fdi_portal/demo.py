"""Demo accounts for a new user's first look at the portal. Never for production: every demo
account shares the password below, which the README prints."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction

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
        user, created = user_model.objects.get_or_create(username=account.username)
        is_admin = account.role is None
        # Written only when something differs: a reload neither logs the demo users out (a new
        # password hash would) nor adds history.
        password_ok = not created and user.check_password(DEMO_PASSWORD)
        if not password_ok or (user.first_name, user.is_superuser, user.is_staff) != (
            account.full_name,
            is_admin,
            is_admin,
        ):
            user.first_name = account.full_name
            user.is_superuser = user.is_staff = is_admin
            if not password_ok:
                user.set_password(DEMO_PASSWORD)
            user.save()
        if account.role is None:
            continue
        city = City.objects.get(admin_code=account.city_code) if account.city_code else None
        wanted = {
            "role": account.role,
            "city": city,
            "province": account.province,
            "region": Region.objects.get(city=city, name=account.region)
            if account.region
            else None,
            "department": Department.objects.get(city=city, name=account.department)
            if account.department
            else None,
        }
        membership = Membership.objects.filter(user=user).first()
        if membership is None:
            membership = Membership(user=user, **wanted)
        elif all(getattr(membership, name) == value for name, value in wanted.items()):
            continue
        for name, value in wanted.items():
            setattr(membership, name, value)
        membership.save_without_historical_record()
    return [account.username for account in DEMO_ACCOUNTS]


# --------------------------------------------------------------------------- reloading in place

#: The change reason of a demo row's deletion, the one demo write kept in the history.
DEMO_REASON = "演示数据"


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept: int = 0  # demo rows a person has changed since: never overwritten


def touched_by_people(model: type[models.Model], ids: Iterable[int]) -> set[int]:
    """The ids among ``ids`` whose history has a change made by a user (in the portal): demo
    rows somebody has since worked on, which a reload leaves alone. The demo loader itself
    runs without a user and writes no history."""
    history = getattr(model, "history", None)
    ids = list(ids)
    if history is None or not ids:
        return set()
    return set(
        history.filter(id__in=ids, history_user__isnull=False)
        .values_list("id", flat=True)
        .distinct()
    )


def sync_demo_rows(
    model: type[models.Model],
    existing: dict[Hashable, models.Model],
    wanted: dict[Hashable, dict[str, Any]],
    make: Callable[[Hashable, dict[str, Any]], models.Model],
    *,
    delete_unwanted: bool = True,
) -> SyncCounts:
    """Bring the demo rows ``existing`` (by natural key) to ``wanted`` (key → field values) in
    place: a row keeps its id, a row whose values are already right is not written, missing
    rows are created with ``make``, and demo rows no longer wanted are deleted. Rows a person
    has changed are kept as they are.

    Creating and updating demo rows writes no history (bulk operations): they are nobody's
    change, and the audit page lists what people did. A deletion (rare: a demo arrival whose
    month moved) goes through the model and stays in the history."""
    counts = SyncCounts()
    touched = touched_by_people(model, (row.pk for row in existing.values()))
    to_create, to_update, fields = [], [], set()
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            to_create.append(make(key, values))
            continue
        if row.pk in touched:
            counts.kept += 1
            continue
        differing = {name for name, value in values.items() if getattr(row, name) != value}
        if differing:
            for name in differing:
                setattr(row, name, values[name])
            fields |= differing
            to_update.append(row)
    if to_create:
        model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields))
    counts.created, counts.updated = len(to_create), len(to_update)
    if delete_unwanted:
        for key, row in existing.items():
            if key not in wanted and row.pk not in touched:
                row._change_reason = DEMO_REASON
                row.delete()
                counts.deleted += 1
    return counts
