"""Issue #13 item 6: co-responsibility that does something. A co-responsible area's or institution's
focal point sees the measures naming it and reports its part (a contribution) without touching the
responsible area's progress; commitments per area and per institution."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.planning import policies, services
from ronda.planning.models import Contribution, LocalPlan, Measure, MeasureStatus, PlanningAction, PlanStatus
from ronda.planning.tests.coresp_world import TODAY, People, act, status_as
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db

NOBODY = {role: 404 for role in Role.values}
FOCAL_ONLY = {**NOBODY, Role.AREA_FOCAL: 200}
READERS = {
    **NOBODY,
    Role.ADMIN: 200,
    Role.SECRETARIAT: 200,
    Role.COORDINATOR: 200,
    Role.SUPERVISOR: 200,
    Role.ANALYST: 200,
}


def _contributions() -> list[tuple[Any, ...]]:
    return list(Contribution.objects.values_list("pk", "measure_id", "text"))


# --- Who sees the shared measures -------------------------------------------------------------------
def test_a_co_responsible_focal_point_sees_the_measures_naming_their_area_or_institution(
    world: World, plan: LocalPlan, shared: Measure, people: People
) -> None:
    measures = lambda user: set(policies.visible_measures(act(user)).values_list("code", flat=True))  # noqa: E731
    assert measures(people.co_area) == {"M-1", "M-2"}  # responsible for M-1, co-responsible for M-2
    assert measures(people.institution) == {"M-2"}  # Junta A is named on M-2; Deportes answers for nothing
    assert measures(people.unrelated) == set()
    assert measures(people.responsible) == {"M-2"}
    assert measures(world.away[Role.AREA_FOCAL]) == set()
    url = reverse("planning:measure_detail", args=[shared.pk])
    assert status_as(people.co_area, "get", url) == 200
    assert status_as(people.institution, "get", url) == 200
    assert status_as(people.unrelated, "get", url) == 404


def test_a_shared_measure_reads_for_its_partners_but_takes_their_progress_only_from_the_responsible_area(
    shared: Measure, people: People
) -> None:
    url = reverse("planning:progress_create", args=[shared.pk])
    assert status_as(people.co_area, "get", url) == 404
    assert status_as(people.institution, "get", url) == 404
    assert status_as(people.responsible, "get", url) == 200


# --- The contribution page -------------------------------------------------------------------------
def test_contribution_page_access(world: World, shared: Measure, people: People) -> None:
    url = reverse("planning:contribution_create", args=[shared.pk])
    check_access_matrix(world, url=url, expected=FOCAL_ONLY)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data={"reported_on": TODAY.isoformat(), "text": ""},  # an empty report: the form comes back
        expected=FOCAL_ONLY,
        state=_contributions,
    )
    assert status_as(people.institution, "get", url) == 200
    assert status_as(people.unrelated, "get", url) == 404
    assert status_as(people.responsible, "get", url) == 404  # the responsible area reports progress
    # On its own measure the home focal point is the responsible area: no contribution there.
    own = reverse("planning:contribution_create", args=[shared.plan.measures.get(code="M-1").pk])
    assert status_as(people.co_area, "get", own) == 404


def test_a_contribution_from_the_page_is_shown_on_the_measure_and_leaves_its_progress(
    shared: Measure, people: People
) -> None:
    before = Measure.objects.values_list("progress", "version", "progress_updated_on").get(pk=shared.pk)
    url = reverse("planning:contribution_create", args=[shared.pk])
    data = {"reported_on": "2026-06-01", "text": "Charlas en 4 escuelas", "executed": "250.50"}
    assert status_as(people.co_area, "post", url, data) == 302
    contribution = Contribution.objects.get()
    assert (contribution.area_id, contribution.institution_id) == (people.co_area.memberships.get().area_id, None)
    assert contribution.executed == Decimal("250.50")
    assert Measure.objects.values_list("progress", "version", "progress_updated_on").get(pk=shared.pk) == before
    page = login_page(people.responsible, reverse("planning:measure_detail", args=[shared.pk]))
    assert "Charlas en 4 escuelas" in page and "Salud" in page


def login_page(user: Any, url: str) -> str:
    from django.test import Client

    from ronda.testing import login

    return login(Client(), user).get(url).content.decode()


# --- The service ---------------------------------------------------------------------------------
def test_an_institution_reports_its_part_and_the_trail_says_so(at_today: Any, shared: Measure, people: People) -> None:
    contribution = services.record_contribution(
        actor=act(people.institution), measure=shared, text="Atención a 12 familias", reported_on=TODAY
    )
    assert (contribution.area_id, contribution.institution_id) == (None, shared.co_institutions.get().pk)
    event = AuditEvent.objects.get(action=PlanningAction.CONTRIBUTION_RECORDED)
    assert event.target_id == str(contribution.pk)


def test_a_membership_of_both_partners_says_for_whom(at_today: Any, shared: Measure, people: People) -> None:
    # The home focal point's membership also names Junta A: both partners of M-2.
    people.co_area.memberships.update(institution=shared.co_institutions.get())
    actor = act(people.co_area)
    assert policies.contribution_partners(actor, shared) == [policies.PARTNER_AREA, policies.PARTNER_INSTITUTION]
    done = services.record_contribution(actor=actor, measure=shared, text="Como Junta", partner="institution")
    assert done.institution_id is not None and done.area_id is None
    with pytest.raises(ValidationError) as refused:
        services.record_contribution(actor=act(people.institution), measure=shared, text="x", partner="area")
    assert refused.value.message_dict == {"partner": ["Choose for whom you report: your area or your institution."]}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"text": "  "}, {"text": ["Say what your area or institution did for this measure."]}),
        ({"reported_on": TODAY.replace(day=16)}, {"reported_on": ["The date cannot be in the future."]}),
        ({"reported_on": TODAY.replace(year=2024)}, {"reported_on": ["The date is before the plan starts."]}),
        ({"executed": "-1"}, {"executed": ["Enter an amount of zero or more."]}),
        ({"executed": "1.005"}, {"executed": ["Use at most two decimals."]}),
        ({"executed": "1e13"}, {"executed": ["The amount is too large."]}),
        ({"executed": "mucho"}, {"executed": ["Enter an amount of zero or more."]}),
    ],
)
def test_a_contribution_is_refused_with_each_reason_and_nothing_is_written(
    at_today: Any, shared: Measure, people: People, fields: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    data: dict[str, Any] = {"text": "Charlas", "reported_on": TODAY, **fields}
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.record_contribution(actor=act(people.co_area), measure=shared, **data)
    assert refused.value.message_dict == errors
    assert (Contribution.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_a_plan_not_under_way_or_a_cancelled_measure_takes_no_contribution(
    at_today: Any, shared: Measure, people: People
) -> None:
    Measure.objects.filter(pk=shared.pk).update(status=MeasureStatus.CANCELLED)
    shared.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.record_contribution(actor=act(people.co_area), measure=shared, text="Charlas")
    assert refused.value.message_dict == {"__all__": ["This measure was cancelled: it takes no more reports."]}
    LocalPlan.objects.filter(pk=shared.plan_id).update(status=PlanStatus.DRAFT)
    Measure.objects.filter(pk=shared.pk).update(status=MeasureStatus.IN_PROGRESS)
    shared = Measure.objects.select_related("plan").get(pk=shared.pk)
    with pytest.raises(ValidationError) as refused:
        services.record_contribution(actor=act(people.co_area), measure=shared, text="Charlas")
    assert refused.value.message_dict == {
        "__all__": ["Reports are recorded once the plan is approved, and until it is evaluated."]
    }
    assert Contribution.objects.count() == 0


def test_only_a_partner_person_contributes(shared: Measure, people: People, world: World) -> None:
    from ronda.core.tenancy import SYSTEM

    for actor in (act(people.unrelated), act(people.responsible), act(world.home[Role.COORDINATOR]), SYSTEM):
        with pytest.raises(PermissionDenied):
            services.record_contribution(actor=actor, measure=shared, text="Charlas")
    assert Contribution.objects.count() == 0


# --- Commitments ---------------------------------------------------------------------------------
def test_my_commitments_access_and_content(world: World, shared: Measure, people: People) -> None:
    url = reverse("planning:my_commitments")
    # A focal point of another municipality has commitments of their own there (none here).
    check_access_matrix(world, url=url, expected=FOCAL_ONLY, away={Role.AREA_FOCAL: 200})
    page = login_page(people.co_area, url)
    assert "Medida M-1" in page and "Medida M-2" in page
    institution_page = login_page(people.institution, url)
    assert "Junta A" in institution_page and "Medida M-2" in institution_page and "Medida M-1" not in institution_page
    assert "Medida M-" not in login_page(people.unrelated, url)


def test_plan_commitments_access_and_groups(world: World, shared: Measure, people: People) -> None:
    from ronda.planning import commitments

    url = reverse("planning:plan_commitments", args=[shared.plan_id])
    check_access_matrix(world, url=url, expected=READERS)
    book = commitments.commitments_of(policies.visible_measures(act(world.home[Role.COORDINATOR])))
    parts = {(g.kind, g.name): [(r.measure.code, r.role) for r in g.rows] for g in book.groups}
    assert parts == {
        ("area", "Educación"): [("M-2", commitments.RESPONSIBLE)],
        ("area", "Salud"): [("M-1", commitments.RESPONSIBLE), ("M-2", commitments.CO_RESPONSIBLE)],
        ("institution", "Junta A"): [("M-2", commitments.CO_RESPONSIBLE)],
    }
    one = login_page(world.home[Role.COORDINATOR], f"{url}?institucion={world.institution.pk}")
    assert "Junta A" in one and "Educación" not in one


def test_commitments_read_in_a_fixed_number_of_queries(
    world: World, shared: Measure, people: People, django_assert_max_num_queries: Any
) -> None:
    from ronda.planning import commitments

    services.record_contribution(actor=act(people.co_area), measure=shared, text="Charlas")
    coordinator = act(world.home[Role.COORDINATOR])
    with django_assert_max_num_queries(4):  # measures, co-areas, co-institutions, contributions
        book = commitments.commitments_of(policies.visible_measures(coordinator))
    salud = next(g for g in book.areas if g.name == "Salud")
    assert [r.last_contribution is not None for r in salud.rows] == [False, True]


# --- The API -------------------------------------------------------------------------------------
def test_contributions_api(world: World, shared: Measure, people: People) -> None:
    url = f"/api/v1/planning/measures/{shared.pk}/contributions"
    readers = {**READERS, Role.AREA_FOCAL: 200}
    check_access_matrix(world, url=url, expected=readers, api=True)
    check_access_matrix(
        world,
        url=url,
        method="post",
        api=True,
        data={"text": "Charlas en escuelas", "executed": "10"},
        expected={**NOBODY, Role.AREA_FOCAL: 201},
        state=_contributions,
    )
    listed = Contribution.objects.get()
    assert (listed.text, listed.executed) == ("Charlas en escuelas", Decimal("10"))


def test_the_contribution_api_answers_spanish_field_errors(world: World, shared: Measure, people: People) -> None:
    from django.test import Client

    from ronda.testing import api_token

    client = Client()
    token = api_token(people.co_area)
    response = client.post(
        f"/api/v1/planning/measures/{shared.pk}/contributions",
        data='{"text": "Charlas", "executed": "-5"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 422
    assert "executed" in response.content.decode()
    assert Contribution.objects.count() == 0
