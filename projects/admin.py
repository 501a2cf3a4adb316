from django.contrib import admin

from projects.models import (
    Arrival,
    Campaign,
    Complaint,
    Difficulty,
    Investor,
    ProgressEntry,
    Project,
    ProjectRule,
    PromotionEvent,
    StageChange,
)


@admin.register(Investor)
class InvestorAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "origin_kind", "origin", "fortune_global_500", "city"]
    list_filter = ["city", "origin_kind", "fortune_global_500", "is_demo"]
    search_fields = ["name", "name_en"]
    list_select_related = ["city"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "order"]
    list_filter = ["city"]


class ArrivalInline(admin.TabularInline):
    model = Arrival
    extra = 0


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    readonly_fields = ["from_stage", "to_stage", "changed_on", "changed_by", "recorded_at"]
    can_delete = False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "region", "stage", "campaign", "leader", "is_demo"]
    list_filter = ["city", "stage", "mode", "industry", "campaign", "is_demo"]
    search_fields = ["name", "investor__name"]
    list_select_related = ["city", "region", "campaign", "leader"]
    autocomplete_fields = ["investor"]
    raw_id_fields = ["leader", "commissioner"]
    inlines = [ArrivalInline, StageChangeInline]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(admin.ModelAdmin):
    list_display = ["project", "date"]
    list_select_related = ["project"]


@admin.register(Difficulty)
class DifficultyAdmin(admin.ModelAdmin):
    list_display = ["project", "category", "department", "status", "raised_on", "resolved_on"]
    list_filter = ["status", "category"]
    list_select_related = ["project", "department"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["project", "received_on", "handler", "deadline", "status"]
    list_filter = ["status"]
    list_select_related = ["project", "handler"]


@admin.register(PromotionEvent)
class PromotionEventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "date",
        "kind",
        "organiser_region",
        "organiser_department",
        "fdi_themed",
    ]
    list_filter = ["city", "kind", "fdi_themed", "is_demo"]
    list_select_related = ["organiser_region", "organiser_department"]
    filter_horizontal = ["projects"]


@admin.register(ProjectRule)
class ProjectRuleAdmin(admin.ModelAdmin):
    list_display = ["consequence", "plan", "kind", "consequence_code", "needs_leader", "order"]
    list_filter = ["kind", "needs_leader"]
    list_select_related = ["plan"]
