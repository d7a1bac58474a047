"""Recording progress on a measure: a dated report with a justification and evidence files.

The report is appended to the history (ProgressUpdate rows are never edited) and the measure's
current progress is updated in the same transaction, checked against the version the form loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.core import audit
from ronda.core.files import save_in_transaction
from ronda.core.services import VersionedUpdate
from ronda.core.tenancy import Acting, is_person
from ronda.core.uploads import EXTENSIONS, UploadRejected, check_upload
from ronda.planning import limits, policies
from ronda.planning.models import (
    Evidence,
    Measure,
    MeasureStatus,
    PlanningAction,
    PlanStatus,
    ProgressCorrection,
    ProgressUpdate,
)
from ronda.planning.services.common import Errors, as_decimal, check_length

MAX_EVIDENCE_FILES = 10


@dataclass(frozen=True)
class CheckedFile:
    upload: Any
    name: str
    content_type: str
    size: int


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def clean_name(name: str, content_type: str) -> str:
    """A display name only (files are stored under random names): no path, sensible extension."""
    base = PurePath(str(name or "").replace("\\", "/")).name.strip() or "evidencia"
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')[:200] or "evidencia"
    extension = EXTENSIONS[content_type]
    if not base.lower().endswith((extension, ".jpeg") if content_type == "image/jpeg" else (extension,)):
        base = f"{base}{extension}"
    return base


def check_evidence(errors: Errors, files: Sequence[IO[bytes] | Any]) -> list[CheckedFile]:
    """Size (RONDA_UPLOAD_MAX_BYTES) and content: a JPEG, PNG or PDF that really is one, with nothing
    hidden in it (core.uploads); errors under ``evidence``."""
    limit = settings.RONDA_UPLOAD_MAX_BYTES
    if len(files) > MAX_EVIDENCE_FILES:
        errors.add(
            "evidence",
            ngettext("Attach at most %(n)d file.", "Attach at most %(n)d files.", MAX_EVIDENCE_FILES)
            % {"n": MAX_EVIDENCE_FILES},
        )
        return []
    checked = []
    for upload in files:
        name = str(getattr(upload, "name", "") or "")
        display = PurePath(name.replace("\\", "/")).name or _("file")
        size = _size(upload)
        if size > limit:
            errors.add(
                "evidence",
                _("%(name)s is larger than %(mb)d MB.") % {"name": display, "mb": limit // (1024 * 1024)},
            )
            continue
        if size == 0:
            errors.add("evidence", _("%(name)s is empty.") % {"name": display})
            continue
        try:
            content_type = check_upload(upload, name=display)
        except UploadRejected as rejected:
            errors.add("evidence", rejected.message)
            continue
        checked.append(CheckedFile(upload, clean_name(name, content_type), content_type, size))
    return checked


def _next_status(current: str, percent: Decimal) -> str:
    if percent >= 100 and current != MeasureStatus.CANCELLED:
        return MeasureStatus.COMPLETED
    if current == MeasureStatus.COMPLETED and percent < 100:
        return MeasureStatus.IN_PROGRESS
    if current == MeasureStatus.NOT_STARTED and percent > 0:
        return MeasureStatus.IN_PROGRESS
    return current


@transaction.atomic
def record_progress(
    *,
    actor: Acting,
    measure: Measure,
    expected_version: int | None,
    percent: Decimal | int | str,
    justification: str,
    files: Sequence[Any] = (),
    reported_on: dt.date | None = None,
    drop_reason: str = "",
) -> ProgressUpdate:
    """Append a progress report and make it the measure's current progress.

    A report that lowers the measure's progress needs ``drop_reason`` (kept on the report). A report
    dated before the measure's latest one (a late report) joins the history only.
    """
    if is_person(actor) and not policies.can_record_progress(actor, measure):
        raise PermissionDenied
    plan = measure.plan
    today = timezone.localdate()
    reported_on = reported_on or today
    errors = Errors()
    value = as_decimal(percent)
    if value is None:
        errors.add("percent", _("Enter a number from 0 to 100."))
    elif not (0 <= value <= 100):
        errors.add("percent", _("Progress must be between 0 and 100 %."))
    elif value != value.quantize(Decimal("0.01")):
        errors.add("percent", _("Use at most two decimals."))
    if not justification.strip():
        errors.add("justification", _("Explain what was done: the justification is required."))
    check_length(errors, "justification", justification, limits.NOTE)
    check_length(errors, "drop_reason", drop_reason, limits.NOTE)
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.IN_EXECUTION):
        errors.add("__all__", _("Progress is recorded once the plan is approved, and until it is evaluated."))
    if measure.status == MeasureStatus.CANCELLED:
        errors.add("__all__", _("This measure was cancelled: it takes no more progress reports."))
    if reported_on > today:
        errors.add("reported_on", _("The date cannot be in the future."))
    elif reported_on < plan.period_start:
        errors.add("reported_on", _("The date is before the plan starts."))
    checked = check_evidence(errors, files)
    errors.raise_if_any()
    assert value is not None
    value = value.quantize(Decimal("0.01"))

    measure_update = VersionedUpdate(measure, expected_version)
    locked = measure_update.instance
    becomes_current = locked.progress_updated_on is None or reported_on >= locked.progress_updated_on
    drop_reason = drop_reason.strip()
    if becomes_current and value < locked.progress and not drop_reason:
        errors.add(
            "drop_reason",
            _("Progress goes down from %(old)s %% to %(new)s %%: explain why.")
            % {"old": formats.number_format(locked.progress, 2), "new": formats.number_format(value, 2)},
        )
        errors.raise_if_any()
    update = ProgressUpdate.objects.create(
        measure=locked,
        plan_id=locked.plan_id,
        reported_on=reported_on,
        percent=value,
        justification=justification.strip(),
        drop_reason=drop_reason if becomes_current and value < locked.progress else "",
        author=actor.user,
    )
    audit.record_create(actor=actor, target=update, org_unit=plan.org_unit)
    for item in checked:
        evidence = Evidence(
            update=update,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            uploaded_at=timezone.now(),
        )
        # Stored now, and removed again if this transaction (or the caller's) rolls back: the rows
        # and their files are kept or dropped together (core.files, decision 0016).
        save_in_transaction(evidence.file, "evidencia", File(item.upload))
        evidence.save()
        # The stored file name stays out of the trail: it is random and says nothing.
        audit.record(
            actor=actor,
            action=audit.AuditAction.CREATE,
            target=evidence,
            org_unit=plan.org_unit,
            changes=audit.diff({}, audit.snapshot(evidence, ("update_id", "original_name", "content_type", "size"))),
        )
    if becomes_current:
        measure_update.apply(
            {
                "progress": value,
                "progress_justification": update.justification,
                "progress_updated_on": reported_on,
                "status": _next_status(locked.status, value),
            }
        )
    # A late report joins the history only, but the version still moves on: a progress form opened
    # before it must not be saved over it.
    measure_update.save(actor=actor, org_unit=plan.org_unit, action=PlanningAction.PROGRESS_RECORDED, touch=True)
    return update


def effective_percent(update: ProgressUpdate) -> Decimal:
    """The figure a report stands for: its correction's, if it was corrected."""
    try:
        return update.correction.percent
    except ProgressCorrection.DoesNotExist:
        return update.percent


@transaction.atomic
def correct_progress(
    *,
    actor: Acting,
    update: ProgressUpdate,
    expected_version: int | None,
    percent: Decimal | int | str,
    reason: str,
) -> ProgressCorrection:
    """Correct a wrong progress report: the report keeps its figure and shows the correction.

    Who may report progress on the measure may correct its reports, while the plan takes progress.
    If the report is the measure's latest, the measure's progress (and status) becomes the corrected
    figure; either way the measure's version moves on, so a form opened before is not saved over it.
    """
    measure = update.measure
    if is_person(actor) and not policies.can_record_progress(actor, measure):
        raise PermissionDenied
    plan = measure.plan
    errors = Errors()
    value = as_decimal(percent)
    if value is None:
        errors.add("percent", _("Enter a number from 0 to 100."))
    elif not (0 <= value <= 100):
        errors.add("percent", _("Progress must be between 0 and 100 %."))
    elif value != value.quantize(Decimal("0.01")):
        errors.add("percent", _("Use at most two decimals."))
    elif value == update.percent:
        errors.add("percent", _("The corrected figure is the same as the reported one."))
    if not reason.strip():
        errors.add("reason", _("Explain what was wrong in the report: the reason is required."))
    check_length(errors, "reason", reason, limits.NOTE)
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.IN_EXECUTION):
        errors.add("__all__", _("Progress is recorded once the plan is approved, and until it is evaluated."))
    errors.raise_if_any()
    assert value is not None
    value = value.quantize(Decimal("0.01"))

    measure_update = VersionedUpdate(measure, expected_version)
    locked = measure_update.instance
    # The lock on the measure serialises corrections of its reports: check again under it.
    if ProgressCorrection.objects.filter(update_id=update.pk).exists():
        errors.add("__all__", _("This report was already corrected: record a new report instead."))
        errors.raise_if_any()
    correction = ProgressCorrection.objects.create(
        update=update, percent=value, reason=reason.strip(), author=actor.user
    )
    audit.record(
        actor=actor,
        action=PlanningAction.PROGRESS_CORRECTED,
        target=update,
        org_unit=plan.org_unit,
        changes={"percent": [str(update.percent), str(value)], "reason": ["", correction.reason]},
    )
    latest = ProgressUpdate.objects.filter(measure_id=locked.pk).order_by("-reported_on", "-id").first()
    if latest is not None and latest.pk == update.pk:
        measure_update.apply({"progress": value, "status": _next_status(locked.status, value)})
    measure_update.save(actor=actor, org_unit=plan.org_unit, action=PlanningAction.PROGRESS_CORRECTED, touch=True)
    return correction
