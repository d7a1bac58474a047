"""The children's demo (issue #11, item 11): 300 children of Loja, caregivers, duplicates waiting to be found."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.models import User
from ronda.cases import services
from ronda.cases.demo import CHILDREN
from ronda.cases.demo import load_demo as load_cases_demo
from ronda.cases.models import Caregiver, Child
from ronda.core.models import AccessEvent
from ronda.core.tenancy import SYSTEM
from ronda.portal.demo import load_demo as load_core_demo
from ronda.testing import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> None:
    load_core_demo()
    load_cases_demo()


def test_demo_is_complete_and_idempotent(demo: None) -> None:
    # The whole demo also holds the protection module's children of Tlaxcala (their files: #12).
    route_children = Child.objects.filter(protection_files__isnull=True)
    assert route_children.count() == CHILDREN + 12
    total = Child.objects.count()
    assert Caregiver.objects.count() >= CHILDREN
    motupe = User.objects.get(username="defensor.motupe")
    assert Child.objects.filter(registered_by=motupe, community__code="EC-1101-01").count() >= 60
    load_cases_demo()
    assert Child.objects.count() == total


def test_the_duplicates_are_found(demo: None) -> None:
    """Each child registered twice is found from the other record (as the supervisor would search)."""
    found = 0
    seconds = Child.objects.filter(protection_files__isnull=True).order_by("-id")[:12]
    for second in seconds:
        keys = {n: getattr(second, n) for n in services.CHILD_EDITABLE}
        candidates = services.duplicate_candidates(actor=SYSTEM, **keys)
        found += any(c.candidate_id != second.pk for c in candidates)
    assert found >= 11


def test_defensor_motupe_sees_their_children_and_the_pages_render(demo: None) -> None:
    client = login(Client(), User.objects.get(username="defensor.motupe"))
    response = client.get(reverse("cases:child_list"))
    assert response.status_code == 200 and len(response.content) < 100_000
    child = Child.objects.filter(registered_by__username="defensor.motupe").first()
    assert child is not None
    page = client.get(reverse("cases:child_detail", args=[child.pk]))
    assert page.status_code == 200 and len(page.content) < 100_000
    assert client.get(reverse("cases:child_register")).status_code == 200
    assert AccessEvent.objects.filter(actor__username="defensor.motupe").count() >= 26


def test_the_cases_demo_walks_every_step_of_the_route(demo: None) -> None:
    from django.db.models import Count

    from ronda.cases.demo_cases import CASES
    from ronda.cases.models import Case, CaseEvent, CaseState, ViolationType

    cases = Case.objects.filter(municipality__code="EC-1101")
    assert cases.count() == CASES
    states = dict(cases.values_list("state").annotate(n=Count("id")))
    assert set(states) == set(CaseState.values) and min(states.values()) >= 10
    assert cases.filter(sensitive=True).count() >= 5
    assert (
        cases.filter(
            closure_requested_at__isnull=False, state__in=[s for s in CaseState.values if s != "closed"]
        ).count()
        >= 3
    )
    assert CaseEvent.objects.filter(case__in=cases, kind="reopened").count() >= 3
    assert len(set(cases.filter(state="closed").values_list("closing_reason", flat=True))) >= 4
    motupe = cases.filter(owner__username="defensor.motupe")
    assert motupe.count() >= 20 and not motupe.exclude(community__code="EC-1101-01").exists()
    assert {c for c in ViolationType.objects.values_list("country__code", flat=True)} == {"EC", "CR", "MX"}
    assert Case.objects.filter(
        violations__referral_due_at__lt=timezone.now(),
        violations__referral__isnull=True,
        state__in=["registered", "visits"],
    ).exists()
    # The work on the cases: visits, plans in each status, mediations, referrals to the directory, tasks.
    from ronda.cases.models import CasePlan, Mediation, Referral, Task, Visit

    assert Visit.objects.filter(case__in=cases, status="done").count() >= 100
    assert set(CasePlan.objects.filter(case__in=cases).values_list("status", flat=True)) >= {
        "draft",
        "submitted",
        "approved",
    }
    assert Mediation.objects.filter(case__in=cases, agreements__isnull=False).exists()
    referred = set(Referral.objects.filter(case__in=cases).values_list("institution__name", flat=True))
    assert {
        n
        for n in referred
        if n.startswith(
            ("Junta Cantonal", "Fiscalía", "Ministerio de Inclusión", "Patronato", "Dirección Nacional de Policía")
        )
    } == referred
    assert len(referred) == 5
    assert cases.filter(closing_reason="transferred").count() >= 1
    assert Task.objects.filter(case__in=cases, done_at__isnull=True, due_on__lt=timezone.localdate()).exists()
    before = (Visit.objects.count(), Referral.objects.count(), Task.objects.count())
    load_cases_demo()
    assert Case.objects.count() == CASES
    assert (Visit.objects.count(), Referral.objects.count(), Task.objects.count()) == before

    # defensor.motupe reads their cases through the API (one keyset page).
    from ronda.testing import api_token

    defender = User.objects.get(username="defensor.motupe")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(defender)}")
    page = client.get("/api/v1/cases", {"cursor": "", "limit": "50"}).json()
    owned = set(Case.objects.filter(owner=defender).values_list("pk", flat=True))
    assert page["results"] and {r["id"] for r in page["results"]} <= owned
    first = page["results"][0]["id"]
    assert client.get(f"/api/v1/cases/{first}").status_code == 200
