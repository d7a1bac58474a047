"""The public pages as a citizen and a child read them: where each municipality is, answers late
and on time with their dates, the plan in children's words, and a way in from the landing page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.accountability import selectors
from ronda.accountability.tests.test_accountability import YEAR, make_council_and_body, make_plan
from ronda.core.tenancy import SYSTEM
from ronda.council.models import ChildrenCouncil, CouncilRequest, RequestStatus
from ronda.council.selectors import CHILD_STATUS_LABELS
from ronda.planning.services import plans as plan_services
from ronda.testing import World

pytestmark = pytest.mark.django_db


def late_answer(world: World) -> CouncilRequest:
    return CouncilRequest.objects.create(
        council=ChildrenCouncil.objects.get(org_unit=world.municipality),
        title="Luz en la cancha",
        description="Pedimos focos",
        received_on=dt.date(YEAR, 1, 5),
        due_on=dt.date(YEAR, 2, 4),
        status=RequestStatus.PARTLY_ACCEPTED,
        answer="Pondremos dos focos.",
        answered_on=dt.date(YEAR, 2, 9),
    )


def test_the_index_says_where_each_municipality_is_and_how_far_its_plan_has_come(client: Client, world: World) -> None:
    make_plan(world)
    response = client.get(reverse("accountability:public_index"))
    html = response.content.decode()
    [row] = response.context["units"]
    assert (row.name, row.region, row.country) == ("Municipio A", "Región A", "País A")
    assert row.progress == Decimal("52.00") and row.plan_title == "PLIA de prueba"
    assert "Región A, País A" in html and "52" in html
    assert "max-age=300" in response["Cache-Control"]


def test_the_index_shows_no_progress_of_a_newer_draft(world: World) -> None:
    make_plan(world)
    plan_services.create_plan(
        actor=SYSTEM,
        org_unit=world.municipality,
        title="Borrador siguiente",
        period_start=dt.date(2029, 1, 1),
        period_end=dt.date(2032, 12, 31),
    )
    [row] = selectors.public_municipality_list()
    assert row.progress is None and row.plan_title == ""


def test_late_answers_are_marked_like_answers_on_time(client: Client, world: World) -> None:
    make_plan(world)
    make_council_and_body(world)
    late_answer(world)
    response = client.get(reverse("accountability:public_plan", args=[world.municipality.code]))
    answers = {a.title: a for a in response.context["answers"]}
    late, on_time = answers["Luz en la cancha"], answers["Más juegos en el parque"]
    assert late.answered_late and not late.answered_on_time and late.days_late == 5
    assert on_time.answered_on_time and not on_time.answered_late and on_time.days_late == 0
    html = response.content.decode()
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("answered late") in html
        assert translation.gettext("answered on time") in html
    assert html.count('class="badge warn"') == 1  # the late one only


def test_the_childrens_page_speaks_their_words(client: Client, world: World) -> None:
    make_plan(world)
    make_council_and_body(world)
    response = client.get(reverse("accountability:public_children", args=[world.municipality.code]))
    html = response.content.decode()
    [line] = response.context["lines"]
    with translation.override(settings.LANGUAGE_CODE):
        assert line.title == str(selectors.CHILD_LINE_TITLES["services"])
        assert line.title in html and "Línea uno" in html  # the plan's own title under it
        # The things we are doing are listed, with their status in children's words.
        assert len(line.things) >= 1
        for thing in line.things:
            assert thing.title in html and thing.status_label in html
        assert str(CHILD_STATUS_LABELS[RequestStatus.ACCEPTED]) in html
    assert str(RequestStatus.ACCEPTED.label) not in html  # not the file's status
    assert "Valentina" not in html and "Pedido sin responder" not in html
    assert "max-age=300" in response["Cache-Control"]


def test_cancelled_measures_are_not_things_we_are_doing(world: World) -> None:
    from ronda.planning.models import Measure, MeasureStatus

    plan = make_plan(world)
    total = Measure.objects.filter(plan=plan).count()
    Measure.objects.filter(pk=Measure.objects.filter(plan=plan).first().pk).update(status=MeasureStatus.CANCELLED)  # type: ignore[union-attr]
    page = selectors.public_page(selectors.public_municipality(world.municipality.code))  # type: ignore[arg-type]
    assert page.overview is not None
    assert sum(len(line.things) for line in selectors.children_lines(page.overview)) == total - 1


def test_the_landing_page_leads_to_the_public_pages(client: Client) -> None:
    html = client.get("/").content.decode()
    assert f'href="{reverse("accountability:public_index")}"' in html


def test_a_region_named_like_its_municipality_is_said_once(world: World) -> None:
    make_plan(world)
    world.region.name = "Municipio A"  # the canton of Loja in the province of Loja
    world.region.save(update_fields=["name"])
    [row] = selectors.public_municipality_list()
    assert (row.name, row.region, row.country) == ("Municipio A", "", "País A")
