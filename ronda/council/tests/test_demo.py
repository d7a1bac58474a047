from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ronda.accounts.models import User
from ronda.council import readability, selectors
from ronda.council.demo import COUNCILS
from ronda.council.demo import load_demo as load_council_demo
from ronda.council.models import (
    AccountabilitySession,
    ChildrenCouncil,
    CouncilMember,
    CouncilRequest,
    CouncilSession,
    RequestStatus,
)
from ronda.portal.demo import load_demo as load_core_demo
from ronda.territory.models import Level
from ronda.testing import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> None:
    load_core_demo()
    load_council_demo()


def counts() -> tuple[int, ...]:
    return (
        ChildrenCouncil.objects.count(),
        CouncilMember.objects.count(),
        CouncilSession.objects.count(),
        CouncilRequest.objects.count(),
        AccountabilitySession.objects.count(),
    )


def test_demo_is_complete_and_idempotent(demo: None) -> None:
    assert counts() == (2, 22, 8, 20, 4)
    load_council_demo()
    assert counts() == (2, 22, 8, 20, 4)


@pytest.mark.parametrize("code", ["EC-1101", "CR-101"])
def test_each_demo_council_tells_the_whole_story(demo: None, code: str) -> None:
    council = ChildrenCouncil.objects.get(org_unit__code=code)
    requests = list(council.requests.select_related("routed_area"))
    assert {r.status for r in requests} == set(RequestStatus.values)  # every status
    assert any(r.is_overdue for r in requests)
    answered = [r for r in requests if r.answered_on]
    assert any(r.answered_on_time for r in answered) and any(not r.answered_on_time for r in answered)
    assert len({r.routed_area_id for r in requests}) >= 5
    assert all(r.routed_area.org_unit_id == council.org_unit_id for r in requests)
    assert all(r.answer for r in answered)
    members = list(council.members.select_related("community"))
    assert 10 <= len(members) <= 12
    assert all(m.community.level == Level.COMMUNITY and m.community.parent_id == council.org_unit_id for m in members)
    assert any(not m.is_active for m in members)
    assert council.sessions.count() == 4 and council.accountability_sessions.count() == 2
    # Requests and answers never name a member.
    assert not any(selectors.mentions_member_name(council, r.title, r.description, r.answer) for r in requests)


def test_demo_answers_are_child_friendly(demo: None) -> None:
    for spec in COUNCILS:
        for item in spec.requests:
            assert selectors.long_sentences(item.answer) == 0, item.title
            if item.answer:  # the demo's answers pass the check an answer goes through to be published
                assert readability.check_answer(item.answer).ok, item.title


def test_demo_pages_render(demo: None) -> None:
    client = Client()
    login(client, User.objects.get(username="coord.loja"))
    for name in ("overview", "member_list", "session_list", "request_list", "accountability_list"):
        assert client.get(reverse(f"council:{name}")).status_code == 200, name
    analyst = Client()
    login(analyst, User.objects.get(username="analista.cr"))
    overview = analyst.get(reverse("council:overview"))
    assert overview.status_code == 200
    council = ChildrenCouncil.objects.get(org_unit__code="CR-101")
    page = analyst.get(f"{reverse('council:overview')}?consejo={council.pk}").content.decode()
    for member in council.members.all():
        assert member.first_name not in page
    focal = Client()
    login(focal, User.objects.get(username="focal.loja"))
    listed = focal.get(reverse("council:request_list")).context["page"]
    assert {r.routed_area.name for r in listed} == {"Salud"}
