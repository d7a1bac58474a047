"""Demo territory: Costa Rica, Ecuador (Loja and its 24 communities) and Mexico (Tlaxcala), the
municipal areas of six municipalities and the referral directory.

Idempotent: every unit is looked up by its code, every area and institution by its name, before it
is created through the services with ``actor=SYSTEM``. Called by ``ronda.portal.demo.load_demo``
(``manage.py demo``), which refuses to run in production and runs every app's loader in one
transaction, in ``INSTALLED_APPS`` order.
"""

from __future__ import annotations

from ronda.core.tenancy import SYSTEM
from ronda.territory import services as territory_services
from ronda.territory.models import Area, AreaKind, Institution, InstitutionKind, Level, OrgUnit

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

AREAS = [
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


def _unit(code: str, name: str, level: int, parent: OrgUnit | None) -> OrgUnit:
    currency, time_zone = COUNTRY_SETTINGS.get(code, ("", ""))
    existing = OrgUnit.objects.filter(code=code).first()
    if existing is not None:  # a database loaded earlier got its countries' values from migration 0004
        return existing
    return territory_services.create_org_unit(
        actor=SYSTEM, code=code, name=name, level=level, parent=parent, currency=currency, time_zone=time_zone
    )


def _tree() -> None:
    cr = _unit("CR", "Costa Rica", Level.COUNTRY, None)
    for region_code, region_name, municipalities in COSTA_RICA:
        region = _unit(region_code, region_name, Level.REGION, cr)
        for muni_code, muni_name, communities in municipalities:
            muni = _unit(muni_code, muni_name, Level.MUNICIPALITY, region)
            for i, community in enumerate(communities, start=1):
                _unit(f"{muni_code}-{i:02d}", community, Level.COMMUNITY, muni)

    ec = _unit("EC", "Ecuador", Level.COUNTRY, None)
    loja_province = _unit("EC-11", "Loja", Level.REGION, ec)
    loja = _unit("EC-1101", "Loja", Level.MUNICIPALITY, loja_province)
    for i, community in enumerate(LOJA_COMMUNITIES, start=1):
        _unit(f"EC-1101-{i:02d}", community, Level.COMMUNITY, loja)
    _unit("EC-1103", "Catamayo", Level.MUNICIPALITY, loja_province)

    mx = _unit("MX", "México", Level.COUNTRY, None)
    tlaxcala = _unit("MX-29", "Tlaxcala", Level.REGION, mx)
    for muni_code, muni_name, communities in TLAXCALA:
        muni = _unit(muni_code, muni_name, Level.MUNICIPALITY, tlaxcala)
        for i, community in enumerate(communities, start=1):
            _unit(f"{muni_code}-{i:02d}", community, Level.COMMUNITY, muni)


def _areas() -> None:
    for code in AREA_MUNICIPALITIES:
        muni = OrgUnit.objects.get(code=code)
        for kind, name in AREAS:
            if not Area.objects.filter(org_unit=muni, name=name).exists():
                territory_services.create_area(actor=SYSTEM, org_unit=muni, kind=kind, name=name)


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


def load_demo() -> None:
    _tree()
    _areas()
    _institutions()
