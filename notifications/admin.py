from django.contrib import admin
from django.db import models

from notifications.models import ChatRobot, Notification, ReminderSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "due", "created_at", "emailed_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username", "key"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["city", "figures_due_day"]


@admin.register(ChatRobot)
class ChatRobotAdmin(admin.ModelAdmin):
    list_display = ["city", "kind", "name", "is_active", "last_sent_at", "last_failed_at"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["last_sent_at", "last_failed_at", "last_error"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
