"""A drop in progress needs its reason; a wrong report is corrected by a record, never rewritten."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.planning import services
from ronda.planning.models import Measure, MeasureStatus, PlanningAction, ProgressCorrection, ProgressUpdate
from ronda.testing import World, api_token, check_access_matrix, login

pytestmark = pytest.mark.django_db


def actor(world: World, role: str, home: bool = True):  # type: ignore[no-untyped-def]
    user = (world.home if home else world.away)[role]
    return actor_for(user, user.memberships.first())


def report(measure: Measure, percent: str, **kwargs) -> ProgressUpdate:  # type: ignore[no-untyped-def]
    measure.refresh_from_db()
    return services.record_progress(
        actor=SYSTEM,
        measure=measure,
        expected_version=measure.version,
        percent=percent,
        justification=kwargs.pop("justification", f"Informe al {percent} %"),
        **kwargs,
    )


# --- A drop needs its reason -----------------------------------------------------------------------
def test_a_drop_without_a_reason_is_refused_and_nothing_is_written(world: World, measure: Measure) -> None:
    report(measure, "88")
    measure.refresh_from_db()
    before = (ProgressUpdate.objects.count(), measure.version, AuditEvent.objects.count())
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        report(measure, "40", drop_reason="   ")
    assert exc.value.message_dict["drop_reason"] == ["Progress goes down from 88.00 % to 40.00 %: explain why."]
    measure.refresh_from_db()
    assert (ProgressUpdate.objects.count(), measure.version, AuditEvent.objects.count()) == before
    assert measure.progress == Decimal("88.00")


def test_a_drop_with_its_reason_is_stored_on_the_report(world: World, measure: Measure) -> None:
    report(measure, "88")
    update = report(measure, "40", drop_reason="  El informe anterior contó dos veces la brigada.  ")
    assert update.drop_reason == "El informe anterior contó dos veces la brigada."
    measure.refresh_from_db()
    assert measure.progress == Decimal("40.00")
    # A rise keeps no reason, even if one was sent.
    assert report(measure, "50", drop_reason="sin motivo").drop_reason == ""


def test_a_late_report_lower_than_the_current_progress_needs_no_reason(world: World, measure: Measure) -> None:
    report(measure, "88", reported_on=dt.date(2025, 6, 30))
    late = report(measure, "40", reported_on=dt.date(2025, 5, 31))
    assert late.drop_reason == ""
    measure.refresh_from_db()
    assert measure.progress == Decimal("88.00")


# --- Corrections ----------------------------------------------------------------------------------
def test_a_correction_keeps_the_original_and_recomputes_the_measure(world: World, measure: Measure) -> None:
    report(measure, "30")
    wrong = report(measure, "100", justification="Terminado (error: era otra medida)")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.COMPLETED
    coordinator = actor(world, "coordinator")
    correction = services.correct_progress(
        actor=coordinator,
        update=wrong,
        expected_version=measure.version,
        percent="45",
        reason="Se registró el avance de otra medida.",
    )
    wrong.refresh_from_db()
    assert wrong.percent == Decimal("100.00")  # the original figure is kept
    assert wrong.correction == correction and correction.percent == Decimal("45.00")
    assert correction.author == world.home["coordinator"]
    assert services.effective_percent(wrong) == Decimal("45.00")
    measure.refresh_from_db()
    assert measure.progress == Decimal("45.00")
    assert measure.status == MeasureStatus.IN_PROGRESS
    event = AuditEvent.objects.get(action=PlanningAction.PROGRESS_CORRECTED, target_type="planning.progressupdate")
    assert event.changes["percent"] == ["100.00", "45.00"]
    assert event.actor_username == "coordinator.home"
    assert AuditEvent.objects.filter(action=PlanningAction.PROGRESS_CORRECTED, target_type="planning.measure").exists()


def test_correcting_an_older_report_leaves_the_current_progress(world: World, measure: Measure) -> None:
    old = report(measure, "20", reported_on=dt.date(2025, 5, 31))
    report(measure, "60", reported_on=dt.date(2025, 6, 30))
    measure.refresh_from_db()
    version = measure.version
    services.correct_progress(actor=SYSTEM, update=old, expected_version=version, percent="25", reason="Suma mal hecha")
    measure.refresh_from_db()
    assert measure.progress == Decimal("60.00")
    assert measure.version == version + 1  # a form opened before the correction cannot be saved over it


def test_a_correction_is_refused_when_invalid_twice_or_forbidden(
    world: World, measure: Measure, other_area_measure: Measure
) -> None:
    update = report(measure, "70")
    measure.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.correct_progress(
            actor=SYSTEM, update=update, expected_version=measure.version, percent="70", reason=""
        )
    assert set(exc.value.message_dict) == {"percent", "reason"}
    other = report(other_area_measure, "10")
    with pytest.raises(PermissionDenied):
        services.correct_progress(
            actor=actor(world, "area_focal"), update=other, expected_version=None, percent="5", reason="No es mía"
        )
    services.correct_progress(actor=SYSTEM, update=update, expected_version=measure.version, percent="60", reason="Mal")
    measure.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.correct_progress(
            actor=SYSTEM, update=update, expected_version=measure.version, percent="50", reason="Otra vez"
        )
    assert "__all__" in exc.value.message_dict
    assert ProgressCorrection.objects.count() == 1


# --- Pages ----------------------------------------------------------------------------------------
def test_the_progress_form_speaks_the_users_numbers_and_takes_both_separators(world: World, measure: Measure) -> None:
    report(measure, "85")
    focal = login(Client(), world.home["area_focal"])
    url = reverse("planning:progress_create", args=[measure.pk])
    with translation.override("es"):
        html = focal.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'value="85,00"' in html and 'inputmode="decimal"' in html and 'type="number"' not in html
    for typed, stored in (("85,5", Decimal("85.50")), ("90.25", Decimal("90.25"))):
        measure.refresh_from_db()
        response = focal.post(url, {"percent": typed, "justification": "Avance", "version": measure.version})
        assert response.status_code == 302, response.content
        assert ProgressUpdate.objects.filter(measure=measure).first().percent == stored  # type: ignore[union-attr]


def test_the_progress_form_asks_why_progress_goes_down(world: World, measure: Measure) -> None:
    report(measure, "88")
    measure.refresh_from_db()
    focal = login(Client(), world.home["area_focal"])
    url = reverse("planning:progress_create", args=[measure.pk])
    data = {"percent": "40", "justification": "Revisión", "version": measure.version}
    refused = focal.post(url, data)
    assert refused.status_code == 200
    assert "drop_reason" in refused.context["form"].errors
    assert ProgressUpdate.objects.filter(measure=measure).count() == 1
    accepted = focal.post(url, {**data, "drop_reason": "Se anuló una brigada."})
    assert accepted.status_code == 302
    page = focal.get(reverse("planning:measure_detail", args=[measure.pk])).content.decode()
    assert "Se anuló una brigada." in page


def test_a_report_is_corrected_from_the_measure_page(world: World, measure: Measure) -> None:
    wrong = report(measure, "95")
    coordinator = login(Client(), world.home["coordinator"])
    detail = reverse("planning:measure_detail", args=[measure.pk])
    url = reverse("planning:progress_correct", args=[wrong.pk])
    assert url in coordinator.get(detail).content.decode()
    measure.refresh_from_db()
    form = coordinator.get(url)
    assert form.status_code == 200 and 'value="95,00"' in form.content.decode()
    response = coordinator.post(
        url, {"percent": "59,5", "reason": "Se digitó 95 por 59,5.", "version": measure.version}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.progress == Decimal("59.50")
    html = coordinator.get(detail).content.decode()
    assert "<del" in html and "Se digitó 95 por 59,5." in html
    assert url not in html  # corrected once: no second correction offered
    assert coordinator.get(reverse("planning:plan_detail", args=[measure.plan_id])).content.decode().count("<del") == 1


@pytest.mark.parametrize(
    ("role", "home", "expected"),
    [("coordinator", True, 200), ("area_focal", True, 200), ("supervisor", True, 404), ("coordinator", False, 404)],
)
def test_correction_page_access(world: World, measure: Measure, role: str, home: bool, expected: int) -> None:
    update = report(measure, "20")
    user = (world.home if home else world.away)[role]
    client = login(Client(), user)
    url = reverse("planning:progress_correct", args=[update.pk])
    assert client.get(url).status_code == expected
    measure.refresh_from_db()
    client.post(url, {"percent": "10", "reason": "x", "version": measure.version})
    assert ProgressCorrection.objects.exists() == (expected == 200)
    assert Client().get(url).status_code == 302  # anonymous: to the sign-in page


# --- Access matrices -----------------------------------------------------------------------------
WRITERS = {**dict.fromkeys(Role.values, 404), "admin": 200, "coordinator": 200, "area_focal": 200}


def correction_state(measure: Measure):  # type: ignore[no-untyped-def]
    def state() -> tuple[int, int, int]:
        return (
            ProgressCorrection.objects.count(),
            Measure.objects.get(pk=measure.pk).version,
            AuditEvent.objects.count(),
        )

    return state


def test_correction_page_matrix(world: World, measure: Measure) -> None:
    update = report(measure, "30")
    url = reverse("planning:progress_correct", args=[update.pk])
    check_access_matrix(world, url=url, expected=WRITERS)
    # A correction without a reason: whoever may correct sees the form again (200), nothing is
    # written for anybody; the others get 404 before the form is read.
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: {"percent": "25", "reason": "", "version": Measure.objects.get(pk=measure.pk).version},
        expected=WRITERS,
        state=correction_state(measure),
    )


def test_correction_api_matrix(world: World, measure: Measure) -> None:
    update = report(measure, "30")
    # A stale version: whoever may correct is told 409 after the policy check; the others 404.
    check_access_matrix(
        world,
        url=f"/api/v1/planning/updates/{update.pk}/corrections",
        method="post",
        api=True,
        data={"version": 1, "percent": "25", "reason": "Eran 25"},
        expected={**WRITERS, "admin": 409, "coordinator": 409, "area_focal": 409},
        state=correction_state(measure),
    )


# --- API --------------------------------------------------------------------------------------------
def test_api_drop_reason_and_correction(world: World, measure: Measure) -> None:
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home['area_focal'])}"}
    report(measure, "88")
    measure.refresh_from_db()
    url = f"/api/v1/planning/measures/{measure.pk}/updates"
    body = {"version": measure.version, "percent": "40", "justification": "Revisión"}
    refused = client.post(url, body, content_type="application/json", **auth)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "drop_reason"
    created = client.post(
        url, {**body, "drop_reason": "Se anuló una brigada."}, content_type="application/json", **auth
    )
    assert created.status_code == 201, created.content
    assert created.json()["drop_reason"] == "Se anuló una brigada." and created.json()["correction"] is None
    measure.refresh_from_db()
    correct = f"/api/v1/planning/updates/{created.json()['id']}/corrections"
    fixed = client.post(
        correct,
        {"version": measure.version, "percent": "45", "reason": "Eran 45"},
        content_type="application/json",
        **auth,
    )
    assert fixed.status_code == 201, fixed.content
    assert fixed.json()["percent"] == 40.0 and fixed.json()["correction"]["percent"] == 45.0
    listed = client.get(url, **auth).json()["results"][0]
    assert listed["correction"]["reason"] == "Eran 45"
    measure.refresh_from_db()
    assert measure.progress == Decimal("45.00")
    away = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.away['coordinator'])}"}
    hidden = client.post(
        correct, {"version": 1, "percent": "1", "reason": "x"}, content_type="application/json", **away
    )
    assert hidden.status_code == 404
