"""The route-coverage check (issue 8, item 7): what it counts as a route, what it reports.

The check itself runs at the end of a full run (conftest.py); these tests show it can fail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from ronda import testing
from ronda.accounts.views import PasswordChangeView
from ronda.core.roles import Role
from ronda.core.views_helpers import actor_required
from ronda.territory import views as territory_views
from ronda.testing import (
    EXEMPT_ROUTES,
    World,
    all_routes,
    check_access_matrix,
    route_coverage_problems,
    route_of,
    view_methods,
)


@pytest.fixture
def recorded() -> Iterator[set[str]]:
    """A clean record for one test; the session's record is put back afterwards."""
    saved = set(testing.EXERCISED_ROUTES)
    testing.EXERCISED_ROUTES.clear()
    yield testing.EXERCISED_ROUTES
    testing.EXERCISED_ROUTES.clear()
    testing.EXERCISED_ROUTES.update(saved)


def test_routes_are_named_pages_and_api_operations() -> None:
    routes = all_routes()
    assert {
        "GET territory:unit_edit",
        "POST territory:unit_edit",
        "GET territory:browse",
        "GET /api/v1/org-units/{unit_id}",
        "PATCH /api/v1/planning/measures/{measure_id}",
        "DELETE /api/v1/auth/token",
        "POST /api/v1/auth/token",
    } <= routes
    assert "POST territory:browse" not in routes  # a read-only view: its POST is its GET
    assert "GET /api/v1/auth/token" not in routes  # ninja answers 405: no such operation


def test_route_of_resolves_names_and_api_templates() -> None:
    assert route_of(reverse("territory:unit_edit", args=[3]) + "?x=1", "post") == "POST territory:unit_edit"
    assert route_of("/api/v1/org-units/3", "get") == "GET /api/v1/org-units/{unit_id}"
    # Two operations share one path: the method tells them apart, not ninja's URL name.
    assert route_of("/api/v1/auth/token", "delete") == "DELETE /api/v1/auth/token"
    assert route_of("/api/v1/no-such-thing", "get") == "GET ^api/"


def _read(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _form(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.POST.get("x", ""))


def test_view_methods_follow_the_decorators() -> None:
    assert view_methods(require_POST(_read)) == {"POST"}
    assert view_methods(require_safe(_read)) == {"GET"}
    assert view_methods(require_http_methods(["GET", "POST"])(actor_required()(_read))) == {"GET", "POST"}
    assert view_methods(actor_required()(require_GET(_form))) == {"GET"}  # found under other decorators
    assert view_methods(actor_required()(_read)) == {"GET"}
    assert view_methods(actor_required()(_form)) == {"GET", "POST"}  # undecorated, but reads a form
    assert view_methods(territory_views.unit_edit) == {"GET", "POST"}
    assert view_methods(LogoutView.as_view()) == {"POST"}
    assert view_methods(PasswordChangeView.as_view()) == {"GET", "POST"}


def test_a_route_without_a_matrix_is_reported(recorded: set[str]) -> None:
    everything = all_routes()
    assert route_coverage_problems(everything) == []
    missing = everything - {"GET territory:institution_list", "POST /api/v1/planning/measures/{measure_id}/updates"}
    assert route_coverage_problems(missing) == [
        "no access matrix: GET territory:institution_list",
        "no access matrix: POST /api/v1/planning/measures/{measure_id}/updates",
    ]


def test_exemptions_cover_all_methods_or_one_and_stale_ones_are_reported() -> None:
    everything = all_routes()
    rest = everything - {"GET accounts:login", "POST accounts:login", "GET /api/v1/me"}
    assert route_coverage_problems(rest, exempt={"accounts:login": "public", "GET /api/v1/me": "x"}) == []
    assert route_coverage_problems(rest, exempt={"GET accounts:login": "public"}) == [
        "no access matrix: GET /api/v1/me",
        "no access matrix: POST accounts:login",
    ]
    assert route_coverage_problems(everything, exempt={"territory:gone": "renamed"}) == [
        "exempt but no such route: territory:gone"
    ]


def test_every_exemption_names_a_route_and_a_reason() -> None:
    assert route_coverage_problems(all_routes()) == []
    assert all(reason.strip() for reason in EXEMPT_ROUTES.values())


@pytest.mark.django_db
def test_check_access_matrix_records_what_it_exercised(world: World, recorded: set[str]) -> None:
    readers = {r: 200 for r in Role.values if r != Role.EVALUATOR}  # an evaluator has no territory (#14)
    check_access_matrix(
        world,
        url=reverse("territory:institution_list"),
        expected={**readers, Role.EVALUATOR: 404},
        away=readers,
    )
    assert recorded == {"GET territory:institution_list"}
    assert "no access matrix: GET territory:institution_list" not in route_coverage_problems(recorded)
