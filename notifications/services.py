"""Sending reminders: each due reminder not sent before becomes a notification (the bell) and
an email through Django's email backend — once; and, for a city that names group robots
(企业微信, 钉钉), one markdown message per robot with the city's new reminders, posted by a
background job (notifications.jobs)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fdi_portal.models import Membership
from notifications import robots
from notifications.jobs import enqueue_delivery
from notifications.models import ChatRobot, Kind, Notification
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
    announce_to_robots(sent, today=today)
    return sent


def robot_messages(reminders: list[Reminder], *, today: dt.date) -> dict[int, robots.Message]:
    """The markdown message of each city for its group robots: every reminder sent to one of
    its people, once (a reminder sent to several people is listed once), and each leader's
    weekly digest under their name. Keyed by city id; one query."""
    people = dict(
        Membership.objects.filter(
            user_id__in={r.user_id for r in reminders}, city__isnull=False
        ).values_list("user_id", "city_id")
    )
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    lines: dict[int, list[str]] = {}
    seen: set[tuple[int, str, str, str]] = set()
    for reminder in reminders:
        city_id = people.get(reminder.user_id)
        if city_id is None:
            continue
        title = reminder.title
        if reminder.kind == Kind.WEEKLY_DIGEST:
            title = f"{reminder.username}：{title}"
        if (city_id, reminder.key, title, reminder.body) in seen:
            continue
        seen.add((city_id, reminder.key, title, reminder.body))
        entry = f"- **{title}**"
        if reminder.due and reminder.kind != Kind.WEEKLY_DIGEST:
            entry += " " + _("(due %(date)s)") % {"date": reminder.due.isoformat()}
        entry += "".join(f"\n  > {line}" for line in reminder.body.splitlines() if line)
        if base and reminder.url:
            link = _("Open in the portal")
            entry += f"\n  [{link}]({base}{reminder.url})"
        lines.setdefault(city_id, []).append(entry)
    title = _("FDI portal reminders, %(date)s") % {"date": today.isoformat()}
    return {
        city_id: robots.Message(title=title, text="\n".join(entries))
        for city_id, entries in lines.items()
    }


def announce_to_robots(reminders: list[Reminder], *, today: dt.date) -> int:
    """Queue, for each active robot of a city, the city's message; how many were queued."""
    messages = robot_messages(reminders, today=today)
    if not messages:
        return 0
    queued = 0
    for robot in ChatRobot.objects.filter(city_id__in=messages, is_active=True):
        enqueue_delivery(robot, messages[robot.city_id])
        queued += 1
    return queued


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
