"""The children's API for every role, at home, away and anonymous, with access events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ronda.cases import services
from ronda.cases.models import Caregiver, Child, DuplicateReview
from ronda.cases.tests.test_pages import READERS, _actor, _children, only
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.testing import World, api_token, check_access_matrix, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
API = "/api/v1/cases"
WRITERS = only({"defender": 200, "supervisor": 200})


@pytest.fixture
def child(world: World) -> Child:
    return services.register_child(
        actor=_actor(world.home[Role.DEFENDER]),
        first_names="Xiomara",
        paternal_surname="Quizhpe",
        maternal_surname="Sarango",
        sex="female",
        birth_date=dt.date(TODAY.year - 8, 5, 5),
        community=world.community,
    )


@pytest.fixture
def caregiver(world: World, child: Child) -> Caregiver:
    return services.add_caregiver(
        actor=_actor(world.home[Role.DEFENDER]), child=child, first_names="Rosa", relationship="mother"
    )


def payload(world: World, **over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_names": "Xiomara",
        "paternal_surname": "Quishpe",
        "sex": "female",
        "birth_date": f"{TODAY.year - 8}-05-05",
        "community_id": world.community.pk,
    }
    data.update(over)
    return data


def test_list_and_record(world: World, child: Child, caregiver: Caregiver) -> None:
    check_access_matrix(world, url=f"{API}/children", api=True, expected=only(READERS), away=READERS)
    check_access_matrix(world, url=f"{API}/children/{child.pk}", api=True, expected=only(READERS), personal=True)


def test_the_record_shows_caregivers_and_logs_them(world: World, child: Child, caregiver: Caregiver) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(world.home[Role.SUPERVISOR])}")
    body = client.get(f"{API}/children/{child.pk}").json()
    assert body["paternal_surname"] == "Quizhpe" and body["caregivers"][0]["first_names"] == "Rosa"
    assert AccessEvent.objects.filter(target_type="cases.caregiver", target_id=str(caregiver.pk)).exists()
    page = client.get(f"{API}/children", {"q": "xiomara quizhpe"}).json()
    assert [r["id"] for r in page["results"]] == [child.pk] and page["next_before"] is None


def test_duplicates_and_review(world: World, child: Child) -> None:
    # Away users have no such community: 422 (nothing is looked up for them).
    check_access_matrix(
        world,
        url=f"{API}/children/duplicates",
        method="post",
        api=True,
        data=payload(world),
        expected=WRITERS,
        away={"defender": 422, "supervisor": 422},
    )
    colleague = make_user("defensor.dos", Role.DEFENDER, world.community)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(colleague)}")
    found = client.post(f"{API}/children/duplicates", payload(world), content_type="application/json").json()
    assert found[0]["readable"] is False and found[0]["child"] is None and "Quizhpe" not in str(found)
    check_access_matrix(
        world,
        url=f"{API}/children/duplicates/review",
        method="post",
        api=True,
        data=payload(world, candidate_id=child.pk),
        # Those who may read the candidate need no review: 404, as for those who may not ask.
        expected=only({}),
        away={"defender": 422, "supervisor": 422},
        state=lambda: DuplicateReview.objects.count(),
    )
    response = client.post(
        f"{API}/children/duplicates/review", payload(world, candidate_id=child.pk), content_type="application/json"
    )
    assert response.status_code == 201 and DuplicateReview.objects.get().candidate == child


def test_register(world: World, child: Child) -> None:
    check_access_matrix(
        world,
        url=f"{API}/children",
        method="post",
        api=True,
        data=payload(world, confirmed_new=True, first_names="Brayan", paternal_surname="Ordóñez"),
        expected=only({"defender": 201, "supervisor": 201}),
        away={"defender": 422, "supervisor": 422},
        state=_children,
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(world.home[Role.DEFENDER])}")
    response = client.post(f"{API}/children", payload(world), content_type="application/json")
    assert response.status_code == 409 and Child.objects.count() == 3
    response = client.post(
        f"{API}/children", payload(world, birth_date=f"{TODAY.year + 1}-01-01"), content_type="application/json"
    )
    assert response.status_code == 422


def test_edit_child_and_caregivers(world: World, child: Child, caregiver: Caregiver) -> None:
    def version(_w: World) -> dict[str, object]:
        child.refresh_from_db()
        return {"version": child.version, "school": "Escuela Miguel Riofrío"}

    check_access_matrix(
        world,
        url=f"{API}/children/{child.pk}",
        method="patch",
        api=True,
        data=version,
        expected=WRITERS,
        state=_children,
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(world.home[Role.DEFENDER])}")
    stale = client.patch(f"{API}/children/{child.pk}", {"version": 1, "alias": "Xio"}, content_type="application/json")
    assert stale.status_code == 409
    check_access_matrix(
        world,
        url=f"{API}/children/{child.pk}/caregivers",
        method="post",
        api=True,
        data={"first_names": "Carmen", "relationship": "grandmother"},
        expected=only({"defender": 201, "supervisor": 201}),
        state=lambda: Caregiver.objects.count(),
    )

    def caregiver_version(_w: World) -> dict[str, object]:
        caregiver.refresh_from_db()
        return {"version": caregiver.version, "phone": "0991234567"}

    check_access_matrix(
        world,
        url=f"{API}/caregivers/{caregiver.pk}",
        method="patch",
        api=True,
        data=caregiver_version,
        expected=WRITERS,
        state=lambda: list(Caregiver.objects.values_list("pk", "version")),
    )
    # The defender's request removes the caregiver; the supervisor's, after it, finds nothing.
    check_access_matrix(
        world,
        url=f"{API}/caregivers/{caregiver.pk}",
        method="delete",
        api=True,
        expected=only({"defender": 204}),
        state=lambda: Caregiver.objects.count(),
    )
