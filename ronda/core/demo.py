"""Demo data: Costa Rica, Ecuador (Loja and its 24 communities) and Mexico (Tlaxcala).

Idempotent: every object is looked up by its code or username first. Refused in production.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from ronda.accounts import services as account_services
from ronda.accounts.models import Membership, User
from ronda.core.roles import Role
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

# username, first name, last name, role, unit code, area name
USERS = [
    ("admin", "Ana", "Administradora", Role.ADMIN, None, None),
    ("secretaria.cr", "Silvia", "Mora", Role.SECRETARIAT, "CR", None),
    ("coord.loja", "Carmen", "Jaramillo", Role.COORDINATOR, "EC-1101", None),
    ("focal.loja", "Fernando", "Ochoa", Role.AREA_FOCAL, "EC-1101", "Salud"),
    ("defensor.motupe", "Diego", "Cueva", Role.DEFENDER, "EC-1101-01", None),
    ("supervisor.loja", "Sofía", "Valarezo", Role.SUPERVISOR, "EC-1101", None),
    ("proteccion.tlaxcala", "Patricia", "Hernández", Role.PROTECTION_OFFICER, "MX-29-033", None),
    ("analista.cr", "Andrés", "Solano", Role.ANALYST, "CR", None),
    ("coord.sanjose", "Laura", "Vargas", Role.COORDINATOR, "CR-101", None),
    # One person, two hats: shows how a user switches the role they act in.
    ("tecnico.loja", "Tomás", "Ríos", Role.ANALYST, "EC", None),
]
EXTRA_MEMBERSHIPS = [("tecnico.loja", Role.COORDINATOR, "EC-1101", None)]

AREA_MUNICIPALITIES = ["EC-1101", "CR-101", "CR-102", "CR-103", "MX-29-033", "MX-29-005"]


class DemoRefused(Exception):
    pass


def _unit(code: str, name: str, level: int, parent: OrgUnit | None) -> OrgUnit:
    existing = OrgUnit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return territory_services.create_org_unit(actor=SYSTEM, code=code, name=name, level=level, parent=parent)


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


def _membership(user: User, role: str, unit_code: str | None, area_name: str | None) -> None:
    unit = OrgUnit.objects.get(code=unit_code) if unit_code else None
    area = Area.objects.get(org_unit=unit, name=area_name) if area_name else None
    if not Membership.objects.filter(user=user, role=role, org_unit=unit, area=area).exists():
        account_services.add_membership(actor=SYSTEM, user=user, role=role, org_unit=unit, area=area)


def _users() -> list[str]:
    created = []
    for username, first, last, role, unit_code, area_name in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.create_user(
                actor=SYSTEM,
                username=username,
                password=settings.RONDA_DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.ronda.invalid",
                is_demo=True,
            )
            created.append(username)
        _membership(user, role, unit_code, area_name)
    for username, role, unit_code, area_name in EXTRA_MEMBERSHIPS:
        _membership(User.objects.get(username=username), role, unit_code, area_name)
    return created


@transaction.atomic
def load_demo() -> list[str]:
    if getattr(settings, "PRODUCTION", False):
        raise DemoRefused("demo data is refused in production")
    _tree()
    _areas()
    _institutions()
    created = _users()
    # The planning cycle of Loja and San José (issue #3).
    from ronda.coordination.demo import load_demo as load_coordination
    from ronda.council.demo import load_demo as load_council
    from ronda.planning.demo import load_demo as load_planning

    load_planning()
    load_coordination()
    load_council()
    return created
