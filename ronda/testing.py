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

Each matrix records the route it exercised; a full run fails for any route and method that no
matrix exercised and that ``EXEMPT_ROUTES`` does not declare (conftest.py, docs/architecture.md §5).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.views.generic.edit import ProcessFormView
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja.operation import PathView

from ronda.accounts.middleware import SESSION_KEY
from ronda.accounts.models import Membership, User
from ronda.accounts.otp import membership_requires_otp
from ronda.accounts.selectors import active_memberships
from ronda.accounts.services import issue_api_token
from ronda.core.roles import Role
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
        Role.EVALUATOR: (country, None),
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
        Role.EVALUATOR: (other_country, None),
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
    if membership_requires_otp(membership):
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
    multipart: bool = False,
) -> Any:
    kwargs: dict[str, Any] = {}
    if api:
        if token:
            kwargs["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if data is not None and multipart:
            kwargs["data"] = data  # the test client encodes a dict as multipart/form-data, files included
        elif data is not None:
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
    multipart: bool = False,
    away: int | dict[str, int] = 404,
    anonymous: int | None = None,
    state: Callable[[], Any] | None = None,
    personal: bool = False,
) -> None:
    """Check one URL for every role at home, every role away, and anonymous.

    ``expected`` must name every role (no silent gaps). ``away`` is the status for the
    same role elsewhere (404 by default; admins have no "elsewhere"). Anonymous users get a
    redirect to the sign-in page (302) on the web and 401 on the API unless told otherwise.
    ``data`` may be a callable, evaluated before each attempt (e.g. to send the current version).
    When ``state`` is given, every response with a status >= 400 must leave it unchanged.
    ``multipart=True`` sends an API request's ``data`` as a form with files (upload endpoints).
    Each call records the route it exercised, for the route-coverage check (see EXEMPT_ROUTES).
    ``personal=True`` says the route shows children's personal records: every answer of 200 must
    have written at least one access event for that user, and no refused answer may write one
    (decision 0015: the read is logged by the policy call, after the check).
    """
    missing = set(Role.values) - set(expected)
    if missing:
        raise AssertionError(f"access matrix does not say what these roles get: {sorted(missing)}")
    target = url(world) if callable(url) else url
    record_route(target, method)
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
        reads = _access_events(user) if personal else 0
        payload = data(world) if callable(data) else data
        response = request_as(client, method, target, data=payload, api=api, token=token, multipart=multipart)
        if response.status_code != wanted:
            failures.append(f"{label}: expected {wanted}, got {response.status_code}")
        if personal and user is not None:
            logged = _access_events(user) - reads
            if response.status_code == 200 and logged == 0:
                failures.append(f"{label}: read a personal record without an access event")
            if response.status_code >= 400 and logged:
                failures.append(f"{label}: a refused request wrote {logged} access event(s)")
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


def _access_events(user: User | None) -> int:
    from ronda.core.models import AccessEvent

    return AccessEvent.objects.filter(actor=user).count() if user is not None else 0


# --- Route coverage ------------------------------------------------------------------------------
#
# Every route and method must be exercised by an access matrix or be declared exempt here, with the
# reason. A route is "METHOD name": the URL name with its namespace for pages
# ("POST territory:unit_edit"), the method and path template for API operations
# ("GET /api/v1/org-units/{unit_id}"). A key without a method exempts every method of the route.
# The check runs at the end of a full `make test` (see conftest.py); `route_coverage_problems()`
# says what it would report.
EXEMPT_ROUTES: dict[str, str] = {
    "core:healthz": "public liveness probe for the load balancer; answers no data",
    "accounts:login": "public sign-in page",
    "accounts:logout": "signs out whoever sends it; there is nothing to refuse",
    "accounts:otp": "second-factor step of signing in, for a signed-in user without a verified device",
    "accounts:password_reset": "public: asking for a reset link",
    "accounts:password_reset_done": "public confirmation page",
    "accounts:password_reset_confirm": "public: opened from the emailed link (token in the address)",
    "accounts:password_reset_complete": "public confirmation page",
    "accountability:public_index": "public accountability pages, open to everyone by design",
    "accountability:public_plan": "public accountability pages, open to everyone by design",
    "accountability:public_children": "public accountability pages, open to everyone by design",
    "set_language": "Django's language switch: public, stores only a cookie",
    "api:api-root": "ninja's root of the API: no data",
    "api:openapi-json": "the schema: guarded by docs_guard, tested in accounts/tests/test_security_findings.py",
    "api:openapi-view": "the interactive docs: guarded by docs_guard, tested beside the schema",
    "^api/": "catch-all: any other path under /api/ answers a JSON 404",
    "POST /api/v1/auth/token": "public: exchanging a password (and second factor) for a token",
}

# Attempts made through check_access_matrix in this process, as "METHOD route".
EXERCISED_ROUTES: set[str] = set()

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_FORM_ATTRIBUTES = frozenset({"POST", "FILES", "method"})


def _path_view(callback: Callable[..., Any]) -> PathView | None:
    """ninja mounts one closure per path; the PathView it closes over holds the operations."""
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            contents = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(contents, PathView):
            return contents
    return None


def _api_template(route: str) -> str:
    return "/" + _CONVERTER.sub(r"{\1}", route)


def view_methods(callback: Callable[..., Any]) -> set[str]:
    """The methods a page view accepts (HEAD and OPTIONS left out: they follow GET and need no matrix).

    - ``require_http_methods`` and its shorthands (``require_GET``, ``require_POST``, ``require_safe``)
      at any depth of the ``functools.wraps`` chain: exactly those methods (intersected if stacked).
    - A class-based view: the methods of ``http_method_names`` it implements (a form view's PUT, which
      only calls its POST, is not counted apart).
    - Any other function view: GET, plus POST if its own code reads ``request.POST``, ``request.FILES``
      or ``request.method`` (a form). A read-only view answers a POST as it answers a GET, so the GET
      matrix covers it; a form view should say ``require_http_methods`` anyway.
    """
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        names = {m for m in view_class.http_method_names if m not in ("head", "options") and hasattr(view_class, m)}
        if getattr(view_class, "put", None) is ProcessFormView.put:
            names.discard("put")  # a form view's PUT only calls its POST
        return {m.upper() for m in names}
    declared: set[str] | None = None
    func: Any = callback
    innermost = callback
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            methods = {m.upper() for m in cell.cell_contents} - {"HEAD", "OPTIONS"}
            declared = methods if declared is None else declared & methods
        innermost = func
        func = getattr(func, "__wrapped__", None)
    if declared is not None:
        return declared
    code = getattr(innermost, "__code__", None)
    if code is not None and _FORM_ATTRIBUTES & set(code.co_names):
        return {"GET", "POST"}
    return {"GET"}


def _walk(patterns: Iterable[Any], prefix: str = "", namespace: tuple[str, ...] = ()) -> Iterable[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            # Joined as Django joins ResolverMatch.route: an inner regex loses its leading "^".
            route = (prefix + str(pattern.pattern).removeprefix("^")) if prefix else str(pattern.pattern)
            name = ":".join((*namespace, pattern.name)) if pattern.name else route
            yield name, (route, pattern.callback)


def all_routes(urlconf: str | None = None) -> set[str]:
    """Every route and method the URLconf serves, as "METHOD route"."""
    routes: set[str] = set()
    for name, (route, callback) in _walk(get_resolver(urlconf).url_patterns):
        path_view = _path_view(callback)
        if path_view is not None:
            routes.update(f"{m} {_api_template(route)}" for op in path_view.operations for m in op.methods)
        else:
            routes.update(f"{m} {name}" for m in view_methods(callback))
    return routes


def route_of(url: str, method: str, urlconf: str | None = None) -> str | None:
    """The route ("METHOD name") a request to ``url`` reaches, or None if no pattern matches."""
    try:
        match = resolve(urlsplit(url).path, urlconf)
    except Resolver404:
        return None
    if _path_view(match.func) is not None:
        return f"{method.upper()} {_api_template(match.route)}"
    return f"{method.upper()} {match.view_name if match.url_name else match.route}"


def record_route(url: str, method: str) -> None:
    route = route_of(url, method)
    if route is not None:
        EXERCISED_ROUTES.add(route)


def _exempt(route: str, exempt: dict[str, str]) -> bool:
    _method, _sep, name = route.partition(" ")
    return route in exempt or name in exempt


def route_coverage_problems(
    exercised: Iterable[str], *, exempt: dict[str, str] | None = None, urlconf: str | None = None
) -> list[str]:
    """What the route check reports: routes no matrix exercised, and exemptions that name no route."""
    exempt = EXEMPT_ROUTES if exempt is None else exempt
    routes = all_routes(urlconf)
    done = set(exercised)
    problems = [f"no access matrix: {r}" for r in sorted(routes - done) if not _exempt(r, exempt)]
    names = {r.partition(" ")[2] for r in routes}
    problems += [f"exempt but no such route: {key}" for key in sorted(exempt) if key not in routes and key not in names]
    return problems


# --- Query counts --------------------------------------------------------------------------------
#
# A list or dashboard must answer with a number of queries that does not depend on how many rows it
# shows: one query per row shown (an "N+1": a relation read in a loop without select_related or
# prefetch_related) is invisible with the two rows of a test world and ruinous with the two thousand
# of a municipality. ``assert_queries_do_not_grow`` proves the count stays flat and under a ceiling.

_NUMBER = re.compile(r"\b\d+\b")
_QUOTED = re.compile(r"'(?:[^']|'')*'")
_IN_LIST = re.compile(r"\bIN \((?:[^()]*)\)", re.IGNORECASE)
_SAVEPOINT = re.compile(r'"?s\d+_x\d+"?')


def query_shape(sql: str) -> str:
    """A query with its literals and IN-lists blanked, so the same query for another row compares equal."""
    sql = _SAVEPOINT.sub("<savepoint>", sql)
    sql = _QUOTED.sub("?", sql)
    sql = _IN_LIST.sub("IN (…)", sql)
    return _NUMBER.sub("?", sql)


def _numbered(queries: list[dict[str, Any]]) -> str:
    return "\n".join(f"    {n:3}. {q['sql']}" for n, q in enumerate(queries, 1))


def assert_queries_do_not_grow(
    client: Client,
    url: str | Callable[[], str],
    add_rows: Callable[[int], object],
    *,
    ceiling: int,
    rows: int = 3,
    extra: dict[str, Any] | None = None,
    contains: Iterable[str] = (),
) -> tuple[int, int]:
    """GET ``url`` before and after ``add_rows(rows)`` and fail if the second answer took more queries.

    ``add_rows(n)`` must add ``n`` more rows of what the page lists, each with the related objects the
    page shows for it (its area, responsible person, indicators, progress updates…), visible to the
    client's user. The helper first calls ``add_rows(1)`` so that every kind of row already appears
    in the measured baseline: a prefetch over an empty list runs no query, and a count that grows from
    zero rows to one is not an N+1. Each measured request starts with an empty cache (``cache.clear()``),
    so a cached result can neither hide a per-row query nor make one appear; one unmeasured request
    first warms what lives in the process (content types, the API token's "last used" stamp).

    ``ceiling`` is a generous upper bound (what the page takes today, plus a margin), not an exact
    count: it stops a page creeping from 12 queries to 40 unnoticed without breaking on every
    harmless change. Both answers must be 200 and both counts at most ``ceiling``.

    ``url`` may be a callable, evaluated before each request. ``extra`` goes to ``client.get``
    (``HTTP_AUTHORIZATION`` for the API; ``follow=True`` counts a redirect and the page it lands on
    together). ``contains``: texts the second answer must include (from a row added last), proving
    that the page really showed the rows. Returns the two counts. On failure the message names the
    queries that ran more often the second time, then lists both requests' queries.
    """
    from collections import Counter

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure(label: str) -> tuple[list[dict[str, Any]], str]:
        target = url() if callable(url) else url
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            response = client.get(target, **(extra or {}))
            # A streamed answer runs its queries while it is read: read it inside the capture.
            body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        if response.status_code != 200:
            raise AssertionError(f"GET {target} ({label}): expected 200, got {response.status_code}")
        return list(context.captured_queries), body.decode()

    add_rows(1)
    measure("warm-up")
    before, _ = measure("before")
    add_rows(rows)
    after, content = measure(f"after adding {rows} rows")
    target = url() if callable(url) else url
    missing = [text for text in contains if text not in content]
    if missing:
        raise AssertionError(f"GET {target}: the answer does not show the rows added: {missing} not found")
    problems = []
    if len(after) > len(before):
        grown = Counter(query_shape(q["sql"]) for q in after) - Counter(query_shape(q["sql"]) for q in before)
        repeated = "\n".join(f"    +{n} × {shape}" for shape, n in grown.most_common())
        problems.append(
            f"the number of queries grows with the rows shown: {len(before)} before, {len(after)} after adding "
            f"{rows} rows (an N+1: a relation read per row, missing from select_related/prefetch_related).\n"
            f"  Queries that ran more often:\n{repeated}"
        )
    for label, queries in (("before", before), ("after", after)):
        if len(queries) > ceiling:
            problems.append(f"{label}: {len(queries)} queries, over the ceiling of {ceiling}")
    if problems:
        raise AssertionError(
            f"GET {target}: "
            + "\n  ".join(problems)
            + f"\n  Queries before ({len(before)}):\n{_numbered(before)}"
            + f"\n  Queries after ({len(after)}):\n{_numbered(after)}"
        )
    return len(before), len(after)


# --- A phone's browser (Playwright on Debian's Chromium) ----------------------------------------------
CHROMIUM = os.environ.get("RONDA_CHROMIUM", "/usr/bin/chromium")
PHONE_WIDTH = 360


def phone_browser(width: int = PHONE_WIDTH) -> Iterator[Any]:
    """A Chromium page context as wide as a cheap phone, in Spanish, for a ``pytest`` fixture to yield
    from. Without Chromium the test is skipped, except in CI (``RONDA_REQUIRE_BROWSER=1``), where a
    missing browser is a failure."""
    import shutil
    from pathlib import Path

    import pytest

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) to run browser tests"
        if os.environ.get("RONDA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": width, "height": 740}, locale="es-ES")
        yield context
        context.close()
        browser.close()
