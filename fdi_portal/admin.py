from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from fdi_portal.models import City, Department, Membership, Region

admin.site.site_header = _("FDI target-tracking portal")
admin.site.site_title = _("FDI portal administration")


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "admin_code", "province"]
    search_fields = ["name", "admin_code"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "kind", "admin_code", "assessed", "order"]
    list_filter = ["city", "kind", "assessed"]
    search_fields = ["name", "short_name", "admin_code"]
    list_select_related = ["city"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "city", "order"]
    list_filter = ["city"]
    search_fields = ["name", "short_name"]
    list_select_related = ["city"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "city", "province", "region", "department"]
    list_filter = ["role", "city"]
    search_fields = ["user__username"]
    list_select_related = ["user", "city", "region", "department"]
    autocomplete_fields = ["user"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    fk_name = "user"


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
