"""What safeguarding publishes to reports and certification: facts, as values, defined once.

Aggregates only, never a name nor the text of a concern. Every function takes a unit (a municipality
or a region) and counts over its subtree; nothing here asks who is reading: the caller decides, through
its own policies, whether a unit's figures may be shown.

- ``protocol_facts(unit)``: the municipality's current protocol and code of conduct (version and
  approval date), or None.
- ``signature_figures(unit, today)``: signatures in force and renewals overdue.
- ``concern_figures(unit, public=...)``: concerns raised per year and the share closed. A concern is
  about a few people in a small office: when ``public``, a count under 5 is suppressed
  (``tablero.suppression``), and the share closed with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from ronda.safeguarding.models import Concern, ConcernStatus, DocumentKind, SafeguardingDocument, Signature
from ronda.tablero import suppression
from ronda.territory.models import OrgUnit


@dataclass(frozen=True)
class ApprovedDocument:
    edition: str
    approved_on: dt.date


@dataclass(frozen=True)
class ProtocolFacts:
    protocol: ApprovedDocument | None
    code_of_conduct: ApprovedDocument | None

    @property
    def protocol_approved(self) -> bool:
        return self.protocol is not None


@dataclass(frozen=True)
class SignatureFigures:
    in_force: int
    overdue: int


@dataclass(frozen=True)
class ConcernYear:
    year: int
    raised: suppression.Figure
    closed: suppression.Figure
    share_closed: suppression.Figure  # a percentage with one decimal, or hidden


def _current(unit: OrgUnit, kind: str) -> ApprovedDocument | None:
    row = (
        SafeguardingDocument.objects.filter(municipality__path__startswith=unit.path, kind=kind)
        .order_by("-approved_on", "-id")
        .values("edition", "approved_on")
        .first()
    )
    return ApprovedDocument(row["edition"], row["approved_on"]) if row is not None else None


def protocol_facts(unit: OrgUnit) -> ProtocolFacts:
    """The current (latest approved) protocol and code of conduct of the municipality."""
    return ProtocolFacts(
        protocol=_current(unit, DocumentKind.PROTOCOL), code_of_conduct=_current(unit, DocumentKind.CODE_OF_CONDUCT)
    )


def signature_figures(unit: OrgUnit, today: dt.date) -> SignatureFigures:
    """In force: signed, renewal not yet due (due today still counts). Overdue: the renewal date passed."""
    counts = Signature.objects.filter(municipality__path__startswith=unit.path).aggregate(
        in_force=Count("id", filter=Q(renewal_due__gte=today, signed_on__lte=today)),
        overdue=Count("id", filter=Q(renewal_due__lt=today)),
    )
    return SignatureFigures(in_force=counts["in_force"], overdue=counts["overdue"])


def _share(closed: int, raised: int) -> Decimal | None:
    if not raised:
        return None
    return (Decimal(closed) * 100 / raised).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def concern_figures(unit: OrgUnit, *, public: bool) -> list[ConcernYear]:
    """Concerns raised per year (by the date raised), oldest first, and how many of them are closed now."""
    rows = (
        Concern.objects.filter(municipality__path__startswith=unit.path)
        .annotate(year=ExtractYear("raised_on"))
        .values("year")
        .annotate(raised=Count("id"), closed=Count("id", filter=Q(status=ConcernStatus.CLOSED)))
        .order_by("year")
    )
    years = []
    for row in rows:
        raised = suppression.publishable(row["raised"], sensitive=public)
        closed = suppression.publishable(row["closed"], sensitive=public)
        share = suppression.rate(_share(row["closed"], row["raised"]), raised, closed, sensitive=public)
        years.append(ConcernYear(year=row["year"], raised=raised, closed=closed, share_closed=share))
    return years
