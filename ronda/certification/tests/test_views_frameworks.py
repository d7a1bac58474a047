"""The framework pages (issue #14 item 1): every route and method for every role, at home, away and
anonymous; what a reader sees of an edition; a draft edited and published through the services; a
published edition refusing every change."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ronda.certification import services
from ronda.certification.models import Cycle, Framework, FrameworkStatus, Requirement
from ronda.certification.tests.conftest import person
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = dict.fromkeys(ROLES, 404)
READERS = dict(NONE, admin=200, secretariat=200, analyst=200, coordinator=200, supervisor=200)
# Away: the same role in the other country (secretariat, analyst) or the neighbouring municipality.
READERS_AWAY = dict(NONE, secretariat=200, analyst=200, coordinator=200, supervisor=200)
EDITORS = dict(NONE, admin=200, secretariat=200)
EDITORS_REDIRECT = dict(NONE, admin=302, secretariat=302)


def written() -> tuple[Any, ...]:
    return (
        Framework.objects.count(),
        sum(Framework.objects.values_list("version", flat=True)),
        list(Framework.objects.order_by("pk").values_list("status", flat=True)),
        sorted(Requirement.objects.values_list("pk", "title", "kind", "rule", "mandatory")),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def draft(world: World, framework: Framework) -> Framework:
    return services.new_edition(actor=person(world, "secretariat"), framework=framework)


def requirement(framework: Framework, code: str) -> Requirement:
    return Requirement.objects.get(framework=framework, code=code)


def english(user: Any) -> Client:
    client = login(Client(), user)
    client.cookies["ronda_language"] = "en"
    return client


# --- Access -----------------------------------------------------------------------------------------
def test_the_list_and_a_published_edition(world: World, framework: Framework) -> None:
    check_access_matrix(world, url=reverse("certification:frameworks"), expected=READERS, away=READERS_AWAY)
    check_access_matrix(
        world, url=reverse("certification:framework", args=[framework.pk]), expected=READERS, away=READERS_AWAY
    )


def test_a_draft_is_read_only_by_its_editors(world: World, draft: Framework) -> None:
    check_access_matrix(world, url=reverse("certification:framework", args=[draft.pk]), expected=EDITORS)
    # Nor is it listed to anyone else.
    text = login(Client(), world.home["coordinator"]).get(reverse("certification:frameworks")).content.decode()
    assert reverse("certification:framework", args=[draft.pk]) not in text
    text = login(Client(), world.home["secretariat"]).get(reverse("certification:frameworks")).content.decode()
    assert reverse("certification:framework", args=[draft.pk]) in text


def test_new_edition(world: World, framework: Framework) -> None:
    url = reverse("certification:framework_new_edition", args=[framework.pk])
    # The first editor makes the draft; the second is told a draft exists (a message, same redirect).
    check_access_matrix(world, url=url, method="post", expected=EDITORS_REDIRECT, state=written)
    drafts = Framework.objects.filter(code=framework.code, status=FrameworkStatus.DRAFT)
    assert [(d.edition, d.based_on_id) for d in drafts] == [(2, framework.pk)]
    assert requirement(drafts[0], "mesa").params == {"min_meetings": 1}
    for method in ("get", "put"):
        assert login(Client(), world.home["secretariat"]).generic(method.upper(), url).status_code == 405


def test_new_edition_goes_to_the_draft_and_a_second_one_is_refused(world: World, framework: Framework) -> None:
    client = english(world.home["secretariat"])
    url = reverse("certification:framework_new_edition", args=[framework.pk])
    response = client.post(url)
    draft = Framework.objects.get(code=framework.code, status=FrameworkStatus.DRAFT)
    assert response["Location"] == reverse("certification:framework", args=[draft.pk])
    page = client.post(url, follow=True)
    assert "already has a draft edition" in page.content.decode()
    assert Framework.objects.filter(code=framework.code).count() == 2


def test_a_draft_of_another_country_is_not_edited(world: World) -> None:
    """A global framework (CFCI) is edited by an administrator only; the home secretariat gets 404."""
    cfci = Framework.objects.filter(country_code="", status=FrameworkStatus.PUBLISHED).first()
    assert cfci is not None
    url = reverse("certification:framework_new_edition", args=[cfci.pk])
    assert login(Client(), world.home["secretariat"]).post(url).status_code == 404
    assert not Framework.objects.filter(code=cfci.code, status=FrameworkStatus.DRAFT).exists()


def test_requirement_edit_of_a_draft(world: World, draft: Framework) -> None:
    target = requirement(draft, "informe")
    url = reverse("certification:framework_requirement_edit", args=[draft.pk, target.pk])
    check_access_matrix(world, url=url, expected=EDITORS)

    def data(_world: World) -> dict[str, Any]:
        return {
            "title": "Informe periódico del plan",
            "description": "Un informe del plan en los últimos seis meses.",
            "kind": "computed",
            "rule": "accountability.periodic_report",
            "params": '{"months": 6}',
            "mandatory": "on",
            "version": Framework.objects.get(pk=draft.pk).version,
        }

    check_access_matrix(world, url=url, method="post", data=data, expected=EDITORS_REDIRECT, state=written)
    target.refresh_from_db()
    assert (target.title, target.params, target.mandatory) == ("Informe periódico del plan", {"months": 6}, True)
    assert login(Client(), world.home["secretariat"]).put(url).status_code == 405


def test_a_requirement_of_another_framework_is_404(world: World, framework: Framework, draft: Framework) -> None:
    elsewhere = requirement(framework, "informe")  # same code, the published edition
    url = reverse("certification:framework_requirement_edit", args=[draft.pk, elsewhere.pk])
    assert login(Client(), world.home["secretariat"]).get(url).status_code == 404


def test_the_rule_and_its_parameters_are_checked_by_the_service(world: World, draft: Framework) -> None:
    target = requirement(draft, "mesa")
    url = reverse("certification:framework_requirement_edit", args=[draft.pk, target.pk])
    client = english(world.home["secretariat"])
    base = {"title": "Mesa", "kind": "computed", "rule": "coordination.body_meets", "version": draft.version}
    before = written()
    page = client.post(url, {**base, "params": "{months: 12"})
    assert page.status_code == 200 and "Write the parameters in JSON" in page.content.decode()
    page = client.post(url, {**base, "params": json.dumps({"months": 0, "colour": 1})})
    text = page.content.decode()
    assert page.status_code == 200
    assert "no parameter called" in text and "must be a whole number from 1 to 120" in text
    page = client.post(url, {**base, "rule": "", "params": ""})
    assert page.status_code == 200 and "Choose one of the evidence rules" in page.content.decode()
    assert written() == before
    # A document requirement drops the rule and its parameters.
    response = client.post(url, {**base, "kind": "document", "params": '{"months": 3}'})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.kind, target.rule, target.params, target.mandatory) == ("document", "", {}, False)


def test_a_stale_version_is_refused(world: World, draft: Framework) -> None:
    target = requirement(draft, "informe")
    url = reverse("certification:framework_requirement_edit", args=[draft.pk, target.pk])
    client = english(world.home["secretariat"])
    data = {"title": "Otro", "kind": "verdict", "version": draft.version}
    assert client.post(url, data).status_code == 302
    page = client.post(url, {**data, "title": "Tarde"})
    assert page.status_code == 200 and page.context["form"].non_field_errors()
    target.refresh_from_db()
    assert target.title == "Otro"


def test_a_published_edition_refuses_every_change(world: World, framework: Framework) -> None:
    target = requirement(framework, "informe")
    url = reverse("certification:framework_requirement_edit", args=[framework.pk, target.pk])
    check_access_matrix(world, url=url, expected=EDITORS)
    data = {"title": "Cambio", "kind": "verdict", "version": framework.version}
    check_access_matrix(world, url=url, method="post", data=data, expected=EDITORS, state=written)
    client = english(world.home["secretariat"])
    for page in (client.get(url), client.post(url, data)):
        text = page.content.decode()
        assert "A published edition cannot change" in text and 'name="title"' not in text
    # In Spanish, the service's own words, for a look and for a try.
    spanish = login(Client(), world.home["secretariat"])
    for page in (spanish.get(url), spanish.post(url, data)):
        assert "Una edición publicada no puede cambiar" in page.content.decode()
    target.refresh_from_db()
    assert target.title == "Informe"
    detail = client.get(reverse("certification:framework", args=[framework.pk])).content.decode()
    assert url not in detail and reverse("certification:framework_publish", args=[framework.pk]) not in detail
    assert reverse("certification:framework_new_edition", args=[framework.pk]) in detail


def test_publish(world: World, framework: Framework, draft: Framework) -> None:
    url = reverse("certification:framework_publish", args=[draft.pk])

    def data(_world: World) -> dict[str, Any]:
        return {"version": Framework.objects.get(pk=draft.pk).version}

    # The first editor publishes; the second is told the edition is no longer a draft (a message).
    check_access_matrix(world, url=url, method="post", data=data, expected=EDITORS_REDIRECT, state=written)
    draft.refresh_from_db()
    framework.refresh_from_db()
    assert (draft.status, framework.status) == (FrameworkStatus.PUBLISHED, FrameworkStatus.RETIRED)
    assert login(Client(), world.home["secretariat"]).get(url).status_code == 405


def test_publish_refusals_are_shown(world: World, draft: Framework) -> None:
    client = english(world.home["secretariat"])
    url = reverse("certification:framework_publish", args=[draft.pk])
    page = client.post(url, {"version": draft.version + 5}, follow=True)
    assert Framework.objects.get(pk=draft.pk).status == FrameworkStatus.DRAFT
    assert page.redirect_chain[-1][0] == reverse("certification:framework", args=[draft.pk])
    draft.categories.all().delete()
    page = client.post(url, {"version": Framework.objects.get(pk=draft.pk).version}, follow=True)
    assert "at least one category" in page.content.decode()
    assert Framework.objects.get(pk=draft.pk).status == FrameworkStatus.DRAFT


# --- What the pages say ----------------------------------------------------------------------------
def test_an_edition_in_words(world: World, framework: Framework, cycle: Cycle) -> None:
    page = english(world.home["coordinator"]).get(reverse("certification:framework", args=[framework.pk]))
    text = page.content.decode()
    assert "Marco de prueba del país A" in text and "País A" in text
    assert "Sello de oro" in text and "Sello de plata" in text
    assert "Compromiso" in text and "Mesa que sesiona" in text
    # The rule and its parameters described, the defaults said to be defaults.
    assert "The coordination body exists and met, with political-level attendance" in text
    assert "Meetings held at least: 1" in text
    assert 'Months looked back: 12 <span class="muted">(the rule\'s default)</span>' in text
    assert "Uploaded document" in text and "Reviewer&#x27;s verdict" in text
    assert "36 months" in text and "Due 18 months after the recognition" in text
    assert "1 cycle you can read" in text and "No earlier edition" in text
    # A reader who may not edit sees no action.
    assert "nueva-edicion" not in text and "publicar" not in text and "requisitos" not in text
    # The cycle count is the reader's own: another country's secretariat reads none of them.
    away = english(world.away["secretariat"]).get(reverse("certification:framework", args=[framework.pk]))
    assert "0 cycles you can read" in away.content.decode()


def test_a_draft_shows_its_edit_buttons_and_its_origin(world: World, framework: Framework, draft: Framework) -> None:
    client = english(world.home["secretariat"])
    text = client.get(reverse("certification:framework", args=[draft.pk])).content.decode()
    for r in Requirement.objects.filter(framework=draft):
        assert reverse("certification:framework_requirement_edit", args=[draft.pk, r.pk]) in text
    assert reverse("certification:framework_publish", args=[draft.pk]) in text
    assert reverse("certification:framework", args=[framework.pk]) in text  # based on
    # The published edition now points to its draft instead of offering a second one.
    text = client.get(reverse("certification:framework", args=[framework.pk])).content.decode()
    assert reverse("certification:framework_new_edition", args=[framework.pk]) not in text
    assert "Open the draft edition 2" in text
    listing = client.get(reverse("certification:frameworks")).content.decode()
    assert "Draft" in listing and "Any country (global framework)" in listing


def test_the_edit_page_lists_the_rules_and_their_parameters(world: World, draft: Framework) -> None:
    target = requirement(draft, "mesa")
    page = english(world.home["secretariat"]).get(
        reverse("certification:framework_requirement_edit", args=[draft.pk, target.pk])
    )
    text = page.content.decode()
    assert page.context["form"]["params"].value() == '{"min_meetings": 1}'
    assert "<code>min_on_time_percent</code>" in text and "0 to 100" in text
    assert '<option value="council.active"' in text
