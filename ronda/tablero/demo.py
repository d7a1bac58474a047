"""Demo data of the Tablero: a national catalogue per demo country (``demo_catalogue``), the child
population of every demo unit, targets, and three years of values for Loja and the Costa Rican
cantons, with plausible trends.

- The catalogue is created through ``tablero.services`` with ``actor=SYSTEM``; what exists (by
  owner and code) is skipped.
- The population element gets, for every year of the demo, each community's child population and,
  at the municipality itself, what its communities do not hold: a municipality's figure (the
  aggregate of its subtree) is then exactly its ``child_population`` in the current year, ±2 % a
  year before.
- Monthly, quarterly and yearly values (the ``months`` months ending last month) are made up with
  ``random.Random`` seeded by unit, data set and period, so a run gives the same figures every time:
  vaccination rises towards its target, school drop-out follows the school calendar, violence
  reports are small counts (the public page suppresses them). They are saved through
  ``services.save_values`` in batches (the aggregates are kept by it); a unit's data set period
  that already has values is skipped, so a second run writes nothing and a run a month later adds
  the new month.

Runs after territory and accounts (``INSTALLED_APPS`` order) and relies on their data only.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.tablero import computed, services
from ronda.tablero import demo_catalogue as spec
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import (
    Category,
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataValue,
    Indicator,
    Target,
)
from ronda.territory.models import Level, OrgUnit

# Three years of monthly values; the test settings load fewer (every app's demo test loads the
# whole demo, and 36 months of values take a while to aggregate).
DEMO_MONTHS = 36
TEST_MONTHS = 2
BATCH = 3_000
# The municipalities with values beyond the population, and those whose communities have the
# community register too (the Costa Rican cantons report at the municipality).
VALUE_MUNICIPALITIES = ("EC-1101", "CR-*")
COMMUNITY_MUNICIPALITIES = ("EC-1101",)

Population = dict[str, dict[str, int]]
# (element code, option-combination code) -> value
Figures = dict[tuple[str, str], int]


@dataclass
class Catalogue:
    country: OrgUnit
    elements: dict[str, DataElement] = field(default_factory=dict)
    # element code -> option-combination code -> combination
    option_combos: dict[str, dict[str, CategoryOptionCombo]] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    data_sets: dict[str, spec.DataSetSpec] = field(default_factory=dict)


def _named(text: str, country: str) -> str:
    return text.format_map(spec.TERMS[country])


# --- The catalogue ------------------------------------------------------------------------------


def _categories(country: OrgUnit) -> dict[str, Category]:
    out = {}
    for category in spec.CATEGORIES:
        found = Category.objects.filter(owner=country, code=category.code).first()
        if found is None:
            options = category.options or tuple(spec.ETHNICITY_OPTIONS[country.code])
            found = services.create_category(
                actor=SYSTEM, owner=country, code=category.code, name=category.name, options=options
            )
        out[category.code] = found
    return out


def _combos(country: OrgUnit) -> dict[str, CategoryCombo]:
    categories = _categories(country)
    out = {spec.DEFAULT: services.default_combo()}
    for code, name, category_codes in spec.COMBOS:
        found = CategoryCombo.objects.filter(owner=country, code=code).first()
        if found is None:
            found = services.create_category_combo(
                actor=SYSTEM, owner=country, code=code, name=name, categories=[categories[c] for c in category_codes]
            )
        out[code] = found
    return out


def catalogue(country: OrgUnit) -> Catalogue:
    """The country's demo catalogue, created where missing."""
    combos = _combos(country)
    result = Catalogue(country)
    existing = {e.code: e for e in DataElement.objects.filter(owner=country)}
    for element in spec.ELEMENTS:
        found = existing.get(element.code)
        if found is None:
            found = services.create_data_element(
                actor=SYSTEM,
                owner=country,
                code=element.code,
                name=_named(element.name, country.code),
                short_name=element.short_name,
                description=element.description,
                value_type=element.value_type,
                aggregation_type=element.aggregation,
                category_combo=combos[element.combo],
                goal_area=element.goal_area,
                from_personal_records=element.personal,
            )
        result.elements[element.code] = found
    cocs_by_combo: dict[int, dict[str, CategoryOptionCombo]] = {}
    for coc in CategoryOptionCombo.objects.filter(combo__in=[c.pk for c in combos.values()]):
        cocs_by_combo.setdefault(coc.combo_id, {})[coc.code] = coc
    for code, data_element in result.elements.items():
        result.option_combos[code] = cocs_by_combo[data_element.category_combo_id]
    existing_indicators = {i.code: i for i in Indicator.objects.filter(owner=country)}
    for indicator in spec.INDICATORS:
        found_indicator = existing_indicators.get(indicator.code)
        if found_indicator is None:
            found_indicator = services.create_indicator(
                actor=SYSTEM,
                owner=country,
                code=indicator.code,
                name=_named(indicator.name, country.code),
                short_name=indicator.short_name,
                numerator=indicator.numerator,
                denominator=indicator.denominator,
                factor=indicator.factor,
                direction=indicator.direction,
                unit=indicator.unit,
                decimals=indicator.decimals,
                goal_area=indicator.goal_area,
                numerator_description=indicator.numerator_description,
                denominator_description=indicator.denominator_description,
            )
        result.indicators[indicator.code] = found_indicator
    existing_sets = set(DataSet.objects.filter(owner=country).values_list("code", flat=True))
    for data_set in spec.DATA_SETS:
        if data_set.code not in existing_sets:
            services.create_data_set(
                actor=SYSTEM,
                owner=country,
                code=data_set.code,
                name=data_set.name,
                period_type=data_set.period_type,
                level=data_set.level,
                owner_area_kind=data_set.owner_area_kind,
                due_days=data_set.due_days,
                data_elements=[result.elements[e] for e in data_set.elements],
            )
        result.data_sets[data_set.code] = data_set
    return result


# --- Periods and units --------------------------------------------------------------------------


def monthly_window(today: dt.date, months: int) -> list[iso_periods.Period]:
    """The ``months`` months ending last month, oldest first."""
    last = iso_periods.of_type(iso_periods.PeriodType.MONTHLY, today).previous()
    out = [last]
    while len(out) < months:
        out.append(out[-1].previous())
    return list(reversed(out))


def _periods_of(data_set: spec.DataSetSpec, window: list[iso_periods.Period]) -> list[iso_periods.Period]:
    """The data set's periods that end within the window (a year counts when one of its months does)."""
    if data_set.period_type == iso_periods.PeriodType.MONTHLY:
        return window
    found: dict[str, iso_periods.Period] = {}
    for month in window:
        period = iso_periods.of_type(data_set.period_type, month.start)
        if data_set.period_type == iso_periods.PeriodType.YEARLY or (window[0].start <= period.end <= window[-1].end):
            found[period.iso] = period
    return list(found.values())


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(code == p or (p.endswith("*") and code.startswith(p[:-1])) for p in patterns)


def _municipalities(country: OrgUnit) -> list[OrgUnit]:
    return list(OrgUnit.objects.within(country).filter(level=Level.MUNICIPALITY, is_active=True).order_by("code"))


def _communities(municipality: OrgUnit) -> list[OrgUnit]:
    return list(municipality.children.filter(level=Level.COMMUNITY, is_active=True).order_by("code"))


# --- Made-up figures ------------------------------------------------------------------------------


def _rng(*parts: object) -> random.Random:
    # Made-up demo figures, not secrets; a str seed gives the same sequence in every run.
    return random.Random(":".join(str(p) for p in parts))  # noqa: S311


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _scaled(population: Population, factor: float) -> Population:
    return {sex: {band: round(n * factor) for band, n in bands.items()} for sex, bands in population.items()}


def _year_factor(unit: OrgUnit, year: int, this_year: int) -> float:
    """Each unit's child population changes by up to ±2 % a year (this year: as recorded)."""
    change = (_rng("population", unit.code).random() - 0.5) * 0.04
    return (1 - change) ** (this_year - year)


def _total(population: Population) -> int:
    return sum(n for bands in population.values() for n in bands.values())


SEXES = tuple(spec.SEX_OPTIONS.items())  # ("female", "F"), ("male", "M")
BANDS = tuple(code for code, _name in spec.AGE_BANDS)

# Share of the year's school drop-outs that happen in each month: Loja's Sierra school year runs
# September to July; Costa Rica's February to December (drop-outs peak after the July break).
DROPOUT_MONTHS = {
    "EC": (1.0, 1.6, 1.8, 1.4, 1.0, 0.8, 1.2, 0.2, 0.3, 0.8, 1.0, 0.6),
    "CR": (0.2, 0.6, 0.9, 1.0, 1.0, 1.2, 1.8, 1.9, 1.2, 1.3, 1.4, 0.5),
    "MX": (0.3, 1.0, 1.2, 1.1, 1.2, 1.4, 0.6, 0.3, 0.8, 1.0, 1.1, 0.7),
}
# Country-specific starting points (and where they go by the end of the demo).
VACCINATION = {"EC": (0.80, 0.93), "CR": (0.88, 0.95), "MX": (0.82, 0.92)}
TIMELY_REGISTRATION = {"EC": (0.86, 0.95), "CR": (0.93, 0.97), "MX": (0.84, 0.93)}
STUNTING = {"EC": (0.20, 0.17), "CR": (0.06, 0.05), "MX": (0.12, 0.10)}
TEEN_MOTHERS = {"EC": (0.18, 0.15), "CR": (0.12, 0.10), "MX": (0.15, 0.13)}
MIGRANTS = {"EC": (0.035, 0.006), "CR": (0.08, 0.01), "MX": (0.01, 0.002)}
ETHNICITY_SHARES = {
    "EC": {"MESTIZA": 0.80, "INDIGENA": 0.06, "AFRO": 0.05, "MONTUBIA": 0.03},
    "CR": {"INDIGENA": 0.025, "AFRO": 0.08},
    "MX": {"INDIGENA": 0.12, "AFRO": 0.02},
}


def _between(pair: tuple[float, float], t: float) -> float:
    return pair[0] + (pair[1] - pair[0]) * t


@dataclass(frozen=True)
class Context:
    """What the figures of one unit × period depend on."""

    country: str
    population: Population
    period: iso_periods.Period
    # Progress through the demo, 0 at the first period, 1 at the last.
    t: float
    rng: random.Random


def _community_register(c: Context) -> Figures:
    pop, rng, t = c.population, c.rng, c.t
    out: Figures = {}
    for sex, s in SEXES:
        out[("CDI_MATRICULA", s)] = round(pop[sex]["0-5"] * (0.26 + 0.10 * t) * rng.uniform(0.97, 1.03))
    activities = _poisson(rng, 2 + 2 * t)
    out[("ACT_JUEGO", "default")] = activities
    workshops = _poisson(rng, 1.2)
    out[("TALLERES_CRIANZA", "default")] = workshops
    out[("PART_TALLERES", "F")] = _poisson(rng, 12 * workshops)
    out[("PART_TALLERES", "M")] = _poisson(rng, 4 * workshops)
    out[("VISITAS_HOGAR", "default")] = _poisson(rng, _total(pop) / 1000 * 4)
    assemblies = _poisson(rng, 0.6 + 0.6 * t)
    out[("ASAMBLEAS_NNA", "default")] = assemblies
    play = {"0-5": 0.6, "6-11": 1.2, "12-17": 0.8}
    voice = {"0-5": 0.1, "6-11": 1.0, "12-17": 1.3}
    for sex, s in SEXES:
        for band in BANDS:
            n = pop[sex][band]
            coc = f"{s}_{band}"
            out[("PART_ACT_JUEGO", coc)] = _poisson(rng, n * 0.01 * (1 + 0.5 * t) * play[band] * min(activities, 4))
            alerts = _poisson(rng, n * 0.0015)
            out[("ALERTAS_VULN", coc)] = alerts
            out[("NNA_DERIVADOS", coc)] = sum(rng.random() < 0.4 for _ in range(alerts))
            out[("NNA_ASAMBLEA", coc)] = _poisson(rng, assemblies * n * 0.01 * voice[band])
    return out


def _health(c: Context) -> Figures:
    pop, rng, t, country = c.population, c.rng, c.t, c.country
    out: Figures = {}
    season = 1 + 0.04 * math.sin(2 * math.pi * (c.period.start.month - 3) / 12)
    births_total = 0
    for sex, s in SEXES:
        under_six = pop[sex]["0-5"]
        births = round(under_six / 72 * season * (1 + rng.gauss(0, 0.04)))
        births_total += births
        out[("NAC_VIVOS", s)] = births
        timely = min(0.995, _between(TIMELY_REGISTRATION[country], t) + rng.gauss(0, 0.01))
        out[("INSC_OPORTUNA", s)] = round(births * timely)
        target = round(under_six / 72)
        out[("POB_OBJ_VAC", s)] = target
        coverage = min(1.0, _between(VACCINATION[country], t) + rng.gauss(0, 0.015))
        out[("VAC_COMPLETA", s)] = round(target * coverage)
        scheduled = round(under_six * 0.09)
        done = round(scheduled * min(1.0, 0.74 + 0.14 * t + rng.gauss(0, 0.02)))
        out[("CONTROL_NS_PROG", s)] = scheduled
        out[("CONTROL_NS", s)] = done
        girls = 0.95 if sex == "female" else 1.05
        out[("DESNUTRICION", s)] = round(done * _between(STUNTING[country], t) * girls * rng.uniform(0.95, 1.05))
    out[("NAC_MADRE_10_14", "default")] = _poisson(rng, births_total * (0.006 if country == "EC" else 0.004))
    teen = _between(TEEN_MOTHERS[country], t) * rng.uniform(0.93, 1.07)
    out[("NAC_MADRE_15_19", "default")] = round(births_total * teen)
    return out


def _enrolment(pop: Population, sex: str, band: str, t: float) -> int:
    share = {"0-5": 0.30 + 0.05 * t, "6-11": 0.96, "12-17": 0.82 + 0.03 * t}[band]
    return round(pop[sex][band] * share)


def _school_retention(c: Context) -> Figures:
    pop, rng, t = c.population, c.rng, c.t
    weights = DROPOUT_MONTHS[c.country]
    month_share = weights[c.period.start.month - 1] / sum(weights)
    yearly = {"6-11": 0.012, "12-17": 0.06 if c.country == "CR" else 0.04}
    out: Figures = {}
    for sex, s in SEXES:
        boys = 1.1 if sex == "male" else 0.9
        for band, rate in yearly.items():
            mean = _enrolment(pop, sex, band, t) * rate * (1 - 0.15 * t) * boys * month_share
            out[("ABANDONO", f"{s}_{band}")] = _poisson(rng, mean)
    return out


def _education(c: Context) -> Figures:
    pop, rng, t, country = c.population, c.rng, c.t, c.country
    out: Figures = {}
    total = 0
    for sex, s in SEXES:
        for band in BANDS:
            n = _enrolment(pop, sex, band, t)
            out[("MATRICULA", f"{s}_{band}")] = n
            total += n
    disabled = round(total * (0.018 + 0.003 * t))
    out[("MATRICULA_DISC", "CON")], out[("MATRICULA_DISC", "SIN")] = disabled, total - disabled
    migrant, refugee = (round(total * share * rng.uniform(0.9, 1.1)) for share in MIGRANTS[country])
    out[("MATRICULA_MIGR", "MIG")], out[("MATRICULA_MIGR", "REF")] = migrant, refugee
    out[("MATRICULA_MIGR", "NAC")] = total - migrant - refugee
    rest = total
    for code, share in ETHNICITY_SHARES[country].items():
        n = round(total * share * rng.uniform(0.95, 1.05))
        out[("MATRICULA_ETNIA", code)] = n
        rest -= n
    out[("MATRICULA_ETNIA", "OTRA")] = rest
    schools = max(1, round(_total(pop) / 350))
    out[("ESCUELAS", "default")] = schools
    out[("ESCUELAS_ACCESIBLES", "default")] = round(schools * (0.35 + 0.15 * t))
    return out


def _protection(c: Context) -> Figures:
    pop, rng, t = c.population, c.rng, c.t
    out: Figures = {}
    for sex, s in SEXES:
        girls = 1.3 if sex == "female" else 0.8
        measures = 0
        for band in BANDS:
            n = pop[sex][band]
            coc = f"{s}_{band}"
            age = {"0-5": 0.6, "6-11": 1.0, "12-17": 1.4}[band]
            reports = _poisson(rng, n * 0.004 / 4 * girls * age * (1 + 0.2 * t))
            out[("DENUNCIAS_VIOL", coc)] = reports
            measures += sum(rng.random() < 0.55 for _ in range(reports))
            work = {"0-5": 0.0, "6-11": 0.0002, "12-17": 0.0008}[band] * (1.5 if sex == "male" else 1.0)
            out[("CASOS_TI", coc)] = _poisson(rng, n * work * (1 - 0.3 * t))
        out[("MEDIDAS_PROT", s)] = measures
        half = _total({sex: pop[sex]})
        out[("ACOG_FAMILIAR", s)] = _poisson(rng, half * 0.0003 * (0.8 + 0.6 * t))
        out[("ACOG_INSTITUCIONAL", s)] = _poisson(rng, half * 0.0006 * (1 - 0.3 * t))
    return out


def _municipal_register(c: Context) -> Figures:
    pop, rng, t = c.population, c.rng, c.t
    thousands = _total(pop) / 1000
    out: Figures = {("ESPACIOS_JUEGO", "default"): round(thousands * (0.55 + 0.3 * t))}
    for sex, s in SEXES:
        girls = 1.1 if sex == "female" else 0.9
        for band, share in (("6-11", 0.25), ("12-17", 0.35)):
            out[("CONSEJO_PART", f"{s}_{band}")] = round(
                thousands * share * (1 + 0.5 * t) * girls * rng.uniform(0.9, 1.1)
            )
    out[("CONSEJO_SESIONES", "default")] = 4 + round(6 * t) + rng.randint(0, 2)
    out[("FUNC_CAPACITADOS", "F")] = round(thousands * 0.3 * (1 + t) * rng.uniform(0.8, 1.2))
    out[("FUNC_CAPACITADOS", "M")] = round(thousands * 0.2 * (1 + t) * rng.uniform(0.8, 1.2))
    return out


FIGURES: dict[str, Callable[[Context], Figures]] = {
    spec.COMMUNITY_REGISTER: _community_register,
    "SALUD_MENSUAL": _health,
    "PERMANENCIA_ESCOLAR": _school_retention,
    "EDUCACION_ANUAL": _education,
    "PROTECCION_TRIMESTRAL": _protection,
    "REGISTRO_MUNICIPAL_ANUAL": _municipal_register,
}


# --- Loading ------------------------------------------------------------------------------------


class Loader:
    """Collects values and saves them through ``save_values`` in batches."""

    def __init__(self, cat: Catalogue, today: dt.date) -> None:
        self.catalogue = cat
        self.today = today
        self.pending: list[services.ValueInput] = []
        self.saved = 0
        element_ids = [e.pk for e in cat.elements.values()]
        # (unit, element, period) of every stored value: a unit's data set period with any is done.
        self.present = set(
            DataValue.objects.filter(data_element_id__in=element_ids)
            .values_list("org_unit_id", "data_element_id", "period__iso")
            .distinct()
        )

    def done(self, unit: OrgUnit, element_codes: Iterable[str], period: str) -> bool:
        return any((unit.pk, self.catalogue.elements[code].pk, period) in self.present for code in element_codes)

    def add(self, unit: OrgUnit, period: str, figures: Figures) -> None:
        for (code, coc), value in figures.items():
            if value == 0:
                continue  # not significant: no data
            self.pending.append(
                services.ValueInput(
                    data_element=self.catalogue.elements[code],
                    option_combo=self.catalogue.option_combos[code][coc],
                    org_unit=unit,
                    period=period,
                    value=value,
                )
            )
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            result = services.save_values(actor=SYSTEM, values=self.pending, today=self.today)
            self.saved += result.imported + result.updated
            self.pending = []


def _population_figures(population: Population) -> Figures:
    return {(spec.POPULATION, f"{s}_{band}"): population[sex][band] for sex, s in SEXES for band in BANDS}


def _years(window: list[iso_periods.Period], today: dt.date) -> list[iso_periods.Period]:
    years = sorted({p.start.year for p in window} | {today.year})
    return [iso_periods.parse(str(year)) for year in years]


def _load_population(loader: Loader, municipalities: list[OrgUnit], years: list[iso_periods.Period]) -> None:
    """Each community's children, and at the municipality what its communities do not hold."""
    this_year = loader.today.year
    for municipality in municipalities:
        communities = [c for c in _communities(municipality) if _complete(c.child_population)]
        for year in years:
            if loader.done(municipality, [spec.POPULATION], year.iso):
                continue
            held: dict[tuple[str, str], int] = {}
            for community in communities:
                pop = _scaled(community.child_population, _year_factor(community, year.start.year, this_year))
                figures = _population_figures(pop)
                for key, n in figures.items():
                    held[key] = held.get(key, 0) + n
                if not loader.done(community, [spec.POPULATION], year.iso):
                    loader.add(community, year.iso, figures)
            own = _population_figures(
                _scaled(municipality.child_population, _year_factor(municipality, year.start.year, this_year))
            )
            loader.add(municipality, year.iso, {key: max(0, n - held.get(key, 0)) for key, n in own.items()})


def _progress(periods: list[iso_periods.Period], index: int) -> float:
    return index / (len(periods) - 1) if len(periods) > 1 else 1.0


def _load_values(
    loader: Loader, units: list[OrgUnit], data_set: spec.DataSetSpec, periods: list[iso_periods.Period]
) -> None:
    this_year = loader.today.year
    country = loader.catalogue.country.code
    for unit in units:
        for index, period in enumerate(periods):
            if loader.done(unit, data_set.elements, period.iso):
                continue
            population = _scaled(unit.child_population, _year_factor(unit, period.start.year, this_year))
            context = Context(
                country=country,
                population=population,
                period=period,
                t=_progress(periods, index),
                rng=_rng(unit.code, data_set.code, period.iso),
            )
            loader.add(unit, period.iso, FIGURES[data_set.code](context))


def _load_targets(cat: Catalogue, units: list[OrgUnit], years: list[iso_periods.Period]) -> None:
    existing = set(
        Target.objects.filter(indicator__in=cat.indicators.values(), org_unit__in=units).values_list(
            "indicator_id", "org_unit_id", "period__iso"
        )
    )
    for target in spec.TARGETS:
        if cat.country.code not in target.countries:
            continue
        indicator = cat.indicators[target.indicator]
        for index, year in enumerate(years):
            t = Decimal(_progress(years, index))
            value = (target.first + (target.last - target.first) * t).quantize(Decimal("0.01"))
            for unit in units:
                if (indicator.pk, unit.pk, year.iso) not in existing:
                    services.set_target(actor=SYSTEM, indicator=indicator, org_unit=unit, period=year.iso, value=value)


def _complete(population: Population) -> bool:
    return all(isinstance(population.get(sex), dict) and all(b in population[sex] for b in BANDS) for sex, _s in SEXES)


# What each demo municipality shows on its public Tablero page (the coordinator can change it).
PUBLISHED = ("COB_VACUNACION", "COB_INSC_OPORTUNA", "TASA_ABANDONO", "PCT_NAC_ADOLESCENTES", "TASA_ALERTAS")


def _publish(cat: Catalogue, municipalities: Sequence[OrgUnit]) -> None:
    """Publish a few indicators per municipality, once (a municipality that chose its own keeps them)."""
    from ronda.tablero import publication
    from ronda.tablero.models import PublishedIndicator

    chosen = [cat.indicators[code] for code in PUBLISHED if code in cat.indicators]
    for unit in municipalities:
        if unit.level != Level.MUNICIPALITY or PublishedIndicator.objects.filter(org_unit=unit).exists():
            continue
        publication.set_published(actor=SYSTEM, org_unit=unit, indicators=chosen)


def load_demo(*, months: int | None = None, today: dt.date | None = None) -> None:
    """The catalogue of every demo country, the population, targets and ``months`` months of values."""
    today = today or timezone.localdate()
    if months is None:
        months = TEST_MONTHS if settings.RONDA_ENV == "test" else DEMO_MONTHS
    window = monthly_window(today, months)
    years = _years(window, today)
    for country_code in spec.DEMO_COUNTRIES:
        country = OrgUnit.objects.filter(code=country_code, level=Level.COUNTRY).first()
        if country is None:
            continue
        cat = catalogue(country)
        computed.ensure_indicators(country)  # plan progress, agreements on time … computed by the domains
        loader = Loader(cat, today)
        municipalities = [m for m in _municipalities(country) if _complete(m.child_population)]
        _load_population(loader, municipalities, years)
        with_values = [m for m in municipalities if _matches(m.code, VALUE_MUNICIPALITIES)]
        for data_set in spec.DATA_SETS:
            if data_set.code not in FIGURES:
                continue
            periods = _periods_of(data_set, window)
            if data_set.code == spec.COMMUNITY_REGISTER:
                units = [
                    c
                    for m in with_values
                    if _matches(m.code, COMMUNITY_MUNICIPALITIES)
                    for c in _communities(m)
                    if _complete(c.child_population)
                ]
            else:
                units = with_values
            _load_values(loader, units, data_set, periods)
        loader.flush()
        _load_targets(cat, with_values, years)
        _publish(cat, with_values)
