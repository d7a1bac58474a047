from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ronda.accounts.models import ApiToken, Membership
from ronda.core.models import AuditEvent
from ronda.testing import PASSWORD, World, login, make_user

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_login_logout_audited(client: Client, world: World) -> None:
    response = client.post(reverse("accounts:login"), {"username": "coordinator.home", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor_username="coordinator.home").exists()
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(action="logout", actor_username="coordinator.home").exists()


def test_wrong_password_and_unknown_user_get_the_same_generic_message(client: Client, world: World) -> None:
    wrong = client.post(reverse("accounts:login"), {"username": "coordinator.home", "password": "nope-nope-nope1"})
    unknown = client.post(reverse("accounts:login"), {"username": "nadie", "password": "nope-nope-nope1"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "no son correctos" in str(wrong.context["form"].non_field_errors())


def test_repeated_failures_are_throttled(client: Client, world: World) -> None:
    for _ in range(settings.RONDA_SIGNIN_PAIR_LIMIT):
        client.post(reverse("accounts:login"), {"username": "coordinator.home", "password": "wrong-password-1"})
    # Even the right password is refused while the lockout lasts.
    response = client.post(reverse("accounts:login"), {"username": "coordinator.home", "password": PASSWORD})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_api_token_throttled_too(client: Client, world: World) -> None:
    for _ in range(settings.RONDA_SIGNIN_PAIR_LIMIT):
        client.post(
            "/api/v1/auth/token",
            {"username": "coordinator.home", "password": "wrong-password-1"},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/auth/token", {"username": "coordinator.home", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code in (403, 429)
    assert response["Content-Type"].startswith("application/json")
    assert "token" not in response.json()


def _session_expiry(client: Client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_session_expires_after_thirty_idle_minutes(client: Client, world: World) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        login(client, world.home["coordinator"])
        assert client.get(reverse("core:home")).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("core:home")).status_code == 200  # activity slides the expiry
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("core:home")).status_code == 200
        assert client.get(reverse("planning:plan_list")).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("planning:plan_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_session_is_saved_again_at_most_once_a_minute(client: Client, world: World) -> None:
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        login(client, world.home["coordinator"])
        client.get(reverse("core:home"))
        first = _session_expiry(client)
        clock.shift(datetime.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("core:home"))
        assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
        assert _session_expiry(client) == first
        clock.shift(datetime.timedelta(seconds=31))
        client.get(reverse("core:home"))
        assert _session_expiry(client) == first + datetime.timedelta(seconds=61)


@pytest.mark.parametrize("password", ["corta1!", "abcdefghijklmnop", "123456789012345", "password123456"])
def test_weak_passwords_rejected(client: Client, world: World, password: str) -> None:
    login(client, world.home["coordinator"])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_password_change_audited(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    new = "otra-clave-segura-77"
    response = client.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="password_change", actor_username="coordinator.home").exists()


def test_password_reset_sends_mail_and_resets(client: Client, world: World) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "coordinator.home@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/cuentas/contrasena/recuperar/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    new = "restablecida-segura-88"
    response = client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert Client().login is not None
    world.home["coordinator"].refresh_from_db()
    assert world.home["coordinator"].check_password(new)
    assert AuditEvent.objects.filter(action="password_reset").exists()


def test_unknown_email_reset_reveals_nothing(client: Client, world: World) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nadie@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


@override_settings(RONDA_DEMO_OTP_EXEMPT=False)
def test_personal_data_role_must_enrol_and_verify_totp(client: Client, world: World) -> None:
    user = world.home["defender"]
    client.force_login(user)
    response = client.get(reverse("territory:institution_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp"))
    page = client.get(response["Location"])
    assert page.context["enrolling"] is True
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    ok = client.post(reverse("accounts:otp"), {"code": current_code(device), "next": "/territorio/instituciones/"})
    assert ok.status_code == 302
    assert client.get(reverse("territory:institution_list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="otp_enroll", actor_username=user.username).exists()


@override_settings(RONDA_DEMO_OTP_EXEMPT=False)
def test_wrong_totp_code_refused_and_throttled(client: Client, world: World) -> None:
    user = world.home["defender"]
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    bad = client.post(reverse("accounts:otp"), {"code": wrong, "next": "/"})
    assert bad.status_code == 200 and bad.context["form"].errors
    # django-otp throttles after a failure: even the right code waits, which stops guessing.
    again = client.post(reverse("accounts:otp"), {"code": current_code(device), "next": "/"})
    assert again.status_code == 200
    assert client.get(reverse("territory:institution_list")).status_code == 302


@override_settings(RONDA_DEMO_OTP_EXEMPT=False)
def test_otp_next_cannot_redirect_off_site(client: Client, world: World) -> None:
    user = world.home["supervisor"]
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    response = client.post(reverse("accounts:otp"), {"code": current_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@override_settings(RONDA_DEMO_OTP_EXEMPT=False)
def test_roles_without_personal_data_need_no_totp(client: Client, world: World) -> None:
    for role in ("secretariat", "area_focal", "analyst"):
        client.force_login(world.home[role])
        assert client.get(reverse("territory:institution_list")).status_code == 200, role


@override_settings(RONDA_DEMO_OTP_EXEMPT=True)
def test_demo_users_exempt_only_when_setting_on(client: Client, world: World) -> None:
    user = world.home["defender"]
    user.is_demo = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("territory:institution_list")).status_code == 200
    with override_settings(RONDA_DEMO_OTP_EXEMPT=False):
        assert client.get(reverse("territory:institution_list")).status_code == 302


def test_switch_membership(client: Client, world: World) -> None:
    user = world.home["coordinator"]
    second = Membership.objects.create(user=user, role="analyst", org_unit=world.other_municipality)
    login(client, user)
    assert client.get("/").context["actor"].role == "coordinator"
    response = client.post(reverse("accounts:switch_membership"), {"membership": second.pk})
    assert response.status_code == 302
    home = client.get("/")
    assert home.context["actor"].role == "analyst"
    assert home.context["actor"].org_unit == world.other_municipality
    assert AuditEvent.objects.filter(action="membership_switch", actor_username=user.username).exists()


def test_cannot_switch_to_someone_elses_membership(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    foreign = world.away["coordinator"].memberships.get()
    response = client.post(reverse("accounts:switch_membership"), {"membership": foreign.pk})
    assert response.status_code == 404
    assert client.get("/").context["actor"].org_unit == world.municipality


def test_user_without_membership_sees_nothing(client: Client, db: None) -> None:
    user = make_user("sinrol")
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert client.get(reverse("territory:area_list")).status_code == 404


# --- API tokens ---------------------------------------------------------------------
def test_token_issue_and_use(client: Client, world: World) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"username": "secretariat.home", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    stored = ApiToken.objects.get(user=world.home["secretariat"])
    assert token not in stored.key_hash  # only the hash is kept
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "secretariat.home"
    assert body["memberships"][0]["role"] == "secretariat"
    assert body["memberships"][0]["role_label"] == "Secretaría técnica"


def test_bad_credentials_401_json(client: Client, world: World) -> None:
    response = client.post(
        "/api/v1/auth/token", {"username": "coordinator.home", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["message"]


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nope", "Token abc", "Bearer rnd_" + "x" * 43])
def test_bad_or_missing_token_401(client: Client, world: World, header: str) -> None:
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header) if header else client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"username": "a"},
        {"username": "a", "password": "b", "extra": 1},
        {"username": 5, "password": []},
        [],
        "texto",
    ],
)
def test_invalid_token_body_422(client: Client, world: World, body: object) -> None:
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 422
    data = response.json()
    assert data["message"] and data["errors"]


def test_malformed_json_422(client: Client, world: World) -> None:
    response = client.post("/api/v1/auth/token", "{mal", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_expired_and_revoked_tokens_refused(client: Client, world: World) -> None:
    from django.utils import timezone

    response = client.post(
        "/api/v1/auth/token", {"username": "analyst.home", "password": PASSWORD}, content_type="application/json"
    )
    token = response.json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", **auth).status_code == 204
    assert client.get("/api/v1/me", **auth).status_code == 401
    response = client.post(
        "/api/v1/auth/token", {"username": "analyst.home", "password": PASSWORD}, content_type="application/json"
    )
    token2 = response.json()["token"]
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now())
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token2}").status_code == 401


@override_settings(RONDA_DEMO_OTP_EXEMPT=False)
def test_token_for_personal_data_role_needs_totp(client: Client, world: World) -> None:
    user = world.home["supervisor"]
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    body = {"username": user.username, "password": PASSWORD}
    refused = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert refused.status_code == 401
    assert "otp_code" in refused.json()["message"]
    ok = client.post("/api/v1/auth/token", {**body, "otp_code": current_code(device)}, content_type="application/json")
    assert ok.status_code == 200
    assert ApiToken.objects.get(user=user).otp_verified


def test_membership_header_selects_or_refuses(client: Client, world: World) -> None:
    user = world.home["coordinator"]
    second = Membership.objects.create(user=user, role="analyst", org_unit=world.other_municipality)
    from ronda.testing import api_token

    token = api_token(user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    me = client.get("/api/v1/me", HTTP_X_RONDA_MEMBERSHIP=str(second.pk), **auth).json()
    assert me["active_membership_id"] == second.pk
    foreign = world.away["coordinator"].memberships.get()
    assert client.get("/api/v1/me", HTTP_X_RONDA_MEMBERSHIP=str(foreign.pk), **auth).status_code == 401


@override_settings(RONDA_PROXY_HOPS=1)
def test_client_ip_from_trusted_proxy_only(client: Client, world: World) -> None:
    client.post(
        reverse("accounts:login"),
        {"username": "coordinator.home", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        REMOTE_ADDR="10.0.0.1",
    )
    event = AuditEvent.objects.get(action="login")
    # The client may forge the left part; the right-most entry comes from our proxy.
    assert event.ip_address == "203.0.113.9"


@override_settings(RONDA_DEMO_OTP_EXEMPT=False)
def test_otp_redirect_keeps_the_whole_next_url(client: Client, world: World) -> None:
    client.force_login(world.home["defender"])
    response = client.get("/territorio/instituciones/?q=junta&kind=protection_board")
    from urllib.parse import parse_qs, urlparse

    query = parse_qs(urlparse(response["Location"]).query)
    assert query["next"] == ["/territorio/instituciones/?q=junta&kind=protection_board"]


@pytest.mark.parametrize("content_type", ["multipart/form-data", "text/plain", "application/x-www-form-urlencoded"])
def test_token_body_must_be_json(client: Client, world: World, content_type: str) -> None:
    response = client.generic(
        "POST",
        "/api/v1/auth/token",
        '{"username": "coordinator.home", "password": "x"}',
        content_type=content_type,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_unknown_api_path_is_json_404(client: Client, db: None) -> None:
    response = client.get("/api/v1/nada/que/ver")
    assert response.status_code == 404
    assert response.json()["message"]
