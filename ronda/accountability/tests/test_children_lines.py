"""The children's page names the plan's lines in their words and says what the things being done
are: the line's title for children, else its goal area's words, else its title; every measure
status in children's words; the list of the lines the page counts."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.accountability import selectors
from ronda.accountability.tests.test_accountability import make_plan
from ronda.core.tenancy import SYSTEM
from ronda.planning.contracts import LineFacts
from ronda.planning.models import LocalPlan, MeasureStatus, StrategicLine
from ronda.planning.services import ChangeRecord
from ronda.planning.services import plans as plan_services
from ronda.planning.services import structure as structure_services
from ronda.testing import World

pytestmark = pytest.mark.django_db

CHANGE = ChangeRecord(why="Palabras para niñas y niños", approved_by="Mesa técnica")
KIDS = "Que tengas médico, escuela y quien te cuide"


def _children_page(client: Client, world: World) -> tuple[str, object]:
    response = client.get(reverse("accountability:public_children", args=[world.municipality.code]))
    assert response.status_code == 200
    return response.content.decode(), response.context["lines"]


def test_the_title_for_children_comes_first_then_the_goal_area_then_the_title() -> None:
    line = LineFacts(pk=1, order=1, title="Servicios esenciales", goal_area="services", child_title=KIDS)
    assert selectors.child_line_title(line) == KIDS
    without = LineFacts(pk=1, order=1, title="Servicios esenciales", goal_area="services")
    assert selectors.child_line_title(without) == str(selectors.CHILD_LINE_TITLES["services"])
    blank = LineFacts(pk=1, order=1, title="Servicios esenciales", goal_area="services", child_title="  ")
    assert selectors.child_line_title(blank) == str(selectors.CHILD_LINE_TITLES["services"])
    unknown = LineFacts(pk=1, order=1, title="Servicios esenciales", goal_area="")
    assert selectors.child_line_title(unknown) == "Servicios esenciales"


def test_every_measure_status_has_words_for_children() -> None:
    assert set(selectors.CHILD_MEASURE_STATUS) == set(MeasureStatus.values)
    labels = {str(label) for label in selectors.CHILD_MEASURE_STATUS.values()}
    assert len(labels) == len(MeasureStatus.values)  # each says something of its own
    assert not labels & {str(label) for label in MeasureStatus.labels}  # never the plan's word


def test_the_childrens_page_uses_the_title_for_children(client: Client, world: World) -> None:
    plan = make_plan(world)
    line = StrategicLine.objects.get(plan=plan)
    structure_services.update_line(
        actor=SYSTEM,
        line=line,
        expected_version=line.version,
        title=line.title,
        goal_area=line.goal_area,
        child_title=KIDS,
        change=CHANGE,
    )
    html, lines = _children_page(client, world)
    [child] = lines  # type: ignore[misc]
    assert child.title == KIDS and child.plan_title == "Línea uno"
    assert f'<h3 id="kid-line-{line.pk}">{KIDS}</h3>' in html
    with translation.override(settings.LANGUAGE_CODE):
        assert str(selectors.CHILD_LINE_TITLES["services"]) not in html


def test_the_childrens_page_says_what_the_things_we_are_doing_are(client: Client, world: World) -> None:
    plan = make_plan(world)
    second = plan_services.create_line(
        actor=SYSTEM,
        plan=LocalPlan.objects.get(pk=plan.pk),
        title="Participación",
        goal_area="participation",
        child_title="Te escuchamos",
        change=CHANGE,
    )
    html, lines = _children_page(client, world)
    first_line = StrategicLine.objects.get(plan=plan, title="Línea uno")
    with translation.override(settings.LANGUAGE_CODE):
        intro = translation.ngettext("We are working on %(n)s big thing:", "We are working on %(n)s big things:", 2) % {
            "n": 2
        }
        goal_words = str(selectors.CHILD_LINE_TITLES["services"])
        things = translation.ngettext("%(n)s thing we are doing", "%(n)s things we are doing", 2) % {"n": 2}
    assert intro in html
    # The list of the lines counted, in children's words, each leading to its card.
    listed = re.search(r'<ol class="kid-lines"[^>]*>(.*?)</ol>', html, re.S)
    assert listed is not None
    assert re.findall(r'<li><a href="#kid-line-(\d+)">(.*?)</a></li>', listed.group(1)) == [
        (str(first_line.pk), goal_words),
        (str(second.pk), "Te escuchamos"),
    ]
    # Each line's things are there to read, not folded away under their count.
    assert "<details" not in html
    assert things in html
    [first, _second] = lines  # type: ignore[misc]
    for thing in first.things:
        assert f"<li>{thing.title}: <strong>{thing.status_label}</strong></li>" in html
