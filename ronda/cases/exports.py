"""Exports of case lists for supervisors (issue #11 item 9): a background job, audited, safe to open.

``request_export`` runs in the request: the supervisor's check, the choice validated (format, personal
columns, and a reason when any is chosen) before anything is written, a ``CaseExport`` row, an audit
event ``EXPORT_REQUESTED`` with what was asked (filters, format, columns, reason) and the job enqueued
on commit. ``build_export`` runs in the worker as the same person (``core.jobs.person_job``), asks the
policies again (the list is ``policies_cases.filtered_cases`` of *that* actor now), writes every cell
through ``core.spreadsheets`` (formula injection neutralised) and logs one access event per case
exported (purpose ``CASE_EXPORT_PURPOSE``), chunk by chunk.

Personal columns (the child's names, birth date, what happened) are left out unless chosen one by
one. With any of them the file is an AES-256 zip (``pyzipper``) with a random password: the job keeps
it only sealed (``core.sealing``, Fernet) until the supervisor asks to see it once on the downloads
page (``reveal_password``), which wipes it. It is never stored, logged or audited in clear. An export
is downloadable by whoever asked for it, for 24 hours.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from ronda.cases import policies_cases, policies_exports
from ronda.cases.models import Case, CaseAction
from ronda.cases.models.casefile import CaseExport, ExportStatus
from ronda.core import audit, files, jobs, sealing
from ronda.core.errors import Errors, check_length
from ronda.core.spreadsheets import XlsxRowStream, csv_writer
from ronda.core.tenancy import Acting, Actor, is_person
from ronda.core.views_helpers import id_param

FORMATS = {"xlsx": "XLSX", "csv": "CSV"}
EXPIRES_AFTER = dt.timedelta(hours=24)
CHUNK = 1000
REASON_MIN = 10
REASON_MAX = 1000

BASE_COLUMNS = (
    ("number", pgettext_lazy("case", "Number")),
    ("registered_on", gettext_lazy("Registered on")),
    ("community", gettext_lazy("Community")),
    ("state", pgettext_lazy("case", "State")),
    ("risk", gettext_lazy("Risk level")),
    ("sensitive", gettext_lazy("Sensitive")),
    ("violation_types", gettext_lazy("Violation types")),
    ("owner", gettext_lazy("Defender in charge")),
    ("facts_date", gettext_lazy("Date of the facts")),
    ("closed_on", gettext_lazy("Closed on")),
    ("closing_reason", gettext_lazy("Closing reason")),
)
PERSONAL_COLUMNS = {
    "child_name": gettext_lazy("Child's names"),
    "birth_date": gettext_lazy("Date of birth"),
    "description": gettext_lazy("What happened"),
}

# The list's query parameters (the case list's own names) and the CaseFilters field each sets.
FILTER_PARAMS = {
    "estado": "state",
    "tipo": "violation_type",
    "riesgo": "risk",
    "comunidad": "community",
    "sensible": "sensitive",
    "vencidas": "overdue_tasks",
    "abiertos": "open_only",
    "responsable": "owner",
    "q": "search",
}


# What the pages call by these names: the policy lives in ``policies_exports``.
can_export = policies_exports.can_export
visible_exports = policies_exports.visible_exports
get_export = policies_exports.get_export


# --- Filters ---------------------------------------------------------------------------------------
def _int(value: object) -> int | None:
    """An id from the query string, or None (a number no database id can be answers None too)."""
    return id_param(None if value is None else str(value))


def filters_from_params(params: Mapping[str, Any]) -> policies_cases.CaseFilters:
    """The list's filters from its query string (unknown or malformed values are ignored)."""
    values: dict[str, Any] = {}
    for param, name in FILTER_PARAMS.items():
        raw = params.get(param)
        if raw in (None, ""):
            continue
        if name in ("violation_type", "community", "owner"):
            values[name] = _int(raw)
        elif name == "sensitive":
            values[name] = {"si": True, "1": True, "no": False, "0": False}.get(str(raw))
        elif name in ("overdue_tasks", "open_only"):
            values[name] = str(raw) in ("1", "on", "true")
        else:
            values[name] = str(raw)[:100]
    return policies_cases.CaseFilters(**values)


def filters_as_params(filters: policies_cases.CaseFilters) -> dict[str, str]:
    """The inverse of ``filters_from_params``, for the form's hidden fields and links."""
    names = {name: param for param, name in FILTER_PARAMS.items()}
    out: dict[str, str] = {}
    for name, value in asdict(filters).items():
        if value in (None, "", False):
            continue
        if name == "sensitive":
            out[names[name]] = "si"
        elif isinstance(value, bool):
            out[names[name]] = "1"
        else:
            out[names[name]] = str(value)
    if filters.sensitive is False:
        out["sensible"] = "no"
    return out


# --- Asking for an export (in the request) -----------------------------------------------------------
@transaction.atomic
def request_export(
    *,
    actor: Acting,
    filters: policies_cases.CaseFilters,
    file_format: str,
    personal_columns: list[str] | tuple[str, ...] = (),
    reason: str = "",
) -> CaseExport:
    """Record the export and enqueue its job; ``ValidationError``-like ``Errors`` before any write."""
    if not is_person(actor) or not can_export(actor):
        raise PermissionDenied
    assert isinstance(actor, Actor)
    municipality = actor.org_unit
    if municipality is None:
        raise PermissionDenied
    errors = Errors()
    if file_format not in FORMATS:
        errors.add("file_format", _("Choose a format: XLSX or CSV."))
    columns = list(dict.fromkeys(personal_columns))
    if any(column not in PERSONAL_COLUMNS for column in columns):
        errors.add("personal_columns", _("Choose personal columns from the list."))
    reason = (reason or "").strip()
    if columns and len(reason) < REASON_MIN:
        errors.add(
            "reason",
            ngettext(
                "Say why the export needs the children's personal data (at least %(n)d character).",
                "Say why the export needs the children's personal data (at least %(n)d characters).",
                REASON_MIN,
            )
            % {"n": REASON_MIN},
        )
    check_length(errors, "reason", reason, REASON_MAX)
    errors.raise_if_any()
    export = CaseExport.objects.create(
        owner=actor.user,
        municipality=municipality,
        filters=filters_as_params(filters),
        file_format=file_format,
        personal_columns=columns,
        reason=reason if columns else "",
        encrypted=bool(columns),
        expires_at=timezone.now() + EXPIRES_AFTER,
    )
    audit.record(
        actor=actor,
        action=CaseAction.EXPORT_REQUESTED,
        target=export,
        org_unit=municipality,
        changes={
            # A name searched for is a child's or a caregiver's name: the trail says only that there was one.
            "filters": [None, {k: ("•••" if k == "q" else v) for k, v in export.filters.items()}],
            "file_format": [None, file_format],
            "personal_columns": [None, columns],
            "reason": [None, export.reason],
        },
    )
    jobs.enqueue_on_commit(build_export_job, actor, export.pk)
    return export


# --- Building the file (in the worker) ------------------------------------------------------------
def headers(personal: list[str]) -> list[str]:
    return [str(label) for _key, label in BASE_COLUMNS] + [str(PERSONAL_COLUMNS[key]) for key in personal]


def row(actor: Actor, case: Case, personal: list[str]) -> list[object]:
    types = ", ".join(sorted(v.name for v in case.violation_types.all()))
    owner = case.owner.get_full_name() or case.owner.get_username()
    values: list[object] = [
        case.number,
        case.registered_on,
        case.community.name,
        case.get_state_display(),
        case.get_risk_display(),
        _("Yes") if case.sensitive else pgettext("answer", "No"),
        types,
        owner,
        case.facts_date,
        case.closed_on,
        case.get_closing_reason_display() if case.closing_reason else "",
    ]
    visible = policies_cases.may_see_child(actor, case)
    for key in personal:
        if key == "child_name":
            values.append(case.child.display_name if visible else policies_cases.MASKED)
        elif key == "birth_date":
            values.append(case.child.birth_date if visible else None)
        elif key == "description":
            values.append(case.description if visible else policies_cases.MASKED)
    return values


def rows(actor: Actor, export: CaseExport) -> Iterator[list[object]]:
    """The rows of the export as the actor may see them now, logging each chunk of cases read."""
    cases = (
        policies_cases.filtered_cases(actor, filters_from_params(export.filters))
        .select_related("child", "community", "owner")
        .prefetch_related("violation_types")
        .order_by("id")
    )
    chunk: list[Case] = []
    for case in cases.iterator(chunk_size=CHUNK):
        chunk.append(case)
        yield row(actor, case, export.personal_columns)
        if len(chunk) >= CHUNK:
            policies_cases.log_cases_shown(actor, chunk, policies_cases.CASE_EXPORT_PURPOSE)
            chunk = []
    if chunk:
        policies_cases.log_cases_shown(actor, chunk, policies_cases.CASE_EXPORT_PURPOSE)


def render(actor: Actor, export: CaseExport) -> tuple[bytes, int]:
    """The spreadsheet's bytes and the number of cases in it."""
    count = 0
    if export.file_format == "xlsx":
        sheet = XlsxRowStream(_("Cases"))
        sheet.append(headers(export.personal_columns), bold=True)
        for values in rows(actor, export):
            sheet.append(values)
            count += 1
        out = io.BytesIO()
        sheet.save(out)
        return out.getvalue(), count
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(headers(export.personal_columns))
    for values in rows(actor, export):
        writer.writerow(values)
        count += 1
    # With a BOM: a spreadsheet opens Spanish accents right.
    return ("\ufeff" + text.getvalue()).encode("utf-8"), count


def encrypt(name: str, content: bytes, password: str) -> bytes:
    """``content`` as the one file of an AES-256 zip that opens with ``password``."""
    import pyzipper

    out = io.BytesIO()
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password.encode())
        archive.writestr(name, content)
    return out.getvalue()


def new_password() -> str:
    # 16 characters from an alphabet without look-alikes (read from a screen, typed by hand).
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(16))


def build_export(actor: Actor, export_id: int) -> None:
    """The job's work: asks the policy again, writes the file, seals the password (if any)."""
    if not can_export(actor):
        raise PermissionDenied
    with transaction.atomic():
        export = policies_exports.get_export_for_update(actor, export_id)
        if export.status != ExportStatus.PENDING:
            return
        content, count = render(actor, export)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"casos-{stamp}.{export.file_format}"
        if export.encrypted:
            password = new_password()
            content = encrypt(name, content, password)
            export.password_sealed = sealing.seal(password)
            name = f"casos-{stamp}.zip"
        files.save_in_transaction(export.file, name, content)
        export.download_name = name
        export.rows = count
        export.status = ExportStatus.READY
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "download_name", "rows", "status", "finished_at", "password_sealed"])
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            target=export,
            org_unit=export.municipality,
            changes={"status": [ExportStatus.PENDING, ExportStatus.READY], "rows": [0, count]},
        )


@transaction.atomic
def mark_failed(export_id: int) -> None:
    """The job was refused or failed: the downloads page says so (nothing else was written)."""
    CaseExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.FAILED, finished_at=timezone.now()
    )


@jobs.person_job(on_refused=mark_failed)
def build_export_job(actor: Actor, export_id: int) -> None:
    try:
        build_export(actor, export_id)
    except (Http404, PermissionDenied):
        raise  # a refusal: ``person_job`` calls ``mark_failed``
    except Exception:
        mark_failed(export_id)
        raise


@transaction.atomic
def reveal_password(*, actor: Acting, export: CaseExport) -> str:
    """The archive's password, once: unsealed, wiped from the row, the showing audited (not the password)."""
    if not is_person(actor) or not can_export(actor):
        raise PermissionDenied
    assert isinstance(actor, Actor)
    locked = policies_exports.get_export_for_update(actor, export.pk)
    errors = Errors()
    if locked.status != ExportStatus.READY or not locked.encrypted:
        errors.add("__all__", _("This export has no password to show."))
    elif not locked.password_sealed:
        errors.add("__all__", _("The password was already shown once and cannot be shown again."))
    errors.raise_if_any()
    password = sealing.unseal(locked.password_sealed)
    locked.password_sealed = ""
    locked.save(update_fields=["password_sealed"])
    audit.record(
        actor=actor,
        action=audit.AuditAction.UPDATE,
        target=locked,
        org_unit=locked.municipality,
        changes={"password_shown": [False, True]},
    )
    return password


@transaction.atomic
def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Ronda's own sweep (``cases.schedules``): the files of exports past their 24 hours are deleted
    once this commits, and any password still sealed is wiped; the rows stay, for the audit trail."""
    now = now or timezone.now()
    expired = list(
        CaseExport.objects.select_for_update().filter(expires_at__lte=now).exclude(file="", password_sealed="")
    )
    for export in expired:
        files.delete_on_commit(export.file)
        export.file = ""  # type: ignore[assignment]
        export.password_sealed = ""
        export.save(update_fields=["file", "password_sealed"])
    return len(expired)
