from django.contrib import admin

from notifications.models import Notification, ReminderSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "due", "created_at", "emailed_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username", "key"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["city", "figures_due_day"]
