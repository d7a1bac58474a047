from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.models import User
from ronda.coordination import services as coordination_services
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.council import services as council_services
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)


def test_home_for_every_role(world: World) -> None:
    # The home page exists for everyone (anonymous users get the landing page).
    check_access_matrix(world, url="/", expected={r: 200 for r in ROLES}, away=200, anonymous=200)


@pytest.mark.parametrize("role", ROLES)
def test_home_is_tailored_to_the_role(client: Client, world: World, role: str) -> None:
    login(client, world.home[role])
    response = client.get("/")
    assert response.templates[0].name == "portal/home.html"
    assert f"portal/home/{role}.html" in [t.name for t in response.templates]


def test_landing_for_anonymous(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "portal/landing.html"
    assert reverse("accounts:login") in response.content.decode()


def test_a_user_without_an_active_role_is_told_so(client: Client) -> None:
    user = User.objects.create_user(username="nadie", password="x")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "portal/no_membership.html"
    assert response.context["nav_items"] == []


def _overdue(world: World) -> None:
    body = coordination_services.create_body(actor=SYSTEM, org_unit=world.municipality, name="Mesa de A")
    coordination_services.create_agreement(
        actor=SYSTEM,
        body=body,
        text="Acuerdo vencido",
        owner_area=world.area,
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    council = council_services.create_council(actor=SYSTEM, org_unit=world.municipality, name="Consejo A")
    council_services.create_request(
        actor=SYSTEM,
        council=council,
        title="Solicitud vencida",
        description="Pedimos un parque.",
        routed_area=world.area,
        received_on=timezone.localdate() - dt.timedelta(days=90),
        due_on=timezone.localdate() - dt.timedelta(days=30),
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_domains_panels_follow_the_role_panel_for_local_roles(client: Client, world: World, role: str) -> None:
    """Coordination's and the council's home panels (registered in portal/entries.py) follow the
    role's panel for the coordinator and the area focal point, and are not even computed for others."""
    _overdue(world)
    login(client, world.home[role])
    response = client.get("/")
    page = response.content.decode()
    local = role in (Role.COORDINATOR, Role.AREA_FOCAL)
    # (An administrator also reads these titles, in the latest changes of the audit trail.)
    assert ("overdue-agreements-h" in page and "Acuerdo vencido" in page) == local
    assert ("council-overdue-h" in page and "Solicitud vencida" in page) == local
    assert ("overdue_agreements" in response.context) == local
    # The defender's own defensoría has its panel (defenders/portal.py).
    others = ["defenders/partials/home.html"] if role == Role.DEFENDER else []
    # Who works on cases has their tasks and cases first (cases/portal.py).
    if role in (Role.DEFENDER, Role.SUPERVISOR):
        others = ["cases/supervision/_home.html", *others]
    # The officer's and the supervisor's protection alerts follow (protection/portal.py, #12).
    if role in (Role.PROTECTION_OFFICER, Role.SUPERVISOR):
        others = [*others, "protection/files/_home.html"]
    # Then the plan's alerts (planning/portal.py, #13 item 8) and, for the coordinator, the
    # self-assessment (improvement/portal.py, #13 item 14).
    own = ["planning/coresp/_home.html"] + (["improvement/_home_panel.html"] if role == Role.COORDINATOR else [])
    # The recognition cycles they read (certification/portal.py, #14): the secretariat has them in its
    # menu instead; the evaluator has their assignments first.
    certification = (
        ["certification/_home_cycles.html"] if role in (Role.COORDINATOR, Role.SUPERVISOR, Role.ANALYST) else []
    )
    if role == Role.EVALUATOR:
        others = ["certification/_home_assignments.html"]
    assert response.context["panels"] == (
        ["coordination/partials/home_overdue.html", "council/partials/home_overdue.html", *own, *certification]
        if local
        else [*others, *certification]
    )
    if local:  # after the role's own panel, coordination first
        assert page.index('id="todo"') < page.index("overdue-agreements-h") < page.index("council-overdue-h")


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ANALYST])
def test_readers_of_the_planning_cycle_find_it_from_home(client: Client, world: World, role: str) -> None:
    # #9 item 22: the supervisor "supervises all the work" and the analyst reads plans, body, council and reports.
    login(client, world.home[role])
    html = client.get("/").content.decode()
    panel = html.split('id="todo"', 1)[1].split("</section>", 1)[0]
    for name in ("planning:home", "coordination:overview", "council:overview", "accountability:report_list"):
        url = reverse(name)
        assert f'href="{url}"' in panel, (role, name)
        assert client.get(url, follow=True).status_code == 200, (role, name)
