"""Independent evaluators and the children's council hearing (issue #14 items 2 and 5): who is
assigned, conflicts of interest, what an evaluator reads (their assignments' frozen file only, once
independent), their findings and report, and what the decision waits for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ronda.accounts.selectors import active_memberships
from ronda.certification import evidence, policies, services
from ronda.certification.models import (
    Assignment,
    ConflictOfInterest,
    Cycle,
    Finding,
    Hearing,
    Outcome,
    Recommendation,
    Requirement,
)
from ronda.certification.tests.conftest import person
from ronda.certification.tests.test_cycle import in_review, judge_all
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.testing import World, make_user

pytestmark = pytest.mark.django_db


def evaluator_actor(user) -> Actor:  # type: ignore[no-untyped-def]
    return actor_for(user, active_memberships(user)[0])


@pytest.fixture
def reviewing(world: World, cycle: Cycle) -> Cycle:
    return in_review(world, cycle)


def assign(world: World, cycle: Cycle, user=None) -> Assignment:  # type: ignore[no-untyped-def]
    return services.assign_evaluator(
        actor=person(world, "secretariat"), cycle=cycle, evaluator=user or world.home["evaluator"]
    )


def test_the_secretariat_assigns_an_evaluator_of_its_country_only(world: World, reviewing: Cycle) -> None:
    secretariat = person(world, "secretariat")
    candidates = list(policies.assignable_evaluators(secretariat, reviewing))
    assert candidates == [world.home["evaluator"]]  # not the other country's evaluator
    with pytest.raises(ValidationError) as foreign:
        services.assign_evaluator(actor=secretariat, cycle=reviewing, evaluator=world.away["evaluator"])
    assert "evaluator" in foreign.value.message_dict
    with pytest.raises(ValidationError) as not_one:
        services.assign_evaluator(actor=secretariat, cycle=reviewing, evaluator=world.home["analyst"])
    assert "evaluator" in not_one.value.message_dict
    assignment = assign(world, reviewing)
    assert not policies.assignable_evaluators(secretariat, reviewing).exists()  # already on it
    with pytest.raises(ValidationError) as twice:
        assign(world, reviewing)
    assert "already assigned" in str(twice.value) or "ya está asignad" in str(twice.value)
    assert AuditEvent.objects.filter(action="evaluator_assigned", target_id=str(assignment.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.assign_evaluator(
            actor=person(world, "secretariat", away=True), cycle=reviewing, evaluator=world.home["evaluator"]
        )
    with pytest.raises(PermissionDenied):
        services.assign_evaluator(actor=person(world), cycle=reviewing, evaluator=world.home["evaluator"])


def test_a_declared_conflict_refuses_the_assignment_and_withdraws_an_open_one(world: World, reviewing: Cycle) -> None:
    user = world.home["evaluator"]
    actor = evaluator_actor(user)
    assignment = assign(world, reviewing)
    with pytest.raises(PermissionDenied):  # one declares one's own conflicts
        services.declare_conflict(
            actor=person(world, "secretariat"), evaluator=user, org_unit=world.municipality, reason="x"
        )
    with pytest.raises(ValidationError) as no_reason:
        services.declare_conflict(actor=actor, evaluator=user, org_unit=world.municipality, reason=" ")
    assert "reason" in no_reason.value.message_dict
    services.declare_conflict(
        actor=actor, evaluator=user, org_unit=world.municipality, reason="Mi hermana es regidora del concejo."
    )
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None and not assignment.is_active
    assert not policies.visible_cycles(actor).exists()  # a withdrawn assignment opens nothing
    with pytest.raises(ValidationError) as refused:
        assign(world, reviewing)
    assert "conflict" in str(refused.value) or "conflicto" in str(refused.value)
    assert not policies.assignable_evaluators(person(world, "secretariat"), reviewing).exists()
    # The trail has the declaration and the withdrawal, never the reason (it names a relative).
    events = AuditEvent.objects.filter(org_unit=world.municipality, action__in=["conflict_declared", "update"])
    assert events.filter(action="conflict_declared").exists()
    assert "hermana" not in str(list(events.values_list("changes", flat=True)))
    assert ConflictOfInterest.objects.get().reason.startswith("Mi hermana")


def test_an_evaluator_reads_only_their_assignments_and_the_file_once_independent(
    world: World, reviewing: Cycle
) -> None:
    user = world.home["evaluator"]
    actor = evaluator_actor(user)
    assert not policies.visible_cycles(actor).exists()  # nothing before an assignment
    assignment = assign(world, reviewing)
    assert list(policies.visible_cycles(actor)) == [reviewing]
    assert not policies.visible_submissions(actor).exists()  # not before declaring independence
    assert not policies.visible_evidence(actor).exists()
    assert not policies.cycles_as_owners(actor).exists()
    services.accept_assignment(actor=actor, assignment=assignment, expected_version=assignment.version)
    assert policies.visible_submissions(actor).count() == 1
    assert policies.visible_evidence(actor).exists() and policies.cycles_as_owners(actor).exists()
    assert not policies.visible_verdicts(actor).exists()  # the secretariat's stay its own
    assert not policies.can_see_live_evidence(actor, reviewing)
    assert not policies.can_read_certification(actor) and not policies.visible_frameworks(actor).exists()
    # Another municipality's cycle, and another evaluator's assignment: 404.
    other = make_user("evaluadora.dos", Role.EVALUATOR, world.country)
    with pytest.raises(Exception) as missing:
        policies.get_assignment_for_evaluator(evaluator_actor(other), assignment.pk)
    assert missing.type.__name__ == "Http404"
    assert policies.get_assignment_for_evaluator(actor, assignment.pk) == assignment
    with pytest.raises(ValidationError):
        services.accept_assignment(
            actor=actor, assignment=Assignment.objects.get(pk=assignment.pk), expected_version=None
        )


def test_findings_and_the_report_are_the_evaluators_own(world: World, reviewing: Cycle) -> None:
    user = world.home["evaluator"]
    actor = evaluator_actor(user)
    assignment = assign(world, reviewing)
    mandatory = list(Requirement.objects.filter(framework=reviewing.framework, mandatory=True))
    with pytest.raises(ValidationError) as first:
        services.record_finding(actor=actor, assignment=assignment, requirement_id=mandatory[0].pk, value="met")
    assert "independence" in str(first.value) or "independencia" in str(first.value)
    assignment = services.accept_assignment(actor=actor, assignment=assignment, expected_version=None)
    with pytest.raises(PermissionDenied):
        services.record_finding(
            actor=person(world, "secretariat"), assignment=assignment, requirement_id=mandatory[0].pk, value="met"
        )
    foreign = Requirement.objects.exclude(framework=reviewing.framework).first()
    assert foreign is not None
    with pytest.raises(ValidationError) as outside:
        services.record_finding(actor=actor, assignment=assignment, requirement_id=foreign.pk, value="met")
    assert "requirement" in outside.value.message_dict
    with pytest.raises(ValidationError) as why:
        services.record_finding(actor=actor, assignment=assignment, requirement_id=mandatory[0].pk, value="not_met")
    assert "comment" in why.value.message_dict
    services.record_finding(actor=actor, assignment=assignment, requirement_id=mandatory[0].pk, value="met")
    with pytest.raises(ValidationError) as unjudged:
        services.submit_report(
            actor=actor, assignment=assignment, report="Informe", recommendation="recognise", expected_version=None
        )
    assert mandatory[1].code in str(unjudged.value)
    for requirement in mandatory[1:]:
        services.record_finding(
            actor=actor, assignment=assignment, requirement_id=requirement.pk, value="partly", comment="A medias."
        )
    finding = Finding.objects.get(assignment=assignment, requirement=mandatory[0])
    services.record_finding(
        actor=actor,
        assignment=assignment,
        requirement_id=mandatory[0].pk,
        value="partly",
        comment="Revisado.",
        expected_version=finding.version,
    )
    assert Finding.objects.get(pk=finding.pk).value == "partly"
    secretariat = person(world, "secretariat")
    assert not policies.visible_findings(secretariat).exists()  # not before the report
    with pytest.raises(ValidationError) as empty:
        services.submit_report(
            actor=actor, assignment=assignment, report=" ", recommendation="recognise", expected_version=None
        )
    assert "report" in empty.value.message_dict
    services.submit_report(
        actor=actor,
        assignment=Assignment.objects.get(pk=assignment.pk),
        report="Se verificó todo.",
        recommendation=Recommendation.NOT_YET,
        expected_version=None,
    )
    assert policies.visible_findings(secretariat).count() == len(mandatory)
    with pytest.raises(ValidationError):
        services.record_finding(actor=actor, assignment=assignment, requirement_id=mandatory[0].pk, value="met")
    with pytest.raises(ValidationError):
        services.withdraw_assignment(
            actor=secretariat, assignment=Assignment.objects.get(pk=assignment.pk), reason="Tarde"
        )


def test_the_decision_waits_for_the_evaluator_and_the_weighed_hearing(world: World, reviewing: Cycle) -> None:
    secretariat = person(world, "secretariat")
    assignment = assign(world, reviewing)
    for requirement in Requirement.objects.filter(framework=reviewing.framework, mandatory=True):
        services.record_verdict(actor=secretariat, cycle=reviewing, requirement_id=requirement.pk, value="met")
    category = reviewing.framework.categories.first()

    def decide() -> None:
        services.decide(
            actor=secretariat,
            cycle=Cycle.objects.get(pk=reviewing.pk),
            outcome=Outcome.RECOGNISED,
            category=category,
            expected_version=None,
        )

    with pytest.raises(ValidationError) as waiting:
        decide()
    text = str(waiting.value)
    assert ("evaluator" in text or "evaluador" in text) and ("children" in text or "consejo" in text)
    services.withdraw_assignment(actor=secretariat, assignment=assignment, reason="Cambio de equipo evaluador.")
    hearing = services.record_hearing(
        actor=secretariat,
        cycle=reviewing,
        held_on=timezone.localdate(),
        children_6_11=0,
        children_12_17=8,
        children_view="Piden que el consejo tenga presupuesto propio.",
        overall="favourable",
    )
    with pytest.raises(ValidationError):  # heard, but not weighed yet
        decide()
    with pytest.raises(ValidationError) as blank:
        services.weigh_hearing(actor=secretariat, hearing=hearing, weighed="", expected_version=None)
    assert "weighed" in blank.value.message_dict
    services.weigh_hearing(actor=secretariat, hearing=hearing, weighed="Se tomó en cuenta.", expected_version=None)
    decide()
    assert Cycle.objects.get(pk=reviewing.pk).is_recognised
    with pytest.raises(PermissionDenied):  # decided: the file is closed, the weighing is history
        services.weigh_hearing(
            actor=secretariat, hearing=Hearing.objects.get(pk=hearing.pk), weighed="Otra", expected_version=None
        )


def test_a_hearing_is_checked_and_keeps_the_childrens_words_out_of_the_trail(world: World, reviewing: Cycle) -> None:
    secretariat = person(world, "secretariat")
    base = {
        "cycle": reviewing,
        "held_on": timezone.localdate(),
        "children_6_11": 3,
        "children_12_17": 2,
        "children_view": "Queremos una biblioteca en la comunidad.",
        "overall": "favourable",
    }
    cases = [
        ({"held_on": timezone.localdate() + dt.timedelta(days=1)}, "held_on"),
        ({"held_on": dt.date(2025, 1, 1)}, "held_on"),  # before the council's resolution (2026-01-10)
        ({"children_6_11": 0, "children_12_17": 0}, "children_12_17"),
        ({"children_6_11": 9999}, "children_6_11"),
        ({"children_view": "  "}, "children_view"),
        ({"overall": "great"}, "overall"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.record_hearing(actor=secretariat, **{**base, **change})
        assert field in refused.value.message_dict, change
    assert not Hearing.objects.exists()
    with pytest.raises(PermissionDenied):
        services.record_hearing(actor=person(world), **base)  # the municipality does not record its own hearing
    user = world.home["evaluator"]
    actor = evaluator_actor(user)
    assignment = assign(world, reviewing)
    with pytest.raises(PermissionDenied):  # not before declaring independence
        services.record_hearing(actor=actor, **base)
    services.accept_assignment(actor=actor, assignment=assignment, expected_version=None)
    hearing = services.record_hearing(actor=actor, **base)
    assert hearing.recorded_by == user and hearing.children == 5
    with pytest.raises(PermissionDenied):  # weighing is the secretariat's
        services.weigh_hearing(actor=actor, hearing=hearing, weighed="x", expected_version=None)
    event = AuditEvent.objects.get(action="create", target_id=str(hearing.pk), target_type="certification.hearing")
    assert "biblioteca" not in str(event.changes)


def test_evidence_shown_to_an_evaluator_is_the_frozen_one(world: World, reviewing: Cycle) -> None:
    user = world.home["evaluator"]
    actor = evaluator_actor(user)
    assignment = assign(world, reviewing)
    services.accept_assignment(actor=actor, assignment=assignment, expected_version=None)
    submission = policies.visible_submissions(actor).get()
    items = evidence.frozen(submission)
    assert {i.requirement.code for i in items} == {
        r.code for r in Requirement.objects.filter(framework=reviewing.framework)
    }
    assert all(i.status for i in items)


def test_system_and_the_demo_path_reach_a_recognition(world: World, reviewing: Cycle) -> None:
    judge_all(world, Cycle.objects.get(pk=reviewing.pk))
    assert Hearing.objects.filter(cycle=reviewing).exclude(weighed="").count() == 1
    membership_user = make_user("evaluador.sys", Role.EVALUATOR, world.country)
    assignment = services.assign_evaluator(actor=SYSTEM, cycle=reviewing, evaluator=membership_user)
    services.accept_assignment(actor=SYSTEM, assignment=assignment, expected_version=None)
    assert Assignment.objects.get(pk=assignment.pk).is_accepted
