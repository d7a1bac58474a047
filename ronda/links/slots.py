"""The links shown on both sides (``ronda.core.slots``): on the agreement, the meeting and the council
request, the measures that take them up (with the form to link one, for who may); on the measure, the
records it comes from. Each side is filtered by its own domain's policy (``links.policies``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from ronda.coordination.models import Agreement, Meeting
from ronda.core import slots
from ronda.links import policies, selectors
from ronda.links.models import LinkKind
from ronda.planning.models import Measure

# How many measures the form offers at most (a plan has dozens; a municipality a few plans).
CANDIDATE_LIMIT = 300


def _actor(request: HttpRequest) -> Any:
    actor = getattr(request, "actor", None)
    return actor if actor is not None and actor.membership is not None else None


def _source_panel(request: HttpRequest, source: policies.Source, slug: str) -> str:
    actor = _actor(request)
    if actor is None:
        return ""
    links = selectors.links_from(actor, source)
    can_link = policies.can_link(actor, source)
    if not links and not can_link:
        return ""
    candidates = list(policies.candidate_measures(actor, source)[:CANDIDATE_LIMIT]) if can_link else []
    linked = {link.measure_id for link in links}
    return render_to_string(
        "links/source_panel.html",
        {
            "links": links,
            "can_link": can_link,
            "candidates": [m for m in candidates if m.pk not in linked],
            "kind_slug": slug,
            "source": source,
            "is_request": policies.kind_of(source) == LinkKind.COUNCIL_REQUEST,
        },
        request=request,
    )


@slots.contribute("coordination.agreement_detail", order=50)
def agreement_measures(request: HttpRequest, agreement: Agreement) -> str:
    return _source_panel(request, agreement, "acuerdo")


@slots.contribute("council.request_detail", order=50)
def request_measures(request: HttpRequest, council_request: Any) -> str:
    return _source_panel(request, council_request, "solicitud")


@slots.contribute("coordination.meeting_detail", order=50)
def agenda_measures(request: HttpRequest, meeting: Meeting) -> str:
    actor = _actor(request)
    if actor is None:
        return ""
    links = selectors.links_of_meeting(actor, meeting.pk)
    items = list(meeting.agenda.all())
    can_link = bool(items) and policies.can_link(actor, items[0])
    if not links and not can_link:
        return ""
    candidates = []
    if can_link:
        candidates = list(policies.candidate_measures(actor, items[0])[:CANDIDATE_LIMIT])
    return render_to_string(
        "links/agenda_panel.html",
        {"links": links, "can_link": can_link, "items": items, "candidates": candidates, "meeting_id": meeting.pk},
        request=request,
    )


@slots.contribute("planning.measure_detail", order=30)
def measure_sources(request: HttpRequest, measure: Measure) -> str:
    actor = _actor(request)
    if actor is None:
        return ""
    links = list(selectors.links_to(actor, measure))
    if not links:
        return ""
    return render_to_string("links/measure_panel.html", {"links": links}, request=request)
