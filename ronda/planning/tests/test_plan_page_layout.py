"""The plan page on a phone: a summary of progress first, then lines and objectives that collapse
(first line open), and measure tables that share one set of column widths."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.models import LocalPlan
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world: World, education: Area) -> LocalPlan:
    """A plan still in draft with two lines, so lines can be added without a change record."""
    plan = build_plan(world.municipality, world.area, education, approve=False)
    second = services.create_line(actor=SYSTEM, plan=plan, title="Participación infantil", goal_area="participation")
    services.create_objective(actor=SYSTEM, line=second, title="Escuchar a los niños")
    return plan


def page(world: World, plan: LocalPlan, **query: object) -> str:
    client = login(Client(), world.home["coordinator"])
    return client.get(reverse("planning:plan_detail", args=[plan.pk]), query).content.decode()


def test_lines_and_objectives_collapse_with_a_summary_first(world: World, draft: LocalPlan) -> None:
    html = page(world, draft)
    first, second = draft.lines.order_by("order")

    summary = html.index('class="line-summary"')
    assert 'role="region"' in html[summary - 200 : summary] and 'tabindex="0"' in html[summary - 200 : summary]
    # The summary links to every line, and comes before the first line.
    for line in (first, second):
        assert f'href="#line-{line.pk}"' in html[summary:]
    assert summary < html.index('<details class="panel plan-line"')

    lines = re.findall(r'<details class="panel plan-line" id="line-(\d+)"( open)?>', html)
    assert lines == [(str(first.pk), " open"), (str(second.pk), "")]
    objectives = re.findall(r'<details class="plan-objective"( open)?>', html)
    assert objectives == [" open", ""]  # the first line's objectives open, the others closed
    # Each line's and objective's title is the summary of its <details>, with its progress.
    assert re.search(r"<summary><h3>1\. Servicios esenciales</h3>", html)


def test_a_filter_opens_every_line_it_shows(world: World, draft: LocalPlan) -> None:
    html = page(world, draft, status="not_started")
    assert '<details class="panel plan-line"' in html
    assert all(flag == " open" for flag in re.findall(r'<details class="panel plan-line" id="line-\d+"( open)?>', html))


def test_measure_tables_share_fixed_column_widths(world: World, plan: LocalPlan) -> None:
    html = page(world, plan)
    table = html[html.index('class="responsive plan-measures"') :]
    colgroup = table[table.index("<colgroup>") : table.index("</colgroup>")]
    assert colgroup.count("<col ") == 7  # one per column of the table
