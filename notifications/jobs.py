"""Posting to the group robots as a background job (rq on Redis, like the project export):
``send_reminders`` never waits on a chat service, and a page never does.

:func:`deliver` is the job: it posts one message to one robot, trying ``ATTEMPTS`` times with
the pauses of ``RETRY_DELAYS`` between tries, and records the outcome on the robot
(``last_sent_at``, or ``last_failed_at`` and ``last_error``, which the reminders page shows).
Where Redis does not answer, :func:`enqueue_delivery` delivers at once instead.
"""

from __future__ import annotations

import logging
import time

import django_rq
from django.utils import timezone
from redis.exceptions import RedisError

from notifications import robots
from notifications.models import ChatRobot

log = logging.getLogger(__name__)

QUEUE = "default"
#: Seconds to wait before the second and the third try.
RETRY_DELAYS: tuple[int, ...] = (10, 60)
ATTEMPTS = len(RETRY_DELAYS) + 1


def deliver(robot_id: int, title: str, text: str) -> bool:
    """Post the message to the robot, with retries; record and return whether it arrived.
    A robot deleted or switched off meanwhile is skipped."""
    robot = ChatRobot.objects.filter(pk=robot_id, is_active=True).first()
    if robot is None:
        return False
    message = robots.Message(title=title, text=text)
    error: robots.RobotError | None = None
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(RETRY_DELAYS[attempt - 1])
        try:
            robots.post(robot.kind, robot.webhook_url, message, secret=robot.secret)
        except robots.RobotError as failure:
            error = failure
            log.warning("Robot %s: try %d of %d failed: %s", robot, attempt + 1, ATTEMPTS, error)
            continue
        ChatRobot.objects.filter(pk=robot.pk).update(last_sent_at=timezone.now(), last_error="")
        return True
    ChatRobot.objects.filter(pk=robot.pk).update(
        last_failed_at=timezone.now(), last_error=str(error)[:300]
    )
    return False


def enqueue_delivery(robot: ChatRobot, message: robots.Message) -> None:
    """Queue the delivery of ``message`` to ``robot``; deliver at once without Redis."""
    try:
        # At once ("auto"), not on the next commit: the reminders are already saved one by
        # one, and a Redis that does not answer is known here, where it can be worked around.
        queue = django_rq.get_queue(QUEUE, commit_mode="auto")
        queue.enqueue(deliver, robot.pk, message.title, message.text)
    except RedisError as error:
        log.warning("Queue unavailable (%s): posting to %s directly.", error, robot)
        deliver(robot.pk, message.title, message.text)
