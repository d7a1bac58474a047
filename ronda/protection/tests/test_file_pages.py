"""The pages of the protection files: every route's access matrix (each role at home and away, and
anonymous; the file's readers log their read, the refused ones write nothing), and the main flows
through HTTP as an officer would work: opening a file from a transferred community case or directly,
recording a measure, placing the child with a foster family, the review alert when it falls due, and
a stale edit refused."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ronda.cases import route
from ronda.cases.tests.factories import make_case
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.protection import policies
from ronda.protection.models import (
    CareSetting,
    DiagnosisEntry,
    FileRight,
    FosterStatus,
    FosterType,
    Gatekeeping,
    IntakeSource,
    MeasureReview,
    Placement,
    PlanReview,
    PlanStatus,
    ProtectionFile,
    ProtectiveMeasure,
    RestitutionAction,
    RestitutionPlan,
    ReviewOutcome,
    Sector,
)
from ronda.protection.services import files as file_services
from ronda.protection.services import measures as measure_services
from ronda.protection.services import placements as placement_services
from ronda.protection.services import resources as resource_services
from ronda.protection.services.files import CHILD_SEARCH_PURPOSE
from ronda.protection.tests.factories import TODAY, PWorld, act, make_child, make_file, measure_type, protection_world
from ronda.protection.views.files import TRANSFERRED_CASES_PURPOSE
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)

OFFICER, SUPERVISOR = Role.PROTECTION_OFFICER.value, Role.SUPERVISOR.value
WORKERS = {OFFICER: 200, SUPERVISOR: 200}
WRITERS = {OFFICER: 302, SUPERVISOR: 302}
SUPERVISOR_READS = {SUPERVISOR: 200}
SUPERVISOR_WRITES = {SUPERVISOR: 302}
CONFLICT = "Otra persona modificó este registro"


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


@pytest.fixture
def file(pw: PWorld) -> ProtectionFile:
    return make_file(pw)


def _count(model: Any) -> Any:
    return lambda: model.objects.count()


def _matrix(world: World, url: str, expected: dict[str, int], **kwargs: Any) -> None:
    check_access_matrix(world, url=url, expected=only(expected), **kwargs)


def _get_and_post(world: World, url: str, *, state: Any, get: dict[str, int] | None = None, **post: Any) -> None:
    """A form page: the file's workers read it (their read logged), and a POST that the form refuses
    (empty) comes back to them with its errors and changes nothing for anyone."""
    _matrix(world, url, get or WORKERS, personal=True)
    _matrix(world, url, get or WORKERS, method="post", data=post.pop("data", {}), state=state, personal=True)


def _measure(pw: PWorld, file: ProtectionFile, **over: Any) -> ProtectiveMeasure:
    if "type" not in over:
        over["type"] = measure_type(pw.world)
    fields: dict[str, Any] = {
        "issuing_authority": "Procuraduría de Protección",
        "issued_on": TODAY - dt.timedelta(days=10),
        "legal_basis": "LGDNNA art. 122",
    }
    fields.update(over)
    return measure_services.record_measure(actor=act(pw.officer), file=file, **fields)


def _plan_with_action(pw: PWorld, file: ProtectionFile) -> RestitutionPlan:
    plan = file_services.save_plan(
        actor=act(pw.officer), file=file, objective="Restituir el derecho a vivir en familia."
    )
    file_services.add_action(
        actor=act(pw.officer),
        plan=plan,
        sector=Sector.HEALTH,
        description="Valoración pediátrica completa.",
        owner="Centro de Salud A",
        due_on=TODAY + dt.timedelta(days=20),
        institution=pw.health_institution,
    )
    plan.refresh_from_db()
    return plan


def _placement(pw: PWorld, file: ProtectionFile) -> Placement:
    return placement_services.place_child(
        actor=act(pw.officer),
        file=file,
        setting=CareSetting.FAMILY_OF_ORIGIN,
        start_on=TODAY - dt.timedelta(days=5),
        change_reason="Sigue con la madre, con apoyo.",
    )


# --- Access matrices -------------------------------------------------------------------------------------
EVERYWHERE = {OFFICER: 200, SUPERVISOR: 200}


def test_caseload_and_file_page(world: World, pw: PWorld, file: ProtectionFile) -> None:
    # A list is every officer's page (away: their own files, none here); the rows shown are logged.
    for query in ("", "?status=all&q=Quizhpe"):
        url = reverse("protection:file_list") + query
        check_access_matrix(world, url=url, expected=only(WORKERS), away=EVERYWHERE)
    for user in (pw.officer, pw.supervisor):
        assert (
            AccessEvent.objects.filter(actor=user, target_id=str(file.pk), purpose=policies.FILE_LIST_PURPOSE).count()
            == 2
        )
    away = world.away[Role.PROTECTION_OFFICER]
    assert not AccessEvent.objects.filter(actor=away).exists()
    _matrix(world, reverse("protection:file_detail", args=[file.pk]), WORKERS, personal=True)
    _matrix(world, reverse("protection:file_openings", args=[file.pk]), SUPERVISOR_READS, personal=True)


def test_opening_pages(world: World, pw: PWorld) -> None:
    # Every officer and supervisor may open files in their own jurisdiction: the page, not a file.
    everywhere = EVERYWHERE
    url = reverse("protection:file_new")
    check_access_matrix(world, url=url, expected=only(WORKERS), away=everywhere)
    check_access_matrix(
        world, url=url, method="post", data={}, expected=only(WORKERS), away=everywhere, state=_count(ProtectionFile)
    )
    check_access_matrix(world, url=reverse("protection:transferred_cases"), expected=only(WORKERS), away=everywhere)
    case = _transferred_case(pw)
    url = reverse("protection:file_from_case", args=[case.pk])
    _matrix(world, url, WORKERS, personal=True)
    # The first to open it gets the file; the case then waits no more (404 for the next).
    _matrix(
        world,
        url,
        {OFFICER: 302, SUPERVISOR: 404},
        method="post",
        data={"office": pw.municipal_office.pk},
        state=_count(ProtectionFile),
    )
    assert ProtectionFile.objects.filter(from_case=case).count() == 1


def test_diagnosis_rights_and_plan_pages(world: World, pw: PWorld, file: ProtectionFile) -> None:
    url = reverse("protection:diagnosis_edit", args=[file.pk])
    _matrix(world, url + "?area=health", WORKERS, personal=True)

    def diagnosis(_w: World) -> dict[str, Any]:
        entry = DiagnosisEntry.objects.filter(file=file, area="health").first()
        return {"area": "health", "findings": "Desnutrición leve.", "version": entry.version if entry else ""}

    _matrix(world, url, WRITERS, method="post", data=diagnosis, state=_count(DiagnosisEntry))
    assert DiagnosisEntry.objects.get(file=file).version == 2  # created by one, reassessed by the other

    url = reverse("protection:right_edit", args=[file.pk])

    def right(_w: World) -> dict[str, Any]:
        row = FileRight.objects.filter(file=file, right="health").first()
        return {"right": "health", "status": "violated", "version": row.version if row else ""}

    _matrix(world, url, WORKERS, personal=True)
    _matrix(world, url, WRITERS, method="post", data=right, state=_count(FileRight))

    url = reverse("protection:plan_edit", args=[file.pk])

    def plan(_w: World) -> dict[str, Any]:
        row = RestitutionPlan.objects.filter(file=file).first()
        return {"objective": "Restituir el derecho a la salud.", "version": row.version if row else ""}

    _matrix(world, url, WORKERS, personal=True)
    _matrix(world, url, WRITERS, method="post", data=plan, state=_count(RestitutionPlan))

    url = reverse("protection:action_new", args=[file.pk])
    action = {
        "sector": Sector.HEALTH,
        "description": "Control de peso mensual.",
        "owner": "Centro de Salud A",
        "due_on": (TODAY + dt.timedelta(days=30)).isoformat(),
    }
    _matrix(world, url, WORKERS, personal=True)
    _matrix(world, url, WRITERS, method="post", data=action, state=_count(RestitutionAction))
    assert RestitutionAction.objects.filter(plan__file=file).count() == 2

    first = RestitutionAction.objects.filter(plan__file=file).order_by("id").first()
    assert first is not None
    url = reverse("protection:action_edit", args=[first.pk])

    def edit(_w: World) -> dict[str, Any]:
        first.refresh_from_db()
        return {**action, "status": "in_progress", "version": first.version}

    _matrix(world, url, WORKERS, personal=True)
    _matrix(world, url, WRITERS, method="post", data=edit, state=_count(RestitutionAction))


def test_plan_decisions(world: World, pw: PWorld, file: ProtectionFile) -> None:
    plan = _plan_with_action(pw, file)

    def version(_w: World) -> dict[str, Any]:
        plan.refresh_from_db()
        return {"version": plan.version}

    # Sent by the first; the second is told it was sent already (both go back to the file's page).
    _matrix(world, reverse("protection:plan_submit", args=[file.pk]), WRITERS, method="post", data=version)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    detail = reverse("protection:file_detail", args=[file.pk])
    approve = reverse("protection:plan_approve", args=[file.pk])
    assert approve in login(Client(), pw.supervisor).get(detail).content.decode()
    assert approve not in login(Client(), pw.officer).get(detail).content.decode()  # only a supervisor approves
    url = reverse("protection:plan_return", args=[file.pk])
    _matrix(world, url, SUPERVISOR_READS, personal=True)
    _matrix(world, url, SUPERVISOR_READS, method="post", data=version, personal=True)  # no note: refused
    _matrix(
        world,
        reverse("protection:plan_approve", args=[file.pk]),
        SUPERVISOR_WRITES,
        method="post",
        data=version,
        state=lambda: RestitutionPlan.objects.get(pk=plan.pk).status,
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    url = reverse("protection:plan_review", args=[file.pk])
    review = {"reviewed_on": TODAY.isoformat(), "summary": "La valoración pediátrica se hizo."}
    _matrix(world, url, WORKERS, personal=True)
    _matrix(world, url, WRITERS, method="post", data=review, state=_count(PlanReview))
    assert PlanReview.objects.filter(plan=plan).count() == 2


def test_measure_pages(world: World, pw: PWorld, file: ProtectionFile) -> None:
    measure_type(world)
    _get_and_post(world, reverse("protection:measure_new", args=[file.pk]), state=_count(ProtectiveMeasure))
    measure = _measure(pw, file, type=measure_type(world, code="otra"))
    state = _count(MeasureReview)
    _get_and_post(world, reverse("protection:measure_review", args=[measure.pk]), state=state)
    _get_and_post(world, reverse("protection:measure_ratify", args=[measure.pk]), state=_count(ProtectiveMeasure))
    _get_and_post(world, reverse("protection:measure_end", args=[measure.pk]), state=_count(ProtectiveMeasure))
    measure.refresh_from_db()
    assert measure.is_active and measure.ratified_on is None  # the empty forms changed nothing


def test_gatekeeping_pages(world: World, pw: PWorld, file: ProtectionFile) -> None:
    _get_and_post(world, reverse("protection:gatekeeping_new", args=[file.pk]), state=_count(Gatekeeping))
    _get_and_post(world, reverse("protection:gatekeeping_emergency", args=[file.pk]), state=_count(Gatekeeping))
    pending = placement_services.emergency_gatekeeping(
        actor=act(pw.officer), file=file, setting=CareSetting.KINSHIP, entry_on=TODAY
    )
    url = reverse("protection:gatekeeping_complete", args=[pending.pk])
    page = login(Client(), pw.officer).get(reverse("protection:file_detail", args=[file.pk])).content.decode()
    assert url in page  # the pending record of the emergency entry asks to be completed
    _get_and_post(world, url, state=lambda: Gatekeeping.objects.get(pk=pending.pk).version)
    # Only a supervisor approves an exception (nothing to approve here: refused, back to the file).
    _matrix(
        world,
        reverse("protection:gatekeeping_approve", args=[pending.pk]),
        SUPERVISOR_WRITES,
        method="post",
        data={"version": pending.version},
        state=lambda: Gatekeeping.objects.get(pk=pending.pk).version,
    )
    pending.refresh_from_db()
    assert pending.exception_approved_by is None


def test_placement_pages(world: World, pw: PWorld, file: ProtectionFile) -> None:
    url = reverse("protection:placement_new", args=[file.pk])
    _matrix(world, url + "?setting=voluntary_foster", WORKERS, personal=True)
    _get_and_post(world, url, state=_count(Placement))
    placement = _placement(pw, file)
    _get_and_post(world, reverse("protection:placement_end", args=[placement.pk]), state=_count(Placement))
    _get_and_post(world, reverse("protection:follow_up_new", args=[placement.pk]), state=_count(Placement))
    placement.refresh_from_db()
    assert placement.end_on is None


def test_transfer_close_reopen_pages(world: World, file: ProtectionFile) -> None:
    version = lambda: ProtectionFile.objects.get(pk=file.pk).version  # noqa: E731
    for name in ("file_transfer", "file_close", "file_reopen"):
        _get_and_post(world, reverse(f"protection:{name}", args=[file.pk]), state=version)
    file.refresh_from_db()
    assert file.is_open and file.version == 1


def test_what_the_others_may_not_see_answers_404(world: World, pw: PWorld) -> None:
    """A file of the state office sits above the municipality: the municipal officer does not reach it,
    the state's officer does; a file that does not exist answers the same 404."""
    state_file = make_file(pw, office=pw.state_office)
    client = login(Client(), pw.officer)
    assert client.get(reverse("protection:file_detail", args=[state_file.pk])).status_code == 404
    state = login(Client(), pw.state_officer)
    assert state.get(reverse("protection:file_detail", args=[state_file.pk])).status_code == 200
    assert client.get(reverse("protection:file_detail", args=[10**9])).status_code == 404


# --- Flows ---------------------------------------------------------------------------------------------
def _transferred_case(pw: PWorld) -> Any:
    case = make_case(pw.world, description="El padre la golpea cuando bebe.")
    return route.transfer_to_protection(
        actor=act(pw.world.home[Role.DEFENDER]),
        case=case,
        expected_version=case.version,
        institution=pw.municipal_office,
        reason="Se requiere una medida de protección.",
        consent_to_sharing=True,
        consent_given_by="caregiver",
    )


def test_open_a_file_from_a_transferred_case(pw: PWorld) -> None:
    case = _transferred_case(pw)
    client = login(Client(), pw.officer)
    page = client.get(reverse("protection:transferred_cases"))
    html = page.content.decode()
    assert case.number in html and "Negligencia" in html
    assert "El padre la golpea" not in html  # never the case's description
    assert AccessEvent.objects.filter(
        actor=pw.officer, target_id=str(case.pk), purpose=TRANSFERRED_CASES_PURPOSE
    ).exists()
    response = client.post(reverse("protection:file_from_case", args=[case.pk]), {"office": pw.municipal_office.pk})
    file = ProtectionFile.objects.get(from_case=case)
    detail_url = reverse("protection:file_detail", args=[file.pk])
    assert response.status_code == 302 and response["Location"].startswith(detail_url)
    assert (file.child_id, file.intake_source, file.officer) == (case.child_id, IntakeSource.COMMUNITY_CASE, pw.officer)
    detail = client.get(detail_url)
    assert file.number in detail.content.decode()
    assert "Xiomara Belén" in detail.content.decode()
    # The case waits no more.
    assert case.number not in client.get(reverse("protection:transferred_cases")).content.decode()


def test_open_a_file_directly_after_searching_the_child(pw: PWorld) -> None:
    child = make_child(pw.world)
    client = login(Client(), pw.officer)
    url = reverse("protection:file_new")
    search: dict[str, Any] = {
        "first_names": "Xiomara",
        "surnames": "Quizhpe Sarango",
        "municipality": str(pw.world.municipality.pk),
    }
    page = client.get(url, search)
    assert "Xiomara Belén" in page.content.decode()
    assert AccessEvent.objects.filter(actor=pw.officer, target_id=str(child.pk), purpose=CHILD_SEARCH_PURPOSE).exists()
    data = {
        **search,
        "open-child": child.pk,
        "open-office": pw.municipal_office.pk,
        "open-intake_source": IntakeSource.DIRECT_REPORT,
        "open-intake_summary": "La maestra informa que llega sin comer.",
    }
    response = client.post(url, data)
    file = ProtectionFile.objects.get(child=child)
    assert response.status_code == 302
    assert file.office == pw.municipal_office and file.number.startswith("DIF-")
    # A second opening for the same child is refused, naming the file.
    again = client.post(url, data)
    assert again.status_code == 200 and file.number in again.content.decode()
    assert ProtectionFile.objects.filter(child=child).count() == 1


def test_record_a_measure_and_see_it_on_the_file(pw: PWorld, file: ProtectionFile) -> None:
    kind = measure_type(pw.world)
    client = login(Client(), pw.officer)
    issued = TODAY - dt.timedelta(days=3)
    response = client.post(
        reverse("protection:measure_new", args=[file.pk]),
        {
            "type": kind.pk,
            "issuing_authority": "Procuraduría de Protección",
            "issued_on": issued.isoformat(),
            "legal_basis": "LGDNNA art. 122",
            "review_interval_months": "2",
        },
    )
    assert response.status_code == 302
    measure = ProtectiveMeasure.objects.get(file=file)
    assert measure.next_review_on == measure_services.next_review(issued, 2)
    assert measure.ratification_due_on == issued + dt.timedelta(days=10)
    html = client.get(reverse("protection:file_detail", args=[file.pk])).content.decode()
    assert "Acogimiento residencial" in html and "LGDNNA art. 122" in html
    # A measure issued before the file was opened is refused on its field.
    before = client.post(
        reverse("protection:measure_new", args=[file.pk]),
        {
            "type": kind.pk,
            "issuing_authority": "Procuraduría",
            "issued_on": (file.opened_on - dt.timedelta(days=1)).isoformat(),
            "legal_basis": "LGDNNA",
        },
    )
    assert before.status_code == 200 and 'id="id_issued_on_error"' in before.content.decode()
    assert ProtectiveMeasure.objects.filter(file=file).count() == 1


def _approved_family(pw: PWorld) -> Any:
    officer = act(pw.officer)
    applied = TODAY - dt.timedelta(days=60)
    family = resource_services.register_foster_family(
        actor=officer,
        unit=pw.world.municipality,
        code="FA-017",
        type=FosterType.VOLUNTARY,
        contact_name="Rosa Pérez",
        capacity=2,
        applied_on=applied,
    )
    family = resource_services.move_foster_family(
        actor=officer, family=family, to_status=FosterStatus.EVALUATED, on=applied, expected_version=family.version
    )
    resource_services.record_training(actor=officer, family=family, topic="Crianza positiva", held_on=applied, hours=8)
    family.refresh_from_db()
    family = resource_services.move_foster_family(
        actor=officer, family=family, to_status=FosterStatus.TRAINED, on=applied, expected_version=family.version
    )
    return resource_services.move_foster_family(
        actor=officer, family=family, to_status=FosterStatus.APPROVED, on=applied, expected_version=family.version
    )


def test_place_the_child_with_a_foster_family(pw: PWorld, file: ProtectionFile) -> None:
    family = _approved_family(pw)
    client = login(Client(), pw.officer)
    gatekeeping = client.post(
        reverse("protection:gatekeeping_new", args=[file.pk]),
        {
            "setting": CareSetting.VOLUNTARY_FOSTER,
            "decided_on": TODAY.isoformat(),
            "alternatives": ["family_support", "kinship"],
            "alternatives_note": "La familia extensa no puede recibirla.",
            "necessity": "La niña está sola en casa desde hace una semana.",
            "suitability": "Una familia de acogida mantiene su escuela.",
            "decided_by": "Comité técnico del DIF",
        },
    )
    assert gatekeeping.status_code == 302
    record = Gatekeeping.objects.get(file=file)
    url = reverse("protection:placement_new", args=[file.pk])
    page = client.get(url, {"setting": CareSetting.VOLUNTARY_FOSTER})
    assert "FA-017" in page.content.decode()  # suggested by the matching
    response = client.post(
        url,
        {
            "setting": CareSetting.VOLUNTARY_FOSTER,
            "start_on": TODAY.isoformat(),
            "gatekeeping": record.pk,
            "foster_family": family.pk,
            "siblings_together": "unknown",
            "contact_plan": "Visitas de la abuela los sábados.",
        },
    )
    assert response.status_code == 302
    placement = Placement.objects.get(file=file)
    assert (placement.foster_family, placement.end_on, placement.gatekeeping) == (family, None, record)
    html = client.get(reverse("protection:file_detail", args=[file.pk])).content.decode()
    assert "FA-017" in html


def test_the_review_alert_shows_on_the_home_page_when_due(pw: PWorld, file: ProtectionFile) -> None:
    measure = _measure(pw, file, type=measure_type(pw.world, is_urgent=False, ratification_days=None))
    assert measure.next_review_on is not None
    home = reverse("core:home")
    client = login(Client(), pw.officer)
    assert file.number not in client.get(home).content.decode()  # nothing due yet
    # Noon of the day after, in the deployment's time zone (midnight UTC is still "yesterday" there).
    day_after = dt.datetime.combine(measure.next_review_on + dt.timedelta(days=1), dt.time(12), tzinfo=LOCAL)
    with time_machine.travel(day_after, tick=False):
        client = login(Client(), pw.officer)
        before = AccessEvent.objects.filter(actor=pw.officer, target_id=str(file.pk)).count()
        html = client.get(home).content.decode()
        assert file.number in html
        assert AccessEvent.objects.filter(actor=pw.officer, target_id=str(file.pk)).count() > before
        caseload = client.get(reverse("protection:file_list")).content.decode()
        assert file.number in caseload and "badge bad" in caseload


def test_a_stale_version_is_refused(pw: PWorld, file: ProtectionFile) -> None:
    plan = file_services.save_plan(actor=act(pw.officer), file=file, objective="Objetivo inicial.")
    client = login(Client(), pw.officer)
    url = reverse("protection:plan_edit", args=[file.pk])
    assert f'value="{plan.version}"' in client.get(url).content.decode()
    # The supervisor saves first.
    file_services.save_plan(
        actor=act(pw.supervisor), file=file, objective="Objetivo del supervisor.", expected_version=plan.version
    )
    response = client.post(url, {"objective": "Objetivo del oficial.", "version": plan.version})
    assert response.status_code == 200 and CONFLICT in response.content.decode()
    plan.refresh_from_db()
    assert plan.objective == "Objetivo del supervisor."


def test_the_policy_is_what_the_pages_ask(pw: PWorld, file: ProtectionFile) -> None:
    """The menu's predicate is the list's own check (an administrator without break-glass: neither)."""
    admin = act(pw.world.home[Role.ADMIN])
    assert not policies.can_read_files(admin)
    assert policies.can_read_files(act(pw.officer))


def test_the_caseload_filter_offers_the_officers_of_the_files_seen_and_refuses_others(pw: PWorld) -> None:
    mine = make_file(pw)
    state = make_file(pw, child=make_child(pw.world, first_names="Mateo"), office=pw.state_office)
    state.officer = pw.state_officer
    state.save(update_fields=["officer"])
    client = login(Client(), pw.state_officer)
    page = client.get(reverse("protection:file_list")).content.decode()
    # The state officer sees both files: both officers are in the filter.
    assert f'<option value="{pw.officer.pk}">' in page and f'<option value="{pw.state_officer.pk}">' in page
    municipal = login(Client(), pw.officer).get(reverse("protection:file_list")).content.decode()
    assert f'value="{pw.state_officer.pk}"' not in municipal  # a file they do not see names no officer
    # Filtering by one officer lists their files only; an officer outside the choices is refused.
    only_mine = client.get(reverse("protection:file_list"), {"officer": pw.officer.pk}).content.decode()
    assert mine.number in only_mine and state.number not in only_mine
    refused = login(Client(), pw.officer).get(reverse("protection:file_list"), {"officer": pw.state_officer.pk})
    assert refused.context["form"].errors["officer"]


def test_the_file_pages_reads_are_the_parts_querysets(pw: PWorld, file: ProtectionFile) -> None:
    """``selectors.file_page`` (SQL written once per thread) reads what ``policies.parts_of``'s
    querysets read, in the same order, with their related objects; another file's parts never."""
    from ronda.protection import selectors

    _plan_with_action(pw, file)
    measure = _measure(pw, file)
    measure_services.review_measure(
        actor=act(pw.officer),
        measure=measure,
        reviewed_on=TODAY,
        outcome=ReviewOutcome.CONTINUE,
        participants="Equipo",
        child_heard=True,
        child_opinion="Quiere seguir en casa.",
    )
    _placement(pw, file)
    other = make_file(pw, child=make_child(pw.world, first_names="Otro"))
    _measure(pw, other, type=measure.type)
    actor = act(pw.officer)
    parts = policies.parts_of(actor, file)
    page = selectors.file_page(actor, policies.get_file(actor, file.pk))
    assert page.plan == parts.plans.get()
    for name in ("actions", "plan_reviews", "diagnosis", "rights", "measures", "measure_reviews", "gatekeepings"):
        assert getattr(page, name) == list(getattr(parts, name)), name
    assert page.placements == list(parts.placements) and page.placements
    assert page.transfers == list(parts.transfers)
    assert page.adoption_assignments == list(parts.adoption_assignments)
    assert [m.type.name for m in page.measures] == [measure.type.name]
    assert page.actions and page.actions[0].institution == pw.health_institution
    assert [r.measure_id for r in page.measure_reviews] == [measure.pk]
    assert page.measure_reviews[0].reviewed_by == pw.officer
    # A file without a plan has no plan parts.
    bare = selectors.file_page(actor, policies.get_file(actor, other.pk))
    assert bare.plan is None and bare.actions == [] and [m.file_id for m in bare.measures] == [other.pk]
