"""Shared builders for the protection tests: the offices and users of a small protection system on
top of ``ronda.testing.build_world()``, a child, a file opened through the service, a measure type.

    world = build_world()
    pw = protection_world(world)
    file = make_file(pw)                       # held by the municipal DIF, officer: the home officer
    state_file = make_file(pw, office=pw.state_office, officer=pw.state_officer)

Everything is made through the services, as a user would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ronda.accounts.models import Membership, User
from ronda.cases.models import Child
from ronda.cases.tests.factories import TODAY, act
from ronda.cases.tests.factories import make_child as make_case_child
from ronda.core.roles import Role
from ronda.protection.models import IntakeSource, MeasureType, ProtectionFile, RestitutionPlan
from ronda.protection.services.files import open_file
from ronda.territory.models import Area, AreaKind, Institution, InstitutionKind
from ronda.testing import World, make_user

__all__ = ["TODAY", "PWorld", "act", "make_child", "make_file", "measure_type", "protection_world"]


@dataclass
class PWorld:
    world: World
    # PPNNA seated at the state (world.region): its officers see the state's files.
    state_office: Institution
    # The municipal DIF seated at world.municipality.
    municipal_office: Institution
    # A protection office none of the world's users covers (in the other country's region).
    other_state_office: Institution
    state_officer: User
    state_supervisor: User
    # The health centre of the municipality and its focal point (area_focal with area and institution).
    health_institution: Institution
    health_focal: User

    @property
    def officer(self) -> User:
        """The municipal officer (world.home["protection_officer"], at world.municipality)."""
        return self.world.home[Role.PROTECTION_OFFICER]

    @property
    def supervisor(self) -> User:
        """The municipal supervisor (world.home["supervisor"])."""
        return self.world.home[Role.SUPERVISOR]


def _office(name: str, acronym: str, kind: str, seat: Any) -> Institution:
    office = Institution.objects.create(name=name, acronym=acronym, kind=kind, org_unit=seat)
    office.jurisdiction.set([seat])
    return office


def protection_world(world: World) -> PWorld:
    other_region = world.other_municipality.parent
    state_office = _office(
        "Procuraduría de Protección de Niñas, Niños y Adolescentes",
        "PPNNA",
        InstitutionKind.CHILD_PROTECTION_AGENCY,
        world.region,
    )
    municipal_office = _office("DIF Municipal", "DIF", InstitutionKind.FAMILY_WELFARE, world.municipality)
    other_state_office = _office(
        "Procuraduría de Protección del Estado B", "PPB", InstitutionKind.CHILD_PROTECTION_AGENCY, other_region
    )
    state_officer = make_user("protection_officer.state", Role.PROTECTION_OFFICER, world.region)
    state_supervisor = make_user("supervisor.state", Role.SUPERVISOR, world.region)
    health_institution = _office("Centro de Salud A", "CSA", InstitutionKind.HEALTH, world.municipality)
    health_area = world.area
    if health_area.kind != AreaKind.HEALTH:  # pragma: no cover - build_world's area is health
        health_area = Area.objects.create(org_unit=world.municipality, kind=AreaKind.HEALTH, name="Salud")
    health_focal = make_user("area_focal.health")
    Membership.objects.create(
        user=health_focal,
        role=Role.AREA_FOCAL,
        org_unit=world.municipality,
        area=health_area,
        institution=health_institution,
    )
    return PWorld(
        world=world,
        state_office=state_office,
        municipal_office=municipal_office,
        other_state_office=other_state_office,
        state_officer=state_officer,
        state_supervisor=state_supervisor,
        health_institution=health_institution,
        health_focal=health_focal,
    )


def make_child(world: World, **over: Any) -> Child:
    """A child of world.community (registered by the home defender), as ``cases`` makes them."""
    return make_case_child(world, **over)


def make_file(
    pworld: PWorld,
    child: Child | None = None,
    office: Institution | None = None,
    **over: Any,
) -> ProtectionFile:
    """A file opened through ``open_file``: by default in the municipal DIF by the home officer.
    ``by`` (a user) opens it; the other keywords go to ``open_file``."""
    office = office or pworld.municipal_office
    by: User = over.pop("by", None) or (pworld.state_officer if office == pworld.state_office else pworld.officer)
    fields: dict[str, Any] = {
        "intake_source": IntakeSource.DIRECT_REPORT,
        "intake_summary": "La abuela informa que la niña duerme sola en la casa desde hace una semana.",
        "opened_on": TODAY - dt.timedelta(days=30),
    }
    fields.update(over)
    return open_file(actor=act(by), child=child or make_child(pworld.world), office=office, **fields)


def measure_type(world: World, **over: Any) -> MeasureType:
    """A measure type of country A: by default an urgent residential-care measure (ratified in 10 days)."""
    fields: dict[str, Any] = {
        "country": world.country,
        "code": "cas",
        "name": "Acogimiento residencial",
        "legal_reference": "LGDNNA art. 122",
        "is_urgent": True,
        "ratification_days": 10,
        "places_in_care": True,
        "default_review_months": 3,
    }
    fields.update(over)
    return MeasureType.objects.create(**fields)


def approved(plan: RestitutionPlan) -> RestitutionPlan:
    """The plan sent and approved (as Ronda's own work: the four-eyes rule is the services' tests'):
    only an approved plan's actions reach the sectors' focal points."""
    from ronda.core.tenancy import SYSTEM
    from ronda.protection.services.files import approve_plan, submit_plan

    plan.refresh_from_db()
    submit_plan(actor=SYSTEM, plan=plan)
    plan.refresh_from_db()
    return approve_plan(actor=SYSTEM, plan=plan)
