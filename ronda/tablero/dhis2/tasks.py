"""``POST /api/dataValueSets?async=true`` and DHIS2's task endpoints (docs/dhis2.md §6).

An asynchronous import is a :class:`~ronda.tablero.models.ValueImport` (no model of its own): the
request checks what it can at once (content type, strategy, id schemes, that the person may import
at all), stores the body as the import's file and queues :func:`run_import_job` (``core.jobs``: it
runs as the person again, and asks the policy again). The job reads the body with the same code as
a synchronous POST (``datavaluesets.run_import``) and keeps the ImportSummary in the import's
``report["dhis2"]``. The import shows on Ronda's own import pages too.

``GET /api/system/tasks/DATAVALUE_IMPORT/<id>``: the job's notifications, newest first, the last
one ``completed: true``. ``GET /api/system/taskSummaries/DATAVALUE_IMPORT/<id>``: the ImportSummary
(``{}`` while the job has not finished). Only the person who started the import, or an
administrator, reads them; anybody else gets a 404.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone, translation

from ronda.core import audit, files, jobs
from ronda.core.jobs import person_job
from ronda.core.models import AuditAction
from ronda.core.tenancy import Acting, Actor, is_person
from ronda.core.uids import generate_uid
from ronda.tablero import imports, policies_imports
from ronda.tablero.dhis2 import datavaluesets
from ronda.tablero.dhis2.serializers import timestamp
from ronda.tablero.dhis2.views import WebError, endpoint, json_response
from ronda.tablero.models import ImportFormat, ImportStatus, ValueImport
from ronda.territory.selectors import in_time_zone_of

logger = logging.getLogger(__name__)

JOB_TYPE = "DATAVALUE_IMPORT"
FINISHED = (ImportStatus.APPLIED, ImportStatus.REJECTED, ImportStatus.FAILED)


# --- Policy -------------------------------------------------------------------------------------


def readable_tasks(actor: Acting) -> QuerySet[ValueImport]:
    """The asynchronous DHIS2 imports the actor may follow: their own; an administrator, all."""
    tasks = ValueImport.objects.filter(report__has_key="dhis2")
    if not is_person(actor) or actor.is_admin:
        return tasks
    return tasks.filter(requested_by=actor.user)


def get_task(actor: Acting, uid: str) -> ValueImport:
    found = readable_tasks(actor).filter(report__dhis2__id=uid).first()
    if found is None:
        raise WebError(404, f"Task with id {uid} could not be found.", "E1005")
    return found


# --- Starting -----------------------------------------------------------------------------------


def _format(content_type: str, suffix: str | None) -> tuple[str, str]:
    if content_type in datavaluesets.ADX_TYPES or suffix == "adx":
        return ImportFormat.ADX, "adx"
    if content_type in datavaluesets.CSV_TYPES or suffix == "csv":
        return ImportFormat.CSV, "csv"
    return ImportFormat.DHIS2_JSON, "json"


def start_import(
    actor: Actor, *, body: IO[bytes], content_type: str, suffix: str | None, params: QueryDict
) -> HttpResponse:
    """Store the body and queue the import; the WebMessage that names the job."""
    strategy = datavaluesets.read_strategy(params)
    datavaluesets.Schemes.read(params)  # a bad id scheme is answered now (409 E7001), as synchronously
    dry_run = flag_of(params, "dryRun")
    if not policies_imports.can_import(actor):
        summary = datavaluesets.Summary(
            strategy=strategy,
            dry_run=dry_run,
            aborted="The import process failed: User is not allowed to import values",
        )
        return summary.response()
    value_import = _create(
        actor,
        body=body,
        content_type=content_type,
        suffix=suffix,
        params=params,
        strategy=strategy,
        dry_run=dry_run,
    )
    uid = value_import.report["dhis2"]["id"]
    return json_response(
        {
            "httpStatus": "OK",
            "httpStatusCode": 200,
            "status": "OK",
            "message": "Initiated dataValueImport",
            "response": {
                "name": "dataValueImport",
                "id": uid,
                "created": timestamp(value_import.created_at),
                "jobType": JOB_TYPE,
                "relativeNotifierEndpoint": f"/api/system/tasks/{JOB_TYPE}/{uid}",
                "responseType": "JobConfigurationWebMessageResponse",
            },
        }
    )


def flag_of(params: QueryDict, name: str) -> bool:
    return str(params.get(name, "")).strip().lower() in ("true", "1", "yes")


@transaction.atomic
def _create(
    actor: Actor,
    *,
    body: IO[bytes],
    content_type: str,
    suffix: str | None,
    params: QueryDict,
    strategy: str,
    dry_run: bool,
) -> ValueImport:
    unit = actor.org_unit
    assert unit is not None  # can_import
    file_format, extension = _format(content_type, suffix)
    value_import = ValueImport(
        org_unit=unit,
        requested_by=actor.user,
        file_name=f"dataValueSets.{extension}",
        format=file_format,
        status=ImportStatus.QUEUED,
        report={
            "language": translation.get_language() or settings.LANGUAGE_CODE,
            "dhis2": {
                "id": generate_uid(),
                "contentType": content_type,
                "suffix": suffix or "",
                "query": params.urlencode(),
                "strategy": strategy,
                "dryRun": dry_run,
            },
        },
    )
    files.save_in_transaction(value_import.file, f"dhis2.{extension}", File(body))
    value_import.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=value_import,
        org_unit=unit,
        changes=audit.diff({}, audit.snapshot(value_import, ("file_name", "format", "status"))),
    )
    jobs.enqueue_on_commit(run_import_job, actor, value_import.pk)
    return value_import


# --- The job ------------------------------------------------------------------------------------


@person_job(on_refused=imports.mark_failed)
def run_import_job(actor: Actor, import_id: int) -> None:
    run(actor=actor, import_id=import_id)


def _set_status(actor: Acting, import_id: int, expected: tuple[str, ...], status: str, **fields: Any) -> bool:
    with transaction.atomic():
        locked = ValueImport.objects.select_for_update().select_related("org_unit").get(pk=import_id)
        if locked.status not in expected:
            return False
        before = locked.status
        locked.status = status
        for name, value in fields.items():
            setattr(locked, name, value)
        if status in FINISHED:
            locked.finished_at = timezone.now()
        locked.version += 1
        locked.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            org_unit=locked.org_unit,
            changes={"status": [before, status]},
        )
        return True


def run(*, actor: Actor, import_id: int) -> None:
    """The job's work: the body imported as a synchronous POST would, the summary kept."""
    value_import = policies_imports.get_import(actor, import_id)  # asks the policy again (404: refused)
    if not _set_status(actor, value_import.pk, (ImportStatus.QUEUED,), ImportStatus.APPLYING):
        return
    meta = dict(value_import.report["dhis2"])
    try:
        with (
            value_import.file.open("rb") as body,
            translation.override(value_import.report.get("language") or settings.LANGUAGE_CODE),
            in_time_zone_of(actor.org_unit),
        ):
            try:
                summary = datavaluesets.run_import(
                    actor,
                    meta["contentType"],
                    meta["suffix"] or None,
                    body,
                    QueryDict(meta["query"]),
                    strategy=meta["strategy"],
                    dry_run=meta["dryRun"],
                )
            except WebError as exc:  # an unreadable request: the whole set refused, as the POST would say
                summary = datavaluesets.Summary(
                    strategy=meta["strategy"],
                    dry_run=meta["dryRun"],
                    aborted=f"The import process failed: {exc.message}",
                )
    except Exception:
        logger.exception("DHIS2 import %s failed", value_import.pk)
        meta["failure"] = "The import could not be run."
        _set_status(
            actor, value_import.pk, (ImportStatus.APPLYING,), ImportStatus.FAILED, report=_report(value_import, meta)
        )
        raise
    response = summary.body(is_async=True)["response"]
    meta["summary"] = response
    counts = response["importCount"]
    total = sum(counts.values())
    status = ImportStatus.REJECTED if summary.aborted is not None else ImportStatus.APPLIED
    report = _report(value_import, meta)
    if not meta["dryRun"] and summary.aborted is None:
        # What Ronda's import page shows.
        report["applied"] = {
            "imported": counts["imported"],
            "updated": counts["updated"],
            "deleted": counts["deleted"],
            "unchanged": counts["ignored"],
        }
    _set_status(
        actor,
        value_import.pk,
        (ImportStatus.APPLYING,),
        status,
        report=report,
        total_rows=total,
        processed_rows=total,
    )


def _report(value_import: ValueImport, meta: dict[str, Any]) -> dict[str, Any]:
    return {**value_import.report, "dhis2": meta}


# --- Task endpoints -----------------------------------------------------------------------------


def _notification(
    uid: str, number: int, when: dt.datetime | None, message: str, *, level: str, done: bool
) -> dict[str, Any]:
    notification_uid = f"{uid[:8]}{number:03d}"
    return {
        "uid": notification_uid,
        "id": notification_uid,
        "level": level,
        "category": JOB_TYPE,
        "time": timestamp(when),
        "message": message,
        "completed": done,
    }


def notifications(task: ValueImport) -> list[dict[str, Any]]:
    """The job's notifications, newest first (as DHIS2 lists them)."""
    meta = task.report.get("dhis2", {})
    uid = str(meta.get("id", ""))
    out = [_notification(uid, 0, task.created_at, "Process started", level="INFO", done=False)]
    if task.status != ImportStatus.QUEUED:
        out.append(_notification(uid, 1, task.updated_at, "Importing data values", level="INFO", done=False))
    if task.status == ImportStatus.APPLIED:
        out.append(_notification(uid, 2, task.finished_at, "Import done", level="INFO", done=True))
    elif task.status in (ImportStatus.REJECTED, ImportStatus.FAILED):
        reason = (meta.get("summary") or {}).get("description") or meta.get("failure") or "The import could not be run."
        out.append(_notification(uid, 2, task.finished_at, f"Process failed: {reason}", level="ERROR", done=True))
    return list(reversed(out))


@endpoint("GET")
def task_notifications(request: HttpRequest, actor: Actor, uid: str) -> HttpResponse:
    return json_response(notifications(get_task(actor, uid)))


@endpoint("GET")
def task_summary(request: HttpRequest, actor: Actor, uid: str) -> HttpResponse:
    task = get_task(actor, uid)
    summary = task.report.get("dhis2", {}).get("summary")
    if summary is None and task.status in FINISHED:
        # The job failed before it could write a summary: an ERROR summary, never a hang.
        summary = datavaluesets.Summary(
            aborted=f"The import process failed: {task.report['dhis2'].get('failure', '')}"
        ).body(is_async=True)["response"]
    return json_response(summary or {})
