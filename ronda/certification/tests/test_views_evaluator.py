"""The independent evaluator's pages (issue #14 item 5): the list, the declaration of independence
or of a conflict, the frozen evidence with the findings form, the report, the documents — and
nobody else reaches them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ronda.certification import services
from ronda.certification.models import Assignment, ConflictOfInterest, Cycle, Finding, Requirement
from ronda.certification.tests.conftest import person
from ronda.certification.tests.test_cycle import in_review
from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

NONE = {r: 404 for r in Role.values}
EVALUATOR = dict(NONE, evaluator=200)
EVALUATOR_REDIRECT = dict(NONE, evaluator=302)


@pytest.fixture
def assignment(world: World, cycle: Cycle) -> Assignment:
    in_review(world, cycle)
    return services.assign_evaluator(
        actor=person(world, "secretariat"), cycle=Cycle.objects.get(pk=cycle.pk), evaluator=world.home["evaluator"]
    )


def accepted(assignment: Assignment) -> Assignment:
    from ronda.core.tenancy import SYSTEM

    return services.accept_assignment(actor=SYSTEM, assignment=assignment, expected_version=None)


def written() -> tuple[Any, ...]:
    return (
        list(
            Assignment.objects.values_list("pk", "version", "withdrawn_at", "independence_declared_at", "submitted_at")
        ),
        list(Finding.objects.values_list("pk", "version", "value")),
        ConflictOfInterest.objects.count(),
    )


def evaluator_client(world: World) -> Client:
    return login(Client(), world.home["evaluator"])


def test_the_list_shows_the_assignments_and_only_to_the_evaluator(world: World, assignment: Assignment) -> None:
    url = reverse("certification:assignments")
    check_access_matrix(world, url=url, expected=EVALUATOR, away={"evaluator": 200})  # every evaluator has a list
    page = evaluator_client(world).get(url).content.decode()
    assert "Municipio A" in page and "Declare su independencia" in page
    # The other country's evaluator gets an empty list, not the assignment.
    other = login(Client(), world.away["evaluator"]).get(url).content.decode()
    assert "Municipio A" not in other.split("<main", 1)[-1].split("conflict", 1)[0]


def test_the_file_stays_closed_until_independence_is_declared(world: World, assignment: Assignment) -> None:
    url = reverse("certification:assignment", args=[assignment.pk])
    check_access_matrix(world, url=url, expected=EVALUATOR)
    client = evaluator_client(world)
    page = client.get(url).content.decode()
    assert "Declarar mi independencia" in page and "La evidencia enviada" not in page
    accept_url = reverse("certification:assignment_accept", args=[assignment.pk])
    refused = client.post(accept_url, {"version": assignment.version})
    assert refused.status_code == 200 and "obligatorio" in refused.content.decode()
    assert Assignment.objects.get(pk=assignment.pk).independence_declared_at is None
    check_access_matrix(
        world,
        url=accept_url,
        method="post",
        data=lambda _w: {"version": Assignment.objects.get(pk=assignment.pk).version, "independent": "on"},
        expected=EVALUATOR_REDIRECT,
        state=written,
    )
    page = client.get(url).content.decode()
    assert "La evidencia enviada" in page and "acuerdo" in page and "Guardar los hallazgos" in page


def test_declaring_a_conflict_steps_aside(world: World, assignment: Assignment) -> None:
    url = reverse("certification:assignment_conflict", args=[assignment.pk])
    check_access_matrix(
        world,
        url=url,
        method="post",
        data={"reason": "Trabajé en su oficina de la niñez hasta el año pasado."},
        expected=EVALUATOR_REDIRECT,
        state=written,
    )
    assert Assignment.objects.get(pk=assignment.pk).withdrawn_at is not None
    assert ConflictOfInterest.objects.get().org_unit == world.municipality
    assert evaluator_client(world).get(reverse("certification:assignment", args=[assignment.pk])).status_code == 404


def test_a_standing_conflict_is_declared_from_the_list(world: World, assignment: Assignment) -> None:
    url = reverse("certification:conflict_create")
    check_access_matrix(
        world,
        url=url,
        method="post",
        data={"org_unit": world.municipality.pk, "reason": "Mi hermano es alcalde."},
        expected=EVALUATOR_REDIRECT,
        away={"evaluator": 302},  # back to their list: not a municipality they may choose
        state=written,
    )
    client = evaluator_client(world)
    again = client.post(url, {"org_unit": world.municipality.pk, "reason": "Otra vez"}, follow=True)
    assert "Ya declaró un conflicto de interés con este municipio." in again.content.decode()
    # A municipality of another country is not a choice.
    client.post(url, {"org_unit": world.other_municipality.pk, "reason": "x"})
    assert ConflictOfInterest.objects.count() == 1


def test_findings_are_saved_together_or_not_at_all(world: World, assignment: Assignment) -> None:
    accepted(assignment)
    url = reverse("certification:assignment_findings", args=[assignment.pk])
    requirements = list(Requirement.objects.filter(framework=assignment.cycle.framework))
    first, second = requirements[0], requirements[1]
    bad = {f"r{first.pk}_value": "met", f"r{second.pk}_value": "not_met", f"r{second.pk}_comment": ""}
    response = evaluator_client(world).post(url, bad)
    assert response.status_code == 200 and second.code in response.content.decode()
    assert not Finding.objects.exists()  # the first one was not kept either
    good = {f"r{first.pk}_value": "met", f"r{second.pk}_value": "partly", f"r{second.pk}_comment": "A medias."}
    check_access_matrix(world, url=url, method="post", data=good, expected=EVALUATOR_REDIRECT, state=written)
    assert dict(Finding.objects.values_list("requirement__code", "value")) == {first.code: "met", second.code: "partly"}


def test_the_report_needs_every_mandatory_finding(world: World, assignment: Assignment) -> None:
    accepted(assignment)
    url = reverse("certification:assignment_report", args=[assignment.pk])
    client = evaluator_client(world)

    def data(_world: World) -> dict[str, Any]:
        return {
            "version": Assignment.objects.get(pk=assignment.pk).version,
            "report": "Verifiqué las actas y el plan.",
            "recommendation": "recognise",
        }

    refused = client.post(url, data(world))
    assert refused.status_code == 200 and "Valore primero todos los requisitos obligatorios" in refused.content.decode()
    for requirement in Requirement.objects.filter(framework=assignment.cycle.framework, mandatory=True):
        Finding.objects.create(assignment=assignment, requirement=requirement, value="met")
    check_access_matrix(world, url=url, method="post", data=data, expected=EVALUATOR_REDIRECT, state=written)
    assert Assignment.objects.get(pk=assignment.pk).is_submitted
    page = client.get(reverse("certification:assignment", args=[assignment.pk]))
    assert "Verifiqué las actas" in page.content.decode() and "Guardar los hallazgos" not in page.content.decode()


def test_the_submitted_documents_open_to_the_independent_evaluator_only(world: World, assignment: Assignment) -> None:
    from ronda.certification.models import SubmittedEvidence

    version = SubmittedEvidence.objects.exclude(document=None).get().document
    assert version is not None
    url = reverse("certification:assignment_document", args=[assignment.pk, version.pk])
    assert evaluator_client(world).get(url).status_code == 404  # not before independence
    accepted(assignment)
    check_access_matrix(world, url=url, expected=EVALUATOR)
    response = evaluator_client(world).get(url)
    assert response["Content-Disposition"].startswith("attachment")
    wrong = reverse("certification:assignment_document", args=[assignment.pk, version.pk + 999])
    assert evaluator_client(world).get(wrong).status_code == 404


def test_an_independent_evaluator_records_the_hearing_and_returns_to_their_page(
    world: World, assignment: Assignment
) -> None:
    from django.utils import timezone

    from ronda.certification.models import Hearing

    url = reverse("certification:hearing_create", args=[assignment.cycle_id])
    client = evaluator_client(world)
    assert client.get(url).status_code == 404  # not before declaring independence
    accepted(assignment)
    page = client.get(reverse("certification:assignment", args=[assignment.pk])).content.decode()
    assert url in page
    form = client.get(url).content.decode()
    assert reverse("certification:assignment", args=[assignment.pk]) in form
    assert reverse("certification:review", args=[assignment.cycle_id]) not in form
    response = client.post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "children_6_11": "2",
            "children_12_17": "5",
            "children_view": "Queremos canchas iluminadas.",
            "overall": "favourable",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("certification:assignment", args=[assignment.pk])
    )
    assert Hearing.objects.get().recorded_by == world.home["evaluator"]
