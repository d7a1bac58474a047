"""A municipality with its coordination body (a seated focal point of Salud), a plan (measure M-1 of
Salud, M-2 of Educación), a children's council with a request, and the same in another municipality."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ronda.coordination.models import AgendaItem, Agreement, Meeting
from ronda.coordination.tests.conftest import Coordination, build_coordination
from ronda.core.tenancy import SYSTEM
from ronda.council import services as council_services
from ronda.council.models import CouncilRequest
from ronda.council.tests.conftest import days_ago
from ronda.planning.models import Measure
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@dataclass
class Story:
    co: Coordination
    meeting: Meeting
    item: AgendaItem
    agreement: Agreement  # owned by Salud, the seated focal point's area
    measure: Measure  # M-1, Salud's
    other_area_measure: Measure  # M-2, Educación's
    request: CouncilRequest
    other_measure: Measure  # of the other municipality
    other_agreement: Agreement


def build_story(world: World) -> Story:
    co = build_coordination(world)
    plan = build_plan(world.municipality, world.area, co.education)
    other_education = Area.objects.create(org_unit=world.other_municipality, kind=AreaKind.EDUCATION, name="Educ B")
    other_plan = build_plan(world.other_municipality, world.other_area, other_education, prefix="B ")
    council = council_services.create_council(actor=SYSTEM, org_unit=world.municipality, name="Consejo A")
    request = council_services.create_request(
        actor=SYSTEM,
        council=council,
        title="Bebederos en las canchas",
        description="Pedimos agua en el parque.",
        routed_area=world.area,
        received_on=days_ago(5),
    )
    return Story(
        co=co,
        meeting=co.meeting,
        item=co.meeting.agenda.get(title="Seguimiento de acuerdos"),
        agreement=co.agreement,
        measure=plan.measures.get(code="M-1"),
        other_area_measure=plan.measures.get(code="M-2"),
        request=request,
        other_measure=other_plan.measures.get(code="M-1"),
        other_agreement=co.other_agreement,
    )


@pytest.fixture
def story(world: World) -> Story:
    return build_story(world)
