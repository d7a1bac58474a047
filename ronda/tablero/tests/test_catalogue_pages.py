"""The catalogue's pages: lists with search and filters, forms that create and edit through the
services (audited), the formula's live check, the archive, and lists whose queries do not grow."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.tablero import services
from ronda.tablero.models import Category, CategoryCombo, DataElement, Indicator, IndicatorFormula
from ronda.tablero.tests.catalogue_world import Catalogue, add_elements, build_catalogue, new_code
from ronda.testing import World, assert_queries_do_not_grow, login

pytestmark = pytest.mark.django_db

CONFLICT = "Otra persona modificó este registro mientras usted lo editaba."


@pytest.fixture
def cat(world: World) -> Catalogue:
    return build_catalogue(world)


def client_of(world: World, role: str) -> Client:
    return login(Client(), world.home[role])


def created(target: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk), action="create")
    )


def test_a_coordinator_creates_in_the_municipality(world: World, cat: Catalogue) -> None:
    response = client_of(world, "coordinator").post(
        reverse("tablero:catalogue_create", args=["elementos"]),
        {
            "code": "TALLER",
            "name": "Talleres realizados",
            "value_type": "INTEGER_ZERO_OR_POSITIVE",
            "aggregation_type": "SUM",
            "category_combo": cat.combo.pk,  # a national disaggregation may be used
            "goal_area": "participation",
            "maximum": "100",
        },
    )
    element = DataElement.objects.get(code="TALLER")
    assert response.status_code == 302 and response.url == reverse(
        "tablero:catalogue_detail", args=["elementos", element.pk]
    )
    assert element.owner == world.municipality and element.category_combo == cat.combo
    [event] = created(element)
    assert event.actor_username == "coordinator.home"


def test_a_municipal_form_refuses_a_national_code(world: World, cat: Catalogue) -> None:
    response = client_of(world, "coordinator").post(
        reverse("tablero:catalogue_create", args=["elementos"]),
        {"code": "VAC", "name": "Copia", "value_type": "INTEGER", "aggregation_type": "SUM"},
    )
    assert response.status_code == 200
    assert not DataElement.objects.filter(owner=world.municipality, code="VAC").exists()
    assert response.context["form"].errors["code"]


def test_an_invalid_formula_is_shown_in_spanish(world: World, cat: Catalogue) -> None:
    response = client_of(world, "secretariat").post(
        reverse("tablero:catalogue_create", args=["indicadores"]),
        {
            "code": "MAL",
            "name": "Mal",
            "numerator": "#{VAC} +",
            "denominator": "1",
            "factor": "1",
            "decimals": "1",
            "direction": "up",
        },
    )
    assert response.status_code == 200
    assert "La fórmula termina antes de tiempo." in response.content.decode()
    assert not Indicator.objects.filter(code="MAL").exists()


def test_the_live_check_names_the_problem_or_the_elements(world: World, cat: Catalogue) -> None:
    client = client_of(world, "coordinator")
    url = reverse("tablero:catalogue_formula_check")
    wrong = client.get(url, {"numerator": "(#{VAC}"}, HTTP_HX_REQUEST="true")
    assert "Falta cerrar un paréntesis." in wrong.content.decode()
    right = client.get(url, {"denominator": f"#{{VAC}} + #{{{cat.local.uid}}} + #{{NADA}}"}, HTTP_HX_REQUEST="true")
    text = right.content.decode()
    assert "Niñas y niños vacunados" in text and "Talleres del municipio" in text and "NADA" in text


def test_a_formula_change_on_the_page_adds_a_version(world: World, cat: Catalogue) -> None:
    client = client_of(world, "secretariat")
    url = reverse("tablero:catalogue_edit", args=["indicadores", cat.indicator.pk])
    form = client.get(url).context["form"]
    assert form.initial["numerator"] == "#{VAC}"
    data = {
        "code": "IVAC",
        "name": "Cobertura de vacunación",
        "numerator": "#{VAC} * 100",
        "denominator": "100",
        "factor": "1",
        "decimals": "1",
        "direction": "up",
        "valid_from": "2026-01-01",
        "version": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert IndicatorFormula.objects.filter(indicator=cat.indicator).count() == 2
    detail = client.get(reverse("tablero:catalogue_detail", args=["indicadores", cat.indicator.pk])).content.decode()
    assert "#{VAC} * 100" in detail and "#{VAC}</code>" in detail
    # The same form again, with the version it was loaded with: a conflict, nothing written.
    stale = client.post(url, dict(data, name="Otro nombre"))
    assert stale.status_code == 200 and CONFLICT in stale.content.decode()
    assert Indicator.objects.get(pk=cat.indicator.pk).name == "Cobertura de vacunación"


def test_archive_hides_from_the_list_until_asked(world: World, cat: Catalogue) -> None:
    client = client_of(world, "secretariat")
    response = client.post(
        reverse("tablero:catalogue_archive", args=["elementos", cat.element.pk]), {"version": 1, "archived": "on"}
    )
    assert response.status_code == 302
    assert DataElement.objects.get(pk=cat.element.pk).is_archived
    event = (
        AuditEvent.objects.filter(target_type="tablero.dataelement", target_id=str(cat.element.pk))
        .order_by("id")
        .last()
    )
    assert event is not None and event.changes == {"is_archived": [False, True]}
    listing = reverse("tablero:catalogue_list", args=["elementos"])
    assert "Niñas y niños vacunados" not in client.get(listing).content.decode()
    assert "Niñas y niños vacunados" in client.get(listing, {"archivados": "1"}).content.decode()


def test_search_and_filters(world: World, cat: Catalogue) -> None:
    client = client_of(world, "coordinator")
    url = reverse("tablero:catalogue_list", args=["elementos"])

    def names(params: dict[str, str]) -> list[str]:
        return [o.name for o in client.get(url, params).context["page"]]

    assert names({}) == ["Niñas y niños vacunados", "Talleres del municipio"]
    assert names({"de": "municipal"}) == ["Talleres del municipio"]
    assert names({"de": "national"}) == ["Niñas y niños vacunados"]
    assert names({"area": "services"}) == ["Niñas y niños vacunados"]
    assert names({"q": "taller"}) == ["Talleres del municipio"]
    partial = client.get(url, {"q": "vac"}, HTTP_HX_REQUEST="true")
    assert next(t.name for t in partial.templates) == "tablero/catalogue/_results.html"


def test_categories_options_and_a_used_combo(world: World, cat: Catalogue) -> None:
    client = client_of(world, "secretariat")
    response = client.post(
        reverse("tablero:catalogue_create", args=["categorias"]),
        {"code": "EDAD", "name": "Edad", "options_text": "A1, 0–5 años\nA2, 6–11 años"},
    )
    assert response.status_code == 302
    age = Category.objects.get(code="EDAD")
    assert list(age.options.values_list("code", "name")) == [("A1", "0–5 años"), ("A2", "6–11 años")]
    first = age.options.get(code="A1")
    edit = {
        "code": "EDAD",
        "name": "Edad",
        "version": 1,
        f"option_{first.pk}_name": "Primera infancia",
        f"option_{first.pk}_order": 0,
        f"option_{first.pk}_version": 1,
    }
    second = age.options.get(code="A2")
    edit |= {f"option_{second.pk}_name": second.name, f"option_{second.pk}_order": 1, f"option_{second.pk}_version": 1}
    assert client.post(reverse("tablero:catalogue_edit", args=["categorias", age.pk]), edit).status_code == 302
    assert age.options.get(code="A1").name == "Primera infancia"
    # The combo is used by an element: its categories cannot change, the page says why.
    response = client.post(
        reverse("tablero:catalogue_edit", args=["desagregaciones", cat.combo.pk]),
        {"code": "SEXO", "name": "Por sexo", "categories": [cat.sex.pk, age.pk], "version": 1},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["categories"]
    assert CategoryCombo.objects.get(pk=cat.combo.pk).option_combos.count() == 2


def test_a_data_set_form_groups_elements_by_goal_area(world: World, cat: Catalogue) -> None:
    client = client_of(world, "coordinator")
    page = client.get(reverse("tablero:catalogue_create", args=["conjuntos"])).content.decode()
    assert "Niñas y niños vacunados (VAC)" in page and "Talleres del municipio (LOC)" in page
    response = client.post(
        reverse("tablero:catalogue_create", args=["conjuntos"]),
        {
            "code": "TALL",
            "name": "Talleres",
            "period_type": "Quarterly",
            "level": "3",
            "due_days": "10",
            "data_elements": [cat.local.pk, cat.element.pk],
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize("kind", ["elementos", "indicadores", "conjuntos", "categorias", "desagregaciones"])
def test_lists_do_not_grow_in_queries(world: World, cat: Catalogue, kind: str) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            code = new_code("Q")
            if kind == "elementos":
                add_elements(world, 1, cat.combo)
            elif kind == "indicadores":
                services.create_indicator(
                    actor=SYSTEM, owner=world.country, code=code, name=code, numerator="#{VAC}", direction="up"
                )
            elif kind == "conjuntos":
                services.create_data_set(
                    actor=SYSTEM,
                    owner=world.country,
                    code=code,
                    name=code,
                    period_type="Monthly",
                    level=3,
                    data_elements=[cat.element],
                )
            elif kind == "categorias":
                services.create_category(actor=SYSTEM, owner=world.country, code=code, name=code, options=[("A", "A")])
            else:
                services.create_category_combo(
                    actor=SYSTEM, owner=world.country, code=code, name=code, categories=[cat.sex]
                )

    assert_queries_do_not_grow(
        client_of(world, "coordinator"), reverse("tablero:catalogue_list", args=[kind]), add, ceiling=20
    )


def test_the_default_disaggregation_is_shown_not_listed_nor_editable(world: World, cat: Catalogue) -> None:
    default = services.default_combo()
    client = client_of(world, "secretariat")
    page = client.get(reverse("tablero:catalogue_detail", args=["desagregaciones", default.pk]))
    assert page.status_code == 200 and not page.context["can_manage"]
    listed = client.get(reverse("tablero:catalogue_list", args=["desagregaciones"])).context["page"]
    assert [c.code for c in listed] == ["SEXO"]
    assert client.get(reverse("tablero:catalogue_edit", args=["desagregaciones", default.pk])).status_code == 404
