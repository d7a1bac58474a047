"""A coordination body in the home municipality and one in the other country, built with the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from ronda.coordination import services
from ronda.coordination.models import (
    Agreement,
    BodyMember,
    CoordinationBody,
    Meeting,
    QuestionnaireRound,
)
from ronda.coordination.questionnaire import ITEM_KEYS
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.territory import services as territory_services
from ronda.territory.models import Area, AreaKind
from ronda.testing import World

ROLES = list(Role.values)  # every role, the evaluator (#14) included: ``expect`` gives 404 to those not named
NO_ACCESS = ("area_focal", "defender", "protection_officer", "supervisor")


def expect(**statuses: int) -> dict[str, int]:
    """Every role 404 unless told otherwise."""
    result = dict.fromkeys(ROLES, 404)
    result.update(statuses)
    return result


# Supervisors read the body of their municipality (DOMAIN.md: they read the planning cycle), and write nothing.
READ = expect(admin=200, secretariat=200, coordinator=200, analyst=200, supervisor=200)
# The home area focal point sits on the body (``Coordination.focal_member`` is linked to their user):
# they read the body's business too (issue #13).
SEATED = dict(READ, area_focal=200)


def unseat(co: Coordination) -> None:
    """The focal point's seat ends yesterday: they are back to their own area's agreements."""
    BodyMember.objects.filter(pk=co.focal_member.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=1))


@dataclass
class Coordination:
    body: CoordinationBody
    education: Area
    focal_member: BodyMember  # linked to the home area focal point's user (area "Salud")
    coordinator_member: BodyMember  # linked to the home coordinator's user
    paper_members: list[BodyMember]  # no Ronda user
    meeting: Meeting  # a week ago
    later_meeting: Meeting  # yesterday
    agreement: Agreement  # owned by the focal point's area
    education_agreement: Agreement  # owned by another area
    round: QuestionnaireRound
    other_body: CoordinationBody
    other_meeting: Meeting
    other_agreement: Agreement


def likert(value: int = 4) -> dict[str, int]:
    return dict.fromkeys(ITEM_KEYS, value)


def build_coordination(world: World) -> Coordination:
    today = timezone.localdate()
    now = timezone.now()
    since = today - datetime.timedelta(days=400)
    education = territory_services.create_area(
        actor=SYSTEM, org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación"
    )
    body = services.create_body(actor=SYSTEM, org_unit=world.municipality, name="Mesa técnica de A")
    focal_member = services.add_member(
        actor=SYSTEM,
        body=body,
        full_name="Fabiola Salud",
        area=world.area,
        level="technical",
        position="Directora de Salud",
        start_date=since,
        user=world.home["area_focal"],
    )
    coordinator_member = services.add_member(
        actor=SYSTEM,
        body=body,
        full_name="Carlos Coordinador",
        area=education,
        level="political",
        position="Concejal",
        start_date=since,
        user=world.home["coordinator"],
    )
    paper_members = [
        services.add_member(
            actor=SYSTEM,
            body=body,
            full_name=f"Persona {n}",
            area=education if n % 2 else world.area,
            level="technical",
            position="Técnica",
            start_date=since,
        )
        for n in range(1, 5)
    ]
    meeting = services.schedule_meeting(
        actor=SYSTEM,
        body=body,
        kind="ordinary",
        mode="in_person",
        scheduled_at=now - datetime.timedelta(days=7),
        place="Sala del concejo",
    )
    for title in ("Bienvenida", "Seguimiento de acuerdos", "Varios"):
        services.add_agenda_item(actor=SYSTEM, meeting=meeting, title=title, presenter=focal_member)
    later_meeting = services.schedule_meeting(
        actor=SYSTEM,
        body=body,
        kind="urgent",
        mode="virtual",
        scheduled_at=now - datetime.timedelta(days=1),
        link="https://meet.example.org/mesa",
    )
    agreement = services.create_agreement(
        actor=SYSTEM,
        body=body,
        meeting=meeting,
        text="Campaña de vacunación en escuelas",
        owner_area=world.area,
        due_date=today + datetime.timedelta(days=30),
    )
    education_agreement = services.create_agreement(
        actor=SYSTEM,
        body=body,
        meeting=meeting,
        text="Censo de deserción escolar",
        owner_area=education,
        owner_member=coordinator_member,
        due_date=today + datetime.timedelta(days=60),
    )
    round_ = services.open_round(actor=SYSTEM, body=body, title="Cuestionario 2026")
    other_body = services.create_body(actor=SYSTEM, org_unit=world.other_municipality, name="Mesa de B")
    other_member = services.add_member(
        actor=SYSTEM,
        body=other_body,
        full_name="Berta",
        area=world.other_area,
        level="technical",
        position="Técnica",
        start_date=since,
    )
    other_meeting = services.schedule_meeting(
        actor=SYSTEM,
        body=other_body,
        kind="ordinary",
        mode="in_person",
        scheduled_at=now - datetime.timedelta(days=3),
        place="Sala B",
    )
    other_agreement = services.create_agreement(
        actor=SYSTEM,
        body=other_body,
        meeting=other_meeting,
        text="Acuerdo de B",
        owner_area=world.other_area,
        owner_member=other_member,
        due_date=today - datetime.timedelta(days=3),
    )
    return Coordination(
        body=body,
        education=education,
        focal_member=focal_member,
        coordinator_member=coordinator_member,
        paper_members=paper_members,
        meeting=meeting,
        later_meeting=later_meeting,
        agreement=agreement,
        education_agreement=education_agreement,
        round=round_,
        other_body=other_body,
        other_meeting=other_meeting,
        other_agreement=other_agreement,
    )


@pytest.fixture
def co(world: World) -> Coordination:
    return build_coordination(world)
