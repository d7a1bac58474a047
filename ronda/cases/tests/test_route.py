"""The case route's services: transitions, closure, reopening, reassignment, transfers, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from ronda.cases import policies_cases, route
from ronda.cases.models import (
    Case,
    CaseAction,
    CaseAssignment,
    CaseEvent,
    CaseEventKind,
    CaseState,
    CaseViolation,
)
from ronda.cases.tests.factories import TODAY, act, make_case, make_child, taxonomy
from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.territory.models import Institution, InstitutionKind, Level
from ronda.testing import World, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


def _defender(world: World):  # type: ignore[no-untyped-def]
    return act(world.home[Role.DEFENDER])


def _supervisor(world: World):  # type: ignore[no-untyped-def]
    return act(world.home[Role.SUPERVISOR])


def _move(world: World, case: Case, to: str, *, by=None, **kw):  # type: ignore[no-untyped-def]
    case.refresh_from_db()
    return route.move_case(actor=by or _defender(world), case=case, expected_version=case.version, to_state=to, **kw)


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- Transitions ----------------------------------------------------------------------------
def test_forward_one_step_at_a_time_is_recorded(world: World) -> None:
    case = make_case(world)
    for state in (CaseState.VISITS, CaseState.MEDIATION, CaseState.REFERRAL, CaseState.FOLLOW_UP):
        case = _move(world, case, state)
        assert case.state == state
    moves = CaseEvent.objects.filter(case=case, kind=CaseEventKind.MOVED).order_by("id")
    assert [e.to_state for e in moves] == ["visits", "mediation", "referral", "follow_up"]
    assert all(e.actor == world.home[Role.DEFENDER] and not e.skipped for e in moves)
    assert AuditEvent.objects.filter(action=CaseAction.CASE_MOVED, target_id=str(case.pk)).count() == 4


def test_a_skip_needs_a_reason_and_records_the_steps_skipped(world: World) -> None:
    case = make_case(world)
    with pytest.raises(ValidationError) as exc:
        _move(world, case, CaseState.REFERRAL)
    assert set(_messages(exc)) == {"reason"}
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.MOVED).exists()
    case = _move(world, case, CaseState.REFERRAL, reason="Violencia física: derivación inmediata a la Junta")
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.MOVED)
    assert event.skipped == ["visits", "mediation"] and event.reason.startswith("Violencia")


def test_going_back_needs_a_reason(world: World) -> None:
    case = _move(world, make_case(world), CaseState.VISITS)
    with pytest.raises(ValidationError) as exc:
        _move(world, case, CaseState.REGISTERED)
    assert "reason" in _messages(exc)
    case = _move(world, case, CaseState.REGISTERED, reason="Faltan datos del registro")
    assert case.state == CaseState.REGISTERED


def test_refused_moves(world: World) -> None:
    case = make_case(world)
    for to, field in ((CaseState.REGISTERED, "to_state"), ("nowhere", "to_state")):
        with pytest.raises(ValidationError) as exc:
            _move(world, case, to, reason="x")
        assert field in _messages(exc)
    # Someone who does not work on the case may not move it.
    with pytest.raises(PermissionDenied):
        _move(world, case, CaseState.VISITS, by=act(world.away[Role.DEFENDER]))
    colleague = make_user("defensor.dos", Role.DEFENDER, world.community)
    with pytest.raises(PermissionDenied):
        _move(world, case, CaseState.VISITS, by=act(colleague))


def test_a_stale_version_is_a_conflict(world: World) -> None:
    case = make_case(world)
    stale = case.version
    _move(world, case, CaseState.VISITS)
    with pytest.raises(ConflictError):
        route.move_case(actor=_defender(world), case=case, expected_version=stale, to_state=CaseState.MEDIATION)
    with pytest.raises(ConflictError):
        route.update_case(actor=_defender(world), case=case, expected_version=stale, risk="high")


# --- Closure ---------------------------------------------------------------------------------
def test_closing_needs_a_reason_from_the_list(world: World) -> None:
    case = make_case(world)
    for reason, note, field in (
        ("", "", "closing_reason"),
        ("because", "", "closing_reason"),
        ("other", "", "closing_note"),
        ("transferred", "", "closing_reason"),
    ):
        with pytest.raises(ValidationError) as exc:
            _move(world, case, CaseState.CLOSED, by=_supervisor(world), closing_reason=reason, closing_note=note)
        assert field in _messages(exc), reason
    case = _move(
        world, case, CaseState.CLOSED, by=_supervisor(world), closing_reason="other", closing_note="Caso de prueba"
    )
    assert case.state == CaseState.CLOSED and case.closed_on == TODAY and case.closing_reason == "other"
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.CLOSED)
    assert event.skipped == ["visits", "mediation", "referral", "follow_up"]
    assert AuditEvent.objects.get(action=CaseAction.CASE_CLOSED).changes["closing_note"][1] == "[redacted]"


def test_a_defender_asks_and_the_supervisor_approves(world: World) -> None:
    case = _move(world, make_case(world), CaseState.VISITS)
    case = _move(world, case, CaseState.CLOSED, closing_reason="not_confirmed")
    assert case.state == CaseState.VISITS and case.closure_requested_by == world.home[Role.DEFENDER]
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.CLOSURE_REQUESTED).exists()
    # While it waits, nobody moves it elsewhere, and the defender cannot decide it.
    with pytest.raises(ValidationError):
        _move(world, case, CaseState.MEDIATION)
    with pytest.raises(PermissionDenied):
        route.decide_closure(actor=_defender(world), case=case, approve=True)
    case = route.decide_closure(actor=_supervisor(world), case=case, approve=True)
    assert case.state == CaseState.CLOSED and case.closing_reason == "not_confirmed"
    assert case.closure_requested_at is None
    assert AuditEvent.objects.filter(action=CaseAction.CASE_CLOSED, target_id=str(case.pk)).exists()


def test_the_supervisor_returns_a_closure_with_a_comment(world: World) -> None:
    case = _move(world, make_case(world), CaseState.CLOSED, closing_reason="restored")
    with pytest.raises(ValidationError) as exc:
        route.decide_closure(actor=_supervisor(world), case=case, approve=False)
    assert "comment" in _messages(exc)
    case = route.decide_closure(actor=_supervisor(world), case=case, approve=False, comment="Falta la visita")
    assert case.state == CaseState.REGISTERED and case.closure_requested_at is None and not case.closing_reason
    assert CaseEvent.objects.get(case=case, kind=CaseEventKind.CLOSURE_RETURNED).reason == "Falta la visita"
    with pytest.raises(ValidationError):
        route.decide_closure(actor=_supervisor(world), case=case, approve=True)


def test_reopening_is_recorded(world: World) -> None:
    case = _move(world, make_case(world), CaseState.CLOSED, by=_supervisor(world), closing_reason="restored")
    with pytest.raises(ValidationError) as exc:
        route.reopen_case(actor=_defender(world), case=case, reason="  ")
    assert "reason" in _messages(exc)
    with pytest.raises(ValidationError):
        route.reopen_case(actor=_defender(world), case=case, reason="Nueva denuncia", to_state="closed")
    case = route.reopen_case(actor=_defender(world), case=case, reason="Nueva denuncia de la escuela")
    assert case.state == CaseState.FOLLOW_UP and case.closed_on is None and not case.closing_reason
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.REOPENED)
    assert (event.from_state, event.to_state) == ("closed", "follow_up")
    with pytest.raises(ValidationError):
        route.reopen_case(actor=_defender(world), case=case, reason="Otra vez")
    # A closed case is not moved nor edited: it is reopened first.
    closed = _move(world, make_case(world), CaseState.CLOSED, by=_supervisor(world), closing_reason="restored")
    with pytest.raises(ValidationError):
        _move(world, closed, CaseState.VISITS, reason="x")


# --- Editing and bad input ---------------------------------------------------------------------
def test_update_case_checks_everything_at_once(world: World) -> None:
    case = make_case(world)
    with pytest.raises(ValidationError) as exc:
        route.update_case(
            actor=_defender(world),
            case=case,
            expected_version=case.version,
            facts_date=TODAY + dt.timedelta(days=1),
            violation_type_ids=[],
            reporter_type="anonymous",
            reporter_name="Rosa",
            description=" ",
        )
    assert set(_messages(exc)) == {"facts_date", "violation_types", "reporter_name", "description"}
    case.refresh_from_db()
    assert case.version == 1 and case.description.startswith("Una vecina")


def test_update_case_changes_the_types_and_keeps_deadlines(world: World) -> None:
    codes = taxonomy(world.country)
    case = make_case(world, types=("physical",))
    due = CaseViolation.objects.get(case=case).referral_due_at
    case = route.update_case(
        actor=_defender(world),
        case=case,
        expected_version=case.version,
        risk="high",
        violation_type_ids=[codes["physical"].pk, codes["neglect"].pk],
    )
    assert case.risk == "high" and case.version == 2
    assert CaseViolation.objects.get(case=case, violation_type=codes["physical"]).referral_due_at == due
    assert CaseViolation.objects.filter(case=case).count() == 2
    update = AuditEvent.objects.filter(target_id=str(case.pk), action="update").get()
    assert update.changes["violation_types"][1] == sorted([codes["physical"].pk, codes["neglect"].pk])


def test_only_a_supervisor_lifts_sensitivity(world: World) -> None:
    case = make_case(world, sensitive=True)
    with pytest.raises(ValidationError) as exc:
        route.update_case(actor=_defender(world), case=case, expected_version=case.version, sensitive=False)
    assert "sensitive" in _messages(exc)
    case = route.update_case(actor=_supervisor(world), case=case, expected_version=case.version, sensitive=False)
    assert not case.sensitive
    sexual = make_case(world, types=("sexual",))
    assert sexual.sensitive
    with pytest.raises(ValidationError):
        route.update_case(actor=_supervisor(world), case=sexual, expected_version=sexual.version, sensitive=False)


def test_opening_refuses_bad_input(world: World) -> None:
    child = make_child(world)
    with pytest.raises(ValidationError) as exc:
        make_case(
            world,
            child=child,
            types=(),
            facts_date=TODAY + dt.timedelta(days=2),
            reporter_type="anonymous",
            reporter_contact="0991234567",
        )
    assert set(_messages(exc)) == {"violation_types", "facts_date", "reporter_name"}
    with pytest.raises(ValidationError) as exc:
        make_case(world, child=child, registered_on=TODAY + dt.timedelta(days=1))
    assert "registered_on" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        make_case(
            world, child=child, registered_on=TODAY - dt.timedelta(days=10), facts_date=TODAY - dt.timedelta(days=5)
        )
    assert "facts_date" in _messages(exc)
    assert not Case.objects.exists()


# --- Assignment and reassignment -------------------------------------------------------------------
def test_reassign_up_to_a_hundred(world: World) -> None:
    first, second = make_case(world), make_case(world)
    colleague = make_user("defensor.dos", Role.DEFENDER, world.community)
    with pytest.raises(PermissionDenied):
        route.reassign_cases(actor=_defender(world), cases=[first], owner=colleague, reason="Vacaciones")
    with pytest.raises(ValidationError) as exc:
        route.reassign_cases(actor=_supervisor(world), cases=[first], owner=world.away[Role.DEFENDER], reason="x")
    assert "owner" in _messages(exc)
    changed = route.reassign_cases(
        actor=_supervisor(world), cases=[first, second], owner=colleague, reason="Vacaciones de la defensora"
    )
    assert changed == 2
    assert set(Case.objects.values_list("owner", flat=True)) == {colleague.pk}
    assert CaseEvent.objects.filter(kind=CaseEventKind.REASSIGNED).count() == 2
    assert AuditEvent.objects.filter(action=CaseAction.CASE_ASSIGNED).count() == 2


def test_reassigning_more_than_a_hundred_is_refused(world: World) -> None:
    case = make_case(world)
    many = [case] + [Case(pk=case.pk + i) for i in range(1, 101)]
    with pytest.raises(ValidationError) as exc:
        route.reassign_cases(actor=_supervisor(world), cases=many, owner=world.home[Role.SUPERVISOR], reason="Todos")
    assert "at most 100 cases" in _messages(exc)["cases"][0]
    with pytest.raises(ValidationError):
        route.reassign_cases(actor=_supervisor(world), cases=[], owner=world.home[Role.SUPERVISOR], reason="Nada")
    case.refresh_from_db()
    assert case.owner == world.home[Role.DEFENDER]


def test_assign_and_unassign(world: World) -> None:
    case = make_case(world)
    colleague = make_user("defensor.dos", Role.DEFENDER, world.community)
    with pytest.raises(ValidationError):
        route.assign_user(actor=_defender(world), case=case, user=world.away[Role.DEFENDER])
    with pytest.raises(ValidationError):
        route.assign_user(actor=_defender(world), case=case, user=world.home[Role.DEFENDER])
    route.assign_user(actor=_defender(world), case=case, user=colleague)
    assert CaseAssignment.objects.filter(case=case, user=colleague).exists()
    # An assigned defender works on the case but does not say who else does.
    with pytest.raises(PermissionDenied):
        route.unassign_user(actor=act(colleague), case=case, user=colleague)
    route.unassign_user(actor=_supervisor(world), case=case, user=colleague)
    assert not CaseAssignment.objects.exists()
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[-2:] == ["assigned", "unassigned"]
    with pytest.raises(ValidationError):
        route.unassign_user(actor=_supervisor(world), case=case, user=colleague)


# --- Transfers ---------------------------------------------------------------------------------
def test_transfer_to_another_community(world: World) -> None:
    case = make_case(world)
    other = make_unit("A-M-C2", Level.COMMUNITY, world.municipality, "Comunidad A2")
    there = make_user("defensor.alli", Role.DEFENDER, other)
    with pytest.raises(PermissionDenied):
        route.transfer_case(
            actor=_defender(world), case=case, expected_version=case.version, community=other, owner=there, reason="x"
        )
    with pytest.raises(ValidationError) as exc:
        route.transfer_case(
            actor=_supervisor(world),
            case=case,
            expected_version=case.version,
            community=other,
            owner=world.home[Role.DEFENDER],
            reason="La familia se mudó",
        )
    assert "owner" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        route.transfer_case(
            actor=_supervisor(world),
            case=case,
            expected_version=case.version,
            community=world.other_community,
            owner=there,
            reason="La familia se mudó",
        )
    assert "community" in _messages(exc)
    case = route.transfer_case(
        actor=_supervisor(world),
        case=case,
        expected_version=case.version,
        community=other,
        owner=there,
        reason="Mudanza",
    )
    assert case.community == other and case.owner == there
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.TRANSFERRED)
    assert event.details["to_community"] == other.pk and event.details["from_owner"] == world.home[Role.DEFENDER].pk


def test_transfer_to_protection_needs_consent_or_a_supervisor_override(world: World) -> None:
    case = make_case(world)
    board = world.institution  # the municipality's Junta, a protection board with jurisdiction there
    school = Institution.objects.create(name="Escuela", kind=InstitutionKind.EDUCATION, org_unit=world.municipality)
    school.jurisdiction.set([world.municipality])

    def transfer(actor, **kw):  # type: ignore[no-untyped-def]
        case.refresh_from_db()
        values = {"institution": board, "reason": "Medida de protección", "consent_to_sharing": False, **kw}
        return route.transfer_to_protection(actor=actor, case=case, expected_version=case.version, **values)

    with pytest.raises(ValidationError) as exc:
        transfer(_defender(world))
    assert "consent_to_sharing" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        transfer(_supervisor(world), override_reason="corto")
    assert "override_reason" in _messages(exc)
    for institution in (school, world.other_institution):
        with pytest.raises(ValidationError) as exc:
            transfer(_defender(world), institution=institution, consent_to_sharing=True, consent_given_by="caregiver")
        assert "institution" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        transfer(_defender(world), consent_to_sharing=True)
    assert "consent_given_by" in _messages(exc)
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED
    closed = transfer(_defender(world), consent_to_sharing=True, consent_given_by="caregiver")
    assert (
        closed.state == CaseState.CLOSED and closed.closing_reason == "transferred" and closed.transferred_to == board
    )
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.TRANSFERRED)
    assert event.details["consent_given_by"] == "caregiver" and event.details["institution"] == board.pk


def test_a_supervisor_transfers_without_consent_with_a_recorded_reason(world: World) -> None:
    case = make_case(world)
    closed = route.transfer_to_protection(
        actor=_supervisor(world),
        case=case,
        expected_version=case.version,
        institution=world.institution,
        reason="Riesgo alto",
        consent_to_sharing=False,
        override_reason="La madre es la presunta agresora y se niega",
    )
    assert closed.transferred_to == world.institution
    override = AuditEvent.objects.get(action=CaseAction.CONSENT_OVERRIDDEN)
    assert "agresora" not in str(override.changes)
    assert "agresora" in CaseEvent.objects.get(kind=CaseEventKind.TRANSFERRED).details["consent_override_reason"]


def test_a_late_registered_case_counts_its_referral_deadline_from_the_day_it_was_registered(world: World) -> None:
    """A paper record entered a week late: its 72-hour referral to the protection board is overdue already."""
    registered = TODAY - dt.timedelta(days=7)
    case = make_case(world, types=("physical",), registered_on=registered, facts_date=registered)
    due = case.violations.get().referral_due_at
    start = timezone.make_aware(dt.datetime.combine(registered, dt.time.min))
    assert due == start + dt.timedelta(hours=72)
    actor = act(world.home[Role.SUPERVISOR])
    assert list(policies_cases.overdue_referral_obligations(actor)) == [case.violations.get()]
    today_case = make_case(world, types=("physical",))
    assert today_case.violations.get().referral_due_at > timezone.now() + dt.timedelta(hours=71)
