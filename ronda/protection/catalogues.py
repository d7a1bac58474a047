"""The protection catalogues of the demo countries, as data (issue #12): the protective-measure types
of each country's law and the standards of the supervision checklist for residential care.

* Mexico: Ley General de los Derechos de Niñas, Niños y Adolescentes (LGDNNA). The Procuraduría de
  Protección orders urgent special protection measures (art. 122, fr. VI: entry into a centro de
  asistencia social, immediate medical care), tells the Ministerio Público and the judge within
  three hours, and the judge ratifies, modifies or cancels them within the next twenty-four hours
  (``ratification_days`` counts whole days: 1). Ordinary special protection measures (art. 122
  fr. V, art. 123) and the forms of alternative care of art. 26 (extended family, foster family,
  pre-adoptive care, residential care as the last resort).
* Ecuador: Código de la Niñez y Adolescencia (CONA), art. 217: administrative measures of the Junta
  Cantonal de Protección de Derechos (support to the family, care order at home, family
  reinsertion, protection programmes, emergency custody for at most seventy-two hours until the
  judge decides) and judicial ones (acogimiento familiar, acogimiento institucional).
* Costa Rica: Código de la Niñez y la Adolescencia (Ley 7739), art. 135: the measures of the PANI,
  among them "cuido provisional" in a substitute family and "abrigo temporal" in an institution.

The names are data in Spanish, as a country's configuration would hold them, not interface
strings: they are not translated. ``load(code)`` creates what the country lacks: idempotent by code,
and it never rewrites a row that exists (an administrator may have edited it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ronda.core import audit
from ronda.core.tenancy import SYSTEM
from ronda.protection.models import MeasureType, StandardItem
from ronda.territory.models import Level, OrgUnit


@dataclass(frozen=True)
class MeasureEntry:
    code: str
    name: str
    legal_reference: str
    is_urgent: bool = False
    ratification_days: int | None = None
    places_in_care: bool = False
    review_months: int = 3


@dataclass(frozen=True)
class StandardEntry:
    code: str
    group: str
    text: str


MEXICO_MEASURES = (
    MeasureEntry(
        "mx-urgente-cas",
        "Medida urgente de protección especial: ingreso a un centro de asistencia social",
        "LGDNNA art. 122, fr. VI, inciso a)",
        is_urgent=True,
        ratification_days=1,
        places_in_care=True,
    ),
    MeasureEntry(
        "mx-urgente-salud",
        "Medida urgente de protección especial: atención médica inmediata",
        "LGDNNA art. 122, fr. VI, inciso b)",
        is_urgent=True,
        ratification_days=1,
    ),
    MeasureEntry(
        "mx-proteccion-especial",
        "Medida de protección especial",
        "LGDNNA arts. 122, fr. V, y 123",
    ),
    MeasureEntry(
        "mx-familia-extensa",
        "Acogimiento por familia extensa o ampliada",
        "LGDNNA art. 26, fr. I",
        places_in_care=True,
    ),
    MeasureEntry(
        "mx-familia-acogida",
        "Acogimiento en familia de acogida",
        "LGDNNA art. 26, fr. II",
        places_in_care=True,
    ),
    MeasureEntry(
        "mx-preadoptivo",
        "Acogimiento pre-adoptivo",
        "LGDNNA art. 26, fr. III",
        places_in_care=True,
    ),
    MeasureEntry(
        "mx-cas",
        "Acogimiento residencial en un centro de asistencia social (último recurso)",
        "LGDNNA arts. 26, fr. IV, y 107 a 112",
        places_in_care=True,
    ),
)

ECUADOR_MEASURES = (
    MeasureEntry(
        "ec-apoyo-familiar",
        "Acciones de apoyo al núcleo familiar",
        "CONA art. 217, num. 1",
    ),
    MeasureEntry(
        "ec-cuidado-hogar",
        "Orden de cuidado del niño, niña o adolescente en su hogar",
        "CONA art. 217, num. 2",
    ),
    MeasureEntry(
        "ec-reinsercion",
        "Reinserción familiar",
        "CONA art. 217, num. 3",
    ),
    MeasureEntry(
        "ec-programa",
        "Inserción en un programa de protección",
        "CONA art. 217, num. 4",
    ),
    MeasureEntry(
        "ec-custodia-emergencia",
        "Custodia de emergencia (hasta 72 horas, hasta que el juez disponga la medida)",
        "CONA art. 217, num. 5",
        is_urgent=True,
        ratification_days=3,
        places_in_care=True,
    ),
    MeasureEntry(
        "ec-acogimiento-familiar",
        "Acogimiento familiar",
        "CONA arts. 217 y 220 a 231",
        places_in_care=True,
    ),
    MeasureEntry(
        "ec-acogimiento-institucional",
        "Acogimiento institucional",
        "CONA arts. 217 y 232 a 234",
        places_in_care=True,
    ),
)

COSTA_RICA_MEASURES = (
    MeasureEntry(
        "cr-orientacion",
        "Orientación, apoyo y seguimiento temporal a la familia",
        "Código de la Niñez y la Adolescencia, art. 135, inciso a)",
    ),
    MeasureEntry(
        "cr-matricula",
        "Matrícula y asistencia obligatoria a un centro educativo",
        "Código de la Niñez y la Adolescencia, art. 135, inciso b)",
    ),
    MeasureEntry(
        "cr-programa",
        "Inclusión en programas oficiales o comunitarios de auxilio a la familia",
        "Código de la Niñez y la Adolescencia, art. 135, inciso c)",
    ),
    MeasureEntry(
        "cr-tratamiento",
        "Orden de tratamiento médico, psicológico o psiquiátrico",
        "Código de la Niñez y la Adolescencia, art. 135, inciso d)",
    ),
    MeasureEntry(
        "cr-cuido-provisional",
        "Cuido provisional en familia sustituta",
        "Código de la Niñez y la Adolescencia, art. 135, inciso f)",
        places_in_care=True,
    ),
    MeasureEntry(
        "cr-abrigo-temporal",
        "Abrigo temporal en una entidad pública o privada",
        "Código de la Niñez y la Adolescencia, art. 135, inciso g)",
        places_in_care=True,
    ),
)

_CARE = "Atención individual"
_FAMILY = "Vida familiar"
_SERVICES = "Educación y salud"
_RIGHTS = "Derechos y participación"
_STAFF = "Personal"
_PLACE = "Instalaciones y seguridad"


def _standards(*, plan: str, ratio: str, licence: str, safety: str) -> tuple[StandardEntry, ...]:
    """The checklist every country shares, with the items its own rules word differently."""
    return (
        StandardEntry("licencia", _PLACE, licence),
        StandardEntry("plan-individual", _CARE, plan),
        StandardEntry(
            "expediente",
            _CARE,
            "Cada niña, niño o adolescente tiene un expediente completo, "
            "con la medida de protección que ordenó su ingreso",
        ),
        StandardEntry(
            "menores-tres",
            _CARE,
            "No hay niñas ni niños menores de tres años, salvo una excepción justificada y aprobada",
        ),
        StandardEntry(
            "contacto-familiar",
            _FAMILY,
            "Se mantiene y registra el contacto con la familia de origen, salvo orden de la autoridad en contrario",
        ),
        StandardEntry(
            "reintegracion",
            _FAMILY,
            "Se trabaja activamente la reintegración familiar o una alternativa de cuidado en familia",
        ),
        StandardEntry(
            "hermanos",
            _FAMILY,
            "Los grupos de hermanos permanecen juntos, salvo que su interés superior lo desaconseje",
        ),
        StandardEntry(
            "escolaridad", _SERVICES, "Todas las niñas, niños y adolescentes en edad escolar asisten a la escuela"
        ),
        StandardEntry(
            "salud",
            _SERVICES,
            "Cada niña, niño o adolescente tiene control de salud, vacunas al día "
            "y acceso a atención médica y psicológica",
        ),
        StandardEntry(
            "discapacidad",
            _SERVICES,
            "Las niñas, niños y adolescentes con discapacidad reciben los apoyos y ajustes razonables que necesitan",
        ),
        StandardEntry(
            "migrantes",
            _SERVICES,
            "Las niñas, niños y adolescentes migrantes, solicitantes de asilo o refugiados reciben atención "
            "especializada: intérprete, asesoría jurídica y acceso a la protección internacional",
        ),
        StandardEntry(
            "quejas",
            _RIGHTS,
            "Existe un mecanismo de quejas confidencial y accesible, que las niñas, niños y adolescentes conocen",
        ),
        StandardEntry(
            "participacion",
            _RIGHTS,
            "Las niñas, niños y adolescentes son escuchados en las decisiones que les afectan",
        ),
        StandardEntry(
            "privacidad",
            _RIGHTS,
            "Se respetan la privacidad y la intimidad de cada niña, niño o adolescente y sus pertenencias personales",
        ),
        StandardEntry(
            "disciplina",
            _RIGHTS,
            "No se aplican castigos físicos ni humillantes; la disciplina es positiva y respetuosa",
        ),
        StandardEntry("ratio", _STAFF, ratio),
        StandardEntry(
            "personal-capacitado",
            _STAFF,
            "El personal está capacitado en derechos de la niñez "
            "y sus antecedentes fueron verificados antes de contratarlo",
        ),
        StandardEntry(
            "dormitorios",
            _PLACE,
            "Los dormitorios y servicios sanitarios están separados por sexo y edad, con espacio suficiente",
        ),
        StandardEntry("seguridad", _PLACE, safety),
    )


MEXICO_STANDARDS = _standards(
    plan=(
        "Cada niña, niño o adolescente tiene un plan de restitución de derechos "
        "y un plan de atención individual actualizados"
    ),
    ratio=(
        "Hay al menos una persona cuidadora por cada cuatro niñas o niños menores de un año "
        "y una por cada ocho mayores de esa edad"
    ),
    licence=(
        "El centro de asistencia social tiene licencia vigente "
        "y está inscrito en el Registro Nacional de Centros de Asistencia Social"
    ),
    safety="Las instalaciones son seguras y el centro cuenta con un programa interno de protección civil vigente",
)
ECUADOR_STANDARDS = _standards(
    plan="Cada niña, niño o adolescente tiene un proyecto integral de atención individual actualizado",
    ratio="El número de educadores por niña, niño o adolescente cumple la norma técnica de acogimiento institucional",
    licence="La entidad de atención tiene permiso de funcionamiento vigente de la autoridad rectora",
    safety="Las instalaciones son seguras y la entidad cuenta con un plan de gestión de riesgos vigente",
)
COSTA_RICA_STANDARDS = _standards(
    plan="Cada persona menor de edad tiene un plan de intervención individual actualizado",
    ratio=(
        "El número de personas cuidadoras por persona menor de edad "
        "cumple la norma del PANI para alternativas de protección"
    ),
    licence="La alternativa de protección está habilitada y acreditada por el PANI",
    safety="Las instalaciones son seguras y cuentan con un plan de emergencias vigente",
)

MEASURES: dict[str, tuple[MeasureEntry, ...]] = {
    "MX": MEXICO_MEASURES,
    "EC": ECUADOR_MEASURES,
    "CR": COSTA_RICA_MEASURES,
}
STANDARDS: dict[str, tuple[StandardEntry, ...]] = {
    "MX": MEXICO_STANDARDS,
    "EC": ECUADOR_STANDARDS,
    "CR": COSTA_RICA_STANDARDS,
}
COUNTRIES = tuple(sorted(MEASURES))


@dataclass(frozen=True)
class Loaded:
    measure_types: list[MeasureType]
    standards: list[StandardItem]

    @property
    def created(self) -> int:
        return len(self.measure_types) + len(self.standards)


@transaction.atomic
def load(country_code: str, country: OrgUnit | None = None) -> Loaded:
    """Create the measure types and supervision standards of ``country_code`` ("MX", "EC", "CR") that
    the country lacks, and return those created. ``country``: the org unit to load them into (by
    default the country whose code is ``country_code``). Loaded by Ronda itself (the command, the
    demo): audited as the system."""
    code = country_code.upper()
    if code not in MEASURES:
        raise ValueError(f"no protection catalogue for country code {country_code!r}")
    if country is None:
        country = OrgUnit.objects.get(code=code, level=Level.COUNTRY)
    elif country.level != Level.COUNTRY:
        raise ValueError("the catalogues belong to a country")
    existing_types = set(MeasureType.objects.filter(country=country).values_list("code", flat=True))
    types: list[MeasureType] = []
    for entry in MEASURES[code]:
        if entry.code in existing_types:
            continue
        row = MeasureType.objects.create(
            country=country,
            code=entry.code,
            name=entry.name,
            legal_reference=entry.legal_reference,
            is_urgent=entry.is_urgent,
            ratification_days=entry.ratification_days,
            places_in_care=entry.places_in_care,
            default_review_months=entry.review_months,
        )
        audit.record_create(actor=SYSTEM, target=row, org_unit=country)
        types.append(row)
    existing_standards = set(StandardItem.objects.filter(country=country).values_list("code", flat=True))
    standards: list[StandardItem] = []
    for order, standard in enumerate(STANDARDS[code], start=1):
        if standard.code in existing_standards:
            continue
        item = StandardItem.objects.create(
            country=country, code=standard.code, text=standard.text, group=standard.group, order=order * 10
        )
        audit.record_create(actor=SYSTEM, target=item, org_unit=country)
        standards.append(item)
    return Loaded(measure_types=types, standards=standards)
