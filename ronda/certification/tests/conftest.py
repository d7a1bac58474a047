"""Certification fixtures: a small framework of country A (one requirement of each kind), published,
built with the services; the home municipality's cycle on it; the shipped frameworks are installed
by ``post_migrate`` in every test database."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ronda.accounts.selectors import active_memberships
from ronda.certification import services
from ronda.certification.models import Cycle, Framework, FrameworkStatus
from ronda.core.tenancy import Actor, actor_for
from ronda.testing import World

DEFINITION: dict[str, Any] = {
    "code": "prueba-a",
    "name": "Marco de prueba del país A",
    "description": "",
    "country_code": "A",
    "validity_months": 36,
    "interim_report_months": 18,
    "categories": [("oro", "Sello de oro"), ("plata", "Sello de plata")],
    "stages": [
        (
            "compromiso",
            "Compromiso",
            [
                {"code": "acuerdo", "title": "Acuerdo y enlace", "kind": "computed", "rule": "cycle.commitment"},
                {"code": "acta", "title": "Acta del concejo", "kind": "document"},
            ],
        ),
        (
            "gestion",
            "Gestión",
            [
                {
                    "code": "mesa",
                    "title": "Mesa que sesiona",
                    "kind": "computed",
                    "rule": "coordination.body_meets",
                    "params": {"min_meetings": 1},
                },
                {"code": "resultados", "title": "Resultados demostrables", "kind": "verdict"},
                {
                    "code": "informe",
                    "title": "Informe",
                    "kind": "computed",
                    "rule": "accountability.periodic_report",
                    "mandatory": False,
                },
            ],
        ),
    ],
}


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def person(world: World, role: str = "coordinator", *, away: bool = False) -> Actor:
    user = (world.away if away else world.home)[role]
    return actor_for(user, active_memberships(user)[0], second_factor=True)


@pytest.fixture
def framework(world: World) -> Framework:
    framework = services._create_edition(DEFINITION, edition=1, status=FrameworkStatus.PUBLISHED)
    return framework


@pytest.fixture
def cycle(world: World, framework: Framework) -> Cycle:
    return services.start_cycle(actor=person(world), org_unit=world.municipality, framework=framework)


def committed(world: World, cycle: Cycle) -> Cycle:
    """The commitment recorded and the candidacy entered (no call)."""
    actor = person(world)
    services.record_commitment(
        actor=actor,
        cycle=cycle,
        expected_version=None,
        resolution_on=dt.date(2026, 1, 10),
        resolution_reference="Acuerdo 12-2026",
        agreement_signed_on=dt.date(2026, 1, 20),
        liaison_name="Laura Enlace",
        liaison_position="Directora de Desarrollo Social",
    )
    return services.enter_candidacy(actor=actor, cycle=cycle, call=None, expected_version=None)


def heard(world: World, cycle: Cycle) -> None:
    """The children's council heard on the candidacy, and the secretariat's weighing written."""
    hearing = services.record_hearing(
        actor=person(world, "secretariat"),
        cycle=Cycle.objects.get(pk=cycle.pk),
        held_on=timezone.localdate(),
        children_6_11=4,
        children_12_17=7,
        children_view="Quieren más parques y que los escuchen en el presupuesto.",
        overall="mixed",
    )
    services.weigh_hearing(
        actor=person(world, "secretariat"),
        hearing=hearing,
        weighed="Su pedido de presupuesto participativo queda como condición del reconocimiento.",
        expected_version=None,
    )
