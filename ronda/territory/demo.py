"""Demo territory: Costa Rica, Ecuador (Loja and its 24 communities) and Mexico (Tlaxcala), the
municipal areas of six municipalities and the referral directory.

Seed 003 lists two communities called "San Jacinto" (numbers 13 and 21) with nothing to tell them
apart; the second one is named "San Jacinto (sector 2)" here. The qualifier is ours, not the
seed's: a unit name must be told apart from its sibling on screen.

Every unit carries a child population by sex and age band (0-5, 6-11, 12-17), used as the
denominator of rates. The figures are rounded orders of magnitude of each country's census
(INEC Costa Rica, INEC Ecuador 2022, INEGI 2020), not official data; the communities' figures are
made up (deterministic, from the code) and never add up to more than their municipality's.

Every unit gets a simple shape for the Tablero's maps: a rectangle inside its parent's, one cell of
a grid of the siblings (``grid_box``), so siblings never overlap. Units of a database loaded before
the shapes existed keep theirs empty (the loader skips units that exist).

Area names follow each country's usage: the finance area is "Hacienda" in a Costa Rican
municipality, the "Dirección Financiera" of an Ecuadorian GAD and the "Tesorería" of a Mexican
ayuntamiento, whose security area is "Seguridad Pública". Areas are looked up by kind, so a
database loaded earlier keeps the names it had.

Idempotent: every unit is looked up by its code, every area and institution by its name, before it
is created through the services with ``actor=SYSTEM``. Called by ``ronda.portal.demo.load_demo``
(``manage.py demo``), which refuses to run in production and runs every app's loader in one
transaction, in ``INSTALLED_APPS`` order.
"""

from __future__ import annotations

import io
import math
import zlib

from django.core.files.base import ContentFile

from ronda.core.tenancy import SYSTEM
from ronda.territory import services as territory_services
from ronda.territory.models import Area, AreaKind, Institution, InstitutionKind, Level, OrgUnit

# Children and adolescents (0-17) of the countries, regions and municipalities: rounded orders of
# magnitude, not official figures (see the module docstring).
CHILDREN = {
    "CR": 1_320_000,
    "CR-SJ": 355_000,
    "CR-101": 68_000,
    "CR-102": 15_500,
    "CR-103": 52_000,
    "CR-A": 270_000,
    "CR-201": 62_000,
    "CR-210": 52_000,
    "CR-C": 140_000,
    "CR-301": 33_000,
    "CR-H": 115_000,
    "CR-401": 28_000,
    "CR-G": 98_000,
    "CR-501": 19_000,
    "CR-P": 125_000,
    "CR-601": 31_000,
    "CR-L": 125_000,
    "CR-701": 28_000,
    "EC": 5_600_000,
    "EC-11": 165_000,
    "EC-1101": 80_000,
    "EC-1103": 11_000,
    "MX": 37_500_000,
    "MX-29": 400_000,
    "MX-29-033": 28_000,
    "MX-29-005": 24_000,
    "MX-29-013": 32_000,
    "MX-29-010": 21_000,
    "MX-29-006": 16_000,
    "MX-29-044": 14_000,
}
# Share of each age band and of girls in the child population.
AGE_SHARES = (("0-5", 32), ("6-11", 33), ("12-17", 35))
FEMALE_PER_THOUSAND = 489

# (code, name, [(municipality code, name, [communities])])
COSTA_RICA = [
    (
        "CR-SJ",
        "San José",
        [
            ("CR-101", "San José", ["Carmen", "Merced", "Hospital", "Catedral", "Zapote"]),
            ("CR-102", "Escazú", ["Escazú Centro", "San Antonio", "San Rafael"]),
            ("CR-103", "Desamparados", ["Desamparados Centro", "San Miguel", "Gravilias", "Los Guido"]),
        ],
    ),
    (
        "CR-A",
        "Alajuela",
        [
            ("CR-201", "Alajuela", ["Alajuela Centro", "San José", "Carrizal"]),
            ("CR-210", "San Carlos", ["Quesada", "Florencia", "Aguas Zarcas"]),
        ],
    ),
    ("CR-C", "Cartago", [("CR-301", "Cartago", ["Oriental", "Occidental", "Carmen"])]),
    ("CR-H", "Heredia", [("CR-401", "Heredia", ["Heredia Centro", "Mercedes", "San Francisco"])]),
    ("CR-G", "Guanacaste", [("CR-501", "Liberia", ["Liberia Centro", "Cañas Dulces", "Mayorga"])]),
    ("CR-P", "Puntarenas", [("CR-601", "Puntarenas", ["Puntarenas Centro", "Chacarita", "Barranca"])]),
    ("CR-L", "Limón", [("CR-701", "Limón", ["Limón Centro", "Valle La Estrella", "Matama"])]),
]

# Seed 003: the 24 communities of the canton of Loja with a community defender organisation.
LOJA_COMMUNITIES = [
    "Motupe",
    "Capulí",
    "Zamora Huayco",
    "Colinas Lojanas",
    "Carigán",
    "Lolita Samaniego",
    "Belén",
    "San José Alto",
    "Virgenpamba",
    "Amable María",
    "San Agustín",
    "El Valle",
    "San Jacinto",
    "Cdla. de la Policía",
    "Chinguilanchi",
    "Rumizhitana",
    "Belén de Malacatos",
    "Miraflores Alto",
    "San Cayetano Alto",
    "Plateado",
    "San Jacinto (sector 2)",
    "Ciudad Victoria",
    "Turunuma",
    "Obrapía",
]

TLAXCALA = [
    ("MX-29-033", "Tlaxcala", ["Tlaxcala Centro", "Ocotlán", "San Gabriel Cuauhtla", "Acuitlapilco"]),
    ("MX-29-005", "Apizaco", ["Apizaco Centro", "San Martín de Porres", "Cerrito de Guadalupe"]),
    ("MX-29-013", "Huamantla", ["Huamantla Centro", "Benito Juárez", "Ignacio Zaragoza"]),
    ("MX-29-010", "Chiautempan", ["Chiautempan Centro", "Guadalupe Ixcotla", "Tlalcuapan"]),
    ("MX-29-006", "Calpulalpan", ["Calpulalpan Centro", "San Antonio Mazapa", "San Felipe Sultepec"]),
    ("MX-29-044", "Zacatelco", ["Zacatelco Centro", "Guardia", "Xochicalco"]),
]

# The areas of a demo municipality; COUNTRY_AREA_NAMES renames some of them per country.
AREAS: list[tuple[str, str]] = [
    (AreaKind.CHILDHOOD, "Niñez y Adolescencia"),
    (AreaKind.SOCIAL, "Desarrollo Social"),
    (AreaKind.EDUCATION, "Educación"),
    (AreaKind.HEALTH, "Salud"),
    (AreaKind.SPORTS, "Deportes y Recreación"),
    (AreaKind.CULTURE, "Cultura"),
    (AreaKind.PUBLIC_WORKS, "Obras Públicas"),
    (AreaKind.FINANCE, "Hacienda"),
    (AreaKind.PLANNING, "Planificación"),
    (AreaKind.SECURITY, "Seguridad Ciudadana"),
    (AreaKind.COMMUNICATION, "Comunicación"),
]
COUNTRY_AREA_NAMES: dict[str, dict[str, str]] = {
    "CR": {},
    "EC": {AreaKind.FINANCE: "Dirección Financiera"},
    "MX": {AreaKind.FINANCE: "Tesorería", AreaKind.SECURITY: "Seguridad Pública"},
}

# (code of seat, name, acronym, kind, [services], jurisdiction codes or None for the seat)
INSTITUTIONS = [
    (
        "CR",
        "Patronato Nacional de la Infancia",
        "PANI",
        InstitutionKind.CHILD_PROTECTION_AGENCY,
        ["Atención de denuncias", "Medidas de protección", "Acogimiento familiar", "Línea 1147"],
        ["CR"],
    ),
    (
        "CR-101",
        "Junta de Protección de la Niñez y la Adolescencia de San José",
        "JPNA",
        InstitutionKind.PROTECTION_BOARD,
        ["Vigilancia de derechos", "Proyectos comunitarios"],
        ["CR-101"],
    ),
    ("CR", "Ministerio Público — Fiscalía", "MP", InstitutionKind.PROSECUTOR, ["Denuncias penales"], ["CR"]),
    (
        "CR-101",
        "Caja Costarricense de Seguro Social — EBAIS Carmen",
        "CCSS",
        InstitutionKind.HEALTH,
        ["Atención primaria", "Control de crecimiento y desarrollo"],
        ["CR-101"],
    ),
    (
        "CR-101",
        "Ministerio de Educación Pública — Dirección Regional de Educación San José Central",
        "MEP",
        InstitutionKind.EDUCATION,
        ["Matrícula y permanencia escolar", "Circuitos educativos"],
        ["CR-101"],
    ),
    # Seed 000: the technical secretariat of Cantones Amigos de la Infancia (ST-CAI).
    (
        "CR",
        "Instituto de Fomento y Asesoría Municipal",
        "IFAM",
        InstitutionKind.OTHER,
        ["Asesoría técnica a las municipalidades", "Secretaría Técnica de Cantones Amigos de la Infancia"],
        ["CR"],
    ),
    (
        "CR",
        "Ministerio de Planificación Nacional y Política Económica",
        "MIDEPLAN",
        InstitutionKind.OTHER,
        ["Planificación y evaluación de políticas públicas"],
        ["CR"],
    ),
    (
        "CR",
        "Coordinadora de Organizaciones Sociales de Defensa de los Derechos de Niños, Niñas y Adolescentes",
        "COSECODENI",
        InstitutionKind.NGO,
        ["Incidencia en políticas de niñez", "Formación en derechos"],
        ["CR"],
    ),
    (
        "CR",
        "Fondo de las Naciones Unidas para la Infancia — UNICEF Costa Rica",
        "UNICEF",
        InstitutionKind.OTHER,
        ["Iniciativa Cantones Amigos de la Infancia", "Asistencia técnica"],
        ["CR"],
    ),
    (
        "EC-1101",
        "Junta Cantonal de Protección de Derechos de Loja",
        "JCPD",
        InstitutionKind.PROTECTION_BOARD,
        ["Medidas administrativas de protección", "Atención de denuncias"],
        ["EC-1101"],
    ),
    (
        "EC-11",
        "Dirección Nacional de Policía Especializada para Niños, Niñas y Adolescentes",
        "DINAPEN",
        InstitutionKind.POLICE,
        ["Búsqueda de personas desaparecidas", "Protección inmediata"],
        ["EC-11"],
    ),
    ("EC-11", "Fiscalía Provincial de Loja", "FGE", InstitutionKind.PROSECUTOR, ["Denuncias de violencia"], ["EC-11"]),
    (
        "EC-1101",
        "Centro de Salud Motupe",
        "MSP",
        InstitutionKind.HEALTH,
        ["Atención primaria", "Vacunación"],
        ["EC-1101-01"],
    ),
    (
        "EC-1101",
        "Consejo Cantonal de Protección de Derechos de Loja",
        "CCPD",
        InstitutionKind.OTHER,
        ["Observancia de políticas públicas"],
        ["EC-1101"],
    ),
    (
        "EC-11",
        "Ministerio de Inclusión Económica y Social — Coordinación Zonal 7",
        "MIES",
        InstitutionKind.OTHER,
        ["Centros de desarrollo infantil", "Creciendo con Nuestros Hijos", "Servicios para personas con discapacidad"],
        ["EC-11"],
    ),
    (
        "EC-1101",
        "Ministerio de Educación — Dirección Distrital 11D01 Loja",
        "MINEDUC",
        InstitutionKind.EDUCATION,
        ["Matrícula y permanencia escolar", "Departamento de Consejería Estudiantil"],
        ["EC-1101"],
    ),
    # Seed 003: the municipality's social welfare body, which runs the fairs of the defenders.
    (
        "EC-1101",
        "Patronato de Amparo Social Municipal de Loja",
        "",
        InstitutionKind.OTHER,
        ["Atención a personas con discapacidad", "Ferias artesanales", "Centros de atención a la niñez"],
        ["EC-1101"],
    ),
    (
        "MX-29",
        "Sistema Estatal para el Desarrollo Integral de la Familia de Tlaxcala",
        "SEDIF",
        InstitutionKind.FAMILY_WELFARE,
        ["Centros de asistencia social", "Familias de acogida", "Adopciones"],
        ["MX-29"],
    ),
    (
        "MX-29",
        "Procuraduría de Protección de Niñas, Niños y Adolescentes de Tlaxcala",
        "PPNNA",
        InstitutionKind.CHILD_PROTECTION_AGENCY,
        ["Medidas de protección especial", "Planes de restitución de derechos"],
        ["MX-29"],
    ),
    (
        "MX-29-033",
        "DIF Municipal de Tlaxcala",
        "DIF",
        InstitutionKind.FAMILY_WELFARE,
        ["Trabajo social", "Psicología", "Asesoría jurídica"],
        ["MX-29-033"],
    ),
    (
        "MX-29-033",
        "Secretaría Ejecutiva del Sistema Municipal de Protección Integral de Niñas, Niños y Adolescentes de Tlaxcala",
        "SIPINNA",
        InstitutionKind.OTHER,
        ["Coordinación del sistema municipal de protección", "Participación de niñas, niños y adolescentes"],
        ["MX-29-033"],
    ),
    (
        "MX-29",
        "Secretaría de Salud de Tlaxcala — Jurisdicción Sanitaria n.º 1",
        "SESA",
        InstitutionKind.HEALTH,
        ["Consulta del niño sano", "Vacunación"],
        ["MX-29-033"],
    ),
    (
        "MX-29",
        "Secretaría de Educación Pública del Estado de Tlaxcala",
        "SEPE",
        InstitutionKind.EDUCATION,
        ["Inscripción y permanencia escolar", "Educación preescolar"],
        ["MX-29"],
    ),
    (
        "MX-29",
        "Fiscalía General de Justicia del Estado de Tlaxcala",
        "FGJE",
        InstitutionKind.PROSECUTOR,
        ["Denuncias de violencia contra niñas, niños y adolescentes"],
        ["MX-29"],
    ),
    (
        "MX-29-005",
        "DIF Municipal de Apizaco",
        "DIF",
        InstitutionKind.FAMILY_WELFARE,
        ["Trabajo social", "Psicología"],
        ["MX-29-005"],
    ),
]

AREA_MUNICIPALITIES = ["EC-1101", "CR-101", "CR-102", "CR-103", "MX-29-033", "MX-29-005"]


# ISO 4217 currency and IANA time zone of each demo country (every municipality inherits them).
COUNTRY_SETTINGS = {
    "CR": ("CRC", "America/Costa_Rica"),
    "EC": ("USD", "America/Guayaquil"),
    "MX": ("MXN", "America/Mexico_City"),
}


# Simple shapes for the Tablero's maps (issue #10): rectangles, not borders. A country's box is
# roughly its extent; a region, municipality or community takes one cell of a grid of its parent's
# box (a little inset, so siblings never overlap). Two regions have a box of their own.
Box = tuple[float, float, float, float]  # west, south, east, north
BOXES: dict[str, Box] = {
    "CR": (-85.9, 8.0, -82.6, 11.2),
    "EC": (-81.0, -5.0, -75.2, 1.4),
    "MX": (-117.1, 14.5, -86.7, 32.7),
    "EC-11": (-80.5, -4.9, -79.0, -3.4),
    "MX-29": (-98.75, 19.1, -97.6, 19.75),
}


def grid_box(box: Box, index: int, count: int) -> Box:
    """Cell ``index`` (0-based) of a grid of ``count`` cells inside ``box``, rows from the north."""
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    west, south, east, north = box
    width, height = (east - west) / cols, (north - south) / rows
    left, top = west + (index % cols) * width, north - (index // cols) * height
    inset = 0.03
    return (
        round(left + width * inset, 5),
        round(top - height * (1 - inset), 5),
        round(left + width * (1 - inset), 5),
        round(top - height * inset, 5),
    )


def polygon(box: Box) -> dict[str, object]:
    west, south, east, north = box
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def child_population(total: int) -> dict[str, dict[str, int]]:
    """``total`` children split by sex and age band, in the shape ``OrgUnit.child_population`` keeps."""
    female = total * FEMALE_PER_THOUSAND // 1000
    shares = {"female": female, "male": total - female}
    return {sex: {band: round(count * share / 100) for band, share in AGE_SHARES} for sex, count in shares.items()}


def _community_children(code: str, municipality_children: int, siblings: int) -> int:
    """A made-up but stable figure: 60 to 140 % of half an even share of the municipality's, so the
    communities together never hold more children than their municipality (at most 70 %)."""
    share = municipality_children / (2 * siblings)
    factor = 0.6 + 0.8 * (zlib.crc32(code.encode()) % 1000) / 1000
    return int(round(share * factor, -1))


def _unit(code: str, name: str, level: int, parent: OrgUnit | None, children: int, box: Box) -> OrgUnit:
    currency, time_zone = COUNTRY_SETTINGS.get(code, ("", ""))
    existing = OrgUnit.objects.filter(code=code).first()
    if existing is not None:  # a database loaded earlier got its countries' values from migration 0004
        return existing
    return territory_services.create_org_unit(
        actor=SYSTEM,
        code=code,
        name=name,
        level=level,
        parent=parent,
        currency=currency,
        time_zone=time_zone,
        child_population=child_population(children),
        geometry=polygon(box),
    )


def _communities(muni: OrgUnit, names: list[str], box: Box) -> None:
    for i, community in enumerate(names, start=1):
        code = f"{muni.code}-{i:02d}"
        children = _community_children(code, CHILDREN[muni.code], len(names))
        _unit(code, community, Level.COMMUNITY, muni, children, grid_box(box, i - 1, len(names)))


def _tree() -> None:
    cr = _unit("CR", "Costa Rica", Level.COUNTRY, None, CHILDREN["CR"], BOXES["CR"])
    for r, (region_code, region_name, municipalities) in enumerate(COSTA_RICA):
        region_box = grid_box(BOXES["CR"], r, len(COSTA_RICA))
        region = _unit(region_code, region_name, Level.REGION, cr, CHILDREN[region_code], region_box)
        for m, (muni_code, muni_name, communities) in enumerate(municipalities):
            muni_box = grid_box(region_box, m, len(municipalities))
            muni = _unit(muni_code, muni_name, Level.MUNICIPALITY, region, CHILDREN[muni_code], muni_box)
            _communities(muni, communities, muni_box)

    ec = _unit("EC", "Ecuador", Level.COUNTRY, None, CHILDREN["EC"], BOXES["EC"])
    loja_province = _unit("EC-11", "Loja", Level.REGION, ec, CHILDREN["EC-11"], BOXES["EC-11"])
    loja_box = grid_box(BOXES["EC-11"], 0, 2)
    loja = _unit("EC-1101", "Loja", Level.MUNICIPALITY, loja_province, CHILDREN["EC-1101"], loja_box)
    _communities(loja, LOJA_COMMUNITIES, loja_box)
    catamayo_box = grid_box(BOXES["EC-11"], 1, 2)
    _unit("EC-1103", "Catamayo", Level.MUNICIPALITY, loja_province, CHILDREN["EC-1103"], catamayo_box)

    mx = _unit("MX", "México", Level.COUNTRY, None, CHILDREN["MX"], BOXES["MX"])
    tlaxcala = _unit("MX-29", "Tlaxcala", Level.REGION, mx, CHILDREN["MX-29"], BOXES["MX-29"])
    for m, (muni_code, muni_name, communities) in enumerate(TLAXCALA):
        muni_box = grid_box(BOXES["MX-29"], m, len(TLAXCALA))
        muni = _unit(muni_code, muni_name, Level.MUNICIPALITY, tlaxcala, CHILDREN[muni_code], muni_box)
        _communities(muni, communities, muni_box)


def area_name(country_code: str, kind: str) -> str:
    """The name a demo municipality of that country gives the area of that kind."""
    default = dict(AREAS)[kind]
    return COUNTRY_AREA_NAMES.get(country_code, {}).get(kind, default)


def _areas() -> None:
    for code in AREA_MUNICIPALITIES:
        muni = OrgUnit.objects.get(code=code)
        country = code.split("-")[0]
        for kind, _name in AREAS:
            if not Area.objects.filter(org_unit=muni, kind=kind).exists():
                territory_services.create_area(actor=SYSTEM, org_unit=muni, kind=kind, name=area_name(country, kind))


def _institutions() -> None:
    for seat_code, name, acronym, kind, service_names, jurisdiction in INSTITUTIONS:
        if Institution.objects.filter(name=name).exists():
            continue
        territory_services.create_institution(
            actor=SYSTEM,
            seat=OrgUnit.objects.get(code=seat_code),
            jurisdiction=list(OrgUnit.objects.filter(code__in=jurisdiction)),
            services=service_names,
            name=name,
            acronym=acronym,
            kind=kind,
            phone="",
        )


# The demo municipalities that show an identity (issue #13 item 16): an official name, a colour dark
# enough for white text, and a coat of arms drawn here (made up: a shield with the initials).
IDENTITIES = [
    ("EC-1101", "Gobierno Autónomo Descentralizado Municipal de Loja", "#1d4e89"),
    ("CR-101", "Municipalidad de San José", "#0b5563"),
]


def _coat_of_arms(colour: str, initials: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (128, 128), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    shield = [(14, 10), (114, 10), (114, 64), (64, 120), (14, 64)]
    draw.polygon(shield, fill=colour, outline="#c9a227", width=5)
    draw.rectangle((14, 44, 114, 58), fill="#c9a227")
    draw.text((64, 30), initials, fill="#ffffff", anchor="mm", font_size=28)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _identities() -> None:
    for code, official_name, colour in IDENTITIES:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None or unit.colour:
            continue
        initials = "".join(word[0] for word in unit.name.split()[:2]).upper()
        upload = ContentFile(_coat_of_arms(colour, initials), name="escudo.png")
        territory_services.set_identity(
            actor=SYSTEM,
            unit=unit,
            expected_version=None,
            official_name=official_name,
            colour=colour,
            coat_of_arms=upload,
        )


def load_demo() -> None:
    _tree()
    _areas()
    _institutions()
    _identities()
