"""The protection file of a child (issue #12, item 1; decision 0026): opening it (directly — for a
registered child, or registering a child who never was —, or from a community case transferred to
the office), transferring it between offices, closing and reopening it, the integral diagnosis, the
rights restricted, the restitution plan with its actions per sector and its reviews, and the sector
focal point's update of their institution's action.

Each service checks ``policies`` for a person (who works on the file, who supervises it, which
focal point owns an action), validates the whole change first (one ``ValidationError`` with every
field's message), then writes the rows and their audit events in one transaction. The free texts
are personal fields of their models: the audit trail redacts them by itself.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.cases.duplicates import Candidate, Person, find_candidates, keys_of, words
from ronda.cases.models import Case, Child
from ronda.cases.services import ChildChanges, PossibleDuplicates, register_child
from ronda.core import audit
from ronda.core.errors import ConflictError, Errors, check_length
from ronda.core.services import VersionedUpdate, check_editable
from ronda.core.tenancy import Acting, Actor, is_person
from ronda.protection import policies
from ronda.protection.models import (
    ALTERNATIVE_CARE,
    ActionStatus,
    DiagnosisArea,
    DiagnosisEntry,
    FileClosingReason,
    FileCounter,
    FileRight,
    FileStatus,
    FileTransfer,
    IntakeSource,
    MeasureStatus,
    Placement,
    PlanReview,
    PlanStatus,
    ProtectionAction,
    ProtectionFile,
    ProtectiveMeasure,
    RestitutionAction,
    RestitutionPlan,
    Right,
    RightStatus,
    Sector,
)
from ronda.territory.models import Institution, InstitutionKind, Level, OrgUnit
from ronda.territory.selectors import large_columns

if TYPE_CHECKING:
    from ronda.accounts.models import User

TEXT_LIMIT = 10_000
SHORT_LIMIT = 200
PROTECTION_KINDS = (
    InstitutionKind.CHILD_PROTECTION_AGENCY,
    InstitutionKind.PROTECTION_BOARD,
    InstitutionKind.FAMILY_WELFARE,
)


def _today() -> dt.date:
    return timezone.localdate()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _text(errors: Errors, field: str, value: str | None, limit: int, required: str | None = None) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        errors.add(field, required)
    check_length(errors, field, value, limit)
    return value


def _line(errors: Errors, field: str, value: str | None, limit: int, required: str | None = None) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        errors.add(field, required)
    check_length(errors, field, value, limit)
    return value


def _is_protection_office(office: Institution) -> bool:
    return office.is_active and office.kind in PROTECTION_KINDS


def _office_serves(office: Institution, municipality_path: str) -> bool:
    """An office seated over the child's municipality (a state office: the whole state)."""
    return (
        municipality_path.startswith(office.org_unit.path)
        or office.jurisdiction.filter(path=municipality_path).exists()
    )


def _works_at(user: User, path: str) -> bool:
    """``user`` is a protection officer or supervisor whose active membership covers ``path``."""
    from ronda.accounts.models import Membership

    scopes = (
        Membership.objects.active()
        .filter(user=user, role__in=policies.FILE_WORKERS, org_unit__isnull=False)
        .values_list("org_unit__path", flat=True)
    )
    return any(path.startswith(scope) for scope in scopes)


def _next_number(office: Institution, year: int) -> str:
    """The office's next number for ``year``, under the counter's row lock."""
    FileCounter.objects.get_or_create(office=office, year=year)
    counter = FileCounter.objects.select_for_update().get(office=office, year=year)
    FileCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    prefix = "".join((office.acronym or "").split()) or str(office.pk)
    return f"{prefix}-{year}-{counter.last:04d}"


def _open_file_of(actor: Acting, child: Child) -> str | None:
    """The refusal of a second open file for the child, or None. The existing file's number is named
    only to someone who may see that file (its existence elsewhere is all the others learn)."""
    existing = ProtectionFile.objects.filter(child=child, status=FileStatus.OPEN).first()
    if existing is None:
        return None
    if not is_person(actor) or policies.visible_files(actor).filter(pk=existing.pk).exists():
        return _(
            "This child already has an open protection file (%(number)s). Work on that file, or ask its "
            "office to transfer it, instead of opening another."
        ) % {"number": existing.number}
    return _(
        "This child already has an open protection file in another office. Ask that office to transfer "
        "it instead of opening another."
    )


@transaction.atomic
def open_file(
    *,
    actor: Acting,
    child: Child,
    office: Institution,
    intake_source: str,
    intake_summary: str = "",
    opened_on: dt.date | None = None,
    officer: User | None = None,
    from_case: Case | None = None,
) -> ProtectionFile:
    """Open the protection file of ``child`` in ``office`` (a protection office the actor may hold
    files for). One open file per child: a second office receives the file by transfer. The number
    is the office's ("PPNNA-2026-0042"); the officer in charge is the actor unless another officer
    of the office is named."""
    if is_person(actor):
        _require(policies.can_open_files(actor))
    errors = Errors()
    # The child's row lock serialises two openings for the same child (the one-open-file rule).
    child = Child.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=child.pk)
    office = Institution.objects.select_related("org_unit").get(pk=office.pk)
    path = office.org_unit.path
    if is_person(actor) and not policies.offices_for(actor).filter(pk=office.pk).exists():
        errors.add("office", _("Choose a protection office of your jurisdiction."))
    elif not _is_protection_office(office):
        errors.add("office", _("Choose an active protection office (a protection agency, board or DIF)."))
    elif not _office_serves(office, child.municipality.path):
        errors.add("office", _("This office has no jurisdiction over the municipality where the child lives."))
    if intake_source not in IntakeSource.values:
        errors.add("intake_source", _("Say how the case arrived at the office."))
    if from_case is not None and intake_source != IntakeSource.COMMUNITY_CASE:
        errors.add("intake_source", _("A file opened from a community case arrives as a transfer of that case."))
    summary = _text(errors, "intake_summary", intake_summary, TEXT_LIMIT)
    opened_on = opened_on or _today()
    if opened_on > _today():
        errors.add("opened_on", _("The opening date cannot be in the future."))
    elif child.birth_date is not None and opened_on < child.birth_date:
        errors.add("opened_on", _("The opening date cannot be before the child was born."))
    elif from_case is not None and opened_on < from_case.registered_on:
        errors.add("opened_on", _("The opening date cannot be before the community case was registered."))
    if officer is None:
        if not is_person(actor):
            errors.add("officer", _("Choose the officer in charge of the file."))
        else:
            officer = actor.user
    if officer is not None and not _works_at(officer, path):
        errors.add("officer", _("The officer in charge must be a protection officer or supervisor of this office."))
    errors.raise_if_any()
    # Asked last, once everything else holds: a request cannot probe whether a child has a file
    # elsewhere without being a valid opening, and the refusal is a logged read of the child.
    duplicate = _open_file_of(actor, child)
    if duplicate:
        if is_person(actor):
            audit.record_access(actor=actor, target=child, org_unit=actor.org_unit, purpose=DUPLICATE_FILE_PURPOSE)
        errors.add("child", duplicate)
        errors.raise_if_any()
    assert officer is not None
    file = ProtectionFile.objects.create(
        number=_next_number(office, opened_on.year),
        child=child,
        office=office,
        path=path,
        municipality=child.municipality,
        officer=officer,
        intake_source=intake_source,
        from_case=from_case,
        intake_summary=summary,
        opened_on=opened_on,
    )
    audit.record(
        actor=actor,
        action=ProtectionAction.FILE_OPENED,
        target=file,
        org_unit=policies.trail_unit(file),
        changes=audit.diff({}, audit.snapshot(file)),
    )
    return file


# --- Finding the child of a direct opening ---------------------------------------------------------
CHILD_SEARCH_PURPOSE = "protection file: search of the child"
DUPLICATE_FILE_PURPOSE = "protection file: the child already has an open file"


def find_children_for_file(
    actor: Actor,
    *,
    first_names: str,
    surnames: str,
    birth_date: dt.date | None,
    municipality: Any,
) -> list[Candidate]:
    """The children registered in ``municipality`` who may be the one a direct report is about (the
    cases' duplicate search), for an officer who opens files there. Protection officers do not read
    children through the cases' policies: this is the file's own read path, and each candidate shown
    is logged. Writes only access events (not atomic: the reads happened even if no file opens)."""
    _require(policies.can_open_files(actor) and actor.may_read_personal_data_at(municipality.path))
    surname_words = words(surnames)
    paternal = surname_words[0] if surname_words else ""
    maternal = " ".join(surname_words[1:])
    if not words(first_names) and not surname_words:
        return []
    keys = keys_of(
        first_names=first_names,
        paternal_surname=paternal,
        maternal_surname=maternal,
        alias="",
        birth_date=birth_date,
        estimated_age=None,
        age_estimated_on=None,
    )
    person = Person.of(
        first_names=first_names, paternal_surname=paternal, maternal_surname=maternal, birth_date=birth_date
    )
    found = find_candidates(municipality_id=municipality.pk, person=person, keys=keys)
    _log_search(actor, found)
    return found


def _log_search(actor: Actor, found: list[Candidate]) -> None:
    if found:
        # Filed under the searcher's own unit (the office's seat), not the child's municipality: the
        # municipality's trail must not learn that a protection office looked for one of its children.
        audit.record_accesses(
            actor=actor, targets=[c.child for c in found], org_unit=actor.org_unit, purpose=CHILD_SEARCH_PURPOSE
        )


# --- Opening the file of a child never registered ------------------------------------------------------
def new_child_communities(actor: Actor | None) -> QuerySet[OrgUnit]:
    """The communities a direct intake may register a child in: those of the municipalities of the
    actor's subtree, where they open files and search children (the page's choices, the API's
    check)."""
    if actor is None or not policies.can_open_files(actor) or actor.scope_path is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(
        level=Level.COMMUNITY,
        is_active=True,
        parent__level=Level.MUNICIPALITY,
        parent__is_active=True,
        path__startswith=actor.scope_path,
    ).defer(*large_columns())


@transaction.atomic
def open_file_for_new_child(
    *,
    actor: Acting,
    office: Institution,
    intake_source: str,
    intake_summary: str = "",
    opened_on: dt.date | None = None,
    confirmed_new: bool = False,
    caregiver_names: list[str] | None = None,
    officer: User | None = None,
    **fields: Unpack[ChildChanges],
) -> ProtectionFile:
    """A direct intake of a child who was never registered (a police report, a hospital): register
    the child (the cases' ``register_child``, with its duplicate check) and open their file, in one
    transaction — a refusal of either leaves neither.

    Unless ``confirmed_new`` (the officer saw the candidates and said "a new child"), possible
    duplicates stop it with ``cases.services.PossibleDuplicates``; the caller shows them with
    ``show_possible_duplicates`` once this transaction has rolled back, so that their reads stay
    logged. The community must lie in a municipality where the actor opens files."""
    errors = Errors()
    if is_person(actor):
        _require(policies.can_open_files(actor))
        community = fields.get("community")
        if community is not None and not new_child_communities(actor).filter(pk=community.pk).exists():
            errors.add("community", _("Choose a community of a municipality of your jurisdiction."))
    if intake_source == IntakeSource.COMMUNITY_CASE:
        errors.add(
            "intake_source",
            _("A child of a community case is registered already: open the file from the transferred case."),
        )
    errors.raise_if_any()
    # The child's creation is filed at the office's seat, as the file's trail: the community's
    # supervisors must not learn from the trail that a protection office took the child in.
    child = register_child(
        actor=actor,
        confirmed_new=confirmed_new,
        caregiver_names=caregiver_names,
        trail_unit=Institution.objects.select_related("org_unit").get(pk=office.pk).org_unit,
        **fields,
    )
    return open_file(
        actor=actor,
        child=child,
        office=office,
        intake_source=intake_source,
        intake_summary=intake_summary,
        opened_on=opened_on,
        officer=officer,
    )


def show_possible_duplicates(actor: Actor, duplicates: PossibleDuplicates) -> list[Candidate]:
    """The registered children that stopped ``open_file_for_new_child``, as the search shows them:
    those of the actor's jurisdiction, each one's read logged under the searcher's unit. Called after
    the service's transaction rolled back (the events stay even if no file opens)."""
    _require(policies.can_open_files(actor))
    shown = [c for c in duplicates.candidates if actor.may_read_personal_data_at(c.child.community.path)]
    _log_search(actor, shown)
    return shown


# --- Opening from a community case -------------------------------------------------------------------
@transaction.atomic
def open_file_from_case(*, actor: Acting, case: Case, office: Institution | None = None) -> ProtectionFile:
    """The file of a community case the route transferred to a protection office
    (``route.transfer_to_protection``): the case's child, intake "transfer of a community case". The
    office is the one the case went to, or a protection office seated above it (the state office taking
    a municipal DIF's case). A case gives at most one file."""
    if is_person(actor):
        _require(policies.can_open_files(actor))
    case = Case.objects.select_for_update(of=("self",)).select_related("transferred_to__org_unit").get(pk=case.pk)
    target = case.transferred_to
    errors = Errors()
    if target is None:
        errors.add("case", _("This community case was not transferred to a protection office."))
        errors.raise_if_any()
    assert target is not None
    office = office or target
    seat = Institution.objects.select_related("org_unit").get(pk=office.pk).org_unit.path
    target_seat = target.org_unit.path
    if office.pk != target.pk and (seat == target_seat or not target_seat.startswith(seat)):
        errors.add(
            "office",
            _("This case was transferred to %(office)s: open its file in that office or in the office above it.")
            % {"office": str(target)},
        )
    existing = ProtectionFile.objects.filter(from_case=case).first()
    if existing is not None:
        errors.add(
            "case",
            _("A protection file (%(number)s) was already opened from this community case.")
            % {"number": existing.number},
        )
    errors.raise_if_any()
    return open_file(
        actor=actor,
        child=case.child,
        office=office,
        intake_source=IntakeSource.COMMUNITY_CASE,
        opened_on=_today(),
        from_case=case,
    )


# --- The file as a whole -----------------------------------------------------------------------------
def _require_worker(actor: Acting, file: ProtectionFile) -> None:
    if is_person(actor):
        _require(policies.can_work_on_file(actor, file))


def _require_open(errors: Errors, file: ProtectionFile) -> None:
    if file.status != FileStatus.OPEN:
        errors.add("__all__", _("The file is closed: reopen it to record new work on it."))


def _fact_date(errors: Errors, field: str, value: dt.date | None, file: ProtectionFile, *, missing: str) -> None:
    """A day that has come, not before the file was opened."""
    if value is None:
        errors.add(field, missing)
    elif value > _today():
        errors.add(field, _("The date cannot be in the future."))
    elif value < file.opened_on:
        errors.add(field, _("The date cannot be before the file was opened."))


def _person(actor: Acting) -> User | None:
    return actor.user if is_person(actor) else None


@transaction.atomic
def transfer_file(
    *,
    actor: Acting,
    file: ProtectionFile,
    to_office: Institution,
    to_officer: User,
    reason: str,
    expected_version: int | None = None,
) -> FileTransfer:
    """Hand the file to another protection office and one of its officers. The file takes the new
    office's seat as its path: the old office's officers no longer see it; the history stays."""
    _require_worker(actor, file)
    update = VersionedUpdate(file, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, locked)
    to_office = Institution.objects.select_related("org_unit").get(pk=to_office.pk)
    if to_office.pk == locked.office_id:
        errors.add("to_office", _("The file is already held by this office: choose another one."))
    elif not _is_protection_office(to_office):
        errors.add("to_office", _("Choose an active protection office (a protection agency, board or DIF)."))
    elif not _office_serves(to_office, locked.municipality.path):
        # The receiving office must have jurisdiction over the child's municipality, as on opening.
        errors.add("to_office", _("This office has no jurisdiction over the municipality where the child lives."))
    elif not _works_at(to_officer, to_office.org_unit.path):
        errors.add(
            "to_officer", _("The new officer must be a protection officer or supervisor of the receiving office.")
        )
    reason = _text(errors, "reason", reason, TEXT_LIMIT, _("Say why the file goes to the other office."))
    errors.raise_if_any()
    transfer = FileTransfer.objects.create(
        file=locked,
        from_office_id=locked.office_id,
        to_office=to_office,
        from_officer_id=locked.officer_id,
        to_officer=to_officer,
        reason=reason,
        transferred_by=_person(actor) or to_officer,
    )
    audit.record_create(actor=actor, target=transfer, org_unit=policies.trail_unit(locked))
    update.apply({"office": to_office, "path": to_office.org_unit.path, "officer": to_officer})
    update.save(actor=actor, org_unit=policies.trail_unit(locked), action=ProtectionAction.FILE_TRANSFERRED)
    return transfer


def _blocking_measures(file: ProtectionFile) -> list[str]:
    return [
        _("the measure “%(type)s” issued on %(day)s is in force") % {"type": m.type.name, "day": _day(m.issued_on)}
        for m in ProtectiveMeasure.objects.filter(file=file, status=MeasureStatus.ACTIVE).select_related("type")
    ]


def _blocking_placements(file: ProtectionFile) -> list[str]:
    current = Placement.objects.filter(file=file, end_on__isnull=True, setting__in=ALTERNATIVE_CARE)
    return [
        _("the placement in “%(setting)s” since %(day)s is current")
        % {"setting": p.get_setting_display(), "day": _day(p.start_on)}
        for p in current
    ]


def _day(value: dt.date) -> str:
    from django.utils import formats

    return formats.date_format(value, "SHORT_DATE_FORMAT")


@transaction.atomic
def close_file(
    *,
    actor: Acting,
    file: ProtectionFile,
    reason: str,
    note: str,
    closed_on: dt.date | None = None,
    expected_version: int | None = None,
) -> ProtectionFile:
    """Close the file. Closing ends nothing by itself: it is refused while a protective measure is in
    force or the child is in a current alternative-care placement (the message says which)."""
    _require_worker(actor, file)
    update = VersionedUpdate(file, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, locked)
    if reason not in FileClosingReason.values:
        errors.add("reason", _("Choose why the file is closed."))
    note = _text(
        errors,
        "note",
        note,
        TEXT_LIMIT,
        _("Write a closing note: why the file closes and how the child is.")
        if reason == FileClosingReason.OTHER
        else None,
    )
    closed_on = closed_on or _today()
    _fact_date(errors, "closed_on", closed_on, locked, missing="")
    blocking = _blocking_measures(locked) + _blocking_placements(locked)
    if blocking:
        errors.add(
            "__all__",
            _("The file cannot be closed while %(what)s. End it first.") % {"what": "; ".join(blocking)},
        )
    errors.raise_if_any()
    update.apply(
        {
            "status": FileStatus.CLOSED,
            "closed_on": closed_on,
            "closing_reason": reason,
            "closing_note": note,
        }
    )
    update.save(actor=actor, org_unit=policies.trail_unit(locked), action=ProtectionAction.FILE_CLOSED)
    return locked


@transaction.atomic
def reopen_file(
    *, actor: Acting, file: ProtectionFile, reason: str, expected_version: int | None = None
) -> ProtectionFile:
    """Open a closed file again (the child's situation calls for protection again), unless the child
    has another open file meanwhile."""
    _require_worker(actor, file)
    # The child's row lock, as in ``open_file``: one open file per child.
    list(Child.objects.select_for_update().filter(pk=file.child_id).values_list("pk", flat=True))
    update = VersionedUpdate(file, expected_version)
    locked = update.instance
    errors = Errors()
    if locked.status != FileStatus.CLOSED:
        errors.add("__all__", _("The file is open already."))
    reason = _text(errors, "reason", reason, TEXT_LIMIT, _("Say why the file is reopened."))
    duplicate = _open_file_of(actor, locked.child)
    if duplicate and locked.status == FileStatus.CLOSED:
        errors.add("__all__", duplicate)
    errors.raise_if_any()
    update.apply(
        {
            "status": FileStatus.OPEN,
            "closed_on": None,
            "closing_reason": "",
            "closing_note": "",
            "reopen_reason": reason,
        }
    )
    update.save(actor=actor, org_unit=policies.trail_unit(locked), action=ProtectionAction.FILE_REOPENED)
    return locked


# --- Diagnosis and rights ----------------------------------------------------------------------------
def _lock_file(file: ProtectionFile) -> ProtectionFile:
    return ProtectionFile.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=file.pk)


@transaction.atomic
def record_diagnosis(
    *,
    actor: Acting,
    file: ProtectionFile,
    area: str,
    findings: str,
    needs: str = "",
    assessed_on: dt.date | None = None,
    expected_version: int | None = None,
) -> DiagnosisEntry:
    """The integral diagnosis of one area (one entry per area: a new assessment replaces the last,
    whose text stays in the trail only as "changed")."""
    _require_worker(actor, file)
    locked = _lock_file(file)
    errors = Errors()
    _require_open(errors, locked)
    if area not in DiagnosisArea.values:
        errors.add("area", _("Choose the area of the diagnosis."))
    findings = _text(errors, "findings", findings, TEXT_LIMIT, _("Write what was found in this area."))
    needs = _text(errors, "needs", needs, TEXT_LIMIT)
    assessed_on = assessed_on or _today()
    _fact_date(errors, "assessed_on", assessed_on, locked, missing="")
    errors.raise_if_any()
    entry = DiagnosisEntry.objects.filter(file=locked, area=area).first()
    values = {"findings": findings, "needs": needs, "assessed_on": assessed_on, "assessed_by": _person(actor)}
    if entry is None:
        if values["assessed_by"] is None:
            values["assessed_by"] = locked.officer
        entry = DiagnosisEntry.objects.create(file=locked, area=area, **values)
        audit.record_create(actor=actor, target=entry, org_unit=policies.trail_unit(locked))
        return entry
    if expected_version is None and is_person(actor):
        # The form was loaded before anyone assessed this area: someone else's diagnosis is not overwritten.
        raise ConflictError
    update = VersionedUpdate(entry, expected_version)
    update.apply({k: v for k, v in values.items() if v is not None})
    update.save(actor=actor, org_unit=policies.trail_unit(locked))
    return update.instance


@transaction.atomic
def set_right(
    *,
    actor: Acting,
    file: ProtectionFile,
    right: str,
    status: str,
    note: str = "",
    expected_version: int | None = None,
) -> FileRight:
    """A right restricted or violated, or restored (one row per right)."""
    _require_worker(actor, file)
    locked = _lock_file(file)
    errors = Errors()
    _require_open(errors, locked)
    if right not in Right.values:
        errors.add("right", _("Choose the right."))
    if status not in RightStatus.values:
        errors.add("status", _("Choose the status of the right."))
    note = _text(errors, "note", note, TEXT_LIMIT)
    errors.raise_if_any()
    row = FileRight.objects.filter(file=locked, right=right).first()
    if row is None:
        row = FileRight.objects.create(file=locked, right=right, status=status, note=note)
        audit.record_create(actor=actor, target=row, org_unit=policies.trail_unit(locked))
        return row
    update = VersionedUpdate(row, expected_version)
    update.apply({"status": status, "note": note})
    update.save(actor=actor, org_unit=policies.trail_unit(locked))
    return update.instance


# --- The restitution plan ----------------------------------------------------------------------------
_DRAFT_AGAIN: dict[str, Any] = {
    "status": PlanStatus.DRAFT,
    "submitted_at": None,
    "approved_at": None,
    "approved_by": None,
}


def _back_to_draft(actor: Acting, plan: RestitutionPlan, file: ProtectionFile) -> None:
    """An approved (or waiting) plan whose actions change is another plan: back to draft, to be sent
    for approval again. The version moves on either way: an open form on the plan must reload."""
    update = VersionedUpdate(plan, None)
    if update.instance.status in (PlanStatus.APPROVED, PlanStatus.SUBMITTED):
        update.apply(_DRAFT_AGAIN)
    update.save(actor=actor, org_unit=policies.trail_unit(file), touch=True)


@transaction.atomic
def save_plan(
    *, actor: Acting, file: ProtectionFile, objective: str, expected_version: int | None = None
) -> RestitutionPlan:
    """The plan's objective (the plan is created with its first save). An approved or waiting plan
    whose objective changes goes back to draft."""
    _require_worker(actor, file)
    locked = _lock_file(file)
    errors = Errors()
    _require_open(errors, locked)
    objective = _text(errors, "objective", objective, TEXT_LIMIT, _("Write the objective of the plan."))
    plan = RestitutionPlan.objects.filter(file=locked).first()
    if plan is None:
        errors.raise_if_any()
        plan = RestitutionPlan.objects.create(file=locked, objective=objective)
        audit.record_create(actor=actor, target=plan, org_unit=policies.trail_unit(locked))
        return plan
    if expected_version is None and is_person(actor):
        # The form was loaded before anyone wrote the plan: someone else's plan is not overwritten.
        raise ConflictError
    update = VersionedUpdate(plan, expected_version)
    errors.raise_if_any()
    changes: dict[str, Any] = {"objective": objective}
    if update.instance.objective != objective and update.instance.status in (PlanStatus.APPROVED, PlanStatus.SUBMITTED):
        changes.update(_DRAFT_AGAIN)
    update.apply(changes)
    update.save(actor=actor, org_unit=policies.trail_unit(locked))
    return update.instance


class ActionChanges(TypedDict, total=False):
    sector: str
    institution: Institution | None
    right: str
    description: str
    owner: str
    due_on: dt.date | None
    status: str
    evidence: str


ACTION_EDITABLE = tuple(ActionChanges.__annotations__)
# What makes the action another plan (its status and evidence are the plan's execution, not a change of it).
_ACTION_CONTENT = ("sector", "institution", "right", "description", "owner", "due_on")


def _action_errors(errors: Errors, values: dict[str, Any], file: ProtectionFile) -> None:
    if values.get("sector") not in Sector.values:
        errors.add("sector", _("Choose the sector responsible for the action."))
    if values.get("right") and values["right"] not in Right.values:
        errors.add("right", _("Choose the right the action restores."))
    values["right"] = values.get("right") or ""
    institution = values.get("institution")
    if institution is not None and not institution.is_active:
        errors.add("institution", _("This institution is no longer active: choose another one."))
    values["description"] = _text(
        errors, "description", values.get("description"), TEXT_LIMIT, _("Write what will be done.")
    )
    values["owner"] = _line(errors, "owner", values.get("owner"), SHORT_LIMIT, _("Say who does the action."))
    due = values.get("due_on")
    if due is None:
        errors.add("due_on", _("Choose the deadline of the action."))
    elif due < file.opened_on:
        errors.add("due_on", _("The deadline cannot be before the file was opened."))
    if values.get("status", ActionStatus.PENDING) not in ActionStatus.values:
        errors.add("status", _("Choose the status of the action."))
    values["evidence"] = _text(errors, "evidence", values.get("evidence"), TEXT_LIMIT)
    if values.get("status") == ActionStatus.DONE and not values["evidence"]:
        errors.add("evidence", _("Describe the evidence that the action was done."))


@transaction.atomic
def add_action(
    *,
    actor: Acting,
    plan: RestitutionPlan,
    sector: str,
    description: str,
    owner: str,
    due_on: dt.date | None,
    institution: Institution | None = None,
    right: str = "",
) -> RestitutionAction:
    """An action of the plan for a co-responsible sector (and, when named, its institution, whose
    focal point then sees and updates it). A new action sends an approved plan back to draft."""
    file = _lock_file(plan.file)
    _require_worker(actor, file)
    errors = Errors()
    _require_open(errors, file)
    values: dict[str, Any] = {
        "sector": sector,
        "description": description,
        "owner": owner,
        "due_on": due_on,
        "institution": institution,
        "right": right,
    }
    _action_errors(errors, values, file)
    errors.raise_if_any()
    action = RestitutionAction.objects.create(plan=plan, **values)
    audit.record_create(actor=actor, target=action, org_unit=policies.trail_unit(file))
    _back_to_draft(actor, plan, file)
    return action


@transaction.atomic
def update_action(
    *, actor: Acting, action: RestitutionAction, expected_version: int | None, **changes: Unpack[ActionChanges]
) -> RestitutionAction:
    """Change an action. A change of what is to be done (sector, institution, right, description, who,
    deadline) sends an approved or waiting plan back to draft; its status and evidence do not."""
    check_editable(changes, ACTION_EDITABLE)
    file = _lock_file(action.plan.file)
    _require_worker(actor, file)
    update = VersionedUpdate(action, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, file)
    values: dict[str, Any] = {name: getattr(locked, name) for name in ACTION_EDITABLE}
    values.update(changes)
    _action_errors(errors, values, file)
    errors.raise_if_any()
    update.apply({**values, "updated_by": _person(actor)})
    diff = update.save(actor=actor, org_unit=policies.trail_unit(file))
    if any(name in diff or f"{name}_id" in diff for name in _ACTION_CONTENT):
        _back_to_draft(actor, locked.plan, file)
    return locked


def _require_plan_step(
    actor: Acting, plan: RestitutionPlan, expected_version: int | None, *, supervise: bool
) -> tuple[VersionedUpdate[RestitutionPlan], ProtectionFile, Errors]:
    file = _lock_file(plan.file)
    if is_person(actor):
        _require(policies.can_supervise_file(actor, file) if supervise else policies.can_work_on_file(actor, file))
    update = VersionedUpdate(plan, expected_version)
    errors = Errors()
    _require_open(errors, file)
    return update, file, errors


@transaction.atomic
def submit_plan(*, actor: Acting, plan: RestitutionPlan, expected_version: int | None = None) -> RestitutionPlan:
    """Send the plan (a draft, or one returned) to the supervisor for approval."""
    update, file, errors = _require_plan_step(actor, plan, expected_version, supervise=False)
    if update.instance.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        errors.add("__all__", _("Only a draft or a returned plan can be sent for approval."))
    elif not RestitutionAction.objects.filter(plan=update.instance).exists():
        errors.add("__all__", _("Add at least one action to the plan before sending it for approval."))
    errors.raise_if_any()
    update.apply({"status": PlanStatus.SUBMITTED, "submitted_at": timezone.now()})
    update.save(actor=actor, org_unit=policies.trail_unit(file), action=ProtectionAction.PLAN_SUBMITTED)
    return update.instance


@transaction.atomic
def approve_plan(*, actor: Acting, plan: RestitutionPlan, expected_version: int | None = None) -> RestitutionPlan:
    """A supervisor over the file approves the plan sent to them."""
    update, file, errors = _require_plan_step(actor, plan, expected_version, supervise=True)
    if update.instance.status != PlanStatus.SUBMITTED:
        errors.add("__all__", _("Only a plan sent for approval can be approved."))
    elif is_person(actor) and actor.user.pk == file.officer_id:
        # Four eyes: the officer in charge drew up the plan; another supervisor approves it.
        errors.add(
            "__all__", _("You are the officer in charge of this file: another supervisor must approve its plan.")
        )
    errors.raise_if_any()
    now = timezone.now()
    update.apply(
        {
            "status": PlanStatus.APPROVED,
            "approved_at": now,
            "approved_by": _person(actor),
            "return_note": "",
            "first_approved_at": update.instance.first_approved_at or now,
        }
    )
    update.save(actor=actor, org_unit=policies.trail_unit(file), action=ProtectionAction.PLAN_APPROVED)
    return update.instance


@transaction.atomic
def return_plan(
    *, actor: Acting, plan: RestitutionPlan, note: str, expected_version: int | None = None
) -> RestitutionPlan:
    """A supervisor over the file returns the plan for changes, saying what to change."""
    update, file, errors = _require_plan_step(actor, plan, expected_version, supervise=True)
    if update.instance.status != PlanStatus.SUBMITTED:
        errors.add("__all__", _("Only a plan sent for approval can be returned."))
    note = _text(errors, "note", note, TEXT_LIMIT, _("Say what should change in the plan."))
    errors.raise_if_any()
    update.apply({"status": PlanStatus.RETURNED, "return_note": note, "submitted_at": None})
    update.save(actor=actor, org_unit=policies.trail_unit(file), action=ProtectionAction.PLAN_RETURNED)
    return update.instance


@transaction.atomic
def review_plan(
    *,
    actor: Acting,
    plan: RestitutionPlan,
    reviewed_on: dt.date | None,
    summary: str,
    next_review_on: dt.date | None = None,
) -> PlanReview:
    """A review of the approved plan: what was achieved, what changes, and when the next review is
    (it becomes the plan's next review date)."""
    update, file, errors = _require_plan_step(actor, plan, None, supervise=False)
    locked = update.instance
    if locked.status != PlanStatus.APPROVED:
        errors.add("__all__", _("Only an approved plan is reviewed: send it for approval first."))
    _fact_date(errors, "reviewed_on", reviewed_on, file, missing=_("Write the day of the review."))
    if (
        "reviewed_on" not in errors
        and reviewed_on is not None
        and locked.approved_at is not None
        and reviewed_on < timezone.localdate(locked.approved_at)
    ):
        errors.add("reviewed_on", _("The review cannot be before the plan was approved."))
    summary = _text(errors, "summary", summary, TEXT_LIMIT, _("Write what the review found."))
    if next_review_on is not None and reviewed_on is not None and next_review_on <= reviewed_on:
        errors.add("next_review_on", _("The next review must be after the day of this review."))
    errors.raise_if_any()
    assert reviewed_on is not None
    review = PlanReview.objects.create(
        plan=locked,
        reviewed_on=reviewed_on,
        summary=summary,
        next_review_on=next_review_on,
        reviewed_by=_person(actor) or file.officer,
    )
    audit.record_create(actor=actor, target=review, org_unit=policies.trail_unit(file))
    update.apply({"next_review_on": next_review_on})
    update.save(actor=actor, org_unit=policies.trail_unit(file))
    return review


# --- The sector focal point --------------------------------------------------------------------------
@transaction.atomic
def update_sector_action(
    *,
    actor: Acting,
    action: RestitutionAction,
    status: str,
    evidence: str,
    expected_version: int | None,
) -> RestitutionAction:
    """An institution's focal point reports on their institution's action: its status and the
    evidence, nothing else (the plan stays as approved)."""
    if is_person(actor):
        _require(policies.visible_sector_actions(actor).filter(pk=action.pk).exists())
    update = VersionedUpdate(action, expected_version)
    locked = update.instance
    file = ProtectionFile.objects.select_related("municipality").get(pk=locked.plan.file_id)
    errors = Errors()
    _require_open(errors, file)
    if status not in ActionStatus.values:
        errors.add("status", _("Choose the status of the action."))
    evidence = _text(errors, "evidence", evidence, TEXT_LIMIT)
    if status == ActionStatus.DONE and not evidence:
        errors.add("evidence", _("Describe the evidence that the action was done."))
    errors.raise_if_any()
    update.apply({"status": status, "evidence": evidence, "updated_by": _person(actor)})
    update.save(actor=actor, org_unit=policies.trail_unit(file))
    return locked
