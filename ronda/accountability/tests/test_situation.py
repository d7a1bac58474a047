"""The situation report of a municipality's children (issue #10 item 9): its figures against values
saved through the Tablero's service (expectations computed from the inputs), the region and the
country, the gap by the direction of improvement, small counts from personal records suppressed,
who may read it (page, API, PDF), and the PDF the job renders."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ronda.accountability import documents_situation, situation
from ronda.accountability.models import ReportStatus, SituationReport
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.tablero import services
from ronda.tablero.models import AggregationType, Direction, Indicator, ValueType
from ronda.territory.models import Level, OrgUnit
from ronda.testing import World, api_token, assert_queries_do_not_grow, check_access_matrix, login, make_unit

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1  # a whole year, whatever today is
YEARS = [YEAR - 2, YEAR - 1, YEAR]
CELLS = [("F", "A1"), ("F", "A2"), ("M", "A1"), ("M", "A2")]
# Per unit code and year: each cell's (vaccinated, target population).
VACCINATION = {
    "A-M": {
        YEAR - 2: {("F", "A1"): (40, 80), ("F", "A2"): (50, 90), ("M", "A1"): (45, 85), ("M", "A2"): (60, 95)},
        YEAR - 1: {("F", "A1"): (50, 80), ("F", "A2"): (60, 90), ("M", "A1"): (52, 85), ("M", "A2"): (70, 95)},
        YEAR: {("F", "A1"): (64, 80), ("F", "A2"): (81, 90), ("M", "A1"): (70, 85), ("M", "A2"): (88, 95)},
    },
    "A-M2": {YEAR: {("F", "A1"): (30, 100), ("F", "A2"): (35, 100), ("M", "A1"): (33, 100), ("M", "A2"): (40, 100)}},
    "A-M3": {YEAR: {("F", "A1"): (90, 100), ("F", "A2"): (95, 100), ("M", "A1"): (92, 100), ("M", "A2"): (97, 100)}},
}
# Children with protection measures (from personal records) in the last year: one cell of 3 at
# home; 2 in the neighbouring municipality (so the region minus the municipality is a small count).
CASES = {
    "A-M": {("F", "A1"): 3, ("F", "A2"): 20, ("M", "A1"): 12, ("M", "A2"): 30},
    "A-M2": {("F", "A1"): 0, ("F", "A2"): 2, ("M", "A1"): 0, ("M", "A2"): 0},
    "A-M3": {("F", "A1"): 10, ("F", "A2"): 11, ("M", "A1"): 12, ("M", "A2"): 13},
}
VAC_TARGET = Decimal("85.0")
CASES_TARGET = Decimal(50)


def rate(num: int, den: int, factor: int = 100, decimals: int = 1) -> Decimal:
    return (Decimal(num) / Decimal(den) * factor).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def totals(figures: dict[tuple[str, str], tuple[int, int]]) -> tuple[int, int]:
    return sum(v[0] for v in figures.values()), sum(v[1] for v in figures.values())


@pytest.fixture
def units(world: World) -> dict[str, OrgUnit]:
    sibling = OrgUnit.objects.get(code="A-M2")
    second_region = make_unit("A-R2", Level.REGION, world.country, "Región dos")
    far = make_unit("A-M3", Level.MUNICIPALITY, second_region, "Municipio lejano")
    return {"A-M": world.municipality, "A-M2": sibling, "A-M3": far}


@pytest.fixture
def catalogue(world: World, units: dict[str, OrgUnit]) -> dict[str, Indicator]:
    sex = services.create_category(
        actor=SYSTEM, owner=world.country, code="SEXO", name="Sexo", options=[("F", "Niñas"), ("M", "Niños")]
    )
    age = services.create_category(
        actor=SYSTEM,
        owner=world.country,
        code="EDAD",
        name="Edad",
        options=[("A1", "Primera infancia (0–5 años)"), ("A2", "Niñez (6–11 años)")],
    )
    combo = services.create_category_combo(
        actor=SYSTEM, owner=world.country, code="SXE", name="Sexo y edad", categories=[sex, age]
    )

    def element(code: str, name: str, *, personal: bool = False) -> Any:
        return services.create_data_element(
            actor=SYSTEM,
            owner=world.country,
            code=code,
            name=name,
            value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
            aggregation_type=AggregationType.SUM,
            category_combo=combo,
            from_personal_records=personal,
        )

    vac, pop, cases = (
        element("VAC", "Vacunados"),
        element("POB", "Población objetivo"),
        element("CASOS", "Casos", personal=True),
    )
    element("OTRO", "Sin registrar")
    indicators = {
        "vac": services.create_indicator(
            actor=SYSTEM,
            owner=world.country,
            code="COB_VAC",
            name="Cobertura de vacunación",
            numerator="#{VAC}",
            denominator="#{POB}",
            factor=Decimal(100),
            unit="%",
            direction=Direction.HIGHER_IS_BETTER,
            goal_area="services",
        ),
        "cases": services.create_indicator(
            actor=SYSTEM,
            owner=world.country,
            code="N_CASOS",
            name="Niños con medidas de protección",
            numerator="#{CASOS}",
            direction=Direction.LOWER_IS_BETTER,
            decimals=0,
            goal_area="environment",
        ),
        "case_rate": services.create_indicator(
            actor=SYSTEM,
            owner=world.country,
            code="TASA_CASOS",
            name="Tasa de medidas de protección",
            numerator="#{CASOS}",
            denominator="#{POB}",
            factor=Decimal(1000),
            unit="por 1.000",
            direction=Direction.LOWER_IS_BETTER,
            goal_area="environment",
        ),
        "empty": services.create_indicator(
            actor=SYSTEM,
            owner=world.country,
            code="SIN_DATOS",
            name="Participación sin registrar",
            numerator="#{OTRO}",
            direction=Direction.HIGHER_IS_BETTER,
            goal_area="participation",
        ),
    }
    cocs = {tuple(sorted(o.code for o in coc.options.all())): coc for coc in combo.option_combos.all()}
    values = []
    for code, years in VACCINATION.items():
        for year, cells in years.items():
            for cell, (vaccinated, population) in cells.items():
                coc = cocs[tuple(sorted(cell))]
                for data_element, value in ((vac, vaccinated), (pop, population)):
                    values.append(services.ValueInput(data_element, coc, units[code], str(year), value))
    for code, counts in CASES.items():
        for cell, n in counts.items():
            values.append(services.ValueInput(cases, cocs[tuple(sorted(cell))], units[code], str(YEAR), n))
    result = services.save_values(actor=SYSTEM, values=values)
    assert not result.errors
    services.set_target(
        actor=SYSTEM, indicator=indicators["vac"], org_unit=world.municipality, period=str(YEAR), value=VAC_TARGET
    )
    services.set_target(
        actor=SYSTEM, indicator=indicators["cases"], org_unit=world.municipality, period=str(YEAR), value=CASES_TARGET
    )
    return indicators


def report(world: World, role: str = Role.COORDINATOR) -> situation.SituationData:
    user = world.home[role]
    actor = actor_for(user, user.memberships.get())
    return situation.situation_report(actor, world.municipality, today=timezone.localdate(), year=YEAR)


def item_of(data: situation.SituationData, code: str) -> situation.SituationIndicator:
    return next(i for s in data.sections for i in s.items if i.indicator.code == code)


def expected_verdict(direction: str, value: Decimal, reference: Decimal) -> str:
    if value == reference:
        return "same"
    better = value > reference if direction == Direction.HIGHER_IS_BETTER else value < reference
    return "better" if better else "worse"


# --- Content --------------------------------------------------------------------------------------


def test_latest_value_trend_and_target_come_from_the_saved_values(
    world: World, catalogue: dict[str, Indicator]
) -> None:
    item = item_of(report(world), "COB_VAC")
    home = VACCINATION["A-M"]
    assert [p.period for p in item.trend] == [str(y) for y in YEARS]
    assert [p.figure.value for p in item.trend] == [rate(*totals(home[y])) for y in YEARS]
    assert item.latest is not None and item.latest.period == str(YEAR)
    latest = rate(*totals(home[YEAR]))
    assert item.latest.figure.value == latest and not item.latest.figure.suppressed
    assert item.target == VAC_TARGET and item.trend[-1].target == VAC_TARGET
    assert item.gap == latest - VAC_TARGET
    assert item.gap_verdict == expected_verdict(Direction.HIGHER_IS_BETTER, latest, VAC_TARGET)
    # The chart and its text alternative say the same figures.
    assert "<title" in item.svg and item.summary in item.svg


def test_the_region_and_the_country_in_the_same_year(world: World, catalogue: dict[str, Indicator]) -> None:
    data = report(world)
    assert data.region == world.region and data.country == world.country
    item = item_of(data, "COB_VAC")
    home, sibling, far = (totals(VACCINATION[c][YEAR]) for c in ("A-M", "A-M2", "A-M3"))
    region = rate(home[0] + sibling[0], home[1] + sibling[1])
    country = rate(home[0] + sibling[0] + far[0], home[1] + sibling[1] + far[1])
    [in_region, in_country] = item.references
    assert (in_region.kind, in_region.unit, in_region.figure.value) == ("region", world.region, region)
    assert (in_country.kind, in_country.unit, in_country.figure.value) == ("country", world.country, country)
    latest = rate(*home)
    assert in_region.verdict == expected_verdict(Direction.HIGHER_IS_BETTER, latest, region)
    assert in_country.verdict == expected_verdict(Direction.HIGHER_IS_BETTER, latest, country)


def test_the_breakdown_by_age_band_and_sex_is_the_rate_of_each_cell(
    world: World, catalogue: dict[str, Indicator]
) -> None:
    breakdown = item_of(report(world), "COB_VAC").breakdown
    assert breakdown is not None and breakdown.measure == "rate"
    home = VACCINATION["A-M"][YEAR]
    # Rows: the age bands (category "Edad"), columns: the sexes.
    assert breakdown.row_labels == ("Primera infancia (0–5 años)", "Niñez (6–11 años)")
    assert breakdown.column_labels == ("Niñas", "Niños")
    for r, band in enumerate(("A1", "A2")):
        for c, sex in enumerate(("F", "M")):
            assert breakdown.cells[r][c].value == rate(*home[(sex, band)])
        row = [home[(sex, band)] for sex in ("F", "M")]
        assert breakdown.row_totals[r].value == rate(sum(v[0] for v in row), sum(v[1] for v in row))
    assert breakdown.total.value == rate(*totals(home))


def test_the_gap_sign_follows_the_direction_of_improvement(world: World, catalogue: dict[str, Indicator]) -> None:
    data = report(world)
    cases = item_of(data, "N_CASOS")
    home_cases = Decimal(sum(CASES["A-M"].values()))
    assert cases.latest is not None and cases.latest.figure.value == home_cases
    assert cases.gap == home_cases - CASES_TARGET
    # Over the target of a "lower is better" indicator is worse; over the target of a "higher is better" one, better.
    assert cases.gap_verdict == expected_verdict(Direction.LOWER_IS_BETTER, home_cases, CASES_TARGET)
    assert (cases.gap > 0) == (cases.gap_verdict == "worse")
    vac = item_of(data, "COB_VAC")
    assert vac.gap is not None and (vac.gap > 0) == (vac.gap_verdict == "better")
    assert situation.compare(Direction.NEUTRAL, Decimal(2), Decimal(1)) is None
    assert situation.compare(Direction.LOWER_IS_BETTER, Decimal(1), Decimal(2)) == "better"


def test_small_counts_from_personal_records_are_suppressed(world: World, catalogue: dict[str, Indicator]) -> None:
    data = report(world, Role.ADMIN)  # whoever reads: the document is meant to be handed on
    cases = item_of(data, "N_CASOS")
    assert cases.sensitive
    table = cases.breakdown
    assert table is not None and table.measure == "count"
    # The cell of 3 girls of 0–5 shows "<5"; its row and its column each hide a second figure.
    assert table.cells[0][0].mark == "<5" and table.cells[0][0].value is None
    assert sum(f.suppressed for f in [*table.cells[0], table.row_totals[0]]) >= 2
    assert sum(f.suppressed for f in [table.cells[0][0], table.cells[1][0], table.column_totals[0]]) >= 2
    # The region minus the municipality is 2 children: the region's count is hidden, the country's is not.
    [in_region, in_country] = cases.references
    assert in_region.figure.suppressed and in_region.figure.value is None
    far = Decimal(sum(CASES["A-M3"].values()))
    assert in_country.figure.value == Decimal(sum(CASES["A-M"].values())) + 2 + far
    # The rate per cell computed from the hidden count is hidden too.
    rates = item_of(data, "TASA_CASOS").breakdown
    assert rates is not None and rates.measure == "rate"
    assert rates.cells[0][0].mark == "—" and rates.cells[0][0].value is None
    assert any("5" in note for note in cases.notes)
    # Vaccination is not counted from personal records: nothing of it is hidden.
    vac = item_of(data, "COB_VAC")
    assert not vac.sensitive and vac.breakdown is not None
    assert not any(f.suppressed for f in vac.breakdown.figures)


def test_an_indicator_with_no_data_is_listed_as_such(world: World, catalogue: dict[str, Indicator]) -> None:
    data = report(world)
    empty = item_of(data, "SIN_DATOS")
    assert not empty.has_data and empty.latest is None
    [participation] = [s for s in data.sections if s.goal_area == "participation"]
    assert participation.without_data == [empty] and participation.with_data == []
    client = login(Client(), world.home[Role.COORDINATOR])
    with translation.override("es"):
        html = client.get(reverse("accountability:situation", args=[world.municipality.pk]), {"year": YEAR}).content
    text = html.decode()
    assert "Participación sin registrar" in text and "sin datos" in text


def test_the_page_shows_the_figures_in_spanish(world: World, catalogue: dict[str, Indicator]) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    response = client.get(reverse("accountability:situation", args=[world.municipality.pk]), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    latest = rate(*totals(VACCINATION["A-M"][YEAR]))
    assert str(latest).replace(".", ",") in html  # es: decimal comma
    assert "&lt;5</abbr>" in html and "Municipio A" in html
    assert "private" in response["Cache-Control"]


def test_a_year_out_of_range_is_refused(world: World, catalogue: dict[str, Indicator]) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    url = reverse("accountability:situation", args=[world.municipality.pk])
    assert client.get(url, {"year": "1999"}).status_code == 400
    assert client.get(url, {"year": "abc"}).status_code == 400
    token = api_token(world.home[Role.COORDINATOR])
    api_url = f"/api/v1/accountability/situation/{world.municipality.pk}"
    assert Client().get(api_url, {"year": "1999"}, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 422
    assert Client().get(api_url, {"nope": "1"}, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 422


# --- The API ----------------------------------------------------------------------------------------


def test_the_api_returns_the_same_content(world: World, catalogue: dict[str, Indicator]) -> None:
    token = api_token(world.home[Role.COORDINATOR])
    response = Client().get(
        f"/api/v1/accountability/situation/{world.municipality.pk}",
        {"year": YEAR},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["org_unit"]["id"] == world.municipality.pk and body["years"] == [str(y) for y in YEARS]
    indicators = {i["code"]: i for area in body["goal_areas"] for i in area["indicators"]}
    vac = indicators["COB_VAC"]
    assert Decimal(vac["latest"]["value"]) == rate(*totals(VACCINATION["A-M"][YEAR]))
    assert [r["kind"] for r in vac["references"]] == ["region", "country"]
    cases = indicators["N_CASOS"]
    assert cases["breakdown"]["cells"][0][0] == {
        "value": None,
        "suppressed": True,
        "mark": "<5",
        "note": cases["breakdown"]["cells"][0][0]["note"],
    }
    assert cases["references"][0]["value"] is None and cases["references"][0]["suppressed"]
    assert indicators["SIN_DATOS"]["has_data"] is False and indicators["SIN_DATOS"]["latest"] is None


def test_the_endpoint_is_in_the_openapi_schema(world: World) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/accountability/situation/{unit_id}" in schema["paths"]


# --- Access -----------------------------------------------------------------------------------------

# A defender's scope is a community; an evaluator reads only their certification assignments.
NOT_READERS = {Role.DEFENDER: 404, Role.EVALUATOR: 404}
READERS = {role: 200 for role in Role.values} | NOT_READERS


def test_page_access(world: World, catalogue: dict[str, Indicator]) -> None:
    check_access_matrix(
        world, url=reverse("accountability:situation", args=[world.municipality.pk]) + f"?year={YEAR}", expected=READERS
    )
    # The list of municipalities: a reader of one goes straight to it.
    check_access_matrix(
        world,
        url=reverse("accountability:situation_index"),
        expected={role: 302 for role in Role.values}
        | {Role.ADMIN: 200, Role.SECRETARIAT: 200, Role.DEFENDER: 200, Role.EVALUATOR: 404},
        # Away, each has one municipality (the other country has one), a defender none.
        away={role: 302 for role in Role.values} | {Role.DEFENDER: 200, Role.EVALUATOR: 404},
    )


def test_api_access(world: World, catalogue: dict[str, Indicator]) -> None:
    check_access_matrix(
        world, url=f"/api/v1/accountability/situation/{world.municipality.pk}", expected=READERS, api=True
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def stub_pdf(monkeypatch: pytest.MonkeyPatch) -> list[situation.SituationData]:
    rendered: list[situation.SituationData] = []

    def render(data: situation.SituationData) -> bytes:
        rendered.append(data)
        return b"%PDF-1.7 stub"

    monkeypatch.setattr(documents_situation, "render_pdf", render)
    return rendered


def test_asking_for_the_pdf_and_who_may_see_it(
    world: World,
    catalogue: dict[str, Indicator],
    media: Path,
    stub_pdf: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = reverse("accountability:situation_request", args=[world.municipality.pk])
    with django_capture_on_commit_callbacks(execute=True):
        check_access_matrix(
            world,
            url=url,
            method="post",
            data={"year": str(YEAR)},
            expected={role: 302 for role in Role.values} | NOT_READERS,
            state=lambda: SituationReport.objects.count(),
        )
    mine = SituationReport.objects.get(owner=world.home[Role.COORDINATOR])
    assert mine.status == ReportStatus.READY and mine.year == YEAR and mine.download_name.endswith(".pdf")
    assert AuditEvent.objects.filter(target_type="accountability.situationreport", target_id=str(mine.pk)).count() >= 3
    only_owner = {role: 404 for role in Role.values} | {Role.COORDINATOR: 200}
    check_access_matrix(world, url=reverse("accountability:situation_status", args=[mine.pk]), expected=only_owner)
    check_access_matrix(world, url=reverse("accountability:situation_file", args=[mine.pk]), expected=only_owner)


def test_the_job_renders_a_real_pdf_with_the_municipality_name(
    world: World, catalogue: dict[str, Indicator], media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from pypdf import PdfReader

    client = login(Client(), world.home[Role.COORDINATOR])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accountability:situation_request", args=[world.municipality.pk]), {"year": YEAR}
        )
    report_row = SituationReport.objects.get()
    assert response.status_code == 302 and report_row.status == ReportStatus.READY
    download = client.get(reverse("accountability:situation_file", args=[report_row.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Municipio A" in text and "Cobertura de vacunación" in text
    assert "<5" in text  # the suppressed cell, and the note that says why


def test_the_dashboard_and_the_reports_list_link_to_it(world: World, catalogue: dict[str, Indicator]) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    dashboard = client.get(reverse("tablero:dashboard"), {"unidad": world.municipality.pk}).content.decode()
    assert reverse("accountability:situation", args=[world.municipality.pk]) in dashboard
    reports = client.get(reverse("accountability:report_list")).content.decode()
    assert reverse("accountability:situation_index") in reports


def test_the_page_makes_as_many_queries_for_more_indicators(world: World, catalogue: dict[str, Indicator]) -> None:
    combo = services.default_combo()
    added: list[Indicator] = []

    def add_rows(n: int) -> None:
        for _i in range(n):
            code = f"EXTRA_{len(added)}"
            element = services.create_data_element(
                actor=SYSTEM,
                owner=world.country,
                code=code,
                name=f"Conteo {code}",
                value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
                aggregation_type=AggregationType.SUM,
                category_combo=combo,
            )
            indicator = services.create_indicator(
                actor=SYSTEM,
                owner=world.country,
                code=f"I_{code}",
                name=f"Indicador {code}",
                numerator="#{" + code + "}",
                direction=Direction.HIGHER_IS_BETTER,
                goal_area="family",
            )
            coc = element.category_combo.option_combos.get()
            services.save_values(
                actor=SYSTEM,
                values=[services.ValueInput(element, coc, world.municipality, str(YEAR), 7 + len(added))],
            )
            services.set_target(
                actor=SYSTEM, indicator=indicator, org_unit=world.municipality, period=str(YEAR), value=Decimal(9)
            )
            added.append(indicator)

    client = login(Client(), world.home[Role.COORDINATOR])
    url = reverse("accountability:situation", args=[world.municipality.pk]) + f"?year={YEAR}"
    # 23 today: the session and the menus, then a fixed number for the report (situation.py's docstring).
    assert_queries_do_not_grow(client, url, add_rows, ceiling=32, contains=["Indicador EXTRA_0"])
