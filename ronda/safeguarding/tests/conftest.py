"""Safeguarding fixtures: the home municipality (A-M) with its protocol, a contact (the home protection
officer), a signature and a concern; the other country's municipality (B-M) with a concern of its own."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ronda.accounts.selectors import active_memberships
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.safeguarding import services
from ronda.safeguarding.models import (
    Concern,
    DocumentKind,
    Employment,
    SafeguardingContact,
    SafeguardingDocument,
    Signature,
)
from ronda.testing import World

# Distinctive texts, so a test can assert they appear nowhere they must not.
CONCERN_TEXT = "Gritos del monitor Ezequiel a los niños"
STAFF_NAME = "Herminia Zambrano"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Uploaded documents of a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "protocolo.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def verified(world: World, role: str) -> Actor:
    user = world.home[role]
    return actor_for(user, active_memberships(user)[0], second_factor=True)


@pytest.fixture
def protocol(world: World) -> SafeguardingDocument:
    return services.record_document(
        actor=SYSTEM,
        municipality=world.municipality,
        kind=DocumentKind.PROTOCOL,
        edition="2026-1",
        approved_on=days_ago(30),
        approving_act="Resolución 001-2026",
        upload=pdf_upload(),
    )


@pytest.fixture
def contact(world: World) -> SafeguardingContact:
    return services.designate_contact(
        actor=SYSTEM,
        municipality=world.municipality,
        user=world.home["protection_officer"],
        protocol_role="Punto focal de salvaguarda",
    )


@pytest.fixture
def signature(world: World) -> Signature:
    return services.record_signature(
        actor=SYSTEM,
        municipality=world.municipality,
        full_name=STAFF_NAME,
        employment=Employment.STAFF,
        area=world.area,
        position="Enfermera",
        signed_on=days_ago(10),
    )


@pytest.fixture
def concern(world: World, contact: SafeguardingContact) -> Concern:
    return services.record_concern(
        actor=SYSTEM,
        municipality=world.municipality,
        raised_on=days_ago(5),
        raised_by="Una madre",
        description=CONCERN_TEXT,
        concerned="Monitor de vacaciones",
    )


@pytest.fixture
def other_concern(world: World) -> Concern:
    return services.record_concern(
        actor=SYSTEM,
        municipality=world.other_municipality,
        raised_on=days_ago(5),
        raised_by="Un docente",
        description="Otra inquietud",
    )
