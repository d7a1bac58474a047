"""The outbox: queued with the caller's transaction, delivered once, retried with backoff, logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.notifications import delivery, ics, kinds, services
from ronda.notifications.models import EmailStatus, NotificationsAction, OutgoingEmail
from ronda.notifications.tests.backends import RacingBackend
from ronda.notifications.tests.conftest import DEMO_DIGEST, DEMO_KIND
from ronda.testing import World

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
FAILING = "ronda.notifications.tests.backends.FailingBackend"


def _actor(world: World, role: str = Role.COORDINATOR) -> Any:
    user = world.home[role]
    return actor_for(user, user.memberships.get())


def _queue(world: World, **over: Any) -> OutgoingEmail:
    values: dict[str, Any] = {
        "actor": SYSTEM,
        "kind": DEMO_KIND,
        "recipient": world.home[Role.COORDINATOR],
        "subject": "Recordatorio: sesión de la mesa",
        "body": "La sesión es el lunes a las 09:30.",
    }
    values.update(over)
    return services.queue_email(**values)


def test_a_committed_email_is_sent_once_and_logged_without_its_address(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(world)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 1 and email.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.home[Role.COORDINATOR].email]
    assert mail.outbox[0].subject == "Recordatorio: sesión de la mesa"
    events = AuditEvent.objects.filter(target_type="notifications.outgoingemail", target_id=str(email.pk))
    assert set(events.values_list("action", flat=True)) == {"create", NotificationsAction.EMAIL_SENT}
    created = events.get(action="create").changes
    assert created["address"] == [None, "[redacted]"] and created["body"] == [None, "[redacted]"]
    trail = str(list(events.values_list("changes", flat=True)))
    assert world.home[Role.COORDINATOR].email not in trail and "09:30" not in trail


def test_an_email_queued_in_a_rolled_back_transaction_sends_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue(world)
        raise RuntimeError("the caller's work failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_an_undeclared_kind_is_refused(world: World) -> None:
    with pytest.raises(ImproperlyConfigured):
        _queue(world, kind="nobody.declared_this")


def test_a_failing_server_is_retried_with_backoff_then_given_up(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = FAILING
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            email = _queue(world)
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
        assert email.next_attempt_at == T0 + dt.timedelta(minutes=5)
        assert "SMTPServerDisconnected" in email.last_error
        # Not due yet: the sweep leaves it alone.
        clock.move_to(T0 + dt.timedelta(minutes=4))
        assert delivery.retry_due() == 0
        email.refresh_from_db()
        assert email.attempts == 1
        waits = []
        while email.status == EmailStatus.QUEUED:
            assert email.next_attempt_at is not None
            waits.append(email.next_attempt_at - dt.datetime.now(dt.UTC))
            clock.move_to(email.next_attempt_at)
            delivery.retry_due()
            email.refresh_from_db()
        assert email.status == EmailStatus.FAILED
        assert email.attempts == delivery.MAX_ATTEMPTS == 5
        assert email.next_attempt_at is None
        # The waits after each failure: 5 min, 30 min, 2 h, 12 h (the first measured from 4 min in).
        assert waits[1:] == [dt.timedelta(minutes=30), dt.timedelta(hours=2), dt.timedelta(hours=12)]
        # Given up: a day later the sweep does not try again.
        clock.move_to(T0 + dt.timedelta(days=2))
        assert delivery.retry_due() == 0
        email.refresh_from_db()
        assert email.attempts == 5
    assert mail.outbox == []
    actions = list(
        AuditEvent.objects.filter(target_id=str(email.pk), target_type="notifications.outgoingemail")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create"] + [NotificationsAction.EMAIL_RETRY] * 4 + [NotificationsAction.EMAIL_FAILED]


def test_an_administrator_sends_a_failed_email_again(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = FAILING
    email = _queue(world)
    for _attempt in range(delivery.MAX_ATTEMPTS):
        OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        delivery.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    with pytest.raises(ValidationError):
        services.retry_email(actor=_actor(world, Role.ADMIN), email=_queue(world))  # a queued one: refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_email(actor=_actor(world, Role.ADMIN), email=email)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == delivery.MAX_ATTEMPTS + 1
    assert len(mail.outbox) == 1


def test_two_deliveries_of_the_same_email_send_it_once(world: World) -> None:
    email = _queue(world)  # its on-commit job never runs inside the test's transaction
    assert delivery.deliver(email.pk) is True
    assert delivery.deliver(email.pk) is False
    assert delivery.retry_due() == 0
    assert len(mail.outbox) == 1


def test_a_rival_worker_during_the_send_finds_nothing_to_send(world: World, settings: Any) -> None:
    email = _queue(world)
    settings.EMAIL_BACKEND = "ronda.notifications.tests.backends.RacingBackend"
    RacingBackend.results.clear()
    RacingBackend.during_send[:] = [lambda: delivery.deliver(email.pk), delivery.retry_due]
    try:
        assert delivery.deliver(email.pk) is True
    finally:
        RacingBackend.during_send.clear()
    assert RacingBackend.results == [False, 0]
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 1


def test_a_row_left_sending_by_a_dead_worker_is_failed_not_sent_again(world: World) -> None:
    email = _queue(world)
    with time_machine.travel(T0, tick=False) as clock:
        OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING, claimed_at=T0, attempts=1)
        clock.move_to(T0 + dt.timedelta(minutes=30))
        delivery.retry_due()
        email.refresh_from_db()
        assert email.status == EmailStatus.SENDING
        clock.move_to(T0 + delivery.STALE_SENDING + dt.timedelta(minutes=1))
        delivery.retry_due()
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED and email.last_error
    assert mail.outbox == []


def test_a_kind_turned_off_is_recorded_as_skipped_and_not_sent(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    actor = _actor(world)
    services.set_preferences(actor=actor, choices={DEMO_KIND: False})
    assert services.wants(actor.user, DEMO_KIND) is False
    assert services.wants(world.home[Role.SUPERVISOR], DEMO_KIND) is True  # another person: the default
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(world)
    email.refresh_from_db()
    assert email.status == EmailStatus.SKIPPED and email.attempts == 0 and email.last_error
    assert email.body == "" and email.subject == "Recordatorio: sesión de la mesa"  # the text is not kept
    assert mail.outbox == []
    # Turned on again, the next one goes out.
    services.set_preferences(actor=actor, choices={DEMO_KIND: True})
    with django_capture_on_commit_callbacks(execute=True):
        _queue(world)
    assert len(mail.outbox) == 1


def test_the_weekly_digest_switch_governs_every_digest_kind_only(world: World) -> None:
    actor = _actor(world)
    assert services.wants(actor.user, DEMO_DIGEST) is True
    services.set_preferences(actor=actor, choices={kinds.WEEKLY_DIGEST: False})
    assert services.wants(actor.user, DEMO_DIGEST) is False
    assert services.wants(actor.user, DEMO_KIND) is True
    assert _queue(world, kind=DEMO_DIGEST).status == EmailStatus.SKIPPED


def test_choices_are_audited_and_unknown_kinds_refused(world: World) -> None:
    actor = _actor(world)
    assert services.set_preferences(actor=actor, choices={DEMO_KIND: False}) == 1
    assert services.set_preferences(actor=actor, choices={DEMO_KIND: False}) == 0
    assert services.set_preferences(actor=actor, choices={DEMO_KIND: True}) == 1
    actions = AuditEvent.objects.filter(target_type="notifications.notificationpreference").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["create", "update"]
    with pytest.raises(ValidationError):
        services.set_preferences(actor=actor, choices={"nobody.declared_this": True})


def test_an_address_outside_ronda_and_a_missing_address(world: World) -> None:
    outside = _queue(world, recipient=None, address="junta@example.org")
    assert outside.status == EmailStatus.QUEUED and outside.address == "junta@example.org"
    user = world.home[Role.ANALYST]
    user.email = ""
    user.save(update_fields=["email"])
    assert _queue(world, recipient=user).status == EmailStatus.SKIPPED


def test_an_invitation_travels_as_an_ics_attachment(world: World, django_capture_on_commit_callbacks: Any) -> None:
    import icalendar

    invite = ics.calendar(
        [
            ics.event(
                uid=ics.uid("test.meeting", 7),
                start=dt.datetime(2026, 3, 2, 9, 30),
                end=dt.datetime(2026, 3, 2, 11, 30),
                time_zone="America/Guayaquil",
                summary="Sesión ordinaria",
                organizer=("secretaria@example.org", "Secretaría técnica"),
                attendees=[(world.home[Role.COORDINATOR].email, "Coordinación")],
                sequence=1,
            )
        ],
        method=ics.Method.REQUEST,
    )
    attachment = services.Attachment(
        name="convocatoria.ics", mimetype=ics.invitation_type(ics.Method.REQUEST), content=ics.to_text(invite)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _queue(world, attachment=attachment)
    ((name, content, mimetype),) = mail.outbox[0].attachments
    assert name == "convocatoria.ics" and mimetype.startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(content)
    assert parsed["METHOD"] == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == "test.meeting-7@ronda" and int(event["SEQUENCE"]) == 1
    assert str(event["ATTENDEE"]) == f"mailto:{world.home[Role.COORDINATOR].email}"
    assert event["DTSTART"].dt.tzinfo.key == "America/Guayaquil"
