"""The municipality's policy instruments for children (ordinances, policies, decrees …) with their
documents, and its total budget per year (the denominator of the share invested in children).

Documents are checked as progress evidence is (``check_evidence``: size and real content) and are
stored in the transaction that records them (``core.files``); a new upload under a document's
name is its next version, and the earlier ones are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit, formatting
from ronda.core.files import save_in_transaction
from ronda.core.services import VersionedUpdate, versioned_update
from ronda.core.tenancy import Acting, is_person
from ronda.planning import limits, policies
from ronda.planning.models import (
    InstrumentKind,
    InstrumentStatus,
    MunicipalBudget,
    PolicyDocument,
    PolicyInstrument,
)
from ronda.planning.services.common import Errors, as_decimal, check_length
from ronda.planning.services.progress import CheckedFile, check_evidence
from ronda.territory.models import Level, OrgUnit

DOCUMENT_TITLE = 200
REFERENCE = 100
# Years a municipal budget may be entered for: the plans' periods lie well inside.
FIRST_YEAR, LAST_YEAR = 1990, 2100
MAX_TOTAL = Decimal("99999999999999.99")


@dataclass(frozen=True)
class InstrumentFields:
    """What a policy instrument says (all of it, for creating and for changing one)."""

    kind: str
    title: str
    status: str
    reference: str = ""
    approved_on: dt.date | None = None
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None
    approving_body: str = ""
    summary: str = ""
    notes: str = ""


def _date(value: dt.date) -> str:
    return formatting.date(value, "SHORT_DATE_FORMAT")


def instrument_errors(fields: InstrumentFields) -> Errors:
    errors = Errors()
    if fields.kind not in InstrumentKind.values:
        errors.add("kind", _("Choose the kind of instrument."))
    if fields.status not in InstrumentStatus.values:
        errors.add("status", _("Choose the status of the instrument."))
    if not fields.title.strip():
        errors.add("title", _("Give the instrument its title."))
    check_length(errors, "title", fields.title, limits.TITLE)
    check_length(errors, "reference", fields.reference, REFERENCE)
    check_length(errors, "approving_body", fields.approving_body, limits.TITLE)
    check_length(errors, "summary", fields.summary, limits.DESCRIPTION)
    check_length(errors, "notes", fields.notes, limits.NOTE)
    if fields.approved_on and fields.in_force_from and fields.in_force_from < fields.approved_on:
        errors.add(
            "in_force_from",
            _("An instrument comes into force on or after the day it is approved (%(date)s).")
            % {"date": _date(fields.approved_on)},
        )
    if fields.in_force_from and fields.in_force_until and fields.in_force_until < fields.in_force_from:
        errors.add(
            "in_force_until",
            _("The end of the term cannot be before it comes into force (%(date)s).")
            % {"date": _date(fields.in_force_from)},
        )
    if fields.in_force_until and not fields.in_force_from:
        errors.add("in_force_from", _("Say from when it is in force, since it has an end date."))
    if fields.status in (InstrumentStatus.APPROVED, InstrumentStatus.IN_FORCE) and not fields.approved_on:
        errors.add("approved_on", _("An approved instrument needs the date it was approved."))
    if fields.status == InstrumentStatus.IN_FORCE and not fields.in_force_from:
        errors.add("in_force_from", _("An instrument in force needs the date it came into force."))
    return errors


def _values(fields: InstrumentFields) -> dict[str, Any]:
    return {
        "kind": fields.kind,
        "title": fields.title.strip(),
        "status": fields.status,
        "reference": fields.reference.strip(),
        "approved_on": fields.approved_on,
        "in_force_from": fields.in_force_from,
        "in_force_until": fields.in_force_until,
        "approving_body": fields.approving_body.strip(),
        "summary": fields.summary.strip(),
        "notes": fields.notes.strip(),
    }


def _require_municipality(actor: Acting, org_unit: OrgUnit) -> None:
    if is_person(actor) and not policies.can_manage_in(actor, org_unit):
        raise PermissionDenied
    if org_unit.level != Level.MUNICIPALITY:
        raise ValidationError({"municipality": _("Choose a municipality.")})


@transaction.atomic
def create_instrument(*, actor: Acting, org_unit: OrgUnit, fields: InstrumentFields) -> PolicyInstrument:
    _require_municipality(actor, org_unit)
    instrument_errors(fields).raise_if_any()
    instrument = PolicyInstrument.objects.create(org_unit=org_unit, **_values(fields))
    audit.record_create(actor=actor, target=instrument, org_unit=org_unit)
    return instrument


@transaction.atomic
def update_instrument(
    *, actor: Acting, instrument: PolicyInstrument, expected_version: int | None, fields: InstrumentFields
) -> PolicyInstrument:
    if is_person(actor) and not policies.can_edit_instrument(actor, instrument):
        raise PermissionDenied
    instrument_errors(fields).raise_if_any()
    return versioned_update(
        actor=actor,
        instance=instrument,
        expected_version=expected_version,
        changes=_values(fields),
        org_unit=instrument.org_unit,
    )


@transaction.atomic
def add_instrument_document(
    *, actor: Acting, instrument: PolicyInstrument, expected_version: int | None, title: str, upload: Any
) -> PolicyDocument:
    """Keep a document of the instrument; under the name of an existing one it is its next version.

    The instrument's version moves on, so two people uploading at once do not both get "version 2"."""
    if is_person(actor) and not policies.can_edit_instrument(actor, instrument):
        raise PermissionDenied
    errors = Errors()
    title = title.strip()
    if not title:
        errors.add("title", _("Name the document (e.g. the text of the ordinance)."))
    check_length(errors, "title", title, DOCUMENT_TITLE)
    if upload is None:
        errors.add("evidence", _("Choose the file to upload."))
        checked = []
    else:
        checked = check_evidence(errors, [upload])
    errors.raise_if_any()
    item = checked[0]
    update = VersionedUpdate(instrument, expected_version)
    latest = PolicyDocument.objects.filter(instrument=instrument, title=title).aggregate(n=Max("revision"))["n"]
    document = PolicyDocument(
        instrument=update.instance,
        title=title,
        revision=(latest or 0) + 1,
        original_name=item.name,
        content_type=item.content_type,
        size=item.size,
        uploaded_at=timezone.now(),
        uploaded_by=actor.user,
    )
    save_in_transaction(document.file, "documento", File(item.upload))
    document.save()
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        target=document,
        org_unit=instrument.org_unit,
        changes=audit.diff(
            {},
            audit.snapshot(document, ("instrument_id", "title", "revision", "original_name", "content_type", "size")),
        ),
    )
    update.save(actor=actor, org_unit=instrument.org_unit, touch=True)
    return document


# --- The municipal budget of a year --------------------------------------------------------------
def budget_errors(year: int | None, total: Any, source: str) -> tuple[Errors, Decimal | None]:
    errors = Errors()
    if year is None or not (FIRST_YEAR <= year <= LAST_YEAR):
        errors.add("year", _("Enter a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    amount = as_decimal(total)
    if amount is None:
        errors.add("total", _("Enter the total municipal budget of the year."))
    elif amount <= 0:
        errors.add("total", _("The total municipal budget must be greater than zero."))
    elif amount > MAX_TOTAL or amount != amount.quantize(Decimal("0.01")):
        errors.add("total", _("Enter an amount with at most two decimals."))
    check_length(errors, "source", source, limits.TITLE)
    return errors, amount


def _store_budget_document(budget: MunicipalBudget, item: CheckedFile) -> None:
    """Store the checked file on ``budget`` (not saved yet), removed again if the transaction rolls back."""
    save_in_transaction(budget.document, "presupuesto", File(item.upload))
    budget.document_name = item.name
    budget.document_type = item.content_type


def _year_taken(year: int) -> str:
    return _("The budget of %(year)s is already entered: change it instead.") % {"year": year}


@transaction.atomic
def create_municipal_budget(
    *, actor: Acting, org_unit: OrgUnit, year: int, total: Any, source: str = "", document: Any = None
) -> MunicipalBudget:
    _require_municipality(actor, org_unit)
    errors, amount = budget_errors(year, total, source)
    if not errors and MunicipalBudget.objects.filter(org_unit=org_unit, year=year).exists():
        errors.add("year", _year_taken(year))
    checked = check_evidence(errors, [document]) if document is not None else []
    errors.raise_if_any()
    assert amount is not None
    budget = MunicipalBudget(org_unit=org_unit, year=year, total=amount, source=source.strip())
    if checked:
        _store_budget_document(budget, checked[0])
    try:
        with transaction.atomic():
            budget.save()
    except IntegrityError as exc:  # entered by someone else a moment ago
        raise ValidationError({"year": _year_taken(year)}) from exc
    # The stored file name stays out of the trail: it is random and says nothing.
    audit.record(
        actor=actor,
        action=audit.AuditAction.CREATE,
        target=budget,
        org_unit=org_unit,
        changes=audit.diff({}, audit.snapshot(budget, ("year", "total", "source", "document_name", "document_type"))),
    )
    return budget


@transaction.atomic
def update_municipal_budget(
    *,
    actor: Acting,
    budget: MunicipalBudget,
    expected_version: int | None,
    total: Any,
    source: str = "",
    document: Any = None,
) -> MunicipalBudget:
    """Correct the total or its source, or attach a new document (the year stays: another year is
    another budget). The document it replaces stays stored: the trail names it."""
    if is_person(actor) and not policies.can_edit_municipal_budget(actor, budget):
        raise PermissionDenied
    errors, amount = budget_errors(budget.year, total, source)
    checked = check_evidence(errors, [document]) if document is not None else []
    errors.raise_if_any()
    update = VersionedUpdate(budget, expected_version)
    locked = update.instance
    if checked:
        item = checked[0]
        save_in_transaction(locked.document, "presupuesto", File(item.upload))
        update.apply({"document_name": item.name, "document_type": item.content_type})
    update.apply({"total": amount, "source": source.strip()})
    update.save(actor=actor, org_unit=budget.org_unit, touch=bool(checked))
    if checked:
        # The stored name is random and stays out of the trail (as for evidence); the trail shows
        # the file's own name and type.
        MunicipalBudget.objects.filter(pk=locked.pk).update(document=locked.document.name)
    return locked
