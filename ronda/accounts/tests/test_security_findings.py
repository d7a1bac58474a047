"""Issue #7: tokens after a password change, the second factor for every personal-data role,
throttling on three keys, absolute session lifetime, demo users at sign-in, API docs in production."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ronda.accounts.models import ApiToken, ThrottleEvent
from ronda.accounts.selectors import active_memberships
from ronda.accounts.services import issue_api_token
from ronda.core.models import AuditEvent
from ronda.core.roles import PERSONAL_DATA_ROLES, Role
from ronda.core.tenancy import actor_for
from ronda.council import policies as council_policies
from ronda.council.models import ChildrenCouncil, CouncilMember
from ronda.testing import PASSWORD, World, api_token, login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "otra-clave-segura-2027"


def _token(client: Client, username: str) -> str:
    response = client.post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _works(token: str) -> bool:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


# --- 1. Tokens do not survive a password change or reset -----------------------------------
def test_password_change_revokes_every_api_token_in_the_same_transaction(client: Client, world: World) -> None:
    user = world.home["analyst"]
    first, second = _token(Client(), user.username), _token(Client(), user.username)
    assert _works(first) and _works(second)
    login(client, user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not _works(first) and not _works(second)
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="password_change", target_id=str(user.pk))
    assert event.changes == {"tokens_revoked": 2}


def test_password_change_that_fails_revokes_nothing(client: Client, world: World) -> None:
    user = world.home["analyst"]
    token = _token(Client(), user.username)
    login(client, user)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-the-password-1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert _works(token)


def test_password_reset_revokes_every_api_token(client: Client, world: World) -> None:
    user = world.home["analyst"]
    token = _token(Client(), user.username)
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"/cuentas/contrasena/recuperar/[^/\s]+/[^/\s]+/", mail.outbox[0].body)
    assert link is not None
    form_url = client.get(link.group(0), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not _works(token)
    assert AuditEvent.objects.get(action="password_reset", target_id=str(user.pk)).changes == {"tokens_revoked": 1}


def test_users_list_and_revoke_their_own_tokens_on_the_web(client: Client, world: World) -> None:
    user = world.home["analyst"]
    mine = _token(Client(), user.username)
    other_raw = _token(Client(), world.home["secretariat"].username)
    other = ApiToken.objects.get(user=world.home["secretariat"])
    login(client, user)
    page = client.get(reverse("accounts:token_list"))
    assert page.status_code == 200
    assert mine[:10] in page.content.decode() and other_raw[:10] not in page.content.decode()
    # Somebody else's token answers 404 and keeps working.
    assert client.post(reverse("accounts:token_list"), {"token": other.pk}).status_code == 404
    assert _works(other_raw)
    own = ApiToken.objects.get(user=user)
    assert client.post(reverse("accounts:token_list"), {"token": own.pk}).status_code == 302
    assert not _works(mine)
    assert AuditEvent.objects.filter(action="token_revoke", target_id=str(own.pk)).exists()
    assert client.post(reverse("accounts:token_list"), {"token": "9" * 30}).status_code == 404


def test_users_list_and_revoke_their_own_tokens_through_the_api(world: World) -> None:
    user = world.home["analyst"]
    first, second = _token(Client(), user.username), _token(Client(), user.username)
    foreign = _token(Client(), world.home["secretariat"].username)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {first}")
    listed = api.get("/api/v1/auth/tokens").json()
    assert {t["prefix"] for t in listed} == {first[:10], second[:10]}
    assert [t["current"] for t in listed if t["prefix"] == first[:10]] == [True]
    assert set(listed[0]) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "otp_verified",
        "current",
    }
    foreign_id = ApiToken.objects.get(user=world.home["secretariat"]).pk
    assert api.delete(f"/api/v1/auth/tokens/{foreign_id}").status_code == 404
    assert _works(foreign)
    second_id = next(t["id"] for t in listed if t["prefix"] == second[:10])
    assert api.delete(f"/api/v1/auth/tokens/{second_id}").status_code == 204
    assert not _works(second) and _works(first)
    assert api.delete(f"/api/v1/auth/tokens/{2**70}").status_code == 422


# --- 2. Every role that reads children's personal data needs the second factor -----------------
def _personal_data_pages(council: ChildrenCouncil, member: CouncilMember) -> list[str]:
    """Every page of the council's member list (the children's first names), found from the URLconf."""
    resolver = get_resolver()
    council_urls = next(
        p for p in resolver.url_patterns if isinstance(p, URLResolver) and p.namespace == "council"
    ).url_patterns
    urls = []
    for pattern in council_urls:
        assert isinstance(pattern, URLPattern)
        if pattern.name and pattern.name.startswith("member_"):
            needs_pk = "<int:pk>" in str(pattern.pattern)
            urls.append(reverse(f"council:{pattern.name}", args=[member.pk] if needs_pk else []))
    assert len(urls) >= 4
    return urls


@pytest.fixture
def council_with_member(world: World) -> tuple[ChildrenCouncil, CouncilMember]:
    council = ChildrenCouncil.objects.create(org_unit=world.municipality, name="Consejo A")
    member = CouncilMember.objects.create(
        council=council,
        first_name="Valentina",
        age_band="13-15",
        guardian_consent_on=dt.date(2026, 1, 5),
        joined_on=dt.date(2026, 1, 5),
    )
    return council, member


@override_settings(RONDA_DEMO_OTP_EXEMPT=False)
def test_coordinator_needs_a_verified_second_factor_for_every_member_page(
    client: Client, world: World, council_with_member: tuple[ChildrenCouncil, CouncilMember]
) -> None:
    assert Role.COORDINATOR in PERSONAL_DATA_ROLES
    council, member = council_with_member
    client.force_login(world.home["coordinator"])  # password only, no second factor
    for url in _personal_data_pages(council, member):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:otp")), url
        assert "Valentina" not in response.content.decode()
    verified = login(Client(), world.home["coordinator"])
    assert "Valentina" in verified.get(reverse("council:member_list")).content.decode()


def test_the_rule_is_in_the_policy_too(
    world: World, council_with_member: tuple[ChildrenCouncil, CouncilMember]
) -> None:
    user = world.home["coordinator"]
    membership = active_memberships(user)[0]
    without = actor_for(user, membership, second_factor=False)
    with_factor = actor_for(user, membership, second_factor=True)
    assert not without.may_read_personal_data
    assert not council_policies.visible_members(without).exists()
    assert council_policies.visible_members(with_factor).count() == 1
    # The roles that never read children's data do not get it with a second factor either.
    analyst = world.home["analyst"]
    assert not actor_for(analyst, active_memberships(analyst)[0], second_factor=True).may_read_personal_data


@override_settings(RONDA_DEMO_OTP_EXEMPT=False)
def test_a_coordinator_token_needs_the_second_factor(client: Client, world: World) -> None:
    user = world.home["coordinator"]
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    refused = client.post(
        "/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, content_type="application/json"
    )
    assert refused.status_code == 401
    # A token issued without it (before this rule) acts in no role at all: nothing personal, nothing else.
    _row, raw = issue_api_token(actor=actor_for(user, active_memberships(user)[0]), otp_verified=False)
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert me["active_membership_id"] is None
    assert client.get("/api/v1/council/councils", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
    verified = api_token(user)  # issued after a valid code
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {verified}").json()["active_membership_id"]
    assert client.get("/api/v1/council/councils", HTTP_AUTHORIZATION=f"Bearer {verified}").status_code == 200


# --- 3. Throttling ---------------------------------------------------------------------------
def _sign_in(client: Client, username: str, password: str, ip: str, **extra: str) -> int:
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )
    return response.status_code


def test_many_addresses_do_not_get_around_the_account_limit(world: World) -> None:
    user = world.home["analyst"].username
    for n in range(40):
        assert _sign_in(Client(), user, f"wrong-password-{n}", f"198.51.100.{n // 4 + 1}") in (200, 429)
    # The right password from yet another address is refused while the account is paused.
    response = Client().post(
        reverse("accounts:login"), {"username": user, "password": PASSWORD}, REMOTE_ADDR="203.0.113.77"
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in response.wsgi_request.session


def test_the_account_pause_backs_off_and_stays_short(world: World) -> None:
    user = world.home["analyst"].username
    start = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for n in range(10):
            _sign_in(Client(), user, "wrong-password-x", f"198.51.100.{n + 1}")
        assert _sign_in(Client(), user, PASSWORD, "203.0.113.1") == 429
        clock.shift(dt.timedelta(seconds=61))
        # One minute later the 11th failure is accepted as an attempt, and doubles the pause.
        assert _sign_in(Client(), user, "wrong-password-y", "203.0.113.2") == 200
        clock.shift(dt.timedelta(seconds=61))
        assert _sign_in(Client(), user, PASSWORD, "203.0.113.3") == 429
        clock.shift(dt.timedelta(seconds=60))
        assert _sign_in(Client(), user, PASSWORD, "203.0.113.3") == 302
        # However many failures, the pause never passes the maximum (15 minutes).
        for _ in range(30):
            ThrottleEvent.objects.create(kind="signin", account_key=_key(user), ip_address="198.51.100.200")
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert _sign_in(Client(), user, PASSWORD, "203.0.113.4") == 302


def _key(username: str) -> str:
    from ronda.accounts.throttle import account_key

    return account_key(username)


def test_the_real_user_on_a_known_browser_is_not_locked_out_by_an_attacker(world: World) -> None:
    user = world.home["analyst"].username
    browser = Client()
    assert _sign_in(browser, user, PASSWORD, "192.0.2.10") == 302
    browser.post(reverse("accounts:logout"))
    for n in range(40):
        _sign_in(Client(), user, "wrong-password-z", f"198.51.100.{n + 1}")
    assert _sign_in(Client(), user, PASSWORD, "203.0.113.9") == 429  # a new browser: paused
    assert _sign_in(browser, user, PASSWORD, "192.0.2.10") == 302  # the person's own browser: in


def test_spraying_many_accounts_from_one_address_is_limited(world: World) -> None:
    names = [world.home[r].username for r in ("analyst", "secretariat", "area_focal", "coordinator")]
    statuses = [_sign_in(Client(), names[n % 4], "wrong-password-s", "198.51.100.50") for n in range(24)]
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 4
    # Another address is not affected.
    assert _sign_in(Client(), names[0], PASSWORD, "198.51.100.51") == 302


def test_a_successful_sign_in_does_not_reset_the_address_counter(world: World) -> None:
    for n in range(19):
        _sign_in(Client(), f"nadie{n}", "wrong-password-x", "198.51.100.60")
    assert _sign_in(Client(), world.home["analyst"].username, PASSWORD, "198.51.100.60") == 302
    assert _sign_in(Client(), "nadie-mas", "wrong-password-x", "198.51.100.60") == 200
    assert _sign_in(Client(), "otro", "wrong-password-x", "198.51.100.60") == 429


def test_the_api_shares_the_limits(world: World) -> None:
    user = world.home["analyst"].username
    for n in range(10):
        Client().post(
            "/api/v1/auth/token",
            {"username": user, "password": "wrong-password-1"},
            content_type="application/json",
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
    response = Client().post(
        "/api/v1/auth/token", {"username": user, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "token" not in response.json()


@override_settings(RONDA_PROXY_HOPS=0)
def test_forwarded_headers_are_ignored_unless_configured(world: World) -> None:
    user = world.home["analyst"].username
    for n in range(6):
        _sign_in(Client(), user, "wrong-password-f", "198.51.100.70", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert _sign_in(Client(), user, PASSWORD, "198.51.100.70", HTTP_X_FORWARDED_FOR="10.9.9.99") == 429


@override_settings(RONDA_PROXY_HOPS=1)
def test_a_forwarded_address_that_is_not_an_ip_is_not_stored(world: World) -> None:
    user = world.home["analyst"].username
    assert _sign_in(Client(), user, PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip") == 302
    assert AuditEvent.objects.get(action="login").ip_address == "10.0.0.1"
    _sign_in(Client(), user, "wrong-password-q", "10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert ThrottleEvent.objects.get().ip_address == "10.0.0.1"


def test_password_reset_requests_are_limited_per_email_and_per_address(client: Client, world: World) -> None:
    email = world.home["analyst"].email
    statuses = [
        Client().post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=f"198.51.100.{n + 1}")
        for n in range(4)
    ]
    assert [r.status_code for r in statuses] == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    for n in range(6):
        status = Client().post(
            reverse("accounts:password_reset"), {"email": f"x{n}@example.org"}, REMOTE_ADDR="198.51.100.90"
        )
        assert status.status_code == (302 if n < 5 else 429)


def test_failed_sign_ins_reach_the_audit_trail_without_what_was_typed(world: World) -> None:
    user = world.home["analyst"]
    _sign_in(Client(), user.username, "wrong-password-a", "198.51.100.5")
    _sign_in(Client(), "contraseña-en-el-usuario", "wrong-password-a", "198.51.100.5")
    events = AuditEvent.objects.filter(action="login_failed")
    assert [(e.target_id, e.actor_username, e.ip_address) for e in events] == [
        (str(user.pk), "anonymous", "198.51.100.5")
    ]
    assert events.get().org_unit_path == world.municipality.path
    assert not ThrottleEvent.objects.filter(account_key__contains="contrase").exists()


# --- 10. Demo users never sign in in production ------------------------------------------------
@override_settings(PRODUCTION=True)
def test_production_refuses_a_demo_user_at_sign_in_and_in_a_session(world: World) -> None:
    user = world.home["analyst"]
    browser = login(Client(), user)
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    assert _sign_in(Client(), user.username, PASSWORD, "192.0.2.1") == 200  # the generic error
    token = Client().post(
        "/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 401
    assert browser.get(reverse("territory:institution_list")).status_code == 302  # the session is gone


# --- 12. Absolute session lifetime ------------------------------------------------------------
@override_settings(RONDA_SESSION_MAX_HOURS=12, SESSION_COOKIE_AGE=3600)
def test_sessions_end_twelve_hours_after_sign_in_however_active(world: World) -> None:
    start = dt.datetime(2026, 6, 1, 7, 0, tzinfo=dt.UTC)
    user = world.home["analyst"].username
    browser = Client()
    with time_machine.travel(start, tick=False) as clock:
        assert _sign_in(browser, user, PASSWORD, "192.0.2.1") == 302
        for _ in range(23):  # a page every half hour, so the idle limit never strikes
            clock.shift(dt.timedelta(minutes=30))
            assert browser.get(reverse("territory:institution_list")).status_code == 200
        clock.shift(dt.timedelta(minutes=30))  # 12 hours after signing in
        response = browser.get(reverse("territory:institution_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        page = browser.get(response["Location"])
        assert "12 horas" in page.content.decode()


# --- 13. API schema and docs behind sign-in in production ---------------------------------------
@override_settings(RONDA_API_DOCS_PUBLIC=False)
def test_api_schema_and_docs_need_sign_in_when_not_public(world: World) -> None:
    anonymous = Client()
    assert anonymous.get("/api/v1/openapi.json").status_code == 401
    assert anonymous.get("/api/v1/docs").status_code == 302
    token = api_token(world.home["analyst"])
    assert anonymous.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert anonymous.get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer rnd_not-a-token").status_code == 401
    assert login(Client(), world.home["analyst"]).get("/api/v1/docs").status_code == 200


@override_settings(RONDA_API_DOCS_PUBLIC=True)
def test_api_schema_public_when_configured(db: None) -> None:
    assert Client().get("/api/v1/openapi.json").status_code == 200


def test_api_docs_are_private_by_default_in_production() -> None:
    from ronda.core.tests.test_settings import GOOD_KEY, run_django

    result = run_django(
        {"RONDA_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x"},
        "import django; django.setup(); from django.conf import settings; print(settings.RONDA_API_DOCS_PUBLIC)",
    )
    assert result.stdout.strip() == "False", result.stderr
