"""The children's demo (issue #11, item 11): 300 children of Loja, caregivers, duplicates waiting to be found."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

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
    total = Child.objects.count()
    assert total == CHILDREN + 12
    assert Caregiver.objects.count() >= CHILDREN
    motupe = User.objects.get(username="defensor.motupe")
    assert Child.objects.filter(registered_by=motupe, community__code="EC-1101-01").count() >= 60
    load_cases_demo()
    assert Child.objects.count() == total


def test_the_duplicates_are_found(demo: None) -> None:
    """Each child registered twice is found from the other record (as the supervisor would search)."""
    found = 0
    seconds = Child.objects.order_by("-id")[:12]
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
