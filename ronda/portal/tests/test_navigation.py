"""The menu: the same entries per role as before the portal existed, every link openable by whoever
sees it, and a new domain can add itself without touching the portal or the kernel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from ronda.core.roles import Role
from ronda.portal import registry
from ronda.portal.context_processors import navigation_for
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

FAKE_DOMAIN = "ronda.portal.tests.fake_domain"

READERS = [
    "core:home",
    "planning:home",
    "coordination:overview",
    "council:overview",
    "defenders:index",
    "safeguarding:index",
    "training:index",
    "cases:figures",
    "accountability:report_list",
    "tablero:index",
    "territory:browse",
    "territory:area_list",
    "territory:institution_list",
]
FIELD = ["core:home", "territory:browse", "territory:institution_list"]
# The figures of alternative care (#12) are aggregates: the secretariat and analysts read them too.
WITH_CARE_FIGURES = [
    *READERS[: READERS.index("tablero:index")],
    "protection:dashboard",
    *READERS[READERS.index("tablero:index") :],
]
CARE = ["protection:file_list", "protection:facility_list", "protection:dashboard"]

# The menu of each role, in order on screen (what core/context_processors.py showed before #8).
EXPECTED = {
    # The case figures are a municipality's or a region's: an administrator has no unit to read them of.
    # Safeguarding and training: linked from the body's page (the menu stays one row at 1366 px).
    Role.ADMIN: [
        *(name for name in READERS if name not in ("cases:figures", "safeguarding:index", "training:index")),
        "certification:home",
        "accounts:user_list",
        "core:audit",
    ],
    # Certification (#14) is the secretariat's own work; the municipal roles reach it from their home page.
    Role.SECRETARIAT: [*WITH_CARE_FIGURES, "certification:home"],
    Role.COORDINATOR: READERS,
    Role.ANALYST: WITH_CARE_FIGURES,
    Role.AREA_FOCAL: [
        "core:home",
        "planning:my_measures",
        "coordination:agreement_list",
        "council:request_list",
        "safeguarding:index",
        "training:index",
        "tablero:index",
        "territory:browse",
        "territory:area_list",
        "territory:institution_list",
    ],
    Role.DEFENDER: [
        "core:home",
        "defenders:index",
        "safeguarding:index",
        "cases:child_list",
        "cases:case_list",
        "territory:browse",
        "territory:institution_list",
    ],
    # An independent evaluator (#14) reaches their assignments only.
    Role.EVALUATOR: ["core:home", "certification:assignments"],
    # Protection files (protection/portal.py, #12) for the roles that hold them.
    Role.PROTECTION_OFFICER: [FIELD[0], "safeguarding:index", *CARE, *FIELD[1:]],
    # Supervisors read the planning cycle of their municipality (#9 item 22); municipal areas are not their work.
    Role.SUPERVISOR: [
        "core:home",
        "planning:home",
        "coordination:overview",
        "council:overview",
        "defenders:index",
        "safeguarding:index",
        "training:index",
        "cases:child_list",
        "cases:case_list",
        "cases:supervision",
        "cases:figures",
        "accountability:report_list",
        *CARE,
        "tablero:index",
        "territory:browse",
        "territory:institution_list",
        "core:audit",
    ],
}


@pytest.mark.parametrize("role", list(Role.values))
def test_each_role_sees_the_menu_it_always_had(client: Client, world: World, role: str) -> None:
    login(client, world.home[role])
    shown = [item["url"] for item in client.get("/").context["nav_items"]]
    assert shown == [reverse(name) for name in EXPECTED[role]]


@pytest.mark.parametrize("role", list(Role.values))
def test_every_link_in_the_menu_opens_for_whoever_sees_it(client: Client, world: World, role: str) -> None:
    """The menu asks each domain's policy: a link never leads to a 404 (nor to the sign-in page)."""
    login(client, world.home[role])
    login_page = reverse("accounts:login")
    for item in client.get("/").context["nav_items"]:
        response = client.get(item["url"], follow=True)  # the plan's home sends on to the plan list
        assert response.status_code == 200, (role, item["url"])
        assert all(not url.startswith(login_page) for url, _status in response.redirect_chain), (role, item["url"])


def test_the_current_section_is_marked_and_home_only_at_home(client: Client, world: World) -> None:
    login(client, world.home[Role.COORDINATOR])
    actor = client.get("/").context["actor"]
    here = {item["url"]: item["active"] for item in navigation_for(actor, reverse("territory:area_list"))}
    assert here[reverse("territory:area_list")] is True
    assert here[reverse("territory:browse")] is True  # a section contains its sub-pages (unchanged)
    assert here[reverse("core:home")] is False
    at_home = {item["url"]: item["active"] for item in navigation_for(actor, "/")}
    assert [url for url, active in at_home.items() if active] == [reverse("core:home")]


def test_no_menu_without_an_active_role(client: Client) -> None:
    assert navigation_for(None, "/") == []


@pytest.fixture
def with_fake_domain() -> Iterator[None]:
    """As if a new app ``fake_domain`` with its own ``portal.py`` were in INSTALLED_APPS."""
    before = registry.installed()
    apps = [*(name for name in settings.INSTALLED_APPS), FAKE_DOMAIN]
    registry.install(registry.collect(apps))
    templates = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]}
    ]
    try:
        with override_settings(TEMPLATES=templates):
            yield
    finally:
        registry.install(before)


def test_a_new_domain_adds_itself_to_the_menu_and_the_home_page(
    client: Client, world: World, with_fake_domain: None
) -> None:
    login(client, world.home[Role.ANALYST])
    response = client.get("/")
    urls = [item["url"] for item in response.context["nav_items"]]
    # Its entry takes its place by `order` (15: after Home, before Plan), for the roles it chose.
    assert urls[:3] == [reverse("core:home"), reverse("core:healthz"), reverse("planning:home")]
    page = response.content.decode()
    assert '<section class="panel" id="fake-domain-panel">Hola analyst.home</section>' in page

    login(client, world.home[Role.COORDINATOR])
    response = client.get("/")
    assert reverse("core:healthz") not in [item["url"] for item in response.context["nav_items"]]
    assert "fake-domain-panel" not in response.content.decode()
