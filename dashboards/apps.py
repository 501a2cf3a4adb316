"""The dashboards app: the home pages and dashboards built on every other app."""

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
