"""Root URLconf. Every pattern here needs an entry in tests/test_access_matrix.py."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

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
    path("admin/", admin.site.urls),
]
