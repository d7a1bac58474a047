"""The supervisor's overview and the home panels (issue #11 items 3 and 7): who sees them, what they
count, the access events of the rows that name a child, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.cases import policies_cases, selectors_supervision, services
from ronda.cases.models import Case, CasePlan, CaseViolation, PlanStatus, Referral, Task, Visit
from ronda.cases.tests.factories import act, make_case, make_child
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.territory.models import OrgUnit
from ronda.testing import World, assert_queries_do_not_grow, check_access_matrix, login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


def _overdue_task(case: Case, days: int = 2) -> Task:
    task = Task.objects.filter(case=case).first()
    assert task is not None  # opening a case plans the first visit as a task
    Task.objects.filter(pk=task.pk).update(due_on=TODAY - dt.timedelta(days=days))
    return task


def _away_case(world: World) -> Case:
    """A case of the neighbouring municipality (where the away supervisor and defender act)."""
    defender = world.away[Role.DEFENDER]
    child = services.register_child(
        actor=act(defender),
        confirmed_new=True,
        first_names="Marlene",
        paternal_surname="Pucha",
        sex="female",
        birth_date=dt.date(TODAY.year - 7, 1, 2),
        community=OrgUnit.objects.get(code="A-M2-C"),
    )
    return make_case(world, child=child, by=defender)


def test_overview_access_matrix(world: World) -> None:
    _overdue_task(make_case(world))
    _overdue_task(_away_case(world))
    check_access_matrix(
        world,
        url=reverse("cases:supervision"),
        expected=only({"supervisor": 200}),
        away={"supervisor": 200},
        personal=True,
    )


def test_overview_counts_and_lists(world: World, settings: object) -> None:
    high = make_case(world, risk="high")
    low = make_case(world, risk="low", child=make_child(world, first_names="Ana Lucía"))
    physical = make_case(world, types=("physical",), child=make_child(world, first_names="Bryan"))
    _overdue_task(high, days=3)
    Visit.objects.create(case=low, planned_for=TODAY - dt.timedelta(days=1))
    Visit.objects.create(case=low, planned_for=TODAY + dt.timedelta(days=1))  # not overdue
    CaseViolation.objects.filter(case=physical).update(referral_due_at=timezone.now() - dt.timedelta(hours=1))
    CasePlan.objects.create(case=high, goal="Plan", status=PlanStatus.SUBMITTED, submitted_at=timezone.now())
    Case.objects.filter(pk=low.pk).update(closure_requested_at=timezone.now())
    Referral.objects.create(
        case=physical, institution=world.institution, reason="x", sent_on=TODAY - dt.timedelta(days=20)
    )
    Referral.objects.create(case=high, institution=world.institution, reason="x", sent_on=TODAY - dt.timedelta(days=3))
    supervisor = act(world.home[Role.SUPERVISOR])

    data = selectors_supervision.overview(supervisor, today=TODAY)

    assert data.grid == {("registered", "high"): 1, ("registered", "low"): 1, ("registered", "medium"): 1}
    assert data.total == 3
    assert [r.number for r in data.overdue_tasks.rows] == [high.number]
    assert [r.number for r in data.overdue_visits.rows] == [low.number]
    assert [r.number for r in data.overdue_referrals.rows] == [physical.number]
    assert [r.number for r in data.plans_waiting.rows] == [high.number]
    assert [r.number for r in data.closures_waiting.rows] == [low.number]
    assert [r.number for r in data.without_feedback.rows] == [physical.number]  # 20 days > 15
    assert data.overdue_tasks.rows[0].child == "Xiomara Belén Quizhpe Sarango"
    [load] = data.caseload
    assert (load.open, load.high_risk, load.overdue_tasks) == (3, 1, 1)

    settings.RONDA_REFERRAL_FEEDBACK_DAYS = 30  # type: ignore[attr-defined]
    assert not selectors_supervision.overview(supervisor, today=TODAY).without_feedback.rows


def test_overview_logs_each_child_shown_once(world: World) -> None:
    case = make_case(world)
    _overdue_task(case)
    Visit.objects.create(case=case, planned_for=TODAY - dt.timedelta(days=1))  # the same case twice
    other = make_case(world, child=make_child(world, first_names="Ana"))  # not in any list
    supervisor = world.home[Role.SUPERVISOR]
    client = login(Client(), supervisor)

    response = client.get(reverse("cases:supervision"))

    assert response.status_code == 200
    assert "Xiomara Belén Quizhpe Sarango" in response.content.decode()
    events = AccessEvent.objects.filter(actor=supervisor, purpose=policies_cases.CASE_LIST_PURPOSE)
    assert list(events.values_list("target_id", flat=True)) == [str(case.pk)]
    assert not events.filter(target_id=str(other.pk)).exists()
    assert len(response.content) < 100_000


def test_overview_masks_nothing_for_the_supervisor_and_shows_another_municipality_nothing(world: World) -> None:
    sensitive = make_case(world, types=("sexual",))
    _overdue_task(sensitive)
    home = selectors_supervision.overview(act(world.home[Role.SUPERVISOR]), today=TODAY)
    away = selectors_supervision.overview(act(world.away[Role.SUPERVISOR]), today=TODAY)
    assert home.overdue_tasks.rows[0].child != policies_cases.MASKED
    assert away.total == 0 and not away.overdue_tasks.rows and not away.caseload


def test_overview_queries_do_not_grow(world: World) -> None:
    names = iter(f"Niña{i}" for i in range(100))

    def add_rows(n: int) -> None:
        for _i in range(n):
            case = make_case(world, types=("physical",), child=make_child(world, first_names=next(names)))
            _overdue_task(case)
            Visit.objects.create(case=case, planned_for=TODAY - dt.timedelta(days=1))
            CaseViolation.objects.filter(case=case).update(referral_due_at=timezone.now() - dt.timedelta(hours=1))
            CasePlan.objects.create(case=case, status=PlanStatus.SUBMITTED, submitted_at=timezone.now())
            Case.objects.filter(pk=case.pk).update(closure_requested_at=timezone.now())
            Referral.objects.create(
                case=case, institution=world.institution, reason="x", sent_on=TODAY - dt.timedelta(days=30)
            )

    client = login(Client(), world.home[Role.SUPERVISOR])
    assert_queries_do_not_grow(client, reverse("cases:supervision"), add_rows, ceiling=40)


def test_home_panel_of_a_defender(world: World) -> None:
    mine = make_case(world)
    task = _overdue_task(mine)
    soon = make_case(world, child=make_child(world, first_names="Ana"))  # first visit due within 7 days
    Task.objects.filter(case=soon).update(due_on=TODAY + dt.timedelta(days=3), title="Llamar a la escuela")
    physical = make_case(world, types=("physical",), child=make_child(world, first_names="Bryan"))
    CaseViolation.objects.filter(case=physical).update(referral_due_at=timezone.now() - dt.timedelta(hours=1))
    Task.objects.filter(case=physical).update(due_on=TODAY + dt.timedelta(days=8))  # beyond the 7 days
    _away_case(world)
    defender = world.home[Role.DEFENDER]

    summary = selectors_supervision.home_summary(act(defender), today=TODAY)

    assert [t.number for t in summary.overdue_tasks] == [mine.number]
    assert [t.title for t in summary.due_soon] == ["Llamar a la escuela"]
    assert [o.number for o in summary.overdue_referrals] == [physical.number]
    assert summary.by_state == [("Registered", 3)] or summary.by_state == [("Registrado", 3)]

    before = AccessEvent.objects.filter(actor=defender).count()
    page = login(Client(), defender).get(reverse("core:home"))
    content = page.content.decode()
    assert page.status_code == 200
    assert task.title in content and "Llamar a la escuela" in content and mine.number in content
    assert "Quizhpe" not in content  # the panel names no child, so it logs no read
    assert AccessEvent.objects.filter(actor=defender).count() == before


def test_home_panel_not_for_roles_without_cases(world: World) -> None:
    _overdue_task(make_case(world))
    for role in (Role.COORDINATOR, Role.ANALYST, Role.AREA_FOCAL, Role.ADMIN):
        content = login(Client(), world.home[role]).get(reverse("core:home")).content.decode()
        assert 'id="cases-home-h"' not in content, role
    supervisor_page = login(Client(), world.home[Role.SUPERVISOR]).get(reverse("core:home")).content.decode()
    assert 'id="cases-home-h"' in supervisor_page
