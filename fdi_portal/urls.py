"""Root URLconf. Every pattern needs an access rule in tests/test_access_matrix.py (or in the
``RULES`` of tests/<app>/access_rules.py for an app's own URLs)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from fdi_portal import audit_views, login_protection, views

urlpatterns = [
    # The home page, named "home": it combines the apps, so it lives in dashboards/.
    path("", include("dashboards.home_urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Every user changes their own password here; an administrator sets a forgotten one in the
    # admin (the user's page, "password").
    path(
        "password/",
        login_protection.CheckedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_changed.html"
        ),
        name="password_change_done",
    ),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/<str:city_code>/", views.city_organisation, name="city_organisation"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("plans/", include("tasks.urls")),
    path("projects/", include("projects.urls")),
    path("figures/", include("assessments.urls")),
    # The city dashboard and region pages, under the figures paths they have always had.
    path("figures/", include("dashboards.urls")),
    path("reminders/", include("notifications.urls")),
    # The read API, its OpenAPI schema and its browsable documentation (api/urls.py).
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
