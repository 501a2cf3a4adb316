"""Root URLconf. Every pattern needs an access rule in tests/test_access_matrix.py (or in the
``RULES`` of tests/<app>/access_rules.py for an app's own URLs)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from fdi_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/<str:city_code>/", views.city_organisation, name="city_organisation"),
    path("plans/", include("tasks.urls")),
    path("projects/", include("projects.urls")),
    path("figures/", include("assessments.urls")),
    path("admin/", admin.site.urls),
]
