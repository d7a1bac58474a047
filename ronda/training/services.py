"""Every write to the staff trainings goes through here, audited in the same transaction.

``SYSTEM`` is Ronda itself (the demo loader); people are checked against ``policies``. Errors are
collected and raised together before anything is written; edits lock the row and compare its version
(``core.services.VersionedUpdate``); the attendance by area is audited with the training
(``state``). The optional evidence is checked by its content (``core.uploads``) and stored with the
transaction that records it (``core.files``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.files import delete_on_commit, save_in_transaction
from ronda.core.services import VersionedUpdate, check_editable
from ronda.core.tenancy import Acting, is_person
from ronda.core.uploads import EXTENSIONS, UploadRejected, check_upload
from ronda.territory.models import Area, Level, OrgUnit
from ronda.training import policies
from ronda.training.models import AreaAttendance, Topic, TrainingSession

if TYPE_CHECKING:
    from typing_extensions import Unpack

MAX_HOURS = Decimal(200)
MAX_PER_CELL = 10_000


class Counts(NamedTuple):
    """Attendees of one area, by sex."""

    women: int = 0
    men: int = 0
    other: int = 0


def _require_manager(actor: Acting, municipality: OrgUnit) -> None:
    if is_person(actor) and not policies.can_manage(actor, municipality):
        raise PermissionDenied


class TrainingChanges(TypedDict, total=False):
    held_on: dt.date
    topic: str
    topic_detail: str
    hours: Decimal
    trainer: str


TRAINING_EDITABLE = tuple(TrainingChanges.__annotations__)


def _training_errors(values: dict[str, Any]) -> Errors:
    errors = Errors()
    held_on = values.get("held_on")
    if held_on is None:
        errors.add("held_on", _("This field is required."))
    elif held_on > timezone.localdate():
        errors.add("held_on", _("The date cannot be in the future."))
    topic = values.get("topic")
    if topic not in Topic.values:
        errors.add("topic", _("Choose one of the options."))
    values["topic_detail"] = (values.get("topic_detail") or "").strip()
    check_length(errors, "topic_detail", values["topic_detail"], 255)
    if topic == Topic.OTHER and not values["topic_detail"]:
        errors.add("topic_detail", _("Say what the training was about."))
    values["trainer"] = (values.get("trainer") or "").strip()
    if not values["trainer"]:
        errors.add("trainer", _("This field is required."))
    check_length(errors, "trainer", values["trainer"], 200)
    hours = values.get("hours")
    if hours is None or not Decimal(0) < hours <= MAX_HOURS or hours != hours.quantize(Decimal("0.1")):
        errors.add(
            "hours", _("Write the hours, more than 0 and at most %(max)d, with one decimal at most.") % {"max": 200}
        )
    return errors


def _attendance_errors(errors: Errors, municipality: OrgUnit, attendance: Mapping[Area, Counts]) -> None:
    for area, counts in attendance.items():
        if area.org_unit_id != municipality.pk:
            errors.add("attendance", _("Choose areas of this municipality."))
            return
        if any(c is None or not 0 <= c <= MAX_PER_CELL for c in counts):
            errors.add("attendance", _("Write numbers of people between 0 and %(max)d.") % {"max": MAX_PER_CELL})
            return


def attendance_state(training: TrainingSession) -> dict[str, Any]:
    """The attendance as audited values: {"attendance": {"<area id>": [women, men, other]}} (non-zero rows)."""
    rows = AreaAttendance.objects.filter(training=training).order_by("area_id")
    return {"attendance": {str(r.area_id): [r.women, r.men, r.other] for r in rows}}


def _write_attendance(training: TrainingSession, attendance: Mapping[Area, Counts]) -> None:
    """Replace the given areas' rows (all zeros removes the row: empty rows are not stored)."""
    for area, counts in attendance.items():
        if sum(counts):
            AreaAttendance.objects.update_or_create(
                training=training,
                area=area,
                defaults={"women": counts.women, "men": counts.men, "other": counts.other},
            )
        else:
            AreaAttendance.objects.filter(training=training, area=area).delete()


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def _check_evidence(errors: Errors, upload: Any) -> tuple[str, str]:
    """(display name, content type) of a PDF, PNG or JPEG that really is one (``core.uploads``), within
    ``RONDA_UPLOAD_MAX_BYTES``; the problem under ``evidence`` otherwise. The same checks as every upload."""
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name or _("file")
    size = _size(upload)
    limit = settings.RONDA_UPLOAD_MAX_BYTES
    if size > limit:
        errors.add("evidence", _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": limit // (1024 * 1024)})
    elif size == 0:
        errors.add("evidence", _("%(name)s is empty.") % {"name": name})
    else:
        try:
            content_type = check_upload(upload, name=name)
        except UploadRejected as rejected:
            errors.add("evidence", rejected.message)
        else:
            stem = PurePath(name).stem[:200] or "evidencia"
            return f"{stem}{EXTENSIONS[content_type]}", content_type
    return name, ""


def _store_evidence(training: TrainingSession, upload: Any) -> None:
    """Stored now, removed again if the transaction rolls back; a replaced file goes once it commits."""
    if training.evidence:
        delete_on_commit(training.evidence)
    save_in_transaction(training.evidence, "evidencia", File(upload))


@transaction.atomic
def record_training(
    *,
    actor: Acting,
    municipality: OrgUnit,
    held_on: dt.date,
    topic: str,
    hours: Decimal,
    trainer: str,
    topic_detail: str = "",
    attendance: Mapping[Area, Counts] | None = None,
    evidence: Any = None,
) -> TrainingSession:
    _require_manager(actor, municipality)
    values: dict[str, Any] = {
        "held_on": held_on,
        "topic": topic,
        "topic_detail": topic_detail,
        "hours": hours,
        "trainer": trainer,
    }
    errors = _training_errors(values)
    if municipality.level != Level.MUNICIPALITY:
        errors.add("__all__", _("Trainings are kept per municipality."))
    _attendance_errors(errors, municipality, attendance or {})
    name, content_type = _check_evidence(errors, evidence) if evidence is not None else ("", "")
    errors.raise_if_any()
    training = TrainingSession(municipality=municipality, evidence_name=name, evidence_type=content_type, **values)
    if evidence is not None:
        _store_evidence(training, evidence)
    training.save()
    _write_attendance(training, attendance or {})
    changes = audit.diff({}, {**audit.snapshot(training), **attendance_state(training)})
    changes.pop("evidence", None)  # the stored file's random name says nothing
    audit.record(actor=actor, action=audit.AuditAction.CREATE, target=training, org_unit=municipality, changes=changes)
    return training


@transaction.atomic
def update_training(
    *,
    actor: Acting,
    training: TrainingSession,
    expected_version: int | None,
    attendance: Mapping[Area, Counts] | None = None,
    evidence: Any = None,
    **changes: Unpack[TrainingChanges],
) -> TrainingSession:
    """Edit a training; ``attendance`` replaces the areas it names; ``evidence`` replaces the document."""
    municipality = training.municipality
    _require_manager(actor, municipality)
    check_editable(changes, TRAINING_EDITABLE)
    update = VersionedUpdate(training, expected_version, state=attendance_state)
    values = {name: changes.get(name, getattr(update.instance, name)) for name in TRAINING_EDITABLE}
    errors = _training_errors(values)
    _attendance_errors(errors, municipality, attendance or {})
    name, content_type = _check_evidence(errors, evidence) if evidence is not None else ("", "")
    errors.raise_if_any()
    update.apply(values)
    if evidence is not None:
        update.apply({"evidence_name": name, "evidence_type": content_type})
        _store_evidence(update.instance, evidence)
        update.instance.save(update_fields=["evidence"])
    _write_attendance(update.instance, attendance or {})
    update.save(actor=actor, org_unit=municipality, touch=True)
    return update.instance
