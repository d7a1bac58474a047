"""Every write to the defensorías goes through here, audited in the same transaction.

``SYSTEM`` is Ronda itself (the demo loader); people are checked against ``policies``. Errors are
collected (``core.errors.Errors``) and raised as one ``ValidationError`` before anything is
written; edits lock the row and compare its version (decision 0009).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.accounts.models import Membership, User
from ronda.core import audit
from ronda.core.errors import Errors
from ronda.core.models import AuditAction
from ronda.core.roles import Role
from ronda.core.services import VersionedUpdate, check_editable, event_by_new_value
from ronda.core.tenancy import Acting, is_person
from ronda.defenders import policies
from ronda.defenders.models import (
    Activity,
    ActivityStatus,
    AgeBand,
    Attendance,
    Component,
    Defender,
    DefendersAction,
    Defensoria,
    Event,
    EventKind,
    Sex,
    Training,
    WorkPlan,
)
from ronda.territory.models import Level, OrgUnit

if TYPE_CHECKING:
    from typing_extensions import Unpack

# One cell of the attendance grid: (sex, age band) -> people.
Cell = tuple[str, str]
CELLS: tuple[Cell, ...] = tuple((sex, band) for band in AgeBand.values for sex in Sex.values)
MAX_ATTENDEES_PER_CELL = 10_000
MAX_BUDGET = Decimal("9999999999.99")
MAX_TRAINING_HOURS = 2000


def _today() -> dt.date:
    return timezone.localdate()


def _require_editor(actor: Acting, defensoria: Defensoria) -> None:
    if is_person(actor) and not policies.can_edit(actor, defensoria):
        raise PermissionDenied


def _text(errors: Errors, field: str, value: str | None, *, required: bool = False, limit: int = 255) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > limit:
        errors.add(field, _("Write at most %(max)d characters.") % {"max": limit})
    return text


def _choice(errors: Errors, field: str, value: str | None, choices: Any) -> None:
    if value not in choices.values:
        errors.add(field, _("Choose one of the options."))


def _not_future(errors: Errors, field: str, value: dt.date | None) -> None:
    if value is not None and value > _today():
        errors.add(field, _("The date cannot be in the future."))


def _save(update: VersionedUpdate[Any], *, actor: Acting, org_unit: OrgUnit, action: Any = AuditAction.UPDATE) -> None:
    update.save(actor=actor, org_unit=org_unit, action=action)


# --- The defensoría ---------------------------------------------------------------------------
class DefensoriaChanges(TypedDict, total=False):
    name: str
    address: str
    opening_hours: str
    active: bool


DEFENSORIA_EDITABLE = tuple(DefensoriaChanges.__annotations__)


def _defensoria_errors(values: dict[str, Any]) -> Errors:
    errors = Errors()
    values["name"] = _text(errors, "name", values.get("name"), required=True, limit=200)
    values["address"] = _text(errors, "address", values.get("address"))
    values["opening_hours"] = _text(errors, "opening_hours", values.get("opening_hours"))
    return errors


@transaction.atomic
def create_defensoria(
    *, actor: Acting, community: OrgUnit, name: str, address: str = "", opening_hours: str = ""
) -> Defensoria:
    if is_person(actor) and not policies.can_create_defensoria(actor, community):
        raise PermissionDenied
    values: dict[str, Any] = {"name": name, "address": address, "opening_hours": opening_hours}
    errors = _defensoria_errors(values)
    if community.level != Level.COMMUNITY:
        errors.add("community", _("A defensoría belongs to a community."))
    elif Defensoria.objects.filter(community=community).exists():
        errors.add("community", _("This community already has a defensoría."))
    errors.raise_if_any()
    defensoria = Defensoria.objects.create(community=community, **values)
    audit.record_create(actor=actor, target=defensoria, org_unit=community)
    return defensoria


@transaction.atomic
def update_defensoria(
    *, actor: Acting, defensoria: Defensoria, expected_version: int | None, **changes: Unpack[DefensoriaChanges]
) -> Defensoria:
    _require_editor(actor, defensoria)
    check_editable(changes, DEFENSORIA_EDITABLE)
    update = VersionedUpdate(defensoria, expected_version)
    values = {name: changes.get(name, getattr(update.instance, name)) for name in DEFENSORIA_EDITABLE}
    _defensoria_errors(values).raise_if_any()
    update.apply(values)
    _save(update, actor=actor, org_unit=defensoria.community)
    return update.instance


# --- Defenders and their trainings ----------------------------------------------------------------
@transaction.atomic
def add_defender(
    *,
    actor: Acting,
    defensoria: Defensoria,
    full_name: str,
    sex: str,
    since: dt.date,
    phone: str = "",
    until: dt.date | None = None,
    user: User | None = None,
) -> Defender:
    _require_editor(actor, defensoria)
    values: dict[str, Any] = {"full_name": full_name, "sex": sex, "phone": phone, "since": since, "until": until}
    errors = _defender_errors(values)
    if (
        user is not None
        and not Membership.objects.active()
        .filter(user=user, role=Role.DEFENDER, org_unit=defensoria.community)
        .exists()
    ):
        errors.add("user", _("Choose a user who is a defender of this community."))
    if user is not None and Defender.objects.filter(defensoria=defensoria, user=user, until__isnull=True).exists():
        errors.add("user", _("This user is already a defender of this defensoría."))
    errors.raise_if_any()
    defender = Defender.objects.create(defensoria=defensoria, user=user, **values)
    audit.record_create(actor=actor, target=defender, org_unit=defensoria.community)
    return defender


class DefenderChanges(TypedDict, total=False):
    full_name: str
    sex: str
    phone: str
    since: dt.date
    until: dt.date | None


DEFENDER_EDITABLE = tuple(DefenderChanges.__annotations__)


def _defender_errors(values: dict[str, Any]) -> Errors:
    errors = Errors()
    values["full_name"] = _text(errors, "full_name", values.get("full_name"), required=True, limit=200)
    values["phone"] = _text(errors, "phone", values.get("phone"), limit=40)
    _choice(errors, "sex", values.get("sex"), Sex)
    since, until = values.get("since"), values.get("until")
    if since is None:
        errors.add("since", _("This field is required."))
    _not_future(errors, "since", since)
    if until is not None and since is not None and until < since:
        errors.add("until", _("The end cannot be before the start."))
    return errors


@transaction.atomic
def update_defender(
    *, actor: Acting, defender: Defender, expected_version: int | None, **changes: Unpack[DefenderChanges]
) -> Defender:
    """Edit a defender's record; a date in ``until`` records that they left the defensoría."""
    _require_editor(actor, defender.defensoria)
    check_editable(changes, DEFENDER_EDITABLE)
    update = VersionedUpdate(defender, expected_version)
    values = {name: changes.get(name, getattr(update.instance, name)) for name in DEFENDER_EDITABLE}
    _defender_errors(values).raise_if_any()
    update.apply(values)
    _save(update, actor=actor, org_unit=defender.defensoria.community)
    return update.instance


@transaction.atomic
def add_training(*, actor: Acting, defender: Defender, name: str, taken_on: dt.date, hours: int) -> Training:
    _require_editor(actor, defender.defensoria)
    errors = Errors()
    name = _text(errors, "name", name, required=True, limit=200)
    _not_future(errors, "taken_on", taken_on)
    if hours is None or not 1 <= hours <= MAX_TRAINING_HOURS:
        errors.add("hours", _("Write a number of hours between 1 and %(max)d.") % {"max": MAX_TRAINING_HOURS})
    errors.raise_if_any()
    training = Training.objects.create(defender=defender, name=name, taken_on=taken_on, hours=hours)
    audit.record_create(actor=actor, target=training, org_unit=defender.defensoria.community)
    return training


# --- The annual work plan (PTA) and its activities --------------------------------------------------
@transaction.atomic
def create_plan(*, actor: Acting, defensoria: Defensoria, year: int, notes: str = "") -> WorkPlan:
    _require_editor(actor, defensoria)
    errors = Errors()
    notes = _text(errors, "notes", notes, limit=5000)
    if year is None or not 2000 <= year <= _today().year + 1:
        errors.add("year", _("Choose a year between 2000 and next year."))
    elif WorkPlan.objects.filter(defensoria=defensoria, year=year).exists():
        errors.add("year", _("This defensoría already has a work plan for that year."))
    errors.raise_if_any()
    plan = WorkPlan.objects.create(defensoria=defensoria, year=year, notes=notes)
    audit.record_create(actor=actor, target=plan, org_unit=defensoria.community)
    return plan


class ActivityChanges(TypedDict, total=False):
    component: str
    title: str
    planned_on: dt.date
    responsible: str
    budget: Decimal
    status: str
    cancel_reason: str


ACTIVITY_EDITABLE = tuple(ActivityChanges.__annotations__)
ACTIVITY_EVENTS = event_by_new_value(
    "status",
    {ActivityStatus.DONE: DefendersAction.ACTIVITY_DONE, ActivityStatus.CANCELLED: DefendersAction.ACTIVITY_CANCELLED},
)


def _activity_errors(plan: WorkPlan, values: dict[str, Any]) -> Errors:
    errors = Errors()
    _choice(errors, "component", values.get("component"), Component)
    values["title"] = _text(errors, "title", values.get("title"), required=True)
    values["responsible"] = _text(errors, "responsible", values.get("responsible"), limit=200)
    values["cancel_reason"] = _text(errors, "cancel_reason", values.get("cancel_reason"), limit=500)
    planned_on = values.get("planned_on")
    if planned_on is None:
        errors.add("planned_on", _("This field is required."))
    elif planned_on.year != plan.year:
        errors.add("planned_on", _("The date must fall within the work plan's year (%(year)d).") % {"year": plan.year})
    budget = values.get("budget")
    if budget is None or budget < 0 or budget > MAX_BUDGET:
        errors.add("budget", _("Write an amount of zero or more."))
    status = values.get("status")
    _choice(errors, "status", status, ActivityStatus)
    if status == ActivityStatus.CANCELLED and not values["cancel_reason"]:
        errors.add("cancel_reason", _("Say why the activity was cancelled."))
    if status != ActivityStatus.CANCELLED:
        values["cancel_reason"] = ""
    if status == ActivityStatus.DONE and planned_on is not None and planned_on > _today():
        errors.add("status", _("An activity planned for a future date cannot be done yet."))
    return errors


@transaction.atomic
def add_activity(
    *,
    actor: Acting,
    plan: WorkPlan,
    component: str,
    title: str,
    planned_on: dt.date,
    responsible: str = "",
    budget: Decimal = Decimal(0),
) -> Activity:
    _require_editor(actor, plan.defensoria)
    values: dict[str, Any] = {
        "component": component,
        "title": title,
        "planned_on": planned_on,
        "responsible": responsible,
        "budget": budget,
        "status": ActivityStatus.PLANNED,
        "cancel_reason": "",
    }
    _activity_errors(plan, values).raise_if_any()
    activity = Activity.objects.create(plan=plan, **values)
    audit.record_create(actor=actor, target=activity, org_unit=plan.defensoria.community)
    return activity


@transaction.atomic
def update_activity(
    *, actor: Acting, activity: Activity, expected_version: int | None, **changes: Unpack[ActivityChanges]
) -> Activity:
    plan = activity.plan
    _require_editor(actor, plan.defensoria)
    check_editable(changes, ACTIVITY_EDITABLE)
    update = VersionedUpdate(activity, expected_version)
    values = {name: changes.get(name, getattr(update.instance, name)) for name in ACTIVITY_EDITABLE}
    _activity_errors(plan, values).raise_if_any()
    update.apply(values)
    _save(update, actor=actor, org_unit=plan.defensoria.community, action=ACTIVITY_EVENTS)
    return update.instance


# --- Events and their attendance --------------------------------------------------------------
class EventChanges(TypedDict, total=False):
    kind: str
    title: str
    held_on: dt.date
    place: str
    component: str
    activity: Activity | None
    held: bool


EVENT_EDITABLE = tuple(EventChanges.__annotations__)
EVENT_EVENTS = event_by_new_value("held", {True: DefendersAction.EVENT_HELD})


def _event_errors(defensoria: Defensoria, values: dict[str, Any]) -> Errors:
    errors = Errors()
    _choice(errors, "kind", values.get("kind"), EventKind)
    _choice(errors, "component", values.get("component"), Component)
    values["title"] = _text(errors, "title", values.get("title"), required=True)
    values["place"] = _text(errors, "place", values.get("place"))
    held_on = values.get("held_on")
    if held_on is None:
        errors.add("held_on", _("This field is required."))
    elif values.get("held") and held_on > _today():
        errors.add("held_on", _("An event in the future cannot be marked as held."))
    activity = values.get("activity")
    if activity is not None and activity.plan.defensoria_id != defensoria.pk:
        errors.add("activity", _("Choose an activity of this defensoría's work plan."))
    return errors


def _attendance_errors(errors: Errors, attendance: Mapping[Cell, int]) -> dict[Cell, int]:
    cells: dict[Cell, int] = {}
    for cell, count in attendance.items():
        if cell not in CELLS:
            raise ValueError(f"not a cell of the attendance grid: {cell}")
        if count is None or not 0 <= count <= MAX_ATTENDEES_PER_CELL:
            errors.add(
                "attendance", _("Write numbers of people between 0 and %(max)d.") % {"max": MAX_ATTENDEES_PER_CELL}
            )
            break
        cells[cell] = count
    return cells


def _write_attendance(event: Event, cells: Mapping[Cell, int]) -> None:
    """Replace the given cells (a zero removes the row: empty cells are not stored)."""
    for (sex, band), count in cells.items():
        if count:
            Attendance.objects.update_or_create(event=event, sex=sex, age_band=band, defaults={"count": count})
        else:
            Attendance.objects.filter(event=event, sex=sex, age_band=band).delete()


def attendance_of(event: Event) -> dict[str, int]:
    """The event's grid as audited values: {"f 0-5": 3, …} (only non-zero cells)."""
    return {f"{a.sex} {a.age_band}": a.count for a in Attendance.objects.filter(event=event).order_by("pk")}


@transaction.atomic
def record_event(
    *,
    actor: Acting,
    defensoria: Defensoria,
    kind: str,
    title: str,
    held_on: dt.date,
    component: str,
    place: str = "",
    activity: Activity | None = None,
    held: bool = False,
    attendance: Mapping[Cell, int] | None = None,
) -> Event:
    _require_editor(actor, defensoria)
    values: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "held_on": held_on,
        "place": place,
        "component": component,
        "activity": activity,
        "held": held,
    }
    errors = _event_errors(defensoria, values)
    cells = _attendance_errors(errors, attendance or {})
    errors.raise_if_any()
    event = Event.objects.create(defensoria=defensoria, **values)
    _write_attendance(event, cells)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=event,
        org_unit=defensoria.community,
        changes=audit.diff({}, {**audit.snapshot(event), "attendance": attendance_of(event)}),
    )
    return event


@transaction.atomic
def update_event(
    *,
    actor: Acting,
    event: Event,
    expected_version: int | None,
    attendance: Mapping[Cell, int] | None = None,
    **changes: Unpack[EventChanges],
) -> Event:
    defensoria = event.defensoria
    _require_editor(actor, defensoria)
    check_editable(changes, EVENT_EDITABLE)
    update = VersionedUpdate(event, expected_version, state=lambda row: {"attendance": attendance_of(row)})
    values = {name: changes.get(name, getattr(update.instance, name)) for name in EVENT_EDITABLE}
    errors = _event_errors(defensoria, values)
    cells = _attendance_errors(errors, attendance or {})
    errors.raise_if_any()
    update.apply(values)
    _write_attendance(update.instance, cells)
    update.save(actor=actor, org_unit=defensoria.community, action=EVENT_EVENTS, touch=bool(cells))
    return update.instance


@transaction.atomic
def add_activity_to_year(
    *,
    actor: Acting,
    defensoria: Defensoria,
    year: int,
    component: str,
    title: str,
    planned_on: dt.date,
    responsible: str = "",
    budget: Decimal = Decimal(0),
) -> Activity:
    """An activity of the year's PTA, opening the plan with its first activity (one transaction:
    a refused activity leaves no empty plan behind)."""
    _require_editor(actor, defensoria)
    plan = WorkPlan.objects.select_for_update().filter(defensoria=defensoria, year=year).first()
    if plan is None:
        plan = create_plan(actor=actor, defensoria=defensoria, year=year)
    return add_activity(
        actor=actor,
        plan=plan,
        component=component,
        title=title,
        planned_on=planned_on,
        responsible=responsible,
        budget=budget,
    )
