"""The public list and map of recognised municipalities (issue #14 item 6): what anyone may read.

A recognition is *valid today* when its certificate is not revoked, was issued on or before today
and is valid until today or later; *expiring* when it is valid and ends within ``EXPIRING_DAYS``.
A recognition *expired* when its certificate, never revoked, ended in the last ``EXPIRED_DAYS``
and the municipality holds no valid certificate of the same framework since (a renewal replaces
it). A revoked certificate proves nothing and is not listed at all; a cycle in preparation or in
review has no certificate, so it cannot appear.

Every row is read from the certificate with ``values()``: the municipality's name and code, the
framework's name, the category, the dates and the verification code — nothing of the cycle's
people (its liaison, who submitted, who decided). The territory's large columns are left out of
the list; the map reads ``OrgUnit.geometry`` for the municipalities it draws, and only those.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ronda.certification.models import Certificate, CycleStage, Framework, FrameworkStatus, Outcome
from ronda.tablero import charts
from ronda.territory.models import Level, OrgUnit

EXPIRING_DAYS = 60  # "expiring soon": the reminder's horizon of issue #14 item 10
EXPIRED_DAYS = 365  # how long an expired recognition stays in the "recognition expired" section

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
STATUSES = (VALID, EXPIRING, EXPIRED)
# Okabe–Ito blue and orange as the Tablero's charts, and its muted grey for what is over; the map's
# legend, every shape's title and the table alternative say the same in words.
COLOURS = {VALID: charts.SERIES, EXPIRING: charts.HIGHLIGHT, EXPIRED: charts.MUTED}


def status_label(status: str) -> str:
    return {
        VALID: pgettext("recognition status", "Valid"),
        EXPIRING: pgettext("recognition status", "Expires within 60 days"),
        EXPIRED: pgettext("recognition status", "Recognition expired"),
    }[status]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    path: str = ""  # a country's path: its municipalities' paths start with it


@dataclass(frozen=True)
class Filters:
    """The list's filters, already checked: an unknown value was dropped (empty = any)."""

    country: str = ""
    framework: str = ""
    country_path: str = ""


@dataclass(frozen=True)
class Recognition:
    unit_id: int
    municipality: str
    municipality_code: str
    country: str
    framework: str
    category: str
    issued_on: dt.date
    valid_until: dt.date
    code: str
    status: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)


_FIELDS = (
    "code",
    "issued_on",
    "valid_until",
    "cycle__org_unit_id",
    "cycle__org_unit__name",
    "cycle__org_unit__code",
    "cycle__org_unit__path",
    "cycle__framework__name",
    "cycle__category__name",
)


# --- Filters ------------------------------------------------------------------------------------------
def countries() -> list[Choice]:
    """The active countries, by name (a handful: the filter's options)."""
    rows = OrgUnit.objects.filter(level=Level.COUNTRY, is_active=True).order_by("name")
    return [Choice(code, name, path) for code, name, path in rows.values_list("code", "name", "path")]


def frameworks() -> list[Choice]:
    """Every framework in use or retired, by code, named as its latest such edition."""
    rows = (
        Framework.objects.exclude(status=FrameworkStatus.DRAFT).order_by("code", "-edition").values_list("code", "name")
    )
    named: dict[str, str] = {}
    for code, name in rows:
        named.setdefault(code, name)
    return sorted((Choice(code, name) for code, name in named.items()), key=lambda c: c.label)


def clean_filters(params: Any, country_choices: Sequence[Choice], framework_choices: Sequence[Choice]) -> Filters:
    """The filters of a request's GET parameters (``pais``, ``marco``): a value that is not one of
    the options is ignored, as the other public pages and lists do, rather than refused."""
    country = str(params.get("pais", "")).strip()[:50]
    framework = str(params.get("marco", "")).strip()[:40]
    chosen = next((c for c in country_choices if c.value == country), None)
    return Filters(
        country=chosen.value if chosen else "",
        framework=framework if any(f.value == framework for f in framework_choices) else "",
        country_path=chosen.path if chosen else "",
    )


# --- The rows -----------------------------------------------------------------------------------------
def _base(filters: Filters) -> QuerySet[Certificate]:
    rows = Certificate.objects.filter(
        revoked_on__isnull=True,
        cycle__stage=CycleStage.DECIDED,
        cycle__outcome=Outcome.RECOGNISED,
        cycle__org_unit__level=Level.MUNICIPALITY,
        cycle__org_unit__is_active=True,
    )
    if filters.country_path:
        rows = rows.filter(cycle__org_unit__path__startswith=filters.country_path)
    if filters.framework:
        rows = rows.filter(cycle__framework__code=filters.framework)
    return rows


def valid(filters: Filters, today: dt.date) -> QuerySet[Certificate, dict[str, Any]]:
    """The certificates of the recognitions valid today, as rows of ``_FIELDS``, by municipality."""
    return (
        _base(filters)
        .filter(issued_on__lte=today, valid_until__gte=today)
        .order_by("cycle__org_unit__name", "cycle__framework__name", "id")
        .values(*_FIELDS)
    )


def expired(filters: Filters, today: dt.date) -> QuerySet[Certificate, dict[str, Any]]:
    """The recognitions that ended in the last ``EXPIRED_DAYS`` and were not renewed, by municipality."""
    renewed = Certificate.objects.filter(
        revoked_on__isnull=True,
        issued_on__lte=today,
        valid_until__gte=today,
        cycle__org_unit_id=OuterRef("cycle__org_unit_id"),
        cycle__framework__code=OuterRef("cycle__framework__code"),
    )
    return (
        _base(filters)
        .filter(valid_until__lt=today, valid_until__gte=today - dt.timedelta(days=EXPIRED_DAYS))
        .filter(~Exists(renewed))
        .order_by("cycle__org_unit__name", "cycle__framework__name", "id")
        .values(*_FIELDS)
    )


def status_of(valid_until: dt.date, today: dt.date) -> str:
    if valid_until < today:
        return EXPIRED
    return EXPIRING if valid_until <= today + dt.timedelta(days=EXPIRING_DAYS) else VALID


def recognitions(
    rows: Iterable[dict[str, Any]], today: dt.date, country_choices: Sequence[Choice]
) -> list[Recognition]:
    """Rows of ``valid`` or ``expired`` (a page of them) as values, each with its country's name
    (the country whose path its municipality's path starts with): no query per row."""
    out = []
    for row in rows:
        path = row["cycle__org_unit__path"] or ""
        country = next((c.label for c in country_choices if c.path and path.startswith(c.path)), "")
        out.append(
            Recognition(
                unit_id=row["cycle__org_unit_id"],
                municipality=row["cycle__org_unit__name"],
                municipality_code=row["cycle__org_unit__code"],
                country=country,
                framework=row["cycle__framework__name"],
                category=row["cycle__category__name"] or "",
                issued_on=row["issued_on"],
                valid_until=row["valid_until"],
                code=row["code"],
                status=status_of(row["valid_until"], today),
            )
        )
    return out


# --- The map ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MappedUnit:
    """A municipality on the map: its recognition valid longest decides its colour."""

    unit_id: int
    name: str
    country: str
    status: str
    valid_until: dt.date
    frameworks: tuple[str, ...]
    has_shape: bool

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class RecognitionMap:
    svg: str
    units: list[MappedUnit]  # by name: the table alternative of the map

    @property
    def mapped(self) -> int:
        return sum(1 for u in self.units if u.has_shape)


def _rings(geometry: Any) -> list[list[list[float]]]:
    """The rings of a GeoJSON Polygon or MultiPolygon (as the Tablero's choropleth reads them)."""
    if not isinstance(geometry, dict):
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    try:
        if kind == "Polygon":
            return [list(ring) for ring in coords]
        if kind == "MultiPolygon":
            return [list(ring) for polygon in coords for ring in polygon]
    except TypeError:
        return []
    return []


def recognition_map(items: Sequence[Recognition], *, chart_id: str = "recognition-map") -> RecognitionMap:
    """One row per municipality of ``items`` and the map of them. ``OrgUnit.geometry`` (a large
    column) is read in one query for these municipalities only."""
    best: dict[int, Recognition] = {}
    frameworks_of: dict[int, list[str]] = {}
    for item in items:
        if item.unit_id not in best or item.valid_until > best[item.unit_id].valid_until:
            best[item.unit_id] = item
        names = frameworks_of.setdefault(item.unit_id, [])
        if item.framework not in names:
            names.append(item.framework)
    shapes = dict(OrgUnit.objects.filter(pk__in=list(best)).values_list("pk", "geometry")) if best else {}
    rings = {pk: _rings(shapes.get(pk)) for pk in best}
    units = sorted(
        (
            MappedUnit(
                unit_id=pk,
                name=r.municipality,
                country=r.country,
                status=r.status,
                valid_until=r.valid_until,
                frameworks=tuple(frameworks_of[pk]),
                has_shape=bool(rings[pk]),
            )
            for pk, r in best.items()
        ),
        key=lambda u: (u.name, u.unit_id),
    )
    return RecognitionMap(svg=map_svg(units, rings, chart_id=chart_id), units=units)


def map_svg(
    units: Sequence[MappedUnit], rings: dict[int, list[list[list[float]]]], *, chart_id: str, width: int = 640
) -> str:
    """The municipalities coloured by status (valid, expiring, expired), with a legend in words.

    The Tablero's ``charts.choropleth`` colours a number on a sequential scale; here the value is a
    category, so the shapes are drawn here, with the same projection (equirectangular, longitude
    scaled by the cosine of the middle latitude) and the same accessible markup: a ``<title>`` and a
    ``<desc>``, and a ``<title>`` on every shape with its name, status and date."""
    drawn = [(u, rings[u.unit_id]) for u in units if rings.get(u.unit_id)]
    counts = {status: sum(1 for u, _r in drawn if u.status == status) for status in STATUSES}
    title = _("Recognised municipalities")
    summary = _("Valid: %(valid)s; expiring within 60 days: %(expiring)s; expired: %(expired)s.") % {
        "valid": counts[VALID],
        "expiring": counts[EXPIRING],
        "expired": counts[EXPIRED],
    }

    def head(height: int) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-labelledby="{chart_id}-t" class="recognition-map" font-family="system-ui, sans-serif">'
            f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>'
        )

    points = [(float(p[0]), float(p[1])) for _u, rs in drawn for ring in rs for p in ring if len(p) >= 2]
    if not points:
        return (
            head(120)
            + f'<text x="{width / 2}" y="60" font-size="14" text-anchor="middle" fill="{charts.MUTED}">'
            + f"{escape(_('No shapes to draw for these municipalities'))}</text></svg>"
        )
    legend_h = 40
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    k = math.cos(math.radians((min_y + max_y) / 2)) or 1.0
    span_x, span_y = max((max_x - min_x) * k, 1e-9), max(max_y - min_y, 1e-9)
    pad = 8
    inner_w = width - 2 * pad
    scale = inner_w / span_x
    map_h = min(span_y * scale, 520.0)
    scale = min(scale, map_h / span_y)
    off_x = pad + (inner_w - span_x * scale) / 2
    height = int(map_h + 2 * pad + legend_h)

    def project(p: list[float]) -> str:
        return f"{off_x + (float(p[0]) - min_x) * k * scale:.1f},{pad + (max_y - float(p[1])) * scale:.1f}"

    parts = [head(height)]
    for unit, unit_rings in drawn:
        d = "".join("M" + "L".join(project(p) for p in ring if len(p) >= 2) + "Z" for ring in unit_rings if ring)
        text = _("%(name)s: %(status)s (valid until %(date)s)") % {
            "name": unit.name,
            "status": unit.status_label,
            "date": date_format(unit.valid_until, "SHORT_DATE_FORMAT"),
        }
        parts.append(
            f'<path d="{d}" fill="{COLOURS[unit.status]}" fill-rule="evenodd" stroke="#fff" stroke-width="1" '
            f'data-status="{unit.status}"><title>{escape(text)}</title></path>'
        )
    ly = height - legend_h + 12
    slot = (width - 2 * pad) / len(STATUSES)
    for i, status in enumerate(STATUSES):
        lx = pad + slot * i
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly}" width="14" height="14" fill="{COLOURS[status]}" stroke="{charts.GRID}" '
            f'data-legend="{status}"/>'
            f'<text x="{lx + 18:.1f}" y="{ly + 11}" font-size="10" fill="{charts.INK}">'
            f"{escape(status_label(status))} ({counts[status]})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def legend() -> list[tuple[str, str, str]]:
    """The map's legend for the page, in words: (status, colour, label)."""
    return [(status, COLOURS[status], status_label(status)) for status in STATUSES]
