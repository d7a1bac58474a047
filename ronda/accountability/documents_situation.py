"""The situation report as PDF: WeasyPrint from an HTML template, charts inline as SVG (decision 0011)."""

from __future__ import annotations

from django.template.loader import render_to_string

from ronda.accountability.situation import SituationData


def render_html(data: SituationData) -> str:
    return render_to_string("accountability/situation_pdf.html", {"data": data})


def render_pdf(data: SituationData) -> bytes:
    import weasyprint  # imported here: only PDF rendering needs Pango on the server

    # Everything is inline (CSS, SVG charts): the renderer may fetch nothing from the network or disk.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    return bytes(weasyprint.HTML(string=render_html(data), url_fetcher=fetcher).write_pdf())
