"""The push of a data set's approved values to a ministry's DHIS2 (issue #10 item 5).

Per country one :class:`PushTarget`: the ministry's DHIS2 address, its access token, the
identifiers to send (codes or uids) and a mapping of Ronda's codes to the ministry's identifiers
(data elements, option combinations, org units). The secretariat (or an administrator) asks for a
push of one data set, for one period or for every approved period not pushed since its approval:

1. ``request_push`` (in the request) checks the policy, writes a :class:`PushLog` (queued) and
   enqueues the ``tablero.jobs.push_values`` job on commit.
2. The job (``run``) asks the policy again as the person who asked, reads the **approved** data set
   periods of the country (``DataSetPeriod.status == approved``) and their values — deleted ones
   too, sent with ``"deleted": true`` so that the ministry deletes them as well — and POSTs them as
   ``dataValueSets`` JSON to ``{base_url}/api/dataValueSets`` with ``Authorization: ApiToken …``,
   in chunks of ``CHUNK_VALUES``. A 5xx answer or a connection error is retried with a growing
   pause (``BACKOFF_SECONDS``); any other 4xx than DHIS2's 409 import summary is a failure, not
   retried. DHIS2's import summary is read in both shapes (the bare ``ImportSummary`` of DHIS2
   before 2.36 and the ``WebMessage`` with ``response`` after), and its counts and conflicts are
   written to the log. A 409 with ``WARNING`` is a partial import (the valid values were imported).
3. Each period imported (``SUCCESS`` or ``WARNING``) is remembered with its approval time
   (:class:`PushedPeriod`): "every period not pushed" leaves it out until it is approved again.

Only values leave Ronda: element, period, org unit, option combination, value. Never who stored
them (``storedBy``) nor the comments (free text may name a child). Small counts are **not**
suppressed: the ministry is an authorised recipient of the figures (docs/dhis2.md §10).

**On a schedule** (``daily_push_hour``): every day at that hour of the country's time zone, the
periodic job ``tablero.schedules.push_due_targets`` (ronda.core.schedule) calls :func:`push_due`,
which asks, as Ronda itself (``SYSTEM``), for a push of every data set with approved periods not
pushed since their approval; each push is then the same log and the same ``run`` as one asked for
on the page, run by the plain task ``tablero.schedules.push_as_ronda`` (no person to act as).

The token is written once and never shown back (pages, API, audit trail: ``PushTarget.PERSONAL_FIELDS``
makes ``audit.snapshot`` redact it).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ronda.core import audit, jobs, schedule, sealing, spreadsheets
from ronda.core.errors import Errors
from ronda.core.services import versioned_update
from ronda.core.tenancy import SYSTEM, Acting, is_person
from ronda.tablero import periods as iso_periods
from ronda.tablero import policies, policies_push
from ronda.tablero.dhis2.datavaluesets import format_value
from ronda.tablero.models import (
    DataSet,
    DataSetPeriod,
    DataValue,
    PeriodStatus,
    PushedPeriod,
    PushIdScheme,
    PushLog,
    PushStatus,
    PushTarget,
    TableroAction,
)
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import time_zone_of

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
# Pauses before the second, third and fourth attempt (a 5xx or a connection error).
BACKOFF_SECONDS = (2.0, 10.0, 30.0)
CHUNK_VALUES = 10_000
MAX_REPLY_BYTES = 5 * 1024 * 1024
MAX_CONFLICTS = 200
TEXT_LIMIT = 500
TOKEN_LIMIT = 500
URL_LIMIT = 300
MAPPING_LIMIT = 20_000  # entries
CODE_LIMIT = 120  # a code or identifier of the mapping
USER_AGENT = "Ronda (DHIS2 push)"

# The mapping's three tables, and the names a CSV line may give each (English, DHIS2's, Spanish).
KINDS = ("dataElements", "categoryOptionCombos", "organisationUnits")
KIND_ALIASES = {
    "dataelement": "dataElements",
    "dataelements": "dataElements",
    "data_element": "dataElements",
    "elemento": "dataElements",
    "categoryoptioncombo": "categoryOptionCombos",
    "categoryoptioncombos": "categoryOptionCombos",
    "option_combo": "categoryOptionCombos",
    "desagregacion": "categoryOptionCombos",
    "desagregación": "categoryOptionCombos",
    "organisationunit": "organisationUnits",
    "organisationunits": "organisationUnits",
    "org_unit": "organisationUnits",
    "unidad": "organisationUnits",
}

# Seams for the tests: the pause between attempts and the HTTP call.
_sleep: Callable[[float], None] = time.sleep


class PushFailed(Exception):
    """The ministry's DHIS2 could not be reached, refused the request or answered something unreadable."""

    def __init__(self, message: str, *, http_status: int | None = None, attempts: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.attempts = attempts


# --- Configuration ------------------------------------------------------------------------------


def parse_mapping(text: str) -> dict[str, dict[str, str]]:
    """The mapping from CSV text: one ``kind,ronda_code,ministry_id`` per line (a header line is skipped).

    ``kind`` is ``dataElement``, ``categoryOptionCombo`` or ``organisationUnit`` (or ``data_element``,
    ``option_combo``, ``org_unit``, or the Spanish ``elemento``, ``desagregacion``, ``unidad``). An
    option combination's code may be qualified by its combination's (``SEXO.F``): codes of option
    combinations repeat across combinations. ValidationError names every bad line.
    """
    mapping: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    errors = Errors()
    count = 0
    sample = text.lstrip("\ufeff")
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    for number, row in enumerate(csv.reader(io.StringIO(sample), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        kind = KIND_ALIASES.get(cells[0].lower().replace(" ", "_"))
        if kind is None and number == 1:
            continue  # a header line
        if kind is None or len(cells) != 3 or not cells[1] or not cells[2]:
            errors.add(
                "mapping",
                _("Line %(line)d: write the kind, the Ronda code and the ministry's identifier.") % {"line": number},
            )
            continue
        if len(cells[1]) > CODE_LIMIT or len(cells[2]) > CODE_LIMIT:
            errors.add("mapping", _("Line %(line)d: a code has at most 120 characters.") % {"line": number})
            continue
        if cells[1] in mapping[kind]:
            errors.add("mapping", _("Line %(line)d: this Ronda code is mapped twice.") % {"line": number})
            continue
        mapping[kind][cells[1]] = cells[2]
        count += 1
    if count > MAPPING_LIMIT:
        errors.add("mapping", _("At most %(max)d lines.") % {"max": MAPPING_LIMIT})
    errors.raise_if_any()
    return {kind: entries for kind, entries in mapping.items() if entries}


MAPPING_NAMES = {
    "dataElements": "dataElement",
    "categoryOptionCombos": "categoryOptionCombo",
    "organisationUnits": "organisationUnit",
}


def mapping_as_text(mapping: dict[str, Any]) -> str:
    """The mapping as the CSV text ``parse_mapping`` reads (for the form)."""
    out = io.StringIO()
    # Parsed again by ``parse_mapping``: the machine writer (no formula guard to strip off again).
    writer = spreadsheets.machine_csv_writer(out, lineterminator="\n")
    for kind in KINDS:
        for ronda_code, ministry in sorted((mapping.get(kind) or {}).items()):
            writer.writerow([MAPPING_NAMES[kind], ronda_code, ministry])
    return out.getvalue()


def _url_errors(errors: Errors, url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    schemes = ("https",) if settings.PRODUCTION else ("https", "http")
    if parts.scheme not in schemes or not parts.hostname:
        if settings.PRODUCTION:
            errors.add("base_url", _("Write the address of the ministry's DHIS2, starting with https://."))
        else:
            errors.add("base_url", _("Write the address of the ministry's DHIS2, starting with https:// or http://."))
        return
    if parts.username or parts.password or parts.query or parts.fragment:
        errors.add("base_url", _("The address has no user name, password, question mark or #."))
    elif "api" in parts.path.strip("/").split("/"):
        errors.add("base_url", _("Write the address without /api at the end: Ronda adds it."))
    if len(url) > URL_LIMIT:
        errors.add("base_url", _("At most %(max)d characters.") % {"max": URL_LIMIT})


@transaction.atomic
def save_target(
    *,
    actor: Acting,
    country: OrgUnit,
    base_url: str,
    token: str | None,
    id_scheme: str,
    mapping: dict[str, dict[str, str]],
    is_enabled: bool,
    daily_push_hour: int | None = None,
    expected_version: int | None = None,
) -> PushTarget:
    """Create or change a country's target. ``token`` None or blank keeps the stored one.

    ``daily_push_hour`` (0–23, the country's time zone) turns the automatic push on; None: pushes
    happen only when asked for."""
    if country.level != Level.COUNTRY or not policies.can_manage_catalogue(actor, country):
        raise PermissionDenied
    base_url = base_url.strip().rstrip("/")
    token = (token or "").strip()
    errors = Errors()
    _url_errors(errors, base_url)
    if id_scheme not in PushIdScheme.values:
        errors.add("id_scheme", _("Choose codes or uids."))
    if len(token) > TOKEN_LIMIT or any(c.isspace() for c in token):
        errors.add("token", _("This is not an access token."))
    if daily_push_hour is not None and (
        isinstance(daily_push_hour, bool) or not isinstance(daily_push_hour, int) or not 0 <= daily_push_hour <= 23
    ):
        errors.add("daily_push_hour", _("Choose an hour from 0 to 23, or no automatic push."))
    entries = [(k, v) for kind in KINDS for k, v in (mapping.get(kind) or {}).items()]
    if len(entries) > MAPPING_LIMIT:
        errors.add("mapping", _("At most %(max)d lines.") % {"max": MAPPING_LIMIT})
    elif any(not k or not v or len(k) > CODE_LIMIT or len(v) > CODE_LIMIT for k, v in entries):
        errors.add("mapping", _("Each code of the mapping has from 1 to 120 characters."))
    existing = PushTarget.objects.filter(country=country).first()
    if existing is None and not token:
        errors.add("token", _("Write the access token the ministry gave you."))
    errors.raise_if_any()
    clean_mapping = {kind: dict(mapping[kind]) for kind in KINDS if mapping.get(kind)}
    next_push_at = _next_push_on_save(existing, country, daily_push_hour, is_enabled)
    if existing is None:
        target = PushTarget.objects.create(
            country=country,
            base_url=base_url,
            token=sealing.seal(token),
            id_scheme=id_scheme,
            mapping=clean_mapping,
            is_enabled=is_enabled,
            daily_push_hour=daily_push_hour,
            next_push_at=next_push_at,
        )
        audit.record(
            actor=actor,
            action=TableroAction.PUSH_TARGET_SAVED,
            target=target,
            org_unit=country,
            changes=audit.diff({}, audit.snapshot(target)),
        )
        return target
    changes: dict[str, Any] = {
        "base_url": base_url,
        "id_scheme": id_scheme,
        "mapping": clean_mapping,
        "is_enabled": is_enabled,
        "daily_push_hour": daily_push_hour,
    }
    if next_push_at != existing.next_push_at:
        # Only when the schedule changed: a sweep may have moved it on since ``existing`` was read.
        changes["next_push_at"] = next_push_at
    if token:
        changes["token"] = sealing.seal(token)
    return versioned_update(
        actor=actor,
        instance=existing,
        expected_version=expected_version,
        changes=changes,
        org_unit=country,
        action=TableroAction.PUSH_TARGET_SAVED,
    )


# --- The schedule ----------------------------------------------------------------------------------


def next_push_time(country: OrgUnit, hour: int, *, after: dt.datetime) -> dt.datetime:
    """The first moment after ``after`` when it is ``hour``:00 in the country's time zone."""
    return schedule.next_daily(dt.time(hour), time_zone_of(country), after=after)


def _next_push_on_save(
    existing: PushTarget | None, country: OrgUnit, hour: int | None, is_enabled: bool
) -> dt.datetime | None:
    if hour is None or not is_enabled:
        return None
    if existing is not None and existing.is_enabled and existing.daily_push_hour == hour and existing.next_push_at:
        # Saved again with the same schedule: the run already due (or pending) stays as it is.
        return existing.next_push_at
    # Turned on, changed, or on again after a pause: from the next such hour, never at once.
    return next_push_time(country, hour, after=timezone.now())


def push_due(*, now: dt.datetime | None = None) -> list[PushLog]:
    """The automatic pushes whose time has come: for each enabled target due at ``now``, a push of
    each data set that has approved periods not pushed since their approval, asked for as Ronda
    itself (``SYSTEM``). Called by the periodic job every few minutes; returns the logs queued.

    A target's due run is claimed by a compare-and-set on ``next_push_at`` (as ronda.core.schedule
    claims its runs), so two sweeps at once never push the same night twice. A run missed while
    no scheduler ran is made once, at the next sweep; the next one is then the next such hour.
    """
    now = now or timezone.now()
    queued: list[PushLog] = []
    due = PushTarget.objects.filter(
        is_enabled=True, daily_push_hour__isnull=False, next_push_at__lte=now, country__is_active=True
    ).select_related("country")
    for target in due:
        assert target.daily_push_hour is not None
        try:
            with transaction.atomic():
                claimed = PushTarget.objects.filter(
                    pk=target.pk,
                    is_enabled=True,
                    daily_push_hour=target.daily_push_hour,
                    next_push_at=target.next_push_at,
                ).update(next_push_at=next_push_time(target.country, target.daily_push_hour, after=now))
                if not claimed:
                    continue  # another sweep took it, or the target changed meanwhile
                queued.extend(_push_pending(target))
        except Exception:
            # One country's trouble must not stop the others' pushes; its run is tried again next sweep.
            logger.exception("automatic DHIS2 push of target %s could not be queued", target.pk)
    return queued


def _push_pending(target: PushTarget) -> list[PushLog]:
    # A data set whose last push is still queued or sending is left to it (it sends the same periods).
    busy = set(
        PushLog.objects.filter(target=target, status__in=(PushStatus.QUEUED, PushStatus.RUNNING)).values_list(
            "data_set_id", flat=True
        )
    )
    logs = []
    for data_set in policies_push.pushable_data_sets(SYSTEM, target.country):
        if data_set.pk in busy or not periods_to_push(target, data_set, ""):
            continue
        logs.append(request_push(actor=SYSTEM, target=target, data_set=data_set))
    return logs


# --- Asking for a push ----------------------------------------------------------------------------


@transaction.atomic
def request_push(*, actor: Acting, target: PushTarget, data_set: DataSet, period: str = "") -> PushLog:
    """Queue a push of ``data_set``'s approved values: of ``period``, or of every approved period
    not pushed since its approval (``period`` blank). A person's push is their job, run as them;
    Ronda's own (``SYSTEM``, the automatic push) is a plain task."""
    country = target.country
    if not policies.can_manage_catalogue(actor, country):
        raise PermissionDenied
    if not policies_push.pushable_data_sets(actor, country).filter(pk=data_set.pk).exists():
        raise PermissionDenied
    errors = Errors()
    if not target.is_enabled:
        errors.add("__all__", _("The push is turned off for this country."))
    if not target.token:
        errors.add("__all__", _("Write the access token first."))
    period = period.strip()
    if period:
        try:
            parsed = iso_periods.parse(period)
        except iso_periods.InvalidPeriod:
            errors.add("period", _("This is not a period. For example 202401, 2024Q1 or 2024."))
        else:
            if parsed.period_type != data_set.period_type:
                errors.add("period", _("This data set's periods are of another kind."))
    errors.raise_if_any()
    log = PushLog.objects.create(
        target=target, data_set=data_set, period=period, requested_by=actor.user if is_person(actor) else None
    )
    audit.record(
        actor=actor,
        action=TableroAction.PUSH_REQUESTED,
        target=log,
        org_unit=country,
        changes={"data_set": data_set.code, "period": period or "*"},
    )
    if is_person(actor):
        from ronda.tablero.jobs import push_values  # the job module imports this one

        jobs.enqueue_on_commit(push_values, actor, log.pk)
    else:
        from ronda.tablero.schedules import push_as_ronda  # as above

        transaction.on_commit(functools.partial(push_as_ronda.enqueue, log.pk))
    return log


def mark_failed(log_id: int) -> None:
    """The job could not run (or was refused): the log says so."""
    with transaction.atomic():
        found = (
            PushLog.objects.select_for_update()
            .filter(pk=log_id, status__in=(PushStatus.QUEUED, PushStatus.RUNNING))
            .first()
        )
        if found is not None:
            found.status = PushStatus.FAILED
            found.error = _("The push could not run: the person who asked for it may no longer push.")
            found.finished_at = timezone.now()
            found.save(update_fields=["status", "error", "finished_at"])


# --- What is sent -----------------------------------------------------------------------------


def periods_to_push(target: PushTarget, data_set: DataSet, period: str) -> list[DataSetPeriod]:
    """The approved periods of ``data_set`` in the target's country: ``period``'s, or those not
    pushed to this target since their (latest) approval."""
    rows = DataSetPeriod.objects.filter(
        data_set=data_set, status=PeriodStatus.APPROVED, org_unit__path__startswith=target.country.path
    ).select_related("org_unit", "period")
    if period:
        return list(rows.filter(period__iso=period).order_by("org_unit__path"))
    pushed = dict(
        PushedPeriod.objects.filter(target=target, data_set_period__in=rows).values_list(
            "data_set_period_id", "approved_at"
        )
    )
    return [
        row
        for row in rows.order_by("period__start_date", "org_unit__path")
        if row.pk not in pushed or pushed[row.pk] != row.approved_at
    ]


@dataclass
class Identifiers:
    """Ronda's objects as the ministry knows them: the mapping first, then the code or the uid."""

    scheme: str
    mapping: dict[str, dict[str, str]]

    def _pick(self, kind: str, code: str, uid: str, *keys: str) -> str:
        table = self.mapping.get(kind) or {}
        for key in (*keys, code):
            if key and key in table:
                return table[key]
        return code if self.scheme == PushIdScheme.CODE else uid

    def element(self, row: DataValue) -> str:
        return self._pick("dataElements", row.data_element.code, row.data_element.uid)

    def unit(self, row: DataValue) -> str:
        return self._pick("organisationUnits", row.org_unit.code, row.org_unit.uid)

    def option_combo(self, row: DataValue) -> str | None:
        """None for the default combination (DHIS2 reads an omitted one as its default) unless mapped."""
        coc = row.option_combo
        qualified = f"{coc.combo.code}.{coc.code}"
        table = self.mapping.get("categoryOptionCombos") or {}
        if coc.combo.is_default and qualified not in table and coc.code not in table:
            return None
        return self._pick("categoryOptionCombos", coc.code, coc.uid, qualified)


def approved_values(actor: Acting, data_set: DataSet, rows: list[DataSetPeriod]) -> list[DataValue]:
    """The values of ``data_set``'s elements in those approved (unit, period) pairs, as the actor reads them."""
    if not rows:
        return []
    pairs = Q()
    for row in rows:
        pairs |= Q(org_unit_id=row.org_unit_id, period_id=row.period_id)
    return list(
        policies.visible_values(actor)
        .filter(pairs, data_element__in=data_set.data_elements.all())
        .select_related("data_element", "option_combo__combo", "org_unit", "period")
        .order_by("period__start_date", "org_unit__path", "data_element__code", "option_combo__sort_order", "pk")
    )


def value_json(row: DataValue, ids: Identifiers) -> dict[str, Any] | None:
    """One value as DHIS2 reads it: no ``storedBy``, no comment (values only)."""
    item: dict[str, Any] = {"dataElement": ids.element(row), "period": row.period.iso, "orgUnit": ids.unit(row)}
    coc = ids.option_combo(row)
    if coc is not None:
        item["categoryOptionCombo"] = coc
    if row.deleted:
        item["value"] = ""
        item["deleted"] = True
    elif row.value is None:
        return None
    else:
        item["value"] = format_value(row.value, row.data_element.value_type)
    return item


def build_value_sets(target: PushTarget, values: Iterable[DataValue]) -> list[dict[str, Any]]:
    ids = Identifiers(target.id_scheme, target.mapping or {})
    items = [item for item in (value_json(row, ids) for row in values) if item is not None]
    return [{"dataValues": items[start : start + CHUNK_VALUES]} for start in range(0, len(items), CHUNK_VALUES)]


# --- The transport ----------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would resend the token to another address (or drop the body): it is an answer, not followed.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post(url: str, token: str, body: bytes) -> Reply:
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked when the target is saved
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"ApiToken {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
            return Reply(answer.status, answer.read(MAX_REPLY_BYTES))
    except urllib.error.HTTPError as exc:
        with exc:
            return Reply(exc.code, exc.read(MAX_REPLY_BYTES))


transport: Callable[[str, str, bytes], Reply] = _post


def import_url(target: PushTarget) -> str:
    query = urllib.parse.urlencode({"idScheme": target.id_scheme, "importStrategy": "CREATE_AND_UPDATE"})
    return f"{target.base_url.rstrip('/')}/api/dataValueSets?{query}"


def send(url: str, token: str, body: bytes) -> tuple[Reply, int]:
    """POST with retries for a 5xx and for connection errors; the reply and the number of attempts."""
    attempts = 0
    while True:
        attempts += 1
        try:
            reply = transport(url, token, body)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            if attempts > len(BACKOFF_SECONDS):
                reason = getattr(exc, "reason", exc)
                message = _("The ministry's DHIS2 could not be reached: %(reason)s") % {"reason": _text(reason)}
                raise PushFailed(message, attempts=attempts) from exc
        else:
            if reply.status < 500 or attempts > len(BACKOFF_SECONDS):
                return reply, attempts
        _sleep(BACKOFF_SECONDS[attempts - 1])


# --- The import summary -----------------------------------------------------------------------


@dataclass
class Outcome:
    status: str
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""


def _text(value: Any) -> str:
    return str(value)[:TEXT_LIMIT] if value is not None else ""


def _count(counts: dict[str, Any], name: str) -> int:
    value = counts.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


SUMMARY_STATES = {"SUCCESS": PushStatus.SUCCESS, "OK": PushStatus.SUCCESS, "WARNING": PushStatus.WARNING}


def read_summary(data: Any, *, offset: int = 0) -> Outcome | None:
    """DHIS2's import summary, bare (before 2.36) or in a WebMessage's ``response`` (2.36 and later);
    None when ``data`` is neither. ``offset`` is added to the conflicts' indexes (chunks)."""
    if not isinstance(data, dict):
        return None
    summary = data.get("response") if isinstance(data.get("response"), dict) else data
    assert isinstance(summary, dict)
    counts = summary.get("importCount")
    if not isinstance(counts, dict):
        return None
    state = str(summary.get("status") or "").upper()
    outcome = Outcome(
        status=SUMMARY_STATES.get(state, PushStatus.FAILED),
        imported=_count(counts, "imported"),
        updated=_count(counts, "updated"),
        ignored=_count(counts, "ignored"),
        deleted=_count(counts, "deleted"),
        message=_text(summary.get("description") or data.get("message")),
    )
    raw = summary.get("conflicts")
    for conflict in raw if isinstance(raw, list) else []:
        if not isinstance(conflict, dict):
            continue
        indexes = conflict.get("indexes")
        outcome.conflicts.append(
            {
                "object": _text(conflict.get("object")),
                "value": _text(conflict.get("value")),
                "errorCode": _text(conflict.get("errorCode")),
                "property": _text(conflict.get("property")),
                "indexes": [i + offset for i in indexes if isinstance(i, int)][:50]
                if isinstance(indexes, list)
                else [],
            }
        )
    return outcome


def _error_message(reply: Reply) -> str:
    try:
        data = json.loads(reply.body)
    except ValueError:
        data = None
    message = data.get("message") if isinstance(data, dict) else None
    return _("The ministry's DHIS2 answered %(status)d: %(message)s") % {
        "status": reply.status,
        "message": _text(message) or _("no explanation"),
    }


def outcome_of(reply: Reply, *, offset: int = 0) -> Outcome:
    """What one answer means: a summary (2xx, or DHIS2's 409 with one), else PushFailed."""
    if reply.status >= 500:
        raise PushFailed(_error_message(reply), http_status=reply.status)
    if 200 <= reply.status < 300 or reply.status == 409:
        try:
            data = json.loads(reply.body)
        except ValueError:
            data = None
        outcome = read_summary(data, offset=offset)
        if outcome is not None:
            return outcome
        if reply.status == 409:
            raise PushFailed(_error_message(reply), http_status=reply.status)
        raise PushFailed(
            _("The ministry's DHIS2 answered %(status)d without an import summary.") % {"status": reply.status},
            http_status=reply.status,
        )
    raise PushFailed(_error_message(reply), http_status=reply.status)


# --- The job ----------------------------------------------------------------------------------


STATE_ORDER = (PushStatus.SUCCESS, PushStatus.WARNING, PushStatus.FAILED)


@dataclass
class Tally:
    """What the answers to one push add up to (one answer per chunk of values)."""

    status: str = PushStatus.SUCCESS
    sent: int = 0
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    attempts: int = 0
    http_status: int | None = None
    error: str = ""
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.imported += outcome.imported
        self.updated += outcome.updated
        self.ignored += outcome.ignored
        self.deleted += outcome.deleted
        self.conflicts.extend(outcome.conflicts)
        self.status = max(self.status, outcome.status, key=lambda state: STATE_ORDER.index(PushStatus(state)))
        if outcome.status == PushStatus.FAILED:
            self.error = outcome.message


def run(*, actor: Acting, log_id: int) -> PushLog:
    """The job: push what the log names, as ``actor``, and record what the ministry's DHIS2 said."""
    with transaction.atomic():
        log = policies_push.get_log(actor, log_id)  # asks the policy again: 404 is a refusal
        locked = PushLog.objects.select_for_update().get(pk=log.pk)
        if locked.status != PushStatus.QUEUED:
            return locked  # run twice (a retried task): the first run did the work
        target = log.target
        locked.started_at = timezone.now()
        if not target.is_enabled:
            # Turned off after the push was asked for: nothing leaves Ronda.
            locked.status, locked.finished_at = PushStatus.FAILED, locked.started_at
            locked.error = _("The push is turned off for this country.")
            locked.save(update_fields=["status", "started_at", "finished_at", "error"])
            return locked
        locked.status = PushStatus.RUNNING
        locked.save(update_fields=["status", "started_at"])
    rows = periods_to_push(target, log.data_set, log.period)
    sets = build_value_sets(target, approved_values(actor, log.data_set, rows))
    tally = Tally(sent=sum(len(s["dataValues"]) for s in sets))
    offset = 0
    try:
        try:
            token = sealing.unseal(target.token)  # opened here only, for the request
        except sealing.SealBroken:
            raise PushFailed(
                _("The stored access token cannot be read (the server's key changed): save the token again."),
                attempts=0,
            ) from None
        for value_set in sets:
            body = json.dumps(value_set, separators=(",", ":")).encode()
            reply, attempts = send(import_url(target), token, body)  # PushFailed counts its own attempts
            tally.attempts += attempts
            tally.http_status = reply.status
            tally.add(outcome_of(reply, offset=offset))
            if tally.status == PushStatus.FAILED:
                break
            offset += len(value_set["dataValues"])
    except PushFailed as exc:
        tally.status = PushStatus.FAILED
        tally.error = exc.message
        tally.attempts += exc.attempts
        if exc.http_status is not None:
            tally.http_status = exc.http_status
    return _finish(actor, log.pk, target, rows, tally)


@transaction.atomic
def _finish(actor: Acting, log_id: int, target: PushTarget, rows: list[DataSetPeriod], tally: Tally) -> PushLog:
    log = PushLog.objects.select_for_update().get(pk=log_id)
    log.status = tally.status
    log.sent, log.imported, log.updated = tally.sent, tally.imported, tally.updated
    log.ignored, log.deleted, log.attempts = tally.ignored, tally.deleted, tally.attempts
    log.http_status, log.error = tally.http_status, tally.error[:2000]
    log.conflicts = tally.conflicts[:MAX_CONFLICTS]
    log.periods = sorted({row.period.iso for row in rows})
    log.finished_at = timezone.now()
    log.save()
    if log.status in (PushStatus.SUCCESS, PushStatus.WARNING):
        for row in rows:
            PushedPeriod.objects.update_or_create(
                target=target, data_set_period=row, defaults={"approved_at": row.approved_at, "log": log}
            )
    audit.record(
        actor=actor,
        action=TableroAction.PUSH_FINISHED,
        target=log,
        org_unit=target.country,
        changes={
            "status": log.status,
            "periods": log.periods,
            "sent": log.sent,
            "imported": log.imported,
            "updated": log.updated,
            "ignored": log.ignored,
            "deleted": log.deleted,
            "conflicts": len(tally.conflicts),
            "http_status": log.http_status,
        },
    )
    if log.status == PushStatus.FAILED:
        logger.warning("DHIS2 push %s failed (HTTP %s)", log.pk, log.http_status)
    return log
