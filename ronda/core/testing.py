"""Test helpers every domain reuses: a two-country world with one user per role, and the
access matrix that checks a URL for every role at home, in another municipality, and
anonymously.

    world = build_world()
    check_access_matrix(
        world,
        url=lambda w: reverse("territory:unit_edit", args=[w.community.pk]),
        expected={"admin": 200, "coordinator": 200, "supervisor": 404, ...},
    )

"Home" users act where the object lives; "away" users hold the same role elsewhere and
must get 404 (the object does not exist for them). A denied write must leave the
database untouched: pass ``state`` (a callable returning a comparable snapshot).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ronda.accounts.middleware import SESSION_KEY
from ronda.accounts.models import Membership, User
from ronda.accounts.roles import PERSONAL_DATA_ROLES, Role
from ronda.accounts.selectors import active_memberships
from ronda.accounts.services import issue_api_token
from ronda.core.tenancy import actor_for
from ronda.territory.models import Area, AreaKind, Institution, InstitutionKind, Level, OrgUnit, path_segment

PASSWORD = "prueba-segura-2026"  # noqa: S105 - test only


def make_unit(code: str, level: int, parent: OrgUnit | None, name: str | None = None) -> OrgUnit:
    unit = OrgUnit.objects.create(code=code, name=name or code, level=level, parent=parent)
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path)
    return unit


def make_user(username: str, role: str | None = None, unit: OrgUnit | None = None, area: Area | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org")
    if role is not None:
        Membership.objects.create(user=user, role=role, org_unit=unit, area=area)
    return user


@dataclass
class World:
    country: OrgUnit
    region: OrgUnit
    municipality: OrgUnit
    community: OrgUnit
    other_country: OrgUnit
    other_municipality: OrgUnit
    other_community: OrgUnit
    area: Area
    other_area: Area
    institution: Institution
    other_institution: Institution
    home: dict[str, User] = field(default_factory=dict)
    away: dict[str, User] = field(default_factory=dict)


def build_world() -> World:
    """Country A > region > municipality M (community C); country B > … > municipality M2 (C2)."""
    country = make_unit("A", Level.COUNTRY, None, "País A")
    region = make_unit("A-R", Level.REGION, country, "Región A")
    municipality = make_unit("A-M", Level.MUNICIPALITY, region, "Municipio A")
    community = make_unit("A-M-C", Level.COMMUNITY, municipality, "Comunidad A")
    sibling = make_unit("A-M2", Level.MUNICIPALITY, region, "Municipio vecino")
    sibling_community = make_unit("A-M2-C", Level.COMMUNITY, sibling, "Comunidad vecina")
    other_country = make_unit("B", Level.COUNTRY, None, "País B")
    other_region = make_unit("B-R", Level.REGION, other_country, "Región B")
    other_municipality = make_unit("B-M", Level.MUNICIPALITY, other_region, "Municipio B")
    other_community = make_unit("B-M-C", Level.COMMUNITY, other_municipality, "Comunidad B")
    area = Area.objects.create(org_unit=municipality, kind=AreaKind.HEALTH, name="Salud")
    other_area = Area.objects.create(org_unit=other_municipality, kind=AreaKind.HEALTH, name="Salud")
    sibling_area = Area.objects.create(org_unit=sibling, kind=AreaKind.HEALTH, name="Salud")
    institution = Institution.objects.create(
        name="Junta A", kind=InstitutionKind.PROTECTION_BOARD, org_unit=municipality
    )
    institution.jurisdiction.set([municipality])
    other_institution = Institution.objects.create(
        name="Junta B", kind=InstitutionKind.PROTECTION_BOARD, org_unit=other_municipality
    )
    other_institution.jurisdiction.set([other_municipality])
    world = World(
        country=country,
        region=region,
        municipality=municipality,
        community=community,
        other_country=other_country,
        other_municipality=other_municipality,
        other_community=other_community,
        area=area,
        other_area=other_area,
        institution=institution,
        other_institution=other_institution,
    )
    # Home: the role acting where the objects of the test live (country A, municipality A-M).
    home_places: dict[str, tuple[OrgUnit | None, Area | None]] = {
        Role.ADMIN: (None, None),
        Role.SECRETARIAT: (country, None),
        Role.COORDINATOR: (municipality, None),
        Role.AREA_FOCAL: (municipality, area),
        Role.DEFENDER: (community, None),
        Role.PROTECTION_OFFICER: (municipality, None),
        Role.SUPERVISOR: (municipality, None),
        Role.ANALYST: (municipality, None),
    }
    # Away: the same role in a neighbouring municipality (or the other country for national roles).
    away_places: dict[str, tuple[OrgUnit, Area | None]] = {
        Role.SECRETARIAT: (other_country, None),
        Role.COORDINATOR: (sibling, None),
        Role.AREA_FOCAL: (sibling, sibling_area),
        Role.DEFENDER: (sibling_community, None),
        Role.PROTECTION_OFFICER: (sibling, None),
        Role.SUPERVISOR: (sibling, None),
        Role.ANALYST: (other_municipality, None),
    }
    for role, (unit, role_area) in home_places.items():
        world.home[role] = make_user(f"{role}.home", role, unit, role_area)
    for role, (unit, role_area) in away_places.items():
        world.away[role] = make_user(f"{role}.away", role, unit, role_area)
    return world


def login(client: Client, user: User) -> Client:
    """Sign in with the second factor already verified, as a real session would be."""
    client.force_login(user)
    memberships = active_memberships(user)
    membership = memberships[0] if memberships else None
    session = client.session
    if membership is not None and membership.role in PERSONAL_DATA_ROLES:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    if membership is not None:
        session[SESSION_KEY] = membership.pk
    session.save()
    return client


def api_token(user: User) -> str:
    memberships = active_memberships(user)
    membership = memberships[0] if memberships else None
    _, raw = issue_api_token(actor=actor_for(user, membership), otp_verified=True)
    return raw


def request_as(
    client: Client,
    method: str,
    url: str,
    *,
    data: dict[str, Any] | None = None,
    api: bool = False,
    token: str | None = None,
) -> Any:
    kwargs: dict[str, Any] = {}
    if api:
        if token:
            kwargs["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if data is not None:
            kwargs["data"] = json.dumps(data)
            kwargs["content_type"] = "application/json"
    elif data is not None:
        kwargs["data"] = data
    return getattr(client, method.lower())(url, **kwargs)


def check_access_matrix(
    world: World,
    *,
    url: str | Callable[[World], str],
    expected: dict[str, int],
    method: str = "get",
    data: dict[str, Any] | Callable[[World], dict[str, Any]] | None = None,
    api: bool = False,
    away: int | dict[str, int] = 404,
    anonymous: int | None = None,
    state: Callable[[], Any] | None = None,
) -> None:
    """Check one URL for every role at home, every role away, and anonymous.

    ``expected`` must name every role (no silent gaps). ``away`` is the status for the
    same role elsewhere (404 by default; admins have no "elsewhere"). Anonymous users get a
    redirect to the sign-in page (302) on the web and 401 on the API unless told otherwise.
    ``data`` may be a callable, evaluated before each attempt (e.g. to send the current version).
    When ``state`` is given, every response with a status >= 400 must leave it unchanged.
    """
    missing = set(Role.values) - set(expected)
    if missing:
        raise AssertionError(f"access matrix does not say what these roles get: {sorted(missing)}")
    target = url(world) if callable(url) else url
    failures: list[str] = []

    def attempt(label: str, user: User | None, wanted: int) -> None:
        client = Client()
        token = None
        if user is not None:
            if api:
                token = api_token(user)
            else:
                login(client, user)
        before = state() if state is not None else None
        payload = data(world) if callable(data) else data
        response = request_as(client, method, target, data=payload, api=api, token=token)
        if response.status_code != wanted:
            failures.append(f"{label}: expected {wanted}, got {response.status_code}")
        if state is not None and (wanted >= 400 or user is None) and state() != before:
            failures.append(f"{label}: a refused request changed the database")

    for role in Role.values:
        attempt(f"{role} (home)", world.home[role], expected[role])
    for role, user in world.away.items():
        wanted = away.get(role, 404) if isinstance(away, dict) else away
        attempt(f"{role} (away)", user, wanted)
    attempt("anonymous", None, anonymous if anonymous is not None else (401 if api else 302))
    if failures:
        raise AssertionError(f"{method.upper()} {target}:\n  " + "\n  ".join(failures))
