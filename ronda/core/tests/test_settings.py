"""Production refuses unsafe configurations; these run Django in a subprocess with a given environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# A key as `secrets.token_urlsafe(45)` makes one (tests only).
GOOD_KEY = "zoVRf59XhVTfcX5Fx175aKF4pdIM102k7Si2AHm7QgpvxVZpmQeePJwiFf2J"


def run_django(env: dict[str, str], code: str = "import django; django.setup()") -> subprocess.CompletedProcess[str]:
    # A clean environment: no inherited database, debug or test-only switches.
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "RONDA_ENV", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base.update({"DJANGO_SETTINGS_MODULE": "ronda.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"RONDA_ENV": "production", "DEBUG": "true", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x"}, "DEBUG"),
        ({"RONDA_ENV": "production", "ALLOWED_HOSTS": "x"}, "SECRET_KEY"),
        ({"RONDA_ENV": "production", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x"}, "SECRET_KEY"),
        ({"RONDA_ENV": "production", "SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"RONDA_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"RONDA_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "ronda.example.org,*"}, "'*'"),
        # Long but guessable keys: one letter, a short piece repeated, a phrase padded with one letter.
        ({"RONDA_ENV": "production", "SECRET_KEY": "a" * 64, "ALLOWED_HOSTS": "x"}, "variety"),
        ({"RONDA_ENV": "production", "SECRET_KEY": "abcdefghijklmnop" * 4, "ALLOWED_HOSTS": "x"}, "repeated"),
        (
            {
                "RONDA_ENV": "production",
                "SECRET_KEY": "k" * 20 + "-Production-Secret-Key-For-Tests-0123456789",
                "ALLOWED_HOSTS": "x",
            },
            "six times",
        ),
        ({"RONDA_ENV": "production", "SECRET_KEY": "changeme" * 8, "ALLOWED_HOSTS": "x"}, "variety"),
        ({"RONDA_ENV": "staging"}, "RONDA_ENV"),
        ({"RONDA_ENV": "development", "DEBUG": "maybe"}, "DEBUG"),
    ],
)
def test_production_refuses_unsafe_settings(env: dict[str, str], fragment: str) -> None:
    result = run_django(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert fragment in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    env = {
        "RONDA_ENV": "production",
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "ronda.example.org",
        "RONDA_SITE_URL": "https://ronda.example.org",
        "RONDA_SQLITE_PATH": str(tmp_path / "prod.sqlite3"),
    }
    result = run_django(
        env,
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_demo_data_and_demo_users(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    dev = {"RONDA_ENV": "development", "RONDA_SQLITE_PATH": db}
    setup = run_django(
        dev,
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); "
        "from ronda.accounts.models import User; User.objects.create(username='demo', is_demo=True)",
    )
    assert setup.returncode == 0, setup.stderr
    prod = {"RONDA_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "RONDA_SQLITE_PATH": db}
    wsgi = run_django(prod, "import ronda.wsgi")
    assert wsgi.returncode != 0
    assert "demo users" in wsgi.stderr
    check = run_django(
        prod,
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True)",
    )
    assert check.returncode != 0
    assert "ronda.E001" in check.stderr
    demo = run_django(
        prod, "import django; django.setup(); from django.core.management import call_command; call_command('demo')"
    )
    assert demo.returncode != 0
    assert "prohibida en producción" in demo.stderr


@pytest.mark.parametrize(("switch", "expected"), [(None, "True 5"), ("false", "None None"), ("true", "True 5")])
def test_prepared_statements_on_postgresql_can_be_switched_off(switch: str | None, expected: str) -> None:
    env = {"RONDA_ENV": "test", "DATABASE_URL": "postgres://ronda@127.0.0.1:5432/ronda"}
    if switch is not None:
        env["DB_PREPARED_STATEMENTS"] = switch
    code = (
        "from django.conf import settings; o = settings.DATABASES['default'].get('OPTIONS', {}); "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    result = run_django(env, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_sqlite_gets_no_postgresql_options() -> None:
    code = (
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('server_side_binding'))"
    )
    result = run_django({"RONDA_ENV": "test"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_production_refuses_an_inactive_demo_user_too(tmp_path: Path) -> None:
    db = str(tmp_path / "inactive.sqlite3")
    setup = run_django(
        {"RONDA_ENV": "development", "RONDA_SQLITE_PATH": db},
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); "
        "from ronda.accounts.models import User; User.objects.create(username='demo', is_demo=True, is_active=False)",
    )
    assert setup.returncode == 0, setup.stderr
    prod = {"RONDA_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "RONDA_SQLITE_PATH": db}
    wsgi = run_django(prod, "import ronda.wsgi")
    assert wsgi.returncode != 0
    assert "demo users" in wsgi.stderr


def test_production_fails_closed_when_the_database_cannot_be_asked() -> None:
    # Nothing listens on port 9: the check cannot run, so the server must not start.
    prod = {
        "RONDA_ENV": "production",
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "x",
        "DATABASE_URL": "postgres://ronda@127.0.0.1:9/ronda",
    }
    wsgi = run_django(prod, "import ronda.wsgi")
    assert wsgi.returncode != 0
    assert "cannot check for demo users" in wsgi.stderr
    check = run_django(
        prod,
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True)",
    )
    assert check.returncode != 0
    assert "ronda.E002" in check.stderr
