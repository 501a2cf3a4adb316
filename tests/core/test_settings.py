"""Start-up configuration: what the portal refuses and what it reads from the environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from fdi_portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from fdi_portal.models import Membership, Role


def run_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from fdi_portal import settings; print(settings.DATABASES)"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_a_secret_key_and_debug_off_start_up_stops_with_a_clear_message():
    result = run_settings(DEBUG="off")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_on_starts_without_a_secret_key():
    assert run_settings(DEBUG="on").returncode == 0


def test_the_database_comes_from_database_url():
    result = run_settings(SECRET_KEY="k", DATABASE_URL="postgres://u:p@db.example:5433/fdi")
    assert "'HOST': 'db.example'" in result.stdout
    assert "'PORT': 5433" in result.stdout


def test_defaults_are_chinese_and_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


def test_front_end_packages_are_served_from_our_own_static_files():
    from django.contrib.staticfiles import finders

    for path in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
    ):
        assert finders.find(path), path


def test_no_template_loads_anything_from_a_cdn():
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "http://" not in text, template
        assert "https://" not in text, template


def test_the_demo_command_refuses_to_run_with_debug_off(seed):
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")


def test_the_demo_accounts_cover_every_role_and_can_log_in(client, seed):
    call_command("load_demo", force=True)
    call_command("load_demo", force=True)  # a second run is harmless
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username


def test_loading_the_seed_again_keeps_what_staff_changed(seed):
    from fdi_portal.models import Department

    department = Department.objects.get(name="防城港市商务局")
    department.aliases = ["商务部门"]
    department.save()
    call_command("load_seed")
    department.refresh_from_db()
    assert department.aliases == ["商务部门"]
    call_command("load_seed", force=True)
    department.refresh_from_db()
    assert department.aliases == []


def production_environment() -> dict[str, str]:
    """The variables .env.example documents for production, with a real-looking key."""
    documented = {}
    for line in (settings.BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _sep, value = line.partition("=")
            documented[name.strip()] = value.strip()
    documented["SECRET_KEY"] = secrets.token_urlsafe(50)
    return documented


def test_the_deploy_check_is_clean_with_the_documented_production_variables():
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(production_environment())
    environment.pop("STATIC_COLLECTED", None)  # production collects static files
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_readme_documents_every_production_variable():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    for name in production_environment():
        assert f"`{name}`" in readme, name
