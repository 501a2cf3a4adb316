from django.contrib import admin

from tasks.models import Assignment, Goal, Plan, ProgressReport, Task


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "city",
        "document_number",
        "year",
        "first_year",
        "last_year",
        "issued_on",
        "is_demo",
    ]
    list_filter = ["city", "year", "is_demo"]
    raw_id_fields = ["carried_from"]
    search_fields = ["title", "document_number"]
    list_select_related = ["city"]
    filter_horizontal = ["issuing_units"]
    inlines = [GoalInline]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["label", "title", "plan", "order"]
    list_filter = ["plan"]
    search_fields = ["title", "text"]
    list_select_related = ["plan"]
    raw_id_fields = ["parent"]
    inlines = [AssignmentInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["task", "department", "year", "quarter", "status", "submitted_at"]
    list_filter = ["status", "year", "quarter"]
    list_select_related = ["task", "department"]
    raw_id_fields = ["task", "submitted_by"]
