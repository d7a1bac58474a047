"""Access matrices for the account routes the first review found uncovered (issue 8, item 7).

Most of these act on the signed-in person's own things (password, tokens, memberships): every
role may use them for itself, and nobody may reach another person's.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ronda.accounts.models import ApiToken, User
from ronda.accounts.selectors import active_memberships
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.testing import PASSWORD, World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

ALL_200 = dict.fromkeys(Role.values, 200)
ONLY_ADMIN = {**dict.fromkeys(Role.values, 404), "admin": 200}


def _coordinator_token(world: World) -> ApiToken:
    api_token(world.home["coordinator"])
    return ApiToken.objects.filter(user=world.home["coordinator"]).latest("pk")


def test_user_create_get_matrix(world: World) -> None:
    check_access_matrix(world, url=reverse("accounts:user_create"), expected=ONLY_ADMIN)


def test_password_change_get_matrix(world: World) -> None:
    check_access_matrix(world, url=reverse("accounts:password_change"), expected=ALL_200, away=200)


def test_password_change_post_matrix(world: World) -> None:
    # Everyone changes their own password (302 home); a wrong old password changes nothing (200).
    def state() -> tuple[Any, ...]:
        return tuple(User.objects.order_by("pk").values_list("password", flat=True))

    new = "otra-clave-segura-2027"
    check_access_matrix(
        world,
        url=reverse("accounts:password_change"),
        method="post",
        data={"old_password": "no-es-la-clave", "new_password1": new, "new_password2": new},
        expected=ALL_200,
        away=200,
        state=state,
    )
    before = state()
    check_access_matrix(
        world,
        url=reverse("accounts:password_change"),
        method="post",
        data={"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        expected=dict.fromkeys(Role.values, 302),
        away=302,
        state=state,
    )
    assert sum(a != b for a, b in zip(before, state(), strict=True)) == len(Role.values) + len(world.away)


def test_switch_membership_post_matrix(world: World) -> None:
    # Only the coordinator holds this membership; for anyone else it does not exist.
    membership = active_memberships(world.home["coordinator"])[0]
    check_access_matrix(
        world,
        url=reverse("accounts:switch_membership"),
        method="post",
        data={"membership": str(membership.pk)},
        expected={**dict.fromkeys(Role.values, 404), "coordinator": 302},
        state=lambda: AuditEvent.objects.count(),
    )


def test_token_list_get_matrix(world: World) -> None:
    check_access_matrix(world, url=reverse("accounts:token_list"), expected=ALL_200, away=200)


def test_token_list_post_matrix(world: World) -> None:
    # Revoking a token from the page: only its owner may; for anyone else it does not exist.
    token = _coordinator_token(world)
    check_access_matrix(
        world,
        url=reverse("accounts:token_list"),
        method="post",
        data={"token": str(token.pk)},
        expected={**dict.fromkeys(Role.values, 404), "coordinator": 302},
        state=lambda: (ApiToken.objects.get(pk=token.pk).revoked_at, AuditEvent.objects.count()),
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_break_glass_get_matrix(world: World) -> None:
    check_access_matrix(world, url=reverse("accounts:break_glass"), expected=ONLY_ADMIN)


def test_break_glass_post_matrix(world: World) -> None:
    # An incomplete request (no reason): the administrator gets the form back, nobody writes anything.
    check_access_matrix(
        world,
        url=reverse("accounts:break_glass"),
        method="post",
        data={"org_unit_code": "A-M", "reason": "", "minutes": "30"},
        expected=ONLY_ADMIN,
        state=lambda: AuditEvent.objects.count(),
    )
    assert not AuditEvent.objects.filter(action__icontains="break").exists()


def test_me_api_matrix(world: World) -> None:
    check_access_matrix(world, url="/api/v1/me", expected=ALL_200, away=200, api=True)


def test_token_list_api_matrix(world: World) -> None:
    check_access_matrix(world, url="/api/v1/auth/tokens", expected=ALL_200, away=200, api=True)


def test_revoke_current_token_api_matrix(world: World) -> None:
    # Each request revokes the token it came with: everyone may, nobody touches another's token.
    others = ApiToken.objects.filter(pk=_coordinator_token(world).pk)
    check_access_matrix(
        world,
        url="/api/v1/auth/token",
        method="delete",
        expected=dict.fromkeys(Role.values, 204),
        away=204,
        api=True,
        state=lambda: AuditEvent.objects.count(),
    )
    assert others.get().revoked_at is None


def test_revoke_own_token_api_matrix(world: World) -> None:
    token = _coordinator_token(world)
    check_access_matrix(
        world,
        url=f"/api/v1/auth/tokens/{token.pk}",
        method="delete",
        expected={**dict.fromkeys(Role.values, 404), "coordinator": 204},
        api=True,
        state=lambda: (ApiToken.objects.get(pk=token.pk).revoked_at, AuditEvent.objects.count()),
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
