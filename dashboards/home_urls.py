"""The home page's URL: "/" under the portal-wide name ``home`` (every page's header links to it
and ``LOGIN_REDIRECT_URL`` names it). The root URLconf includes it without a namespace, unlike
the dashboards in ``dashboards/urls.py``; by its module path, as the core imports nothing of the
apps above it."""

from django.urls import path

from dashboards import views

urlpatterns = [
    path("", views.home, name="home"),
]
