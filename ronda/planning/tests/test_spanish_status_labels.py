"""Issue #9 item 15: a status says its noun's gender in Spanish.

One English word ("Approved", "Cancelled", "In progress") is several Spanish words: the minutes
(el acta) are "aprobada", the plan "aprobado"; an agreement (el acuerdo) is "cancelado", a measure
(la medida) and a meeting (la reunión) "cancelada". Each status vocabulary translates its words in
its own context (``pgettext_lazy("agreement status", "Cancelled")``), so one cannot take another's.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from ronda.coordination.models import AgreementStatus, MeetingKind, MeetingStatus, MinutesStatus
from ronda.coordination.questionnaire import COMMITMENT_LABELS
from ronda.council.models import RequestStatus
from ronda.planning.models import Criticality, MeasureStatus, PlanStatus

SPANISH = [
    # el acta
    (MinutesStatus.APPROVED, "Aprobada"),
    (MinutesStatus.DRAFT, "Borrador"),
    (MinutesStatus.NONE, "Sin acta"),
    # el acuerdo
    (AgreementStatus.PENDING, "Pendiente"),
    (AgreementStatus.IN_PROGRESS, "En curso"),
    (AgreementStatus.DONE, "Cumplido"),
    (AgreementStatus.CANCELLED, "Cancelado"),
    # la reunión
    (MeetingStatus.SCHEDULED, "Programada"),
    (MeetingStatus.HELD, "Realizada"),
    (MeetingStatus.CANCELLED, "Cancelada"),
    (MeetingKind.ORDINARY, "Ordinaria"),
    # la solicitud
    (RequestStatus.RECEIVED, "Recibida"),
    (RequestStatus.ACCEPTED, "Respondida: aceptada"),
    (RequestStatus.IMPLEMENTED, "Implementada"),
    # el plan
    (PlanStatus.DRAFT, "Borrador"),
    (PlanStatus.APPROVED, "Aprobado"),
    (PlanStatus.EVALUATED, "Evaluado"),
    # la medida
    (MeasureStatus.IN_PROGRESS, "En curso"),
    (MeasureStatus.DELAYED, "Retrasada"),
    (MeasureStatus.COMPLETED, "Completada"),
    (MeasureStatus.CANCELLED, "Cancelada"),
    # la criticidad
    (Criticality.HIGH, "Alta"),
    (Criticality.LOW, "Baja"),
]


@pytest.mark.parametrize(("status", "spanish"), SPANISH, ids=lambda v: getattr(v, "name", v))
def test_each_status_agrees_with_its_noun(status: object, spanish: str) -> None:
    with translation.override("es"):
        assert str(status.label) == spanish  # type: ignore[attr-defined]


def test_one_english_word_is_two_spanish_words() -> None:
    with translation.override("es"):
        assert str(MinutesStatus.APPROVED.label) != str(PlanStatus.APPROVED.label)
        assert str(AgreementStatus.CANCELLED.label) != str(MeasureStatus.CANCELLED.label)
        # The level of an area's commitment (el compromiso) is not a criticality (la criticidad).
        assert [str(COMMITMENT_LABELS[n]) for n in (1, 2, 3, 4, 5)] == ["Muy bajo", "Bajo", "Medio", "Alto", "Muy alto"]
    with translation.override("en"):
        assert str(MinutesStatus.APPROVED.label) == str(PlanStatus.APPROVED.label) == "Approved"
        assert str(AgreementStatus.CANCELLED.label) == "Cancelled"


def test_every_status_vocabulary_has_its_own_context() -> None:
    """A label given without a context would share its Spanish with every other noun's."""
    vocabularies = (
        AgreementStatus,
        MeetingStatus,
        MinutesStatus,
        MeetingKind,
        RequestStatus,
        PlanStatus,
        MeasureStatus,
    )
    seen = set()
    for choices in vocabularies:
        # A lazy pgettext keeps (context, message); a lazy gettext only (message,).
        arguments = [member.label._args for member in choices]  # type: ignore[attr-defined]
        assert all(len(args) == 2 for args in arguments), choices
        contexts = {args[0] for args in arguments}
        assert len(contexts) == 1 and not contexts & seen, choices
        seen |= contexts


def test_the_reports_page_of_a_plan_reads_del_plan() -> None:
    title = "Plan Local de Infancia y Adolescencia de Loja 2026–2029"
    with translation.override("es"):
        assert gettext("Reports of %(title)s") % {"title": title} == f"Informes del {title}"
