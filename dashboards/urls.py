"""The city dashboard and the region page (``dashboards:city_dashboard``,
``dashboards:region_page``), included under ``figures/`` after the assessments URLs
(fdi_portal/urls.py): their paths are those they had as figures pages. The home page ("/", named
``home``) is in ``home_urls.py``."""

from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("<str:city_code>/dashboard/", views.city_dashboard, name="city_dashboard"),
    path("<str:city_code>/dashboard/attention/", views.attention, name="attention"),
    path("<str:city_code>/regions/<str:region_code>/", views.region_page, name="region_page"),
]
