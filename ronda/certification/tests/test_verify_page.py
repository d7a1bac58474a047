"""The public verification page (issue #14 item 6): anyone, signed in or not, checks a code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.certification import services
from ronda.certification.models import Certificate, Cycle, Outcome, Requirement
from ronda.certification.tests.conftest import person
from ronda.certification.tests.test_cycle import in_review, judge_all
from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(world: World, cycle: Cycle) -> Certificate:
    in_review(world, cycle)
    cycle = Cycle.objects.get(pk=cycle.pk)
    judge_all(world, cycle)
    services.decide(
        actor=person(world, "secretariat"),
        cycle=cycle,
        outcome=Outcome.RECOGNISED,
        category=cycle.framework.categories.get(code="oro"),
        expected_version=None,
    )
    return Certificate.objects.get(cycle=cycle)


def test_everyone_reaches_the_verification_page(world: World) -> None:
    check_access_matrix(
        world, url=reverse("certification:verify"), expected=dict.fromkeys(Role.values, 200), away=200, anonymous=200
    )


def test_everyone_reaches_a_codes_page(world: World, certificate: Certificate) -> None:
    check_access_matrix(
        world,
        url=reverse("certification:verify_code", args=[certificate.code]),
        expected=dict.fromkeys(Role.values, 200),
        away=200,
        anonymous=200,
    )


def test_a_valid_code_names_the_recognition_and_nothing_more(world: World, certificate: Certificate) -> None:
    page = Client().get(reverse("certification:verify"), {"codigo": certificate.code.lower()})
    text = page.content.decode()
    assert page.status_code == 200 and "Certificado vigente" in text
    assert "Municipio A" in text and "Sello de oro" in text and "Marco de prueba del país A" in text
    assert "Laura Enlace" not in text  # the liaison's name is not the public's
    assert "no-store" in page["Cache-Control"] and page["X-Robots-Tag"] == "noindex"


def test_forged_expired_and_revoked_codes_say_so(world: World, certificate: Certificate) -> None:
    forged = ("Z" if certificate.code[0] != "Z" else "Y") + certificate.code[1:]
    text = Client().get(reverse("certification:verify_code", args=[forged])).content.decode()
    assert "Ningún certificado tiene este código" in text and "Municipio A" not in text
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    text = Client().get(reverse("certification:verify_code", args=[certificate.code])).content.decode()
    assert "Certificado vencido" in text
    services.revoke_certificate(actor=person(world, "secretariat"), certificate=certificate, reason="Error")
    text = Client().get(reverse("certification:verify_code", args=[certificate.code])).content.decode()
    assert "Certificado revocado" in text


def test_an_empty_form_shows_no_verdict(world: World) -> None:
    text = Client().get(reverse("certification:verify")).content.decode()
    assert "Ningún certificado" not in text and 'name="codigo"' in text


def test_requirements_of_the_framework_are_not_on_the_public_page(world: World, certificate: Certificate) -> None:
    text = Client().get(reverse("certification:verify_code", args=[certificate.code])).content.decode()
    assert Requirement.objects.filter(framework=certificate.cycle.framework).first().title not in text
