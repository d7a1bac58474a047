"""Ordered objective choices, the reports page's default period, and the limits on long texts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.accountability.views import default_period
from ronda.core.tenancy import SYSTEM
from ronda.planning import limits, services
from ronda.planning.forms import FindingForm, MeasureForm, ProgressForm
from ronda.planning.models import LocalPlan, Measure
from ronda.testing import World, api_token, login

pytestmark = pytest.mark.django_db


def test_the_objective_choices_are_ordered_by_line_then_objective(world: World, education) -> None:  # type: ignore[no-untyped-def]
    from ronda.planning.tests.conftest import build_plan

    plan = build_plan(world.municipality, world.area, education, approve=False)
    # The fixture's line 1 has objective 1.1; add lines 2 and 3, then a second objective to each line.
    lines = [plan.lines.get()]
    for title in ("Participación", "Protección"):
        line = services.create_line(actor=SYSTEM, plan=plan, title=title, goal_area="participation")
        services.create_objective(actor=SYSTEM, line=line, title=f"{title} uno")
        lines.append(line)
    for line in lines:
        services.create_objective(actor=SYSTEM, line=line, title=f"{line.title} dos")
    form = MeasureForm(plan=plan)
    labels = [label for value, label in form.fields["objective"].choices if value]
    numbers = [label.split(" ", 1)[0] for label in labels]
    assert numbers == sorted(numbers, key=lambda n: tuple(int(p) for p in n.split(".")))
    assert len(numbers) == 6 and numbers[0] == "1.1" and numbers[1] == "1.2"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 12, 15), (2026, 2)),  # in December: this year's second semester, not 2025's first
        (dt.date(2027, 3, 2), (2027, 1)),
        (dt.date(2031, 5, 1), (2028, 2)),  # after the plan: its last period
        (dt.date(2024, 5, 1), (2025, 1)),  # before it starts: its first
    ],
)
def test_the_reports_page_defaults_to_the_current_or_last_period(
    plan: LocalPlan, today: dt.date, expected: tuple[int, int]
) -> None:
    assert default_period(plan, today) == expected


def test_the_reports_page_selects_the_default(world: World, plan: LocalPlan) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 15, 15, tzinfo=dt.UTC), tick=False):
        client = login(Client(), world.home["coordinator"])
        html = client.get(reverse("accountability:report_plan", args=[plan.pk])).content.decode()
    assert '<option value="2026" selected>' in html and '<option value="2025">' in html
    assert '<option value="2" selected>' in html and '<option value="1">' in html


# --- Limits on long texts -------------------------------------------------------------------------
def test_forms_limit_long_texts_and_count_a_newline_once() -> None:
    text = "a\r\n" * (limits.DESCRIPTION // 2)
    form = FindingForm({"goal_area": "services", "text": text})
    assert form.is_valid(), form.errors
    assert "\r" not in form.cleaned_data["text"]
    too_long = FindingForm({"goal_area": "services", "text": "a" * (limits.DESCRIPTION + 1)})
    assert not too_long.is_valid() and "text" in too_long.errors
    progress = ProgressForm({"percent": "10", "justification": "x" * (limits.NOTE + 1), "version": 1})
    assert not progress.is_valid() and "justification" in progress.errors


def test_services_refuse_texts_over_their_limit(world: World, plan: LocalPlan, measure: Measure) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.record_progress(
            actor=SYSTEM,
            measure=measure,
            expected_version=measure.version,
            percent="10",
            justification="x" * (limits.NOTE + 1),
        )
    assert exc.value.message_dict["justification"] == ["Shorten this text to 2,000 characters at most (it has 2,001)."]
    with pytest.raises(ValidationError) as exc:
        services.update_measure(
            actor=SYSTEM,
            measure=measure,
            expected_version=measure.version,
            description="d" * (limits.DESCRIPTION + 1),
            change=services.ChangeRecord(why="w" * (limits.NOTE + 1), approved_by="Concejo"),
        )
    assert "description" in exc.value.message_dict
    assert plan.situation_analysis is not None
    with pytest.raises(ValidationError) as exc:
        services.add_finding(
            actor=SYSTEM, analysis=plan.situation_analysis, goal_area="services", text="t" * (limits.DESCRIPTION + 1)
        )
    assert "text" in exc.value.message_dict


def test_the_api_refuses_texts_over_their_limit(world: World, measure: Measure) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home['coordinator'])}"}
    response = Client().post(
        f"/api/v1/planning/measures/{measure.pk}/updates",
        {"version": measure.version, "percent": "10", "justification": "x" * (limits.NOTE + 1)},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "justification"
    patch = Client().patch(
        f"/api/v1/planning/measures/{measure.pk}",
        {"version": measure.version, "description": "d" * (limits.DESCRIPTION + 1)},
        content_type="application/json",
        **auth,
    )
    assert patch.status_code == 422
    measure.refresh_from_db()
    assert measure.description == ""


def test_long_text_fields_carry_a_counter(world: World, measure: Measure) -> None:
    html = login(Client(), world.home["area_focal"]).get(reverse("planning:progress_create", args=[measure.pk]))
    page = html.content.decode()
    assert f'maxlength="{limits.NOTE}"' in page
    assert 'data-counter="id_justification"' in page and "{count}" in page
