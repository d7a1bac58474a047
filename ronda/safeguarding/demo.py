"""Demo data of safeguarding (issue #13 item 4): Loja (EC-1101) approved its protocol and code of
conduct, designated its supervisor as a safeguarding contact, keeps a register of six signatures (one
renewal overdue) and has logged two concerns.

Run after the territory and accounts demos. Idempotent: a municipality with a protocol is skipped.
Dates are relative to today, so the demo always looks current.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.utils import timezone

from ronda.accounts.models import User
from ronda.core.tenancy import SYSTEM
from ronda.safeguarding import services
from ronda.safeguarding.models import ConcernStatus, DocumentKind, Employment, SafeguardingDocument
from ronda.territory.models import Area, Institution, Level, OrgUnit

MUNICIPALITY = "EC-1101"
CONTACT = "supervisor.loja"

# (full name, area name or None, company, position, days since signing)
SIGNATURES = [
    ("Patricia Jaramillo Ochoa", "Niñez y Adolescencia", "", "Técnica de protección", 40),
    ("Andrés Castillo Armijos", "Educación", "", "Promotor de lectura", 90),
    ("Verónica Sarango Torres", "Salud", "", "Enfermera del centro de salud", 150),
    ("Luis Guamán Cueva", "Deportes y Recreación", "", "Entrenador de la escuela de fútbol", 200),
    ("Mónica Valarezo Chamba", None, "Transportes Escolares del Sur", "Conductora de transporte escolar", 260),
    # Signed more than a year ago: the renewal is overdue.
    ("Jorge Ordóñez Riofrío", None, "Servicios Recreativos Loja", "Monitor de vacaciones útiles", 420),
]


def _pdf(title: str) -> ContentFile[bytes]:
    """A one-page PDF that passes the upload checks (pypdf writes it)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return ContentFile(buffer.getvalue(), name=f"{title}.pdf")


def load_demo() -> None:
    municipality = OrgUnit.objects.filter(code=MUNICIPALITY, level=Level.MUNICIPALITY).first()
    if municipality is None:
        return  # the territory demo has not been loaded
    if SafeguardingDocument.objects.filter(municipality=municipality).exists():
        return
    today = timezone.localdate()
    services.record_document(
        actor=SYSTEM,
        municipality=municipality,
        kind=DocumentKind.PROTOCOL,
        edition="2024-1",
        approved_on=today - dt.timedelta(days=700),
        approving_act="Resolución de la Mesa Cantonal 014-2024",
        upload=_pdf("protocolo-2024"),
    )
    services.record_document(
        actor=SYSTEM,
        municipality=municipality,
        kind=DocumentKind.PROTOCOL,
        edition="2026-1",
        approved_on=today - dt.timedelta(days=60),
        approving_act="Ordenanza municipal 032-2026",
        upload=_pdf("protocolo-2026"),
    )
    services.record_document(
        actor=SYSTEM,
        municipality=municipality,
        kind=DocumentKind.CODE_OF_CONDUCT,
        edition="1",
        approved_on=today - dt.timedelta(days=60),
        approving_act="Ordenanza municipal 032-2026",
        upload=_pdf("codigo-de-conducta"),
    )
    contact = User.objects.filter(username=CONTACT).first()
    if contact is not None:
        services.designate_contact(
            actor=SYSTEM, municipality=municipality, user=contact, protocol_role="Punto focal de salvaguarda"
        )
    areas = {a.name: a for a in Area.objects.filter(org_unit=municipality)}
    for full_name, area_name, company, position, days in SIGNATURES:
        area = areas.get(area_name) if area_name else None
        services.record_signature(
            actor=SYSTEM,
            municipality=municipality,
            full_name=full_name,
            employment=Employment.STAFF if area is not None else Employment.SUBCONTRACTED,
            area=area,
            company=company if area is None else "",
            position=position,
            signed_on=today - dt.timedelta(days=days),
        )
    board = Institution.objects.filter(jurisdiction=municipality).order_by("name").first()
    services.record_concern(
        actor=SYSTEM,
        municipality=municipality,
        raised_on=today - dt.timedelta(days=75),
        raised_by="Madre de un niño de la escuela de fútbol",
        description="Comentarios humillantes del entrenador a los niños durante los entrenamientos.",
        concerned="Entrenador de la escuela de fútbol",
        actions="Conversación con el entrenador y recordatorio del código de conducta; seguimiento en dos semanas.",
        status=ConcernStatus.CLOSED,
    )
    services.record_concern(
        actor=SYSTEM,
        municipality=municipality,
        raised_on=today - dt.timedelta(days=12),
        raised_by="Docente de la unidad educativa",
        description="Un conductor del transporte escolar deja a una niña sola en la parada antes de la hora.",
        concerned="Conductor del transporte escolar subcontratado",
        actions="Aviso a la empresa de transporte; caso remitido a la junta de protección.",
        status=ConcernStatus.REFERRED if board is not None else ConcernStatus.OPEN,
        referred_to=board,
    )
