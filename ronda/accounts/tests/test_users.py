from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ronda.accounts.models import ApiToken, Membership, User
from ronda.core.models import AuditAction, AuditEvent
from ronda.testing import World, api_token, check_access_matrix, login

pytestmark = pytest.mark.django_db

ONLY_ADMIN = {
    "admin": 200,
    "secretariat": 404,
    "coordinator": 404,
    "area_focal": 404,
    "defender": 404,
    "protection_officer": 404,
    "supervisor": 404,
    "analyst": 404,
    "evaluator": 404,  # an evaluator reads only their certification assignments
}


def test_user_list_matrix(world: World) -> None:
    check_access_matrix(world, url=reverse("accounts:user_list"), expected=ONLY_ADMIN)


def test_user_detail_matrix(world: World) -> None:
    check_access_matrix(
        world, url=lambda w: reverse("accounts:user_detail", args=[w.home["defender"].pk]), expected=ONLY_ADMIN
    )


def test_user_create_denied_writes_nothing(world: World) -> None:
    expected = dict(ONLY_ADMIN, admin=302)

    def state() -> int:
        return User.objects.count()

    check_access_matrix(
        world,
        url=reverse("accounts:user_create"),
        method="post",
        data={"username": "nueva.persona", "password": "clave-muy-segura-91"},
        expected=expected,
        state=state,
    )
    assert User.objects.filter(username="nueva.persona").count() == 1


def test_admin_creates_user_and_gives_role(client: Client, world: World) -> None:
    login(client, world.home["admin"])
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "enlace.salud", "first_name": "Eva", "password": "clave-muy-segura-91"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="enlace.salud")
    response = client.post(
        reverse("accounts:user_detail", args=[user.pk]),
        {"action": "add", "role": "area_focal", "org_unit_code": "A-M", "area": world.area.pk},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.org_unit, membership.area) == ("area_focal", world.municipality, world.area)
    assert AuditEvent.objects.filter(target_type="accounts.membership", action="create").exists()
    created = AuditEvent.objects.get(target_type="accounts.user", target_id=str(user.pk))
    assert "password" not in created.changes


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "area_focal", "org_unit_code": "A-M"}, "area"),
        ({"role": "defender", "org_unit_code": "A-M"}, "org_unit_code"),
        ({"role": "coordinator", "org_unit_code": ""}, "org_unit_code"),
        ({"role": "coordinator", "org_unit_code": "NOPE"}, "org_unit_code"),
        ({"role": "superhero", "org_unit_code": "A-M"}, "role"),
    ],
)
def test_invalid_membership_rejected(client: Client, world: World, data: dict[str, str], field: str) -> None:
    login(client, world.home["admin"])
    target = world.home["analyst"]
    before = Membership.objects.count()
    response = client.post(reverse("accounts:user_detail", args=[target.pk]), {"action": "add", **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Membership.objects.count() == before


def test_weak_initial_password_rejected(client: Client, world: World) -> None:
    login(client, world.home["admin"])
    response = client.post(reverse("accounts:user_create"), {"username": "debil", "password": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="debil").exists()


def test_deactivate_user_revokes_access(client: Client, world: World) -> None:
    login(client, world.home["admin"])
    target = world.home["analyst"]
    response = client.post(reverse("accounts:user_detail", args=[target.pk]), {"action": "deactivate"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    other = Client()
    other.force_login(target)
    assert other.get(reverse("territory:area_list")).status_code == 302  # session no longer valid


def test_admin_cannot_deactivate_self(client: Client, world: World) -> None:
    admin = world.home["admin"]
    login(client, admin)
    client.post(reverse("accounts:user_detail", args=[admin.pk]), {"action": "deactivate"})
    admin.refresh_from_db()
    assert admin.is_active


def _defender_with_authenticator(world: World) -> tuple[User, TOTPDevice, ApiToken]:
    defender = world.home["defender"]
    device = TOTPDevice.objects.create(user=defender, name="Teléfono", confirmed=True)
    api_token(defender)
    return defender, device, ApiToken.objects.get(user=defender)


def test_admin_resets_a_lost_second_factor(client: Client, world: World) -> None:
    defender, _device, token = _defender_with_authenticator(world)
    # The defender's own session, verified with the lost phone.
    theirs = login(Client(), defender)
    assert theirs.get(reverse("core:home")).status_code == 200
    login(client, world.home["admin"])
    page = client.get(reverse("accounts:user_detail", args=[defender.pk])).content.decode()
    assert "Restablecer el segundo factor" in page and "aplicación de autenticación" in page
    response = client.post(reverse("accounts:user_detail", args=[defender.pk]), {"action": "otp_reset"}, follow=True)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=defender).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action=AuditAction.OTP_RESET)
    assert event.actor_username == world.home["admin"].username and event.target_id == str(defender.pk)
    # Their old session no longer counts as verified: they are sent to set up a new authenticator.
    again = theirs.get(reverse("core:home"))
    assert again.status_code == 302 and reverse("accounts:otp") in again["Location"]


def test_only_admins_reset_a_second_factor(world: World) -> None:
    defender, device, _token = _defender_with_authenticator(world)

    def state() -> tuple[bool, int]:
        return TOTPDevice.objects.filter(pk=device.pk).exists(), AuditEvent.objects.filter(action="otp_reset").count()

    check_access_matrix(
        world,
        url=reverse("accounts:user_detail", args=[defender.pk]),
        method="post",
        data={"action": "otp_reset"},
        expected=dict(ONLY_ADMIN, admin=302),
        state=state,
    )
