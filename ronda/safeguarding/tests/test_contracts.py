"""The safeguarding figures, against a register and a log made by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ronda.core.tenancy import SYSTEM
from ronda.safeguarding import contracts, services
from ronda.safeguarding.models import ConcernStatus, DocumentKind, Employment
from ronda.safeguarding.tests.conftest import pdf_upload
from ronda.testing import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def _sign(world: World, signed_on: dt.date, renewal_due: dt.date, municipality=None) -> None:  # type: ignore[no-untyped-def]
    services.record_signature(
        actor=SYSTEM,
        municipality=municipality or world.municipality,
        full_name="Persona",
        employment=Employment.SUBCONTRACTED,
        company="Empresa",
        position="Cargo",
        signed_on=signed_on,
        renewal_due=renewal_due,
    )


def _concern(world: World, raised_on: dt.date, status: str, municipality=None) -> None:  # type: ignore[no-untyped-def]
    services.record_concern(
        actor=SYSTEM,
        municipality=municipality or world.municipality,
        raised_on=raised_on,
        raised_by="Alguien",
        description="Inquietud",
        status=status,
        referred_to=world.institution if status == ConcernStatus.REFERRED else None,
    )


def test_signatures_in_force_and_overdue(world: World) -> None:
    _sign(world, dt.date(2026, 1, 10), dt.date(2027, 1, 10))  # in force
    _sign(world, dt.date(2025, 6, 15), TODAY)  # due today: still in force
    _sign(world, dt.date(2025, 6, 1), dt.date(2026, 6, 1))  # overdue
    _sign(world, dt.date(2024, 1, 1), dt.date(2025, 1, 1))  # overdue
    _sign(world, dt.date(2026, 1, 1), dt.date(2027, 1, 1), world.other_municipality)  # elsewhere: not counted
    assert contracts.signature_figures(world.municipality, TODAY) == contracts.SignatureFigures(in_force=2, overdue=2)
    assert contracts.signature_figures(world.region, TODAY) == contracts.SignatureFigures(in_force=2, overdue=2)


def test_protocol_facts(world: World) -> None:
    assert contracts.protocol_facts(world.municipality) == contracts.ProtocolFacts(None, None)
    services.record_document(
        actor=SYSTEM,
        municipality=world.municipality,
        kind=DocumentKind.CODE_OF_CONDUCT,
        edition="3",
        approved_on=dt.date(2025, 3, 1),
        approving_act="Acta",
        upload=pdf_upload(),
    )
    facts = contracts.protocol_facts(world.municipality)
    assert not facts.protocol_approved
    assert facts.code_of_conduct == contracts.ApprovedDocument("3", dt.date(2025, 3, 1))


def test_concerns_per_year_and_share_closed(world: World) -> None:
    # 2024: 6 raised, 4 closed. 2025: 2 raised, 1 closed. Another country's concern is not counted.
    for day, status in [(1, "closed"), (2, "closed"), (3, "closed"), (4, "closed"), (5, "open"), (6, "referred")]:
        _concern(world, dt.date(2024, 3, day), status)
    _concern(world, dt.date(2025, 2, 1), "closed")
    _concern(world, dt.date(2025, 2, 2), "open")
    _concern(world, dt.date(2025, 2, 3), "closed", world.other_municipality)

    internal = contracts.concern_figures(world.municipality, public=False)
    assert [(y.year, y.raised.value, y.closed.value, y.share_closed.value) for y in internal] == [
        (2024, 6, 4, Decimal("66.7")),
        (2025, 2, 1, Decimal("50.0")),
    ]
    public = contracts.concern_figures(world.municipality, public=True)
    # Counts under 5 are hidden in public, and the share computed from them with them.
    assert [(y.year, str(y.raised), str(y.closed), str(y.share_closed)) for y in public] == [
        (2024, "6", "<5", "—"),
        (2025, "<5", "<5", "—"),
    ]
