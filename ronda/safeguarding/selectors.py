"""What the safeguarding pages and the API read, always through ``policies``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from ronda.core.tenancy import Actor
from ronda.safeguarding import policies
from ronda.safeguarding.models import (
    DocumentKind,
    SafeguardingContact,
    SafeguardingDocument,
    SafeguardingSettings,
    Signature,
)
from ronda.territory.models import Area, Institution, OrgUnit


@dataclass(frozen=True)
class DocumentHistory:
    kind: str
    label: str
    current: SafeguardingDocument | None
    earlier: list[SafeguardingDocument]


def documents_of(actor: Actor, municipality: OrgUnit) -> list[DocumentHistory]:
    """The protocol and the code of conduct: the current version (the latest approved) and the earlier ones."""
    rows = list(
        policies.visible_documents(actor).filter(municipality=municipality).order_by("-approved_on", "-id")[:200]
    )
    histories = []
    for kind, label in DocumentKind.choices:
        versions = [row for row in rows if row.kind == kind]
        histories.append(
            DocumentHistory(
                kind=kind, label=str(label), current=versions[0] if versions else None, earlier=versions[1:]
            )
        )
    return histories


def contacts_of(actor: Actor, municipality: OrgUnit) -> QuerySet[SafeguardingContact]:
    return (
        policies.visible_contacts(actor).filter(municipality=municipality, active=True).order_by("protocol_role", "id")
    )


def signatures_of(actor: Actor, municipality: OrgUnit) -> QuerySet[Signature]:
    """The register, the renewals due soonest first (the overdue ones on top)."""
    return policies.visible_signatures(actor).filter(municipality=municipality).order_by("renewal_due", "full_name")


def overdue_signatures(actor: Actor, municipality: OrgUnit, today: dt.date) -> QuerySet[Signature]:
    return signatures_of(actor, municipality).filter(renewal_due__lt=today)


def settings_of(actor: Actor, municipality: OrgUnit) -> SafeguardingSettings | None:
    return policies.visible_settings(actor).filter(municipality=municipality).first()


def areas_of(municipality: OrgUnit) -> QuerySet[Area]:
    return Area.objects.filter(org_unit=municipality, is_active=True).order_by("name")


def institutions_for(municipality: OrgUnit) -> QuerySet[Institution]:
    """The institutions a concern may be referred to: those that serve the municipality."""
    return Institution.objects.filter(jurisdiction=municipality).distinct().order_by("name")
