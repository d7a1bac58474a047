"""The pages: every route's access matrix, the choices saved, a feed address shown once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.notifications import delivery, kinds, services
from ronda.notifications.forms import field_name
from ronda.notifications.models import CalendarFeed, EmailStatus, NotificationPreference, OutgoingEmail
from ronda.notifications.tests.conftest import DEMO_DIGEST, DEMO_FEED, DEMO_KIND
from ronda.testing import World, assert_queries_do_not_grow, check_access_matrix, login

pytestmark = pytest.mark.django_db

EVERYONE = dict.fromkeys(Role.values, 200)
ADMIN_ONLY = {**dict.fromkeys(Role.values, 404), Role.ADMIN: 200}


def _actor(world: World, role: str = Role.COORDINATOR) -> Any:
    user = world.home[role]
    return actor_for(user, user.memberships.get())


def _queue(world: World, role: str = Role.COORDINATOR) -> OutgoingEmail:
    return services.queue_email(
        actor=SYSTEM, kind=DEMO_KIND, recipient=world.home[role], subject="Aviso de prueba", body="Texto."
    )


def test_my_notifications_is_every_signed_in_persons_page(world: World) -> None:
    check_access_matrix(world, url=reverse("notifications:mine"), expected=EVERYONE, away=200)


def test_saving_choices_is_open_to_everyone_for_themselves(world: World) -> None:
    check_access_matrix(
        world,
        url=reverse("notifications:mine"),
        method="post",
        data={"weekly_digest": "on"},
        expected=dict.fromkeys(Role.values, 302),
        away=302,
    )
    # Every person stored their own choice, and only their own (an evaluator too: their own choices
    # are theirs to set, though they read nothing else of the municipalities).
    people = {user.pk for user in [*world.home.values(), *world.away.values()]}
    chosen = NotificationPreference.objects.filter(kind=kinds.WEEKLY_DIGEST, enabled=True)
    assert sorted(chosen.values_list("user", flat=True)) == sorted(people)


def test_creating_a_feed_is_open_to_everyone_for_themselves(world: World) -> None:
    check_access_matrix(
        world,
        url=reverse("notifications:feed_create"),
        method="post",
        data={"calendar": DEMO_FEED},
        expected=dict.fromkeys(Role.values, 302),
        away=302,
        state=lambda: CalendarFeed.objects.count(),
    )
    assert CalendarFeed.objects.count() == len(world.home) + len(world.away)
    assert set(CalendarFeed.objects.values_list("user", flat=True)) == {
        user.pk for user in [*world.home.values(), *world.away.values()]
    }


def test_only_its_owner_revokes_a_feed(world: World) -> None:
    feed, _raw = services.create_feed(actor=_actor(world), kind=DEMO_FEED)
    check_access_matrix(
        world,
        url=reverse("notifications:feed_revoke", args=[feed.pk]),
        method="post",
        expected={**dict.fromkeys(Role.values, 404), Role.COORDINATOR: 302},
        state=lambda: CalendarFeed.objects.filter(revoked_at__isnull=True).count(),
    )
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_the_feed_answers_whoever_holds_the_token_with_or_without_a_session(world: World) -> None:
    _feed, raw = services.create_feed(actor=_actor(world), kind=DEMO_FEED)
    check_access_matrix(
        world, url=reverse("notifications:feed", args=[raw]), expected=EVERYONE, away=200, anonymous=200
    )


def test_the_outbox_log_is_for_administrators_only(world: World) -> None:
    _queue(world)
    check_access_matrix(world, url=reverse("notifications:outbox"), expected=ADMIN_ONLY)


def test_sending_again_is_for_administrators_only(world: World) -> None:
    email = _queue(world)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED, attempts=delivery.MAX_ATTEMPTS)
    check_access_matrix(
        world,
        url=reverse("notifications:outbox_retry", args=[email.pk]),
        method="post",
        expected={**dict.fromkeys(Role.values, 404), Role.ADMIN: 302},
        state=lambda: OutgoingEmail.objects.get(pk=email.pk).status,
    )
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED


def test_the_page_lists_my_kinds_my_last_emails_and_saves_my_choices(world: World) -> None:
    coordinator = world.home[Role.COORDINATOR]
    _queue(world)
    _queue(world, Role.SUPERVISOR)
    client = login(Client(), coordinator)
    page = client.get(reverse("notifications:mine")).content.decode()
    assert "Recordatorios de prueba" in page and "Resumen de prueba" in page  # the digest concerns coordinators
    assert page.count("Aviso de prueba") == 1  # their own e-mail, not the supervisor's
    other = login(Client(), world.home[Role.ANALYST]).get(reverse("notifications:mine")).content.decode()
    assert "Resumen de prueba" not in other and "Aviso de prueba" not in other
    response = client.post(reverse("notifications:mine"), {field_name(DEMO_KIND): "on"})
    assert response.status_code == 302
    assert services.wants(coordinator, DEMO_KIND) is True
    assert services.wants(coordinator, DEMO_DIGEST) is False  # unticked, and the weekly digest off


def test_a_new_feed_address_is_shown_once(world: World) -> None:
    client = login(Client(), world.home[Role.COORDINATOR])
    response = client.post(reverse("notifications:feed_create"), {"calendar": DEMO_FEED}, follow=True)
    page = response.content.decode()
    feed = CalendarFeed.objects.get()
    assert feed.prefix in page
    start = page.index('id="new-feed-url"')
    shown = page[start:].split('value="', 1)[1].split('"', 1)[0]
    assert services.hash_token(shown.rsplit("/", 1)[1].removesuffix(".ics")) == feed.token_hash
    assert Client().get(shown).status_code == 200
    again = client.get(reverse("notifications:mine")).content.decode()
    assert 'id="new-feed-url"' not in again and feed.prefix in again


def test_an_unoffered_calendar_is_refused_on_the_page(world: World) -> None:
    client = login(Client(), world.home[Role.ANALYST])
    response = client.post(reverse("notifications:feed_create"), {"calendar": "notifications_test.body:1"})
    assert response.status_code == 200 and not CalendarFeed.objects.exists()


def test_the_outbox_filters_by_status(world: World) -> None:
    sent = _queue(world)
    delivery.deliver(sent.pk)
    _queue(world, Role.SUPERVISOR)
    client = login(Client(), world.home[Role.ADMIN])
    page = client.get(reverse("notifications:outbox"), {"status": EmailStatus.SENT}).content.decode()
    assert world.home[Role.COORDINATOR].email in page and world.home[Role.SUPERVISOR].email not in page


def test_administrators_find_the_outbox_log_from_their_page(world: World) -> None:
    outbox = reverse("notifications:outbox")
    admin_page = login(Client(), world.home[Role.ADMIN]).get(reverse("notifications:mine")).content.decode()
    assert f'href="{outbox}"' in admin_page
    other = login(Client(), world.home[Role.SUPERVISOR]).get(reverse("notifications:mine")).content.decode()
    assert f'href="{outbox}"' not in other


def test_the_lists_read_in_a_fixed_number_of_queries(world: World) -> None:
    def add_emails(n: int) -> None:
        for _ in range(n):
            _queue(world)

    def add_feeds(n: int) -> None:
        for _ in range(n):
            services.create_feed(actor=_actor(world), kind=DEMO_FEED)
            _queue(world)

    admin = login(Client(), world.home[Role.ADMIN])
    assert_queries_do_not_grow(admin, reverse("notifications:outbox"), add_emails, ceiling=12)
    mine = login(Client(), world.home[Role.COORDINATOR])
    assert_queries_do_not_grow(mine, reverse("notifications:mine"), add_feeds, ceiling=16)
