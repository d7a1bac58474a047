"""The Tablero's public page of a municipality and the coordinator's choice of what it shows: who
may do what, small counts from personal records hidden with their complements, the trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.tablero import publication, services
from ronda.tablero.models import AggregationType, Direction, Indicator, PublishedIndicator, ValueType
from ronda.testing import World, assert_queries_do_not_grow, check_access_matrix, login

pytestmark = pytest.mark.django_db

# Last year: always among the years the page shows, whatever today is.
YEAR = str(dt.date.today().year - 1)
# Girls and boys × 0–5 and 6–11: one cell of 3 children.
CASES = {("F", "A1"): 3, ("F", "A2"): 20, ("M", "A1"): 12, ("M", "A2"): 30}


@pytest.fixture
def catalogue(world: World) -> dict[str, object]:
    sex = services.create_category(
        actor=SYSTEM, owner=world.country, code="SEXO", name="Sexo", options=[("F", "Niñas"), ("M", "Niños")]
    )
    age = services.create_category(
        actor=SYSTEM, owner=world.country, code="EDAD", name="Edad", options=[("A1", "0–5 años"), ("A2", "6–11 años")]
    )
    combo = services.create_category_combo(
        actor=SYSTEM, owner=world.country, code="SXE", name="Sexo y edad", categories=[sex, age]
    )
    cases = services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code="CASOS",
        name="Niños con medidas de protección",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
        category_combo=combo,
        from_personal_records=True,
    )
    vaccinated = services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code="VAC",
        name="Niños vacunados",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
    )
    count = services.create_indicator(
        actor=SYSTEM,
        owner=world.country,
        code="N_CASOS",
        name="Niños con medidas de protección",
        numerator="#{CASOS}",
        direction=Direction.LOWER_IS_BETTER,
        decimals=0,
        goal_area="equity",
    )
    vac = services.create_indicator(
        actor=SYSTEM,
        owner=world.country,
        code="N_VAC",
        name="Vacunación registrada",
        numerator="#{VAC}",
        direction=Direction.HIGHER_IS_BETTER,
        decimals=0,
        goal_area="services",
    )
    hidden = services.create_indicator(
        actor=SYSTEM,
        owner=world.country,
        code="OCULTO",
        name="Indicador sin publicar",
        numerator="#{VAC}",
        direction=Direction.HIGHER_IS_BETTER,
    )
    cocs = {tuple(sorted(o.code for o in coc.options.all())): coc for coc in combo.option_combos.all()}
    values = [
        services.ValueInput(
            data_element=cases, option_combo=cocs[tuple(sorted(key))], org_unit=world.municipality, period=YEAR, value=n
        )
        for key, n in CASES.items()
    ]
    values.append(
        services.ValueInput(
            data_element=vaccinated,
            option_combo=vaccinated.category_combo.option_combos.get(),
            org_unit=world.municipality,
            period=YEAR,
            value=3,
        )
    )
    services.save_values(actor=SYSTEM, values=values)
    return {"cases": cases, "vac_element": vaccinated, "count": count, "vac": vac, "hidden": hidden}


def publish_both(world: World, catalogue: dict[str, object]) -> None:
    publication.set_published(
        actor=SYSTEM,
        org_unit=world.municipality,
        indicators=[catalogue["count"], catalogue["vac"]],  # type: ignore[list-item]
    )


def test_the_rule_names_counts_from_personal_records_and_what_refers_to_them(catalogue: dict[str, object]) -> None:
    assert publication.needs_suppression(catalogue["cases"])  # type: ignore[arg-type]
    assert not publication.needs_suppression(catalogue["vac_element"])  # type: ignore[arg-type]
    assert publication.needs_suppression(catalogue["count"])  # type: ignore[arg-type]
    assert not publication.needs_suppression(catalogue["vac"])  # type: ignore[arg-type]


def test_a_count_of_three_shows_as_under_five_with_its_complements(world: World, catalogue: dict[str, object]) -> None:
    publish_both(world, catalogue)
    response = Client().get(reverse("tablero:public_page", args=[world.municipality.code]))
    assert response.status_code == 200
    [equity, services_group] = response.context["groups"]
    [item] = equity.items
    table = item.breakdown.table
    assert table.cells[0][0].mark == "<5" and table.cells[0][0].value is None
    # Its row (girls) and its column (0–5) each hide a second figure, so 3 cannot be worked out.
    row = [*table.cells[0], table.row_totals[0]]
    column = [table.cells[0][0], table.cells[1][0], table.column_totals[0]]
    assert sum(f.suppressed for f in row) >= 2 and sum(f.suppressed for f in column) >= 2
    assert any(f.mark == "x" for f in [*row, *column])
    html = response.content.decode()
    assert "&lt;5</abbr>" in html and ">x</abbr>" in html
    # Vaccination is not counted from personal records: its 3 is published as it is.
    [vac] = services_group.items
    assert vac.latest.figure.value == Decimal(3) and not vac.latest.figure.suppressed
    assert item.latest.figure.value == Decimal(65)


def test_an_unpublished_indicator_never_appears(world: World, catalogue: dict[str, object]) -> None:
    publish_both(world, catalogue)
    html = Client().get(reverse("tablero:public_page", args=[world.municipality.code])).content.decode()
    assert "Vacunación registrada" in html and "Indicador sin publicar" not in html
    publication.set_published(actor=SYSTEM, org_unit=world.municipality, indicators=[catalogue["count"]])  # type: ignore[list-item]
    html = Client().get(reverse("tablero:public_page", args=[world.municipality.code])).content.decode()
    assert "Vacunación registrada" not in html
    # Another municipality's page shows none of these.
    other = Client().get(reverse("tablero:public_page", args=[world.other_municipality.code])).content.decode()
    assert "Niños con medidas de protección" not in other


def test_the_public_page_is_cacheable_for_anonymous_visitors_and_sets_no_cookie(
    world: World, catalogue: dict[str, object]
) -> None:
    publish_both(world, catalogue)
    response = Client().get(reverse("tablero:public_page", args=[world.municipality.code]))
    assert "max-age=300" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert "csrftoken" not in response.cookies
    client = Client()
    login(client, world.home[Role.COORDINATOR])
    signed_in = client.get(reverse("tablero:public_page", args=[world.municipality.code]))
    assert "private" in signed_in["Cache-Control"]


def test_unknown_codes_and_units_that_are_not_municipalities_are_404(world: World) -> None:
    client = Client()
    assert client.get(reverse("tablero:public_page", args=["NOPE"])).status_code == 404
    assert client.get(reverse("tablero:public_page", args=[world.community.code])).status_code == 404


def test_public_page_access(world: World, catalogue: dict[str, object]) -> None:
    publish_both(world, catalogue)
    check_access_matrix(
        world,
        url=reverse("tablero:public_page", args=[world.municipality.code]),
        expected={role: 200 for role in Role.values},
        away=200,
        anonymous=200,
    )


def test_only_the_coordinator_manages_the_publication(world: World, catalogue: dict[str, object]) -> None:
    expected = {role: 404 for role in Role.values} | {Role.COORDINATOR: 200}
    check_access_matrix(
        world,
        url=reverse("tablero:publication"),
        expected=expected,
        away={Role.COORDINATOR: 200},  # the coordinator of the neighbouring municipality manages theirs
    )
    count = catalogue["count"]
    assert isinstance(count, Indicator)
    check_access_matrix(
        world,
        url=reverse("tablero:publication"),
        method="post",
        data={"indicator": [str(count.pk)], f"order_{count.pk}": "1"},
        expected={role: 404 for role in Role.values} | {Role.COORDINATOR: 302},
        away={Role.COORDINATOR: 302},
        state=lambda: sorted(PublishedIndicator.objects.values_list("org_unit_id", "indicator_id")),
    )


def test_the_coordinator_chooses_and_orders_and_the_trail_records_it(
    world: World, catalogue: dict[str, object]
) -> None:
    count, vac = catalogue["count"], catalogue["vac"]
    assert isinstance(count, Indicator) and isinstance(vac, Indicator)
    client = Client()
    login(client, world.home[Role.COORDINATOR])
    page = client.get(reverse("tablero:publication"))
    assert "Vacunación registrada" in page.content.decode()
    data = {"indicator": [str(count.pk), str(vac.pk)], f"order_{count.pk}": "2", f"order_{vac.pk}": "1"}
    assert client.post(reverse("tablero:publication"), data).status_code == 302
    rows = list(PublishedIndicator.objects.filter(org_unit=world.municipality).order_by("sort_order"))
    assert [r.indicator_id for r in rows] == [vac.pk, count.pk]
    assert rows[0].published_by == world.home[Role.COORDINATOR]
    created = AuditEvent.objects.filter(target_type="tablero.publishedindicator", action="create")
    assert created.count() == 2 and created.first().org_unit_id == world.municipality.pk
    # Withdraw the vaccination indicator.
    assert client.post(reverse("tablero:publication"), {"indicator": [str(count.pk)]}).status_code == 302
    assert list(PublishedIndicator.objects.values_list("indicator_id", flat=True)) == [count.pk]
    assert AuditEvent.objects.filter(target_type="tablero.publishedindicator", action="delete").count() == 1


def test_another_countrys_indicator_cannot_be_published(world: World, catalogue: dict[str, object]) -> None:
    foreign = services.create_indicator(
        actor=SYSTEM,
        owner=world.other_country,
        code="AJENO",
        name="Indicador de otro país",
        numerator="1",
        direction=Direction.NEUTRAL,
    )
    client = Client()
    login(client, world.home[Role.COORDINATOR])
    client.post(reverse("tablero:publication"), {"indicator": [str(foreign.pk)]})
    assert not PublishedIndicator.objects.exists()


def test_the_public_page_takes_no_more_queries_with_more_indicators(
    client: Client, world: World, catalogue: dict[str, object]
) -> None:
    made = []

    def add(n: int) -> None:
        for _i in range(n):
            indicator = services.create_indicator(
                actor=SYSTEM,
                owner=world.country,
                code=f"EXTRA{len(made)}",
                name=f"Extra {len(made)}",
                numerator="#{CASOS}",
                direction=Direction.LOWER_IS_BETTER,
                decimals=0,
            )
            made.append(indicator)
            publication.publish(actor=SYSTEM, org_unit=world.municipality, indicator=indicator)

    assert_queries_do_not_grow(client, reverse("tablero:public_page", args=[world.municipality.code]), add, ceiling=30)


def test_a_rate_of_a_small_count_shows_a_dash_with_its_note(world: World, catalogue: dict[str, object]) -> None:
    placed = services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code="ACOG",
        name="Niños en acogimiento",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
        from_personal_records=True,
    )
    population = services.create_data_element(
        actor=SYSTEM,
        owner=world.country,
        code="POB",
        name="Población menor de 18",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.LAST,
    )
    rate = services.create_indicator(
        actor=SYSTEM,
        owner=world.country,
        code="TASA_ACOG",
        name="Acogimiento por 1.000 niños",
        numerator="#{ACOG}",
        denominator="#{POB}",
        factor=Decimal(1000),
        direction=Direction.LOWER_IS_BETTER,
    )
    for element, value in ((placed, 3), (population, 1500)):
        services.save_values(
            actor=SYSTEM,
            values=[
                services.ValueInput(
                    data_element=element,
                    option_combo=element.category_combo.option_combos.get(),
                    org_unit=world.municipality,
                    period=YEAR,
                    value=value,
                )
            ],
        )
    publication.publish(actor=SYSTEM, org_unit=world.municipality, indicator=rate)
    response = Client().get(reverse("tablero:public_page", args=[world.municipality.code]))
    [group] = response.context["groups"]
    [item] = group.items
    latest = item.latest
    assert latest.period == YEAR and latest.figure.mark == "—" and latest.figure.value is None
    assert "2,0" not in response.content.decode() and "2.0" not in response.content.decode()
    assert latest.figure.note in item.notes


def test_the_public_index_links_to_the_figures(world: World) -> None:
    from ronda.accountability.tests.test_accountability import make_plan

    make_plan(world)
    html = Client().get(reverse("accountability:public_index")).content.decode()
    assert reverse("tablero:public_page", args=[world.municipality.code]) in html


def test_a_breakdown_that_would_give_children_away_is_withheld(world: World, catalogue: dict[str, object]) -> None:
    cases = catalogue["cases"]
    assert hasattr(cases, "category_combo")
    # One child in each of the four cells: "<5" everywhere would still say each is 1.
    services.save_values(
        actor=SYSTEM,
        values=[
            services.ValueInput(data_element=cases, option_combo=coc, org_unit=world.municipality, period=YEAR, value=1)
            for coc in cases.category_combo.option_combos.all()
        ],
    )
    publication.publish(actor=SYSTEM, org_unit=world.municipality, indicator=catalogue["count"])  # type: ignore[arg-type]
    response = Client().get(reverse("tablero:public_page", args=[world.municipality.code]))
    [group] = response.context["groups"]
    [item] = group.items
    assert item.breakdown.withheld and item.latest.figure.mark == "<5"
    html = response.content.decode()
    with translation.override(settings.LANGUAGE_CODE):
        assert 'class="breakdown"' not in html and str(publication.WITHHELD_NOTE) in html
