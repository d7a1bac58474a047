"""Every write to a municipality's consultations and map of social actors goes through here, audited
in the same transaction.

``SYSTEM`` is Ronda itself (the demo loader); people are checked against ``policies``. Errors are
collected (``core.errors.Errors``) and raised together before anything is written; edits lock the
row and compare its version (``core.services.VersionedUpdate``, decision 0009), and the links of a
consultation (findings, measures, actors) are audited with it as lists of ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ronda.accounts.models import User
from ronda.consultations import policies
from ronda.consultations.models import (
    COUNT_FIELDS,
    MAX_COUNT,
    ActorKind,
    Audience,
    Consultation,
    ConsultationsAction,
    ConsultationStatus,
    Level,
    Method,
    Relationship,
    SocialActor,
)
from ronda.core import audit
from ronda.core.errors import Errors, ValidationError, check_length
from ronda.core.models import AuditAction
from ronda.core.services import VersionedUpdate, check_editable, event_by_new_value
from ronda.core.tenancy import Acting, is_person
from ronda.council.models import ChildrenCouncil, CouncilSession
from ronda.council.selectors import mentions_member_name
from ronda.planning.models import Finding, Measure
from ronda.territory.models import Level as UnitLevel
from ronda.territory.models import OrgUnit

if TYPE_CHECKING:
    from typing_extensions import Unpack

TEXT_LIMIT = 5000
ROLE_LIMIT = 2000
MAX_LINKS = 50


def _today() -> dt.date:
    return timezone.localdate()


def _person(actor: Acting) -> User | None:
    return actor.user if is_person(actor) else None


def _require_manager(actor: Acting, municipality: OrgUnit) -> None:
    if is_person(actor) and not policies.can_manage(actor, municipality):
        raise PermissionDenied


def _text(errors: Errors, field: str, value: str | None, *, required: bool = False, limit: int = 200) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    else:
        check_length(errors, field, text, limit)
    return text


def _choice(errors: Errors, field: str, value: Any, allowed: list[str]) -> None:
    if value not in allowed:
        errors.add(field, _("Choose one of the options."))


def _not_future(errors: Errors, field: str, value: dt.date | None, *, required: bool = True) -> None:
    if value is None:
        if required:
            errors.add(field, _("This field is required."))
    elif value > _today():
        errors.add(field, _("The date cannot be in the future."))


def _municipality(errors: Errors, municipality: OrgUnit) -> None:
    if municipality.level != UnitLevel.MUNICIPALITY:
        errors.add("__all__", _("Consultations and social actors are kept per municipality."))


# --- Consultations -----------------------------------------------------------------------------
class ConsultationChanges(TypedDict, total=False):
    held_on: dt.date
    title: str
    audience: str
    method: str
    participants: str
    girls_0_5: int
    boys_0_5: int
    girls_6_11: int
    boys_6_11: int
    girls_12_17: int
    boys_12_17: int
    adults: int
    summary: str
    response: str
    answered_by: str
    answered_on: dt.date | None
    status: str
    council_session: CouncilSession | None
    findings: list[Finding]
    measures: list[Measure]
    actors: list[SocialActor]


CONSULTATION_EDITABLE = tuple(ConsultationChanges.__annotations__)
LINKS = ("findings", "measures", "actors")
CONSULTATION_COLUMNS = tuple(name for name in CONSULTATION_EDITABLE if name not in LINKS)
CONSULTATION_EVENTS = event_by_new_value(
    "status",
    {
        ConsultationStatus.ANSWERED: ConsultationsAction.CONSULTATION_ANSWERED,
        ConsultationStatus.CLOSED: ConsultationsAction.CONSULTATION_CLOSED,
    },
)


def _links(
    errors: Errors,
    field: str,
    chosen: Iterable[Any] | None,
    allowed: Any,
    message: str,
) -> list[Any]:
    """``chosen`` if every one of them is in ``allowed`` (a queryset), else ``message`` under ``field``."""
    items = list(dict.fromkeys(chosen or ()))
    if len(items) > MAX_LINKS:
        errors.add(field, _("Choose at most %(max)d.") % {"max": MAX_LINKS})
        return items
    if items and allowed.filter(pk__in=[item.pk for item in items]).count() != len(items):
        errors.add(field, message)
    return items


def _consultation_errors(actor: Acting, municipality: OrgUnit, values: dict[str, Any]) -> Errors:
    errors = Errors()
    _municipality(errors, municipality)
    held_on = values.get("held_on")
    _not_future(errors, "held_on", held_on)
    values["title"] = _text(errors, "title", values.get("title"), required=True)
    _choice(errors, "audience", values.get("audience"), Audience.values)
    _choice(errors, "method", values.get("method"), Method.values)
    _choice(errors, "status", values.get("status"), ConsultationStatus.values)
    values["participants"] = _text(errors, "participants", values.get("participants"), limit=TEXT_LIMIT)
    counts_ok = True
    for name in COUNT_FIELDS:
        count = values.get(name)
        if count is None:
            values[name] = count = 0
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
            counts_ok = False
            shown = formats.number_format(MAX_COUNT, force_grouping=True)
            errors.add(name, _("Write a number between 0 and %(max)s.") % {"max": shown})
    if counts_ok and not any(values[name] for name in COUNT_FIELDS):
        errors.add("adults", _("Count the people who took part: at least one child or adult."))
    summary = values["summary"] = (values.get("summary") or "").strip()
    if not summary:
        errors.add("summary", _("Write what the participants said."))
    else:
        check_length(errors, "summary", summary, TEXT_LIMIT)
    values["response"] = _text(errors, "response", values.get("response"), limit=TEXT_LIMIT)
    values["answered_by"] = _text(errors, "answered_by", values.get("answered_by"))
    answered_on = values.get("answered_on")
    _not_future(errors, "answered_on", answered_on, required=False)
    if answered_on is not None and held_on is not None and answered_on < held_on:
        errors.add("answered_on", _("The answer cannot come before the consultation."))
    if values.get("status") in (ConsultationStatus.ANSWERED, ConsultationStatus.CLOSED):
        if not values["response"]:
            errors.add("response", _("Write what was done with what they said before marking it answered."))
        if answered_on is None:
            errors.add("answered_on", _("Write the date of the answer."))
    session = values.get("council_session")
    if session is not None:
        if values.get("audience") != Audience.CHILDREN_COUNCIL:
            errors.add(
                "council_session",
                _("Only a consultation of the children's council takes place in one of its sessions."),
            )
        elif not policies.citable_sessions(actor, municipality).filter(pk=session.pk).exists():
            errors.add("council_session", _("Choose a session of this municipality's children's council."))
    values["findings"] = _links(
        errors,
        "findings",
        values.get("findings"),
        policies.citable_findings(actor, municipality),
        _("Choose findings of this municipality's diagnoses."),
    )
    values["measures"] = _links(
        errors,
        "measures",
        values.get("measures"),
        policies.citable_measures(actor, municipality),
        _("Choose measures of this municipality's plans."),
    )
    values["actors"] = _links(
        errors,
        "actors",
        values.get("actors"),
        policies.actors_of(municipality),
        _("Choose social actors of this municipality."),
    )
    if values.get("audience") == Audience.CHILDREN_COUNCIL:
        council = ChildrenCouncil.objects.filter(org_unit=municipality).first()
        texts = (values["participants"], summary, values["response"], values["title"])
        if council is not None and mentions_member_name(council, *texts):
            # The name found is not repeated: the message must not carry it either.
            errors.add("__all__", _("Do not write children's names: a consultation is recorded without them."))
    return errors


def _link_state(consultation: Consultation) -> dict[str, Any]:
    """The links of a consultation as the trail records them: sorted lists of ids."""
    return {name: sorted(getattr(consultation, name).values_list("pk", flat=True)) for name in LINKS}


def _set_links(consultation: Consultation, values: dict[str, Any]) -> None:
    for name in LINKS:
        getattr(consultation, name).set(values[name])


@transaction.atomic
def record_consultation(
    *,
    actor: Acting,
    municipality: OrgUnit,
    held_on: dt.date,
    title: str,
    audience: str,
    method: str,
    summary: str,
    participants: str = "",
    girls_0_5: int = 0,
    boys_0_5: int = 0,
    girls_6_11: int = 0,
    boys_6_11: int = 0,
    girls_12_17: int = 0,
    boys_12_17: int = 0,
    adults: int = 0,
    response: str = "",
    answered_by: str = "",
    answered_on: dt.date | None = None,
    status: str = ConsultationStatus.HELD,
    council_session: CouncilSession | None = None,
    findings: Iterable[Finding] = (),
    measures: Iterable[Measure] = (),
    actors: Iterable[SocialActor] = (),
) -> Consultation:
    """A consultation held, what the participants said and, when known, what was done with it. The
    findings and measures it cites must be the municipality's and visible to ``actor``."""
    _require_manager(actor, municipality)
    values: dict[str, Any] = {
        "held_on": held_on,
        "title": title,
        "audience": audience,
        "method": method,
        "participants": participants,
        "girls_0_5": girls_0_5,
        "boys_0_5": boys_0_5,
        "girls_6_11": girls_6_11,
        "boys_6_11": boys_6_11,
        "girls_12_17": girls_12_17,
        "boys_12_17": boys_12_17,
        "adults": adults,
        "summary": summary,
        "response": response,
        "answered_by": answered_by,
        "answered_on": answered_on,
        "status": status,
        "council_session": council_session,
        "findings": findings,
        "measures": measures,
        "actors": actors,
    }
    _consultation_errors(actor, municipality, values).raise_if_any()
    consultation = Consultation.objects.create(
        municipality=municipality,
        recorded_by=_person(actor),
        **{name: values[name] for name in CONSULTATION_COLUMNS},
    )
    _set_links(consultation, values)
    changes = audit.diff({}, {**audit.snapshot(consultation), **_link_state(consultation)})
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=consultation,
        org_unit=municipality,
        changes=changes,
    )
    return consultation


@transaction.atomic
def update_consultation(
    *,
    actor: Acting,
    consultation: Consultation,
    expected_version: int | None,
    **changes: Unpack[ConsultationChanges],
) -> Consultation:
    """Correct a consultation, record its answer (``status`` answered, with ``response`` and
    ``answered_on``), or change what it cites."""
    municipality = consultation.municipality
    _require_manager(actor, municipality)
    check_editable(changes, CONSULTATION_EDITABLE)
    update = VersionedUpdate(consultation, expected_version, state=_link_state)
    current: dict[str, Any] = {name: getattr(update.instance, name) for name in CONSULTATION_COLUMNS}
    current.update({name: list(getattr(update.instance, name).all()) for name in LINKS})
    values = {**current, **changes}
    _consultation_errors(actor, municipality, values).raise_if_any()
    update.apply({name: values[name] for name in CONSULTATION_COLUMNS})
    _set_links(update.instance, values)
    update.save(actor=actor, org_unit=municipality, action=CONSULTATION_EVENTS)
    return update.instance


@transaction.atomic
def delete_consultation(*, actor: Acting, consultation: Consultation) -> None:
    """A consultation recorded by mistake (the trail keeps what it was)."""
    municipality = consultation.municipality
    _require_manager(actor, municipality)
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        target=consultation,
        org_unit=municipality,
        changes=audit.diff({**audit.snapshot(consultation), **_link_state(consultation)}, {}),
    )
    consultation.delete()


# --- The map of social actors --------------------------------------------------------------------
class ActorChanges(TypedDict, total=False):
    name: str
    kind: str
    role: str
    interest: str
    influence: str
    relationship: str
    contact_name: str
    contact_phone: str
    contact_email: str
    active: bool


ACTOR_EDITABLE = tuple(ActorChanges.__annotations__)


def _actor_errors(municipality: OrgUnit, values: dict[str, Any], *, pk: int | None = None) -> Errors:
    errors = Errors()
    _municipality(errors, municipality)
    name = values["name"] = _text(errors, "name", values.get("name"), required=True)
    _choice(errors, "kind", values.get("kind"), ActorKind.values)
    _choice(errors, "interest", values.get("interest"), Level.values)
    _choice(errors, "influence", values.get("influence"), Level.values)
    _choice(errors, "relationship", values.get("relationship"), Relationship.values)
    values["role"] = _text(errors, "role", values.get("role"), limit=ROLE_LIMIT)
    values["contact_name"] = _text(errors, "contact_name", values.get("contact_name"))
    values["contact_phone"] = phone = _text(errors, "contact_phone", values.get("contact_phone"), limit=40)
    if phone and not any(c.isdigit() for c in phone):
        errors.add("contact_phone", _("Write a phone number with its digits."))
    email = values["contact_email"] = _text(errors, "contact_email", values.get("contact_email"), limit=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("contact_email", _("Write a valid e-mail address."))
    values["active"] = bool(values.get("active", True))
    if name:
        same = SocialActor.objects.filter(municipality=municipality, name__iexact=name)
        if pk is not None:
            same = same.exclude(pk=pk)
        if same.exists():
            errors.add("name", _("This organisation is already on the map."))
    return errors


@transaction.atomic
def record_actor(
    *,
    actor: Acting,
    municipality: OrgUnit,
    name: str,
    kind: str,
    interest: str,
    influence: str,
    relationship: str,
    role: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    active: bool = True,
) -> SocialActor:
    """An organisation on the municipality's map of social actors."""
    _require_manager(actor, municipality)
    values: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "role": role,
        "interest": interest,
        "influence": influence,
        "relationship": relationship,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_email": contact_email,
        "active": active,
    }
    _actor_errors(municipality, values).raise_if_any()
    social_actor = SocialActor.objects.create(municipality=municipality, recorded_by=_person(actor), **values)
    audit.record_create(actor=actor, target=social_actor, org_unit=municipality)
    return social_actor


@transaction.atomic
def update_actor(
    *, actor: Acting, social_actor: SocialActor, expected_version: int | None, **changes: Unpack[ActorChanges]
) -> SocialActor:
    """Correct an actor of the map, or set it inactive (``active=False``: its consultations keep it)."""
    municipality = social_actor.municipality
    _require_manager(actor, municipality)
    check_editable(changes, ACTOR_EDITABLE)
    update = VersionedUpdate(social_actor, expected_version)
    values = {name: changes.get(name, getattr(update.instance, name)) for name in ACTOR_EDITABLE}
    _actor_errors(municipality, values, pk=social_actor.pk).raise_if_any()
    update.apply(values)
    update.save(actor=actor, org_unit=municipality)
    return update.instance


@transaction.atomic
def delete_actor(*, actor: Acting, social_actor: SocialActor) -> None:
    """An actor entered by mistake. One that took part in a consultation is set inactive instead."""
    municipality = social_actor.municipality
    _require_manager(actor, municipality)
    if social_actor.consultations.exists():
        raise ValidationError(
            {"__all__": _("This organisation took part in consultations: mark it inactive instead of deleting it.")}
        )
    audit.record_delete(actor=actor, target=social_actor, org_unit=municipality)
    social_actor.delete()
