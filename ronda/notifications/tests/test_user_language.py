"""Issue #13 item 2: a language per person (``User.language``). The language switcher saves it for a
signed-in person (audited), never for an anonymous visitor; "My notifications" chooses the language of
the person's e-mails; a sign-in brings it back to the pages; the weekly digest is written in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ronda.accounts import services as accounts_services
from ronda.accounts.models import AccountsAction, User
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import actor_for
from ronda.notifications import services
from ronda.planning import schedules
from ronda.planning.models import LocalPlan
from ronda.planning.tests.conftest import education, measure, media_root, other_area_measure, plan  # noqa: F401
from ronda.planning.tests.coresp_world import at_today  # noqa: F401
from ronda.planning.tests.test_alerts import MONDAY_MORNING, troubled  # noqa: F401
from ronda.testing import PASSWORD, World, login

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def language_events(user: User) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=AccountsAction.LANGUAGE_CHANGED, target_id=str(user.pk)).order_by("id")
    )


def switch(client: Client, language: str) -> Any:
    return client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_the_switcher_saves_the_language_of_a_signed_in_person_audited(world: World) -> None:
    user = world.home[Role.COORDINATOR]
    client = login(Client(), user)
    response = switch(client, "en")
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    (event,) = language_events(user)
    assert event.actor_id == user.pk and event.changes == {"language": ["", "en"]}
    switch(client, "en")  # the same language again: nothing changed, nothing written
    assert len(language_events(user)) == 1
    switch(client, "es")
    user.refresh_from_db()
    assert user.language == "es" and len(language_events(user)) == 2
    # A language Ronda does not speak is saved nowhere.
    switch(client, "fr")
    user.refresh_from_db()
    assert user.language == "es" and len(language_events(user)) == 2
    # Nobody else's language moved.
    assert set(User.objects.exclude(language="").values_list("pk", flat=True)) == {user.pk}


def test_a_forged_switch_of_a_signed_in_person_saves_nothing(world: World) -> None:
    user = world.home[Role.ANALYST]
    browser = login(Client(enforce_csrf_checks=True), user)  # no CSRF token sent
    assert switch(browser, "en").status_code == 403
    user.refresh_from_db()
    assert user.language == "" and not language_events(user)


def test_the_switcher_saves_nothing_for_an_anonymous_visitor(world: World) -> None:
    response = switch(Client(), "en")
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"  # their cookie only
    assert not User.objects.exclude(language="").exists()
    assert not AuditEvent.objects.filter(action=AccountsAction.LANGUAGE_CHANGED).exists()


def test_my_notifications_chooses_the_language_of_my_emails(world: World) -> None:
    user = world.home[Role.AREA_FOCAL]
    client = login(Client(), user)
    page = client.get(reverse("notifications:mine")).content.decode()
    assert 'name="language"' in page and '<option value="" selected>' in page
    response = client.post(reverse("notifications:mine"), {"language": "en", "weekly_digest": "on"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en" and len(language_events(user)) == 1
    page = client.get(reverse("notifications:mine")).content.decode()
    assert '<option value="en" selected>' in page
    # A language that is not offered: the form says so, and nothing is saved.
    refused = client.post(reverse("notifications:mine"), {"language": "fr", "weekly_digest": "on"})
    assert refused.status_code == 200 and refused.context["form"].errors["language"]
    user.refresh_from_db()
    assert user.language == "en" and len(language_events(user)) == 1
    # Back to the site's language.
    client.post(reverse("notifications:mine"), {"language": "", "weekly_digest": "on"})
    user.refresh_from_db()
    assert user.language == "" and len(language_events(user)) == 2


def test_the_service_refuses_a_language_it_does_not_offer(world: World) -> None:
    user = world.home[Role.COORDINATOR]
    actor = actor_for(user, user.memberships.get())
    with pytest.raises(ValidationError):
        accounts_services.set_own_language(actor=actor, language="fr")
    with pytest.raises(ValidationError):
        services.set_preferences(actor=actor, choices={}, language="xx")
    user.refresh_from_db()
    assert user.language == "" and not language_events(user)


def test_signing_in_brings_back_the_persons_language(world: World) -> None:
    user = world.home[Role.ANALYST]
    accounts_services.set_own_language(actor=actor_for(user, user.memberships.get()), language="en")
    response = Client().post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    other = world.home[Role.COORDINATOR]  # chose no language: the browser's cookie is left alone
    response = Client().post(reverse("accounts:login"), {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302 and COOKIE not in response.cookies


def test_the_weekly_digest_is_written_in_each_persons_language(
    at_today: Any,  # noqa: F811
    world: World,
    troubled: LocalPlan,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    focal, coordinator = world.home[Role.AREA_FOCAL], world.home[Role.COORDINATOR]
    accounts_services.set_own_language(actor=actor_for(focal, focal.memberships.get()), language="en")
    at_today.move_to(MONDAY_MORNING + dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules.send_weekly_digest() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    english, spanish = by_address[focal.email], by_address[coordinator.email]
    assert english.subject == "Ronda: the local plan's alerts this week"
    assert "Open Ronda to report progress" in english.body
    assert spanish.subject == "Ronda: las alertas del plan local esta semana"
    assert "Abra Ronda para informar el avance" in spanish.body and "Open Ronda" not in spanish.body
