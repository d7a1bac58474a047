"""What the self-assessment adds to planning's diagnosis page (``core.slots``): the latest round of
the municipality and how many of its gaps are still outside the diagnosis, with a link."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from ronda.core import slots
from ronda.core.views_helpers import get_actor
from ronda.improvement import contracts, policies


@slots.contribute("planning.analysis_detail", order=40)
def self_assessment(request: HttpRequest, analysis: Any) -> str:
    actor = get_actor(request)
    municipality = analysis.org_unit
    if not policies.covers(actor, municipality):
        return ""
    context = {
        "municipality": municipality,
        "facts": contracts.self_assessment_facts(municipality),
        "can_manage": policies.can_manage(actor, municipality),
    }
    return render_to_string("improvement/_diagnosis_slot.html", context, request=request)
