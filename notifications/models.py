"""Reminders (催报、提醒): one notification per user and reminder, shown in the bell and sent by
email once; and each city's due day for the monthly figures."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fdi_portal.models import City, CityScopedQuerySet


class Kind(models.TextChoices):
    FIGURES_DUE = "figures_due", _("Monthly figure due")
    REPORT_DUE = "report_due", _("Progress reports due")
    DIFFICULTY_OPEN = "difficulty_open", _("Difficulty open over 30 days")
    COMPLAINT_OVERDUE = "complaint_overdue", _("Complaint past its deadline")
    LEADER_MISSING = "leader_missing", _("Project without its city leader")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly digest of your projects")


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One reminder to one user. ``key`` names the reminder (kind, object and period, e.g.
    ``figures_due:region:12:2021-06``): the same reminder is never created — nor mailed —
    twice, whoever runs ``send_reminders`` how often."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=120)
    object_type = models.CharField(_("object type"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Idempotency of send_reminders: one notification per user and reminder.
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key"),
        ]
        indexes = [
            # The bell's unread count on every page.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReminderSettings(models.Model):
    """A city's reminder settings: the day of the following month by which the regions'
    monthly figures are due (default 10; 1–28 so that every month has it)."""

    city = models.OneToOneField(
        City, on_delete=models.CASCADE, related_name="reminder_settings", verbose_name=_("city")
    )
    figures_due_day = models.PositiveSmallIntegerField(
        _("figures due on day"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Monthly figures are due by this day of the following month."),
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(figures_due_day__gte=1, figures_due_day__lte=28),
                name="reminder_due_day_1_to_28",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city}"


class ChatRobotQuerySet(CityScopedQuerySet):
    def failing(self) -> ChatRobotQuerySet:
        """Active robots whose last delivery failed (and none has succeeded since)."""
        return self.filter(is_active=True, last_failed_at__isnull=False).filter(
            Q(last_sent_at__isnull=True) | Q(last_sent_at__lt=F("last_failed_at"))
        )


class ChatRobot(models.Model):
    """A group robot of a city's 企业微信 or 钉钉 group: it receives, as markdown, the reminders
    ``send_reminders`` sends to the city's people and their weekly digests
    (``notifications.robots``). Delivery is a background job; its last outcome is kept here and
    a failure is shown on the reminders page."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk robot (钉钉)")

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="chat_robots", verbose_name=_("city")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=60, blank=True, help_text=_("The group, e.g. 全市招商工作群.")
    )
    webhook_url = models.URLField(
        _("webhook URL"),
        max_length=500,
        help_text=_("The robot's address as the group settings show it (with its key or token)."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        blank=True,
        help_text=_("钉钉 only: the secret (SEC…) of the robot's 加签 security setting."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("last failed at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = ChatRobotQuerySet.as_manager()

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["city", "kind"]
        constraints = [
            # A city names at most one robot of each kind; each run posts once to each.
            models.UniqueConstraint(fields=["city", "kind"], name="chat_robot_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.city} · {self.get_kind_display()}"
