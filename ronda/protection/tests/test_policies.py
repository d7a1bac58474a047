"""Who sees and works on which protection file (decision 0026), through the policies the pages and
services ask: the state office sees the state's files, a municipal office its own, the away users
and the roles without personal data nothing, an administrator only inside break-glass and read only,
an institution's focal point only their institution's plan actions. Every read is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ronda.accounts.models import User
from ronda.accounts.selectors import active_memberships
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.core.tenancy import actor_for
from ronda.protection import policies
from ronda.protection.models import DiagnosisArea, FileClosingReason, ProtectionFile, Sector
from ronda.protection.services import files
from ronda.protection.tests.factories import TODAY, PWorld, act, approved, make_child, make_file, protection_world
from ronda.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


@pytest.fixture
def two_files(pw: PWorld) -> tuple[ProtectionFile, ProtectionFile]:
    municipal = make_file(pw)
    state = make_file(pw, child=make_child(pw.world, first_names="Mateo", sex="male"), office=pw.state_office)
    return municipal, state


def _mark() -> int:
    """The last access event so far (the trail cannot be deleted: tests count what comes after)."""
    last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def _accesses(file: ProtectionFile, user: User, mark: int = 0) -> int:
    return AccessEvent.objects.filter(
        id__gt=mark, target_type="protection.protectionfile", target_id=str(file.pk), actor=user
    ).count()


def test_state_office_sees_the_states_files_and_a_municipal_office_its_own(
    pw: PWorld, two_files: tuple[ProtectionFile, ProtectionFile]
) -> None:
    municipal, state = two_files
    for user in (pw.state_officer, pw.state_supervisor):
        assert set(policies.visible_files(act(user))) == {municipal, state}
        assert policies.can_work_on_file(act(user), municipal)
    for user in (pw.officer, pw.supervisor):
        assert set(policies.visible_files(act(user))) == {municipal}
        assert not policies.can_work_on_file(act(user), state)
        with pytest.raises(Http404):
            policies.get_file(act(user), state.pk)
    assert policies.can_supervise_file(act(pw.state_supervisor), municipal)
    assert not policies.can_supervise_file(act(pw.state_officer), municipal)
    assert not policies.can_supervise_file(act(pw.supervisor), state)


def test_every_file_shown_is_logged(pw: PWorld, two_files: tuple[ProtectionFile, ProtectionFile]) -> None:
    municipal, state = two_files
    mark = _mark()
    shown = policies.list_files(act(pw.state_officer), policies.FileFilters())
    assert set(shown) == {municipal, state}
    assert (_accesses(municipal, pw.state_officer, mark), _accesses(state, pw.state_officer, mark)) == (1, 1)
    assert policies.get_file(act(pw.officer), municipal.pk) == municipal
    assert _accesses(municipal, pw.officer, mark) == 1
    # A refused opening logs nothing.
    with pytest.raises(Http404):
        policies.get_file(act(pw.officer), state.pk)
    assert _accesses(state, pw.officer, mark) == 0


def test_away_users_see_nothing(pw: PWorld, two_files: tuple[ProtectionFile, ProtectionFile]) -> None:
    mark = _mark()
    for role, user in pw.world.away.items():
        actor = act(user)
        assert not policies.visible_files(actor).exists(), role
        for file in two_files:
            with pytest.raises(Http404):
                policies.get_file(actor, file.pk)
            assert not policies.can_work_on_file(actor, file)
    away_officer = act(pw.world.away[Role.PROTECTION_OFFICER])
    with pytest.raises(PermissionDenied):
        files.record_diagnosis(actor=away_officer, file=two_files[0], area=DiagnosisArea.HEALTH, findings="Sana.")
    assert not AccessEvent.objects.filter(id__gt=mark).exists()


@pytest.mark.parametrize(
    "role", [Role.ANALYST, Role.COORDINATOR, Role.SECRETARIAT, Role.DEFENDER, Role.AREA_FOCAL, Role.ADMIN]
)
def test_roles_without_the_files_see_nothing(
    pw: PWorld, two_files: tuple[ProtectionFile, ProtectionFile], role: str
) -> None:
    actor = act(pw.world.home[role])
    assert not policies.visible_files(actor).exists()
    assert policies.list_files(actor, policies.FileFilters()) == []
    for file in two_files:
        with pytest.raises(Http404):
            policies.get_file(actor, file.pk)
    assert not AccessEvent.objects.filter(actor=pw.world.home[role]).exists()


def test_without_the_second_factor_an_officer_sees_nothing(
    pw: PWorld, two_files: tuple[ProtectionFile, ProtectionFile]
) -> None:
    actor = act(pw.state_officer, second_factor=False)
    assert not policies.visible_files(actor).exists()
    assert not policies.can_work_on_file(actor, two_files[0])
    child = make_child(pw.world, first_names="Ana")
    with pytest.raises(PermissionDenied):
        files.open_file(actor=actor, child=child, office=pw.state_office, intake_source="police")
    assert not ProtectionFile.objects.filter(child=child).exists()


def test_admin_reads_only_inside_break_glass_and_never_writes(
    pw: PWorld, two_files: tuple[ProtectionFile, ProtectionFile]
) -> None:
    municipal, state = two_files
    admin = pw.world.home[Role.ADMIN]
    assert not policies.visible_files(act(admin)).exists()
    grant = actor_for(
        admin, active_memberships(admin)[0], second_factor=True, break_glass_paths=(pw.world.municipality.path,)
    )
    assert set(policies.visible_files(grant)) == {municipal}
    assert policies.get_file(grant, municipal.pk) == municipal
    event = AccessEvent.objects.get(target_type="protection.protectionfile", target_id=str(municipal.pk), actor=admin)
    assert event.break_glass
    with pytest.raises(Http404):
        policies.get_file(grant, state.pk)  # the grant is the municipality's; the state office sits above it
    with pytest.raises(Http404):
        policies.get_file_for_work(grant, municipal.pk)
    assert not policies.can_work_on_file(grant, municipal)
    with pytest.raises(PermissionDenied):
        files.record_diagnosis(actor=grant, file=municipal, area=DiagnosisArea.HEALTH, findings="Sana.")
    with pytest.raises(PermissionDenied):
        files.close_file(actor=grant, file=municipal, reason=FileClosingReason.OTHER, note="Cierre.")
    municipal.refresh_from_db()
    assert municipal.is_open and not municipal.diagnosis.exists()


def test_offices_an_officer_may_hold_files_for(pw: PWorld) -> None:
    municipal_offices = {pw.municipal_office, pw.world.institution}
    assert set(policies.offices_for(act(pw.officer))) == municipal_offices
    assert set(policies.offices_for(act(pw.state_officer))) == municipal_offices | {pw.state_office}
    assert not policies.offices_for(act(pw.world.home[Role.COORDINATOR])).exists()


def test_the_sector_focal_point_sees_only_their_institutions_actions(
    pw: PWorld, two_files: tuple[ProtectionFile, ProtectionFile]
) -> None:
    municipal, state = two_files
    officer, state_officer = act(pw.officer), act(pw.state_officer)
    due = TODAY + dt.timedelta(days=15)
    plan = files.save_plan(actor=officer, file=municipal, objective="Restituir la salud.")
    health = files.add_action(
        actor=officer,
        plan=plan,
        sector=Sector.HEALTH,
        description="Valoración pediátrica.",
        owner="Centro de Salud A",
        due_on=due,
        institution=pw.health_institution,
    )
    school = files.add_action(
        actor=officer,
        plan=plan,
        sector=Sector.EDUCATION,
        description="Inscripción escolar.",
        owner="Escuela",
        due_on=due,
        institution=pw.world.institution,
    )
    state_plan = files.save_plan(actor=state_officer, file=state, objective="Restituir la salud.")
    state_health = files.add_action(
        actor=state_officer,
        plan=state_plan,
        sector=Sector.HEALTH,
        description="Consulta de psicología.",
        owner="Centro de Salud A",
        due_on=due,
        institution=pw.health_institution,
    )
    focal = act(pw.health_focal)
    # A draft is the office's working document: its actions reach no sector yet.
    assert not policies.visible_sector_actions(focal).exists()
    approved(plan)
    approved(state_plan)
    health.refresh_from_db()
    state_health.refresh_from_db()
    mark = _mark()
    # Both files' children live in the focal point's municipality: their institution's actions on both.
    assert set(policies.visible_sector_actions(focal)) == {health, state_health}
    shown = policies.list_sector_actions(focal)
    assert set(shown) == {health, state_health}
    logged = AccessEvent.objects.filter(id__gt=mark, actor=pw.health_focal, purpose=policies.SECTOR_ACTION_PURPOSE)
    assert sorted(e.target_id for e in logged) == sorted([str(health.pk), str(state_health.pk)])
    assert policies.get_sector_action(focal, health.pk) == health
    with pytest.raises(Http404):
        policies.get_sector_action(focal, school.pk)
    for file in two_files:
        with pytest.raises(Http404):
            policies.get_file(focal, file.pk)
    assert not AccessEvent.objects.filter(actor=pw.health_focal, target_type="protection.protectionfile").exists()
    # Once the file closes, its actions leave the focal point's list.
    files.close_file(actor=officer, file=municipal, reason=FileClosingReason.RIGHTS_RESTORED, note="")
    assert set(policies.visible_sector_actions(focal)) == {state_health}
    # Officers are not focal points: their view is the file's.
    assert not policies.visible_sector_actions(officer).exists()


def test_the_parts_of_a_file_are_checked_again_for_another_reader(
    pw: PWorld, two_files: tuple[ProtectionFile, ProtectionFile], django_assert_num_queries: object
) -> None:
    """``parts_of`` trusts only the actor object that read the file through its own scope; a file
    object read by the state office and handed to a municipal officer is refused (404)."""
    _municipal, state = two_files
    state_officer = act(pw.state_officer)
    file = policies.get_file(state_officer, state.pk)
    with django_assert_num_queries(0):  # type: ignore[operator]
        policies.parts_of(state_officer, file)  # the same reader: checked when it was read
    with pytest.raises(Http404):
        policies.parts_of(act(pw.officer), file)
    with pytest.raises(Http404):
        policies.parts_of(act(pw.officer), ProtectionFile.objects.get(pk=state.pk))
    supervisor = act(pw.state_supervisor)
    with django_assert_num_queries(1):  # type: ignore[operator]
        policies.parts_of(supervisor, file)  # another reader in scope: one query


def test_a_files_events_are_filed_at_the_seat_of_its_office_read_with_the_file(
    pw: PWorld, two_files: tuple[ProtectionFile, ProtectionFile], django_assert_num_queries: object
) -> None:
    _municipal, state = two_files
    mark = _mark()
    file = policies.get_file(act(pw.state_officer), state.pk)
    assert policies.trail_unit(file) == pw.state_office.org_unit
    event = AccessEvent.objects.get(id__gt=mark, target_id=str(state.pk))
    assert event.org_unit_path == pw.state_office.org_unit.path
    # A file read without its office costs one query for the seat, and the same seat.
    bare = ProtectionFile.objects.get(pk=state.pk)
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert policies.trail_unit(bare) == pw.state_office.org_unit
