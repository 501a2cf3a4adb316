"""The notification centre: the user's reminders, newest first, read or unread."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from fdi_portal.pagination import paginate
from notifications.models import Notification
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
    return render(
        request,
        "notifications/list.html",
        {
            "pagination": pagination,
            "notifications": list(pagination.page.object_list),
            "unread_only": unread_only,
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
