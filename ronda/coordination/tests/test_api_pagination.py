"""Meetings and agreements by cursor, the new reference names (``*_id``) and their deprecated aliases,
and the filters the pages and the API share (``selectors.filter_meetings`` / ``filter_agreements``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.coordination import policies, selectors, services
from ronda.coordination.models import Agreement, Meeting
from ronda.coordination.tests.conftest import Coordination
from ronda.coordination.tests.test_query_counts import Rows
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.core.tests.cursor_walk import cursor_of, walk
from ronda.testing import World, api_token, assert_queries_do_not_grow, login

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coordination"


def auth(world: World, role: str = "coordinator") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[role])}"}


def meeting_at(co: Coordination, when: dt.datetime) -> Meeting:
    return services.schedule_meeting(
        actor=SYSTEM, body=co.body, kind="ordinary", mode="in_person", scheduled_at=when, place="Sala"
    )


def agreement_due(co: Coordination, due: dt.date, text: str = "Acuerdo") -> Agreement:
    return services.create_agreement(
        actor=SYSTEM, body=co.body, meeting=co.meeting, text=text, owner_area=co.education, due_date=due
    )


def test_meetings_by_cursor_every_row_once_in_order_while_meetings_are_added(
    client: Client, world: World, co: Coordination
) -> None:
    now = timezone.now().replace(microsecond=0)
    tied = now - dt.timedelta(days=3)
    for _ in range(7):  # a run of meetings at the same minute: the id breaks the tie across pages
        meeting_at(co, tied)
    behind: list[int] = []

    def add(page: int) -> None:
        # The latest first: a meeting later than all is behind the walk, one earlier than all ahead of
        # it; at the tied minute a new (higher) id sorts before the tied meetings already there.
        behind.append(meeting_at(co, now + dt.timedelta(days=30 + page)).pk)
        if page >= 2:  # by then the walk is inside the tied run
            behind.append(meeting_at(co, tied).pk)
        meeting_at(co, now - dt.timedelta(days=400 + page))

    walked = [m["id"] for m in walk(client, f"{BASE}/meetings", auth(world), limit=2, between=add)]
    actor = actor_for(world.home["coordinator"], world.home["coordinator"].memberships.get())
    expected = [
        pk
        for pk in policies.visible_meetings(actor).order_by(*selectors.MEETING_ORDER).values_list("pk", flat=True)
        if pk not in behind
    ]
    assert walked == expected and len(walked) == len(set(walked))


def test_agreements_by_cursor_with_filters_match_the_offset_list(
    client: Client, world: World, co: Coordination
) -> None:
    today = timezone.localdate()
    for k in range(6):
        agreement_due(co, today - dt.timedelta(days=k % 2), f"Vencido {k}")  # two due dates, three each
        agreement_due(co, today + dt.timedelta(days=k), f"A tiempo {k}")
    headers = auth(world)
    for query in ("", "?overdue=true", "?overdue=false", f"?owner_area_id={co.education.pk}&status=pending"):
        listed = client.get(f"{BASE}/agreements{query}{'&' if query else '?'}limit=500", **headers).json()
        walked = walk(client, f"{BASE}/agreements{query}", headers, limit=4)
        assert walked == listed["results"] and listed["count"] == len(walked), query


def test_cursors_are_per_list_and_per_filters(client: Client, world: World, co: Coordination) -> None:
    meeting_at(co, timezone.now() - dt.timedelta(days=2))
    headers = auth(world)
    meetings = cursor_of(client, f"{BASE}/meetings", headers)
    assert client.get(f"{BASE}/meetings?cursor={meetings}", **headers).status_code == 200
    assert client.get(f"{BASE}/agreements?cursor={meetings}", **headers).status_code == 400
    assert client.get(f"{BASE}/meetings?cursor={meetings}&kind=urgent", **headers).status_code == 400
    by_body = cursor_of(client, f"{BASE}/meetings?body_id={co.body.pk}", headers)
    # The deprecated name is the same filter: the cursor holds for either spelling.
    assert client.get(f"{BASE}/meetings?body={co.body.pk}&cursor={by_body}", **headers).status_code == 200
    assert client.get(f"{BASE}/meetings?cursor={by_body}", **headers).status_code == 400


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [("meetings", "body", "body_id"), ("agreements", "body", "body_id"), ("agreements", "area", "owner_area_id")],
)
def test_old_and_new_reference_names(
    client: Client, world: World, co: Coordination, path: str, old: str, new: str
) -> None:
    headers = auth(world, "admin")
    value = co.education.pk if new == "owner_area_id" else co.body.pk
    other = world.area.pk if new == "owner_area_id" else co.other_body.pk

    def ids(query: str) -> list[int]:
        response = client.get(f"{BASE}/{path}?{query}", **headers)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"{new}={value}") == ids(f"{old}={value}") != ids("")
    conflict = client.get(f"{BASE}/{path}?{new}={value}&{old}={other}", **headers)
    assert conflict.status_code == 422 and [e["field"] for e in conflict.json()["errors"]] == [old]


def test_agreement_page_and_api_filter_alike(client: Client, world: World, co: Coordination) -> None:
    today = timezone.localdate()
    late = agreement_due(co, today - dt.timedelta(days=5), "Atrasado")
    agreement_due(co, today + dt.timedelta(days=5), "A tiempo")
    done = agreement_due(co, today - dt.timedelta(days=5), "Hecho a tiempo")
    services.update_agreement(actor=SYSTEM, agreement=done, expected_version=None, status="done", completed_on=today)
    headers = auth(world)
    login(client, world.home["coordinator"])
    page_url = reverse("coordination:agreement_list")
    cases = [
        ({"area": co.education.pk}, f"owner_area_id={co.education.pk}"),
        ({"overdue": "1"}, "overdue=true"),
        ({"status": "done"}, "status=done"),
        (
            {"mesa": co.body.pk, "status": "pending", "area": co.education.pk},
            f"body_id={co.body.pk}&status=pending&owner_area_id={co.education.pk}",
        ),
    ]
    for page_query, api_query in cases:
        shown = [a.pk for a in client.get(page_url, page_query).context["page"]]
        listed = [a["id"] for a in client.get(f"{BASE}/agreements?{api_query}", **headers).json()["results"]]
        assert shown == listed and shown, page_query
    assert [a.pk for a in client.get(page_url, {"overdue": "1"}).context["page"]] == [late.pk]


def test_meeting_page_and_api_filter_alike(client: Client, world: World, co: Coordination) -> None:
    headers = auth(world)
    login(client, world.home["coordinator"])
    for kind in ("urgent", "ordinary"):
        page = client.get(reverse("coordination:meeting_list"), {"mesa": co.body.pk, "kind": kind}).context["page"]
        api = client.get(f"{BASE}/meetings?body_id={co.body.pk}&kind={kind}", **headers).json()["results"]
        assert [m.pk for m in page] == [m["id"] for m in api] != []


def test_filter_agreements_overdue_false_is_everything_else(world: World, co: Coordination) -> None:
    agreement_due(co, timezone.localdate() - dt.timedelta(days=1), "Vencido")
    every = Agreement.objects.all()
    late = set(selectors.filter_agreements(every, overdue=True).values_list("pk", flat=True))
    rest = set(selectors.filter_agreements(every, overdue=False).values_list("pk", flat=True))
    assert late and rest and late.isdisjoint(rest) and late | rest == set(every.values_list("pk", flat=True))


@pytest.mark.parametrize("path", ["meetings", "agreements"])
def test_cursor_pages_do_not_grow_in_queries(client: Client, world: World, co: Coordination, path: str) -> None:
    rows = Rows(world, co)  # meetings and agreements with everything they show
    url = f"{BASE}/{path}?body_id={co.body.pk}&cursor=&limit=100"
    assert_queries_do_not_grow(client, url, rows, ceiling=8, extra=auth(world))
