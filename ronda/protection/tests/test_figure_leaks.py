"""Small counts that came back by subtracting one dashboard page from another (security review,
probe p8): the state's page breaks its figures down by municipality and hides a small one with its
complement, and the municipality's own page showed the complement. Now a unit's page hides
whatever its parent's page hides for it, for every figure of children (under three too).

The world: in Región A on 2026-06-15, Municipio A has 5 children in family-based care and 5 in a
CAS (all under three); the neighbouring municipality 2 and 2 (both under three).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from ronda.accounts.models import User
from ronda.core.models import AccessEvent
from ronda.protection.models import CareSetting, Facility, Operator, Placement
from ronda.protection.tests.factories import PWorld, make_child, make_file, protection_world
from ronda.protection.views.dashboard import Dashboard
from ronda.territory.models import Institution, OrgUnit
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
START = dt.date(2026, 1, 10)


def _in_care(pw: PWorld, community: OrgUnit, setting: str, n: int, *, birth: dt.date, tag: str) -> None:
    world = pw.world
    office = pw.municipal_office if community.path.startswith(world.municipality.path) else pw.state_office
    municipality = community.parent
    assert municipality is not None
    facility = Facility.objects.create(
        unit=municipality, path=municipality.path, name=f"CAS {tag}", operator=Operator.PUBLIC, capacity=40
    )
    for i in range(n):
        child = make_child(world, first_names=f"{tag} {i}", birth_date=birth, community=community)
        file = make_file(pw, child=child, office=office, opened_on=dt.date(2026, 1, 2))
        Placement.objects.create(
            file=file,
            setting=setting,
            start_on=START,
            facility=facility if setting == CareSetting.RESIDENTIAL else None,
            age_on_entry=child.age_on(START),
            recorded_by=file.officer,
        )


@pytest.fixture
def pw(world: World) -> PWorld:
    pw = protection_world(world)
    neighbour = world.region.children.exclude(pk=world.municipality.pk).get()
    baby, older = dt.date(2025, 2, 1), dt.date(2015, 2, 1)
    _in_care(pw, world.community, CareSetting.KINSHIP, 5, birth=older, tag="Familia A")
    _in_care(pw, world.community, CareSetting.RESIDENTIAL, 5, birth=baby, tag="Bebé A")
    _in_care(pw, neighbour.children.get(), CareSetting.KINSHIP, 2, birth=older, tag="Familia V")
    _in_care(pw, neighbour.children.get(), CareSetting.RESIDENTIAL, 2, birth=baby, tag="Bebé V")
    return pw


def _dashboard(user: User, unit: OrgUnit) -> tuple[Dashboard, str]:
    response = login(Client(), user).get(reverse("protection:dashboard"), {"unidad": unit.pk, "anio": 2026})
    assert response.status_code == 200
    return response.context["d"], response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_municipality_page_hides_what_the_state_page_hides_for_it(pw: PWorld) -> None:
    world = pw.world
    state, state_html = _dashboard(pw.state_officer, world.region)
    parts = {row.label: row for row in state.care.parts}
    # The state: 7 in a family and 7 in a CAS; the neighbour's 2 and 2 are small, Municipio A's
    # 5 and 5 hidden as their complements.
    assert state.care.family_based.value == 7 and state.care.residential.value == 7
    assert parts["Municipio vecino"].family_based.mark == "<5" and parts["Municipio A"].family_based.mark == "x"
    assert parts["Municipio A"].residential.suppressed
    assert state.care.under_three.value == 7
    assert "Cifras del cuidado alternativo" in state_html

    own, own_html = _dashboard(pw.state_officer, world.municipality)
    # 7 − 5 would give the neighbour's 2 back: Municipio A's own page hides its 5s too.
    assert own.care.family_based.suppressed and own.care.family_based.value is None
    assert own.care.residential.suppressed and own.care.under_three.suppressed
    assert own.months[-1].residential.suppressed and own.months[-1].under_three.suppressed
    # Its total too: 14 − 10 would give the neighbour's 4 back.
    assert own.care.total.suppressed and state.care.total.value == 14
    neighbour, _html = _dashboard(pw.state_officer, world.region.children.exclude(pk=world.municipality.pk).get())
    assert neighbour.care.total.mark == "<5" and neighbour.care.family_based.mark == "<5"
    assert "Municipio A" in own_html and "Cifras del cuidado alternativo" in own_html
    # Entries (all of them in January) are a figure of the same pages: hidden the same way.
    assert own.entries.total.suppressed and state.entries.total.value == 14
    # Aggregates only: nothing is logged as a read of a child's file.
    assert not AccessEvent.objects.filter(actor=pw.state_officer).exists()


@time_machine.travel(NOW, tick=False)
def test_a_municipal_reader_gets_the_same_suppression(pw: PWorld) -> None:
    # The municipal officer cannot read the state's page, but the state officer can: the figures of
    # Municipio A must be the same whoever reads them.
    mine, _html = _dashboard(pw.officer, pw.world.municipality)
    theirs, _html = _dashboard(pw.state_officer, pw.world.municipality)
    assert mine.care == theirs.care and mine.months == theirs.months
    assert mine.care.family_based.suppressed


# --- The facility profile ---------------------------------------------------------------------------
@pytest.fixture
def cas(world: World) -> tuple[PWorld, Facility]:
    """A CAS of Municipio A on 2026-06-15: a boy under three of the state office's file (the
    municipal officer cannot see it) and six girls of the municipal DIF's: four aged 6-11, two 12-17."""
    pw = protection_world(world)
    facility = Facility.objects.create(
        unit=world.municipality,
        path=world.municipality.path,
        name="CAS Amanecer",
        operator=Operator.PUBLIC,
        capacity=20,
    )

    def place(name: str, birth: dt.date, sex: str, office: Institution) -> None:
        child = make_child(world, first_names=name, birth_date=birth, sex=sex)
        file = make_file(pw, child=child, office=office, opened_on=dt.date(2026, 1, 2))
        Placement.objects.create(
            file=file, setting=CareSetting.RESIDENTIAL, start_on=START, facility=facility,
            age_on_entry=child.age_on(START), recorded_by=file.officer,
        )  # fmt: skip

    place("Tomás", dt.date(2025, 3, 1), "male", pw.state_office)
    for i in range(4):
        place(f"Niña {i}", dt.date(2016, 1, 1), "female", pw.municipal_office)
    for i in range(2):
        place(f"Joven {i}", dt.date(2011, 1, 1), "female", pw.municipal_office)
    return pw, facility


@time_machine.travel(NOW, tick=False)
def test_the_profile_hides_small_cells_from_a_reader_who_cannot_see_every_file(cas: tuple[PWorld, Facility]) -> None:
    pw, facility = cas
    url = reverse("protection:facility_detail", args=[facility.pk])
    response = login(Client(), pw.officer).get(url)
    assert response.status_code == 200
    profile = response.context["profile"]
    # The occupancy and the child under three (an alert) are shown to the municipal officer...
    assert profile.occupancy == 7 and profile.under_three == 1 and profile.restricted
    assert '<span class="badge bad">' in response.content.decode()  # the alert of a child under three
    # ... but not the breakdowns' small cells: the boy is the only male, the older girls are 4 and 2.
    assert "male" not in profile.by_sex and profile.hidden["sex:male"] == "small"
    assert profile.hidden["sex:female"] == "complementary" and profile.by_sex == {}
    assert profile.by_age_band == {"0-2": 1, "3-5": 0}  # zeros are published
    assert profile.hidden["age:6-11"] == "small" and profile.hidden["age:12-17"] == "small"
    assert profile.longest_stay_days is None and profile.stays_days == ()
    rows = dict(response.context["profile_rows"]["sexes"])
    assert rows["Hombre"].mark == "<5" and rows["Mujer"].mark == "x"
    assert "&lt;5" in response.content.decode()

    # The API gives the same to the same reader.
    from ronda.testing import api_token, request_as

    api = request_as(
        Client(), "get", f"/api/v1/protection/facilities/{facility.pk}/profile", api=True, token=api_token(pw.officer)
    )
    assert api.status_code == 200
    body = api.json()
    assert body["occupancy"] == 7 and body["under_three"] == 1
    assert body["by_sex"] == {} and body["by_age_band"] == {"0-2": 1, "3-5": 0} and body["longest_stay_days"] is None


@time_machine.travel(NOW, tick=False)
def test_the_profile_is_whole_for_a_reader_who_sees_every_file(cas: tuple[PWorld, Facility]) -> None:
    pw, facility = cas
    response = login(Client(), pw.state_officer).get(reverse("protection:facility_detail", args=[facility.pk]))
    assert response.status_code == 200
    profile = response.context["profile"]
    assert not profile.restricted and profile.hidden == {}
    assert profile.by_sex == {"male": 1, "female": 6}
    assert profile.by_age_band["6-11"] == 4 and profile.by_age_band["12-17"] == 2
