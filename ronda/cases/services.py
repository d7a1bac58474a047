"""Every write to children and caregivers goes through here, audited in the same transaction.

``SYSTEM`` is Ronda itself (the demo loader); people are checked against ``policies``. Field errors are
collected (``core.errors.Errors``) and raised as one ``ValidationError`` before anything is written.
Personal values are redacted from the trail by ``audit.snapshot`` itself (``PERSONAL_FIELDS``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.cases import duplicates, policies
from ronda.cases.duplicates import Candidate, Person, find_candidates, keys_of
from ronda.cases.models import (
    Caregiver,
    Case,
    CasesAction,
    Child,
    Disability,
    DocumentType,
    DuplicateReview,
    Ethnicity,
    MigrantStatus,
    Relationship,
    ReviewStatus,
    Sex,
)
from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.services import VersionedUpdate, check_editable
from ronda.core.tenancy import Acting, is_person
from ronda.territory.models import Level, OrgUnit

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ronda.accounts.models import User

ADULT_AGE = 18
MAX_ESTIMATED_AGE = 17
VIEWS_LIMIT = 5000


def _today() -> dt.date:
    return timezone.localdate()


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class PossibleDuplicates(Exception):
    """The child may be registered already: show ``candidates`` and ask "it is this child" or "a new child"."""

    def __init__(self, candidates: list[Candidate]) -> None:
        super().__init__("possible duplicates")
        self.candidates = candidates


# --- Children ---------------------------------------------------------------------------------
class ChildChanges(TypedDict, total=False):
    first_names: str
    paternal_surname: str
    maternal_surname: str
    alias: str
    sex: str
    birth_date: dt.date | None
    estimated_age: int | None
    age_estimated_on: dt.date | None
    community: OrgUnit
    document_type: str
    document_number: str
    disability: str
    ethnicity: str
    migrant_status: str
    school: str
    views_and_wishes: str


CHILD_EDITABLE = tuple(ChildChanges.__annotations__)
_TEXT_LIMITS = {
    "first_names": 120,
    "paternal_surname": 60,
    "maternal_surname": 60,
    "alias": 60,
    "document_number": 40,
    "school": 200,
    "views_and_wishes": VIEWS_LIMIT,
}
_CHOICES = {
    "document_type": DocumentType.values,
    "disability": Disability.values,
    "ethnicity": Ethnicity.values,
    "migrant_status": MigrantStatus.values,
}


def _child_errors(values: dict[str, Any]) -> Errors:
    """Checks the whole record the values would make, and normalises them in place."""
    errors = Errors()
    today = _today()
    for name, limit in _TEXT_LIMITS.items():
        values[name] = (
            " ".join((values.get(name) or "").split())
            if name != "views_and_wishes"
            else (values.get(name) or "").strip()
        )
        check_length(errors, name, values[name], limit)
    if not (values["first_names"] or values["alias"]):
        errors.add("first_names", _("Write the child's first names, or at least the name they are known by."))
    if values.get("sex") not in Sex.values:
        errors.add("sex", _("Choose the child's sex."))
    for name, allowed in _CHOICES.items():
        if values.get(name) and values[name] not in allowed:
            errors.add(name, _("Choose one of the options."))
        values[name] = values.get(name) or ""
    birth, age = values.get("birth_date"), values.get("estimated_age")
    if birth is None and age is None:
        errors.add("birth_date", _("Write the date of birth or, if nobody knows it, an estimated age."))
    if birth is not None:
        if birth > today:
            errors.add("birth_date", _("The date of birth cannot be in the future."))
        elif birth <= _years_before(today, ADULT_AGE):
            errors.add("birth_date", _("This date of birth is of someone 18 or older: Ronda registers children."))
        values["estimated_age"] = None
        values["age_estimated_on"] = None
    elif age is not None:
        if not 0 <= age <= MAX_ESTIMATED_AGE:
            errors.add("estimated_age", _("An estimated age goes from 0 to 17 years."))
        on = values.get("age_estimated_on") or today
        if on > today:
            errors.add("age_estimated_on", _("The day the age was estimated cannot be in the future."))
        values["age_estimated_on"] = on
    if values["document_number"] and not values["document_type"]:
        errors.add("document_type", _("Choose the type of the identity document."))
    community: OrgUnit | None = values.get("community")
    if community is None:
        errors.add("community", _("Choose the community the child lives in."))
    elif community.level != Level.COMMUNITY:
        errors.add("community", _("Choose a community."))
    return errors


def _keys(values: dict[str, Any]) -> dict[str, Any]:
    keys = keys_of(
        first_names=values["first_names"],
        paternal_surname=values["paternal_surname"],
        maternal_surname=values["maternal_surname"],
        alias=values["alias"],
        birth_date=values.get("birth_date"),
        estimated_age=values.get("estimated_age"),
        age_estimated_on=values.get("age_estimated_on"),
    )
    return {
        "given_key": keys.given,
        "paternal_key": keys.paternal,
        "maternal_key": keys.maternal,
        "birth_year": keys.birth_year,
        "search_text": keys.search_text,
    }


def _require_registrar(actor: Acting, community: OrgUnit | None) -> None:
    if is_person(actor) and not policies.can_register_child_in(actor, community):
        raise PermissionDenied


def _require_editor(actor: Acting, child: Child) -> None:
    if is_person(actor) and not policies.can_edit_child(actor, child):
        raise PermissionDenied


def _person(values: dict[str, Any], caregivers: list[str]) -> Person:
    community: OrgUnit | None = values.get("community")
    return Person.of(
        first_names=values.get("first_names") or "",
        paternal_surname=values.get("paternal_surname") or "",
        maternal_surname=values.get("maternal_surname") or "",
        alias=values.get("alias") or "",
        birth_date=values.get("birth_date"),
        estimated_age=values.get("estimated_age"),
        age_estimated_on=values.get("age_estimated_on"),
        community_id=community.pk if community is not None else None,
        caregivers=caregivers,
        sex=values.get("sex") or "",
    )


@dataclass(frozen=True)
class CandidateView:
    """A candidate as one user may see it: with the child (``readable``) or only where and why."""

    child: Child | None
    community_name: str
    score: float
    reasons: tuple[str, ...]
    candidate_id: int

    @property
    def readable(self) -> bool:
        return self.child is not None

    @property
    def reason_labels(self) -> list[str]:
        return [str(duplicates.REASON_LABELS[r]) for r in self.reasons]


def _found(values: dict[str, Any], caregiver_names: list[str]) -> list[Candidate]:
    community: OrgUnit | None = values.get("community")
    if community is None or community.parent_id is None:
        return []
    data = {
        **values,
        **{n: values.get(n) or "" for n in ("first_names", "paternal_surname", "maternal_surname", "alias")},
    }
    keys = keys_of(
        first_names=data["first_names"],
        paternal_surname=data["paternal_surname"],
        maternal_surname=data["maternal_surname"],
        alias=data["alias"],
        birth_date=data.get("birth_date"),
        estimated_age=data.get("estimated_age"),
        age_estimated_on=data.get("age_estimated_on"),
    )
    return find_candidates(municipality_id=community.parent_id, person=_person(data, caregiver_names), keys=keys)


def duplicate_candidates(
    *, actor: Acting, caregiver_names: list[str] | None = None, **values: Unpack[ChildChanges]
) -> list[CandidateView]:
    """The children already registered in the community's municipality that may be this one, as the
    actor may see them: names only of those they may read (and those reads are logged). Writes only
    access events, so it is not atomic: the events stay even when the registration is abandoned."""
    _require_registrar(actor, values.get("community"))
    found = _found(dict(values), caregiver_names or [])
    if is_person(actor):
        readable = policies.readable_ids(actor, [c.child for c in found])
        policies.log_candidates_shown(actor, [c.child for c in found if c.child.pk in readable])
    else:
        readable = {c.child.pk for c in found}
    return [
        CandidateView(
            child=c.child if c.child.pk in readable else None,
            community_name=c.child.community.name,
            score=c.score,
            reasons=c.reasons,
            candidate_id=c.child.pk,
        )
        for c in found
    ]


@transaction.atomic
def register_child(
    *,
    actor: Acting,
    confirmed_new: bool = False,
    caregiver_names: list[str] | None = None,
    registered_by: User | None = None,
    trail_unit: OrgUnit | None = None,
    **fields: Unpack[ChildChanges],
) -> Child:
    """Register a child. Unless ``confirmed_new`` (the user saw the candidates and said "a new child"),
    possible duplicates stop the registration with ``PossibleDuplicates``. ``registered_by`` is for
    ``SYSTEM`` only (the demo, an import of paper records): a person registers as themselves.
    ``trail_unit``: where the creation is filed in the audit trail, the community by default; a
    protection office that takes in a child directly files it at its own seat (decision 0026: the
    community's supervisors must not learn from the trail that a protection office holds a file)."""
    if registered_by is not None and is_person(actor):
        raise ValueError("a person registers as themselves")
    check_editable(fields, CHILD_EDITABLE)
    values: dict[str, Any] = dict(fields)
    _require_registrar(actor, values.get("community"))
    _child_errors(values).raise_if_any()
    if not confirmed_new:
        found = _found(values, caregiver_names or [])
        if found:
            # The page asks ``duplicate_candidates`` for what this user may see of them.
            raise PossibleDuplicates(found)
    community: OrgUnit = values["community"]
    municipality = community.parent
    if municipality is None:  # a community always hangs from its municipality
        raise ValueError("a community without a municipality")
    child = Child.objects.create(
        municipality=municipality,
        registered_by=actor.user if is_person(actor) else registered_by,
        **values,
        **_keys(values),
    )
    audit.record_create(actor=actor, target=child, org_unit=trail_unit or community)
    return child


@transaction.atomic
def update_child(*, actor: Acting, child: Child, expected_version: int | None, **fields: Unpack[ChildChanges]) -> Child:
    """Correct a child's record; a stale ``expected_version`` raises ``ConflictError`` (the form keeps
    what was typed). Moving the child to another community stays inside the municipality."""
    check_editable(fields, CHILD_EDITABLE)
    _require_editor(actor, child)
    update = VersionedUpdate(child, expected_version)
    values: dict[str, Any] = {name: fields.get(name, getattr(update.instance, name)) for name in CHILD_EDITABLE}
    errors = _child_errors(values)
    community: OrgUnit | None = values.get("community")
    if community is not None and community.parent_id != update.instance.municipality_id:
        errors.add("community", _("Choose a community of the child's municipality."))
    elif community is not None and is_person(actor) and not policies.can_register_child_in(actor, community):
        errors.add("community", _("You cannot move the child to a community outside your own."))
    errors.raise_if_any()
    update.apply({**values, **_keys(values)})
    update.save(actor=actor, org_unit=update.instance.community)
    return update.instance


# --- Caregivers -------------------------------------------------------------------------------
class CaregiverChanges(TypedDict, total=False):
    first_names: str
    surnames: str
    relationship: str
    lives_with_child: bool
    phone: str
    is_main_caregiver: bool


CAREGIVER_EDITABLE = tuple(CaregiverChanges.__annotations__)


def _caregiver_errors(values: dict[str, Any]) -> Errors:
    errors = Errors()
    for name, limit in (("first_names", 120), ("surnames", 120), ("phone", 30)):
        values[name] = " ".join((values.get(name) or "").split())
        check_length(errors, name, values[name], limit)
    if not values["first_names"]:
        errors.add("first_names", _("This field is required."))
    if values.get("relationship") not in Relationship.values:
        errors.add("relationship", _("Choose the relationship with the child."))
    phone = values["phone"]
    if phone and (sum(ch.isdigit() for ch in phone) < 7 or any(ch.isalpha() for ch in phone)):
        errors.add("phone", _("Write a phone number with at least 7 digits."))
    values["lives_with_child"] = bool(values.get("lives_with_child"))
    values["is_main_caregiver"] = bool(values.get("is_main_caregiver"))
    return errors


def _name_key(values: dict[str, Any]) -> str:
    return " ".join(duplicates.words(f"{values['first_names']} {values['surnames']}"))[:240]


def _one_main_caregiver(actor: Acting, caregiver: Caregiver) -> None:
    """A child has one main caregiver: naming one unmarks the others (each change audited)."""
    if not caregiver.is_main_caregiver:
        return
    for other in Caregiver.objects.filter(child=caregiver.child_id, is_main_caregiver=True).exclude(pk=caregiver.pk):
        update = VersionedUpdate(other, None)
        update.apply({"is_main_caregiver": False})
        update.save(actor=actor, org_unit=caregiver.child.community)


@transaction.atomic
def add_caregiver(*, actor: Acting, child: Child, **fields: Unpack[CaregiverChanges]) -> Caregiver:
    check_editable(fields, CAREGIVER_EDITABLE)
    _require_editor(actor, child)
    values: dict[str, Any] = dict(fields)
    _caregiver_errors(values).raise_if_any()
    caregiver = Caregiver.objects.create(child=child, name_key=_name_key(values), **values)
    audit.record_create(actor=actor, target=caregiver, org_unit=child.community)
    _one_main_caregiver(actor, caregiver)
    return caregiver


@transaction.atomic
def update_caregiver(
    *, actor: Acting, caregiver: Caregiver, expected_version: int | None, **fields: Unpack[CaregiverChanges]
) -> Caregiver:
    check_editable(fields, CAREGIVER_EDITABLE)
    _require_editor(actor, caregiver.child)
    update = VersionedUpdate(caregiver, expected_version)
    values = {name: fields.get(name, getattr(update.instance, name)) for name in CAREGIVER_EDITABLE}
    _caregiver_errors(values).raise_if_any()
    update.apply({**values, "name_key": _name_key(values)})
    update.save(actor=actor, org_unit=caregiver.child.community)
    _one_main_caregiver(actor, update.instance)
    return update.instance


@transaction.atomic
def remove_caregiver(*, actor: Acting, caregiver: Caregiver) -> None:
    _require_editor(actor, caregiver.child)
    audit.record_delete(actor=actor, target=caregiver, org_unit=caregiver.child.community)
    caregiver.delete()


# --- Asking the supervisor ----------------------------------------------------------------------
@transaction.atomic
def request_duplicate_review(
    *,
    actor: Acting,
    candidate_id: int,
    community: OrgUnit,
    score: float,
    reasons: list[str],
    new_child: Child | None = None,
) -> DuplicateReview:
    """A user who may not read a possible match asks the municipality's supervisor to look at it. The
    candidate must be one the search found for this user in that municipality (no fishing by id)."""
    _require_registrar(actor, community)
    candidate = Child.objects.filter(pk=candidate_id, municipality_id=community.parent_id).first()
    if candidate is None or any(r not in duplicates.REASON_LABELS for r in reasons):
        raise PermissionDenied
    if not is_person(actor):
        raise PermissionDenied  # only a person asks for a review
    review = DuplicateReview.objects.create(
        candidate=candidate,
        new_child=new_child,
        municipality=candidate.municipality,
        requested_by=actor.user,
        reasons=reasons,
        score=score,
    )
    audit.record(
        actor=actor,
        action=CasesAction.DUPLICATE_REVIEW_REQUESTED,
        target=review,
        org_unit=candidate.municipality,
        changes={"candidate_id": [None, candidate.pk], "reasons": [None, reasons]},
    )
    return review


@transaction.atomic
def close_review(*, actor: Acting, review: DuplicateReview) -> DuplicateReview:
    """The supervisor looked at the possible match (and merged the records, or saw they are two children)."""
    if is_person(actor) and not policies.can_manage_duplicate_reviews(actor):
        raise PermissionDenied
    locked = DuplicateReview.objects.select_for_update().get(pk=review.pk)
    if locked.status == ReviewStatus.DONE:
        return locked
    locked.status = ReviewStatus.DONE
    locked.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=CasesAction.DUPLICATE_REVIEWED,
        target=locked,
        org_unit=locked.municipality,
        changes={"status": [ReviewStatus.OPEN, ReviewStatus.DONE]},
    )
    return locked


# --- Merging two records of one child -------------------------------------------------------------
def _require_merger(actor: Acting, *children: Child) -> None:
    if is_person(actor) and not (
        policies.can_manage_merges(actor) and all(policies.can_edit_child(actor, c) for c in children)
    ):
        raise PermissionDenied


@transaction.atomic
def merge_children(*, actor: Acting, keep: Child, duplicate: Child) -> Child:
    """``duplicate`` is the same child as ``keep``: it stays, with its history and caregivers, hidden
    from lists and searches and pointing to ``keep``. ``unmerge_child`` undoes it."""
    _require_merger(actor, keep, duplicate)
    if keep.pk == duplicate.pk:
        raise ValidationError({"other": _("A record cannot be merged with itself: choose the other record.")})
    first, second = sorted((keep.pk, duplicate.pk))
    locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=(first, second)).order_by("pk")}
    kept, merged = locked[keep.pk], locked[duplicate.pk]
    errors = Errors()
    if kept.merged_into_id is not None:
        errors.add("other", _("The record to keep was itself merged into another: keep that one."))
    if merged.merged_into_id is not None:
        errors.add("other", _("This record was already merged into another."))
    if merged.municipality_id != kept.municipality_id:
        errors.add("other", _("Only records of the same municipality can be merged."))
    if Child.objects.filter(merged_into=merged).exists():
        errors.add("other", _("Other records were merged into this one: merge into it instead."))
    errors.raise_if_any()
    update = VersionedUpdate(merged, None)
    update.apply({"merged_into": kept, "merged_at": timezone.now()})
    update.save(actor=actor, org_unit=merged.community, action=CasesAction.CHILDREN_MERGED)
    # The cases follow the child who goes on; each keeps the record it was opened for.
    moved = _move_cases(actor, Case.objects.filter(child=merged), kept)
    audit.record(
        actor=actor,
        action=CasesAction.CHILDREN_MERGED,
        target=kept,
        org_unit=kept.community,
        # How many cases moved, not which: the trail must not tie a (sensitive) case to a named child.
        changes={"merged_records": [None, [merged.pk]], "cases_moved": [None, len(moved)]},
    )
    return kept


def _move_cases(actor: Acting, cases: QuerySet[Case], child: Child) -> list[int]:
    """Point ``cases`` at ``child`` (a merge or its undoing), each change audited on its case."""
    moved = []
    for case in cases.select_related("community").order_by("pk"):
        update = VersionedUpdate(case, None)
        update.apply({"child": child})
        update.save(actor=actor, org_unit=case.community, touch=True)
        moved.append(case.pk)
    return moved


@transaction.atomic
def unmerge_child(*, actor: Acting, child: Child) -> Child:
    """Undo a wrong merge: the record is a child of its own again."""
    _require_merger(actor, child)
    update = VersionedUpdate(child, None)
    kept_id = update.instance.merged_into_id
    if kept_id is None:
        raise ValidationError({"__all__": _("This record is not merged into another.")})
    update.apply({"merged_into": None, "merged_at": None})
    update.save(actor=actor, org_unit=child.community, action=CasesAction.CHILDREN_UNMERGED)
    kept = Child.objects.get(pk=kept_id)
    # The cases opened for this record come back to it (those opened for the kept one stay there).
    moved = _move_cases(actor, Case.objects.filter(opened_for=child, child=kept), update.instance)
    audit.record(
        actor=actor,
        action=CasesAction.CHILDREN_UNMERGED,
        target=kept,
        org_unit=kept.community,
        changes={"merged_records": [[child.pk], None], "cases_moved": [len(moved), None]},
    )
    return update.instance
