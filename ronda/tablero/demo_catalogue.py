"""The demo's national catalogue, as data: categories, combinations, data elements, indicators, data
sets and targets. ``tablero.demo`` creates one copy per demo country (the country owns it).

Names are Spanish (the demo speaks the countries' language; they are data, not interface). A
name may hold a ``{term}`` of :data:`TERMS` — the early-childhood centres, the well-child checks,
the protection authority each country knows by its own name — and a category its country's own
options (ethnicity). Codes are the same in every country: a formula
``#{CODE}`` or ``#{CODE.COC}`` is read within the indicator's own catalogue.

Option-combination codes join the option codes: ``F_0-5`` is "Niñas, Primera infancia (0–5 años)".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ronda.planning.choices import GoalArea
from ronda.tablero.models import AggregationType, Direction, ValueType
from ronda.tablero.periods import PeriodType
from ronda.territory.models import AreaKind, Level

DEMO_COUNTRIES = ("EC", "CR", "MX")

# What each country calls its early-childhood centres, its well-child checks, the community's
# watch over children's rights and the authority a child at risk is referred to.
TERMS = {
    "EC": {
        "cdi": "centros de desarrollo infantil (CDI)",
        "controles": "Controles de niño sano",
        "los_controles": "los controles de niño sano",
        "red": "la defensoría comunitaria",
        "autoridad": "la Junta Cantonal de Protección de Derechos",
    },
    "CR": {
        "cdi": "CEN-CINAI",
        "controles": "Controles de crecimiento y desarrollo",
        "los_controles": "los controles de crecimiento y desarrollo",
        "red": "el comité tutelar",
        "autoridad": "el PANI",
    },
    "MX": {
        "cdi": "centros de atención infantil (CAI)",
        "controles": "Consultas del niño sano",
        "los_controles": "las consultas del niño sano",
        "red": "la red comunitaria",
        "autoridad": "la Procuraduría de Protección",
    },
}

SEX = "SEXO"  # people in general (caregivers, staff)
CHILD_SEX = "SEXO_NNA"
AGE = "GRUPO_EDAD"
DISABILITY = "DISCAPACIDAD"
ETHNICITY = "ETNIA"
MIGRATION = "CONDICION_MIGRATORIA"

# The age bands are child_population's keys (territory.demo), so the population loads as it is.
AGE_BANDS = (
    ("0-5", "Primera infancia (0–5 años)"),
    ("6-11", "Niñez (6–11 años)"),
    ("12-17", "Adolescencia (12–17 años)"),
)
# child_population's sexes and the options that count them.
SEX_OPTIONS = {"female": "F", "male": "M"}

ETHNICITY_OPTIONS = {
    "EC": [
        ("MESTIZA", "Mestiza"),
        ("INDIGENA", "Indígena"),
        ("AFRO", "Afroecuatoriana"),
        ("MONTUBIA", "Montubia"),
        ("OTRA", "Otra"),
    ],
    "CR": [("INDIGENA", "Indígena"), ("AFRO", "Afrodescendiente"), ("OTRA", "Otra o ninguna")],
    "MX": [("INDIGENA", "Indígena"), ("AFRO", "Afromexicana"), ("OTRA", "Otra o ninguna")],
}


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    options: tuple[tuple[str, str], ...] = ()


CATEGORIES = (
    CategorySpec(SEX, "Sexo", (("F", "Mujeres"), ("M", "Hombres"))),
    CategorySpec(CHILD_SEX, "Sexo (niñez y adolescencia)", (("F", "Niñas"), ("M", "Niños"))),
    CategorySpec(AGE, "Grupo de edad", AGE_BANDS),
    CategorySpec(DISABILITY, "Discapacidad", (("CON", "Con discapacidad"), ("SIN", "Sin discapacidad"))),
    CategorySpec(ETHNICITY, "Autoidentificación étnica"),  # options per country
    CategorySpec(
        MIGRATION,
        "Condición migratoria",
        (("NAC", "Nacional"), ("MIG", "Migrante"), ("REF", "Refugiada o solicitante de refugio")),
    ),
)

# Combination codes; "default" is the system's single one.
SEX_AGE = "SEXO_EDAD"
COMBOS = (
    (SEX_AGE, "Sexo y grupo de edad", (CHILD_SEX, AGE)),
    (CHILD_SEX, "Sexo (niñez y adolescencia)", (CHILD_SEX,)),
    (AGE, "Grupo de edad", (AGE,)),
    (SEX, "Sexo", (SEX,)),
    (DISABILITY, "Discapacidad", (DISABILITY,)),
    (ETHNICITY, "Autoidentificación étnica", (ETHNICITY,)),
    (MIGRATION, "Condición migratoria", (MIGRATION,)),
)
DEFAULT = "default"

COUNT = ValueType.INTEGER_ZERO_OR_POSITIVE


@dataclass(frozen=True)
class ElementSpec:
    code: str
    name: str
    short_name: str
    goal_area: str
    combo: str = DEFAULT
    aggregation: str = AggregationType.SUM
    value_type: str = COUNT
    personal: bool = False
    description: str = ""


E = ElementSpec
S, EQ, P, ENV, FAM = (
    GoalArea.SERVICES,
    GoalArea.EQUITY,
    GoalArea.PARTICIPATION,
    GoalArea.ENVIRONMENT,
    GoalArea.FAMILY,
)
LAST = AggregationType.LAST
POPULATION = "POB_NNA"

ELEMENTS = (
    # The denominator of every rate: loaded yearly from each unit's child population.
    E(POPULATION, "Población de niñas, niños y adolescentes", "Población NNA", EQ, SEX_AGE, LAST),
    # Registro comunitario mensual (communities).
    E("CDI_MATRICULA", "Niñas y niños matriculados en {cdi}", "Matrícula en centros infantiles", S, CHILD_SEX, LAST),
    E("ACT_JUEGO", "Actividades recreativas y de juego realizadas", "Actividades de juego", FAM),
    E(
        "PART_ACT_JUEGO",
        "Niñas, niños y adolescentes participantes en actividades recreativas",
        "Participantes en recreación",
        FAM,
        SEX_AGE,
    ),
    E("VISITAS_HOGAR", "Visitas domiciliarias de acompañamiento familiar", "Visitas domiciliarias", FAM),
    E("TALLERES_CRIANZA", "Talleres de crianza positiva realizados", "Talleres de crianza", FAM),
    E(
        "PART_TALLERES",
        "Madres, padres y cuidadores participantes en talleres de crianza",
        "Participantes en talleres",
        FAM,
        SEX,
    ),
    E(
        "ALERTAS_VULN",
        "Alertas de vulneración de derechos reportadas por {red}",
        "Alertas de vulneración",
        ENV,
        SEX_AGE,
        personal=True,
    ),
    E(
        "NNA_DERIVADOS",
        "Niñas, niños y adolescentes derivados a {autoridad}",
        "Derivaciones a protección",
        ENV,
        SEX_AGE,
        personal=True,
    ),
    E("ASAMBLEAS_NNA", "Asambleas comunitarias con participación de niñas, niños y adolescentes", "Asambleas", P),
    E(
        "NNA_ASAMBLEA",
        "Niñas, niños y adolescentes participantes en asambleas comunitarias",
        "Participantes en asambleas",
        P,
        SEX_AGE,
    ),
    # Salud municipal mensual.
    E("NAC_VIVOS", "Nacidos vivos", "Nacidos vivos", S, CHILD_SEX),
    E(
        "INSC_OPORTUNA",
        "Inscripciones oportunas de nacimiento (hasta 90 días)",
        "Inscripciones oportunas",
        EQ,
        CHILD_SEX,
    ),
    E(
        "VAC_COMPLETA",
        "Niñas y niños menores de 1 año vacunados con el esquema completo",
        "Niños vacunados",
        S,
        CHILD_SEX,
    ),
    E("POB_OBJ_VAC", "Población objetivo de vacunación (menores de 1 año)", "Población objetivo", S, CHILD_SEX),
    E("CONTROL_NS", "{controles} realizados", "Controles realizados", S, CHILD_SEX),
    E("CONTROL_NS_PROG", "{controles} programados", "Controles programados", S, CHILD_SEX),
    E(
        "DESNUTRICION",
        "Niñas y niños menores de 5 años con desnutrición crónica detectada",
        "Desnutrición crónica",
        S,
        CHILD_SEX,
    ),
    E("NAC_MADRE_10_14", "Nacidos vivos de madres de 10 a 14 años", "Madres de 10 a 14 años", ENV),
    E("NAC_MADRE_15_19", "Nacidos vivos de madres de 15 a 19 años", "Madres de 15 a 19 años", S),
    # Permanencia escolar mensual.
    E("ABANDONO", "Estudiantes que abandonaron el sistema educativo", "Abandono escolar", S, SEX_AGE),
    # Educación municipal anual.
    E("MATRICULA", "Niñas, niños y adolescentes matriculados en el sistema educativo", "Matrícula", S, SEX_AGE, LAST),
    E(
        "MATRICULA_DISC",
        "Estudiantes matriculados por condición de discapacidad",
        "Matrícula por discapacidad",
        EQ,
        DISABILITY,
        LAST,
    ),
    E(
        "MATRICULA_MIGR",
        "Estudiantes matriculados por condición migratoria",
        "Matrícula por condición migratoria",
        EQ,
        MIGRATION,
        LAST,
    ),
    E(
        "MATRICULA_ETNIA",
        "Estudiantes matriculados por autoidentificación étnica",
        "Matrícula por etnia",
        EQ,
        ETHNICITY,
        LAST,
    ),
    E("ESCUELAS", "Escuelas públicas", "Escuelas públicas", S, aggregation=LAST),
    E(
        "ESCUELAS_ACCESIBLES",
        "Escuelas públicas con infraestructura accesible",
        "Escuelas accesibles",
        EQ,
        aggregation=LAST,
    ),
    # Protección trimestral: counts of children from personal records (published with suppression).
    E(
        "DENUNCIAS_VIOL",
        "Denuncias de violencia contra niñas, niños y adolescentes",
        "Denuncias de violencia",
        ENV,
        SEX_AGE,
        personal=True,
    ),
    E("CASOS_TI", "Casos de trabajo infantil", "Trabajo infantil", ENV, SEX_AGE, personal=True),
    E("MEDIDAS_PROT", "Medidas de protección dictadas", "Medidas de protección", ENV, CHILD_SEX, personal=True),
    E(
        "ACOG_FAMILIAR",
        "Niñas, niños y adolescentes en acogimiento familiar",
        "Acogimiento familiar",
        FAM,
        CHILD_SEX,
        LAST,
        personal=True,
    ),
    E(
        "ACOG_INSTITUCIONAL",
        "Niñas, niños y adolescentes en acogimiento institucional",
        "Acogimiento institucional",
        FAM,
        CHILD_SEX,
        LAST,
        personal=True,
    ),
    # Registro municipal anual.
    E("ESPACIOS_JUEGO", "Espacios públicos de juego", "Espacios de juego", FAM, aggregation=LAST),
    E(
        "CONSEJO_PART",
        "Niñas, niños y adolescentes participantes en el consejo de niñez y adolescencia",
        "Participantes en el consejo",
        P,
        SEX_AGE,
        LAST,
    ),
    E("CONSEJO_SESIONES", "Sesiones del consejo de niñez y adolescencia", "Sesiones del consejo", P),
    E(
        "FUNC_CAPACITADOS",
        "Funcionarios municipales capacitados en derechos de la niñez",
        "Funcionarios capacitados",
        EQ,
        SEX,
    ),
)

PERCENT = "%"
PER_THOUSAND = "por cada 1.000 niñas, niños y adolescentes"
HUNDRED, THOUSAND = Decimal(100), Decimal(1000)
UP, DOWN, NEUTRAL = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER, Direction.NEUTRAL


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    short_name: str
    goal_area: str
    numerator: str
    denominator: str
    factor: Decimal
    direction: str
    unit: str
    decimals: int = 1
    numerator_description: str = ""
    denominator_description: str = ""


def _under_six(element: str) -> str:
    return f"#{{{element}.F_0-5}} + #{{{element}.M_0-5}}"


I = IndicatorSpec  # noqa: E741 - a table, read as such
INDICATORS = (
    I(
        "COB_INSC_OPORTUNA",
        "Cobertura de inscripción oportuna de nacimientos",
        "Inscripción oportuna",
        EQ,
        "#{INSC_OPORTUNA}",
        "#{NAC_VIVOS}",
        HUNDRED,
        UP,
        PERCENT,
        numerator_description="Inscripciones oportunas de nacimiento",
        denominator_description="Nacidos vivos",
    ),
    I(
        "COB_VACUNACION",
        "Cobertura de vacunación completa en menores de 1 año",
        "Cobertura de vacunación",
        S,
        "#{VAC_COMPLETA}",
        "#{POB_OBJ_VAC}",
        HUNDRED,
        UP,
        PERCENT,
        numerator_description="Niños vacunados",
        denominator_description="Población objetivo",
    ),
    I(
        "CUMPL_CONTROL_NS",
        "Cumplimiento de {los_controles}",
        "Cumplimiento de controles",
        S,
        "#{CONTROL_NS}",
        "#{CONTROL_NS_PROG}",
        HUNDRED,
        UP,
        PERCENT,
    ),
    I(
        "PCT_DESNUTRICION",
        "Desnutrición crónica detectada en {los_controles}",
        "Desnutrición crónica",
        S,
        "#{DESNUTRICION}",
        "#{CONTROL_NS}",
        HUNDRED,
        DOWN,
        PERCENT,
    ),
    I(
        "PCT_NAC_ADOLESCENTES",
        "Nacidos vivos de madres adolescentes (10 a 19 años)",
        "Embarazo adolescente",
        S,
        "#{NAC_MADRE_10_14} + #{NAC_MADRE_15_19}",
        "#{NAC_VIVOS}",
        HUNDRED,
        DOWN,
        PERCENT,
    ),
    I(
        "PCT_NAC_10_14",
        "Nacidos vivos de madres de 10 a 14 años",
        "Madres de 10 a 14 años",
        ENV,
        "#{NAC_MADRE_10_14}",
        "#{NAC_VIVOS}",
        HUNDRED,
        DOWN,
        PERCENT,
        decimals=2,
    ),
    I(
        "COB_CDI",
        "Cobertura de {cdi} en la primera infancia",
        "Cobertura de centros infantiles",
        S,
        "#{CDI_MATRICULA}",
        _under_six(POPULATION),
        HUNDRED,
        UP,
        PERCENT,
        denominator_description="Niñas y niños de 0 a 5 años",
    ),
    I(
        "TASA_ABANDONO",
        "Tasa de abandono escolar",
        "Abandono escolar",
        S,
        "#{ABANDONO}",
        "#{MATRICULA}",
        HUNDRED,
        DOWN,
        PERCENT,
        decimals=2,
    ),
    I(
        "PCT_MATRICULA_DISC",
        "Estudiantes con discapacidad entre los matriculados",
        "Matrícula con discapacidad",
        EQ,
        "#{MATRICULA_DISC.CON}",
        "#{MATRICULA_DISC}",
        HUNDRED,
        NEUTRAL,
        PERCENT,
    ),
    I(
        "PCT_MATRICULA_MIGR",
        "Estudiantes migrantes o refugiados entre los matriculados",
        "Matrícula migrante",
        EQ,
        "#{MATRICULA_MIGR.MIG} + #{MATRICULA_MIGR.REF}",
        "#{MATRICULA_MIGR}",
        HUNDRED,
        NEUTRAL,
        PERCENT,
    ),
    I(
        "PCT_ESCUELAS_ACCESIBLES",
        "Escuelas públicas con infraestructura accesible",
        "Escuelas accesibles",
        EQ,
        "#{ESCUELAS_ACCESIBLES}",
        "#{ESCUELAS}",
        HUNDRED,
        UP,
        PERCENT,
    ),
    I(
        "TASA_DENUNCIAS",
        "Denuncias de violencia contra niñas, niños y adolescentes por cada 1.000",
        "Denuncias de violencia",
        ENV,
        "#{DENUNCIAS_VIOL}",
        f"#{{{POPULATION}}}",
        THOUSAND,
        NEUTRAL,
        PER_THOUSAND,
        decimals=2,
    ),
    I(
        "TASA_TRABAJO_INFANTIL",
        "Casos de trabajo infantil por cada 1.000 niñas, niños y adolescentes",
        "Trabajo infantil",
        ENV,
        "#{CASOS_TI}",
        f"#{{{POPULATION}}}",
        THOUSAND,
        DOWN,
        PER_THOUSAND,
        decimals=2,
    ),
    I(
        "TASA_ALERTAS",
        "Alertas de vulneración de derechos por cada 1.000 niñas, niños y adolescentes",
        "Alertas de vulneración",
        ENV,
        "#{ALERTAS_VULN}",
        f"#{{{POPULATION}}}",
        THOUSAND,
        NEUTRAL,
        PER_THOUSAND,
        decimals=2,
    ),
    I(
        "TASA_ESPACIOS_JUEGO",
        "Espacios públicos de juego por cada 1.000 niñas, niños y adolescentes",
        "Espacios de juego",
        FAM,
        "#{ESPACIOS_JUEGO}",
        f"#{{{POPULATION}}}",
        THOUSAND,
        UP,
        PER_THOUSAND,
        decimals=2,
    ),
    I(
        "TASA_RECREACION",
        "Participantes en actividades recreativas por cada 1.000 niñas, niños y adolescentes",
        "Participación en recreación",
        FAM,
        "#{PART_ACT_JUEGO}",
        f"#{{{POPULATION}}}",
        THOUSAND,
        UP,
        PER_THOUSAND,
    ),
    I(
        "PCT_ACOG_FAMILIAR",
        "Acogimiento familiar entre las niñas, niños y adolescentes en acogimiento",
        "Acogimiento familiar",
        FAM,
        "#{ACOG_FAMILIAR}",
        "#{ACOG_FAMILIAR} + #{ACOG_INSTITUCIONAL}",
        HUNDRED,
        UP,
        PERCENT,
    ),
    I(
        "PROM_PART_TALLER",
        "Participantes por taller de crianza positiva",
        "Participantes por taller",
        FAM,
        "#{PART_TALLERES}",
        "#{TALLERES_CRIANZA}",
        Decimal(1),
        UP,
        "participantes por taller",
    ),
    I(
        "TASA_PART_CONSEJO",
        "Participantes en el consejo de niñez y adolescencia por cada 1.000 niñas, niños y adolescentes",
        "Participación en el consejo",
        P,
        "#{CONSEJO_PART}",
        f"#{{{POPULATION}}}",
        THOUSAND,
        UP,
        PER_THOUSAND,
        decimals=2,
    ),
    I(
        "PCT_NINAS_CONSEJO",
        "Niñas y adolescentes mujeres entre los participantes del consejo de niñez y adolescencia",
        "Niñas en el consejo",
        P,
        "#{CONSEJO_PART.F_6-11} + #{CONSEJO_PART.F_12-17}",
        "#{CONSEJO_PART}",
        HUNDRED,
        NEUTRAL,
        PERCENT,
    ),
    I(
        "TASA_PART_ASAMBLEAS",
        "Participantes en asambleas comunitarias por cada 1.000 niñas, niños y adolescentes",
        "Participación en asambleas",
        P,
        "#{NNA_ASAMBLEA}",
        f"#{{{POPULATION}}}",
        THOUSAND,
        UP,
        PER_THOUSAND,
    ),
)


@dataclass(frozen=True)
class DataSetSpec:
    code: str
    name: str
    period_type: str
    level: int
    owner_area_kind: str
    elements: tuple[str, ...]
    due_days: int = 15


COMMUNITY_REGISTER = "REG_COMUNITARIO"
DATA_SETS = (
    DataSetSpec(
        COMMUNITY_REGISTER,
        "Registro comunitario mensual",
        PeriodType.MONTHLY,
        Level.COMMUNITY,
        AreaKind.CHILDHOOD,
        (
            "CDI_MATRICULA",
            "ACT_JUEGO",
            "PART_ACT_JUEGO",
            "VISITAS_HOGAR",
            "TALLERES_CRIANZA",
            "PART_TALLERES",
            "ALERTAS_VULN",
            "NNA_DERIVADOS",
            "ASAMBLEAS_NNA",
            "NNA_ASAMBLEA",
        ),
        due_days=10,
    ),
    DataSetSpec(
        "SALUD_MENSUAL",
        "Salud municipal mensual",
        PeriodType.MONTHLY,
        Level.MUNICIPALITY,
        AreaKind.HEALTH,
        (
            "NAC_VIVOS",
            "INSC_OPORTUNA",
            "VAC_COMPLETA",
            "POB_OBJ_VAC",
            "CONTROL_NS",
            "CONTROL_NS_PROG",
            "DESNUTRICION",
            "NAC_MADRE_10_14",
            "NAC_MADRE_15_19",
        ),
    ),
    DataSetSpec(
        "PERMANENCIA_ESCOLAR",
        "Permanencia escolar mensual",
        PeriodType.MONTHLY,
        Level.MUNICIPALITY,
        AreaKind.EDUCATION,
        ("ABANDONO",),
    ),
    DataSetSpec(
        "EDUCACION_ANUAL",
        "Educación municipal anual",
        PeriodType.YEARLY,
        Level.MUNICIPALITY,
        AreaKind.EDUCATION,
        ("MATRICULA", "MATRICULA_DISC", "MATRICULA_MIGR", "MATRICULA_ETNIA", "ESCUELAS", "ESCUELAS_ACCESIBLES"),
        due_days=60,
    ),
    DataSetSpec(
        "PROTECCION_TRIMESTRAL",
        "Protección de derechos trimestral",
        PeriodType.QUARTERLY,
        Level.MUNICIPALITY,
        AreaKind.CHILDHOOD,
        ("DENUNCIAS_VIOL", "CASOS_TI", "MEDIDAS_PROT", "ACOG_FAMILIAR", "ACOG_INSTITUCIONAL"),
        due_days=20,
    ),
    DataSetSpec(
        "REGISTRO_MUNICIPAL_ANUAL",
        "Registro municipal anual",
        PeriodType.YEARLY,
        Level.MUNICIPALITY,
        AreaKind.PLANNING,
        ("ESPACIOS_JUEGO", "CONSEJO_PART", "CONSEJO_SESIONES", "FUNC_CAPACITADOS"),
        due_days=60,
    ),
    DataSetSpec(
        "POBLACION_ANUAL",
        "Población de niñas, niños y adolescentes",
        PeriodType.YEARLY,
        Level.MUNICIPALITY,
        AreaKind.PLANNING,
        (POPULATION,),
        due_days=90,
    ),
)


@dataclass(frozen=True)
class TargetSpec:
    """A target that moves from ``first`` (the first year of the demo) to ``last`` (this year)."""

    indicator: str
    first: Decimal
    last: Decimal
    countries: tuple[str, ...] = field(default=DEMO_COUNTRIES)


TARGETS = (
    TargetSpec("COB_INSC_OPORTUNA", Decimal(92), Decimal(98)),
    TargetSpec("COB_VACUNACION", Decimal(90), Decimal(95)),
    TargetSpec("CUMPL_CONTROL_NS", Decimal(85), Decimal(92)),
    TargetSpec("PCT_NAC_ADOLESCENTES", Decimal(15), Decimal(11)),
    TargetSpec("TASA_ABANDONO", Decimal("3.5"), Decimal("2.5")),
    TargetSpec("COB_CDI", Decimal(15), Decimal(20), countries=("EC",)),  # Loja: community data only
    TargetSpec("TASA_ESPACIOS_JUEGO", Decimal("0.6"), Decimal("0.9")),
    TargetSpec("TASA_PART_CONSEJO", Decimal("1.3"), Decimal("1.8")),
    TargetSpec("PCT_ESCUELAS_ACCESIBLES", Decimal(40), Decimal(60)),
)
