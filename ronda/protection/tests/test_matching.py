"""Matching a child with the foster families of the bank, against a hand-built bank: who is
suggested, in which order, with which reasons, and why the others cannot receive the child."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from ronda.core.roles import Role
from ronda.protection import matching
from ronda.protection.models import (
    Alternative,
    CareSetting,
    FosterFamily,
    FosterStatus,
    FosterType,
    ProtectionFile,
)
from ronda.protection.services import placements
from ronda.protection.services import resources as svc
from ronda.protection.tests.factories import TODAY, PWorld, act, make_child, make_file, protection_world
from ronda.territory.models import OrgUnit
from ronda.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _family(pw: PWorld, code: str, *, status: str = FosterStatus.APPROVED, **over: Any) -> FosterFamily:
    """A family of the bank moved through the pipeline up to ``status``, by the home officer."""
    fields: dict[str, Any] = {
        "unit": pw.world.municipality,
        "type": FosterType.VOLUNTARY,
        "contact_name": "Contacto " + code,
        "capacity": 1,
        "min_age": 0,
        "max_age": 17,
        "applied_on": TODAY - dt.timedelta(days=90),
    }
    fields.update(over)
    by = act(pw.state_officer)
    fam = svc.register_foster_family(actor=by, code=code, **fields)
    if status == FosterStatus.APPLICANT:
        return fam
    svc.move_foster_family(actor=by, family=fam, to_status=FosterStatus.EVALUATED, on=TODAY - dt.timedelta(days=60))
    svc.record_training(actor=by, family=fam, topic="Crianza positiva", held_on=TODAY - dt.timedelta(days=50), hours=8)
    svc.move_foster_family(actor=by, family=fam, to_status=FosterStatus.TRAINED, on=TODAY - dt.timedelta(days=40))
    fam = svc.move_foster_family(
        actor=by, family=fam, to_status=FosterStatus.APPROVED, on=TODAY - dt.timedelta(days=30)
    )
    if status == FosterStatus.PAUSED:
        fam = svc.move_foster_family(actor=by, family=fam, to_status=FosterStatus.PAUSED, on=TODAY, note="Viaje.")
    return fam


def _fill(pw: PWorld, fam: FosterFamily) -> None:
    """Another child placed with ``fam`` through the services (the family then cares for a child)."""
    file = make_file(pw, child=make_child(pw.world, first_names="Otra"), opened_on=TODAY - dt.timedelta(days=20))
    officer = act(pw.officer)
    gatekeeping = placements.record_gatekeeping(
        actor=officer,
        file=file,
        setting=CareSetting.VOLUNTARY_FOSTER,
        decided_on=TODAY - dt.timedelta(days=10),
        alternatives=[Alternative.KINSHIP],
        alternatives_note="Sin familia extensa.",
        necessity="Riesgo en el hogar.",
        suitability="Familia aprobada.",
        decided_by="Procuraduría de Protección",
    )
    placements.place_child(
        actor=officer,
        file=file,
        setting=CareSetting.VOLUNTARY_FOSTER,
        start_on=TODAY - dt.timedelta(days=10),
        gatekeeping=gatekeeping,
        foster_family=fam,
    )
    svc.sync_family_activity(fam, actor=officer)


@pytest.fixture
def bank(world: World) -> tuple[PWorld, ProtectionFile]:
    """A girl of nine in the municipality (community at -0.20, -78.50) and a small bank:

    FA-NEAR  approved, same municipality, 6-12 years, siblings, 2 places, 1 km away   → best
    FA-FAR   approved, the neighbouring municipality, any age, no siblings, 90 km away → second
    FA-BABY  approved, 0-5 years                                                      → age outside
    FA-FULL  approved, one place, already caring for a child                          → no places
    FA-REST  paused                                                                   → paused
    FA-KIN   an extended family                                                       → kinship
    FA-NEW   an applicant                                                             → not listed
    """
    pw = protection_world(world)
    OrgUnit.objects.filter(pk=world.community.pk).update(geometry={"type": "Point", "coordinates": [-78.50, -0.20]})
    neighbour = OrgUnit.objects.get(code="A-M2")
    _family(pw, "FA-NEAR", capacity=2, min_age=6, max_age=12, accepts_siblings=True, latitude=-0.21, longitude=-78.50)
    _family(pw, "FA-FAR", unit=neighbour, latitude=0.60, longitude=-78.50)
    _family(pw, "FA-BABY", min_age=0, max_age=5)
    full = _family(pw, "FA-FULL")
    _fill(pw, full)
    _family(pw, "FA-REST", status=FosterStatus.PAUSED)
    _family(pw, "FA-KIN", type=FosterType.KINSHIP)
    _family(pw, "FA-NEW", status=FosterStatus.APPLICANT)
    file = make_file(pw)
    return pw, file


def test_suggestions_are_ordered_with_their_reasons(bank: tuple[PWorld, ProtectionFile]) -> None:
    pw, file = bank
    suggestions = matching.suggest_families(act(pw.officer), file)
    available = [s for s in suggestions if s.is_available]
    assert [s.family.code for s in available] == ["FA-NEAR", "FA-FAR"]
    near, far = available
    assert near.reasons == [
        "2 places available",
        "Takes children from 6 to 12 years old",
        "Lives in the child's municipality",
        "About 1 km away",
    ]
    assert near.score > far.score
    assert far.distance_km is not None and 85 < far.distance_km < 95
    assert "Lives in the child's municipality" not in far.reasons

    blocked = {s.family.code: s.blocking for s in suggestions if not s.is_available}
    assert blocked == {
        "FA-BABY": ["Age outside the family's profile (from 0 to 5 years old)"],
        "FA-FULL": ["No places available"],
        "FA-REST": ["The family is paused"],
        "FA-KIN": ["An extended family: it cares only for its own relatives"],
    }
    assert "FA-NEW" not in {s.family.code for s in suggestions}
    assert matching.suggest_families(act(pw.officer), file, include_blocked=False) == available


def test_siblings_disability_and_migrant_profile(bank: tuple[PWorld, ProtectionFile]) -> None:
    pw, file = bank
    officer = act(pw.officer)
    with_siblings = {s.family.code: s for s in matching.suggest_families(officer, file, siblings=1)}
    assert with_siblings["FA-NEAR"].is_available
    assert "Can take the group of siblings together" in with_siblings["FA-NEAR"].reasons
    assert with_siblings["FA-FAR"].blocking == ["Does not take groups of siblings"]
    # Three siblings more: FA-NEAR has two places for a group of four.
    crowd = {s.family.code: s for s in matching.suggest_families(officer, file, siblings=3)}
    assert crowd["FA-NEAR"].blocking == ["Not enough places for the group of siblings (4 children)"]

    boy = make_child(pw.world, first_names="Mateo", sex="male", disability="physical", migrant_status="migrant")
    other = make_file(pw, child=boy)
    codes = {s.family.code: s.blocking for s in matching.suggest_families(officer, other)}
    assert codes["FA-NEAR"] == ["Does not take children with disabilities", "Does not take migrant children"]


def test_only_the_files_workers_ask_and_only_their_bank(bank: tuple[PWorld, ProtectionFile]) -> None:
    pw, file = bank
    with pytest.raises(PermissionDenied):
        matching.suggest_families(act(pw.world.away[Role.PROTECTION_OFFICER]), file)
    with pytest.raises(PermissionDenied):
        matching.suggest_families(act(pw.world.home[Role.COORDINATOR]), file)
    # The state officer works on the municipality's files and sees the same bank.
    assert {s.family.code for s in matching.suggest_families(act(pw.state_officer), file)} == {
        "FA-NEAR",
        "FA-FAR",
        "FA-BABY",
        "FA-FULL",
        "FA-REST",
        "FA-KIN",
    }


def test_reasons_speak_spanish(bank: tuple[PWorld, ProtectionFile]) -> None:
    pw, file = bank
    with translation.override("es"):
        suggestions = {s.family.code: s for s in matching.suggest_families(act(pw.officer), file)}
    assert suggestions["FA-FULL"].blocking == ["Sin plazas disponibles"]
    assert "Vive en el municipio del niño, niña o adolescente" in suggestions["FA-NEAR"].reasons


def test_distance_and_centre_helpers() -> None:
    assert matching.distance_km((0.0, 0.0), (0.0, 0.0)) == 0
    assert round(matching.distance_km((0.0, 0.0), (1.0, 0.0))) == 111
    square = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2]]]}
    assert matching.geometry_centre(square) == (1.0, 1.0)
    assert matching.geometry_centre(None) is None
    assert matching.geometry_centre({"type": "Feature", "geometry": {"type": "Point", "coordinates": [5, 6]}}) == (
        6.0,
        5.0,
    )
