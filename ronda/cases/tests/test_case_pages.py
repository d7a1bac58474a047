"""The case pages for every role, at home, away and anonymous, with access events (decision 0015)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from ronda.accounts import services as accounts_services
from ronda.accounts.selectors import active_memberships
from ronda.cases import route, services
from ronda.cases.models import Case, CaseAssignment, CaseEvent, CaseState, Child
from ronda.cases.policies_cases import MASKED
from ronda.cases.tests.factories import TODAY, act, make_case, make_child, taxonomy
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.core.tenancy import actor_for
from ronda.testing import World, check_access_matrix, login, make_user

pytestmark = pytest.mark.django_db
WORKERS = {"defender": 200, "supervisor": 200}


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


def _cases() -> list[tuple[int, int, str]]:
    return list(Case.objects.order_by("pk").values_list("pk", "version", "state"))


@pytest.fixture
def case(world: World) -> Case:
    return make_case(world)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    return login(Client(), user)


# --- The list ----------------------------------------------------------------------------------
def test_case_list(world: World, case: Case) -> None:
    check_access_matrix(world, url=reverse("cases:case_list"), expected=only(WORKERS), away=WORKERS)
    # Each row shown is one access event of the one who saw it.
    assert AccessEvent.objects.filter(
        actor=world.home[Role.DEFENDER], target_id=str(case.pk), purpose="case list"
    ).exists()
    assert not AccessEvent.objects.filter(actor=world.away[Role.DEFENDER]).exists()


def test_the_list_filters_and_searches_without_accents(world: World, case: Case) -> None:
    other = make_case(world, child=make_child(world, first_names="Brayan", paternal_surname="Ordóñez"), risk="high")
    client = _client(world.home[Role.SUPERVISOR])
    page = client.get(reverse("cases:case_list"), {"q": "ORDONEZ"}).content.decode()
    assert other.number in page and case.number not in page
    services.add_caregiver(
        actor=act(world.home[Role.DEFENDER]), child=case.child, first_names="Rosa Élida", relationship="mother"
    )
    page = client.get(reverse("cases:case_list"), {"q": "rosa elida"}).content.decode()
    assert case.number in page and other.number not in page
    page = client.get(reverse("cases:case_list"), {"riesgo": "medium"}).content.decode()
    assert case.number in page and other.number not in page
    page = client.get(reverse("cases:case_list"), {"orden": "riesgo"}).content.decode()
    assert page.index(other.number) < page.index(case.number)
    page = client.get(reverse("cases:case_list"), {"estado": "closed"}).content.decode()
    assert case.number not in page and other.number not in page
    codes = taxonomy(world.country)
    page = client.get(reverse("cases:case_list"), {"tipo": str(codes["neglect"].pk), "vencidas": "on"}).content.decode()
    assert case.number not in page  # its first visit is not due yet
    assert len(page.encode()) < 100_000


def test_keyset_pages_and_htmx_rows(world: World) -> None:
    child = make_child(world)
    cases = [make_case(world, child=child) for _ in range(27)]
    client = _client(world.home[Role.DEFENDER])
    first = client.get(reverse("cases:case_list"))
    page = first.content.decode()
    assert cases[-1].number in page and cases[0].number not in page and "case-more" in page
    assert len(first.content) < 100_000
    cursor = first.context["next_query"]
    rows = client.get(f"{reverse('cases:case_list')}?{cursor}", HTTP_HX_REQUEST="true")
    html = rows.content.decode()
    assert "<html" not in html and cases[0].number in html and cases[-1].number not in html
    assert "case-more" not in html
    shown = AccessEvent.objects.filter(actor=world.home[Role.DEFENDER], purpose="case list")
    assert shown.count() == 27
    # A cursor edited by hand, or taken to other filters, is refused.
    assert client.get(f"{reverse('cases:case_list')}?{cursor}x").status_code == 400
    assert client.get(f"{reverse('cases:case_list')}?{cursor}&riesgo=high").status_code == 400


@pytest.mark.parametrize("order", ["riesgo", "hechos", "antiguos"])
def test_every_order_walks_every_case_once(world: World, order: str) -> None:
    child = make_child(world)
    made = [
        make_case(
            world,
            child=child,
            risk=("high", "medium", "low")[i % 3],
            facts_date=TODAY - dt.timedelta(days=i % 4),
        )
        for i in range(30)
    ]
    client = _client(world.home[Role.SUPERVISOR])
    seen: list[str] = []
    query = urlencode({"orden": order})
    for _page in range(5):
        response = client.get(f"{reverse('cases:case_list')}?{query}")
        seen += [case.number for case, _shown in response.context["rows"]]
        query = response.context["next_query"]
        if not query:
            break
    assert sorted(seen) == sorted(c.number for c in made) and len(seen) == len(set(seen))
    if order == "riesgo":
        assert [c.risk for c in Case.objects.filter(number__in=seen[:10])] == ["high"] * 10


def test_sensitive_cases_are_masked_for_an_admin_in_break_glass(world: World) -> None:
    sensitive = make_case(world, types=("sexual",))
    plain = make_case(world, child=make_child(world, first_names="Brayan", paternal_surname="Ordóñez"))
    admin = world.home[Role.ADMIN]
    admin_actor = actor_for(admin, active_memberships(admin)[0], second_factor=True)
    accounts_services.start_break_glass(
        actor=admin_actor, org_unit=world.municipality, reason="Orden judicial 123-2026, expediente urgente", minutes=15
    )
    client = _client(admin)
    page = client.get(reverse("cases:case_list")).content.decode()
    assert sensitive.number in page and plain.number in page
    assert MASKED in page and "Xiomara" not in page and "Brayan" in page
    assert AccessEvent.objects.filter(actor=admin, break_glass=True, target_id=str(sensitive.pk)).exists()
    # The name search does not find the masked case.
    page = client.get(reverse("cases:case_list"), {"q": "Xiomara"}).content.decode()
    assert sensitive.number not in page
    detail = client.get(reverse("cases:case_detail", args=[sensitive.pk])).content.decode()
    assert MASKED in detail and "Xiomara" not in detail and "Una vecina" not in detail
    # The supervisor sees the name, and finds it by name.
    page = _client(world.home[Role.SUPERVISOR]).get(reverse("cases:case_list"), {"q": "xiomara"}).content.decode()
    assert sensitive.number in page and "Xiomara" in page


# --- Opening a case -------------------------------------------------------------------------------
def _open_data(world: World) -> dict[str, object]:
    codes = taxonomy(world.country)
    return {
        "violation_types": [codes["neglect"].pk],
        "risk": "low",
        "reporter_type": "school",
        "facts_date": (TODAY - dt.timedelta(days=1)).isoformat(),
        "description": "La escuela informa de ausencias repetidas.",
    }


def test_case_new(world: World) -> None:
    child = make_child(world)
    url = f"{reverse('cases:case_new')}?nino={child.pk}"
    check_access_matrix(world, url=url, expected=only(WORKERS), personal=True)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=_open_data(world),
        expected=only({"defender": 302, "supervisor": 302}),
        state=_cases,
    )
    assert Case.objects.filter(child=child).count() == 2
    # Without a child, the page sends the person to choose one.
    assert _client(world.home[Role.DEFENDER]).get(reverse("cases:case_new")).status_code == 302


def test_opening_refuses_bad_input_with_spanish_messages(world: World) -> None:
    child = make_child(world)
    data = {
        **_open_data(world),
        "violation_types": [],
        "facts_date": (TODAY + dt.timedelta(days=3)).isoformat(),
        "reporter_type": "anonymous",
        "reporter_name": "Rosa",
    }
    client = _client(world.home[Role.DEFENDER])
    response = client.post(f"{reverse('cases:case_new')}?nino={child.pk}", data, HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert 'aria-describedby="id_facts_date_helptext id_facts_date_error"' in page
    assert "La escuela informa" in page  # what was typed stays


# --- The case's page ---------------------------------------------------------------------------
def test_case_detail(world: World, case: Case) -> None:
    check_access_matrix(world, url=reverse("cases:case_detail", args=[case.pk]), expected=only(WORKERS), personal=True)


def test_the_case_page_shows_the_route_history_and_the_overdue_referral(world: World) -> None:
    case = make_case(world, types=("physical",))
    case.violations.update(referral_due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    route.move_case(
        actor=act(world.home[Role.DEFENDER]),
        case=case,
        expected_version=case.version,
        to_state=CaseState.REFERRAL,
        reason="Derivación urgente",
    )
    client = _client(world.home[Role.SUPERVISOR])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Derivación obligatoria vencida" in page  # the page speaks the user's Spanish
    assert "Derivación urgente" in page and 'aria-current="step"' in page
    assert reverse("cases:case_accesses", args=[case.pk]) in page
    defender_page = _client(world.home[Role.DEFENDER]).get(reverse("cases:case_detail", args=[case.pk]))
    assert reverse("cases:case_accesses", args=[case.pk]) not in defender_page.content.decode()


def test_case_accesses(world: World, case: Case) -> None:
    url = reverse("cases:case_accesses", args=[case.pk])
    check_access_matrix(world, url=url, expected=only({"supervisor": 200}), personal=True)
    _client(world.home[Role.DEFENDER]).get(reverse("cases:case_detail", args=[case.pk]))
    page = _client(world.home[Role.SUPERVISOR]).get(url).content.decode()
    assert world.home[Role.SUPERVISOR].username in page and world.home[Role.DEFENDER].username in page


# --- Editing -----------------------------------------------------------------------------------
def _edit_data(case: Case, world: World, **over: object) -> dict[str, object]:
    case.refresh_from_db()
    codes = taxonomy(world.country)
    data: dict[str, object] = {
        "violation_types": [codes["neglect"].pk],
        "risk": "high",
        "reporter_type": "neighbour",
        "facts_date": case.facts_date.isoformat(),
        "description": "Una vecina cuenta que la niña pasa sola la tarde y la noche.",
        "version": case.version,
    }
    data.update(over)
    return data


def test_case_edit(world: World, case: Case) -> None:
    url = reverse("cases:case_edit", args=[case.pk])
    check_access_matrix(world, url=url, expected=only(WORKERS), personal=True)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: _edit_data(case, w),
        expected=only({"defender": 302, "supervisor": 302}),
        state=_cases,
    )
    case.refresh_from_db()
    assert case.risk == "high"


def test_a_stale_edit_keeps_what_was_typed(world: World, case: Case) -> None:
    client = _client(world.home[Role.SUPERVISOR])
    stale = _edit_data(case, world)
    client.post(reverse("cases:case_edit", args=[case.pk]), _edit_data(case, world, risk="low"))
    page = client.post(
        reverse("cases:case_edit", args=[case.pk]), {**stale, "description": "Lo que escribí yo"}
    ).content.decode()
    assert "Lo que escribí yo" in page
    case.refresh_from_db()
    assert case.risk == "low"


# --- The route ---------------------------------------------------------------------------------
def test_case_move(world: World, case: Case) -> None:
    url = reverse("cases:case_move", args=[case.pk])
    check_access_matrix(world, url=url, expected=only(WORKERS), personal=True)
    order = [s.value for s in CaseState]

    def next_step(_w: World) -> dict[str, object]:
        case.refresh_from_db()
        return {"to_state": order[order.index(case.state) + 1], "version": case.version}

    check_access_matrix(
        world,
        url=url,
        method="post",
        data=next_step,
        expected=only({"defender": 302, "supervisor": 302}),
        state=_cases,
    )
    case.refresh_from_db()
    assert case.state == CaseState.MEDIATION


def test_skipping_without_a_reason_is_shown_on_the_form(world: World, case: Case) -> None:
    client = _client(world.home[Role.DEFENDER])
    url = reverse("cases:case_move", args=[case.pk])
    response = client.post(url, {"to_state": "follow_up", "version": case.version})
    assert response.status_code == 200 and "id_reason_error" in response.content.decode()
    response = client.post(url, {"to_state": "closed", "closing_reason": "restored", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED and case.closure_requested_at is not None


@pytest.fixture
def requested(world: World, case: Case) -> Case:
    return route.move_case(
        actor=act(world.home[Role.DEFENDER]),
        case=case,
        expected_version=case.version,
        to_state=CaseState.CLOSED,
        closing_reason="restored",
    )


def test_case_closure(world: World, requested: Case) -> None:
    url = reverse("cases:case_closure", args=[requested.pk])
    check_access_matrix(world, url=url, expected=only({"supervisor": 200}), personal=True)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data={"decision": "devolver", "comment": "Falta una visita"},
        expected=only({"supervisor": 302}),
        state=_cases,
    )
    requested.refresh_from_db()
    assert requested.closure_requested_at is None and requested.is_open


@pytest.fixture
def closed(world: World, case: Case) -> Case:
    return route.move_case(
        actor=act(world.home[Role.SUPERVISOR]),
        case=case,
        expected_version=case.version,
        to_state=CaseState.CLOSED,
        closing_reason="restored",
    )


def test_case_reopen(world: World, closed: Case) -> None:
    url = reverse("cases:case_reopen", args=[closed.pk])
    check_access_matrix(world, url=url, expected=only(WORKERS), personal=True)
    # The defender reopens it; the supervisor's request after that finds it open and shows why (200).
    check_access_matrix(
        world,
        url=url,
        method="post",
        data={"to_state": "follow_up", "reason": "Nueva denuncia de la escuela"},
        expected=only({"defender": 302, "supervisor": 200}),
        state=_cases,
    )
    closed.refresh_from_db()
    assert closed.state == CaseState.FOLLOW_UP
    assert CaseEvent.objects.filter(case=closed, kind="reopened").count() == 1


# --- Who holds it ------------------------------------------------------------------------------
def test_case_assign(world: World, case: Case) -> None:
    url = reverse("cases:case_assign", args=[case.pk])
    check_access_matrix(world, url=url, expected=only(WORKERS), personal=True)
    colleagues = [make_user(f"defensor.{n}", Role.DEFENDER, world.community) for n in ("dos", "tres")]

    def next_colleague(_w: World) -> dict[str, object]:
        taken = set(CaseAssignment.objects.values_list("user", flat=True))
        # Once both are assigned, the refused attempts ask for one already on the case.
        return {"nuevo-user": next((c.pk for c in colleagues if c.pk not in taken), colleagues[0].pk)}

    check_access_matrix(
        world,
        url=url,
        method="post",
        data=next_colleague,
        expected=only({"defender": 302, "supervisor": 302}),
        state=lambda: sorted(CaseAssignment.objects.values_list("user", flat=True)),
    )
    assert CaseAssignment.objects.count() == 2
    # An assigned colleague works on the case but does not say who else does.
    assert _client(colleagues[0]).get(url).status_code == 404
    response = _client(world.home[Role.DEFENDER]).post(url, {"quitar": colleagues[0].pk})
    assert response.status_code == 302 and CaseAssignment.objects.count() == 1


def test_case_transfer(world: World, case: Case) -> None:
    url = reverse("cases:case_transfer", args=[case.pk])
    check_access_matrix(world, url=url, expected=only(WORKERS), personal=True)

    def data(_w: World) -> dict[str, object]:
        case.refresh_from_db()
        return {
            "destino": "proteccion",
            "proteccion-institution": world.institution.pk,
            "proteccion-reason": "Medida de protección",
            "proteccion-consent_to_sharing": "on",
            "proteccion-consent_given_by": "caregiver",
            "proteccion-version": case.version,
        }

    # The defender transfers it (with consent); the supervisor's request after that finds it closed (200).
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=only({"defender": 302, "supervisor": 200}),
        state=_cases,
    )
    case.refresh_from_db()
    assert case.closing_reason == "transferred" and case.transferred_to == world.institution


def test_a_defender_does_not_transfer_without_consent(world: World, case: Case) -> None:
    client = _client(world.home[Role.DEFENDER])
    page = client.post(
        reverse("cases:case_transfer", args=[case.pk]),
        {
            "destino": "proteccion",
            "proteccion-institution": world.institution.pk,
            "proteccion-reason": "Medida",
            "proteccion-version": case.version,
        },
    )
    assert page.status_code == 200 and "id_proteccion-consent_to_sharing_error" in page.content.decode()
    case.refresh_from_db()
    assert case.is_open


def test_case_reassign(world: World, case: Case) -> None:
    second = make_case(world)
    url = f"{reverse('cases:case_reassign')}?{urlencode({'caso': [case.pk, second.pk]}, doseq=True)}"
    check_access_matrix(world, url=url, expected=only({"supervisor": 200}), personal=True)
    colleague = make_user("defensor.dos", Role.DEFENDER, world.community)
    check_access_matrix(
        world,
        url=reverse("cases:case_reassign"),
        method="post",
        data={"caso": [case.pk, second.pk], "owner": colleague.pk, "reason": "Vacaciones de la defensora"},
        expected=only({"supervisor": 302}),
        away={"supervisor": 404},
        state=lambda: sorted(Case.objects.values_list("owner", flat=True)),
    )
    assert set(Case.objects.values_list("owner", flat=True)) == {colleague.pk}


def test_reassigning_more_than_a_hundred_is_refused_on_the_page(world: World, case: Case) -> None:
    client = _client(world.home[Role.SUPERVISOR])
    ids = [case.pk, *range(case.pk + 1, case.pk + 101)]
    response = client.post(
        reverse("cases:case_reassign"),
        {"caso": ids, "owner": world.home[Role.SUPERVISOR].pk, "reason": "Todos"},
    )
    assert response.status_code == 200 and "como máximo 100 casos" in response.content.decode()
    case.refresh_from_db()
    assert case.owner == world.home[Role.DEFENDER]


def test_the_child_page_links_to_the_cases(world: World, case: Case) -> None:
    client = _client(world.home[Role.DEFENDER])
    page = client.get(reverse("cases:child_detail", args=[case.child_id])).content.decode()
    assert f"{reverse('cases:case_new')}?nino={case.child_id}" in page
    rows = client.get(reverse("cases:case_list"), {"nino": case.child_id}, HTTP_HX_REQUEST="true")
    assert "<html" not in rows.content.decode() and case.number in rows.content.decode()
    assert Child.objects.count() == 1
