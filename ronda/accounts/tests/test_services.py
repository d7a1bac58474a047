"""Accounts services: switching users and roles off and on, and break-glass, as domain events."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ronda.accounts import services
from ronda.accounts.models import AccountsAction, ApiToken, BreakGlassGrant, Membership, User
from ronda.core import audit_actions
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, actor_for
from ronda.testing import World

pytestmark = pytest.mark.django_db


def admin(world: World) -> Actor:
    user = world.home["admin"]
    return actor_for(user, user.memberships.get(), second_factor=True)


def trail(target: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type=target._meta.label_lower,  # type: ignore[attr-defined]
            target_id=str(target.pk),  # type: ignore[attr-defined]
        ).order_by("id")
    )


def test_accounts_actions_are_registered_with_the_trail() -> None:
    assert all(audit_actions.known(value) for value in AccountsAction.values)
    with translation.override("en"):
        assert audit_actions.label("membership_deactivated") == "Role withdrawn"


def test_switching_a_user_off_and_on_are_domain_events(world: World) -> None:
    user = world.home["defender"]
    services.issue_api_token(actor=actor_for(user, user.memberships.get()), name="phone")
    off = services.set_user_active(actor=admin(world), user=user, active=False)
    assert not off.is_active and not User.objects.get(pk=user.pk).is_active
    assert ApiToken.objects.get(user=user).revoked_at is not None  # a deactivated user's tokens die too
    services.set_user_active(actor=admin(world), user=user, active=True)
    services.set_user_active(actor=admin(world), user=user, active=True)  # no change: no event
    assert [(e.action, e.changes) for e in trail(user)] == [
        ("user_deactivated", {"is_active": [True, False]}),
        ("user_reactivated", {"is_active": [False, True]}),
    ]


def test_withdrawing_and_giving_back_a_role_are_domain_events(world: World) -> None:
    membership = world.home["analyst"].memberships.get()
    services.set_membership_active(actor=admin(world), membership=membership, active=False)
    again = services.add_membership(
        actor=admin(world), user=world.home["analyst"], role=Role.ANALYST, org_unit=world.municipality
    )
    assert again.pk == membership.pk and Membership.objects.get(pk=membership.pk).is_active
    assert [e.action for e in trail(membership)] == ["membership_deactivated", "membership_reactivated"]
    assert trail(membership)[-1].org_unit_path == world.municipality.path


def test_closing_break_glass_is_audited_once(world: World) -> None:
    grant = services.start_break_glass(
        actor=admin(world),
        org_unit=world.municipality,
        reason="Orden judicial 123-2025, expediente urgente",
        minutes=15,
    )
    closed = services.end_break_glass(actor=admin(world), grant=grant)
    services.end_break_glass(actor=admin(world), grant=grant)  # already closed: nothing more
    assert closed.ended_at is not None and BreakGlassGrant.objects.get(pk=grant.pk).ended_at == closed.ended_at
    assert [e.action for e in trail(grant)] == ["break_glass_open", "break_glass_close"]
    assert list(trail(grant)[-1].changes) == ["ended_at"]


def test_break_glass_reports_every_problem_at_once(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.start_break_glass(actor=admin(world), org_unit=world.municipality, reason="corta", minutes=0)
    assert set(exc.value.message_dict) == {"reason", "minutes"}
    assert not BreakGlassGrant.objects.exists()


def test_a_membership_reports_every_problem_at_once(world: World) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.add_membership(
            actor=admin(world),
            user=world.home["analyst"],
            role=Role.AREA_FOCAL,
            org_unit=None,
        )
    assert exc.value.message_dict == {
        "org_unit": ["Choose the unit this role acts in."],
        "area": ["An area focal point needs an area, an institution or both."],
    }


def test_an_institutions_focal_point_needs_no_area(world: World) -> None:
    """The liaison of an allied institution (issue #13 item 6) acts for it, without a municipal area;
    the institution must work in the municipality."""
    membership = services.add_membership(
        actor=admin(world),
        user=world.home["analyst"],
        role=Role.AREA_FOCAL,
        org_unit=world.municipality,
        institution=world.institution,
    )
    assert membership.area_id is None and membership.institution_id == world.institution.pk
    with pytest.raises(ValidationError) as exc:
        services.add_membership(
            actor=admin(world),
            user=world.home["defender"],
            role=Role.AREA_FOCAL,
            org_unit=world.municipality,
            institution=world.other_institution,
        )
    assert set(exc.value.message_dict) == {"institution"}
