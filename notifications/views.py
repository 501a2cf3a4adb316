"""The notification centre: the user's reminders, newest first, read or unread."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fdi_portal.access import STAFF, has_role, role_required
from fdi_portal.models import City, membership_of
from fdi_portal.pagination import paginate
from notifications import robots
from notifications.forms import ChatRobotForm
from notifications.jobs import enqueue_delivery
from notifications.models import ChatRobot, Notification
from notifications.services import mark_read

PAGE_SIZE = 25


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Every role has one: its own reminders, 25 a page; ``?unread=1`` the unread only."""
    notifications = Notification.objects.filter(user=request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notifications = notifications.unread()
    pagination = paginate(request, notifications, per_page=PAGE_SIZE)
    # The bureau's staff see the group robots of their city whose last message did not arrive.
    failing_robots = (
        list(
            ChatRobot.objects.failing()
            .filter(city__in=City.objects.visible_to(request.user))
            .select_related("city")
        )
        if has_role(request.user, *STAFF)
        else []
    )
    return render(
        request,
        "notifications/list.html",
        {
            "pagination": pagination,
            "notifications": list(pagination.page.object_list),
            "unread_only": unread_only,
            "failing_robots": failing_robots,
            "manages_robots": has_role(request.user, *STAFF),
        },
    )


@require_GET
@login_required
def unread_count(request: HttpRequest) -> JsonResponse:
    """``{"unread": n}`` for the bell (static/js/notifications.js). One query."""
    count = Notification.objects.filter(user=request.user).unread().count()
    response = JsonResponse({"unread": count})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to what it is about."""
    notification = Notification.objects.filter(user=request.user, pk=pk).first()
    if notification is None:
        return redirect("notifications:list")
    mark_read(user=request.user, notification_id=notification.pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    mark_read(user=request.user)
    return redirect("notifications:list")


@role_required(*STAFF)
def robot_settings(request: HttpRequest) -> HttpResponse:
    """The group robots of the clerk's city: one form per kind (企业微信, 钉钉); POST saves
    one (``kind``), removes it (``remove``) or sends it a test message (``test``)."""
    membership = membership_of(request.user)
    if membership is None or membership.city is None:
        raise Http404(_("Group robots belong to a city: use the admin."))
    city = membership.city
    robots_by_kind = {robot.kind: robot for robot in ChatRobot.objects.filter(city=city)}
    forms = {}
    for kind, label in ChatRobot.Kind.choices:
        robot = robots_by_kind.get(kind) or ChatRobot(city=city, kind=kind)
        posted = request.method == "POST" and request.POST.get("kind") == kind
        if posted and "remove" in request.POST:
            if robot.pk:
                robot.delete()
                messages.success(request, _("The robot is removed."))
            return redirect("notifications:robots")
        if posted and "test" in request.POST and robot.pk:
            message = robots.Message(
                title=_("Test message"), text=_("The FDI portal's reminders will arrive here.")
            )
            enqueue_delivery(robot, message)
            messages.success(request, _("A test message is on its way; its outcome shows here."))
            return redirect("notifications:robots")
        form = ChatRobotForm(request.POST if posted else None, instance=robot, prefix=kind)
        if posted and form.is_valid():
            form.save()
            messages.success(request, _("The robot is saved."))
            return redirect("notifications:robots")
        forms[kind] = {"label": label, "form": form, "robot": robot if robot.pk else None}
    return render(
        request, "notifications/robots.html", {"city": city, "forms": list(forms.items())}
    )
