"""The certificate of a recognition as a one-page PDF (issue #14 item 6), rendered by WeasyPrint.

The page shows the municipality (with its letterhead: ``territory``'s ``municipal_letterhead``), the
framework and its edition, the category, the day it was issued and the day it is valid until (in
the reader's language), the verification code in large type, and a QR code that opens the public
verification page of that code (``verify_url``: an absolute address, ``core.site``). Everything is
inline — the QR code is an SVG data: URL — so the renderer fetches nothing from the network or disk.

Nothing of a person is printed: the municipal liaison's name stays in the cycle.
"""

from __future__ import annotations

from typing import Any

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ronda.certification.models import Certificate
from ronda.core import site
from ronda.core.http import download_name

TEMPLATE = "certification/certificate_pdf.html"
QR_ERROR_LEVEL = "m"


def verify_url(code: str, *, base: str = "") -> str:
    """The absolute address of the public verification page of ``code`` (what the QR code holds).
    ``base`` is the address a request came to, for when the site's address is not configured."""
    return site.absolute_url(reverse("certification:verify_code", args=[code]), base=base)


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR_LEVEL)


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data: URL, dark on white, with its quiet zone."""
    return str(qr_code(url).svg_data_uri(scale=4, dark="#1b2430", light="#ffffff"))


def certificate_context(certificate: Certificate, *, base: str = "") -> dict[str, Any]:
    """Everything the page shows. ``certificate.cycle`` should come with its municipality, framework
    and category (``policies.get_cycle``)."""
    cycle = certificate.cycle
    url = verify_url(certificate.code, base=base)
    return {
        "certificate": certificate,
        "cycle": cycle,
        "municipality": cycle.org_unit,
        "framework": cycle.framework,
        "category": cycle.category,
        "verify_url": url,
        "qr": qr_data_uri(url),
        "generated_at": timezone.localtime(),
    }


def render_certificate_html(certificate: Certificate, *, base: str = "") -> str:
    return render_to_string(TEMPLATE, certificate_context(certificate, base=base))


def render_certificate_pdf(certificate: Certificate, *, base: str = "") -> bytes:
    import weasyprint  # heavy (Pango, fonts): loaded only when somebody asks for a PDF

    # Only data: URLs may be fetched: the certificate never reaches out to the network or the disk.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    html = render_certificate_html(certificate, base=base)
    return bytes(weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf())


def certificate_filename(certificate: Certificate) -> str:
    cycle = certificate.cycle
    return download_name(
        "certificado", cycle.org_unit.name, certificate.issued_on.isoformat(), extension="pdf", default="certificado"
    )
