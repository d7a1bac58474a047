"""The final report of an evaluation as a PDF (WeasyPrint, from an HTML template; decision 0011).

Made from the live plan (planning's contracts, as ``selectors.results`` reads them) and the
evaluation's own narrative, results and recommendations. The file may be published, so it is made
with the public page's rule: no personal data, and no values of indicators that count children
from personal records.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from ronda.evaluation import selectors
from ronda.evaluation.models import Evaluation
from ronda.planning import contracts as planning_contracts


def report_context(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "evaluation": evaluation,
        "plan": planning_contracts.plan_facts(evaluation.plan),
        "results": selectors.results(evaluation, public=True),
        "recommendations": selectors.recommendations_of(evaluation),
        "generated_on": timezone.localdate(),
    }


def render_pdf(evaluation: Evaluation) -> bytes:
    import weasyprint  # imported here: only report jobs need Pango on the server

    html = render_to_string("evaluation/report_pdf.html", report_context(evaluation))
    # Everything is inline (CSS): the renderer may fetch nothing from the network or disk.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    return bytes(weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf())
