"""Sending reminders: each due reminder not sent before becomes a notification (the bell) and
an email through Django's email backend — once."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.reminders import Reminder, due_reminders

log = logging.getLogger(__name__)


def pending_reminders(today: dt.date) -> list[Reminder]:
    """The reminders due on ``today`` that their user has not had yet (one more query)."""
    reminders = due_reminders(today)
    sent = set(
        Notification.objects.filter(user_id__in={r.user_id for r in reminders}).values_list(
            "user_id", "key"
        )
    )
    return [r for r in reminders if (r.user_id, r.key) not in sent]


def send_reminders(*, today: dt.date, dry_run: bool = False) -> list[Reminder]:
    """Create a notification for every reminder due on ``today`` not sent before, and email
    it to its user when they have an address; return them. ``dry_run``: only return them.
    Idempotent: the unique (user, key) makes a second run — or two at once — send nothing
    twice."""
    reminders = pending_reminders(today)
    if dry_run:
        return reminders
    sent = []
    for reminder in reminders:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user_id=reminder.user_id,
                    kind=reminder.kind,
                    key=reminder.key,
                    object_type=reminder.object_type,
                    object_id=reminder.object_id,
                    title=reminder.title[:300],
                    body=reminder.body,
                    url=reminder.url,
                    due=reminder.due,
                )
        except IntegrityError:
            continue  # another run created it a moment ago
        sent.append(reminder)
        if reminder.email:
            _email(notification, reminder)
    return sent


def _email(notification: Notification, reminder: Reminder) -> None:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    lines = [reminder.title]
    if reminder.body:
        lines += ["", reminder.body]
    if reminder.url:
        lines += ["", f"{base}{reminder.url}"]
    try:
        send_mail(
            subject=reminder.title[:120],
            message="\n".join(lines),
            from_email=None,
            recipient_list=[reminder.email],
        )
    except Exception as error:  # noqa: BLE001 — a mail server down must not stop the run
        log.warning("Reminder %s to %s not emailed: %s", reminder.key, reminder.email, error)
        return
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one of ``user``'s notifications (or all of them) read; how many changed."""
    unread = Notification.objects.filter(user=user).unread()
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
