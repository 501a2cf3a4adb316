from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "fdi_portal"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created

        # The login-time receiver lives beside the middleware that reads it; imported here so
        # that it listens from the start, not from the first request (a login before any
        # request, as the test client's force_login, would miss it).
        from fdi_portal import cache, middleware  # noqa: F401 — middleware: its receiver

        # Every connection's writes retire the cached dashboards (fdi_portal/cache.py).
        connection_created.connect(cache.watch_writes, dispatch_uid="fdi_portal.cache.writes")
        request_started.connect(cache.request_started, dispatch_uid="fdi_portal.cache.started")
        request_finished.connect(cache.request_finished, dispatch_uid="fdi_portal.cache.finished")
