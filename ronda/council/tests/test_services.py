from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from ronda.accounts.selectors import active_memberships
from ronda.core import audit_actions
from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.council import services
from ronda.council.models import (
    REQUEST_TRANSITIONS,
    ChildrenCouncil,
    CouncilAction,
    CouncilAgeBand,
    CouncilMember,
    CouncilRequest,
    CouncilSession,
    RequestStatus,
)
from ronda.council.tests.conftest import days_ago, noon
from ronda.territory.models import Area, AreaKind
from ronda.testing import World

pytestmark = pytest.mark.django_db


def actor(world: World, role: str, where: str = "home") -> Actor:
    user = getattr(world, where)[role]
    return actor_for(user, active_memberships(user)[0], second_factor=True)


def snapshot_request(pk: int) -> tuple[object, ...]:
    r = CouncilRequest.objects.get(pk=pk)
    return (r.status, r.answer, r.answered_on, r.implemented_on, r.version, r.title, r.due_on)


def events(target: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type=target._meta.label_lower,  # type: ignore[attr-defined]
            target_id=str(target.pk),  # type: ignore[attr-defined]
        ).order_by("id")
    )


# --- Council ------------------------------------------------------------------------------
def test_create_council_audited(world: World) -> None:
    coordinator = actor(world, "coordinator")
    council = services.create_council(actor=coordinator, org_unit=world.municipality, name="  Consejo A  ")
    assert council.name == "Consejo A"
    assert council.response_days == 30
    [event] = events(council)
    assert event.action == "create"
    assert event.actor_username == "coordinator.home"
    assert event.org_unit_path == world.municipality.path


def test_one_council_per_municipality_and_only_municipalities(world: World, council: ChildrenCouncil) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_council(actor=SYSTEM, org_unit=world.municipality, name="Otro")
    assert "org_unit" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_council(actor=SYSTEM, org_unit=world.community, name="Consejo comunal")
    assert "org_unit" in exc.value.message_dict
    assert ChildrenCouncil.objects.count() == 1


@pytest.mark.parametrize("role", ["analyst", "secretariat", "area_focal", "supervisor", "defender"])
def test_only_managers_create_councils(world: World, role: str) -> None:
    with pytest.raises(PermissionDenied):
        services.create_council(actor=actor(world, role), org_unit=world.municipality, name="Consejo")
    assert not ChildrenCouncil.objects.exists()


def test_coordinator_cannot_create_council_elsewhere(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_council(actor=actor(world, "coordinator"), org_unit=world.other_municipality, name="X")


def test_update_council_validates_and_detects_conflicts(world: World, council: ChildrenCouncil) -> None:
    coordinator = actor(world, "coordinator")
    with pytest.raises(ValidationError) as exc:
        services.update_council(actor=coordinator, council=council, expected_version=1, response_days=0, name="")
    assert set(exc.value.message_dict) == {"response_days", "name"}
    assert ChildrenCouncil.objects.get(pk=council.pk).version == 1
    updated = services.update_council(actor=coordinator, council=council, expected_version=1, response_days=15)
    assert updated.version == 2 and updated.response_days == 15
    assert events(council)[-1].changes["response_days"] == [30, 15]
    with pytest.raises(ConflictError):
        services.update_council(actor=coordinator, council=council, expected_version=1, response_days=20)
    assert ChildrenCouncil.objects.get(pk=council.pk).response_days == 15


# --- Members --------------------------------------------------------------------------------
def member_kwargs(world: World, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "first_name": "Xiomara",
        "age_band": CouncilAgeBand.AGE_10_12,
        "community": world.community,
        "guardian_consent_on": days_ago(20),
        "joined_on": days_ago(10),
    }
    values.update(overrides)
    return values


def test_add_member_audit_keeps_no_name(world: World, council: ChildrenCouncil) -> None:
    member = services.add_member(actor=actor(world, "coordinator"), council=council, **member_kwargs(world))
    [event] = events(member)
    assert event.action == "create"
    assert "Xiomara" not in str(event.changes)
    assert "Xiomara" not in event.target_repr
    assert event.changes["first_name"] == [None, "[redacted]"]
    assert event.changes["age_band"] == [None, "10-12"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": "  "}, "first_name"),
        ({"first_name": "Ana 2"}, "first_name"),
        ({"age_band": "0-5"}, "age_band"),
        ({"community": None}, "community"),
        ({"guardian_consent_on": None}, "guardian_consent_on"),
        ({"guardian_consent_on": days_ago(-1), "joined_on": days_ago(0)}, "guardian_consent_on"),
        ({"guardian_consent_on": days_ago(5), "joined_on": days_ago(10)}, "guardian_consent_on"),
        ({"joined_on": None}, "joined_on"),
        ({"left_on": days_ago(30)}, "left_on"),
    ],
)
def test_member_validation_writes_nothing(
    world: World, council: ChildrenCouncil, overrides: dict[str, object], field: str
) -> None:
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.add_member(actor=SYSTEM, council=council, **member_kwargs(world, **overrides))
    assert field in exc.value.message_dict
    assert not CouncilMember.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_member_community_must_be_a_community_of_the_council(world: World, council: ChildrenCouncil) -> None:
    for wrong in (world.municipality, world.other_community):
        with pytest.raises(ValidationError) as exc:
            services.add_member(actor=SYSTEM, council=council, **member_kwargs(world, community=wrong))
        assert "Municipio A" in exc.value.message_dict["community"][0]
    assert not CouncilMember.objects.exists()


def test_update_member_leaving_and_renaming(world: World, council: ChildrenCouncil, member: CouncilMember) -> None:
    coordinator = actor(world, "coordinator")
    updated = services.update_member(
        actor=coordinator, member=member, expected_version=1, left_on=days_ago(1), first_name="Xio"
    )
    assert updated.version == 2 and updated.left_on == days_ago(1) and not updated.is_active
    event = events(member)[-1]
    assert event.action == "council_member_left"  # the domain event, with the whole diff
    assert event.changes["left_on"] == [None, days_ago(1).isoformat()]
    assert event.changes["first_name"] == ["[redacted]", "[redacted]"]
    assert "Xio" not in str(event.changes)
    with pytest.raises(ConflictError):
        services.update_member(actor=coordinator, member=member, expected_version=1, left_on=None)
    assert CouncilMember.objects.get(pk=member.pk).left_on == days_ago(1)


def test_analyst_cannot_touch_members(world: World, council: ChildrenCouncil, member: CouncilMember) -> None:
    with pytest.raises(PermissionDenied):
        services.add_member(actor=actor(world, "analyst"), council=council, **member_kwargs(world))
    with pytest.raises(PermissionDenied):
        services.update_member(actor=actor(world, "analyst"), member=member, expected_version=1, first_name="Z")
    with pytest.raises(PermissionDenied):
        services.remove_member(actor=actor(world, "coordinator", "away"), member=member)
    assert CouncilMember.objects.filter(pk=member.pk, first_name="Xiomara").exists()


def test_remove_member_audited_without_name(world: World, member: CouncilMember) -> None:
    pk = member.pk
    services.remove_member(actor=actor(world, "coordinator"), member=member)
    assert not CouncilMember.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(target_type="council.councilmember", target_id=str(pk), action="delete")
    assert "Xiomara" not in str(event.changes) and "Xiomara" not in event.target_repr


# --- Sessions ------------------------------------------------------------------------------
def test_session_validation(world: World, council: ChildrenCouncil) -> None:
    with pytest.raises(ValidationError) as exc:
        services.record_session(actor=SYSTEM, council=council, held_on=days_ago(-1), topics="", attendees=-1)
    assert set(exc.value.message_dict) == {"held_on", "topics", "attendees"}
    assert not CouncilSession.objects.exists()
    session = services.record_session(actor=SYSTEM, council=council, held_on=days_ago(1), topics=" Parques ")
    assert session.topics == "Parques"
    assert events(session)[0].action == "create"


def test_update_session_conflict(world: World, session: CouncilSession) -> None:
    coordinator = actor(world, "coordinator")
    services.update_session(actor=coordinator, session=session, expected_version=1, attendees=12)
    with pytest.raises(ConflictError):
        services.update_session(actor=coordinator, session=session, expected_version=1, attendees=3)
    assert CouncilSession.objects.get(pk=session.pk).attendees == 12
    assert events(session)[-1].changes["attendees"] == [8, 12]


# --- Requests: creation and deadlines ----------------------------------------------------------
def test_due_date_defaults_to_response_days(world: World, council: ChildrenCouncil) -> None:
    received = days_ago(3)
    created = services.create_request(
        actor=actor(world, "coordinator"), council=council, title="T", description="D", received_on=received
    )
    assert created.due_on == received + dt.timedelta(days=30)
    assert created.status == RequestStatus.RECEIVED
    assert events(created)[0].changes["due_on"] == [None, created.due_on.isoformat()]
    services.update_council(actor=SYSTEM, council=council, expected_version=None, response_days=10)
    council.refresh_from_db()
    second = services.create_request(actor=SYSTEM, council=council, title="T2", description="D", received_on=received)
    assert second.due_on == received + dt.timedelta(days=10)
    given = services.create_request(
        actor=SYSTEM, council=council, title="T3", description="D", received_on=received, due_on=days_ago(-90)
    )
    assert given.due_on == days_ago(-90)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"description": "   "}, "description"),
        ({"received_on": None}, "received_on"),
        ({"received_on": days_ago(-2)}, "received_on"),
        ({"due_on": days_ago(10)}, "due_on"),
        ({"kind": "complaint"}, "kind"),
        ({"goal_area": "space"}, "goal_area"),
    ],
)
def test_request_validation_writes_nothing(
    world: World, council: ChildrenCouncil, overrides: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"title": "T", "description": "D", "received_on": days_ago(5)}
    values.update(overrides)
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_request(actor=SYSTEM, council=council, **values)  # type: ignore[arg-type]
    assert field in exc.value.message_dict
    assert not CouncilRequest.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_request_area_and_session_must_belong_to_the_council(
    world: World, council: ChildrenCouncil, other_council: ChildrenCouncil
) -> None:
    foreign_session = services.record_session(actor=SYSTEM, council=other_council, held_on=days_ago(2), topics="X")
    with pytest.raises(ValidationError) as exc:
        services.create_request(
            actor=SYSTEM,
            council=council,
            title="T",
            description="D",
            received_on=days_ago(1),
            routed_area=world.other_area,
            session=foreign_session,
        )
    assert set(exc.value.message_dict) >= {"routed_area", "session"}
    inactive = Area.objects.create(org_unit=world.municipality, kind=AreaKind.OTHER, name="Antigua", is_active=False)
    with pytest.raises(ValidationError) as exc:
        services.create_request(
            actor=SYSTEM, council=council, title="T", description="D", received_on=days_ago(1), routed_area=inactive
        )
    assert "routed_area" in exc.value.message_dict
    assert not CouncilRequest.objects.exists()


def test_request_cannot_be_received_before_its_session(world: World, council: ChildrenCouncil) -> None:
    session = services.record_session(actor=SYSTEM, council=council, held_on=days_ago(2), topics="X")
    with pytest.raises(ValidationError) as exc:
        services.create_request(
            actor=SYSTEM, council=council, title="T", description="D", received_on=days_ago(5), session=session
        )
    assert "received_on" in exc.value.message_dict


@pytest.mark.parametrize("role", ["analyst", "secretariat", "area_focal"])
def test_read_only_roles_cannot_write_requests(world: World, council_request: CouncilRequest, role: str) -> None:
    before = snapshot_request(council_request.pk)
    with pytest.raises(PermissionDenied):
        services.create_request(
            actor=actor(world, role), council=council_request.council, title="T", description="D", received_on=None
        )
    with pytest.raises(PermissionDenied):
        services.update_request(
            actor=actor(world, role), council_request=council_request, expected_version=1, title="X"
        )
    with pytest.raises(PermissionDenied):
        services.transition_request(
            actor=actor(world, role), council_request=council_request, expected_version=1, status="under_study"
        )
    assert snapshot_request(council_request.pk) == before
    assert CouncilRequest.objects.count() == 1


# --- Requests: the lifecycle -----------------------------------------------------------------
def test_every_allowed_transition_and_only_those(world: World, council: ChildrenCouncil) -> None:
    """Walk every (from, to) pair of statuses: allowed ones succeed, the rest raise and save nothing."""
    for source in RequestStatus.values:
        for target in RequestStatus.values:
            req = services.create_request(
                actor=SYSTEM,
                council=council,
                title=f"{source}>{target}",
                description="D",
                routed_area=world.area,
                received_on=days_ago(20),
            )
            path = {
                RequestStatus.RECEIVED: [],
                RequestStatus.UNDER_STUDY: [RequestStatus.UNDER_STUDY],
                RequestStatus.ACCEPTED: [RequestStatus.ACCEPTED],
                RequestStatus.PARTLY_ACCEPTED: [RequestStatus.PARTLY_ACCEPTED],
                RequestStatus.REJECTED: [RequestStatus.REJECTED],
                RequestStatus.IMPLEMENTED: [RequestStatus.ACCEPTED, RequestStatus.IMPLEMENTED],
            }[RequestStatus(source)]
            for step in path:
                req = services.transition_request(
                    actor=SYSTEM, council_request=req, expected_version=None, status=step, answer="Sí."
                )
            before = snapshot_request(req.pk)
            if target in REQUEST_TRANSITIONS[source]:
                moved = services.transition_request(
                    actor=SYSTEM, council_request=req, expected_version=req.version, status=target, answer="Sí."
                )
                assert moved.status == target
                assert moved.version == req.version + 1
            else:
                with pytest.raises(ValidationError) as exc:
                    services.transition_request(
                        actor=SYSTEM, council_request=req, expected_version=req.version, status=target, answer="Sí."
                    )
                assert "status" in exc.value.message_dict
                assert snapshot_request(req.pk) == before


def test_invalid_transition_message_names_the_statuses(world: World, council_request: CouncilRequest) -> None:
    with pytest.raises(ValidationError) as exc:
        services.transition_request(
            actor=SYSTEM, council_request=council_request, expected_version=1, status=RequestStatus.IMPLEMENTED
        )
    message = exc.value.message_dict["status"][0]
    for status in (RequestStatus.RECEIVED, RequestStatus.IMPLEMENTED, RequestStatus.UNDER_STUDY):
        assert str(status.label) in message
    with pytest.raises(ValidationError) as exc:
        services.transition_request(actor=SYSTEM, council_request=council_request, expected_version=1, status="lost")
    assert "status" in exc.value.message_dict


def test_answer_required_to_answer(world: World, council_request: CouncilRequest) -> None:
    before = snapshot_request(council_request.pk)
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.transition_request(
            actor=SYSTEM, council_request=council_request, expected_version=1, status="accepted", answer="   "
        )
    assert "answer" in exc.value.message_dict
    assert snapshot_request(council_request.pk) == before
    assert AuditEvent.objects.count() == audit_before


def test_answering_sets_answered_on_and_audits(world: World, council_request: CouncilRequest) -> None:
    coordinator = actor(world, "coordinator")
    studied = services.transition_request(
        actor=coordinator, council_request=council_request, expected_version=1, status="under_study"
    )
    assert studied.answered_on is None
    answered = services.transition_request(
        actor=coordinator,
        council_request=studied,
        expected_version=2,
        status="partly_accepted",
        answer="  Sí, en parte. Pondremos un bebedero.  ",
    )
    assert answered.answered_on == timezone.localdate()
    assert answered.answer == "Sí, en parte. Pondremos un bebedero."
    assert answered.answered_on_time
    event = events(council_request)[-1]
    assert event.action == "request_answered" and event.actor_username == "coordinator.home"
    assert event.changes["status"] == ["under_study", "partly_accepted"]
    assert event.changes["answered_on"] == [None, timezone.localdate().isoformat()]
    implemented = services.transition_request(
        actor=coordinator, council_request=answered, expected_version=3, status="implemented"
    )
    assert implemented.implemented_on == timezone.localdate()
    assert implemented.answer == "Sí, en parte. Pondremos un bebedero."


def test_answer_date_checks(world: World, council_request: CouncilRequest) -> None:
    for on in (days_ago(-1), days_ago(30)):  # future; before it was received
        with pytest.raises(ValidationError) as exc:
            services.transition_request(
                actor=SYSTEM,
                council_request=council_request,
                expected_version=1,
                status="accepted",
                answer="Sí.",
                on=on,
            )
        assert "on" in exc.value.message_dict
    answered = services.transition_request(
        actor=SYSTEM,
        council_request=council_request,
        expected_version=1,
        status="accepted",
        answer="Sí.",
        on=days_ago(2),
    )
    with pytest.raises(ValidationError) as exc:
        services.transition_request(
            actor=SYSTEM, council_request=answered, expected_version=2, status="implemented", on=days_ago(4)
        )
    assert "on" in exc.value.message_dict


def test_unrouted_request_must_be_routed_before_moving(world: World, council: ChildrenCouncil) -> None:
    req = services.create_request(actor=SYSTEM, council=council, title="T", description="D", received_on=days_ago(1))
    with pytest.raises(ValidationError) as exc:
        services.transition_request(actor=SYSTEM, council_request=req, expected_version=1, status="under_study")
    assert "routed_area" in exc.value.message_dict


def test_transition_conflict(world: World, council_request: CouncilRequest) -> None:
    services.transition_request(actor=SYSTEM, council_request=council_request, expected_version=1, status="under_study")
    with pytest.raises(ConflictError):
        services.transition_request(
            actor=SYSTEM, council_request=council_request, expected_version=1, status="rejected", answer="No."
        )
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "under_study"


def test_answered_on_time_and_late(world: World, council: ChildrenCouncil) -> None:
    def answered(received: int, on: int) -> CouncilRequest:
        req = services.create_request(
            actor=SYSTEM,
            council=council,
            title="T",
            description="D",
            routed_area=world.area,
            received_on=days_ago(received),
        )
        return services.transition_request(
            actor=SYSTEM, council_request=req, expected_version=1, status="accepted", answer="Sí.", on=days_ago(on)
        )

    assert answered(received=40, on=10).answered_on_time  # due 10 days ago: answered on the day
    assert not answered(received=40, on=9).answered_on_time  # one day late


def test_update_request(world: World, council_request: CouncilRequest, education: Area) -> None:
    coordinator = actor(world, "coordinator")
    updated = services.update_request(
        actor=coordinator,
        council_request=council_request,
        expected_version=1,
        title="Agua para todos",
        routed_area=education,
    )
    assert updated.version == 2 and updated.routed_area == education
    changes = events(council_request)[-1].changes
    assert changes["title"] == ["Agua en las canchas", "Agua para todos"]
    assert changes["routed_area_id"] == [world.area.pk, education.pk]
    with pytest.raises(ConflictError):
        services.update_request(actor=coordinator, council_request=council_request, expected_version=1, title="X")
    with pytest.raises(ValueError, match="not editable"):
        services.update_request(actor=coordinator, council_request=council_request, expected_version=2, status="x")
    assert CouncilRequest.objects.get(pk=council_request.pk).title == "Agua para todos"


def test_answered_requests_keep_their_dates_and_answer(world: World, council_request: CouncilRequest) -> None:
    answered = services.transition_request(
        actor=SYSTEM, council_request=council_request, expected_version=1, status="accepted", answer="Sí."
    )
    with pytest.raises(ValidationError) as exc:
        services.update_request(
            actor=SYSTEM, council_request=answered, expected_version=2, due_on=days_ago(-100), answer=""
        )
    assert set(exc.value.message_dict) == {"due_on", "answer"}
    fixed = services.update_request(actor=SYSTEM, council_request=answered, expected_version=2, answer="¡Sí!")
    assert fixed.answer == "¡Sí!"


def test_overdue_with_time_machine(world: World, council: ChildrenCouncil) -> None:
    today = timezone.localdate()
    req = services.create_request(
        actor=SYSTEM, council=council, title="T", description="D", routed_area=world.area, received_on=today
    )
    assert not req.is_overdue
    with time_machine.travel(noon(today + dt.timedelta(days=30))):
        assert not CouncilRequest.objects.get(pk=req.pk).is_overdue  # due today: not yet overdue
        assert not CouncilRequest.objects.overdue().exists()
    with time_machine.travel(noon(today + dt.timedelta(days=31))):
        fresh = CouncilRequest.objects.get(pk=req.pk)
        assert fresh.is_overdue
        assert list(CouncilRequest.objects.overdue()) == [fresh]
        late = services.transition_request(
            actor=SYSTEM, council_request=fresh, expected_version=1, status="rejected", answer="No, lo sentimos."
        )
        assert not late.is_overdue and not late.answered_on_time
        assert not CouncilRequest.objects.overdue().exists()


# --- Domain events in the trail (issue #8 item 4) -----------------------------------------
def test_council_actions_are_registered_with_the_trail() -> None:
    assert all(audit_actions.known(value) for value in CouncilAction.values)
    with translation.override("en"):
        assert audit_actions.label("request_answered") == "Request answered"


def test_a_request_on_its_way_to_an_answer_leaves_domain_events(world: World, council_request: CouncilRequest) -> None:
    coordinator = actor(world, "coordinator")
    edited = services.update_request(
        actor=coordinator, council_request=council_request, expected_version=1, title="Un parque con sombra"
    )
    studied = services.transition_request(
        actor=coordinator, council_request=edited, expected_version=2, status="under_study"
    )
    answered = services.transition_request(
        actor=coordinator, council_request=studied, expected_version=3, status="accepted", answer="Sí, lo haremos."
    )
    services.transition_request(actor=coordinator, council_request=answered, expected_version=4, status="implemented")
    assert [e.action for e in events(council_request)][-4:] == [
        "update",
        "request_under_study",
        "request_answered",
        "request_implemented",
    ]
    assert events(council_request)[-1].changes["implemented_on"] == [None, timezone.localdate().isoformat()]


@pytest.mark.parametrize("status", ["rejected", "partly_accepted"])
def test_every_answer_is_the_same_domain_event(world: World, council_request: CouncilRequest, status: str) -> None:
    services.transition_request(
        actor=SYSTEM, council_request=council_request, expected_version=1, status=status, answer="Respuesta."
    )
    assert events(council_request)[-1].action == "request_answered"


def test_a_member_edit_that_is_not_leaving_stays_an_update(world: World, member: CouncilMember) -> None:
    coordinator = actor(world, "coordinator")
    services.update_member(actor=coordinator, member=member, expected_version=1, age_band=CouncilAgeBand.AGE_13_15)
    event = events(member)[-1]
    assert event.action == "update" and event.changes == {"age_band": ["10-12", "13-15"]}


JARGON_ANSWER = "La DIS del GAD coordinará con el MSP y el MINEDUC las acciones conforme al POA."


def test_an_answer_with_warnings_is_published_only_when_confirmed(
    world: World, council_request: CouncilRequest
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.transition_request(
            actor=SYSTEM, council_request=council_request, expected_version=1, status="accepted", answer=JARGON_ANSWER
        )
    assert any("MINEDUC" in m for m in refused.value.message_dict["answer"])
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "received"
    # A draft answer under study is not public: no check yet.
    studied = services.transition_request(
        actor=SYSTEM, council_request=council_request, expected_version=1, status="under_study", answer=JARGON_ANSWER
    )
    answered = services.transition_request(
        actor=SYSTEM,
        council_request=studied,
        expected_version=2,
        status="accepted",
        answer=JARGON_ANSWER,
        confirm_answer=True,
    )
    assert answered.status == "accepted" and answered.answer == JARGON_ANSWER
    # Implementing keeps the published answer: nothing new goes public.
    implemented = services.transition_request(
        actor=SYSTEM, council_request=answered, expected_version=3, status="implemented"
    )
    assert implemented.status == "implemented"


def test_a_new_published_answer_is_checked_on_edit(world: World, council_request: CouncilRequest) -> None:
    answered = services.transition_request(
        actor=SYSTEM, council_request=council_request, expected_version=1, status="accepted", answer="¡Sí!"
    )
    with pytest.raises(ValidationError):
        services.update_request(actor=SYSTEM, council_request=answered, expected_version=2, answer=JARGON_ANSWER)
    assert CouncilRequest.objects.get(pk=council_request.pk).answer == "¡Sí!"
    fixed = services.update_request(
        actor=SYSTEM, council_request=answered, expected_version=2, answer=JARGON_ANSWER, confirm_answer=True
    )
    assert fixed.answer == JARGON_ANSWER
