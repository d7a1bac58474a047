"""The children's pages for every role, at home, away and anonymous, with access events (decision 0015)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.accounts.selectors import active_memberships
from ronda.cases import services
from ronda.cases.models import Caregiver, Child, DuplicateReview
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.core.tenancy import actor_for
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
READERS = {"defender": 200, "supervisor": 200}


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


def _actor(user):  # type: ignore[no-untyped-def]
    return actor_for(user, active_memberships(user)[0], second_factor=True)


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


def _children() -> list[tuple[int, int]]:
    return list(Child.objects.values_list("pk", "version"))


def test_child_list(world: World, child: Child) -> None:
    check_access_matrix(world, url=reverse("cases:child_list"), expected=only(READERS), away=READERS)


def test_the_list_logs_each_child_shown_and_searches_without_accents(world: World, child: Child) -> None:
    client = login(Client(), world.home[Role.SUPERVISOR])
    response = client.get(reverse("cases:child_list"), {"q": "QUIZHPÉ"})
    assert "Xiomara" in response.content.decode()
    assert AccessEvent.objects.filter(target_id=str(child.pk), purpose="children list").count() == 1
    assert "Xiomara" not in client.get(reverse("cases:child_list"), {"q": "Ordóñez"}).content.decode()


def test_child_detail(world: World, child: Child, caregiver: Caregiver) -> None:
    check_access_matrix(
        world, url=reverse("cases:child_detail", args=[child.pk]), expected=only(READERS), personal=True
    )


def test_child_register_page(world: World) -> None:
    check_access_matrix(world, url=reverse("cases:child_register"), expected=only(READERS), away=READERS)


def test_child_register_post(world: World) -> None:
    data = {
        "first_names": "Brayan",
        "paternal_surname": "Ordóñez",
        "sex": "male",
        "birth_date": f"{TODAY.year - 5}-01-02",
        "community": world.community.pk,
        "confirmed_new": "on",
    }
    # Away users do not have the community among their choices: the form comes back with the error.
    check_access_matrix(
        world,
        url=reverse("cases:child_register"),
        method="post",
        data=data,
        expected=only({"defender": 302, "supervisor": 302}),
        away=READERS,
        state=_children,
    )
    assert Child.objects.count() == 2


def test_the_duplicate_step_and_the_review_request(world: World, child: Child) -> None:
    from ronda.testing import make_user

    colleague = make_user("defensor.dos", Role.DEFENDER, world.community)
    client = login(Client(), colleague)
    data = {
        "first_names": "Xiomara",
        "paternal_surname": "Quishpe",
        "sex": "female",
        "birth_date": child.birth_date.isoformat(),  # type: ignore[union-attr]
        "community": world.community.pk,
    }
    page = client.post(reverse("cases:child_register"), data).content.decode()
    assert Child.objects.count() == 1
    assert "Comunidad A" in page and "Xiomara Quizhpe" not in page and "Sarango" not in page
    client.post(reverse("cases:child_register"), {**data, "revisar": child.pk})
    assert DuplicateReview.objects.get().candidate == child
    supervisor = login(Client(), world.home[Role.SUPERVISOR])
    page = supervisor.post(reverse("cases:child_register"), data).content.decode()
    assert "Xiomara Quizhpe Sarango" in page
    assert AccessEvent.objects.filter(purpose="duplicate check at registration", target_id=str(child.pk)).exists()
    # As a browser sends it: the pressed button's value, then the form's empty hidden field.
    response = client.post(reverse("cases:child_register"), {**data, "confirmed_new": ["on", "False"]})
    assert response.status_code == 302 and Child.objects.count() == 2


def test_child_edit(world: World, child: Child) -> None:
    url = reverse("cases:child_edit", args=[child.pk])
    check_access_matrix(world, url=url, expected=only(READERS), personal=True)

    def data(_w: World) -> dict[str, object]:
        child.refresh_from_db()
        return {
            "first_names": "Xiomara",
            "paternal_surname": "Quizhpe",
            "sex": "female",
            "birth_date": child.birth_date.isoformat(),  # type: ignore[union-attr]
            "community": world.community.pk,
            "school": "Escuela Miguel Riofrío",
            "version": child.version,
        }

    check_access_matrix(
        world, url=url, method="post", data=data, expected=only({"defender": 302, "supervisor": 302}), state=_children
    )


def test_a_stale_edit_keeps_what_was_typed(world: World, child: Child) -> None:
    client = login(Client(), world.home[Role.SUPERVISOR])
    data = {"first_names": "Xiomara", "sex": "female", "community": world.community.pk, "version": child.version}
    data["birth_date"] = child.birth_date.isoformat()  # type: ignore[union-attr]
    client.post(reverse("cases:child_edit", args=[child.pk]), {**data, "school": "Primera"})
    page = client.post(reverse("cases:child_edit", args=[child.pk]), {**data, "school": "Lo que escribí"})
    assert page.status_code == 200 and "Lo que escribí" in page.content.decode()


def test_caregiver_pages(world: World, child: Child, caregiver: Caregiver) -> None:
    add = reverse("cases:caregiver_add", args=[child.pk])
    check_access_matrix(world, url=add, expected=only(READERS), personal=True)
    check_access_matrix(
        world,
        url=add,
        method="post",
        data={"first_names": "Carmen", "relationship": "grandmother"},
        expected=only({"defender": 302, "supervisor": 302}),
        state=lambda: Caregiver.objects.count(),
    )
    edit = reverse("cases:caregiver_edit", args=[caregiver.pk])
    check_access_matrix(world, url=edit, expected=only(READERS), personal=True)

    def data(_w: World) -> dict[str, object]:
        caregiver.refresh_from_db()
        return {"first_names": "Rosa", "relationship": "mother", "phone": "0991234567", "version": caregiver.version}

    check_access_matrix(
        world,
        url=edit,
        method="post",
        data=data,
        expected=only({"defender": 302, "supervisor": 302}),
        state=lambda: list(Caregiver.objects.values_list("pk", "version")),
    )


def test_caregiver_delete(world: World, child: Child, caregiver: Caregiver) -> None:
    # The defender's request removes the caregiver, so the supervisor's, after it, finds nothing (404).
    check_access_matrix(
        world,
        url=reverse("cases:caregiver_delete", args=[caregiver.pk]),
        method="post",
        expected=only({"defender": 302}),
        state=lambda: Caregiver.objects.count(),
    )
    assert not Caregiver.objects.exists()


@pytest.fixture
def review(world: World, child: Child) -> DuplicateReview:
    from ronda.testing import make_user

    colleague = _actor(make_user("defensor.dos", Role.DEFENDER, world.community))
    return services.request_duplicate_review(
        actor=colleague, candidate_id=child.pk, community=world.community, score=0.9, reasons=["same_name"]
    )


def test_review_list(world: World, review: DuplicateReview) -> None:
    check_access_matrix(
        world,
        url=reverse("cases:review_list"),
        expected=only({"supervisor": 200}),
        away={"supervisor": 200},
    )
    client = login(Client(), world.home[Role.SUPERVISOR])
    assert "Xiomara Quizhpe Sarango" in client.get(reverse("cases:review_list")).content.decode()
    assert AccessEvent.objects.filter(purpose="duplicate review", target_id=str(review.candidate_id)).exists()
    assert "posibles-duplicados" in client.get(reverse("cases:child_list")).content.decode()


def test_review_close(world: World, review: DuplicateReview) -> None:
    check_access_matrix(
        world,
        url=reverse("cases:review_close", args=[review.pk]),
        method="post",
        expected=only({"supervisor": 302}),
        state=lambda: list(DuplicateReview.objects.values_list("status", flat=True)),
    )
    review.refresh_from_db()
    assert review.status == "done"


def test_merge_and_unmerge_pages(world: World, child: Child) -> None:
    second = services.register_child(
        actor=_actor(world.home[Role.SUPERVISOR]),
        confirmed_new=True,
        first_names="Xiomara",
        paternal_surname="Quizhpe",
        sex="female",
        birth_date=child.birth_date,
        community=world.community,
    )

    def merged() -> list[object]:
        return list(Child.objects.order_by("pk").values_list("merged_into", flat=True))

    check_access_matrix(
        world,
        url=reverse("cases:child_merge", args=[child.pk]),
        method="post",
        data={"otro": second.pk},
        expected=only({"supervisor": 302}),
        state=merged,
    )
    second.refresh_from_db()
    assert second.merged_into_id == child.pk
    page = login(Client(), world.home[Role.SUPERVISOR]).get(reverse("cases:child_detail", args=[child.pk]))
    assert reverse("cases:child_detail", args=[second.pk]) in page.content.decode()
    check_access_matrix(
        world,
        url=reverse("cases:child_unmerge", args=[second.pk]),
        method="post",
        expected=only({"supervisor": 302}),
        state=merged,
    )
    second.refresh_from_db()
    assert second.merged_into_id is None
