"""The certification demo: Costa Rica's cantons at every stage of the CAI cycle, on the demo territory."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ronda.accounts import demo as accounts_demo
from ronda.certification import demo, policies, services
from ronda.certification.models import Assignment, Certificate, Cycle, CycleStage, Hearing
from ronda.core.tenancy import actor_for
from ronda.territory import demo as territory_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_canton_at_every_stage_and_loads_once() -> None:
    territory_demo.load_demo()
    demo.load_demo()
    today = timezone.localdate()
    cycles = {c.org_unit.code: c for c in Cycle.objects.select_related("org_unit", "framework")}
    assert cycles["CR-201"].is_valid_on(today) and cycles["CR-102"].is_valid_on(today)
    assert cycles["CR-102"].valid_until <= today + dt.timedelta(days=60)  # expiring soon
    assert cycles["CR-301"].is_recognised and not cycles["CR-301"].is_valid_on(today)  # expired
    assert cycles["CR-401"].stage == CycleStage.IN_REVIEW and cycles["CR-401"].submissions.count() == 1
    assert cycles["CR-101"].stage == CycleStage.CANDIDACY and cycles["CR-101"].call is not None
    assert cycles["EC-1101"].framework.code == "cfci" and cycles["MX-29-005"].framework.code == "cfci"
    expired = Certificate.objects.get(cycle=cycles["CR-301"])
    assert services.verify(expired.code).status == services.EXPIRED
    assert services.verify(Certificate.objects.get(cycle=cycles["CR-201"]).code).status == services.VALID
    demo.load_demo()
    assert Cycle.objects.count() == len(cycles)


def test_the_demo_evaluator_sees_her_assignments_only() -> None:
    territory_demo.load_demo()
    accounts_demo.load_demo()
    demo.load_demo()
    heredia = Cycle.objects.get(org_unit__code="CR-401")
    pending = Assignment.objects.get(cycle=heredia)
    assert pending.is_accepted and not pending.is_submitted and pending.findings.exists()
    recognised = Cycle.objects.get(org_unit__code="CR-201")
    assert Assignment.objects.get(cycle=recognised).is_submitted
    assert Hearing.objects.filter(cycle=recognised).exclude(weighed="").exists()
    evaluator = pending.evaluator
    actor = actor_for(evaluator, evaluator.memberships.get())
    seen = set(policies.visible_cycles(actor).values_list("org_unit__code", flat=True))
    assert seen == {"CR-401", "CR-201", "CR-102", "CR-301"}  # assigned; San José (preparing) is not
    assert not policies.visible_verdicts(actor).exists()
