"""Django admin for the supervision records. Issued notices and assessments are frozen: their
snapshot is read-only here too."""

from __future__ import annotations

from django.contrib import admin

from assessments.models import AnnualAssessment, Interview, Notice, ProgressSchedule, ScoringScheme


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["city", "kind", "year", "month", "status", "number", "issued_on"]
    list_filter = ["city", "kind", "status", "year"]
    readonly_fields = ["snapshot", "issued_at", "issued_by"]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["city", "region", "year", "quarter", "status", "held_on"]
    list_filter = ["city", "status", "year"]


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(admin.ModelAdmin):
    list_display = ["city", "year", "status", "issued_on"]
    readonly_fields = ["snapshot", "issued_at", "issued_by"]


@admin.register(ProgressSchedule)
class ProgressScheduleAdmin(admin.ModelAdmin):
    list_display = ["plan", "label", "is_default"]


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(admin.ModelAdmin):
    list_display = ["plan", "label", "is_default"]
