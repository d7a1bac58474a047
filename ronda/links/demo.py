"""Demo links (issue #13 item 11), for Loja: the children's council's requests answered by the plan's
measures, and an agreement and an agenda item of the body taken up by one. Through the service with
``SYSTEM``; skipped when the records are missing or a link already exists."""

from __future__ import annotations

from ronda.coordination.models import AgendaItem, Agreement
from ronda.core.tenancy import SYSTEM
from ronda.council.models import CouncilRequest
from ronda.links import services
from ronda.links.models import MeasureLink
from ronda.planning.models import Measure

MUNICIPALITY = "EC-1101"
# (words in the council request's title, measure code, how the measure answers the children)
REQUESTS = [
    ("parque de Motupe", "M-17", "Los juegos inclusivos entran en la recuperación del parque de Motupe."),
    ("Bebederos", "M-18", "El plan pone bebederos y agua segura en las canchas y escuelas."),
    ("biblioteca", "M-04", "La rampa de la biblioteca es parte de la accesibilidad en espacios públicos."),
]
# (words in the agreement's text, measure code)
AGREEMENTS = [("vacunación", "M-08"), ("deserción", "M-02")]
AGENDA = [("plan", "M-12")]


def _measure(code: str) -> Measure | None:
    return Measure.objects.filter(plan__org_unit__code=MUNICIPALITY, code=code).order_by("-plan__period_start").first()


def load_demo() -> None:
    if MeasureLink.objects.filter(org_unit__code=MUNICIPALITY).exists():
        return
    for words, code, note in REQUESTS:
        request = CouncilRequest.objects.filter(council__org_unit__code=MUNICIPALITY, title__icontains=words).first()
        measure = _measure(code)
        if request is not None and measure is not None:
            services.link_measure(actor=SYSTEM, source=request, measure=measure, note=note)
    for words, code in AGREEMENTS:
        agreement = Agreement.objects.filter(body__org_unit__code=MUNICIPALITY, text__icontains=words).first()
        measure = _measure(code)
        if agreement is not None and measure is not None:
            services.link_measure(actor=SYSTEM, source=agreement, measure=measure)
    for words, code in AGENDA:
        item = (
            AgendaItem.objects.filter(meeting__body__org_unit__code=MUNICIPALITY, title__icontains=words)
            .order_by("-meeting__scheduled_at")
            .first()
        )
        measure = _measure(code)
        if item is not None and measure is not None:
            services.link_measure(actor=SYSTEM, source=item, measure=measure, note="Avance del tablero en la mesa.")
