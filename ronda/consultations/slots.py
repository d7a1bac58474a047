"""What the consultations add to the pages below them (``ronda.core.slots``): on a measure's page and
on the diagnosis' page, the consultations that cite the measure or the findings; on the coordination
body's page, the way to the consultations and the map of social actors. Each contribution asks this
app's policy again: it may show less than the page, never more."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from ronda.consultations import policies, selectors
from ronda.core import slots


def _actor(request: HttpRequest) -> Any:
    actor = getattr(request, "actor", None)
    return actor if actor is not None and actor.membership is not None else None


@slots.contribute("planning.measure_detail", order=40)
def consultations_citing_measure(request: HttpRequest, measure: Any) -> str:
    actor = _actor(request)
    if actor is None or not policies.can_read_in(actor, measure.plan.org_unit):
        return ""
    consultations = selectors.citing_measure(actor, measure)
    if not consultations:
        return ""
    return render_to_string(
        "consultations/slots/measure.html", {"cited_by": consultations, "measure": measure}, request=request
    )


@slots.contribute("planning.analysis_detail", order=40)
def consultations_citing_findings(request: HttpRequest, analysis: Any) -> str:
    """One panel for the whole diagnosis (not one query per finding): each finding cited, and the
    consultations citing it; then the way to every consultation and to the map of social actors."""
    actor = _actor(request)
    municipality = analysis.org_unit
    if actor is None or not policies.can_read_in(actor, municipality):
        return ""
    citations = selectors.citing_findings(actor, analysis.findings.all())
    return render_to_string(
        "consultations/slots/analysis.html",
        {"citations": citations, "municipality": municipality},
        request=request,
    )


@slots.contribute("coordination.overview", order=40)
def consultations_link(request: HttpRequest, body: Any) -> str:
    actor = _actor(request)
    municipality = body.org_unit
    if actor is None or not policies.can_read_in(actor, municipality):
        return ""
    return render_to_string("consultations/slots/body.html", {"municipality": municipality}, request=request)
