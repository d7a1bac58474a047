"""The cases' API (issue #11, item 10) for every role, at home, away and anonymous, with access events,
masking, keyset pages, conflicts and the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from ronda.accounts import services as account_services
from ronda.cases.models import Case, CaseAssignment, CaseEvent, CaseState, ViolationType
from ronda.cases.tests.factories import TODAY, act, make_case, make_child, taxonomy
from ronda.cases.tests.test_pages import READERS, only
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.territory.models import Institution, InstitutionKind, Level
from ronda.testing import World, api_token, check_access_matrix, make_unit, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"
WORKERS = only({"defender": 200, "supervisor": 200})
SUPERVISOR = only({"supervisor": 200})


def client_of(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def _cases() -> list[tuple[int, int, str, int]]:
    return list(Case.objects.order_by("pk").values_list("pk", "version", "state", "owner_id"))


@pytest.fixture
def case(world: World) -> Case:
    return make_case(world)


def test_violation_types(world: World) -> None:
    codes = taxonomy(world.country)
    taxonomy(world.other_country)
    everyone = {role: 200 for role in Role.values}
    check_access_matrix(world, url=f"{API}/violation-types", api=True, expected=everyone, away=200)
    body = client_of(world.home[Role.DEFENDER]).get(f"{API}/violation-types").json()
    assert [t["code"] for t in body] == ["neglect", "physical", "sexual"]
    assert {t["id"] for t in body} == {t.pk for t in codes.values()}
    sexual = body[2]
    assert sexual["makes_sensitive"] and sexual["referral_deadline_hours"] == 24
    assert sexual["requires_referral_to"] == InstitutionKind.PROSECUTOR
    admin = client_of(world.home[Role.ADMIN])
    assert len(admin.get(f"{API}/violation-types").json()) == 6
    assert len(admin.get(f"{API}/violation-types", {"country_id": world.other_country.pk}).json()) == 3
    assert admin.get(f"{API}/violation-types", {"pais": 1}).status_code == 422


def test_list_record_and_events(world: World, case: Case) -> None:
    check_access_matrix(world, url=API, api=True, expected=only(READERS), away=READERS)
    check_access_matrix(world, url=f"{API}/{case.pk}", api=True, expected=only(READERS), personal=True)
    check_access_matrix(world, url=f"{API}/{case.pk}/events", api=True, expected=only(READERS), personal=True)
    body = client_of(world.home[Role.DEFENDER]).get(f"{API}/{case.pk}").json()
    assert body["number"] == case.number and body["child_name"] == "Xiomara Belén Quizhpe Sarango"
    assert body["description"].startswith("Una vecina") and body["violations"][0]["name"] == "Negligencia"
    events = client_of(world.home[Role.SUPERVISOR]).get(f"{API}/{case.pk}/events").json()
    assert [e["kind"] for e in events] == ["opened"] and events[0]["to_state"] == CaseState.REGISTERED


def test_the_list_logs_each_case_shown_and_filters(world: World) -> None:
    first = make_case(world)
    second = make_case(world, child=make_child(world, first_names="Brayan", sex="male"), risk="high")
    supervisor = world.home[Role.SUPERVISOR]
    client = client_of(supervisor)
    body = client.get(API).json()
    assert [r["id"] for r in body["results"]] == [second.pk, first.pk] and body["count"] == 2
    shown = AccessEvent.objects.filter(actor=supervisor, target_type="cases.case", purpose="case list")
    assert sorted(int(e.target_id) for e in shown) == sorted([first.pk, second.pk])
    assert [r["id"] for r in client.get(API, {"risk": "high"}).json()["results"]] == [second.pk]
    assert [r["id"] for r in client.get(API, {"q": "brayan"}).json()["results"]] == [second.pk]
    assert [r["id"] for r in client.get(API, {"sort": "antiguos"}).json()["results"]] == [first.pk, second.pk]
    assert client.get(API, {"state": "closed"}).json()["results"] == []
    assert client.get(API, {"community_id": world.other_community.pk}).json()["results"] == []
    assert client.get(API, {"sort": "riesgo"}).status_code == 422
    assert client.get(API, {"estado": "closed"}).status_code == 422
    # Another defender of the community sees neither case: they neither own nor are assigned to them.
    colleague = make_user("defensora.dos", Role.DEFENDER, world.community)
    assert client_of(colleague).get(API).json()["results"] == []


def test_cursor_pages_walk_the_whole_list_and_refuse_a_forged_cursor(world: World) -> None:
    made = [make_case(world, child=make_child(world, first_names=f"Niña {n}")) for n in range(5)]
    client = client_of(world.home[Role.DEFENDER])
    seen: list[int] = []
    page = client.get(API, {"cursor": "", "limit": "2"}).json()
    assert "count" not in page
    while True:
        seen += [r["id"] for r in page["results"]]
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert seen == sorted((c.pk for c in made), reverse=True)
    cursor = client.get(API, {"cursor": "", "limit": "2"}).json()["next_cursor"]
    assert client.get(API, {"cursor": cursor + "x", "limit": 2}).status_code == 400
    # A cursor is good for its filters only.
    assert client.get(API, {"cursor": cursor, "limit": 2, "risk": "low"}).status_code == 400
    assert client.get(API, {"cursor": cursor, "offset": 2}).status_code == 422


def test_a_sensitive_case_is_masked_for_an_administrator_in_break_glass(world: World) -> None:
    sensitive = make_case(world, types=("sexual",), risk="high")
    assert sensitive.sensitive
    admin = world.home[Role.ADMIN]
    assert client_of(admin).get(f"{API}/{sensitive.pk}").status_code == 404
    account_services.start_break_glass(
        actor=act(admin), org_unit=world.municipality, reason="Orden judicial 123-2026, expediente urgente", minutes=15
    )
    client = client_of(admin)
    row = client.get(API).json()["results"][0]
    assert row["child_name"] == "•••" and row["child_id"] is None
    record = client.get(f"{API}/{sensitive.pk}").json()
    assert record["child_name"] == "•••" and record["description"] == "•••" and "Xiomara" not in str(record)
    # Its history (who moved it, when) is shown; its parts are not (test below).
    assert client.get(f"{API}/{sensitive.pk}/events").status_code == 200
    # Its owner and the supervisor see it in full.
    for user in (world.home[Role.DEFENDER], world.home[Role.SUPERVISOR]):
        assert client_of(user).get(f"{API}/{sensitive.pk}").json()["child_name"].startswith("Xiomara")


def test_open_a_case(world: World) -> None:
    codes = taxonomy(world.country)
    child = make_child(world)

    def payload(_w: World) -> dict[str, Any]:
        return {
            "child_id": child.pk,
            "violation_type_ids": [codes["physical"].pk],
            "reporter_type": "anonymous",
            "facts_date": str(TODAY - dt.timedelta(days=2)),
            "description": "Golpes visibles en los brazos.",
            "risk": "high",
        }

    check_access_matrix(
        world,
        url=API,
        method="post",
        api=True,
        data=payload,
        expected=only({"defender": 201, "supervisor": 201}),
        state=_cases,
    )
    assert Case.objects.filter(child=child).count() == 2
    client = client_of(world.home[Role.DEFENDER])
    bad = post(client, API, {**payload(world), "facts_date": str(TODAY + dt.timedelta(days=1)), "risk": "extreme"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"facts_date", "risk"}
    assert post(client, API, {**payload(world), "violation_type_ids": []}).status_code == 422
    assert post(client, API, {**payload(world), "nombre": "x"}).status_code == 422
    # A supervisor names the defender in charge; someone who does not work there is refused.
    supervisor = client_of(world.home[Role.SUPERVISOR])
    named = post(supervisor, API, {**payload(world), "owner_id": world.home[Role.DEFENDER].pk})
    assert named.status_code == 201 and named.json()["owner_id"] == world.home[Role.DEFENDER].pk
    away = post(supervisor, API, {**payload(world), "owner_id": world.away[Role.DEFENDER].pk})
    assert away.status_code == 422 and away.json()["errors"][0]["field"] == "owner_id"


def test_edit_a_case_with_its_version(world: World, case: Case) -> None:
    def change(_w: World) -> dict[str, Any]:
        case.refresh_from_db()
        return {"version": case.version, "risk": "low" if case.risk != "low" else "medium"}

    check_access_matrix(
        world, url=f"{API}/{case.pk}", method="patch", api=True, data=change, expected=WORKERS, state=_cases
    )
    client = client_of(world.home[Role.DEFENDER])
    stale = client.patch(f"{API}/{case.pk}", {"version": 1, "risk": "high"}, content_type="application/json")
    assert stale.status_code == 409
    case.refresh_from_db()
    empty = client.patch(
        f"{API}/{case.pk}", {"version": case.version, "description": None}, content_type="application/json"
    )
    assert empty.status_code == 422
    assert empty.json()["errors"] == [{"field": "description", "message": "Este campo no puede ser nulo."}]


def test_move_close_and_reopen(world: World, case: Case) -> None:
    from ronda.cases.models import ROUTE

    def forward(_w: World) -> dict[str, Any]:
        case.refresh_from_db()
        return {"version": case.version, "to_state": ROUTE[ROUTE.index(CaseState(case.state)) + 1]}

    check_access_matrix(
        world, url=f"{API}/{case.pk}/move", method="post", api=True, data=forward, expected=WORKERS, state=_cases
    )
    case.refresh_from_db()
    assert case.state == CaseState.MEDIATION
    defender = client_of(world.home[Role.DEFENDER])
    asked = post(
        defender,
        f"{API}/{case.pk}/move",
        {
            "version": case.version,
            "to_state": "closed",
            "reason": "Se cumplieron los acuerdos",
            "closing_reason": "agreements_met",
        },
    )
    assert asked.status_code == 200 and asked.json()["closure_requested"] and asked.json()["state"] == "mediation"
    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/closure",
        method="post",
        api=True,
        data={"approve": True},
        expected=SUPERVISOR,
        state=_cases,
    )
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.closing_reason == "agreements_met"
    # The defender reopens it; the supervisor's request, after, finds it open (422).
    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/reopen",
        method="post",
        api=True,
        data={"reason": "La familia volvió a la comunidad y se repite la situación."},
        expected=only({"defender": 200, "supervisor": 422}),
        state=_cases,
    )
    case.refresh_from_db()
    assert case.state == CaseState.FOLLOW_UP
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[-1] == "reopened" and "closure_requested" in kinds and "closed" in kinds
    stale = post(defender, f"{API}/{case.pk}/move", {"version": 1, "to_state": "closed", "closing_reason": "restored"})
    assert stale.status_code == 409


def test_reassign_transfer_and_assignments(world: World, case: Case) -> None:
    second = make_user("defensora.dos", Role.DEFENDER, world.community)
    owners = [second.pk, world.home[Role.DEFENDER].pk]

    def reassign(_w: World) -> dict[str, Any]:
        case.refresh_from_db()
        return {
            "case_ids": [case.pk],
            "owner_id": owners[0] if case.owner_id != owners[0] else owners[1],
            "reason": "Carga de trabajo",
        }

    check_access_matrix(
        world, url=f"{API}/reassign", method="post", api=True, data=reassign, expected=SUPERVISOR, state=_cases
    )
    case.refresh_from_db()
    assert case.owner_id == second.pk
    supervisor = client_of(world.home[Role.SUPERVISOR])
    too_many = post(
        supervisor, f"{API}/reassign", {"case_ids": list(range(1, 102)), "owner_id": second.pk, "reason": "x"}
    )
    assert too_many.status_code == 422

    # Assign the first defender again beside the new owner, then take them off.
    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/assignments",
        method="post",
        api=True,
        data={"user_id": world.home[Role.DEFENDER].pk},
        # The home defender is no longer on the case (404); the supervisor assigns them.
        expected=only({"supervisor": 201}),
        state=lambda: list(CaseAssignment.objects.values_list("case", "user")),
    )
    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/assignments/{world.home[Role.DEFENDER].pk}",
        method="delete",
        api=True,
        # The assigned defender may not say who works on the case (only its owner and supervisors).
        expected=only({"defender": 404, "supervisor": 204}),
        state=lambda: list(CaseAssignment.objects.values_list("case", "user")),
    )
    assert not CaseAssignment.objects.exists()

    other = make_unit("A-M-C2", Level.COMMUNITY, world.municipality, "Comunidad dos")
    there = make_user("defensor.alla", Role.DEFENDER, other)

    def transfer(_w: World) -> dict[str, Any]:
        case.refresh_from_db()
        return {"version": case.version, "community_id": other.pk, "owner_id": there.pk, "reason": "La familia se mudó"}

    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/transfer",
        method="post",
        api=True,
        data=transfer,
        expected=SUPERVISOR,
        state=_cases,
    )
    case.refresh_from_db()
    assert case.community == other and case.owner == there


def test_transfer_to_protection(world: World, case: Case) -> None:
    def transfer(_w: World) -> dict[str, Any]:
        case.refresh_from_db()
        return {
            "version": case.version,
            "institution_id": world.institution.pk,
            "reason": "Requiere medidas de protección",
            "consent_to_sharing": True,
            "consent_given_by": "caregiver",
        }

    # The defender's request closes the case; the supervisor's, after it, finds it closed (422).
    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/transfer-to-protection",
        method="post",
        api=True,
        data=transfer,
        expected=only({"defender": 200, "supervisor": 422}),
        state=_cases,
    )
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.transferred_to == world.institution
    fresh = make_case(world, child=make_child(world, first_names="Kevin", sex="male"))
    client = client_of(world.home[Role.DEFENDER])
    no_consent = post(
        client,
        f"{API}/{fresh.pk}/transfer-to-protection",
        {**transfer(world), "version": fresh.version, "consent_to_sharing": False, "consent_given_by": ""},
    )
    assert no_consent.status_code == 422 and no_consent.json()["errors"][0]["field"] == "consent_to_sharing"
    elsewhere = post(
        client,
        f"{API}/{fresh.pk}/transfer-to-protection",
        {**transfer(world), "version": fresh.version, "institution_id": world.other_institution.pk},
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["errors"][0]["field"] == "institution_id"
    assert Institution.objects.count() == 2 and ViolationType.objects.count() == 3


def test_the_openapi_document_lists_the_endpoints(world: World) -> None:
    schema = client_of(world.home[Role.SUPERVISOR]).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/move",
        "/api/v1/cases/{case_id}/events",
        "/api/v1/cases/violation-types",
        "/api/v1/cases/reassign",
        "/api/v1/cases/{case_id}/referrals",
        "/api/v1/cases/visits/{visit_id}/record",
        "/api/v1/cases/{case_id}/plan/decision",
        "/api/v1/cases/children/{child_id}/merge",
        "/api/v1/cases/children/{child_id}/unmerge",
    ):
        assert path in paths, path
    assert "get" in paths["/api/v1/cases"] and "post" in paths["/api/v1/cases"]


def test_merge_and_unmerge_children(world: World, case: Case) -> None:
    from ronda.cases.models import Child

    kept = case.child
    twice = make_child(world, first_names="Xiomara", maternal_surname="")

    def merged() -> list[tuple[int, int | None]]:
        return list(Child.objects.order_by("pk").values_list("pk", "merged_into"))

    check_access_matrix(
        world,
        url=f"{API}/children/{kept.pk}/merge",
        method="post",
        api=True,
        data={"other_id": twice.pk},
        expected=SUPERVISOR,
        state=merged,
    )
    twice.refresh_from_db()
    assert twice.merged_into == kept
    supervisor = client_of(world.home[Role.SUPERVISOR])
    itself = post(supervisor, f"{API}/children/{kept.pk}/merge", {"other_id": kept.pk})
    assert itself.status_code == 422 and Child.objects.filter(merged_into=kept).count() == 1
    check_access_matrix(
        world,
        url=f"{API}/children/{twice.pk}/unmerge",
        method="post",
        api=True,
        expected=SUPERVISOR,
        state=merged,
    )
    twice.refresh_from_db()
    assert twice.merged_into is None
    assert post(supervisor, f"{API}/children/{twice.pk}/unmerge", {}).status_code == 422


PARTS = ("visits", "plan", "mediations", "referrals", "tasks", "notes", "flags")


def test_the_parts_of_a_case(world: World, case: Case) -> None:
    for part in PARTS:
        check_access_matrix(world, url=f"{API}/{case.pk}/{part}", api=True, expected=only(READERS), personal=True)
    client = client_of(world.home[Role.DEFENDER])
    tasks = client.get(f"{API}/{case.pk}/tasks").json()
    assert len(tasks) == 1
    assert tasks[0]["assigned_to_id"] == world.home[Role.DEFENDER].pk and tasks[0]["overdue"] is False
    assert client.get(f"{API}/{case.pk}/plan").json() is None


def test_the_parts_of_a_masked_case_are_not_shown(world: World) -> None:
    sensitive = make_case(world, types=("sexual",), risk="high")
    admin = world.home[Role.ADMIN]
    account_services.start_break_glass(
        actor=act(admin), org_unit=world.municipality, reason="Orden judicial 123-2026, expediente urgente", minutes=15
    )
    client = client_of(admin)
    assert client.get(f"{API}/{sensitive.pk}").status_code == 200
    for part in PARTS:
        assert client.get(f"{API}/{sensitive.pk}/{part}").status_code == 404, part
    owner = client_of(world.home[Role.DEFENDER])
    assert all(owner.get(f"{API}/{sensitive.pk}/{part}").status_code == 200 for part in PARTS)


# --- The work on a case --------------------------------------------------------------------------
def _rows(model: Any) -> Any:
    return lambda: list(model.objects.order_by("pk").values_list("pk", "version"))


def _versioned(obj: Any, **fields: Any) -> Any:
    def data(_w: World) -> dict[str, Any]:
        obj.refresh_from_db()
        return {"version": obj.version, **fields}

    return data


def test_visits(world: World, case: Case) -> None:
    from ronda.cases.models import Visit

    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/visits",
        method="post",
        api=True,
        data={"planned_for": str(TODAY)},
        expected=only({"defender": 201, "supervisor": 201}),
        state=_rows(Visit),
    )
    first, second = Visit.objects.filter(case=case).order_by("pk")
    check_access_matrix(
        world,
        url=f"/api/v1/cases/visits/{first.pk}/record",
        method="post",
        api=True,
        data=_versioned(first, done_on=str(TODAY), findings="La abuela cuida a la niña por las tardes."),
        expected=WORKERS,
        state=_rows(Visit),
        personal=True,
    )
    case.refresh_from_db()
    assert case.first_visit_on == TODAY
    # The defender cancels the planned visit; the supervisor's request, after, finds it cancelled.
    check_access_matrix(
        world,
        url=f"/api/v1/cases/visits/{second.pk}/cancel",
        method="post",
        api=True,
        data=_versioned(second),
        expected=only({"defender": 200, "supervisor": 422}),
        state=_rows(Visit),
    )
    client = client_of(world.home[Role.DEFENDER])
    stale = post(client, f"{API}/visits/{first.pk}/record", {"version": 1, "done_on": str(TODAY), "findings": "x"})
    assert stale.status_code == 409
    empty = post(client, f"{API}/{case.pk}/visits", {"planned_for": str(TODAY - dt.timedelta(days=30))})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "planned_for"
    listed = client.get(f"{API}/{case.pk}/visits").json()
    assert [v["status"] for v in listed] == ["done", "cancelled"]


def test_the_case_plan(world: World, case: Case) -> None:
    from ronda.cases.models import CasePlan, PlanAction

    defender = client_of(world.home[Role.DEFENDER])
    no_plan = post(
        defender, f"{API}/{case.pk}/plan/actions", {"description": "x", "responsible": "y", "due_on": str(TODAY)}
    )
    assert no_plan.status_code == 422 and no_plan.json()["errors"][0]["field"] == "plan"

    def goal(_w: World) -> dict[str, Any]:
        plan = CasePlan.objects.filter(case=case).first()
        return {
            "goal": "Que la niña vuelva a la escuela y tenga quién la cuide.",
            "version": plan.version if plan else None,
        }

    check_access_matrix(
        world, url=f"{API}/{case.pk}/plan", method="put", api=True, data=goal, expected=WORKERS, state=_rows(CasePlan)
    )
    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/plan/actions",
        method="post",
        api=True,
        data={
            "description": "Matricularla en la escuela",
            "responsible": "Madre y defensor",
            "due_on": str(TODAY + dt.timedelta(days=14)),
        },
        expected=only({"defender": 201, "supervisor": 201}),
        state=_rows(PlanAction),
    )
    action = PlanAction.objects.filter(plan__case=case).first()
    assert action is not None
    check_access_matrix(
        world,
        url=f"/api/v1/cases/plan-actions/{action.pk}",
        method="patch",
        api=True,
        data=_versioned(action, responsible="La madre"),
        expected=WORKERS,
        state=_rows(PlanAction),
    )
    plan = CasePlan.objects.get(case=case)
    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/plan/submit",
        method="post",
        api=True,
        data=_versioned(plan),
        expected=only({"defender": 200, "supervisor": 422}),
        state=_rows(CasePlan),
    )
    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/plan/decision",
        method="post",
        api=True,
        data=_versioned(plan, approve=True),
        expected=SUPERVISOR,
        state=_rows(CasePlan),
    )
    shown = defender.get(f"{API}/{case.pk}/plan").json()
    assert shown["status"] == "approved" and [a["responsible"] for a in shown["actions"]] == [
        "La madre",
        "Madre y defensor",
    ]


def test_mediations_and_agreements(world: World, case: Case) -> None:
    from ronda.cases.models import Mediation, MediationAgreement

    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/mediations",
        method="post",
        api=True,
        data={
            "held_on": str(TODAY),
            "participants": "Madre, abuela, defensor",
            "agreements": [{"text": "La abuela la recoge de la escuela", "due_on": str(TODAY + dt.timedelta(days=30))}],
        },
        expected=only({"defender": 201, "supervisor": 201}),
        state=_rows(Mediation),
    )
    mediation = Mediation.objects.filter(case=case).order_by("pk").first()
    assert mediation is not None
    check_access_matrix(
        world,
        url=f"{API}/mediations/{mediation.pk}/agreements",
        method="post",
        api=True,
        data={"text": "La madre asiste a la escuela para padres"},
        expected=only({"defender": 201, "supervisor": 201}),
        state=_rows(MediationAgreement),
    )
    agreement = MediationAgreement.objects.filter(mediation=mediation).order_by("pk").first()
    assert agreement is not None
    check_access_matrix(
        world,
        url=f"{API}/agreements/{agreement.pk}/check",
        method="post",
        api=True,
        data=_versioned(agreement, fulfilment="fulfilled", checked_on=str(TODAY)),
        expected=WORKERS,
        state=_rows(MediationAgreement),
    )
    listed = client_of(world.home[Role.DEFENDER]).get(f"{API}/{case.pk}/mediations").json()
    assert len(listed) == 2 and [a["fulfilment"] for a in listed[0]["agreements"]] == [
        "fulfilled",
        "pending",
        "pending",
    ]


def test_referrals(world: World) -> None:
    from ronda.cases.models import CaseViolation, Referral

    case = make_case(world, types=("physical",), risk="high")

    def referral(**over: Any) -> dict[str, Any]:
        return {
            "institution_id": world.institution.pk,
            "reason": "Lesiones visibles; se piden medidas de protección.",
            "consent_to_services": True,
            "consent_to_sharing": True,
            "consent_given_by": "caregiver",
            **over,
        }

    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/referrals",
        method="post",
        api=True,
        data=referral(),
        expected=only({"defender": 201, "supervisor": 201}),
        state=_rows(Referral),
    )
    assert CaseViolation.objects.get(case=case).referral is not None  # the mandatory referral is done
    defender = client_of(world.home[Role.DEFENDER])
    refused = post(defender, f"{API}/{case.pk}/referrals", referral(consent_to_sharing=False, consent_given_by=""))
    assert refused.status_code == 422 and Referral.objects.count() == 2
    elsewhere = post(defender, f"{API}/{case.pk}/referrals", referral(institution_id=world.other_institution.pk))
    assert elsewhere.status_code == 422 and elsewhere.json()["errors"][0]["field"] == "institution_id"
    first = Referral.objects.order_by("pk").first()
    assert first is not None
    following = {"sent": "received", "received": "accepted", "accepted": "closed"}

    def status(_w: World) -> dict[str, Any]:
        first.refresh_from_db()
        return {
            "version": first.version,
            "status": following[first.status],
            "feedback": "La Junta dictó medidas de protección.",
            "feedback_on": str(TODAY),
        }

    check_access_matrix(
        world,
        url=f"{API}/referrals/{first.pk}",
        method="patch",
        api=True,
        data=status,
        expected=WORKERS,
        state=_rows(Referral),
    )
    listed = defender.get(f"{API}/{case.pk}/referrals").json()
    assert listed[0]["status"] == "accepted" and listed[0]["institution"] == "Junta A"


def test_tasks_and_notes(world: World, case: Case) -> None:
    from ronda.cases.models import CaseNote, Task

    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/tasks",
        method="post",
        api=True,
        data={"title": "Llamar a la escuela", "due_on": str(TODAY + dt.timedelta(days=3))},
        expected=only({"defender": 201, "supervisor": 201}),
        state=_rows(Task),
    )
    task = Task.objects.filter(case=case, title="Llamar a la escuela").order_by("pk").first()
    assert task is not None
    check_access_matrix(
        world,
        url=f"{API}/tasks/{task.pk}/complete",
        method="post",
        api=True,
        data=_versioned(task),
        expected=only({"defender": 200, "supervisor": 422}),
        state=_rows(Task),
    )
    check_access_matrix(
        world,
        url=f"{API}/tasks/{task.pk}/reopen",
        method="post",
        api=True,
        data=_versioned(task),
        expected=only({"defender": 200, "supervisor": 422}),
        state=_rows(Task),
    )
    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/notes",
        method="post",
        api=True,
        data={"text": "La madre pidió que no se visite antes de las 17h."},
        expected=only({"defender": 201, "supervisor": 201}),
        state=lambda: CaseNote.objects.count(),
    )
    away = post(
        client_of(world.home[Role.SUPERVISOR]),
        f"{API}/{case.pk}/tasks",
        {"title": "x", "due_on": str(TODAY), "assigned_to_id": world.away[Role.DEFENDER].pk},
    )
    assert away.status_code == 422 and away.json()["errors"][0]["field"] == "assigned_to_id"
    notes = client_of(world.home[Role.DEFENDER]).get(f"{API}/{case.pk}/notes").json()
    assert len(notes) == 2


def test_flags(world: World, case: Case) -> None:
    from ronda.cases.models import CaseFlag

    def flags() -> list[tuple[int, object]]:
        return list(CaseFlag.objects.order_by("pk").values_list("pk", "removed_at"))

    check_access_matrix(
        world,
        url=f"{API}/{case.pk}/flags",
        method="post",
        api=True,
        data={"kind": "safety", "message": "Adulto agresivo en la casa: visitar en pareja."},
        expected=only({"defender": 201, "supervisor": 201}),
        state=flags,
    )
    flag = CaseFlag.objects.order_by("pk").first()
    assert flag is not None
    check_access_matrix(
        world,
        url=f"{API}/flags/{flag.pk}/remove",
        method="post",
        api=True,
        data={"reason": "El adulto ya no vive en la casa."},
        expected=only({"defender": 200, "supervisor": 422}),
        state=flags,
    )
    shown = client_of(world.home[Role.DEFENDER]).get(f"{API}/{case.pk}/flags").json()
    assert len(shown) == 2 and sum(f["removed_at"] is not None for f in shown) == 1
    bad = post(client_of(world.home[Role.DEFENDER]), f"{API}/{case.pk}/flags", {"kind": "rumor", "message": "x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"


def test_the_list_takes_as_many_queries_for_many_cases_as_for_few(world: World) -> None:
    from ronda.testing import assert_queries_do_not_grow

    def add(n: int) -> None:
        for i in range(n):
            make_case(world, child=make_child(world, first_names=f"Niño {i}", sex="male"), types=("sexual",))

    client = client_of(world.home[Role.SUPERVISOR])
    assert_queries_do_not_grow(client, f"{API}?cursor=", add, ceiling=25)
