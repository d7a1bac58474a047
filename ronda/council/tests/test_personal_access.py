"""Issue #8 item 1: children's records are read through one policy call that logs each read, and
administrators reach them only through an audited, time-boxed break-glass grant."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.models import BreakGlassGrant
from ronda.accounts.selectors import active_memberships
from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.tenancy import actor_for
from ronda.council import policies
from ronda.council.models import ChildrenCouncil, CouncilMember
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

REASON = "Orden judicial 2026-144: la jueza pide la lista de integrantes del consejo."


def _open(client: Client, code: str, reason: str = REASON, minutes: int = 30) -> object:
    return client.post(
        reverse("accounts:break_glass"),
        {"action": "start", "org_unit_code": code, "reason": reason, "minutes": minutes},
    )


def test_an_administrator_has_no_blanket_access_to_childrens_records(
    world: World, council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    admin = world.home["admin"]
    verified = actor_for(admin, active_memberships(admin)[0], second_factor=True)
    assert not policies.visible_members(verified).exists()
    client = login(Client(), admin)
    assert client.get(reverse("council:member_list"), {"consejo": council.pk}).status_code == 404
    assert client.get(reverse("council:member_edit", args=[members[0].pk])).status_code == 404
    assert not AccessEvent.objects.exists()


def test_break_glass_opens_one_unit_for_a_while_and_every_read_is_flagged(
    world: World, council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    client = login(Client(), world.home["admin"])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # The other country's municipality does not open this one.
        assert _open(client, world.other_municipality.code).status_code == 302
        assert client.get(reverse("council:member_list"), {"consejo": council.pk}).status_code == 404
        assert _open(client, world.municipality.code).status_code == 302
        page = client.get(reverse("council:member_list"), {"consejo": council.pk})
        assert page.status_code == 200
        events = AccessEvent.objects.filter(actor_username="admin.home")
        assert events.count() == len(page.context["members"]) > 0
        assert all(e.break_glass for e in events)
        clock.shift(dt.timedelta(minutes=31))
        again = login(Client(), world.home["admin"])  # (the idle session ended too)
        assert again.get(reverse("council:member_list"), {"consejo": council.pk}).status_code == 404
    grants = BreakGlassGrant.objects.filter(org_unit=world.municipality)
    assert grants.count() == 1
    assert AuditEvent.objects.filter(target_type="accounts.breakglassgrant", action="break_glass_open").count() == 2


def test_the_supervisors_of_the_unit_see_the_access_and_its_reason(world: World) -> None:
    _open(login(Client(), world.home["admin"]), world.municipality.code)
    home = login(Client(), world.home["supervisor"]).get("/").content.decode()
    assert REASON in home and "admin.home" in home
    elsewhere = login(Client(), world.away["supervisor"]).get("/").content.decode()
    assert REASON not in elsewhere
    trail = login(Client(), world.home["supervisor"]).get(reverse("core:audit")).content.decode()
    assert REASON in trail  # the grant is the supervisors' business: its content is shown


def test_closing_ends_it_at_once(world: World, council: ChildrenCouncil, members: list[CouncilMember]) -> None:
    client = login(Client(), world.home["admin"])
    _open(client, world.municipality.code)
    grant = BreakGlassGrant.objects.get()
    assert client.post(reverse("accounts:break_glass"), {"action": "end", "grant": grant.pk}).status_code == 302
    assert client.get(reverse("council:member_list"), {"consejo": council.pk}).status_code == 404
    grant.refresh_from_db()
    assert grant.ended_at is not None
    closed = AuditEvent.objects.get(target_type="accounts.breakglassgrant", action="break_glass_close")
    assert closed.org_unit_path == world.municipality.path


@pytest.mark.parametrize(
    ("reason", "minutes"), [("porque sí", 30), (REASON, 10_000), (REASON, 0)], ids=["short reason", "too long", "zero"]
)
def test_break_glass_needs_a_reason_and_a_short_time(world: World, reason: str, minutes: int) -> None:
    response = _open(login(Client(), world.home["admin"]), world.municipality.code, reason, minutes)
    assert response.status_code == 200
    assert not BreakGlassGrant.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "supervisor", "secretariat", "defender"])
def test_only_administrators_open_break_glass(world: World, role: str) -> None:
    client = login(Client(), world.home[role])
    assert client.get(reverse("accounts:break_glass")).status_code == 404
    assert _open(client, world.municipality.code).status_code == 404
    assert not BreakGlassGrant.objects.exists()


def test_a_refused_record_logs_nothing_and_an_allowed_one_logs_after_the_check(
    world: World, council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    away = login(Client(), world.away["coordinator"])
    assert away.get(reverse("council:member_edit", args=[members[0].pk])).status_code == 404
    assert not AccessEvent.objects.exists()
    home = login(Client(), world.home["coordinator"])
    assert home.get(reverse("council:member_edit", args=[members[0].pk])).status_code == 200
    event = AccessEvent.objects.get()
    assert (event.target_type, event.target_id, event.purpose) == (
        "council.councilmember",
        str(members[0].pk),
        "council member record",
    )
