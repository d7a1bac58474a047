from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.council import readability, services
from ronda.council.forms import CHILD_FRIENDLY_HELP
from ronda.council.models import (
    AccountabilitySession,
    ChildrenCouncil,
    CouncilMember,
    CouncilRequest,
    CouncilSession,
)
from ronda.council.tests.conftest import MEMBER_NAMES, days_ago
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
MANAGERS = dict(NONE, admin=200, coordinator=200)
# Children's records: the coordinator only; the admin needs a break-glass grant (test_personal_access.py).
MEMBER_READERS = dict(NONE, coordinator=200)
# Supervisors read the council of their municipality without the children's names (not MEMBER_READERS).
READERS = dict(NONE, admin=200, coordinator=200, secretariat=200, analyst=200, supervisor=200)
REQUEST_READERS = dict(READERS, area_focal=200)


def council_url(name: str, council: ChildrenCouncil) -> str:
    return f"{reverse(f'council:{name}')}?consejo={council.pk}"


def audit_count() -> int:
    return AuditEvent.objects.count()


# --- Overview ---------------------------------------------------------------------------------
def test_overview_matrix(world: World, council: ChildrenCouncil) -> None:
    check_access_matrix(world, url=council_url("overview", council), expected=READERS)


def test_overview_without_council_matrix(
    world: World, council: ChildrenCouncil, other_council: ChildrenCouncil
) -> None:
    # Without ?consejo the page shows the actor's own council, or the councils in scope.
    away = {"secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200}
    check_access_matrix(world, url=reverse("council:overview"), expected=READERS, away=away)


def test_overview_shows_counts_and_overdue(
    client: Client, world: World, council: ChildrenCouncil, members: Any
) -> None:
    late = services.create_request(
        actor=SYSTEM,
        council=council,
        title="Luces en el camino",
        description="Está oscuro.",
        routed_area=world.area,
        received_on=days_ago(45),
    )
    login(client, world.home["coordinator"])
    response = client.get(reverse("council:overview"))
    assert response.status_code == 200
    assert response.context["council"] == council
    assert response.context["active_members"] == 2
    assert response.context["overdue"] == [late]
    assert response.context["overdue_count"] == 1
    html = response.content.decode()
    assert "Luces en el camino" in html
    assert reverse("council:member_list") in html


def test_council_index_lists_councils_for_secretariat(
    client: Client, world: World, council: ChildrenCouncil, other_council: ChildrenCouncil
) -> None:
    login(client, world.home["secretariat"])
    response = client.get(reverse("council:overview"))
    rows = response.context["rows"]
    assert [r.council for r in rows] == [council]
    login(client, world.home["admin"])
    assert len(client.get(reverse("council:overview")).context["rows"]) == 2


def test_coordinator_without_council_is_invited_to_set_it_up(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    response = client.get(reverse("council:overview"))
    assert response.status_code == 200
    assert response.context["can_create"] is True
    assert reverse("council:council_create") in response.content.decode()


# --- Council set-up and settings ----------------------------------------------------------------
def test_council_create_get_matrix(world: World) -> None:
    check_access_matrix(world, url=reverse("council:council_create"), expected=MANAGERS, away={"coordinator": 200})


def test_council_create_post_matrix(world: World) -> None:
    # The admin creates the home council; the home coordinator then finds it exists (redirect, no write);
    # the coordinator away sets up their own municipality's council.
    expected = dict(NONE, admin=302, coordinator=302)
    check_access_matrix(
        world,
        url=reverse("council:council_create"),
        method="post",
        data=lambda w: {"org_unit": w.municipality.pk, "name": "Consejo de Niñez", "response_days": 30},
        expected=expected,
        away={"coordinator": 302},
        state=lambda: (ChildrenCouncil.objects.count(), audit_count()),
    )
    assert ChildrenCouncil.objects.filter(org_unit=world.municipality).count() == 1
    assert ChildrenCouncil.objects.count() == 2


def test_coordinator_sets_up_council(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    response = client.post(
        reverse("council:council_create"), {"name": "Consejo Cantonal", "response_days": 20, "established_on": ""}
    )
    council = ChildrenCouncil.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?consejo={council.pk}")
    assert council.org_unit == world.municipality and council.response_days == 20
    assert AuditEvent.objects.filter(target_type="council.childrencouncil", action="create").count() == 1


def test_council_edit_matrix(world: World, council: ChildrenCouncil) -> None:
    check_access_matrix(world, url=council_url("council_edit", council), expected=MANAGERS)
    check_access_matrix(
        world,
        url=council_url("council_edit", council),
        method="post",
        data=lambda w: {
            "name": "Consejo renombrado",
            "response_days": 25,
            "version": ChildrenCouncil.objects.get(pk=council.pk).version,
        },
        expected=dict(NONE, admin=302, coordinator=302),
        state=lambda: (ChildrenCouncil.objects.get(pk=council.pk).name, audit_count()),
    )
    assert ChildrenCouncil.objects.get(pk=council.pk).name == "Consejo renombrado"


def test_council_edit_conflict(client: Client, world: World, council: ChildrenCouncil) -> None:
    login(client, world.home["coordinator"])
    url = council_url("council_edit", council)
    assert client.post(url, {"name": "Uno", "response_days": 30, "version": 1}).status_code == 302
    second = client.post(url, {"name": "Dos", "response_days": 30, "version": 1})
    assert second.status_code == 200 and second.context["form"].non_field_errors()
    assert ChildrenCouncil.objects.get(pk=council.pk).name == "Uno"


# --- Members ---------------------------------------------------------------------------------
def test_member_list_matrix(world: World, council: ChildrenCouncil, members: Any) -> None:
    check_access_matrix(world, url=council_url("member_list", council), expected=MEMBER_READERS, personal=True)


def test_member_list_without_council_param(world: World, council: ChildrenCouncil) -> None:
    # The coordinator gets their council; nobody else gets in (the admin needs break-glass).
    expected = dict(NONE, coordinator=200)
    check_access_matrix(world, url=reverse("council:member_list"), expected=expected, away={"coordinator": 302})


def test_member_list_shows_names_and_logs_access(client: Client, world: World, members: Any) -> None:
    login(client, world.home["coordinator"])
    response = client.get(reverse("council:member_list"))
    html = response.content.decode()
    assert all(name in html for name in MEMBER_NAMES)
    # One access event per child shown.
    events = AccessEvent.objects.filter(actor_username="coordinator.home", purpose="council member list")
    assert sorted(int(e.target_id) for e in events) == sorted(m.pk for m in members)


def test_member_list_filters_former(client: Client, world: World, members: list[CouncilMember]) -> None:
    services.update_member(actor=SYSTEM, member=members[1], expected_version=None, left_on=days_ago(2))
    login(client, world.home["coordinator"])
    url = reverse("council:member_list")
    assert list(client.get(url).context["members"]) == [members[0]]
    assert list(client.get(url, {"ver": "anteriores"}).context["members"]) == [members[1]]
    assert len(client.get(url, {"ver": "todos"}).context["members"]) == 2


def member_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "first_name": "Yahaira",
        "age_band": "13-15",
        "community": world.community.pk,
        "guardian_consent_on": days_ago(10).isoformat(),
        "joined_on": days_ago(5).isoformat(),
        "left_on": "",
    }
    data.update(overrides)
    return data


def test_member_create_matrix(world: World, council: ChildrenCouncil) -> None:
    check_access_matrix(world, url=council_url("member_create", council), expected=MEMBER_READERS)
    check_access_matrix(
        world,
        url=council_url("member_create", council),
        method="post",
        data=member_data,
        expected=dict(NONE, coordinator=302),
        state=lambda: (CouncilMember.objects.count(), audit_count()),
    )
    assert CouncilMember.objects.filter(council=council, first_name="Yahaira").count() == 1


def test_member_create_rejects_community_of_another_municipality(
    client: Client, world: World, council: ChildrenCouncil
) -> None:
    login(client, world.home["coordinator"])
    response = client.post(reverse("council:member_create"), member_data(world, community=world.other_community.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not CouncilMember.objects.exists()


def test_member_create_consent_after_joining_is_an_error(
    client: Client, world: World, council: ChildrenCouncil
) -> None:
    login(client, world.home["coordinator"])
    data = member_data(world, guardian_consent_on=days_ago(1).isoformat(), joined_on=days_ago(3).isoformat())
    response = client.post(reverse("council:member_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["guardian_consent_on"]
    assert not CouncilMember.objects.exists()


def test_member_edit_matrix(world: World, member: CouncilMember) -> None:
    url = reverse("council:member_edit", args=[member.pk])
    check_access_matrix(world, url=url, expected=MEMBER_READERS, personal=True)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: member_data(
            w,
            first_name="Xiomara",
            left_on=days_ago(1).isoformat(),
            version=CouncilMember.objects.get(pk=member.pk).version,
        ),
        expected=dict(NONE, coordinator=302),
        state=lambda: (CouncilMember.objects.values_list("left_on", "version").get(pk=member.pk), audit_count()),
    )
    assert CouncilMember.objects.get(pk=member.pk).left_on == days_ago(1)


def test_member_edit_conflict(client: Client, world: World, member: CouncilMember) -> None:
    login(client, world.home["coordinator"])
    url = reverse("council:member_edit", args=[member.pk])
    assert client.post(url, member_data(world, first_name="Xiomara", version=1)).status_code == 302
    second = client.post(url, member_data(world, first_name="Otra", version=1))
    assert second.status_code == 200 and second.context["form"].non_field_errors()
    assert CouncilMember.objects.get(pk=member.pk).first_name == "Xiomara"


def test_member_delete_matrix(world: World, member: CouncilMember) -> None:
    url = reverse("council:member_delete", args=[member.pk])
    check_access_matrix(world, url=url, expected=MEMBER_READERS, personal=True)
    # The coordinator erases the record; for everyone after it no longer exists.
    check_access_matrix(
        world,
        url=url,
        method="post",
        expected=dict(NONE, coordinator=302),
        state=lambda: (CouncilMember.objects.count(), audit_count()),
    )
    assert not CouncilMember.objects.filter(pk=member.pk).exists()


def test_coordinator_erases_member(client: Client, world: World, member: CouncilMember) -> None:
    login(client, world.home["coordinator"])
    response = client.post(reverse("council:member_delete", args=[member.pk]))
    assert response.status_code == 302
    assert not CouncilMember.objects.filter(pk=member.pk).exists()
    assert AuditEvent.objects.filter(target_type="council.councilmember", action="delete").count() == 1


# --- Sessions ----------------------------------------------------------------------------------
def session_data(**overrides: Any) -> dict[str, Any]:
    data = {"held_on": days_ago(1).isoformat(), "place": "Escuela", "topics": "Juegos y parques", "attendees": 7}
    data.update(overrides)
    return data


def test_session_list_matrix(world: World, council: ChildrenCouncil, session: CouncilSession) -> None:
    check_access_matrix(world, url=council_url("session_list", council), expected=READERS)


def test_session_create_matrix(world: World, council: ChildrenCouncil) -> None:
    check_access_matrix(world, url=council_url("session_create", council), expected=MANAGERS)
    check_access_matrix(
        world,
        url=council_url("session_create", council),
        method="post",
        data=session_data(),
        expected=dict(NONE, admin=302, coordinator=302),
        state=lambda: (CouncilSession.objects.count(), audit_count()),
    )
    assert CouncilSession.objects.count() == 2


def test_session_in_the_future_is_refused(client: Client, world: World, council: ChildrenCouncil) -> None:
    login(client, world.home["coordinator"])
    response = client.post(reverse("council:session_create"), session_data(held_on=days_ago(-3).isoformat()))
    assert response.status_code == 200 and response.context["form"].errors["held_on"]
    assert not CouncilSession.objects.exists()


def test_session_edit_matrix(world: World, session: CouncilSession) -> None:
    url = reverse("council:session_edit", args=[session.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: session_data(attendees=11, version=CouncilSession.objects.get().version),
        expected=dict(NONE, admin=302, coordinator=302),
        state=lambda: (CouncilSession.objects.values_list("attendees", "version").get(), audit_count()),
    )
    assert CouncilSession.objects.get().attendees == 11


def test_session_edit_conflict(client: Client, world: World, session: CouncilSession) -> None:
    login(client, world.home["coordinator"])
    url = reverse("council:session_edit", args=[session.pk])
    assert client.post(url, session_data(attendees=5, version=1)).status_code == 302
    second = client.post(url, session_data(attendees=6, version=1))
    assert second.status_code == 200 and second.context["form"].non_field_errors()
    assert CouncilSession.objects.get().attendees == 5


# --- Requests --------------------------------------------------------------------------------------
def test_request_list_matrix(world: World, council: ChildrenCouncil, council_request: CouncilRequest) -> None:
    check_access_matrix(world, url=council_url("request_list", council), expected=REQUEST_READERS)
    # Without ?consejo everybody who reads requests gets a (scoped) list, at home and away.
    away = {"secretariat": 200, "coordinator": 200, "area_focal": 200, "analyst": 200, "supervisor": 200}
    check_access_matrix(world, url=reverse("council:request_list"), expected=REQUEST_READERS, away=away)


def test_request_detail_matrix(world: World, council_request: CouncilRequest, hidden_request: CouncilRequest) -> None:
    check_access_matrix(
        world, url=reverse("council:request_detail", args=[council_request.pk]), expected=REQUEST_READERS
    )
    # Routed to another area: its focal point's colleague in Salud does not see it.
    check_access_matrix(world, url=reverse("council:request_detail", args=[hidden_request.pk]), expected=READERS)


def test_area_focal_sees_only_own_area(
    client: Client, world: World, council_request: CouncilRequest, hidden_request: CouncilRequest
) -> None:
    login(client, world.home["area_focal"])
    response = client.get(reverse("council:request_list"))
    assert list(response.context["page"]) == [council_request]
    html = response.content.decode()
    assert "Más libros" not in html
    assert reverse("council:overview") + "?consejo" not in html  # nothing else of the council
    assert reverse("council:session_list") not in html


def test_request_list_filters(
    client: Client,
    world: World,
    council: ChildrenCouncil,
    council_request: CouncilRequest,
    hidden_request: CouncilRequest,
) -> None:
    late = services.create_request(
        actor=SYSTEM,
        council=council,
        title="Atrasado",
        description="D",
        routed_area=world.area,
        received_on=days_ago(40),
    )
    services.transition_request(
        actor=SYSTEM, council_request=hidden_request, expected_version=None, status="under_study"
    )
    login(client, world.home["coordinator"])
    url = reverse("council:request_list")

    def titles(**params: str) -> set[str]:
        return {r.title for r in client.get(url, params).context["page"]}

    assert titles() == {"Agua en las canchas", "Más libros en la biblioteca", "Atrasado"}
    assert titles(vencidas="1") == {"Atrasado"}
    assert titles(estado="under_study") == {"Más libros en la biblioteca"}
    assert titles(estado="abiertas") == {"Agua en las canchas", "Más libros en la biblioteca", "Atrasado"}
    assert titles(area=str(world.area.pk)) == {"Agua en las canchas", "Atrasado"}
    assert titles(q="libros") == {"Más libros en la biblioteca"}
    assert titles(sesion=str(council_request.session_id)) == {"Agua en las canchas"}
    assert titles(estado="nonsense", area="x") == titles()
    assert late.is_overdue


def test_request_list_overdue_badge_and_htmx_partial(client: Client, world: World, council: ChildrenCouncil) -> None:
    services.create_request(
        actor=SYSTEM,
        council=council,
        title="Atrasado",
        description="D",
        routed_area=world.area,
        received_on=days_ago(40),
    )
    login(client, world.home["coordinator"])
    page = client.get(reverse("council:request_list"))
    assert 'class="badge bad"' in page.content.decode()
    assert page.context["overdue_count"] == 1
    partial = client.get(reverse("council:request_list"), {"vencidas": "1"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial.templates[0].name == "council/partials/request_results.html"
    assert "<html" not in partial.content.decode()


def test_request_list_query_count_is_flat(
    client: Client, world: World, council: ChildrenCouncil, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for i in range(12):
        services.create_request(
            actor=SYSTEM,
            council=council,
            title=f"Pedido {i}",
            description="D",
            routed_area=world.area,
            received_on=days_ago(i),
        )
    login(client, world.home["coordinator"])
    client.get(reverse("council:request_list"))  # warm the session and membership caches
    with django_assert_max_num_queries(14):
        client.get(reverse("council:request_list"))


def request_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "proposal",
        "title": "Juegos inclusivos",
        "description": "Proponemos columpios para todos.",
        "goal_area": "equity",
        "routed_area": world.area.pk,
        "session": "",
        "received_on": days_ago(2).isoformat(),
        "due_on": "",
    }
    data.update(overrides)
    return data


def test_request_create_matrix(world: World, council: ChildrenCouncil) -> None:
    check_access_matrix(world, url=council_url("request_create", council), expected=MANAGERS)
    check_access_matrix(
        world,
        url=council_url("request_create", council),
        method="post",
        data=request_data,
        expected=dict(NONE, admin=302, coordinator=302),
        state=lambda: (CouncilRequest.objects.count(), audit_count()),
    )
    created = CouncilRequest.objects.filter(title="Juegos inclusivos")
    assert created.count() == 2
    assert {r.due_on for r in created} == {days_ago(2) + dt.timedelta(days=30)}


def test_request_create_warns_about_member_names(
    client: Client, world: World, council: ChildrenCouncil, members: Any
) -> None:
    login(client, world.home["coordinator"])
    url = reverse("council:request_create")
    data = request_data(world, description="Xiomara propone columpios.")
    warned = client.post(url, data)
    assert warned.status_code == 200
    assert warned.context["form"].errors["description"]
    assert 'type="checkbox" name="confirm_no_names"' in warned.content.decode()
    assert not CouncilRequest.objects.exists()
    confirmed = client.post(url, dict(data, confirm_no_names="on"))
    assert confirmed.status_code == 302
    assert CouncilRequest.objects.count() == 1


def test_request_create_validation_error_in_form(client: Client, world: World, council: ChildrenCouncil) -> None:
    login(client, world.home["coordinator"])
    data = request_data(world, received_on=days_ago(2).isoformat(), due_on=days_ago(5).isoformat())
    response = client.post(reverse("council:request_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["due_on"]
    assert not CouncilRequest.objects.exists()


def test_request_edit_matrix(world: World, council_request: CouncilRequest) -> None:
    url = reverse("council:request_edit", args=[council_request.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: request_data(
            w,
            title="Agua para todos",
            received_on=council_request.received_on.isoformat(),
            due_on=council_request.due_on.isoformat(),
            version=CouncilRequest.objects.get(pk=council_request.pk).version,
        ),
        expected=dict(NONE, admin=302, coordinator=302),
        state=lambda: (
            CouncilRequest.objects.values_list("title", "version").get(pk=council_request.pk),
            audit_count(),
        ),
    )
    assert CouncilRequest.objects.get(pk=council_request.pk).title == "Agua para todos"


def test_request_edit_conflict(client: Client, world: World, council_request: CouncilRequest) -> None:
    login(client, world.home["coordinator"])
    url = reverse("council:request_edit", args=[council_request.pk])
    dates = {"received_on": council_request.received_on.isoformat(), "due_on": council_request.due_on.isoformat()}
    assert client.post(url, request_data(world, title="Uno", version=1, **dates)).status_code == 302
    second = client.post(url, request_data(world, title="Dos", version=1, **dates))
    assert second.status_code == 200 and second.context["form"].non_field_errors()
    assert CouncilRequest.objects.get(pk=council_request.pk).title == "Uno"


def test_request_transition_matrix(world: World, council_request: CouncilRequest) -> None:
    def data(w: World) -> dict[str, Any]:
        current = CouncilRequest.objects.get(pk=council_request.pk)
        answer = "Sí. Pondremos bebederos en mayo."
        return {
            "status": services.allowed_transitions(current)[0],
            "answer": answer,
            "previewed": readability.fingerprint(answer),  # the preview was seen
            "version": current.version,
        }

    # The admin moves it to "under study", then the coordinator answers it.
    check_access_matrix(
        world,
        url=reverse("council:request_transition", args=[council_request.pk]),
        method="post",
        data=data,
        expected=dict(NONE, admin=302, coordinator=302),
        state=lambda: (
            CouncilRequest.objects.values_list("status", "version").get(pk=council_request.pk),
            audit_count(),
        ),
        anonymous=302,
    )
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "accepted"


def test_request_transition_is_post_only(client: Client, world: World, council_request: CouncilRequest) -> None:
    login(client, world.home["coordinator"])
    assert client.get(reverse("council:request_transition", args=[council_request.pk])).status_code == 405


def test_transition_from_the_detail_page(client: Client, world: World, council_request: CouncilRequest) -> None:
    login(client, world.home["coordinator"])
    detail = client.get(reverse("council:request_detail", args=[council_request.pk]))
    html = detail.content.decode()
    assert reverse("council:request_transition", args=[council_request.pk]) in html
    assert str(CHILD_FRIENDLY_HELP) in html  # the child-friendly hint
    url = reverse("council:request_transition", args=[council_request.pk])
    missing_answer = client.post(url, {"status": "accepted", "answer": "", "version": 1})
    assert missing_answer.status_code == 200
    assert missing_answer.context["form"].errors["answer"]
    invalid = client.post(url, {"status": "implemented", "answer": "Sí.", "version": 1})
    assert invalid.status_code == 200 and invalid.context["form"].errors["status"]
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "received"
    preview = client.post(url, {"status": "accepted", "answer": "¡Sí! Lo haremos.", "version": 1})
    assert preview.status_code == 200 and preview.context["preview"]["check"].ok
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "received"  # not published yet
    previewed = readability.fingerprint("¡Sí! Lo haremos.")
    done = client.post(url, {"status": "accepted", "answer": "¡Sí! Lo haremos.", "previewed": previewed, "version": 1})
    assert done.status_code == 302
    answered = CouncilRequest.objects.get(pk=council_request.pk)
    assert answered.status == "accepted" and answered.answered_on == timezone.localdate()
    stale = client.post(url, {"status": "implemented", "version": 1})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()


def test_transition_warns_about_member_names_in_the_answer(
    client: Client, world: World, council_request: CouncilRequest, members: Any
) -> None:
    login(client, world.home["coordinator"])
    url = reverse("council:request_transition", args=[council_request.pk])
    warned = client.post(url, {"status": "accepted", "answer": "Gracias Brayan, lo haremos.", "version": 1})
    assert warned.status_code == 200 and warned.context["form"].errors["answer"]
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "received"


def test_detail_flags_long_sentences(client: Client, world: World, council_request: CouncilRequest) -> None:
    long_answer = " ".join(["palabra"] * 30) + "."
    services.transition_request(
        actor=SYSTEM,
        council_request=council_request,
        expected_version=None,
        status="accepted",
        answer=long_answer,
        confirm_answer=True,
    )
    login(client, world.home["coordinator"])
    response = client.get(reverse("council:request_detail", args=[council_request.pk]))
    assert response.context["long_sentences"] == 1
    assert "entienden mejor las oraciones cortas" in response.content.decode()


JARGON = "La DIS del GAD coordinará con el MSP y el MINEDUC las acciones conforme al POA."


def test_an_answer_is_previewed_before_it_is_published(
    client: Client, world: World, council_request: CouncilRequest
) -> None:
    login(client, world.home["coordinator"])
    url = reverse("council:request_transition", args=[council_request.pk])
    first = client.post(url, {"status": "accepted", "answer": JARGON, "version": 1})
    html = first.content.decode()
    assert first.status_code == 200
    assert first.context["preview"]["check"].acronyms == ("DIS", "GAD", "MSP", "MINEDUC", "POA")
    assert "DIS, GAD, MSP, MINEDUC, POA" in html and 'id="answer-preview"' in html
    assert 'type="checkbox" name="confirm_answer"' in html
    assert f'value="{readability.fingerprint(JARGON)}"' in html  # the preview of this very text
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "received"
    # Seen, but the box not ticked: still not published.
    previewed = readability.fingerprint(JARGON)
    unconfirmed = client.post(url, {"status": "accepted", "answer": JARGON, "previewed": previewed, "version": 1})
    assert unconfirmed.status_code == 200 and unconfirmed.context["form"].errors["confirm_answer"]
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "received"
    # A preview of another text does not count for this one.
    other = client.post(
        url,
        {
            "status": "accepted",
            "answer": JARGON,
            "previewed": readability.fingerprint("Otra"),
            "confirm_answer": "on",
            "version": 1,
        },
    )
    assert other.status_code == 200 and other.context["preview"]
    assert CouncilRequest.objects.get(pk=council_request.pk).status == "received"
    confirmed = client.post(
        url, {"status": "accepted", "answer": JARGON, "previewed": previewed, "confirm_answer": "on", "version": 1}
    )
    assert confirmed.status_code == 302
    assert CouncilRequest.objects.get(pk=council_request.pk).answer == JARGON


def test_moving_on_without_publishing_needs_no_preview(
    client: Client, world: World, council_request: CouncilRequest
) -> None:
    login(client, world.home["coordinator"])
    url = reverse("council:request_transition", args=[council_request.pk])
    studied = client.post(url, {"status": "under_study", "answer": JARGON, "version": 1})
    assert studied.status_code == 302  # a draft answer is not public


def test_editing_a_published_answer_is_previewed(client: Client, world: World, council_request: CouncilRequest) -> None:
    answered = services.transition_request(
        actor=SYSTEM, council_request=council_request, expected_version=1, status="accepted", answer="¡Sí!"
    )
    login(client, world.home["coordinator"])
    url = reverse("council:request_edit", args=[council_request.pk])
    data = request_data(
        world,
        title=answered.title,
        received_on=answered.received_on.isoformat(),
        due_on=answered.due_on.isoformat(),
        answer=JARGON,
        version=answered.version,
    )
    first = client.post(url, data)
    assert first.status_code == 200 and first.context["preview"]["check"].warnings
    assert 'id="answer-preview"' in first.content.decode()
    assert CouncilRequest.objects.get(pk=council_request.pk).answer == "¡Sí!"
    data.update(previewed=readability.fingerprint(JARGON), confirm_answer="on")
    assert client.post(url, data).status_code == 302
    assert CouncilRequest.objects.get(pk=council_request.pk).answer == JARGON


# --- Accountability ---------------------------------------------------------------------------------
def accountability_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "held_on": days_ago(1).isoformat(),
        "summary": "Informamos sobre los bebederos.",
        "children_questions": "¿Cuándo?",
        "attendees": 9,
    }
    data.update(overrides)
    return data


def test_accountability_list_matrix(world: World, council: ChildrenCouncil, accountability: Any) -> None:
    check_access_matrix(world, url=council_url("accountability_list", council), expected=READERS)


def test_accountability_create_matrix(world: World, council: ChildrenCouncil) -> None:
    check_access_matrix(world, url=council_url("accountability_create", council), expected=MANAGERS)
    check_access_matrix(
        world,
        url=council_url("accountability_create", council),
        method="post",
        data=accountability_data(),
        expected=dict(NONE, admin=302, coordinator=302),
        state=lambda: (AccountabilitySession.objects.count(), audit_count()),
    )
    assert AccountabilitySession.objects.count() == 2


def test_accountability_edit_matrix(world: World, accountability: AccountabilitySession) -> None:
    url = reverse("council:accountability_edit", args=[accountability.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: accountability_data(attendees=12, version=AccountabilitySession.objects.get().version),
        expected=dict(NONE, admin=302, coordinator=302),
        state=lambda: (AccountabilitySession.objects.values_list("attendees", "version").get(), audit_count()),
    )
    assert AccountabilitySession.objects.get().attendees == 12


def test_accountability_edit_conflict(client: Client, world: World, accountability: AccountabilitySession) -> None:
    login(client, world.home["coordinator"])
    url = reverse("council:accountability_edit", args=[accountability.pk])
    assert client.post(url, accountability_data(attendees=4, version=1)).status_code == 302
    second = client.post(url, accountability_data(attendees=6, version=1))
    assert second.status_code == 200 and second.context["form"].non_field_errors()
    assert AccountabilitySession.objects.get().attendees == 4


# --- Privacy: children's names appear on the member list and nowhere else ---------------------------------
@pytest.fixture
def full_council(
    world: World,
    council: ChildrenCouncil,
    members: list[CouncilMember],
    session: CouncilSession,
    council_request: CouncilRequest,
    hidden_request: CouncilRequest,
    accountability: AccountabilitySession,
) -> ChildrenCouncil:
    services.transition_request(
        actor=SYSTEM, council_request=council_request, expected_version=None, status="accepted", answer="¡Sí!"
    )
    return council


def reachable_urls(council: ChildrenCouncil, world: World) -> list[str]:
    requests = list(CouncilRequest.objects.filter(council=council))
    return [
        reverse("council:overview"),
        council_url("overview", council),
        council_url("session_list", council),
        council_url("request_list", council),
        reverse("council:request_list"),
        council_url("accountability_list", council),
        *[reverse("council:request_detail", args=[r.pk]) for r in requests],
        reverse("core:home"),
    ]


@pytest.mark.parametrize("role", ["analyst", "secretariat", "area_focal", "supervisor"])
def test_names_never_reach_read_only_roles(
    client: Client, world: World, full_council: ChildrenCouncil, role: str
) -> None:
    login(client, world.home[role])
    reached = 0
    for url in reachable_urls(full_council, world):
        response = client.get(url)
        if response.status_code != 200:
            continue
        reached += 1
        html = response.content.decode()
        for name in MEMBER_NAMES:
            assert name not in html, f"{role} sees {name} at {url}"
    assert reached >= 3
    for url in (
        council_url("member_list", full_council),
        reverse("council:member_edit", args=[CouncilMember.objects.first().pk]),
    ):  # type: ignore[union-attr]
        assert client.get(url).status_code == 404


def test_analyst_overview_shows_age_band_counts(client: Client, world: World, full_council: ChildrenCouncil) -> None:
    login(client, world.home["analyst"])
    response = client.get(reverse("council:overview"))
    assert response.status_code == 200
    assert response.context["active_members"] == 2
    assert [n for _, n in response.context["age_bands"]] == [0, 1, 1, 0]
    html = response.content.decode()
    assert reverse("council:member_list") not in html
    assert reverse("council:request_create") not in html  # read only


def test_names_absent_from_every_page_but_the_member_list_for_the_coordinator(
    client: Client, world: World, full_council: ChildrenCouncil
) -> None:
    login(client, world.home["coordinator"])
    for url in reachable_urls(full_council, world):
        html = client.get(url).content.decode()
        assert not any(name in html for name in MEMBER_NAMES), url
    html = client.get(council_url("member_list", full_council)).content.decode()
    assert all(name in html for name in MEMBER_NAMES)


# --- The home widget ------------------------------------------------------------------------------------
def test_home_overdue_partial(client: Client, world: World, council: ChildrenCouncil) -> None:
    from django.template import engines
    from django.test import RequestFactory

    from ronda.accounts.selectors import active_memberships
    from ronda.core.tenancy import actor_for

    services.create_request(
        actor=SYSTEM, council=council, title="Luces", description="D", routed_area=world.area, received_on=days_ago(45)
    )
    template = engines["django"].from_string('{% include "council/partials/home_overdue.html" %}')
    request = RequestFactory().get("/")

    def render(role: str) -> str:
        user = world.home[role]
        return template.render({"actor": actor_for(user, active_memberships(user)[0], second_factor=True)}, request)

    assert "Luces" in render("coordinator")
    assert "Luces" in render("area_focal")
    assert render("defender").strip() == ""
    services.create_request(
        actor=SYSTEM, council=council, title="Nuevo", description="D", routed_area=world.area, received_on=days_ago(1)
    )
    assert "Nuevo" not in render("coordinator")


def test_member_edit_is_logged_as_a_read(client: Client, world: World, member: CouncilMember) -> None:
    login(client, world.home["coordinator"])
    assert client.get(reverse("council:member_edit", args=[member.pk])).status_code == 200
    event = AccessEvent.objects.get(purpose="council member record")
    assert event.target_type == "council.councilmember" and event.target_id == str(member.pk)


def test_admin_sets_up_a_council_for_a_chosen_municipality(client: Client, world: World) -> None:
    login(client, world.home["admin"])
    form = client.get(reverse("council:council_create"), {"municipio": world.municipality.pk})
    assert form.context["form"]["org_unit"].value() == world.municipality.pk
    missing = client.post(reverse("council:council_create"), {"name": "Consejo", "response_days": 30})
    assert missing.status_code == 200 and missing.context["form"].errors["org_unit"]
    done = client.post(
        reverse("council:council_create"),
        {"org_unit": world.other_municipality.pk, "name": "Consejo B", "response_days": 30},
    )
    assert done.status_code == 302
    assert ChildrenCouncil.objects.get().org_unit == world.other_municipality
