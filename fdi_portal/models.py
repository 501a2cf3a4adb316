"""The organisation registry shared by every app: cities, their regions and departments, and who
belongs where (Membership). Access scoping (``visible_to``) starts here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fdi_portal.lib.names import normalise_name, written_forms

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

admin_code_validator = RegexValidator(r"^\d{6}$", _("An administrative code has six digits."))


class Role(models.TextChoices):
    COMMERCE_STAFF = "commerce_staff", _("Commerce bureau staff")
    REGION_OFFICIAL = "region_official", _("County or park official")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    LEADER = "leader", _("City leader")
    PROVINCE_VIEWER = "province_viewer", _("Province viewer")


def membership_of(user: AbstractBaseUser | AnonymousUser) -> Membership | None:
    """The user's membership, or None for anonymous users and users without one."""
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


class CityQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> CityQuerySet:
        """The cities ``user`` may read: all for a superuser, the province's cities for a province
        viewer, the membership's city for everyone else, none without a membership.

        This is the root of all scoping: every other ``visible_to`` filters through it.
        """
        if user.is_authenticated and user.is_superuser:
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        if membership.role == Role.PROVINCE_VIEWER:
            return self.filter(province=membership.province)
        return self.filter(pk=membership.city_id)


class CityManager(models.Manager.from_queryset(CityQuerySet)):
    def get_by_natural_key(self, admin_code: str) -> City:
        return self.get(admin_code=admin_code)


class City(models.Model):
    name = models.CharField(_("name"), max_length=50)
    admin_code = models.CharField(
        _("administrative code"), max_length=6, unique=True, validators=[admin_code_validator]
    )
    province = models.CharField(_("province"), max_length=50)

    objects = CityManager()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["admin_code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.admin_code,)


class CityScopedQuerySet(models.QuerySet):
    """A queryset of rows that belong to a city through ``city_field`` (a lookup path)."""

    city_field = "city"

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> models.QuerySet:
        return self.filter(**{f"{self.city_field}__in": City.objects.visible_to(user)})

    def in_city(self, city: City) -> models.QuerySet:
        return self.filter(**{self.city_field: city})


class RegionQuerySet(CityScopedQuerySet):
    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> RegionQuerySet:
        """Regions whose own data (projects, events, difficulties) ``user`` may change:
        the whole city for commerce staff, their own region for a region official."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        if membership.role == Role.COMMERCE_STAFF:
            return self.filter(city_id=membership.city_id)
        if membership.role == Role.REGION_OFFICIAL:
            return self.filter(pk=membership.region_id)
        return self.none()

    def assessed(self) -> RegionQuerySet:
        return self.filter(assessed=True)


class RegionManager(models.Manager.from_queryset(RegionQuerySet)):
    def get_by_natural_key(self, city_code: str, name: str) -> Region:
        return self.get(city__admin_code=city_code, name=name)


class Region(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        COUNTY_CITY = "county_city", _("County-level city")
        PARK = "park", _("Park or zone")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="regions", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=60)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # NULL, not "", for parks without a code: the unique constraint below must let them coexist.
    admin_code = models.CharField(  # noqa: DJ001
        _("administrative code"),
        max_length=6,
        null=True,
        blank=True,
        validators=[admin_code_validator],
        help_text=_("Six digits; parks and zones have none."),
    )
    assessed = models.BooleanField(
        _("assessed"),
        default=False,
        help_text=_("Targeted, ranked and scored in notices and assessments."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RegionManager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["city", "order", "name"]
        constraints = [
            # Imports resolve 地区 by name within the importing user's city.
            models.UniqueConstraint(fields=["city", "name"], name="region_unique_name_in_city"),
            # Imports also accept the 6-digit code, which must name one region nationwide.
            models.UniqueConstraint(
                fields=["admin_code"],
                condition=Q(admin_code__isnull=False),
                name="region_unique_admin_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, str]:
        return (self.city.admin_code, self.name)

    natural_key.dependencies = ["fdi_portal.city"]


class DepartmentQuerySet(CityScopedQuerySet):
    def name_index(self, city: City) -> dict[str, Department]:
        """Map every written form of every department name in ``city`` to the department.

        One query. A form shared by two departments maps to neither (ambiguous names are not
        guessed); the registry test keeps the seed fixtures free of such clashes.
        """
        index: dict[str, Department] = {}
        clashes: set[str] = set()
        for department in self.filter(city=city).select_related("city"):
            for form in set(written_forms(department.all_names(), city_name=city.name)):
                if form in index and index[form] != department:
                    clashes.add(form)
                index[form] = department
        for form in clashes:
            del index[form]
        return index

    def resolve(self, city: City, written: str) -> Department | None:
        """The department of ``city`` that a document means by ``written``, or None."""
        return self.name_index(city).get(normalise_name(written))


class DepartmentManager(models.Manager.from_queryset(DepartmentQuerySet)):
    def get_by_natural_key(self, city_code: str, name: str) -> Department:
        return self.get(city__admin_code=city_code, name=name)


class Department(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="departments", verbose_name=_("city")
    )
    name = models.CharField(_("full name"), max_length=80)
    short_name = models.CharField(_("short name"), max_length=40)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other names documents use for this unit, e.g. 发改委, 市发展改革委."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DepartmentManager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["city", "order", "name"]
        constraints = [
            # Plans resolve written unit names within one city; a full name must be unambiguous.
            models.UniqueConstraint(fields=["city", "name"], name="department_unique_name_in_city"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, str]:
        return (self.city.admin_code, self.name)

    natural_key.dependencies = ["fdi_portal.city"]

    def all_names(self) -> list[str]:
        return [self.name, self.short_name, *self.aliases]


class Membership(models.Model):
    """What a user is in the portal: one role in one city (or, for a province viewer, a
    province), tied to a region or a department where the role needs one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("city"),
    )
    province = models.CharField(
        _("province"), max_length=50, blank=True, help_text=_("Only for province viewers.")
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("region"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("department"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # Scoping reads the city of every role but the province viewer's.
            models.CheckConstraint(
                condition=Q(role=Role.PROVINCE_VIEWER, city__isnull=True) & ~Q(province="")
                | ~Q(role=Role.PROVINCE_VIEWER) & Q(city__isnull=False),
                name="membership_city_or_province",
            ),
            # A region official's writes are limited to their region: they must have one.
            models.CheckConstraint(
                condition=~Q(role=Role.REGION_OFFICIAL) | Q(region__isnull=False),
                name="membership_official_has_region",
            ),
            # A department officer reports on their department's tasks: they must have one.
            models.CheckConstraint(
                condition=~Q(role=Role.DEPARTMENT_OFFICER) | Q(department__isnull=False),
                name="membership_officer_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        """The place this membership covers, as shown beside the user's name."""
        if self.role == Role.PROVINCE_VIEWER:
            return self.province
        parts = [self.city.name if self.city else ""]
        if self.region:
            parts.append(self.region.name)
        if self.department:
            parts.append(self.department.short_name)
        return " · ".join(p for p in parts if p)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.region and self.city_id and self.region.city_id != self.city_id:
            errors["region"] = _("The region must belong to the membership's city.")
        if self.department and self.city_id and self.department.city_id != self.city_id:
            errors["department"] = _("The department must belong to the membership's city.")
        if errors:
            raise ValidationError(errors)


class AuditEvent(models.Model):
    """A write or a disclosure that is not a row's history: an import confirmed, a file
    exported, a notice or assessment issued. ``sha256`` is the digest of the file (an import's
    upload, an export's bytes) or of the issued snapshot, so a file found later can be matched
    to the event. Written by :func:`fdi_portal.audit.record_event` only; never changed."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")
        ISSUE = "issue", _("Issue")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("city"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    action = models.CharField(_("what"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            # The audit page filters a city's events by kind, newest first.
            models.Index(fields=["city", "kind", "-at"], name="audit_city_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.action}"


class PageVersion(models.Model):
    """The version of the cached pages computed from one scope's data (fdi_portal/cache.py):
    ``city:<id>`` (a city's pages), ``any`` (pages of several cities) or ``all`` (every page).
    A write replaces its scopes' tokens as soon as it commits; a page is kept under the tokens
    it was computed with. Kept in the database, not in Redis, so that a write is never lost to a
    cache server that did not answer, and a backup restores them with the data."""

    scope = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"
