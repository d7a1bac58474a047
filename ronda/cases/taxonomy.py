"""The violation-type taxonomies of the demo countries, as data (issue #11, item 3).

Each country names rights violations in its own law: Ecuador's Código de la Niñez y Adolescencia
(CONA), Costa Rica's Código de la Niñez y la Adolescencia (with the PANI as the protection agency),
Mexico's Ley General de los Derechos de Niñas, Niños y Adolescentes (LGDNNA, with the Procuraduría
de Protección). The names are data in Spanish, as a country's configuration would hold them, not
interface strings: they are not translated.

A type may require a referral to an authority of a kind (``InstitutionKind``) within a deadline in
hours, and may make a case sensitive. A group (``parent``) is selectable too and carries the
strictest rule of its members, so choosing "Violencia sexual" without a subtype still masks the case
and starts the prosecutor's 24 hours.

``load_taxonomy(country, code)`` creates the types of ``code`` missing in ``country``: idempotent by
each type's code, and it never rewrites a type that exists (a municipality may have edited it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ronda.cases.models import ViolationType
from ronda.core import audit
from ronda.core.tenancy import SYSTEM
from ronda.territory.models import InstitutionKind, OrgUnit

BOARD = InstitutionKind.PROTECTION_BOARD
PROSECUTOR = InstitutionKind.PROSECUTOR
POLICE = InstitutionKind.POLICE
AGENCY = InstitutionKind.CHILD_PROTECTION_AGENCY
WELFARE = InstitutionKind.FAMILY_WELFARE


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    parent: str = ""
    referral_to: str = ""
    hours: int | None = None
    sensitive: bool = False
    description: str = ""


# Ecuador: the Junta Cantonal de Protección de Derechos dictates the administrative protection
# measures (CONA art. 205-206) within 72 hours here; sexual violence and trafficking are crimes
# reported to the Fiscalía within 24 hours (CONA art. 72: whoever knows of it reports it in 24 h).
ECUADOR = (
    Entry("maltrato", "Maltrato", referral_to=BOARD, hours=72, description="CONA, art. 67."),
    Entry("maltrato-fisico", "Maltrato físico", "maltrato", BOARD, 72, description="Golpes, lesiones, castigo físico."),
    Entry(
        "maltrato-psicologico",
        "Maltrato psicológico",
        "maltrato",
        BOARD,
        72,
        description="Insultos, amenazas, humillaciones, rechazo.",
    ),
    Entry(
        "negligencia",
        "Negligencia o descuido grave",
        "maltrato",
        BOARD,
        72,
        description="Descuido grave o reiterado de alimentación, salud, educación o cuidado (CONA, art. 67).",
    ),
    Entry("maltrato-institucional", "Maltrato institucional", "maltrato", BOARD, 72),
    Entry(
        "violencia-sexual",
        "Violencia sexual",
        referral_to=PROSECUTOR,
        hours=24,
        sensitive=True,
        description="CONA, art. 68. Denuncia a la Fiscalía en 24 horas.",
    ),
    Entry("abuso-sexual", "Abuso sexual", "violencia-sexual", PROSECUTOR, 24, sensitive=True),
    Entry("acoso-sexual", "Acoso sexual", "violencia-sexual", PROSECUTOR, 24, sensitive=True),
    Entry(
        "violencia-sexual-digital",
        "Violencia sexual en entornos digitales",
        "violencia-sexual",
        PROSECUTOR,
        24,
        sensitive=True,
        description="Captación o acoso por internet (grooming), difusión de imágenes íntimas.",
    ),
    Entry("explotacion", "Explotación", referral_to=PROSECUTOR, hours=24, sensitive=True),
    Entry(
        "explotacion-sexual",
        "Explotación sexual",
        "explotacion",
        PROSECUTOR,
        24,
        sensitive=True,
        description="CONA, art. 69.",
    ),
    Entry(
        "trata",
        "Trata de personas",
        "explotacion",
        PROSECUTOR,
        24,
        sensitive=True,
        description="CONA, art. 70: captación, traslado o acogida con fines de explotación.",
    ),
    Entry("explotacion-laboral", "Explotación laboral", "explotacion", BOARD, 72, description="CONA, art. 81."),
    Entry("mendicidad", "Mendicidad", "explotacion", BOARD, 72),
    Entry(
        "trabajo-infantil",
        "Trabajo infantil",
        referral_to=BOARD,
        hours=72,
        description="Trabajo de menores de 15 años, o trabajo peligroso de adolescentes (CONA, art. 82-87).",
    ),
    Entry("abandono", "Abandono", referral_to=BOARD, hours=72, description="Sin cuidado de su familia."),
    Entry(
        "desaparicion",
        "Desaparición o pérdida",
        referral_to=POLICE,
        hours=24,
        description="Aviso a la DINAPEN de inmediato.",
    ),
    Entry(
        "violencia-educativa",
        "Violencia en el ámbito educativo",
        referral_to=BOARD,
        hours=72,
        description="Maltrato, acoso escolar o castigo en la escuela o el colegio (CONA, art. 41).",
    ),
    Entry("discriminacion", "Discriminación", description="Por etnia, discapacidad, situación migratoria, género …"),
    Entry(
        "sin-identidad",
        "Falta de identidad o de documentos",
        description="Sin inscripción en el Registro Civil ni cédula (CONA, art. 33-35).",
    ),
    Entry("desercion-escolar", "Deserción escolar", description="Fuera del sistema educativo o en riesgo de dejarlo."),
    Entry("falta-salud", "Falta de atención de salud", description="Sin controles, vacunas o tratamiento."),
    Entry("consumo", "Consumo de alcohol u otras drogas"),
)

# Costa Rica: the PANI receives the reports and dictates the protection measures; sexual abuse and
# commercial sexual exploitation go to it at once (it files the complaint with the Ministerio Público).
COSTA_RICA = (
    Entry("maltrato", "Maltrato", referral_to=AGENCY, hours=72, description="Código de la Niñez, art. 24-25."),
    Entry("maltrato-fisico", "Maltrato físico", "maltrato", AGENCY, 72),
    Entry("maltrato-emocional", "Maltrato emocional", "maltrato", AGENCY, 72),
    Entry("negligencia", "Negligencia", "maltrato", AGENCY, 72),
    Entry("abuso-sexual", "Abuso sexual", referral_to=AGENCY, hours=24, sensitive=True),
    Entry(
        "explotacion-sexual-comercial",
        "Explotación sexual comercial",
        referral_to=AGENCY,
        hours=24,
        sensitive=True,
    ),
    Entry("trata", "Trata de personas", referral_to=PROSECUTOR, hours=24, sensitive=True),
    Entry("trabajo-infantil", "Trabajo infantil y adolescente peligroso", referral_to=AGENCY, hours=72),
    Entry("situacion-calle", "Situación de calle", referral_to=AGENCY, hours=72),
    Entry("conflicto-familiar", "Conflicto familiar grave"),
    Entry("exclusion-escolar", "Exclusión o deserción escolar"),
    Entry("discriminacion", "Discriminación"),
    Entry("consumo", "Consumo de drogas"),
)

# Mexico: the Procuraduría de Protección de Niñas, Niños y Adolescentes restores rights (LGDNNA,
# art. 122-123); the DIF (family welfare) supports families; sexual violence goes to the Fiscalía.
MEXICO = (
    Entry("violencia", "Violencia", referral_to=AGENCY, hours=72, description="LGDNNA, art. 46-47."),
    Entry("violencia-fisica", "Violencia física", "violencia", AGENCY, 72),
    Entry("violencia-psicologica", "Violencia psicológica", "violencia", AGENCY, 72),
    Entry("violencia-familiar", "Violencia familiar", "violencia", AGENCY, 72),
    Entry("omision-cuidados", "Omisión de cuidados", referral_to=WELFARE, hours=72),
    Entry("abuso-sexual", "Abuso sexual", referral_to=PROSECUTOR, hours=24, sensitive=True),
    Entry("explotacion-sexual", "Explotación sexual", referral_to=PROSECUTOR, hours=24, sensitive=True),
    Entry("trata", "Trata de personas", referral_to=PROSECUTOR, hours=24, sensitive=True),
    Entry("trabajo-infantil", "Trabajo infantil", referral_to=AGENCY, hours=72),
    Entry("abandono", "Abandono", referral_to=AGENCY, hours=72),
    Entry("sin-registro", "Falta de registro de nacimiento", referral_to=WELFARE, hours=72),
    Entry("acoso-escolar", "Acoso escolar"),
    Entry("discriminacion", "Discriminación"),
    Entry("desercion-escolar", "Deserción escolar"),
)

TAXONOMIES: dict[str, tuple[Entry, ...]] = {"EC": ECUADOR, "CR": COSTA_RICA, "MX": MEXICO}


@transaction.atomic
def load_taxonomy(country: OrgUnit, code: str) -> list[ViolationType]:
    """Create the types of taxonomy ``code`` ("EC", "CR", "MX") that ``country`` lacks; return those
    created. A type whose code exists is left as it is. Configuration loaded by Ronda itself (the
    command, the demo): audited as the system."""
    try:
        entries = TAXONOMIES[code.upper()]
    except KeyError:
        raise ValueError(f"no taxonomy for country code {code!r}") from None
    existing = {t.code: t for t in ViolationType.objects.filter(country=country)}
    created: list[ViolationType] = []
    for position, entry in enumerate(entries, start=1):
        if entry.code in existing:
            continue
        parent = existing.get(entry.parent) if entry.parent else None
        row = ViolationType.objects.create(
            country=country,
            code=entry.code,
            name=entry.name,
            description=entry.description,
            parent=parent,
            requires_referral_to=entry.referral_to,
            referral_deadline_hours=entry.hours if entry.referral_to else None,
            makes_sensitive=entry.sensitive,
            position=position * 10,
        )
        audit.record_create(actor=SYSTEM, target=row, org_unit=country)
        existing[entry.code] = row
        created.append(row)
    return created
