from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Targets and assessments")

    def ready(self) -> None:
        # What this app does for the apps below it, which import nothing of it.
        from assessments import receivers
        from projects import signals as projects
        from tasks import signals as tasks

        tasks.goals_proposed.connect(receivers.propose_city_target)
        tasks.goals_stored.connect(receivers.store_city_target)
        tasks.plan_created.connect(receivers.give_settings)
        projects.arrivals_reported.connect(receivers.reported_arrival_months)
