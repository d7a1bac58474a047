"""Issue #13 item 2: ``RONDA_SITE_URL`` and ``ronda.core.site.absolute_url``, the production check
that warns while it is unset, and the weekly digest (built by a job) linking to Ronda through it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import checks, mail
from django.test import override_settings
from django.urls import reverse

from ronda.accounts.checks import check_site_url
from ronda.core import site
from ronda.core.roles import Role
from ronda.planning import schedules
from ronda.planning.models import LocalPlan
from ronda.planning.tests.conftest import education, measure, media_root, other_area_measure, plan  # noqa: F401
from ronda.planning.tests.coresp_world import at_today  # noqa: F401
from ronda.planning.tests.test_alerts import MONDAY_MORNING, troubled  # noqa: F401
from ronda.testing import World

SITE = "https://ronda.loja.gob.ec"


@override_settings(RONDA_SITE_URL=SITE)
def test_absolute_url_puts_the_site_address_in_front_of_a_path() -> None:
    assert site.absolute_url("/mesa/reuniones/5/") == SITE + "/mesa/reuniones/5/"
    assert site.absolute_url("mesa/reuniones/5/") == SITE + "/mesa/reuniones/5/"
    # A request's address wins (its trailing slash is not doubled); an absolute address stays as it is.
    assert site.absolute_url("/plan/", base="https://otra.example.org/") == "https://otra.example.org/plan/"
    assert site.absolute_url("https://x.example.org/a") == "https://x.example.org/a"


@pytest.mark.parametrize(
    ("production", "configured", "expected"),
    [
        (False, "", "http://localhost:8000/plan/"),  # development and the tests
        (False, SITE + "/", SITE + "/plan/"),
        (True, SITE, SITE + "/plan/"),
        (True, "", "/plan/"),  # production without it: relative, and the check warns
    ],
)
def test_the_site_address_by_environment(production: bool, configured: str, expected: str) -> None:
    with override_settings(PRODUCTION=production, RONDA_SITE_URL=configured):
        assert site.absolute_url("/plan/") == expected


def test_production_warns_while_the_site_url_is_empty() -> None:
    with override_settings(PRODUCTION=True, RONDA_SITE_URL=""):
        (warning,) = check_site_url()
        assert warning.level == checks.WARNING and warning.id == "ronda.W002"
        assert "RONDA_SITE_URL" in warning.msg
        # Registered: every `manage.py check` (and every command) of a production server shows it.
        assert "ronda.W002" in {message.id for message in checks.run_checks()}
    with override_settings(PRODUCTION=True, RONDA_SITE_URL=SITE):
        assert check_site_url() == []
    with override_settings(PRODUCTION=False, RONDA_SITE_URL=""):
        assert check_site_url() == []
        assert "ronda.W002" not in {message.id for message in checks.run_checks()}


@pytest.mark.django_db
@override_settings(RONDA_SITE_URL=SITE)
def test_the_weekly_digest_links_to_ronda_through_the_site_url(
    at_today: Any,  # noqa: F811
    world: World,
    troubled: LocalPlan,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    at_today.move_to(MONDAY_MORNING + dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules.send_weekly_digest() == 2
    bodies = {message.to[0]: message.body for message in mail.outbox}
    for role in (Role.COORDINATOR, Role.AREA_FOCAL):
        assert SITE + reverse("planning:home") in bodies[world.home[role].email]
