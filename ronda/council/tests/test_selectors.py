from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ronda.accounts.selectors import active_memberships
from ronda.core.models import AccessEvent
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.council import policies, selectors, services
from ronda.council.models import ChildrenCouncil, CouncilAgeBand, CouncilMember, CouncilRequest, RequestStatus
from ronda.council.tests.conftest import MEMBER_NAMES, days_ago, noon
from ronda.territory.models import Area
from ronda.testing import World

pytestmark = pytest.mark.django_db


def actor(world: World, role: str, where: str = "home") -> Actor:
    user = getattr(world, where)[role]
    return actor_for(user, active_memberships(user)[0], second_factor=True)


def make(council: ChildrenCouncil, area: Area | None, received: int, **kwargs: object) -> CouncilRequest:
    return services.create_request(
        actor=SYSTEM,
        council=council,
        title=str(kwargs.pop("title", "Pedido")),
        description="Texto del pedido.",
        routed_area=area,
        received_on=days_ago(received),
        **kwargs,  # type: ignore[arg-type]
    )


def answer(req: CouncilRequest, status: str, on: int, text: str = "Sí, lo haremos.") -> CouncilRequest:
    return services.transition_request(
        actor=SYSTEM, council_request=req, expected_version=None, status=status, answer=text, on=days_ago(on)
    )


def test_overdue_requests_for_is_scoped_and_ordered(
    world: World, council: ChildrenCouncil, other_council: ChildrenCouncil, education: Area
) -> None:
    older = make(council, world.area, received=60, title="Muy atrasado")  # due 30 days ago
    newer = make(council, education, received=35, title="Poco atrasado")  # due 5 days ago
    make(council, world.area, received=5, title="A tiempo")
    answer(make(council, world.area, received=60, title="Respondido"), "accepted", on=1)
    make(other_council, world.other_area, received=60, title="Otro país")
    assert selectors.overdue_requests_for(actor(world, "coordinator")) == [older, newer]
    assert selectors.overdue_requests_for(actor(world, "coordinator"), limit=1) == [older]
    assert selectors.overdue_requests_for(actor(world, "admin"), limit=10)[0].title == "Muy atrasado"
    assert len(selectors.overdue_requests_for(actor(world, "admin"), limit=10)) == 3
    assert selectors.overdue_requests_for(actor(world, "analyst")) == [older, newer]
    assert selectors.overdue_requests_for(actor(world, "area_focal")) == [older]  # only their own area
    assert selectors.overdue_requests_for(actor(world, "defender")) == []
    assert selectors.overdue_requests_for(actor(world, "supervisor")) == [older, newer]  # reads, without names
    assert selectors.overdue_requests_for(actor(world, "coordinator", "away")) == []
    assert selectors.overdue_requests_for(None) == []


def test_overdue_requests_for_follows_the_clock(world: World, council: ChildrenCouncil) -> None:
    req = make(council, world.area, received=0)
    coordinator = actor(world, "coordinator")
    assert selectors.overdue_requests_for(coordinator) == []
    with time_machine.travel(noon(timezone.localdate() + dt.timedelta(days=31))):
        assert selectors.overdue_requests_for(coordinator) == [req]
        assert selectors.overdue_count_for(coordinator) == 1


def test_answered_requests_public(
    world: World, council: ChildrenCouncil, other_council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    make(council, world.area, received=10, title="Abierto")
    answer(make(council, world.area, received=40, title="Aceptado"), "accepted", on=20)
    rejected = answer(make(council, world.area, received=40, title="Rechazado"), "rejected", on=5)
    implemented = answer(make(council, world.area, received=90, title="Hecho"), "accepted", on=80)
    implemented = services.transition_request(
        actor=SYSTEM, council_request=implemented, expected_version=None, status="implemented", on=days_ago(30)
    )
    answer(make(other_council, world.other_area, received=40, title="Otro país"), "accepted", on=20)

    rows = selectors.answered_requests_public(world.municipality)
    assert [r.title for r in rows] == ["Rechazado", "Aceptado", "Hecho"]  # latest answer first
    first = rows[0]
    assert first.status == "rejected" and first.status_label == str(RequestStatus.REJECTED.label)
    assert first.area_name == "Salud" and first.municipality == "Municipio A"
    assert first.answer == "Sí, lo haremos." and first.answered_on == rejected.answered_on
    assert rows[2].implemented_on == days_ago(30)
    assert not rows[0].answered_on_time and rows[1].answered_on_time and rows[2].answered_on_time
    # Nothing that could carry member data.
    fields = {f.name for f in dataclasses.fields(selectors.PublicAnswer)}
    assert not {"session", "members", "member", "first_name"} & fields
    assert not any(name in repr(rows) for name in MEMBER_NAMES)
    # A region includes its municipalities; another country is left out.
    assert len(selectors.answered_requests_public(world.region)) == 3
    assert selectors.answered_requests_public(world.municipality, limit=1)[0].title == "Rechazado"
    assert [r.title for r in selectors.answered_requests_public(world.other_municipality)] == ["Otro país"]


def test_request_stats(world: World, council: ChildrenCouncil) -> None:
    # Received in the window [-100, -1]: four. Answered in it: three (two on time). Overdue at its end: one.
    on_time = make(council, world.area, received=90)  # due -60
    answer(on_time, "accepted", on=70)
    late = make(council, world.area, received=90)  # due -60
    answer(late, "partly_accepted", on=50)
    early = make(council, world.area, received=120)  # received before the window, answered in it on time
    answer(early, "rejected", on=95)
    make(council, world.area, received=50)  # due -20: overdue
    make(council, world.area, received=10)  # due in 20 days: open, not overdue
    stats = selectors.request_stats(council, days_ago(100), days_ago(1))
    assert (stats.received, stats.answered, stats.answered_on_time, stats.overdue) == (4, 3, 2, 1)
    assert stats.answered_late == 1 and stats.on_time_percent == 67
    # As things stood 55 days ago: the late one was still unanswered and already overdue.
    past = selectors.request_stats(council, days_ago(100), days_ago(55))
    assert (past.received, past.answered, past.answered_on_time, past.overdue) == (2, 2, 2, 1)
    empty = selectors.request_stats(council, days_ago(400), days_ago(300))
    assert empty.on_time_percent is None and empty.received == 0


def test_members_by_age_band_and_summaries(
    world: World, council: ChildrenCouncil, other_council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    services.update_member(actor=SYSTEM, member=members[1], expected_version=None, left_on=days_ago(1))
    bands = selectors.members_by_age_band(council)
    assert bands == [(str(label), n) for (_, label), n in zip(CouncilAgeBand.choices, [0, 1, 0, 0], strict=True)]
    make(council, world.area, received=50)
    answer(make(council, world.area, received=50), "accepted", on=25)
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.council_summaries([council, other_council])
    assert len(queries) == 2
    home, away = rows
    assert (home.members, home.open, home.overdue, home.answered, home.on_time_percent) == (1, 1, 1, 1, 100)
    assert (away.members, away.open, away.on_time_percent) == (0, 0, None)


def test_member_list_read_is_logged_once_per_child_shown(
    world: World, council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    coordinator = actor(world, "coordinator")
    shown = policies.list_members(coordinator, council)
    assert sorted(m.first_name for m in shown) == sorted(MEMBER_NAMES)
    events = AccessEvent.objects.all()
    assert sorted(int(e.target_id) for e in events) == sorted(m.pk for m in shown)
    assert {(e.actor_username, e.target_type, e.purpose, e.break_glass) for e in events} == {
        ("coordinator.home", "council.councilmember", "council member list", False)
    }
    assert policies.list_members(actor(world, "analyst"), council) == []
    assert AccessEvent.objects.count() == len(shown)  # a refused read logs nothing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xiomara pidió más juegos", True),
        ("lo propuso XIOMARA.", True),
        ("Brayán quiere bebederos", True),  # accents do not hide a name
        ("Brayanito quiere bebederos", True),  # a diminutive of a member's name counts (issue #7)
        ("Xiomaras pidió bebederos", False),  # whole words only
        ("Pedimos bebederos", False),
        ("", False),
    ],
)
def test_mentions_member_name(
    world: World, council: ChildrenCouncil, members: list[CouncilMember], text: str, expected: bool
) -> None:
    assert selectors.mentions_member_name(council, text) is expected


def test_mentions_compound_names(world: World, council: ChildrenCouncil) -> None:
    services.add_member(
        actor=SYSTEM,
        council=council,
        first_name="María José",
        age_band="13-15",
        community=world.community,
        guardian_consent_on=days_ago(3),
        joined_on=days_ago(2),
    )
    assert selectors.mentions_member_name(council, "Lo dijo maria jose en la sesión")
    assert not selectors.mentions_member_name(council, "María quiere")  # only the full first name


def test_long_sentences() -> None:
    short = "Sí. Vamos a poner bebederos. Estarán listos en mayo."
    long = " ".join(["palabra"] * 25) + ". Corta."
    assert selectors.long_sentences(short) == 0
    assert selectors.long_sentences(long) == 1
    assert selectors.long_sentences("") == 0
