"""Users and tokens lists answer with a bounded number of queries, however many rows they show.

Each ceiling is what the page took when the test was written (SQLite / PostgreSQL), plus a margin:
an upper bound, not an exact count (see ``ronda.testing.assert_queries_do_not_grow``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from ronda.accounts import services
from ronda.accounts.models import User
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.testing import World, api_token, assert_queries_do_not_grow, login

pytestmark = pytest.mark.django_db


def add_users(world: World) -> Callable[[int], None]:
    """Users with two roles each: one for a whole municipality, one for an area of it."""
    numbers = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            k = next(numbers)
            user = services.create_user(actor=SYSTEM, username=f"persona{k}", password=None, last_name=f"Apellido{k}")
            services.add_membership(actor=SYSTEM, user=user, role=Role.COORDINATOR, org_unit=world.municipality)
            services.add_membership(
                actor=SYSTEM, user=user, role=Role.AREA_FOCAL, org_unit=world.municipality, area=world.area
            )

    return add


# Measured when written, the same on SQLite and PostgreSQL: 12 before the rows were added (the N+1 adds one
# per membership with an area). Ceiling: that plus 3.
def test_user_list(client: Client, world: World) -> None:
    login(client, world.home[Role.ADMIN])
    assert_queries_do_not_grow(
        client, reverse("accounts:user_list"), add_users(world), ceiling=15, contains=["persona4", "Apellido4"]
    )


def add_tokens(user: User) -> Callable[[int], None]:
    actor = actor_for(user, user.memberships.get())
    numbers = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            services.issue_api_token(actor=actor, name=f"script-{next(numbers)}", otp_verified=True)

    return add


# Measured when written, the same on SQLite and PostgreSQL: 5. Ceiling: that plus 3.
def test_token_list(client: Client, world: World) -> None:
    user = world.home[Role.COORDINATOR]
    login(client, user)
    assert_queries_do_not_grow(
        client, reverse("accounts:token_list"), add_tokens(user), ceiling=8, contains=["script-4"]
    )


# Measured when written, the same on SQLite and PostgreSQL: 2. Ceiling: that plus 3.
def test_api_tokens(client: Client, world: World) -> None:
    user = world.home[Role.COORDINATOR]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}
    assert_queries_do_not_grow(
        client, "/api/v1/auth/tokens", add_tokens(user), ceiling=5, extra=auth, contains=["script-4"]
    )
