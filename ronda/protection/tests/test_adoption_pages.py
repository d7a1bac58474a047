"""The adoption registry on the file's page and the foster family's edit page (issue #12, items 6-7):
each new route's access matrix (every role at home and away, another state, anonymous; the reads
logged, the refused requests writing nothing), the way through the pages as an officer works (the
judge's ruling, the proposal of suitable applicants, accepted, adoption completed), and what is
refused: a proposal before the ruling, a stale version, applicants whose profile does not fit."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from ronda.core.errors import ConflictError
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.protection.models import (
    AdopterStatus,
    AdoptionAssignment,
    AdoptionKind,
    AssignmentStatus,
    FosterFamily,
    FosterType,
    ProspectiveAdopter,
    ProtectionFile,
)
from ronda.protection.services import resources as services
from ronda.protection.tests.factories import TODAY, PWorld, act, make_file, protection_world
from ronda.testing import World, check_access_matrix, login, make_user

pytestmark = pytest.mark.django_db

OFFICER, SUPERVISOR = Role.PROTECTION_OFFICER.value, Role.SUPERVISOR.value
WORKERS = {OFFICER: 200, SUPERVISOR: 200}
WRITERS = {OFFICER: 302, SUPERVISOR: 302}
RULING = "Juzgado Primero de lo Familiar, expediente 123/2025"
CONFLICT = str(ConflictError.message).split(".")[0]
_codes = itertools.count(1)


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


@pytest.fixture
def file(pw: PWorld) -> ProtectionFile:
    """The municipal DIF's file of a girl of nine (``make_child``'s birth date)."""
    return make_file(pw)


def _adopter(pw: PWorld, *, suitable: bool = True, **over: Any) -> ProspectiveAdopter:
    """An application of the state's registry, declared suitable 100 days ago (valid two years)."""
    fields: dict[str, Any] = {
        "unit": pw.world.region,
        "code": f"AD-{next(_codes):03}",
        "kind": AdoptionKind.NATIONAL,
        "applicant_names": "Jorge Méndez y Laura Ibarra",
        "contact": "laura@example.org",
        "applied_on": TODAY - dt.timedelta(days=400),
        "min_age": 5,
        "max_age": 12,
    }
    fields.update(over)
    actor = act(pw.state_officer)
    adopter = services.register_adopter(actor=actor, **fields)
    if suitable:
        on = TODAY - dt.timedelta(days=100)
        for status in (AdopterStatus.STUDY, AdopterStatus.TRAINING, AdopterStatus.SUITABLE):
            adopter = services.move_adopter(actor=actor, adopter=adopter, to_status=status, on=on)
    return adopter


def _declare(pw: PWorld, file: ProtectionFile) -> ProtectionFile:
    file.refresh_from_db()
    return services.declare_adoptable(
        actor=act(pw.officer),
        file=file,
        declared_on=TODAY - dt.timedelta(days=20),
        ruling=RULING,
        expected_version=file.version,
    )


def _propose(pw: PWorld, file: ProtectionFile, adopter: ProspectiveAdopter) -> AdoptionAssignment:
    return services.propose_adoption(
        actor=act(pw.officer),
        file=file,
        adopter=adopter,
        reasons="Su perfil y su preparación responden a las necesidades de la niña.",
        proposed_on=TODAY - dt.timedelta(days=10),
    )


def _family(pw: PWorld) -> FosterFamily:
    return services.register_foster_family(
        actor=act(pw.officer),
        unit=pw.world.municipality,
        code=f"FA-{next(_codes):03}",
        type=FosterType.VOLUNTARY,
        contact_name="Rosa Elena Hernández",
        phone="246 555 0101",
        capacity=2,
        applied_on=TODAY - dt.timedelta(days=60),
    )


def _family_data(family: FosterFamily, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": family.code,
        "type": family.type,
        "capacity": family.capacity,
        "min_age": family.min_age,
        "max_age": family.max_age,
        "contact_name": family.contact_name,
        "phone": family.phone,
        "address": family.address,
        "notes": family.notes,
        "version": family.version,
    }
    data.update(over)
    return data


def _stranger(world: World) -> Any:
    """An officer of another state: the files and the resources of this one do not exist for them."""
    return make_user("protection_officer.state_b", Role.PROTECTION_OFFICER, world.other_municipality.parent)


def _file_version(file: ProtectionFile) -> Any:
    return lambda: ProtectionFile.objects.filter(pk=file.pk).values_list("version", "declared_adoptable_on").get()


def _assignments() -> Any:
    return lambda: sorted(AdoptionAssignment.objects.values_list("pk", "status", "version"))


# --- Access matrices -----------------------------------------------------------------------------------
def test_file_adoptable(world: World, pw: PWorld, file: ProtectionFile) -> None:
    url = reverse("protection:file_adoptable", args=[file.pk])
    corrected = RULING + " (aclaración)"

    def data(_w: World) -> dict[str, Any]:
        file.refresh_from_db()
        return {
            "adoptable-declared_on": (TODAY - dt.timedelta(days=3)).isoformat(),
            "adoptable-ruling": corrected if file.adoptability_ruling == RULING else RULING,
            "adoptable-version": file.version,
        }

    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=only(WRITERS),
        state=_file_version(file),
        personal=True,
    )
    file.refresh_from_db()
    # Declared by one, corrected by the other; nobody else wrote.
    assert (file.declared_adoptable_on, file.adoptability_ruling, file.version) == (
        TODAY - dt.timedelta(days=3),
        corrected,
        3,
    )


def test_adoption_propose(world: World, pw: PWorld, file: ProtectionFile) -> None:
    _declare(pw, file)
    _adopter(pw)
    url = reverse("protection:adoption_propose", args=[file.pk])
    check_access_matrix(world, url=url, expected=only(WORKERS), personal=True)
    check_access_matrix(world, url=url + "?siblings=2", expected=only(WORKERS), personal=True)
    # An empty proposal comes back to the file's workers with its errors, and nothing is written.
    check_access_matrix(
        world, url=url, method="post", data={}, expected=only(WORKERS), state=_assignments(), personal=True
    )
    assert not AdoptionAssignment.objects.exists()


def test_adoption_decide(world: World, pw: PWorld, file: ProtectionFile) -> None:
    _declare(pw, file)
    adopter = _adopter(pw)
    assignment = _propose(pw, file, adopter)
    url = reverse("protection:adoption_decide", args=[assignment.pk])
    prefix = f"decision-{assignment.pk}"

    def data(_w: World) -> dict[str, Any]:
        assignment.refresh_from_db()
        decision = AssignmentStatus.ACCEPTED if assignment.status == AssignmentStatus.PROPOSED else "completed"
        return {
            f"{prefix}-decision": decision,
            f"{prefix}-on": TODAY.isoformat(),
            f"{prefix}-version": assignment.version,
        }

    check_access_matrix(
        world, url=url, method="post", data=data, expected=only(WRITERS), state=_assignments(), personal=True
    )
    assignment.refresh_from_db()
    adopter.refresh_from_db()
    assert assignment.status == AssignmentStatus.COMPLETED  # accepted by one, completed by the other
    assert adopter.status == AdopterStatus.CLOSED


def test_family_edit(world: World, pw: PWorld) -> None:
    """Resources are shared within a state: the "away" officer and supervisor, in a neighbouring
    municipality of the same state, edit the family too."""
    family = _family(pw)
    url = reverse("protection:family_edit", args=[family.pk])
    check_access_matrix(world, url=url, expected=only(WORKERS), away=WORKERS, personal=True)
    capacities = itertools.count(3)

    def data(_w: World) -> dict[str, Any]:
        family.refresh_from_db()
        return _family_data(family, capacity=next(capacities))

    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=only(WRITERS),
        away=WRITERS,
        state=lambda: sorted(FosterFamily.objects.values_list("pk", "version", "capacity")),
    )
    family.refresh_from_db()
    assert family.version == 5  # the officer and the supervisor, at home and away


def test_another_state_reaches_none_of_the_new_pages(world: World, pw: PWorld, file: ProtectionFile) -> None:
    _declare(pw, file)
    assignment = _propose(pw, file, _adopter(pw))
    family = _family(pw)
    client = login(Client(), _stranger(world))
    before = (_file_version(file)(), _assignments()(), FosterFamily.objects.get(pk=family.pk).version)
    gets = [
        reverse("protection:adoption_propose", args=[file.pk]),
        reverse("protection:family_edit", args=[family.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404
    posts = {
        reverse("protection:file_adoptable", args=[file.pk]): {
            "adoptable-declared_on": TODAY.isoformat(),
            "adoptable-ruling": "Otra resolución",
            "adoptable-version": file.version,
        },
        reverse("protection:adoption_propose", args=[file.pk]): {"reasons": "x"},
        reverse("protection:adoption_decide", args=[assignment.pk]): {
            f"decision-{assignment.pk}-decision": "withdrawn",
            f"decision-{assignment.pk}-version": assignment.version,
        },
        reverse("protection:family_edit", args=[family.pk]): _family_data(family, capacity=5),
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert (_file_version(file)(), _assignments()(), FosterFamily.objects.get(pk=family.pk).version) == before
    assert not AccessEvent.objects.filter(actor__username="protection_officer.state_b").exists()


def test_the_state_office_file_is_not_the_municipal_officers(world: World, pw: PWorld) -> None:
    """A file of the state office lies above the municipality: its adoption pages are not the
    municipal officer's (404, nothing logged), they are the state officer's."""
    state_file = make_file(pw, office=pw.state_office)
    url = reverse("protection:adoption_propose", args=[state_file.pk])
    assert login(Client(), pw.officer).get(url).status_code == 404
    assert not AccessEvent.objects.filter(actor=pw.officer, target_id=str(state_file.pk)).exists()
    assert login(Client(), pw.state_officer).get(url).status_code == 200


# --- The way through the pages ---------------------------------------------------------------------------
def test_declare_propose_accept_and_complete_an_adoption(pw: PWorld, file: ProtectionFile) -> None:
    fits = _adopter(pw, code="AD-FIT")
    _adopter(pw, code="AD-BABY", min_age=0, max_age=3)
    client = login(Client(), pw.officer)
    detail = reverse("protection:file_detail", args=[file.pk])
    propose = reverse("protection:adoption_propose", args=[file.pk])
    page = client.get(detail).content.decode()
    assert reverse("protection:file_adoptable", args=[file.pk]) in page
    assert propose not in page  # not before the ruling

    response = client.post(
        reverse("protection:file_adoptable", args=[file.pk]),
        {
            "adoptable-declared_on": (TODAY - dt.timedelta(days=20)).isoformat(),
            "adoptable-ruling": RULING,
            "adoptable-version": file.version,
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#adoption-h")
    file.refresh_from_db()
    assert (file.declared_adoptable_on, file.adoptability_ruling) == (TODAY - dt.timedelta(days=20), RULING)
    page = client.get(detail).content.decode()
    assert RULING in page and propose in page

    listing = client.get(propose).content.decode()
    assert "AD-FIT" in listing and "AD-BABY" in listing
    assert "Jorge Méndez" not in listing  # by code: the names are on the application's own page
    assert listing.index("AD-FIT") < listing.index("AD-BABY")  # what fits first
    response = client.post(
        propose,
        {
            "adopter": fits.pk,
            "reasons": "Su perfil y su preparación responden a las necesidades de la niña.",
            "siblings": "0",
            "proposed_on": (TODAY - dt.timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#adoption-h")
    assignment = AdoptionAssignment.objects.get(file=file)
    fits.refresh_from_db()
    assert (assignment.adopter, assignment.status, fits.status) == (fits, AssignmentStatus.PROPOSED, "assigned")

    page = client.get(detail).content.decode()
    decide = reverse("protection:adoption_decide", args=[assignment.pk])
    assert decide in page and propose not in page  # one open proposal at a time
    prefix = f"decision-{assignment.pk}"
    for decision in (AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED):
        assignment.refresh_from_db()
        response = client.post(
            decide,
            {
                f"{prefix}-decision": decision,
                f"{prefix}-on": TODAY.isoformat(),
                f"{prefix}-version": assignment.version,
            },
        )
        assert response.status_code == 302
        assignment.refresh_from_db()
        assert assignment.status == decision
    fits.refresh_from_db()
    assert (fits.status, fits.status_since) == (AdopterStatus.CLOSED, TODAY)
    page = client.get(detail).content.decode()
    assert decide not in page  # decided: nothing left to decide
    assert escape(str(AssignmentStatus.COMPLETED.label)) in page

    # The application's page names the file by its number, never the child.
    adopter_page = client.get(reverse("protection:adopter_detail", args=[fits.pk])).content.decode()
    assert file.number in adopter_page
    assert file.child.first_names not in adopter_page and file.child.paternal_surname not in adopter_page


def test_a_proposal_before_the_ruling_is_refused_in_spanish(pw: PWorld, file: ProtectionFile) -> None:
    adopter = _adopter(pw)
    client = login(Client(), pw.officer)
    url = reverse("protection:adoption_propose", args=[file.pk])
    refusal = escape(_("The child has not been declared adoptable by a judge: an adoption cannot be proposed."))
    assert "Ningún juez ha declarado la adoptabilidad" in refusal  # the page speaks Spanish
    assert refusal in client.get(url).content.decode()  # said before anything is typed
    response = client.post(url, {"adopter": adopter.pk, "reasons": "Buena disposición.", "siblings": "0"})
    assert response.status_code == 200 and refusal in response.content.decode()
    assert not AdoptionAssignment.objects.exists()
    adopter.refresh_from_db()
    assert adopter.status == AdopterStatus.SUITABLE


def test_applicants_whose_profile_does_not_fit_are_shown_with_why(pw: PWorld, file: ProtectionFile) -> None:
    _declare(pw, file)
    baby = _adopter(pw, code="AD-BABY", min_age=0, max_age=3)
    alone = _adopter(pw, code="AD-ALONE", accepts_siblings=False)
    client = login(Client(), pw.officer)
    url = reverse("protection:adoption_propose", args=[file.pk])
    ages = escape(_("The applicants hope to adopt a child from %(min)s to %(max)s years old.") % {"min": 0, "max": 3})
    assert "esperan adoptar" in ages
    assert ages in client.get(url).content.decode()
    siblings = escape(_("The applicants' profile does not include a group of siblings."))
    assert siblings not in client.get(url).content.decode()
    assert siblings in client.get(url, {"siblings": "2"}).content.decode()  # two brothers go with her

    response = client.post(url, {"adopter": baby.pk, "reasons": "Disponibilidad inmediata.", "siblings": "0"})
    assert response.status_code == 200 and ages in response.content.decode()
    response = client.post(url, {"adopter": alone.pk, "reasons": "Disponibilidad inmediata.", "siblings": "2"})
    assert response.status_code == 200 and siblings in response.content.decode()
    assert not AdoptionAssignment.objects.exists()
    assert set(ProspectiveAdopter.objects.values_list("status", flat=True)) == {AdopterStatus.SUITABLE}


def test_a_stale_ruling_is_refused(pw: PWorld, file: ProtectionFile) -> None:
    stale = file.version
    client = login(Client(), pw.officer)
    _declare(pw, file)  # someone else recorded the ruling first
    response = client.post(
        reverse("protection:file_adoptable", args=[file.pk]),
        {
            "adoptable-declared_on": TODAY.isoformat(),
            "adoptable-ruling": "Juzgado Segundo, expediente 9/2026",
            "adoptable-version": stale,
        },
        follow=True,
    )
    assert CONFLICT in response.content.decode()
    file.refresh_from_db()
    assert (file.adoptability_ruling, file.declared_adoptable_on) == (RULING, TODAY - dt.timedelta(days=20))


def test_a_stale_decision_is_refused(pw: PWorld, file: ProtectionFile) -> None:
    _declare(pw, file)
    adopter = _adopter(pw)
    assignment = _propose(pw, file, adopter)
    stale = assignment.version
    services.decide_adoption(
        actor=act(pw.supervisor), assignment=assignment, decision=AssignmentStatus.ACCEPTED, expected_version=stale
    )
    prefix = f"decision-{assignment.pk}"
    response = login(Client(), pw.officer).post(
        reverse("protection:adoption_decide", args=[assignment.pk]),
        {f"{prefix}-decision": AssignmentStatus.WITHDRAWN, f"{prefix}-version": stale},
        follow=True,
    )
    assert CONFLICT in response.content.decode()
    assignment.refresh_from_db()
    adopter.refresh_from_db()
    assert (assignment.status, adopter.status) == (AssignmentStatus.ACCEPTED, AdopterStatus.ASSIGNED)


def test_edit_a_family(pw: PWorld) -> None:
    family = _family(pw)
    client = login(Client(), pw.officer)
    url = reverse("protection:family_edit", args=[family.pk])
    before = AccessEvent.objects.filter(actor=pw.officer, target_type="protection.fosterfamily").count()
    page = client.get(url).content.decode()
    assert "Rosa Elena Hernández" in page and f'value="{family.version}"' in page
    assert AccessEvent.objects.filter(actor=pw.officer, target_type="protection.fosterfamily").count() == before + 1
    detail = reverse("protection:family_detail", args=[family.pk])
    assert url in client.get(detail).content.decode()
    response = client.post(url, _family_data(family, phone="246 555 0199", capacity=3, accepts_siblings="on"))
    assert response.status_code == 302 and response["Location"] == detail
    family.refresh_from_db()
    assert (family.phone, family.capacity, family.accepts_siblings, family.version) == ("246 555 0199", 3, True, 2)
    assert "246 555 0199" in client.get(detail).content.decode()


def test_a_stale_family_edit_is_refused(pw: PWorld) -> None:
    family = _family(pw)
    stale = family.version
    services.update_foster_family(actor=act(pw.supervisor), family=family, expected_version=stale, capacity=4)
    response = login(Client(), pw.officer).post(
        reverse("protection:family_edit", args=[family.pk]),
        _family_data(family, phone="246 555 0199", capacity=1, version=stale),
    )
    page = response.content.decode()
    assert response.status_code == 200 and CONFLICT in page
    assert "246 555 0199" in page  # what they typed stays
    family.refresh_from_db()
    assert (family.phone, family.capacity) == ("246 555 0101", 4)


def test_only_who_manages_the_family_sees_the_edit_link(world: World, pw: PWorld) -> None:
    family = _family(pw)
    url = reverse("protection:family_edit", args=[family.pk])
    detail = reverse("protection:family_detail", args=[family.pk])
    assert url in login(Client(), pw.state_supervisor).get(detail).content.decode()
    admin = world.home[Role.ADMIN]
    assert login(Client(), admin).get(url).status_code == 404  # not even inside break-glass: read only
