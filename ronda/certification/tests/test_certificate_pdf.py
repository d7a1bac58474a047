"""The certificate's PDF (issue #14 item 6): who downloads it (whoever reads the cycle), what it
says (municipality, framework and edition, category, dates in the reader's language, the code), the
QR code's address, one A4 landscape page, private caching, and a revoked certificate refused."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from ronda.certification import certificates, services
from ronda.certification.models import Assignment, Certificate, Cycle, CycleStage, Outcome
from ronda.certification.tests.conftest import person
from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

NONE = dict.fromkeys(Role.values, 404)
# Whoever reads the cycle: its secretariat, the municipality's coordinator, supervisor and analyst.
# An evaluator reads only the cycles assigned to them (the home one has none here).
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, supervisor=200, analyst=200)
ISSUED = dt.date(2026, 3, 2)
VALID_UNTIL = dt.date(2029, 3, 2)


def recognise(cycle: Cycle) -> Certificate:
    """The cycle decided and recognised, with its certificate, as ``services.decide`` leaves it (the
    decision's own path is tested in test_cycle)."""
    category = cycle.framework.categories.get(code="oro")
    Cycle.objects.filter(pk=cycle.pk).update(
        stage=CycleStage.DECIDED,
        outcome=Outcome.RECOGNISED,
        category=category,
        decided_on=ISSUED,
        valid_until=VALID_UNTIL,
    )
    return Certificate.objects.create(cycle=cycle, code=services.new_code(), issued_on=ISSUED, valid_until=VALID_UNTIL)


@pytest.fixture
def certificate(world: World, cycle: Cycle) -> Certificate:
    return recognise(cycle)


def url_of(certificate: Certificate) -> str:
    return reverse("certification:certificate_pdf", args=[certificate.pk])


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
        return done.stdout.decode()
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_who_downloads_it(world: World, certificate: Certificate) -> None:
    check_access_matrix(world, url=url_of(certificate), expected=READERS)


def test_only_get_is_answered(world: World, certificate: Certificate) -> None:
    client = login(Client(), world.home["secretariat"])
    for method in ("post", "put", "delete"):
        assert getattr(client, method)(url_of(certificate)).status_code == 405


def test_an_evaluator_of_the_cycle_downloads_it(world: World, certificate: Certificate) -> None:
    evaluator = world.home[Role.EVALUATOR]
    client = login(Client(), evaluator)
    assert client.get(url_of(certificate)).status_code == 404
    Assignment.objects.create(cycle=certificate.cycle, evaluator=evaluator)
    assert client.get(url_of(certificate)).status_code == 200


def test_a_missing_certificate_is_404(world: World) -> None:
    client = login(Client(), world.home["admin"])
    assert client.get(reverse("certification:certificate_pdf", args=[999_999])).status_code == 404


def test_the_pdf_names_the_recognition_on_one_landscape_page(world: World, certificate: Certificate) -> None:
    from pypdf import PdfReader

    response = login(Client(), world.home["coordinator"]).get(url_of(certificate))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("inline;")
        and "certificado-municipio-a" in response["Content-Disposition"]
    )
    cache = response["Cache-Control"]
    assert "private" in cache and "public" not in cache
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert abs(float(box.width) - 841.89) < 2 and abs(float(box.height) - 595.28) < 2  # A4
    text = pdf_text(response.content)
    assert certificate.code in text
    assert "Municipio A" in text and "Sello de oro" in text and "Marco de prueba del país A" in text
    with translation.override("es"):
        assert date_format(ISSUED, "DATE_FORMAT") in text  # 2 de marzo de 2026
        assert date_format(VALID_UNTIL, "DATE_FORMAT") in text
    assert "2 de marzo de 2026" in text
    assert "Laura Enlace" not in text  # nothing of a person


def test_the_dates_follow_the_readers_language(world: World, certificate: Certificate) -> None:
    client = login(Client(), world.home["coordinator"])
    client.cookies["ronda_language"] = "en"
    text = pdf_text(client.get(url_of(certificate)).content)
    assert "2 Mar 2026" in text and "2 Mar 2029" in text
    assert "marzo" not in text


def test_the_qr_code_holds_the_absolute_verification_address(
    world: World, certificate: Certificate, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.RONDA_SITE_URL = "https://ronda.example.org/"
    expected = f"https://ronda.example.org/certificacion/verificar/{certificate.code}/"
    assert certificates.verify_url(certificate.code) == expected
    # What the view hands to segno, and what the page embeds.
    encoded: list[str] = []
    real = certificates.qr_code

    def spy(url: str) -> Any:
        encoded.append(url)
        return real(url)

    monkeypatch.setattr(certificates, "qr_code", spy)
    response = login(Client(), world.home["secretariat"]).get(url_of(certificate))
    assert response.status_code == 200
    assert encoded == [expected]
    assert expected in pdf_text(response.content).replace("\n", "")
    certificate.cycle = Cycle.objects.select_related("org_unit", "framework", "category").get(pk=certificate.cycle_id)
    html = certificates.render_certificate_html(certificate)
    assert escape(certificates.qr_data_uri(expected)) in html
    # The QR code is segno's, for exactly that address (no decoder is installed to read it back).
    qr = certificates.qr_code(expected)
    assert qr.error == "M" and qr.matrix == real(expected).matrix


def test_without_the_setting_the_address_is_the_requests(
    world: World, certificate: Certificate, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.RONDA_SITE_URL = ""
    settings.PRODUCTION = True  # unset in production: core.site gives no address of its own
    encoded: list[str] = []
    real = certificates.qr_code

    def spy(url: str) -> Any:
        encoded.append(url)
        return real(url)

    monkeypatch.setattr(certificates, "qr_code", spy)
    response = login(Client(), world.home["secretariat"]).get(url_of(certificate))
    assert response.status_code == 200
    assert encoded == [f"http://testserver/certificacion/verificar/{certificate.code}/"]


def test_a_revoked_certificate_is_not_printed(world: World, certificate: Certificate) -> None:
    services.revoke_certificate(actor=person(world, "secretariat"), certificate=certificate, reason="Error material")
    client = login(Client(), world.home["coordinator"])
    client.cookies["ronda_language"] = "en"
    response = client.get(url_of(certificate))
    assert response.status_code == 302
    assert response["Location"] == reverse("certification:verify_code", args=[certificate.code])
    page = client.get(response["Location"])
    text = page.content.decode()
    with translation.override("en"):
        revoked_on = date_format(timezone.localdate(), "DATE_FORMAT")
    assert "This certificate was revoked on" in text and revoked_on in text
    assert "Revoked certificate" in text
    # The matrix holds for a revoked one too: its readers are redirected, everyone else gets 404.
    check_access_matrix(
        world, url=url_of(certificate), expected=dict(NONE, **{r: 302 for r, s in READERS.items() if s == 200})
    )
