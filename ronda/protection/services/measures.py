"""Protective measures and their periodic review (issue #12, item 2; decision 0026).

A measure is recorded on a file with its type, issuing authority, date and legal basis. It is
reviewed every ``review_interval_months`` (the type's default, three months unless the country's
law says otherwise): ``next_review_on`` is the day it was issued, or last reviewed, plus the
interval in calendar months (31 January + 1 month = the last day of February). A review that ends
the measure needs a reason, and so does any other end. An urgent measure (LGDNNA art. 122) must be
ratified by a judge within the type's ``ratification_days``; an overdue ratification is an alert
(``ronda.protection.alerts``).

Each service checks ``policies.can_work_on_file`` for a person, validates the whole change first
(one ``ValidationError`` with every field's message), then writes the rows and their audit events
in one transaction, under the measure's row lock (two reviews at once see each other).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.services import VersionedUpdate
from ronda.core.tenancy import Acting, is_person
from ronda.protection import policies
from ronda.protection.models import (
    MeasureEndReason,
    MeasureReview,
    MeasureStatus,
    MeasureType,
    ProtectionAction,
    ProtectionFile,
    ProtectiveMeasure,
    ReviewOutcome,
)

TEXT_LIMIT = 10_000
AUTHORITY_LIMIT = 200
LEGAL_BASIS_LIMIT = 300
PARTICIPANTS_LIMIT = 500
# The longest interval between two reviews a measure may be given: a year (the UN Guidelines ask
# for "preferably at least every three months"; no law Ronda serves allows more than a year).
MAX_REVIEW_MONTHS = 12


def next_review(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; a day the target month lacks becomes its last day
    (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _today() -> dt.date:
    return timezone.localdate()


def _require_worker(actor: Acting, file: ProtectionFile) -> None:
    if is_person(actor) and not policies.can_work_on_file(actor, file):
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


def _require_open(errors: Errors, file: ProtectionFile) -> None:
    if not file.is_open:
        errors.add("__all__", _("The protection file is closed: reopen it to record new work on it."))


def _fact_date(errors: Errors, field: str, value: dt.date | None, *, missing: str) -> None:
    if value is None:
        errors.add(field, missing)
    elif value > _today():
        errors.add(field, _("The date cannot be in the future."))


def _recorder(actor: Acting, file: ProtectionFile):  # type: ignore[no-untyped-def]
    """Who a row is recorded by: the person acting, or (Ronda itself) the file's officer."""
    return actor.user if is_person(actor) else file.officer


# --- Recording a measure -------------------------------------------------------------------------
@transaction.atomic
def record_measure(
    *,
    actor: Acting,
    file: ProtectionFile,
    type: MeasureType,
    issuing_authority: str,
    issued_on: dt.date | None,
    legal_basis: str,
    description: str = "",
    review_interval_months: int | None = None,
) -> ProtectiveMeasure:
    """A measure issued by ``issuing_authority`` on ``issued_on``. Its first review is due
    ``review_interval_months`` after it (the type's default when not given); an urgent measure's
    ratification is due ``type.ratification_days`` after it."""
    _require_worker(actor, file)
    errors = Errors()
    _require_open(errors, file)
    country_path = file.path.split(".")[0] + "."
    if not type.is_active:
        errors.add("type", _("This type of measure is no longer in use: choose another."))
    elif type.country.path != country_path:
        errors.add("type", _("Choose a type of measure of the country where the file is held."))
    issuing_authority = _line(
        errors,
        "issuing_authority",
        issuing_authority,
        AUTHORITY_LIMIT,
        _("Say which authority issued the measure."),
    )
    legal_basis = _line(
        errors, "legal_basis", legal_basis, LEGAL_BASIS_LIMIT, _("Write the legal basis of the measure.")
    )
    description = _text(errors, "description", description, TEXT_LIMIT)
    _fact_date(errors, "issued_on", issued_on, missing=_("Write the day the measure was issued."))
    if issued_on is not None and issued_on < file.opened_on and "issued_on" not in errors:
        errors.add("issued_on", _("The measure cannot be issued before the file was opened."))
    interval = type.default_review_months if review_interval_months is None else review_interval_months
    if not 1 <= interval <= MAX_REVIEW_MONTHS:
        errors.add(
            "review_interval_months",
            _("Choose a review interval between 1 and %(max)d months.") % {"max": MAX_REVIEW_MONTHS},
        )
    errors.raise_if_any()
    assert issued_on is not None
    ratification_due_on = None
    if type.is_urgent and type.ratification_days:
        ratification_due_on = issued_on + dt.timedelta(days=type.ratification_days)
    measure = ProtectiveMeasure.objects.create(
        file=file,
        type=type,
        description=description,
        issuing_authority=issuing_authority,
        issued_on=issued_on,
        legal_basis=legal_basis,
        review_interval_months=interval,
        next_review_on=next_review(issued_on, interval),
        ratification_due_on=ratification_due_on,
        recorded_by=_recorder(actor, file),
    )
    audit.record_create(actor=actor, target=measure, org_unit=policies.trail_unit(file))
    return measure


# --- Reviews -------------------------------------------------------------------------------------
def _end_reason(errors: Errors, field: str, end_reason: str, missing: str) -> None:
    if not end_reason:
        errors.add(field, missing)
    elif end_reason not in MeasureEndReason.values:
        errors.add(field, _("Choose why the measure ends from the list."))


@transaction.atomic
def review_measure(
    *,
    actor: Acting,
    measure: ProtectiveMeasure,
    reviewed_on: dt.date | None,
    outcome: str,
    participants: str,
    child_heard: bool,
    child_opinion: str = "",
    notes: str = "",
    end_reason: str = "",
    expected_version: int | None = None,
) -> MeasureReview:
    """A review of a measure in force: who took part, whether the child was heard (and then what
    they said), the outcome. The next review is due an interval after this one; the outcome "end"
    ends the measure on the day of the review, with ``end_reason``."""
    file = measure.file
    _require_worker(actor, file)
    update = VersionedUpdate(measure, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, file)
    if not locked.is_active:
        errors.add("__all__", _("This measure has ended: it is no longer reviewed."))
    _fact_date(errors, "reviewed_on", reviewed_on, missing=_("Write the day of the review."))
    if reviewed_on is not None and "reviewed_on" not in errors:
        if reviewed_on < locked.issued_on:
            errors.add("reviewed_on", _("A review cannot be dated before the measure was issued."))
        elif locked.last_reviewed_on is not None and reviewed_on < locked.last_reviewed_on:
            errors.add("reviewed_on", _("A review cannot be dated before the last review of the measure."))
    if outcome not in ReviewOutcome.values:
        errors.add("outcome", _("Choose the outcome of the review."))
    participants = _line(
        errors, "participants", participants, PARTICIPANTS_LIMIT, _("Say who took part in the review.")
    )
    child_opinion = _text(errors, "child_opinion", child_opinion, TEXT_LIMIT)
    if child_heard and not child_opinion:
        errors.add("child_opinion", _("Write what the child said: their opinion was heard."))
    notes = _text(errors, "notes", notes, TEXT_LIMIT)
    ends = outcome == ReviewOutcome.END
    if ends:
        _end_reason(errors, "end_reason", end_reason, _("Say why the review ends the measure."))
    errors.raise_if_any()
    assert reviewed_on is not None
    review = MeasureReview.objects.create(
        measure=locked,
        reviewed_on=reviewed_on,
        outcome=outcome,
        participants=participants,
        child_heard=bool(child_heard),
        child_opinion=child_opinion if child_heard else "",
        notes=notes,
        reviewed_by=_recorder(actor, file),
    )
    audit.record_create(actor=actor, target=review, org_unit=policies.trail_unit(file))
    if ends:
        update.apply(
            {
                "last_reviewed_on": reviewed_on,
                "next_review_on": None,
                "status": MeasureStatus.ENDED,
                "ended_on": reviewed_on,
                "end_reason": end_reason,
            }
        )
        update.save(actor=actor, org_unit=policies.trail_unit(file), action=ProtectionAction.MEASURE_ENDED)
    else:
        update.apply(
            {
                "last_reviewed_on": reviewed_on,
                "next_review_on": next_review(reviewed_on, locked.review_interval_months),
            }
        )
        update.save(
            actor=actor, org_unit=policies.trail_unit(file), action=ProtectionAction.MEASURE_REVIEWED, touch=True
        )
    return review


# --- Ratification and end ------------------------------------------------------------------------
@transaction.atomic
def ratify_measure(
    *,
    actor: Acting,
    measure: ProtectiveMeasure,
    ratified_on: dt.date | None,
    ratified_by: str,
    expected_version: int | None = None,
) -> ProtectiveMeasure:
    """A judge ratified an urgent measure (the court's name in ``ratified_by``)."""
    file = measure.file
    _require_worker(actor, file)
    update = VersionedUpdate(measure, expected_version)
    locked = update.instance
    errors = Errors()
    _require_open(errors, file)
    if not locked.is_active:
        errors.add("__all__", _("This measure has ended: it can no longer be ratified."))
    elif locked.ratification_due_on is None:
        errors.add("__all__", _("Only an urgent measure is ratified by a judge."))
    elif locked.ratified_on is not None:
        errors.add("__all__", _("This measure has already been ratified."))
    _fact_date(errors, "ratified_on", ratified_on, missing=_("Write the day the judge ratified the measure."))
    if ratified_on is not None and "ratified_on" not in errors and ratified_on < locked.issued_on:
        errors.add("ratified_on", _("A measure cannot be ratified before it was issued."))
    ratified_by = _line(errors, "ratified_by", ratified_by, AUTHORITY_LIMIT, _("Say which court ratified the measure."))
    errors.raise_if_any()
    update.apply({"ratified_on": ratified_on, "ratified_by": ratified_by})
    update.save(actor=actor, org_unit=policies.trail_unit(file))
    return update.instance


@transaction.atomic
def end_measure(
    *,
    actor: Acting,
    measure: ProtectiveMeasure,
    ended_on: dt.date | None,
    end_reason: str,
    end_note: str = "",
    expected_version: int | None = None,
) -> ProtectiveMeasure:
    """End a measure in force, with a reason (and a note, required for "other")."""
    file = measure.file
    _require_worker(actor, file)
    update = VersionedUpdate(measure, expected_version)
    locked = update.instance
    errors = Errors()
    if not locked.is_active:
        errors.add("__all__", _("This measure has already ended."))
    _fact_date(errors, "ended_on", ended_on, missing=_("Write the day the measure ended."))
    if ended_on is not None and "ended_on" not in errors:
        if ended_on < locked.issued_on:
            errors.add("ended_on", _("A measure cannot end before it was issued."))
        elif locked.last_reviewed_on is not None and ended_on < locked.last_reviewed_on:
            errors.add("ended_on", _("A measure cannot end before its last review."))
    _end_reason(errors, "end_reason", end_reason, _("Say why the measure ends."))
    end_note = _text(errors, "end_note", end_note, TEXT_LIMIT)
    if end_reason == MeasureEndReason.OTHER and not end_note:
        errors.add("end_note", _("Explain in the note why the measure ends."))
    errors.raise_if_any()
    update.apply(
        {
            "status": MeasureStatus.ENDED,
            "ended_on": ended_on,
            "end_reason": end_reason,
            "end_note": end_note,
            "next_review_on": None,
        }
    )
    update.save(actor=actor, org_unit=policies.trail_unit(file), action=ProtectionAction.MEASURE_ENDED)
    return update.instance
