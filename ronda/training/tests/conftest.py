"""Training fixtures: a training in the home municipality (A-M) with attendance of its health area."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.testing import World
from ronda.training import services
from ronda.training.models import Topic, TrainingSession


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Uploaded evidence of a test lands in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_upload(name: str = "asistencia.pdf") -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def training(world: World) -> TrainingSession:
    return services.record_training(
        actor=SYSTEM,
        municipality=world.municipality,
        held_on=days_ago(20),
        topic=Topic.PROTECTION,
        topic_detail="Ruta de protección",
        hours=Decimal("4.5"),
        trainer="Junta de protección",
        attendance={world.area: services.Counts(5, 3, 1)},
        evidence=pdf_upload(),
    )
