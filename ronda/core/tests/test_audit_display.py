"""#9 item 23: the audit trail speaks the reader's language (field labels, choice labels, related
objects by name, the object's name), never shows a child's name or a declared personal field, and
the home pages' "latest changes" are changes to the work, not sign-ins."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst

from ronda.accounts.selectors import active_memberships
from ronda.core import audit
from ronda.core.audit_display import display, work_changes
from ronda.core.models import AuditAction, AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.council import services as council_services
from ronda.council.models import ChildrenCouncil, CouncilMember, CouncilRequest, RequestStatus
from ronda.testing import World, assert_queries_do_not_grow, login

pytestmark = pytest.mark.django_db

CHILD = "Valentina"


def _actor(world: World, role: str):  # type: ignore[no-untyped-def]
    user = world.home[role]
    return actor_for(user, active_memberships(user)[0], second_factor=True)


@pytest.fixture
def council(world: World) -> ChildrenCouncil:
    return council_services.create_council(
        actor=SYSTEM,
        org_unit=world.municipality,
        name="Consejo de A",
        established_on=timezone.localdate() - dt.timedelta(days=100),
    )


@pytest.fixture
def routed(world: World, council: ChildrenCouncil) -> CouncilRequest:
    """A request routed to the health area and accepted, by the coordinator."""
    coordinator = _actor(world, "coordinator")
    request = council_services.create_request(
        actor=coordinator,
        council=council,
        title="Más parques",
        description="Queremos parques en el barrio.",
        received_on=timezone.localdate() - dt.timedelta(days=5),
    )
    request = council_services.update_request(
        actor=coordinator, council_request=request, expected_version=None, routed_area=world.area
    )
    return council_services.transition_request(
        actor=coordinator,
        council_request=request,
        expected_version=None,
        status="accepted",
        answer="Sí, haremos un parque nuevo.",
        on=timezone.localdate(),
    )


@pytest.fixture
def child(world: World, council: ChildrenCouncil) -> CouncilMember:
    member = council_services.add_member(
        actor=_actor(world, "coordinator"),
        council=council,
        first_name=CHILD,
        age_band="13-15",
        community=world.community,
        guardian_consent_on=timezone.localdate(),
        joined_on=timezone.localdate(),
    )
    # An older row written before names were kept out of the stored name and the diff.
    AuditEvent.objects.create(
        actor_username="coordinator.home",
        action=AuditAction.UPDATE,
        org_unit=world.municipality,
        org_unit_path=world.municipality.path,
        target_type="council.councilmember",
        target_id=str(member.pk),
        target_repr=CHILD,
        changes={"first_name": ["Vale", CHILD], "age_band": ["10-12", "13-15"]},
    )
    return member


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_the_trail_shows_labels_in_spanish(world: World, routed: CouncilRequest, role: str) -> None:
    html = login(Client(), world.home[role]).get(reverse("core:audit")).content.decode()
    assert "routed_area_id" not in html and "council.councilrequest" not in html
    assert "<code>" not in html
    with translation.override("es"):
        label = str(capfirst(CouncilRequest._meta.get_field("routed_area").verbose_name))
    assert label != "Routed to area"  # the catalogue has it in Spanish
    assert f"<strong>{label}</strong>: — → {world.area.name}" in html  # the field's label, the area by name
    with translation.override("es"):
        received, accepted = str(RequestStatus.RECEIVED.label), str(RequestStatus.ACCEPTED.label)
    assert f"{received} → {accepted}" in html  # the status's labels, not "received → accepted"
    assert "→ accepted" not in html
    assert "Más parques" in html  # the object's name
    assert "(Coordinador" in html or "(Coordinadora" in html  # the role's label, not "coordinator"


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_a_council_member_is_never_named(world: World, child: CouncilMember, role: str) -> None:
    html = login(Client(), world.home[role]).get(reverse("core:audit")).content.decode()
    assert CHILD not in html and "Vale" not in html
    assert f"#{child.pk}" in html
    with translation.override("es"):
        rows = display(_actor(world, role), AuditEvent.objects.filter(target_type="council.councilmember"))
    assert rows and all(r.label == f"{r.kind} #{child.pk}" for r in rows)
    assert all(CHILD not in r.label for r in rows)
    for row in rows:
        for change in row.changes:
            assert CHILD not in f"{change.old} {change.new}"


def test_the_trail_speaks_english_to_an_english_reader(world: World, routed: CouncilRequest) -> None:
    with translation.override("en"):
        rows = display(_actor(world, "admin"), AuditEvent.objects.filter(target_type="council.councilrequest"))
    labels = {c.field for r in rows for c in r.changes}
    assert "Routed to area" in labels
    with translation.override("en"):
        accepted = str(RequestStatus.ACCEPTED.label)
    assert any(c.new == accepted for r in rows for c in r.changes)


def test_latest_changes_on_the_home_page_are_work(world: World, routed: CouncilRequest) -> None:
    supervisor = world.home["supervisor"]
    for _ in range(10):
        audit.record(
            actor=_actor(world, "coordinator"), action=AuditAction.LOGIN, target=None, org_unit=world.municipality
        )
    assert not work_changes(AuditEvent.objects.all()).filter(action=AuditAction.LOGIN).exists()
    html = login(Client(), supervisor).get("/").content.decode()
    recent = html.split('id="recent-heading"', 1)[1].split("</section>", 1)[0]
    assert "Más parques" in recent
    assert "Inició sesión" not in recent and "Signed in" not in recent


class RoutedRequests:
    """Requests routed to an area (a reference resolved by name) and answered, one more per call."""

    def __init__(self, world: World, council: ChildrenCouncil) -> None:
        self.world, self.council, self.numbers = world, council, itertools.count(1)

    def __call__(self, n: int) -> None:
        coordinator = _actor(self.world, "coordinator")
        for _ in range(n):
            k = next(self.numbers)
            request = council_services.create_request(
                actor=coordinator,
                council=self.council,
                title=f"Pedido {k}",
                description="Texto.",
                received_on=timezone.localdate(),
            )
            council_services.update_request(
                actor=coordinator, council_request=request, expected_version=None, routed_area=self.world.area
            )
            council_services.add_member(
                actor=coordinator,
                council=self.council,
                first_name=CHILD + "a" * k,
                age_band="13-15",
                community=self.world.community,
                guardian_consent_on=timezone.localdate(),
                joined_on=timezone.localdate(),
            )


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_labels_cost_a_bounded_number_of_queries(world: World, council: ChildrenCouncil, role: str) -> None:
    client = login(Client(), world.home[role])
    assert_queries_do_not_grow(
        client, reverse("core:audit"), RoutedRequests(world, council), ceiling=16, rows=5, contains=["Pedido 6"]
    )
    assert CHILD not in client.get(reverse("core:audit")).content.decode()
