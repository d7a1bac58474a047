from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.defenders import services
from ronda.defenders.models import (
    Activity,
    ActivityStatus,
    Attendance,
    Component,
    Defender,
    DefendersAction,
    Defensoria,
    Event,
    EventKind,
    WorkPlan,
)
from ronda.defenders.tests.conftest import DEFENDER_NAME, this_year_day
from ronda.testing import World

pytestmark = pytest.mark.django_db


def as_actor(world: World, role: str, *, away: bool = False) -> Actor:
    user = (world.away if away else world.home)[role]
    return actor_for(user, user.memberships.first())


def test_create_defensoria_audited_and_only_in_a_community(world: World) -> None:
    supervisor = as_actor(world, "supervisor")
    defensoria = services.create_defensoria(actor=supervisor, community=world.community, name=" Defensoría A ")
    assert defensoria.name == "Defensoría A"
    event = AuditEvent.objects.get(target_type="defenders.defensoria", target_id=str(defensoria.pk))
    assert event.action == "create"
    with pytest.raises(ValidationError) as exc:
        services.create_defensoria(actor=SYSTEM, community=world.community, name="Otra")
    assert "community" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.create_defensoria(actor=SYSTEM, community=world.municipality, name="Municipal")


def test_only_the_supervisor_of_the_municipality_opens_a_defensoria(world: World) -> None:
    for role, away in (("defender", False), ("coordinator", False), ("admin", False), ("supervisor", True)):
        with pytest.raises(PermissionDenied):
            services.create_defensoria(actor=as_actor(world, role, away=away), community=world.community, name="X")
    assert not Defensoria.objects.exists()


def test_defender_edits_own_defensoria_with_version_check(world: World, defensoria: Defensoria) -> None:
    defender = as_actor(world, "defender")
    updated = services.update_defensoria(
        actor=defender, defensoria=defensoria, expected_version=1, opening_hours="Domingos 10:00"
    )
    assert updated.version == 2 and updated.opening_hours == "Domingos 10:00"
    with pytest.raises(ConflictError):
        services.update_defensoria(actor=defender, defensoria=defensoria, expected_version=1, name="Tarde")
    assert Defensoria.objects.get(pk=defensoria.pk).name == "Defensoría Comunitaria A"


def test_readers_and_strangers_cannot_edit(world: World, defensoria: Defensoria) -> None:
    for role, away in (("coordinator", False), ("analyst", False), ("admin", False), ("defender", True)):
        with pytest.raises(PermissionDenied):
            services.update_defensoria(
                actor=as_actor(world, role, away=away), defensoria=defensoria, expected_version=1, name="X"
            )
    assert Defensoria.objects.get(pk=defensoria.pk).version == 1


def test_defender_name_and_phone_never_enter_the_trail(defender: Defender) -> None:
    event = AuditEvent.objects.get(target_type="defenders.defender", target_id=str(defender.pk))
    text = str(event.changes) + event.target_repr
    assert DEFENDER_NAME not in text and "0991234567" not in text
    assert event.changes["full_name"][1] == "[redacted]"


def test_defender_dates_checked(defensoria: Defensoria) -> None:
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        services.add_defender(
            actor=SYSTEM, defensoria=defensoria, full_name="", sex="x", since=future, until=future - dt.timedelta(9)
        )
    assert set(exc.value.message_dict) == {"full_name", "sex", "since", "until"}
    assert not Defender.objects.exists()


def test_training_hours_and_date(defender: Defender) -> None:
    training = services.add_training(
        actor=SYSTEM, defender=defender, name="Rutas de protección", taken_on=this_year_day(), hours=8
    )
    assert training.hours == 8
    with pytest.raises(ValidationError) as exc:
        services.add_training(
            actor=SYSTEM, defender=defender, name="X", taken_on=timezone.localdate() + dt.timedelta(1), hours=0
        )
    assert set(exc.value.message_dict) == {"taken_on", "hours"}


def test_one_plan_per_year(defensoria: Defensoria, plan: WorkPlan) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_plan(actor=SYSTEM, defensoria=defensoria, year=plan.year)
    assert "year" in exc.value.message_dict


def test_activity_date_inside_the_plan_year(plan: WorkPlan) -> None:
    with pytest.raises(ValidationError) as exc:
        services.add_activity(
            actor=SYSTEM, plan=plan, component=Component.HEALTH, title="Feria", planned_on=dt.date(plan.year + 1, 2, 1)
        )
    assert "planned_on" in exc.value.message_dict
    assert not Activity.objects.exists()


def test_activity_cancelled_needs_a_reason_and_is_audited(world: World, activity: Activity) -> None:
    defender = as_actor(world, "defender")
    with pytest.raises(ValidationError) as exc:
        services.update_activity(actor=defender, activity=activity, expected_version=1, status=ActivityStatus.CANCELLED)
    assert "cancel_reason" in exc.value.message_dict
    cancelled = services.update_activity(
        actor=defender, activity=activity, expected_version=1, status=ActivityStatus.CANCELLED, cancel_reason="Lluvias"
    )
    assert cancelled.status == "cancelled" and cancelled.version == 2
    assert AuditEvent.objects.filter(action=DefendersAction.ACTIVITY_CANCELLED, target_id=str(activity.pk)).exists()
    done = services.update_activity(actor=defender, activity=activity, expected_version=2, status=ActivityStatus.DONE)
    assert done.cancel_reason == ""
    assert AuditEvent.objects.filter(action=DefendersAction.ACTIVITY_DONE, target_id=str(activity.pk)).exists()


def test_activity_in_the_future_cannot_be_done(plan: WorkPlan) -> None:
    # Mid-June of the plan's year, so that a later day of the same year exists.
    with time_machine.travel(dt.datetime(plan.year, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        later = timezone.localdate() + dt.timedelta(days=1)
        activity = services.add_activity(
            actor=SYSTEM, plan=plan, component=Component.COMMUNICATION, title="Radio", planned_on=later
        )
        with pytest.raises(ValidationError) as exc:
            services.update_activity(actor=SYSTEM, activity=activity, expected_version=1, status=ActivityStatus.DONE)
    assert "status" in exc.value.message_dict


def test_event_with_attendance_grid(event: Event) -> None:
    cells = {(a.sex, a.age_band): a.count for a in Attendance.objects.filter(event=event)}
    assert cells == {("f", "6-11"): 7, ("m", "6-11"): 5, ("f", "18+"): 4}
    created = AuditEvent.objects.get(target_type="defenders.event", target_id=str(event.pk), action="create")
    assert created.changes["attendance"][1] == {"f 6-11": 7, "m 6-11": 5, "f 18+": 4}


def test_event_in_the_future_cannot_be_held(defensoria: Defensoria) -> None:
    future = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as exc:
        services.record_event(
            actor=SYSTEM,
            defensoria=defensoria,
            kind=EventKind.WALK,
            title="Caminata",
            held_on=future,
            component=Component.COMMUNICATION,
            held=True,
        )
    assert "held_on" in exc.value.message_dict
    planned = services.record_event(
        actor=SYSTEM,
        defensoria=defensoria,
        kind=EventKind.WALK,
        title="Caminata",
        held_on=future,
        component=Component.COMMUNICATION,
    )
    with pytest.raises(ValidationError):
        services.update_event(actor=SYSTEM, event=planned, expected_version=1, held=True)
    assert Event.objects.get(pk=planned.pk).held is False


def test_event_update_changes_attendance_and_version(world: World, event: Event) -> None:
    updated = services.update_event(
        actor=as_actor(world, "supervisor"),
        event=event,
        expected_version=1,
        attendance={("m", "6-11"): 0, ("m", "0-5"): 2},
    )
    assert updated.version == 2
    cells = {(a.sex, a.age_band): a.count for a in Attendance.objects.filter(event=event)}
    assert cells == {("f", "6-11"): 7, ("m", "0-5"): 2, ("f", "18+"): 4}
    change = AuditEvent.objects.filter(target_type="defenders.event", action="update").get()
    assert "attendance" in change.changes
    with pytest.raises(ConflictError):
        services.update_event(actor=SYSTEM, event=event, expected_version=1, title="Otro")


def test_event_refuses_bad_counts_and_foreign_activity(
    world: World, event: Event, other_defensoria: Defensoria
) -> None:
    other_plan = services.create_plan(actor=SYSTEM, defensoria=other_defensoria, year=timezone.localdate().year)
    foreign = services.add_activity(
        actor=SYSTEM, plan=other_plan, component=Component.TRAINING, title="Ajena", planned_on=this_year_day()
    )
    with pytest.raises(ValidationError) as exc:
        services.update_event(
            actor=SYSTEM, event=event, expected_version=1, activity=foreign, attendance={("f", "0-5"): -1}
        )
    assert set(exc.value.message_dict) == {"activity", "attendance"}
    assert Event.objects.get(pk=event.pk).version == 1
    assert not Attendance.objects.filter(event=event, age_band="0-5").exists()


def test_a_defender_leaves_with_a_date_and_the_name_stays_out_of_the_trail(world: World, defender: Defender) -> None:
    left = services.update_defender(
        actor=as_actor(world, "supervisor"),
        defender=defender,
        expected_version=1,
        until=this_year_day(),
        full_name="Rosa Q.",
    )
    assert left.until == this_year_day() and left.version == 2
    change = AuditEvent.objects.get(target_type="defenders.defender", action="update")
    assert change.changes["full_name"] == ["[redacted]", "[redacted]"]
    assert "until" in change.changes
    with pytest.raises(ValidationError):
        services.update_defender(
            actor=SYSTEM, defender=defender, expected_version=2, until=defender.since - dt.timedelta(1)
        )


def test_a_user_linked_to_a_record_must_be_a_defender_of_the_community(world: World, defensoria: Defensoria) -> None:
    with pytest.raises(ValidationError) as exc:
        services.add_defender(
            actor=SYSTEM,
            defensoria=defensoria,
            full_name="X",
            sex="m",
            since=this_year_day(),
            user=world.home["supervisor"],
        )
    assert "user" in exc.value.message_dict
