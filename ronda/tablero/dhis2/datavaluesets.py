"""``/api/dataValueSets`` (JSON, ADX and CSV, in and out) and ``/api/dataValues`` (docs/dhis2.md §6–7).

Every write goes through ``tablero.services.save_values(atomic=False)``: as DHIS2 does, the valid
values are imported and the others reported as conflicts (with their 0-based positions) in an
ImportSummary: 200 OK without conflicts, 409 WARNING with some, 409 ERROR when the whole set is
refused (unknown data set or org unit in the header, a body that cannot be read). ``async=true``
hands the body to a job (``tasks``), which reads and imports it with :func:`run_import`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import ijson
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.translation import gettext as _

from ronda.core import spreadsheets
from ronda.core.tenancy import Actor
from ronda.tablero import entry, policies, services
from ronda.tablero import periods as iso_periods
from ronda.tablero.dhis2.serializers import Catalogue, timestamp
from ronda.tablero.dhis2.views import WebError, body_file, endpoint, flag, json_body, json_response, today
from ronda.tablero.models import DEFAULT_OPTION_COMBO_UID, DataValue, TableroAction, ValueType
from ronda.territory.selectors import in_time_zone_of, large_columns

ADX_NS = "urn:ihe:qrph:adx:2015"
ADX_TYPES = ("application/adx+xml",)
CSV_TYPES = ("application/csv", "text/csv")
SCHEMES = {"UID": "UID", "ID": "UID", "CODE": "CODE", "NAME": "NAME"}
STRATEGIES = ("CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE")
# An ADX body is read whole (XML); JSON and CSV are read as streams, in chunks of CHUNK values.
MAX_VALUES = 100_000
ADX_MAX_BYTES = 20 * 1024 * 1024
CHUNK = 20_000
ADX_RESERVED = frozenset(
    {"dataElement", "value", "categoryOptionCombo", "attributeOptionCombo", "comment", "period", "orgUnit"}
)


# --- Id schemes --------------------------------------------------------------------------------


def _scheme(text: object) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    scheme = SCHEMES.get(text.strip().upper())
    if scheme is None:
        raise WebError(409, f"Invalid id scheme: `{text[:30]}`", "E7001")
    return scheme


@dataclass(frozen=True)
class Schemes:
    data_element: str = "UID"
    org_unit: str = "UID"
    option_combo: str = "UID"
    data_set: str = "UID"
    category: str = "CODE"
    category_option: str = "CODE"

    @classmethod
    def read(cls, source: Any, *, default: str = "UID", prefix: str = "", base: Schemes | None = None) -> Schemes:
        """Schemes from the query string (``request.GET``) or a payload's keys; specific beats general."""

        def get(name: str) -> str | None:
            key = prefix + (name[0].upper() + name[1:] if prefix else name)
            value = source.get(key) if hasattr(source, "get") else None
            return _scheme(value)

        general = get("idScheme")
        start = base or cls(default, default, default, default)

        def pick(name: str, current: str) -> str:
            return get(name) or general or current

        return cls(
            data_element=pick("dataElementIdScheme", start.data_element),
            org_unit=pick("orgUnitIdScheme", start.org_unit),
            option_combo=pick("categoryOptionComboIdScheme", start.option_combo),
            data_set=pick("dataSetIdScheme", start.data_set),
            category=get("categoryIdScheme") or start.category,
            category_option=get("categoryOptionIdScheme") or start.category_option,
        )


# --- Import summary ----------------------------------------------------------------------------


@dataclass
class Summary:
    strategy: str = "CREATE_AND_UPDATE"
    dry_run: bool = False
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    # (object, property, errorCode, message) -> indexes
    conflicts: dict[tuple[str, str, str, str], set[int]] = field(default_factory=dict)
    rejected: set[int] = field(default_factory=set)
    aborted: str | None = None

    def conflict(self, index: int | None, obj: str, prop: str, code: str, message: str) -> None:
        key = (str(obj)[:100], prop, code, message)
        indexes = self.conflicts.setdefault(key, set())
        if index is not None:
            indexes.add(index)  # a set: a million-value set may repeat one conflict 100,000 times
            self.rejected.add(index)

    def response(self) -> HttpResponse:
        body = self.body()
        return json_response(body, status=body["httpStatusCode"])

    def body(self, *, is_async: bool = False) -> dict[str, Any]:
        """The WebMessage with the ImportSummary (``body()["response"]`` is what a task summary shows)."""
        if self.aborted is not None:
            state, top, status, message = "ERROR", "ERROR", 409, "An error occurred, please check import summary."
            description = self.aborted
            counts = {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
        else:
            counts = {
                "imported": self.imported,
                "updated": self.updated,
                "ignored": self.ignored + len(self.rejected),
                "deleted": self.deleted,
            }
            description = "Import process completed successfully"
            if self.conflicts:
                state, top, status = "WARNING", "WARNING", 409
                message = "One more conflicts encountered, please check import summary."
            else:
                state, top, status, message = "SUCCESS", "OK", 200, "Import was successful."
        conflicts = [
            {
                "object": obj,
                "objects": {prop: obj} if prop else {},
                "value": text,
                "errorCode": code,
                "property": prop,
                "indexes": sorted(indexes),
            }
            for (obj, prop, code, text), indexes in self.conflicts.items()
        ]
        body = {
            "httpStatus": "OK" if status == 200 else "Conflict",
            "httpStatusCode": status,
            "status": top,
            "message": message,
            "response": {
                "responseType": "ImportSummary",
                "status": state,
                "importOptions": {
                    "idSchemes": {},
                    "dryRun": self.dry_run,
                    "async": is_async,
                    "importStrategy": self.strategy,
                    "mergeMode": "REPLACE",
                    "reportMode": "FULL",
                    "skipExistingCheck": False,
                    "sharing": False,
                    "skipNotifications": False,
                    "skipAudit": False,
                    "force": False,
                    "firstRowIsHeader": True,
                },
                "description": description,
                "importCount": counts,
                "conflicts": conflicts,
                "rejectedIndexes": sorted(self.rejected),
                "dataSetComplete": "false",
            },
        }
        return body


# --- Reading the payload -----------------------------------------------------------------------


@dataclass
class RawValue:
    index: int
    data_element: str
    period: str
    org_unit: str
    option_combo: str
    attribute_combo: str
    value: Any
    comment: str
    categories: dict[str, str] = field(default_factory=dict)


@dataclass
class Payload:
    data_set: str = ""
    org_unit: str = ""
    attribute_combo: str = ""
    # A list, or (JSON and CSV) an iterator over the body: reading it may raise ValueError.
    values: Iterable[RawValue] = field(default_factory=list)
    schemes: Schemes = field(default_factory=Schemes)


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip() if isinstance(value, str | int | float | Decimal) else ""


# The set's own keys: defaults for its values, and the id schemes.
HEADER_KEYS = frozenset(
    {
        "dataSet",
        "orgUnit",
        "period",
        "attributeOptionCombo",
        "completeDate",
        "idScheme",
        "dataElementIdScheme",
        "orgUnitIdScheme",
        "categoryOptionComboIdScheme",
        "dataSetIdScheme",
        "categoryIdScheme",
        "categoryOptionIdScheme",
    }
)
SCALAR_EVENTS = frozenset({"string", "number", "boolean", "null"})
_VALUES_LAST = re.compile(rb"\]\s*\}\s*$")


def _json_error() -> ValueError:
    return ValueError("Could not parse the JSON body.")


def _values_come_last(body: IO[bytes]) -> bool:
    """Whether the body ends with an array closing the object: ``dataValues`` is its last key (as
    DHIS2's clients write it), so the keys read before the values are all of them."""
    body.seek(0, io.SEEK_END)
    size = body.tell()
    body.seek(max(0, size - 256))
    tail = body.read()
    return bool(_VALUES_LAST.search(tail))


def _json_header(body: IO[bytes]) -> dict[str, Any]:
    """The set's keys, read with ijson (the body is never held whole: a country's month is a hundred
    megabytes). Those before ``dataValues`` are read at once; only when something follows the values
    does the parser go on through them (slower, never wrong)."""
    header: dict[str, Any] = {}
    body.seek(0)
    events = ijson.parse(body)
    first = next(events, None)
    if first is None or first[:2] != ("", "start_map"):
        raise ValueError(_("The body is not a data value set."))
    for prefix, event, value in events:
        if prefix == "dataValues":
            if event != "start_array":
                raise ValueError(_("dataValues is not a list."))
            break
        if prefix in HEADER_KEYS and event in SCALAR_EVENTS:
            header[prefix] = value
    else:
        return header  # no values at all
    if not _values_come_last(body):
        body.seek(0)
        for prefix, event, value in ijson.parse(body):
            if prefix in HEADER_KEYS and event in SCALAR_EVENTS:
                header[prefix] = value
    return header


def _json_value(index: int, item: Any, payload: Payload, period: str) -> RawValue:
    if not isinstance(item, dict):
        item = {}
    value = item.get("value")
    if isinstance(value, dict | list):
        value = "?"
    if _deleted(item):
        value = None
    raw = RawValue(
        index=index,
        data_element=_str(item.get("dataElement")),
        period=_str(item.get("period")) or period,
        org_unit=_str(item.get("orgUnit")) or payload.org_unit,
        option_combo=_str(item.get("categoryOptionCombo")),
        attribute_combo=_str(item.get("attributeOptionCombo")) or payload.attribute_combo,
        value=value if value is None or isinstance(value, str) else _str(value),
        comment=_str(item.get("comment")),
    )
    # The middleware refuses a NUL in the bodies it reads; a streamed body is checked here.
    if "\x00" in f"{raw.data_element}{raw.period}{raw.org_unit}{raw.option_combo}{raw.value or ''}{raw.comment}":
        raise ValueError(_("This text contains a character that is not allowed (NUL)."))
    return raw


def parse_json(body: IO[bytes], schemes: Schemes) -> Payload:
    """A JSON data value set, read as a stream: the header first, then the values one at a time."""
    try:
        header = _json_header(body)
    except (ijson.JSONError, UnicodeDecodeError):
        raise _json_error() from None
    if any(isinstance(v, str) and "\x00" in v for v in header.values()):
        raise ValueError(_("This text contains a character that is not allowed (NUL)."))
    payload = Payload(
        data_set=_str(header.get("dataSet")),
        org_unit=_str(header.get("orgUnit")),
        attribute_combo=_str(header.get("attributeOptionCombo")),
        schemes=Schemes.read(header, base=schemes),
    )
    payload.values = _json_values(body, payload, _str(header.get("period")))
    return payload


def _json_values(body: IO[bytes], payload: Payload, period: str) -> Iterator[RawValue]:
    body.seek(0)
    try:
        for index, item in enumerate(ijson.items(body, "dataValues.item")):
            yield _json_value(index, item, payload, period)
    except (ijson.JSONError, UnicodeDecodeError):
        raise _json_error() from None


def _deleted(item: Any) -> bool:
    return isinstance(item, dict) and item.get("deleted") in (True, "true")


_DURATION = re.compile(r"^(\d{4})-(\d{2})-(\d{2})/P(\d+)([MY])$")


def adx_period(text: str) -> str:
    """``2024-01-01/P1M`` → ``202401``; ``/P3M`` a quarter, ``/P6M`` a half year, ``/P1Y`` a year."""
    match = _DURATION.match(text.strip())
    if not match:
        return text
    year, month, day, count, unit = match.groups()
    months = int(count) * (12 if unit == "Y" else 1)
    types = {1: "Monthly", 3: "Quarterly", 6: "SixMonthly", 12: "Yearly"}
    if day != "01" or months not in types:
        return text
    try:
        period = iso_periods.of_type(types[months], dt.date(int(year), int(month), 1))
    except ValueError:
        return text
    return period.iso if period.start == dt.date(int(year), int(month), 1) else text


def iso_to_adx(iso: str) -> str:
    period = iso_periods.parse(iso)
    duration = {"Monthly": "P1M", "Quarterly": "P3M", "SixMonthly": "P6M", "Yearly": "P1Y"}[period.period_type]
    return f"{period.start.isoformat()}/{duration}"


def _refuse_dtd(body: bytes) -> None:
    lowered = body[:200_000].lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise ValueError(_("Documents with a DTD or entities are not accepted."))


def parse_adx(source: IO[bytes] | bytes, schemes: Schemes) -> Payload:
    """An ADX document, read whole (XML): at most ``ADX_MAX_BYTES``; larger sets go as JSON or CSV."""
    if isinstance(source, bytes):
        body = source
    else:
        source.seek(0)
        body = source.read(ADX_MAX_BYTES + 1)
    if len(body) > ADX_MAX_BYTES:
        raise ValueError(
            _("An ADX body holds at most %(size)d MB: send a larger set as JSON or CSV.")
            % {"size": ADX_MAX_BYTES // (1024 * 1024)}
        )
    _refuse_dtd(body)
    try:
        root = ET.fromstring(body)  # noqa: S314 - no DTD, hence no entities, reaches the parser
    except ET.ParseError as exc:
        raise ValueError(_("The XML cannot be read: %(error)s") % {"error": str(exc)[:80]}) from None
    if root.tag not in (f"{{{ADX_NS}}}adx", "adx"):
        raise ValueError(_("The root element is not adx."))
    found: list[RawValue] = []
    payload = Payload(schemes=schemes, values=found)
    index = 0
    for group in root:
        if group.tag not in (f"{{{ADX_NS}}}group", "group"):
            continue
        period = adx_period(group.get("period", ""))
        org_unit = group.get("orgUnit", "")
        payload.data_set = payload.data_set or group.get("dataSet", "")
        for item in group:
            if item.tag not in (f"{{{ADX_NS}}}dataValue", "dataValue"):
                continue
            if index >= MAX_VALUES:
                raise ValueError(_("Too many values in one request."))
            comment = ""
            for child in item:
                if child.tag in (f"{{{ADX_NS}}}annotation", "annotation"):
                    comment = (child.text or "").strip()
            found.append(
                RawValue(
                    index=index,
                    data_element=item.get("dataElement", ""),
                    period=period,
                    org_unit=org_unit,
                    option_combo=item.get("categoryOptionCombo", ""),
                    attribute_combo=group.get("attributeOptionCombo", ""),
                    value=item.get("value"),
                    comment=comment,
                    categories={k: v for k, v in item.attrib.items() if k not in ADX_RESERVED},
                )
            )
            index += 1
    return payload


# DHIS2's CSV columns, in DHIS2's order (a file without a header row is read by position).
CSV_COLUMNS = (
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
)


def _csv_lines(text: IO[str]) -> Iterator[str]:
    for line in text:
        if "\x00" in line:
            raise ValueError(_("The CSV is not UTF-8 text."))
        yield line


def parse_csv(body: IO[bytes], schemes: Schemes, *, first_row_is_header: bool = True) -> Payload:
    """DHIS2's CSV: one value a line, the columns of ``CSV_COLUMNS`` by position (read as a stream).

    As DHIS2 (``firstRowIsHeader``, default true), the first line is a header and is not a value;
    Ronda also maps the columns by that header's names when it holds DHIS2's names (in any order,
    any case), and falls back to DHIS2's positions otherwise. ``firstRowIsHeader=false``: every line
    is a value, by position.
    """
    return Payload(schemes=schemes, values=_csv_values(body, first_row_is_header))


def _csv_values(body: IO[bytes], first_row_is_header: bool) -> Iterator[RawValue]:
    body.seek(0)
    text = io.TextIOWrapper(body, encoding="utf-8-sig", newline="")
    positions = {name: i for i, name in enumerate(CSV_COLUMNS)}
    reader = csv.reader(_csv_lines(text), strict=True)
    index = 0
    try:
        for line_number, cells in enumerate(reader):
            if line_number == 0 and first_row_is_header:
                named = {c.strip().lower().replace("_", ""): i for i, c in enumerate(cells)}
                if {"dataelement", "value"} <= set(named):
                    positions = {name: named[name] for name in CSV_COLUMNS if name in named}
                continue
            if not any(c.strip() for c in cells):
                continue

            def cell(name: str, cells: list[str] = cells, positions: dict[str, int] = positions) -> str:
                at = positions.get(name)
                return cells[at].strip() if at is not None and at < len(cells) else ""

            deleted = cell("deleted").lower() == "true"
            yield RawValue(
                index=index,
                data_element=cell("dataelement"),
                period=cell("period"),
                org_unit=cell("orgunit"),
                option_combo=cell("categoryoptioncombo"),
                attribute_combo=cell("attributeoptioncombo"),
                value=None if deleted else cell("value"),
                comment=cell("comment"),
            )
            index += 1
    except UnicodeDecodeError:
        raise ValueError(_("The CSV is not UTF-8 text.")) from None
    except csv.Error as exc:
        raise ValueError(_("The CSV cannot be read: %(error)s") % {"error": str(exc)[:80]}) from None
    finally:
        text.detach()  # the body stays open for its owner


def read_payload(content_type: str, suffix: str | None, body: IO[bytes], params: Any) -> Payload:
    """The payload of a POST in any of the accepted formats (``params``: the query string).

    ``ValueError``: the body cannot be read (the whole set is refused), raised here or while its
    values are read; ``WebError(415)``: a content type Ronda does not read."""
    if content_type in ADX_TYPES or suffix == "adx":
        return parse_adx(body, Schemes.read(params, default="CODE"))
    if content_type in CSV_TYPES or suffix == "csv":
        return parse_csv(body, Schemes.read(params), first_row_is_header=_param_flag(params, "firstRowIsHeader", True))
    if content_type in ("application/json", "") or suffix == "json":
        return parse_json(body, Schemes.read(params))
    raise WebError(415, f"Unsupported media type: `{content_type[:60]}`")


def _param_flag(params: Any, name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None:
        return default
    return str(value).strip().lower() in ("true", "1", "yes")


# --- Resolving and saving ----------------------------------------------------------------------


def _option_combo_by_categories(catalogue: Catalogue, element: Any, wanted: dict[str, str], schemes: Schemes) -> Any:
    combo = catalogue.objects("categoryCombos").get(element.category_combo.uid)
    if combo is None:
        return None
    categories = catalogue.objects("categories")
    options = catalogue.objects("categoryOptions")
    field_of = {"UID": "id", "CODE": "code", "NAME": "name"}
    cat_names = {
        ref.uid: categories[ref.uid].get(field_of[schemes.category])
        for ref in combo["categories"]
        if ref.uid in categories
    }
    if set(wanted) != set(cat_names.values()):
        return None
    for ref in combo["categoryOptionCombos"]:
        coc = catalogue.objects("categoryOptionCombos").get(ref.uid)
        if coc is None:
            continue
        chosen = {}
        for option_ref in coc["categoryOptions"]:
            option = options.get(option_ref.uid)
            if option is None:
                continue
            category_uid = option["categories"][0].uid
            chosen[cat_names.get(category_uid)] = option.get(field_of[schemes.category_option])
        if chosen == wanted:
            return catalogue.model("categoryOptionCombos", ref.uid)
    return None


def _option_combo(catalogue: Catalogue, element: Any, key: str, scheme: str) -> Any:
    """A combination by uid, code or name: the element's own first (codes repeat across combinations)."""
    if scheme != "UID":
        field_name = "code" if scheme == "CODE" else "name"
        combo = catalogue.objects("categoryCombos").get(element.category_combo.uid)
        cocs = catalogue.objects("categoryOptionCombos")
        for ref in combo["categoryOptionCombos"] if combo else []:
            coc = cocs.get(ref.uid)
            if coc is not None and coc.get(field_name) == key:
                return catalogue.model("categoryOptionCombos", ref.uid)
    return catalogue.find("categoryOptionCombos", key, scheme)


def _default_coc(catalogue: Catalogue) -> Any:
    return catalogue.model("categoryOptionCombos", DEFAULT_OPTION_COMBO_UID)


SAVE_CODES = {
    "period": "E7641",
    "approved": "E7642",
    "org_unit": "E7617",
    "value": "E7619",
    "rule": "E7619",
    "comment": "E7620",
    "option_combo": "E7634",
}
PROPERTIES = {
    "period": "period",
    "approved": "period",
    "rule": "value",
    "org_unit": "orgUnit",
    "value": "value",
    "comment": "comment",
    "option_combo": "categoryOptionCombo",
}


def import_values(actor: Actor, payload: Payload, *, strategy: str, dry_run: bool) -> Summary:
    """The set imported ``CHUNK`` values at a time, in one transaction: a body that turns out to be
    unreadable half-way (``ValueError`` from its values) writes nothing."""
    summary = Summary(strategy=strategy, dry_run=dry_run)
    catalogue = Catalogue(actor)
    schemes = payload.schemes
    if payload.data_set and catalogue.find("dataSets", payload.data_set, schemes.data_set) is None:
        summary.aborted = "Import process was aborted"
        summary.conflict(
            None, payload.data_set, "dataSet", "E7600", f"Data set not found or not accessible: `{payload.data_set}`"
        )
        return summary
    if payload.org_unit and catalogue.find("organisationUnits", payload.org_unit, schemes.org_unit) is None:
        summary.aborted = "Import process was aborted"
        summary.conflict(
            None, payload.org_unit, "orgUnit", "E7603", f"Org unit not found or not accessible: `{payload.org_unit}`"
        )
        return summary
    if payload.attribute_combo and payload.attribute_combo not in (DEFAULT_OPTION_COMBO_UID, "default"):
        summary.aborted = "Import process was aborted"
        summary.conflict(
            None,
            payload.attribute_combo,
            "attributeOptionCombo",
            "E7604",
            f"Attribute option combo not found or not accessible: `{payload.attribute_combo}`",
        )
        return summary
    seen: set[int] = set()  # services.value_key of every value read: the same key twice is a conflict
    with transaction.atomic():
        for chunk in _chunks(payload.values, CHUNK):
            _import_chunk(actor, catalogue, payload.schemes, chunk, summary, seen, strategy=strategy, dry_run=dry_run)
    return summary


def _chunks(values: Iterable[RawValue], size: int) -> Iterator[list[RawValue]]:
    iterator = iter(values)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _import_chunk(
    actor: Actor,
    catalogue: Catalogue,
    schemes: Schemes,
    values: list[RawValue],
    summary: Summary,
    seen: set[int],
    *,
    strategy: str,
    dry_run: bool,
) -> None:
    catalogue.prefetch_units({raw.org_unit for raw in values}, schemes.org_unit)
    default = _default_coc(catalogue)
    inputs: list[services.ValueInput] = []
    for raw in values:
        element = catalogue.find("dataElements", raw.data_element, schemes.data_element) if raw.data_element else None
        if element is None:
            summary.conflict(
                raw.index,
                raw.data_element,
                "dataElement",
                "E7610",
                f"Data element not found or not accessible: `{raw.data_element}`",
            )
            continue
        try:
            period = iso_periods.parse(raw.period)
        except iso_periods.InvalidPeriod:
            summary.conflict(raw.index, raw.period, "period", "E7611", f"Period not valid: `{raw.period}`")
            continue
        unit = catalogue.find("organisationUnits", raw.org_unit, schemes.org_unit) if raw.org_unit else None
        if unit is None:
            summary.conflict(
                raw.index,
                raw.org_unit,
                "orgUnit",
                "E7612",
                f"Organisation unit not found or not accessible: `{raw.org_unit}`",
            )
            continue
        if raw.option_combo:
            coc = _option_combo(catalogue, element, raw.option_combo, schemes.option_combo)
        elif raw.categories:
            coc = _option_combo_by_categories(catalogue, element, raw.categories, schemes)
        else:
            coc = default if element.category_combo.is_default else None
        if coc is None:
            shown = raw.option_combo or ",".join(f"{k}={v}" for k, v in sorted(raw.categories.items()))
            if not shown:
                summary.conflict(
                    raw.index,
                    "",
                    "categoryOptionCombo",
                    "E7630",
                    "Category option combo is required but is not specified",
                )
            else:
                summary.conflict(
                    raw.index,
                    shown,
                    "categoryOptionCombo",
                    "E7613",
                    f"Category option combo not found or not accessible for writing data: `{shown}`",
                )
            continue
        if raw.attribute_combo and raw.attribute_combo not in (DEFAULT_OPTION_COMBO_UID, "default"):
            summary.conflict(
                raw.index,
                raw.attribute_combo,
                "attributeOptionCombo",
                "E7615",
                f"Attribute option combo not found or not accessible for writing data: `{raw.attribute_combo}`",
            )
            continue
        key = services.value_key(element.id, coc.id, unit.id, period)
        if key in seen:
            summary.conflict(raw.index, element.uid, "value", "E7619", _("This value appears twice."))
            continue
        seen.add(key)
        value = None if strategy == "DELETE" else raw.value
        inputs.append(
            services.ValueInput(
                data_element=element,
                option_combo=coc,
                org_unit=unit,
                period=raw.period,
                value=value,
                comment=raw.comment if strategy != "DELETE" else "",
                row=raw.index,
            )
        )
    if strategy in ("CREATE", "UPDATE") and inputs:
        existing = _existing_keys(actor, inputs)
        kept = []
        for item in inputs:
            exists = (item.data_element.pk, item.option_combo.pk, item.org_unit.pk, item.period) in existing
            if (strategy == "CREATE" and exists) or (strategy == "UPDATE" and not exists):
                summary.ignored += 1
            else:
                kept.append(item)
        inputs = kept
    if not inputs:
        return
    by_row = {item.row: item for item in inputs}
    result = guarded_save(actor, inputs, dry_run=dry_run, action=TableroAction.VALUES_IMPORTED)
    for error in result.errors:
        failed = by_row.get(error.row)
        obj = {
            "period": failed.period if failed else "",
            "approved": failed.period if failed else "",
            "org_unit": failed.org_unit.uid if failed else "",
            "option_combo": failed.option_combo.uid if failed else "",
        }.get(error.field, failed.data_element.uid if failed else "")
        code = SAVE_CODES.get(error.field, "E7619")
        summary.conflict(error.row, obj, PROPERTIES.get(error.field, error.field), code, error.message)
    summary.imported += result.imported
    summary.updated += result.updated
    summary.deleted += result.deleted
    summary.ignored += result.ignored


@transaction.atomic
def guarded_save(
    actor: Actor, inputs: list[services.ValueInput], *, dry_run: bool = False, action: str = TableroAction.VALUES_SAVED
) -> services.SaveResult:
    """``save_values(atomic=False)`` after the checks every write path makes (``tablero.entry``): the
    values of an approved period (under the data set periods' row locks) and those that break a rule
    are refused, the others written. The refused rows come back among the result's errors."""
    refused = [services.RowError(e.row, "approved", e.message) for e in entry.check_not_approved(inputs, lock=True)]
    refused += [services.RowError(e.row, "rule", e.message) for e in entry.rule_errors(inputs)]
    refused_rows = {e.row for e in refused}
    kept = [item for item in inputs if item.row not in refused_rows]
    result = (
        services.save_values(actor=actor, values=kept, atomic=False, dry_run=dry_run, action=action, today=today())
        if kept
        else services.SaveResult()
    )
    result.errors = [*refused, *result.errors]
    return result


def _existing_keys(actor: Actor, inputs: list[services.ValueInput]) -> set[tuple[int, int, int, str]]:
    rows = (
        policies.visible_values(actor)
        .filter(
            deleted=False,
            value__isnull=False,
            data_element__in={i.data_element.pk for i in inputs},
            org_unit__in={i.org_unit.pk for i in inputs},
            period__iso__in={i.period.strip() for i in inputs},
        )
        .values_list("data_element_id", "option_combo_id", "org_unit_id", "period__iso")
    )
    return set(rows)


def _content_type(request: HttpRequest) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()


def post_value_sets(request: HttpRequest, actor: Actor, suffix: str | None) -> HttpResponse:
    strategy = read_strategy(request.GET)
    dry_run = flag(request, "dryRun")
    content_type = _content_type(request)
    readable = content_type in (*ADX_TYPES, *CSV_TYPES, "application/json", "") or suffix in ("adx", "csv", "json")
    if not readable:
        raise WebError(415, f"Unsupported media type: `{content_type[:60]}`")
    body = body_file(request)
    if flag(request, "async"):
        from ronda.tablero.dhis2.tasks import start_import  # the task module imports this one

        return start_import(actor, body=body, content_type=content_type, suffix=suffix, params=request.GET)
    return run_import(actor, content_type, suffix, body, request.GET, strategy=strategy, dry_run=dry_run).response()


def read_strategy(params: Any) -> str:
    strategy = str(params.get("importStrategy") or params.get("strategy") or "CREATE_AND_UPDATE").upper()
    if strategy in ("NEW_AND_UPDATES", "NEW_AND_UPDATE"):
        strategy = "CREATE_AND_UPDATE"
    if strategy not in STRATEGIES:
        raise WebError(409, f"Invalid import strategy: `{strategy[:30]}`", "E7002")
    return strategy


def run_import(
    actor: Actor,
    content_type: str,
    suffix: str | None,
    body: IO[bytes] | bytes,
    params: Any,
    *,
    strategy: str,
    dry_run: bool,
) -> Summary:
    """Read the body and import it (the request's work, and the async job's): a body that cannot be
    read, before or while its values are, is refused whole and nothing is written."""
    source = io.BytesIO(body) if isinstance(body, bytes) else body
    try:
        payload = read_payload(content_type, suffix, source, params)
        return import_values(actor, payload, strategy=strategy, dry_run=dry_run)
    except ValueError as exc:
        return Summary(strategy=strategy, dry_run=dry_run, aborted=f"The import process failed: {exc}")
    except WebError as exc:
        if exc.status != 400:
            raise
        return Summary(strategy=strategy, dry_run=dry_run, aborted=f"The import process failed: {exc.message}")


# --- Export ------------------------------------------------------------------------------------


def format_value(value: Decimal | None, value_type: str) -> str:
    if value is None:
        return ""
    if value_type == ValueType.BOOLEAN:
        return "true" if value else "false"
    text = format(value.normalize(), "f")
    return text


def _parse_date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise WebError(409, f"Invalid date for `{name}`: `{text[:20]}`", "E2002") from None


def _wants_csv(request: HttpRequest, suffix: str | None) -> bool:
    if suffix is not None:
        return suffix == "csv"
    accept = request.META.get("HTTP_ACCEPT", "")
    return any(t in accept for t in CSV_TYPES) and "application/json" not in accept


def export_values(request: HttpRequest, actor: Actor, suffix: str | None) -> HttpResponseBase:
    adx = suffix == "adx" or (suffix != "csv" and "application/adx+xml" in request.META.get("HTTP_ACCEPT", ""))
    as_csv = not adx and _wants_csv(request, suffix)
    out_schemes = Schemes.read(request.GET, default="CODE" if adx else "UID")
    in_schemes = Schemes.read(request.GET, default="UID", prefix="input")
    catalogue = Catalogue(actor)
    data_sets = request.GET.getlist("dataSet")
    element_keys = request.GET.getlist("dataElement")
    if not data_sets and not element_keys and not request.GET.getlist("dataElementGroup"):
        raise WebError(409, "At least one data set or data element must be specified", "E2001")
    periods = [p for value in request.GET.getlist("period") for p in value.split(",") if p.strip()]
    start, end = request.GET.get("startDate"), request.GET.get("endDate")
    if not periods and not (start and end) and not request.GET.get("lastUpdated"):
        raise WebError(
            409,
            "At least one period, start/end dates, last updated or last updated duration must be specified",
            "E2002",
        )
    unit_keys = [u for value in request.GET.getlist("orgUnit") for u in value.split(",") if u.strip()]
    if not unit_keys:
        raise WebError(409, "At least one organisation unit or organisation unit group must be specified", "E2006")
    elements: dict[int, Any] = {}
    found_sets = []
    for key in data_sets:
        ds = catalogue.find("dataSets", key, in_schemes.data_set)
        if ds is None:
            raise WebError(409, f"Data set not found or not accessible: `{key[:20]}`", "E2013")
        found_sets.append(ds)
        for ref in catalogue.objects("dataSets")[ds.uid]["dataSetElements"]:
            element = catalogue.model("dataElements", ref["dataElement"].uid)
            if element is not None:
                elements[element.pk] = element
    for key in element_keys:
        element = catalogue.find("dataElements", key, in_schemes.data_element)
        if element is None:
            raise WebError(409, f"Data element not found or not accessible: `{key[:20]}`", "E2014")
        elements[element.pk] = element
    units = []
    for key in unit_keys:
        unit = catalogue.find("organisationUnits", key, in_schemes.org_unit)
        if unit is None:
            raise WebError(409, f"User is not allowed to view org unit: `{key[:20]}`", "E2012")
        units.append(unit)
    query = policies.visible_values(actor).filter(deleted=False, value__isnull=False, data_element__in=list(elements))
    if flag(request, "children"):
        from django.db.models import Q

        condition = Q()
        for unit in units:
            condition |= Q(org_unit__path__startswith=unit.path)
        query = query.filter(condition)
    else:
        query = query.filter(org_unit__in=units)
    if periods:
        for iso in periods:
            try:
                iso_periods.parse(iso)
            except iso_periods.InvalidPeriod:
                raise WebError(409, f"Period not valid: `{iso[:20]}`", "E7611") from None
        query = query.filter(period__iso__in=periods)
    elif start and end:
        query = query.filter(
            period__start_date__gte=_parse_date(start, "startDate"), period__end_date__lte=_parse_date(end, "endDate")
        )
    # The order of the values' unique index (element, period, unit, combination): PostgreSQL walks
    # the index and the first row leaves at once; ordered by period date it sorted a country's
    # 12 million rows first (87 s to the first byte). Each unit's map shape and populations stay
    # in the database (a 12 million-row export would carry them on every row).
    query = (
        query.select_related("data_element", "option_combo", "org_unit", "period", "stored_by")
        .defer(*large_columns("org_unit"))
        .order_by("data_element_id", "period_id", "org_unit_id", "option_combo_id")
    )
    if as_csv:
        return _csv_response(actor, catalogue, query, out_schemes)
    if adx:
        rows = list(query[: int(MAX_VALUES)])
        data_set = catalogue.identifier("dataSets", found_sets[0], out_schemes.data_set) if len(found_sets) == 1 else ""
        return _adx_response(catalogue, rows, out_schemes, data_set)
    head: dict[str, Any] = {}
    if len(data_sets) == 1:
        head["dataSet"] = data_sets[0]
    if len(periods) == 1:
        head["period"] = periods[0]
    if len(unit_keys) == 1 and not flag(request, "children"):
        head["orgUnit"] = unit_keys[0]
    return _json_response(actor, catalogue, query, out_schemes, head)


def _json_response(
    actor: Actor, catalogue: Catalogue, query: Any, schemes: Schemes, head: dict[str, Any]
) -> StreamingHttpResponse:
    """The dataValueSet as JSON, streamed (a country's year is millions of values: constant memory,
    the rows read in chunks), with the same keys in the same order as DHIS2's."""

    def parts() -> Iterator[str]:
        opening = json.dumps(head, ensure_ascii=False)[:-1]  # '{"dataSet": …' without its '}'
        yield opening + (", " if head else "") + '"dataValues": ['
        buffer: list[str] = []
        size = 0
        first = True
        with in_time_zone_of(actor.org_unit):
            for row in query.iterator(chunk_size=CSV_CHUNK_ROWS):
                text = json.dumps(_value_json(catalogue, row, schemes), ensure_ascii=False)
                buffer.append(text if first else ", " + text)
                first = False
                size += len(text)
                if size > 64 * 1024:
                    yield "".join(buffer)
                    buffer, size = [], 0
        yield "".join(buffer) + "]}"

    return StreamingHttpResponse(parts(), content_type="application/json; charset=utf-8")


def _value_json(catalogue: Catalogue, row: DataValue, schemes: Schemes) -> dict[str, Any]:
    return {
        "dataElement": catalogue.identifier("dataElements", row.data_element, schemes.data_element),
        "period": row.period.iso,
        "orgUnit": catalogue.identifier("organisationUnits", row.org_unit, schemes.org_unit),
        "categoryOptionCombo": catalogue.identifier("categoryOptionCombos", row.option_combo, schemes.option_combo),
        "attributeOptionCombo": DEFAULT_OPTION_COMBO_UID if schemes.option_combo == "UID" else "default",
        "value": format_value(row.value, row.data_element.value_type),
        "storedBy": row.stored_by.get_username() if row.stored_by else "",
        "created": (timestamp(row.created_at) or "") + "+0000",
        "lastUpdated": (timestamp(row.updated_at) or "") + "+0000",
        "comment": row.comment,
        "followup": row.follow_up,
    }


CSV_CHUNK_ROWS = 2000


def _csv_response(actor: Actor, catalogue: Catalogue, query: Any, schemes: Schemes) -> StreamingHttpResponse:
    """DHIS2's CSV, streamed (no row limit: constant memory, the rows read in chunks).

    A machine format: cells are written as they are, **without** the spreadsheet formula guard of
    Ronda's own CSV export (``tablero.exports``), so that a value or a comment comes back through an
    import byte for byte (docs/dhis2.md §6)."""

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = spreadsheets.machine_csv_writer(buffer, lineterminator="\n")  # DHIS2's exchange format
        writer.writerow(CSV_COLUMNS)
        # The body is written after the view returns: in the actor's time zone again.
        with in_time_zone_of(actor.org_unit):
            for row in query.iterator(chunk_size=CSV_CHUNK_ROWS):
                value = _value_json(catalogue, row, schemes)
                writer.writerow(
                    [
                        value["dataElement"],
                        value["period"],
                        value["orgUnit"],
                        value["categoryOptionCombo"],
                        value["attributeOptionCombo"],
                        value["value"],
                        value["storedBy"],
                        value["lastUpdated"],
                        value["comment"],
                        "true" if value["followup"] else "false",
                        "false",
                    ]
                )
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="application/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dataValueSets.csv"'
    return response


def _adx_response(catalogue: Catalogue, rows: list[DataValue], schemes: Schemes, data_set: str) -> HttpResponse:
    ET.register_namespace("", ADX_NS)
    root = ET.Element(f"{{{ADX_NS}}}adx", {"exported": timestamp(dt.datetime.now(dt.UTC)) or ""})
    groups: dict[tuple[int, str], list[DataValue]] = defaultdict(list)
    for row in rows:
        groups[(row.org_unit_id, row.period.iso)].append(row)
    categories = catalogue.objects("categories")
    options = catalogue.objects("categoryOptions")
    field_of = {"UID": "id", "CODE": "code", "NAME": "name"}
    for (_unit_id, iso), members in groups.items():
        attrs = {
            "orgUnit": catalogue.identifier("organisationUnits", members[0].org_unit, schemes.org_unit),
            "period": iso_to_adx(iso),
        }
        if data_set:
            attrs["dataSet"] = data_set
        group = ET.SubElement(root, f"{{{ADX_NS}}}group", attrs)
        for row in members:
            value_attrs = {"dataElement": catalogue.identifier("dataElements", row.data_element, schemes.data_element)}
            coc = catalogue.objects("categoryOptionCombos").get(row.option_combo.uid)
            for ref in coc["categoryOptions"] if coc else []:
                option = options.get(ref.uid)
                if option is None:
                    continue
                category = categories.get(option["categories"][0].uid)
                if category is not None:
                    value_attrs[str(category.get(field_of[schemes.category]))] = str(
                        option.get(field_of[schemes.category_option])
                    )
            value_attrs["value"] = format_value(row.value, row.data_element.value_type)
            element = ET.SubElement(group, f"{{{ADX_NS}}}dataValue", value_attrs)
            if row.comment:
                ET.SubElement(element, f"{{{ADX_NS}}}annotation").text = row.comment
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, content_type="application/adx+xml; charset=utf-8")


@endpoint("GET", "POST")
def data_value_sets(request: HttpRequest, actor: Actor, suffix: str | None = None) -> HttpResponseBase:
    if request.method == "POST":
        return post_value_sets(request, actor, suffix)
    return export_values(request, actor, suffix)


# --- Single values -----------------------------------------------------------------------------


def _single_params(request: HttpRequest) -> dict[str, str]:
    params = {k: request.GET.get(k, "") for k in ("de", "pe", "ou", "co", "value", "comment")}
    if request.method == "POST" and _content_type(request) == "application/json":
        data = json_body(request)
        if not isinstance(data, dict):
            raise WebError(400, "The body is not a data value.")
        names = {
            "de": "dataElement",
            "pe": "period",
            "ou": "orgUnit",
            "co": "categoryOptionCombo",
            "value": "value",
            "comment": "comment",
        }
        for short, long in names.items():
            if long in data and data[long] is not None:
                params[short] = _str(data[long])
    elif request.method == "POST":
        for key in ("value", "comment"):
            if key in request.POST:
                params[key] = request.POST[key]
    return params


def _single_target(catalogue: Catalogue, params: dict[str, str]) -> tuple[Any, Any, Any, str]:
    missing = [k for k in ("de", "pe", "ou") if not params[k]]
    if missing:
        raise WebError(409, f"Required parameter missing: `{missing[0]}`", "E1102")
    element = catalogue.find("dataElements", params["de"])
    if element is None:
        raise WebError(409, f"Data element not found or not accessible: `{params['de'][:20]}`", "E1100")
    try:
        iso_periods.parse(params["pe"])
    except iso_periods.InvalidPeriod:
        raise WebError(409, f"Period not valid: `{params['pe'][:20]}`", "E1101") from None
    unit = catalogue.find("organisationUnits", params["ou"])
    if unit is None:
        raise WebError(409, f"Organisation unit not found or not accessible: `{params['ou'][:20]}`", "E1102")
    coc = catalogue.find("categoryOptionCombos", params["co"]) if params["co"] else None
    if coc is None and not params["co"] and element.category_combo.is_default:
        coc = _default_coc(catalogue)
    if coc is None or coc.combo_id != element.category_combo_id:
        raise WebError(409, f"Category option combo not found or not accessible: `{params['co'][:20]}`", "E1103")
    return element, unit, coc, params["pe"].strip()


@endpoint("GET", "POST", "DELETE")
def data_values(request: HttpRequest, actor: Actor) -> HttpResponse:
    catalogue = Catalogue(actor)
    params = _single_params(request)
    element, unit, coc, iso = _single_target(catalogue, params)
    if request.method == "GET":
        row = (
            policies.visible_values(actor)
            .filter(
                data_element=element,
                org_unit=unit,
                option_combo=coc,
                period__iso=iso,
                deleted=False,
                value__isnull=False,
            )
            .first()
        )
        if row is None:
            raise WebError(409, "Data value does not exist", "E2032")
        return json_response([format_value(row.value, element.value_type)])
    if request.method == "DELETE":
        exists = (
            policies.visible_values(actor)
            .filter(
                data_element=element,
                org_unit=unit,
                option_combo=coc,
                period__iso=iso,
                deleted=False,
                value__isnull=False,
            )
            .exists()
        )
        if not exists:
            raise WebError(409, "Data value cannot be deleted because it does not exist", "E2032")
        value: str | None = None
        comment = ""
    else:
        value = params["value"]
        comment = params["comment"]
    result = guarded_save(
        actor,
        [
            services.ValueInput(
                data_element=element, option_combo=coc, org_unit=unit, period=iso, value=value, comment=comment, row=0
            )
        ],
    )
    if result.errors:
        reasons = "; ".join(e.message for e in result.errors)
        raise WebError(409, f"Failed to upsert data value: {reasons}", "E2030")
    return HttpResponse(status=204 if request.method == "DELETE" else 201)
