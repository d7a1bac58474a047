"""The dashboards (issue #10 item 8): who opens them, that their numbers are the analytics', that
every chart names itself and each mark, that the CSV is the table, and that the queries stay flat."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.tablero import analytics, charts, dashboards, policies_catalogue, policies_imports, services
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import AggregationType, Dashboard, Direction, ValueType
from ronda.territory.models import Level
from ronda.testing import World, assert_queries_do_not_grow, check_access_matrix, login, make_unit

pytestmark = pytest.mark.django_db

# An evaluator reads only their certification assignments: the Tablero is 404 to them.
EVERYONE = {**dict.fromkeys(Role.values, 200), Role.EVALUATOR: 404}
WRITERS = {**EVERYONE, Role.ANALYST: 404}
READERS = [role for role in Role.values if role != Role.EVALUATOR]
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-79.2, -4.0], [-79.1, -4.0], [-79.1, -3.9], [-79.2, -3.9], [-79.2, -4.0]]],
}


class Catalogue:
    def __init__(self, world: World) -> None:
        country = world.country
        self.world = world
        sex = services.create_category(
            actor=SYSTEM, owner=country, code="SEXO", name="Sexo", options=[("F", "Mujer"), ("M", "Hombre")]
        )
        self.combo = services.create_category_combo(
            actor=SYSTEM, owner=country, code="C_SEXO", name="Por sexo", categories=[sex]
        )
        self.cocs = {c.name: c for c in self.combo.option_combos.all()}
        self.vac = services.create_data_element(
            actor=SYSTEM,
            owner=country,
            code="VAC",
            name="Niños vacunados",
            value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
            aggregation_type=AggregationType.SUM,
            category_combo=self.combo,
        )
        self.pop = services.create_data_element(
            actor=SYSTEM,
            owner=country,
            code="POB",
            name="Población",
            value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
            aggregation_type=AggregationType.LAST,
        )
        self.rate = services.create_indicator(
            actor=SYSTEM,
            owner=country,
            code="TASA_VAC",
            name="Tasa de vacunación",
            numerator="#{VAC}",
            denominator="#{POB}",
            factor=Decimal(1000),
            direction=Direction.HIGHER_IS_BETTER,
            unit="por 1.000",
            decimals=1,
            goal_area="services",
        )
        services.set_target(
            actor=SYSTEM, indicator=self.rate, org_unit=world.municipality, period="2025", value=Decimal(50)
        )
        self.default_coc = self.pop.category_combo.option_combos.get()
        self.n = 0

    def values(self, unit, vaccinated: dict[str, int], population: int) -> None:
        rows = [
            services.ValueInput(
                data_element=self.pop, option_combo=self.default_coc, org_unit=unit, period="2025", value=population
            )
        ]
        for month, count in vaccinated.items():
            for i, coc in enumerate(self.cocs.values()):
                rows.append(
                    services.ValueInput(
                        data_element=self.vac,
                        option_combo=coc,
                        org_unit=unit,
                        period=month,
                        value=count + i,
                    )
                )
        services.save_values(actor=SYSTEM, values=rows)

    def add_municipality(self) -> None:
        self.n += 1
        unit = make_unit(f"A-X{self.n}", Level.MUNICIPALITY, self.world.region, f"Cantón {self.n:02d}")
        unit.geometry = SQUARE
        unit.save(update_fields=["geometry"])
        self.values(unit, {"202501": 10 + self.n}, 1000 + self.n)


@pytest.fixture
def catalogue(world: World) -> Catalogue:
    cat = Catalogue(world)
    cat.values(world.municipality, {"202501": 20, "202502": 22, "202503": 25}, 1000)
    cat.values(world.community, {"202501": 5}, 200)
    return cat


DASHBOARD = "/tablero/paneles/?tipo=Monthly&desde=2025&hasta=2025"


# --- Access ---------------------------------------------------------------------------------------


PAGES = [
    "/tablero/",
    DASHBOARD,
    "/tablero/paneles/comparacion/?periodo=2025",
    "/tablero/paneles/mapa/?periodo=2025",
    "/tablero/paneles/guardados/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_reader_opens_the_pages_at_their_own_unit(world: World, catalogue: Catalogue, url: str) -> None:
    check_access_matrix(world, url=url, expected=EVERYONE, away=EVERYONE)


@pytest.mark.parametrize("url", PAGES[1:4])
def test_a_unit_outside_the_scope_is_not_found(world: World, catalogue: Catalogue, url: str) -> None:
    # The community defender's scope is their community; away users are elsewhere.
    check_access_matrix(world, url=f"{url}&unidad={world.municipality.pk}", expected={**EVERYONE, Role.DEFENDER: 404})


def test_downloads_follow_the_page(world: World, catalogue: Catalogue) -> None:
    check_access_matrix(
        world,
        url=f"{DASHBOARD}&unidad={world.municipality.pk}&descarga=trend-{catalogue.rate.uid}.csv",
        expected={**EVERYONE, Role.DEFENDER: 404},
    )
    check_access_matrix(
        world,
        url=f"/tablero/paneles/comparacion/?periodo=2025&unidad={world.municipality.pk}&descarga=ranking.svg",
        expected={**EVERYONE, Role.DEFENDER: 404},
    )


def test_saving_a_dashboard_is_for_readers_who_write(world: World, catalogue: Catalogue) -> None:
    check_access_matrix(
        world,
        url=reverse("tablero:dashboard_save"),
        method="post",
        data=lambda w: {"name": "Vacunas", "unidad": w.municipality.pk, "indicador": catalogue.rate.uid},
        expected={**dict.fromkeys(Role.values, 302), Role.ANALYST: 404, Role.DEFENDER: 404, Role.EVALUATOR: 404},
        state=lambda: Dashboard.objects.count(),
    )


def test_a_saved_dashboard_is_its_owners_alone(world: World, catalogue: Catalogue) -> None:
    owner = world.home[Role.COORDINATOR]
    saved = Dashboard.objects.create(owner=owner, org_unit=world.municipality, name="Mío")
    mine = login(Client(), owner)
    assert mine.get(f"/tablero/paneles/?panel={saved.pk}").status_code == 200
    for role in Role.values:
        if role == Role.COORDINATOR:
            continue
        other = login(Client(), world.home[role])
        assert other.get(f"/tablero/paneles/?panel={saved.pk}").status_code == 404, role
        assert (
            other.post("/tablero/paneles/fijar/", {"panel": saved.pk, "indicador": catalogue.rate.uid}).status_code
            == 404
        )
        assert other.post(f"/tablero/paneles/{saved.pk}/borrar/").status_code == 404
    assert Dashboard.objects.filter(pk=saved.pk, items=[]).exists()


def test_save_pin_unpin_and_delete(world: World, catalogue: Catalogue) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    response = client.post(
        "/tablero/paneles/guardar/",
        {"name": "Vacunas", "unidad": world.municipality.pk, "tipo": "Monthly", "desde": 2025, "hasta": 2025},
    )
    saved = Dashboard.objects.get(owner=world.home[Role.COORDINATOR])
    assert response.status_code == 302 and saved.filters["desde"] == 2025 and saved.items == []
    client.post("/tablero/paneles/fijar/", {"panel": saved.pk, "indicador": catalogue.rate.uid})
    saved.refresh_from_db()
    assert saved.items == [{"indicator": catalogue.rate.uid, "chart": "trend"}]
    page = client.get(f"/tablero/paneles/?panel={saved.pk}")
    assert [t.indicator for t in page.context["trends"]] == [catalogue.rate]
    assert page.context["unit"] == world.municipality
    client.post("/tablero/paneles/fijar/", {"panel": saved.pk, "indicador": catalogue.rate.uid, "fijar": "0"})
    saved.refresh_from_db()
    assert saved.items == []
    client.post(f"/tablero/paneles/{saved.pk}/borrar/")
    assert not Dashboard.objects.filter(pk=saved.pk).exists()


# --- Numbers --------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_analytics_values_and_the_target(world: World, catalogue: Catalogue) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    page = client.get(DASHBOARD + f"&indicador={catalogue.rate.uid}")
    (trend,) = page.context["trends"]
    months = [iso_periods.parse(m) for m in ("202501", "202502", "202503")]
    expected = {v.period: v.value for v in analytics.indicator_values([catalogue.rate], [world.municipality], months)}
    shown = {r.period.iso: r.value for r in trend.rows if r.period.iso in expected}
    assert (
        shown
        == expected
        == {
            # The municipality with its community: (20 + 21 + 5 + 6) / 1,200 × 1,000 in January.
            "202501": Decimal("43.3"),
            "202502": Decimal("37.5"),
            "202503": Decimal("42.5"),
        }
    )
    assert all(r.target == Decimal(50) for r in trend.rows)  # the yearly target holds for each month
    assert trend.verdict == "better"
    with translation.override("en"):
        summary = dashboards.trend_summary(trend.indicator, trend.previous, trend.last)
    assert summary == f"In {trend.last.label} Tasa de vacunación rose from 37.5 to 42.5 por 1.000; the target is 50.0."
    # The disaggregation: the numerator by sex in the last month (25 women, 26 men).
    (by_sex,) = trend.breakdowns
    assert [(r.label, r.value) for r in by_sex.rows] == [("Mujer", Decimal(25)), ("Hombre", Decimal(26))]


def test_numbers_are_written_in_the_users_language(world: World, catalogue: Catalogue) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    client.cookies["django_language"] = "es"
    html = client.get(DASHBOARD + f"&indicador={catalogue.rate.uid}", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "42,5" in html


def test_every_chart_has_its_title_and_a_title_per_mark(world: World, catalogue: Catalogue) -> None:
    client = login(Client(), world.home[Role.SECRETARIAT])
    svg = client.get(DASHBOARD + f"&unidad={world.municipality.pk}&descarga=trend-{catalogue.rate.uid}.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    text = svg.content.decode()
    assert '<title id="chart-trend-' in text and "Tasa de vacunación (por 1.000)" in text
    # Named by its title alone: the summary is the figure's caption on the page (not read twice).
    (named_by,) = re.findall(r'<svg[^>]*aria-labelledby="([^"]*)"', text)
    assert named_by.endswith("-t") and " " not in named_by
    points = re.findall(r"<circle[^>]*><title>([^<]*)</title>", text)
    assert len(points) == 3 and re.match(r"\w+ 2025: 42[,.]5", points[-1])
    catalogue.add_municipality()
    ranking = client.get(
        f"/tablero/paneles/comparacion/?periodo=2025&indicador={catalogue.rate.uid}&descarga=ranking.svg"
    )
    bars = re.findall(r"<rect[^>]*><title>([^<]*)</title>", ranking.content.decode())
    assert len(bars) == 3  # Municipio A, Municipio vecino (no data) and Cantón 01
    shape = client.get(f"/tablero/paneles/mapa/?periodo=2025&indicador={catalogue.rate.uid}&descarga=map.svg")
    assert re.findall(r"<path[^>]*><title>([^<]*)</title>", shape.content.decode()) == ["Cantón 01: 23,0"]


def test_the_csv_download_is_the_table(world: World, catalogue: Catalogue) -> None:
    catalogue.add_municipality()
    client = login(Client(), world.home[Role.SECRETARIAT])
    url = f"/tablero/paneles/comparacion/?periodo=2025&indicador={catalogue.rate.uid}&orden=-valor"
    result = client.get(url).context["result"]
    rows = list(csv.reader(io.StringIO(client.get(url + "&descarga=ranking.csv").content.decode())))
    assert rows[0] == ["code", "org_unit", "rank", "value", "numerator", "denominator"]
    table = [(r.unit.code, r.value) for r in result.sorted_rows]
    assert [(r[0], Decimal(r[3]) if r[3] else None) for r in rows[1:]] == table
    # Municipio A: 148 vaccinated in 2025 over 1,200 children; Cantón 01: 23 over 1,001.
    assert table[:2] == [("A-M", Decimal("123.3")), ("A-X1", Decimal("23.0"))]
    assert [r.unit.name for r in result.references] == ["País A"]
    in_region = client.get(url + f"&unidad={world.region.pk}").context["result"]
    assert [r.unit.name for r in in_region.references] == ["Región A", "País A"]
    assert in_region.references[0].value == Decimal("77.7")  # (148 + 23) / (1,200 + 1,001) × 1,000


def test_the_ranking_puts_the_best_first_by_the_direction_of_improvement(world: World, catalogue: Catalogue) -> None:
    catalogue.add_municipality()
    client = login(Client(), world.home[Role.SECRETARIAT])
    result = client.get(f"/tablero/paneles/comparacion/?periodo=2025&indicador={catalogue.rate.uid}").context["result"]
    assert [(r.unit.code, r.rank) for r in result.sorted_rows] == [("A-M", 1), ("A-X1", 2), ("A-M2", None)]
    by_name = client.get(
        f"/tablero/paneles/comparacion/?periodo=2025&indicador={catalogue.rate.uid}&orden=nombre"
    ).context["result"]
    assert [r.unit.name for r in by_name.sorted_rows] == ["Cantón 01", "Municipio A", "Municipio vecino"]


def test_the_map_colours_each_shape_and_has_a_legend() -> None:
    with translation.override("en"):
        svg = charts.choropleth(
            [("Uno", SQUARE, Decimal(1)), ("Dos", SQUARE, Decimal(9)), ("Sin", SQUARE, None)],
            title="Tasa",
            summary="Resumen",
            decimals=0,
        )
    assert charts.VIRIDIS[0] in svg and charts.VIRIDIS[-1] in svg and charts.NO_DATA in svg
    assert re.findall(r"<path[^>]*><title>([^<]*)</title>", svg) == ["Uno: 1", "Dos: 9", "Sin: no data"]


# --- Queries --------------------------------------------------------------------------------------


def test_the_comparison_and_the_map_do_not_query_per_municipality(world: World, catalogue: Catalogue) -> None:
    client = login(Client(), world.home[Role.SECRETARIAT])
    for url in (
        f"/tablero/paneles/comparacion/?periodo=2025&indicador={catalogue.rate.uid}",
        f"/tablero/paneles/mapa/?periodo=2025&indicador={catalogue.rate.uid}",
    ):
        assert_queries_do_not_grow(client, url, lambda n: [catalogue.add_municipality() for _ in range(n)], ceiling=30)


def test_the_dashboard_does_not_query_per_indicator(world: World, catalogue: Catalogue) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])

    def more_indicators(n: int) -> None:
        for _ in range(n):
            catalogue.n += 1
            services.create_indicator(
                actor=SYSTEM,
                owner=world.country,
                code=f"T{catalogue.n}",
                name=f"Indicador {catalogue.n}",
                numerator="#{VAC}",
                direction=Direction.HIGHER_IS_BETTER,
            )

    assert_queries_do_not_grow(client, DASHBOARD, more_indicators, ceiling=40)


@pytest.mark.parametrize("role", READERS)
def test_the_tablero_home_links_only_what_each_role_may_open(world: World, catalogue: Catalogue, role: str) -> None:
    client = login(Client(), world.home[role])
    response = client.get("/tablero/")
    actor = response.context["actor"]
    urls = [card["url"] for card in response.context["cards"]]
    assert reverse("tablero:dashboard") in urls
    assert (reverse("tablero:imports") in urls) == policies_imports.can_import(actor)
    assert (reverse("tablero:catalogue") in urls) == policies_catalogue.can_view_catalogue(actor)
    for url in urls:
        assert client.get(url, follow=True).status_code == 200, (role, url)


def test_pinning_and_deleting_are_the_owners_alone(world: World, catalogue: Catalogue) -> None:
    saved = Dashboard.objects.create(owner=world.home[Role.COORDINATOR], org_unit=world.municipality, name="Mío")
    only_the_owner = {**dict.fromkeys(Role.values, 404), Role.COORDINATOR: 302}
    check_access_matrix(
        world,
        url=reverse("tablero:dashboard_pin"),
        method="post",
        data={"panel": saved.pk, "indicador": catalogue.rate.uid},
        expected=only_the_owner,
        state=lambda: list(Dashboard.objects.values_list("items", flat=True)),
    )
    check_access_matrix(
        world,
        url=reverse("tablero:dashboard_delete", args=[saved.pk]),
        method="post",
        expected=only_the_owner,
        state=lambda: Dashboard.objects.count(),
    )
    assert not Dashboard.objects.filter(pk=saved.pk).exists()


def test_the_filters_choose_goal_area_and_period_type(world: World, catalogue: Catalogue) -> None:
    services.create_indicator(
        actor=SYSTEM,
        owner=world.country,
        code="PART",
        name="Participación",
        numerator="#{VAC}",
        direction=Direction.HIGHER_IS_BETTER,
        goal_area="participation",
    )
    client = login(Client(), world.home[Role.COORDINATOR])
    page = client.get("/tablero/paneles/?area=services&tipo=Quarterly&desde=2025&hasta=2025")
    (trend,) = page.context["trends"]
    assert trend.indicator == catalogue.rate
    assert [r.period.iso for r in trend.rows] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    # The first quarter: (20 + 22 + 25 + 21 + 23 + 26 + 5 + 6) / 1,200 × 1,000.
    assert trend.rows[0].value == Decimal("123.3") and trend.rows[1].value is None
    both = client.get("/tablero/paneles/?tipo=Yearly&desde=2025&hasta=2025").context["trends"]
    assert {t.indicator.code for t in both} == {"TASA_VAC", "PART"}


def test_the_home_page_lists_my_saved_dashboards(world: World, catalogue: Catalogue) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    assert "tablero-home-h" not in client.get("/").content.decode()
    Dashboard.objects.create(owner=world.home[Role.COORDINATOR], org_unit=world.municipality, name="Vacunas")
    Dashboard.objects.create(owner=world.home[Role.SUPERVISOR], org_unit=world.municipality, name="Ajeno")
    page = client.get("/").content.decode()
    assert "tablero-home-h" in page and "Vacunas" in page and "Ajeno" not in page


# --- A national scope (issue #10's benchmark: 2,500 municipalities) -------------------------------


def test_above_the_limit_the_comparison_ranks_the_children_and_links_the_other_levels(
    world: World, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ronda.territory.models import OrgUnit

    catalogue.add_municipality()
    municipalities = OrgUnit.objects.filter(path__startswith=world.country.path, level=Level.MUNICIPALITY).count()
    assert municipalities >= 2
    client = login(Client(), world.home[Role.SECRETARIAT])
    url = f"/tablero/paneles/comparacion/?periodo=2025&indicador={catalogue.rate.uid}&unidad={world.country.pk}"
    # Few municipalities: they are what the country compares (a country's 80 cantons).
    result = client.get(url).context["result"]
    assert result.level == Level.MUNICIPALITY
    assert {r.unit.level for r in result.rows} == {Level.MUNICIPALITY} and len(result.rows) == municipalities
    # More than the limit: the country's children (its regions), the municipalities one link away.
    monkeypatch.setattr(dashboards, "MAX_COMPARED", 1)
    page = client.get(url)
    result = page.context["result"]
    assert result.level == Level.REGION and [r.unit for r in result.rows] == [world.region]
    assert f"nivel={Level.MUNICIPALITY.value}" in page.content.decode()
    asked = client.get(url + f"&nivel={Level.MUNICIPALITY.value}").context["result"]
    assert asked.level == Level.MUNICIPALITY and len(asked.rows) == municipalities
    # A level that cannot be compared under the unit is ignored, not an error.
    assert client.get(url + f"&nivel={Level.COUNTRY.value}").context["result"].level == Level.REGION


def test_above_the_limit_the_unit_filter_offers_the_way_down_from_the_unit_shown(
    world: World, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ronda.tablero import policies_dashboards

    catalogue.add_municipality()
    client = login(Client(), world.home[Role.SECRETARIAT])

    def offered(url: str) -> set[int]:
        field = client.get(url).context["form"].fields["unidad"]
        return {u.pk for u in field.queryset}

    everything = offered(f"{DASHBOARD}&unidad={world.country.pk}")
    assert world.municipality.pk in everything  # a few units: every one down to the municipalities
    monkeypatch.setattr(policies_dashboards, "MAX_PICKABLE", 2)
    at_country = offered(f"{DASHBOARD}&unidad={world.country.pk}")
    assert world.country.pk in at_country and world.region.pk in at_country
    assert world.municipality.pk not in at_country  # two levels down: reached through the region
    at_region = offered(f"{DASHBOARD}&unidad={world.region.pk}")
    assert {world.country.pk, world.region.pk, world.municipality.pk} <= at_region
    # The unit shown is always among the options, and other countries never are.
    assert world.other_country.pk not in at_region and world.other_municipality.pk not in at_region
