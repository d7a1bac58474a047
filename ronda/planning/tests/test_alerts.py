"""Issue #13 item 8: plan alerts — measures past their end date, without a progress report for N weeks,
milestones overdue, budget executed far ahead of progress — on the plan page, the home pages of the
coordinator and the focal point, and the weekly digest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format

from ronda.core import schedule
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.notifications import services as notification_services
from ronda.notifications.models import EmailStatus, OutgoingEmail
from ronda.planning import alerts, schedules, services
from ronda.planning import notifications as kinds
from ronda.planning.models import LocalPlan, Measure, MeasureBudget, PlanningAction, PlanStatus
from ronda.planning.tests.coresp_world import NOW, TODAY, act
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

NOBODY = {role: 404 for role in Role.values}
READERS = {
    **NOBODY,
    Role.ADMIN: 200,
    Role.SECRETARIAT: 200,
    Role.COORDINATOR: 200,
    Role.SUPERVISOR: 200,
    Role.ANALYST: 200,
}
CHANGE = services.ChangeRecord(what="Hito", why="Seguimiento", approved_by="Concejo Municipal")
MONDAY_MORNING = dt.datetime(2026, 6, 15, 13, 30, tzinfo=dt.UTC)  # 07:30 in Costa Rica


def _kinds(found: list[alerts.PlanAlert]) -> set[tuple[str, str]]:
    return {(a.kind, a.measure.split()[0]) for a in found}


@pytest.fixture
def troubled(plan: LocalPlan, measure: Measure, other_area_measure: Measure) -> LocalPlan:
    """M-1 (Salud): reported last week, a milestone overdue, 60 % of its budget spent at 20 %.
    M-2 (Educación): ended last month, never reported."""
    services.record_progress(
        actor=SYSTEM,
        measure=measure,
        expected_version=None,
        percent="20",
        justification="Avance",
        reported_on=TODAY - dt.timedelta(days=7),
    )
    MeasureBudget.objects.filter(measure=measure, year=2025).update(executed=Decimal("600"))
    services.add_milestone(actor=SYSTEM, measure=measure, title="Brigada", due_on=TODAY.replace(day=1), change=CHANGE)
    Measure.objects.filter(pk=other_area_measure.pk).update(end_date=TODAY.replace(month=5))
    return plan


def test_the_plan_alerts_in_one_query(
    at_today: Any, world: World, troubled: LocalPlan, django_assert_num_queries: Any
) -> None:
    coordinator = act(world.home[Role.COORDINATOR])
    alerts.plan_alerts(coordinator, troubled)  # warm what a process reads once
    with django_assert_num_queries(1):
        found = alerts.plan_alerts(coordinator, troubled)
    assert _kinds(found) == {
        (alerts.OVERDUE, "M-2"),
        (alerts.STALE, "M-2"),
        (alerts.MILESTONE, "M-1"),
        (alerts.BUDGET_AHEAD, "M-1"),
    }
    assert [a.kind for a in found] == [alerts.OVERDUE, alerts.MILESTONE, alerts.BUDGET_AHEAD, alerts.STALE]
    budget = next(a for a in found if a.kind == alerts.BUDGET_AHEAD)
    assert budget.message == "60 % of its budget executed at 20 % progress."
    stale = next(a for a in found if a.kind == alerts.STALE)
    started = date_format(dt.date(2025, 2, 1), "SHORT_DATE_FORMAT")
    assert stale.message == f"No progress report since it started on {started}."


def test_the_focal_point_gets_their_own_measures_alerts(at_today: Any, world: World, troubled: LocalPlan) -> None:
    focal = act(world.home[Role.AREA_FOCAL])
    assert _kinds(alerts.actor_alerts(focal)) == {(alerts.MILESTONE, "M-1"), (alerts.BUDGET_AHEAD, "M-1")}
    assert alerts.actor_alerts(act(world.away[Role.AREA_FOCAL])) == []
    assert alerts.actor_alerts(act(world.away[Role.COORDINATOR])) == []


def test_thresholds_and_plans_not_under_way(at_today: Any, world: World, troubled: LocalPlan, measure: Measure) -> None:
    coordinator = act(world.home[Role.COORDINATOR])
    # More than BUDGET_AHEAD_POINTS (30) ahead is an alert: 51 % spent at 20 % is, 50 % is not.
    MeasureBudget.objects.filter(measure=measure, year=2025).update(executed=Decimal("510"))
    assert (alerts.BUDGET_AHEAD, "M-1") in _kinds(alerts.plan_alerts(coordinator, troubled))
    MeasureBudget.objects.filter(measure=measure, year=2025).update(executed=Decimal("500"))
    assert (alerts.BUDGET_AHEAD, "M-1") not in _kinds(alerts.plan_alerts(coordinator, troubled, today=TODAY))
    # Stale after the plan's weeks: M-1 was reported 7 days ago.
    LocalPlan.objects.filter(pk=troubled.pk).update(stale_weeks=1)
    troubled.refresh_from_db()
    assert (alerts.STALE, "M-1") in _kinds(
        alerts.plan_alerts(coordinator, troubled, today=TODAY + dt.timedelta(days=1))
    )
    LocalPlan.objects.filter(pk=troubled.pk).update(status=PlanStatus.DRAFT)
    troubled.refresh_from_db()
    assert alerts.plan_alerts(coordinator, troubled) == []


def test_the_plan_weeks_are_set_by_its_managers(at_today: Any, world: World, plan: LocalPlan) -> None:
    coordinator = act(world.home[Role.COORDINATOR])
    for weeks in (0, 53, None):
        with pytest.raises(ValidationError) as refused:
            services.set_stale_weeks(actor=coordinator, plan=plan, expected_version=plan.version, weeks=weeks)
        assert refused.value.message_dict == {"stale_weeks": ["Enter a number of weeks from 1 to 52."]}
    assert LocalPlan.objects.get(pk=plan.pk).stale_weeks == 8
    changed = services.set_stale_weeks(actor=coordinator, plan=plan, expected_version=plan.version, weeks=4)
    assert changed.stale_weeks == 4 and changed.version == plan.version + 1
    from ronda.core.models import AuditEvent

    assert AuditEvent.objects.filter(action=PlanningAction.ALERT_SETTINGS_CHANGED).count() == 1


def test_the_alerts_page_and_its_settings(at_today: Any, world: World, troubled: LocalPlan) -> None:
    url = reverse("planning:plan_alerts", args=[troubled.pk])
    check_access_matrix(world, url=url, expected=READERS)

    def weeks() -> list[int]:
        return list(LocalPlan.objects.values_list("stale_weeks", flat=True))

    # Each manager's POST is a new setting (302); everybody else is refused and nothing changes.
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: {"stale_weeks": "6", "version": LocalPlan.objects.get(pk=troubled.pk).version},
        expected={**NOBODY, Role.ADMIN: 302, Role.COORDINATOR: 302},
        state=weeks,
    )
    assert LocalPlan.objects.get(pk=troubled.pk).stale_weeks == 6
    page = login(Client(), world.home[Role.COORDINATOR]).get(url).content.decode()
    assert "Medida M-2" in page and "Pasó su fecha de término" in page
    plan_page = login(Client(), world.home[Role.COORDINATOR]).get(reverse("planning:plan_detail", args=[troubled.pk]))
    assert "Hito vencido" in plan_page.content.decode()


def test_the_alerts_api(at_today: Any, world: World, troubled: LocalPlan) -> None:
    url = f"/api/v1/planning/plans/{troubled.pk}/alerts"
    check_access_matrix(world, url=url, expected=READERS, api=True)
    from ronda.testing import api_token

    answer = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {api_token(world.home[Role.COORDINATOR])}").json()
    assert answer["stale_weeks"] == 8 and len(answer["alerts"]) == 4
    assert {a["kind"] for a in answer["alerts"]} == {"overdue", "stale", "milestone", "budget_ahead"}


def test_the_home_panels(at_today: Any, world: World, troubled: LocalPlan) -> None:
    # The home page holds a placeholder that htmx fills from planning:home_alerts (no query of its own).
    url = reverse("planning:home_alerts")
    for role, shown in ((Role.COORDINATOR, True), (Role.AREA_FOCAL, True), (Role.ANALYST, False)):
        home = login(Client(), world.home[role]).get(reverse("core:home")).content.decode()
        assert (f'hx-get="{url}"' in home) is shown, role
    check_access_matrix(
        world,
        url=url,
        expected={**NOBODY, Role.COORDINATOR: 200, Role.AREA_FOCAL: 200},
        away={
            Role.COORDINATOR: 200,
            Role.AREA_FOCAL: 200,  # their own alerts elsewhere (none here)
        },
    )
    htmx = {"HTTP_HX_REQUEST": "true"}
    coordinator = login(Client(), world.home[Role.COORDINATOR]).get(url, **htmx).content.decode()
    assert "Alertas del plan" in coordinator and "Medida M-2" in coordinator and "Medida M-1" in coordinator
    assert "<html" not in coordinator  # the panel alone
    focal = login(Client(), world.home[Role.AREA_FOCAL]).get(url, **htmx).content.decode()
    assert "Medida M-1" in focal and "Medida M-2" not in focal
    away = login(Client(), world.away[Role.COORDINATOR]).get(url, **htmx).content.decode()
    assert "Medida M-" not in away


# --- The weekly digest -------------------------------------------------------------------------------
def test_the_weekly_digest_goes_out_on_monday_morning_once(
    at_today: Any, world: World, troubled: LocalPlan, django_capture_on_commit_callbacks: Any
) -> None:
    at_today.move_to(MONDAY_MORNING - dt.timedelta(hours=1))  # 06:30 in the municipality: not yet
    assert schedules.weekly_digest.call() == 0
    at_today.move_to(MONDAY_MORNING)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules.weekly_digest.call() == 2  # the coordinator and the focal point of Salud
    by_address = {m.to[0]: m for m in mail.outbox}
    coordinator = by_address[world.home[Role.COORDINATOR].email]
    assert coordinator.subject == "Ronda: las alertas del plan local esta semana"
    assert "M-2 Medida M-2" in coordinator.body and "Medidas que pasaron su fecha de término" in coordinator.body
    focal = by_address[world.home[Role.AREA_FOCAL].email]
    assert "M-1 Medida M-1" in focal.body and "M-2" not in focal.body
    assert set(OutgoingEmail.objects.values_list("kind", "status")) == {(kinds.WEEKLY_DIGEST, EmailStatus.SENT)}
    # Once a week: the next hourly runs of the day, and Tuesday, send nothing.
    at_today.move_to(MONDAY_MORNING + dt.timedelta(hours=3))
    assert schedules.weekly_digest.call() == 0
    at_today.move_to(MONDAY_MORNING + dt.timedelta(days=1))
    assert schedules.weekly_digest.call() == 0
    assert len(mail.outbox) == 2
    assert "planning.weekly_digest" in {job.name for job in schedule.registry.jobs()}


def test_the_digest_follows_the_municipality_clock_and_the_person_choice(
    at_today: Any, world: World, troubled: LocalPlan
) -> None:
    # Ecuador is an hour ahead of Costa Rica in June: 07:30 there is 06:30 in San José.
    world.country.time_zone = "America/Guayaquil"
    world.country.save(update_fields=["time_zone"])
    notification_services.set_preferences(actor=act(world.home[Role.AREA_FOCAL]), choices={kinds.WEEKLY_DIGEST: False})
    assert schedules.send_weekly_digest(now=MONDAY_MORNING - dt.timedelta(hours=2)) == 0  # 06:30 in Quito
    assert schedules.send_weekly_digest(now=MONDAY_MORNING - dt.timedelta(hours=1)) == 1  # only the coordinator
    skipped = OutgoingEmail.objects.get(recipient=world.home[Role.AREA_FOCAL])
    assert (skipped.status, skipped.body) == (EmailStatus.SKIPPED, "")
    assert schedules.send_weekly_digest(now=MONDAY_MORNING) == 0
    assert OutgoingEmail.objects.count() == 2


def test_nothing_to_say_no_digest(at_today: Any, world: World, plan: LocalPlan) -> None:
    Measure.objects.filter(plan=plan).update(progress_updated_on=TODAY, status="completed")
    assert schedules.send_weekly_digest(now=MONDAY_MORNING) == 0
    assert not OutgoingEmail.objects.exists()
    assert NOW < MONDAY_MORNING
