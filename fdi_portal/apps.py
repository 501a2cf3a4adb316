from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "fdi_portal"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from fdi_portal.cache import watch_writes

        # Every connection's writes retire the cached dashboards (fdi_portal/cache.py).
        connection_created.connect(watch_writes, dispatch_uid="fdi_portal.cache.watch_writes")
