"""Issue #7 finding 14: three quick submissions of one form that creates create one record."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ronda.coordination.models import AgreementNote
from ronda.coordination.tests.conftest import build_coordination
from ronda.core.models import SubmittedForm
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

CREATING = re.compile(r"(_create|_add|_note)$")


def _token(html: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f]{32})"', html)
    assert found, "the form carries no token"
    return found.group(1)


def test_three_quick_submissions_of_a_note_create_one(world: World) -> None:
    co = build_coordination(world)
    client = login(Client(), world.home["coordinator"])
    detail = client.get(reverse("coordination:agreement_detail", args=[co.agreement.pk])).content.decode()
    token = _token(detail)
    url = reverse("coordination:agreement_note", args=[co.agreement.pk])
    before = AgreementNote.objects.count()
    responses = [client.post(url, {"text": "Se envió el oficio.", "form_token": token}) for _ in range(3)]
    assert AgreementNote.objects.count() == before + 1
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert responses[1]["Location"] == responses[0]["Location"]
    # A new form (a new token) adds the next note.
    fresh = _token(client.get(reverse("coordination:agreement_detail", args=[co.agreement.pk])).content.decode())
    assert fresh != token
    client.post(url, {"text": "Segundo seguimiento.", "form_token": fresh})
    assert AgreementNote.objects.count() == before + 2


def test_htmx_repeats_change_nothing_and_swap_nothing(world: World) -> None:
    co = build_coordination(world)
    client = login(Client(), world.home["coordinator"])
    url = reverse("coordination:agreement_note", args=[co.agreement.pk])
    token = "a" * 32
    first = client.post(url, {"text": "Nota por htmx.", "form_token": token}, HTTP_HX_REQUEST="true")
    again = client.post(url, {"text": "Nota por htmx.", "form_token": token}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and again.status_code == 204
    assert AgreementNote.objects.filter(text="Nota por htmx.").count() == 1
    assert 'name="form_token"' in first.content.decode()  # the swapped-in form has a fresh token


def test_a_submission_with_errors_can_be_corrected_and_sent(world: World) -> None:
    co = build_coordination(world)
    client = login(Client(), world.home["coordinator"])
    url = reverse("coordination:meeting_create")
    before = co.body.meetings.count()
    token = "b" * 32
    bad = client.post(url, {"kind": "ordinary", "mode": "in_person", "form_token": token})
    assert bad.status_code == 200  # errors shown, nothing claimed
    assert not SubmittedForm.objects.exists()
    assert co.body.meetings.count() == before
    assert _token(bad.content.decode()) != token


def test_other_users_tokens_do_not_collide(world: World) -> None:
    co = build_coordination(world)
    url = reverse("coordination:agreement_note", args=[co.agreement.pk])
    for role in ("coordinator", "admin"):
        login(Client(), world.home[role]).post(url, {"text": f"Nota de {role}.", "form_token": "c" * 32})
    assert AgreementNote.objects.filter(text__startswith="Nota de ").count() == 2


def _creating_routes() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []

    def walk(patterns: list[object], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "api":  # web forms; the JSON API has no form tokens
                    walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and CREATING.search(p.name):
                found.append((f"{namespace}:{p.name}", p.callback))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_page_that_creates_is_guarded() -> None:
    routes = _creating_routes()
    assert len(routes) >= 25
    unguarded = [name for name, view in routes if not getattr(view, "once_per_submission", False)]
    assert unguarded == []
