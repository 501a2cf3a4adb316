from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Foreign-investment projects")

    def ready(self) -> None:
        # A plan carried forward keeps its project rules (tasks.signals).
        from projects import services
        from tasks import signals

        signals.plan_created.connect(services.copy_plan_rules)
