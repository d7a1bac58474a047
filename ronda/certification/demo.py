"""Demo certification (issue #14 item 10): Costa Rica's cantons on the CAI framework at every stage —
two recognised (Escazú's expiring within 60 days), one expired (Cartago), one in review (Heredia),
one preparing its candidacy (San José, where ``coord.sanjose`` works) — an open call run by
``secretaria.cr``, the evaluator ``evaluadora.cr`` (her report on the recognised ones, half-way
through Heredia's), the children's councils heard, and Loja (Ecuador) and Apizaco (Mexico) committed to UNICEF's CFCI.

Everything goes through the services with ``SYSTEM``, as a municipality and the secretariat would;
the past decisions are then dated back (the services date them today), which only the demo does.
Skipped when the territory is missing or the demo cycles exist.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.utils import timezone

from ronda.accounts.models import User
from ronda.certification import services
from ronda.certification.models import (
    Assignment,
    Certificate,
    Cycle,
    Framework,
    FrameworkStatus,
    HearingView,
    Outcome,
    Recommendation,
    Requirement,
    RequirementKind,
)
from ronda.core.tenancy import SYSTEM
from ronda.territory.models import Level, OrgUnit

COUNTRY = "CR"
EVALUATOR = "evaluadora.cr"  # the demo's independent evaluator (``accounts.demo``)
# (municipality code, what happened: "recognised", "expiring", "expired", "review", "preparing")
CANTONS = [
    ("CR-201", "recognised"),
    ("CR-102", "expiring"),
    ("CR-301", "expired"),
    ("CR-401", "review"),
    ("CR-101", "preparing"),
]
LIAISONS = {
    "CR-201": ("María Fernanda Quesada", "Gestora social"),
    "CR-102": ("José Pablo Arias", "Coordinador de Desarrollo Humano"),
    "CR-301": ("Ana Lucía Brenes", "Directora de Desarrollo Social"),
    "CR-401": ("Gabriela Solís", "Encargada de la Oficina de la Niñez"),
    "CR-101": ("Laura Vargas", "Coordinadora de la Oficina de Niñez"),
    "EC-1101": ("Carmen Jaramillo", "Directora de Desarrollo Social"),
    "MX-29-005": ("Adriana Cuapio", "Directora del Sistema Municipal DIF"),
}
# Ecuador's Loja and Mexico's Apizaco work towards UNICEF's CFCI (committed, not yet candidates).
CFCI_MUNICIPALITIES = ("EC-1101", "MX-29-005")


def _pdf(title: str) -> ContentFile[bytes]:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return ContentFile(buffer.getvalue(), name=f"{title}.pdf")


def _prepare(cycle: Cycle, unit: OrgUnit, today: dt.date) -> Cycle:
    name, position = LIAISONS[unit.code]
    services.record_commitment(
        actor=SYSTEM,
        cycle=cycle,
        expected_version=None,
        resolution_on=today - dt.timedelta(days=200),
        resolution_reference=f"Acuerdo del Concejo Municipal {unit.code}-{today.year - 1}",
        agreement_signed_on=today - dt.timedelta(days=180),
        liaison_name=name,
        liaison_position=position,
    )
    return Cycle.objects.get(pk=cycle.pk)


def _documents(cycle: Cycle) -> None:
    for requirement in Requirement.objects.filter(framework=cycle.framework, kind=RequirementKind.DOCUMENT):
        services.add_document(
            actor=SYSTEM, cycle=cycle, requirement=requirement, title=requirement.title, upload=_pdf(requirement.code)
        )


def _evaluate(cycle: Cycle, evaluator: User | None, *, report: bool) -> None:
    """The demo evaluator on the cycle: independence declared, findings on the mandatory
    requirements, and (``report``) the report submitted."""
    if evaluator is None:
        return
    assignment = services.assign_evaluator(
        actor=SYSTEM, cycle=cycle, evaluator=evaluator, due_on=timezone.localdate() + dt.timedelta(days=21)
    )
    assignment = services.accept_assignment(actor=SYSTEM, assignment=assignment, expected_version=None)
    mandatory = list(Requirement.objects.filter(framework=cycle.framework, mandatory=True))
    for requirement in mandatory if report else mandatory[:3]:
        services.record_finding(actor=SYSTEM, assignment=assignment, requirement_id=requirement.pk, value="met")
    if report:
        services.submit_report(
            actor=SYSTEM,
            assignment=Assignment.objects.get(pk=assignment.pk),
            report="Se verificaron las actas, el plan aprobado y las sesiones del consejo. Se recomienda reconocer.",
            recommendation=Recommendation.RECOGNISE,
            expected_version=None,
        )


def _hear(cycle: Cycle, today: dt.date) -> None:
    hearing = services.record_hearing(
        actor=SYSTEM,
        cycle=cycle,
        held_on=today,
        children_6_11=6,
        children_12_17=9,
        children_view=(
            "El consejo valoró los espacios de juego recuperados y pidió más atención a la seguridad camino a la "
            "escuela."
        ),
        overall=HearingView.FAVOURABLE,
    )
    services.weigh_hearing(
        actor=SYSTEM,
        hearing=hearing,
        weighed="La opinión favorable del consejo se tomó en cuenta; su pedido de seguridad vial queda como condición.",
        expected_version=None,
    )


def _review(cycle: Cycle, outcome: str | None, evaluator: User | None = None) -> Cycle:
    today = timezone.localdate()
    services.submit(actor=SYSTEM, cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None)
    cycle = services.take_for_review(actor=SYSTEM, cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None)
    if outcome is None:
        _evaluate(cycle, evaluator, report=False)  # in review with an evaluator, half-way through
        return cycle
    _evaluate(cycle, evaluator, report=True)
    _hear(cycle, today)
    for requirement in Requirement.objects.filter(framework=cycle.framework, mandatory=True):
        services.record_verdict(actor=SYSTEM, cycle=cycle, requirement_id=requirement.pk, value="met")
    services.decide(
        actor=SYSTEM,
        cycle=Cycle.objects.get(pk=cycle.pk),
        outcome=outcome,
        category=cycle.framework.categories.order_by("position").first(),
        expected_version=None,
    )
    return Cycle.objects.get(pk=cycle.pk)


def _date_back(cycle: Cycle, decided_on: dt.date) -> None:
    """The demo's history: a decision taken on ``decided_on`` (the services record today)."""
    valid_until = services.add_months(decided_on, cycle.framework.validity_months)
    submitted = dt.datetime.combine(
        decided_on - dt.timedelta(days=60), dt.time(10), tzinfo=timezone.get_current_timezone()
    )
    Cycle.objects.filter(pk=cycle.pk).update(decided_on=decided_on, valid_until=valid_until, submitted_at=submitted)
    cycle.submissions.update(submitted_at=submitted, computed_on=submitted.date())
    cycle.hearings.update(held_on=decided_on - dt.timedelta(days=10))
    Certificate.objects.filter(cycle=cycle).update(issued_on=decided_on, valid_until=valid_until)


def load_demo() -> None:
    if not OrgUnit.objects.filter(code=COUNTRY, level=Level.COUNTRY).exists():
        return
    cai = Framework.objects.filter(code="cai-cr", status=FrameworkStatus.PUBLISHED).order_by("-edition").first()
    cfci = Framework.objects.filter(code="cfci", status=FrameworkStatus.PUBLISHED).order_by("-edition").first()
    if cai is None or cfci is None or Cycle.objects.filter(framework__code__in=["cai-cr", "cfci"]).exists():
        return
    today = timezone.localdate()
    country = OrgUnit.objects.get(code=COUNTRY, level=Level.COUNTRY)
    evaluator = User.objects.filter(username=EVALUATOR).first()
    call = services.open_call(
        actor=SYSTEM,
        framework=cai,
        org_unit=country,
        title=f"Convocatoria CAI {today.year + 1}",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=90),
    )
    for code, story in CANTONS:
        unit = OrgUnit.objects.filter(code=code, level=Level.MUNICIPALITY).first()
        if unit is None:
            continue
        cycle = _prepare(services.start_cycle(actor=SYSTEM, org_unit=unit, framework=cai), unit, today)
        cycle = services.enter_candidacy(
            actor=SYSTEM, cycle=cycle, call=call if story in ("review", "preparing") else None, expected_version=None
        )
        if story == "preparing":
            continue
        _documents(cycle)
        if story == "review":
            _review(cycle, None, evaluator)
            continue
        cycle = _review(cycle, Outcome.RECOGNISED, evaluator)
        if story == "expiring":  # valid for 48 months: 45 days left
            _date_back(cycle, services.add_months(today + dt.timedelta(days=45), -cai.validity_months))
        elif story == "expired":
            _date_back(cycle, services.add_months(today - dt.timedelta(days=120), -cai.validity_months))
        else:
            _date_back(cycle, today - dt.timedelta(days=200))
    for code in CFCI_MUNICIPALITIES:
        unit = OrgUnit.objects.filter(code=code, level=Level.MUNICIPALITY).first()
        if unit is not None:
            _prepare(services.start_cycle(actor=SYSTEM, org_unit=unit, framework=cfci), unit, today)
