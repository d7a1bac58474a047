"""Due and overdue: the caseload, the work lists, the alerts of the officer and the supervisor, and
the weekly e-mail digest, as the days go by (time_machine)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from ronda.core import schedule
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.notifications import delivery, kinds
from ronda.notifications import services as notification_services
from ronda.notifications.models import EmailStatus, OutgoingEmail
from ronda.protection import alerts, notifications, schedules, selectors
from ronda.protection.alerts import Kind
from ronda.protection.models import Alternative, CareSetting, ProtectionFile, ProtectiveMeasure
from ronda.protection.services import measures, placements
from ronda.protection.services.resources import register_facility
from ronda.protection.tests.factories import PWorld, act, make_child, make_file, measure_type, protection_world
from ronda.testing import World

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
# A Saturday: the measure below is due today; Monday 2 February it is two days overdue.
NOW = dt.datetime(2026, 1, 31, 9, 0, tzinfo=ZONE)
TODAY = NOW.date()
MONDAY = dt.datetime(2026, 2, 2, 9, 0, tzinfo=ZONE)
OPENED = dt.date(2025, 10, 1)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[Any]:
    with translation.override("es"), time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pw(world: World) -> PWorld:
    return protection_world(world)


def es(msgid: str) -> str:
    return gettext(msgid)


def _file(pw: PWorld, **over: Any) -> ProtectionFile:
    child = make_child(pw.world, birth_date=over.pop("birth_date", dt.date(2017, 6, 1)))
    return make_file(pw, child=child, opened_on=OPENED, **over)


def _measure(pw: PWorld, file: ProtectionFile, issued_on: dt.date = dt.date(2025, 10, 31)) -> ProtectiveMeasure:
    return measures.record_measure(
        actor=act(pw.officer),
        file=file,
        type=measure_type(pw.world, code=f"t{ProtectiveMeasure.objects.count()}"),
        issuing_authority="Procuraduría de Protección",
        issued_on=issued_on,
        legal_basis="LGDNNA art. 122",
    )


def _reads(user: Any, purpose: str) -> set[str]:
    return set(AccessEvent.objects.filter(actor=user, purpose=purpose).values_list("target_id", flat=True))


def _kinds(actor: Any) -> list[tuple[str, str]]:
    return [(a.kind, a.file_number) for a in alerts.alerts_for(actor)]


# --- Reviews -------------------------------------------------------------------------------------
def test_a_review_due_today_becomes_overdue_tomorrow(pw: PWorld, frozen: Any) -> None:
    file = _file(pw)
    measure = _measure(pw, file)
    measures.ratify_measure(actor=act(pw.officer), measure=measure, ratified_on=dt.date(2025, 11, 3), ratified_by="J1")
    officer = act(pw.officer)
    assert [m.pk for m in selectors.due_reviews(officer)] == [measure.pk]
    assert selectors.overdue_reviews(officer) == []
    due = alerts.alerts_for(officer)
    assert [(a.kind, a.severity) for a in due] == [(Kind.REVIEW_DUE, alerts.WARNING)]
    frozen.move_to(NOW + dt.timedelta(days=1))
    assert [m.pk for m in selectors.overdue_reviews(officer)] == [measure.pk]
    overdue = alerts.alerts_for(officer)
    assert [(a.kind, a.severity, a.file_number) for a in overdue] == [(Kind.REVIEW_OVERDUE, alerts.DANGER, file.number)]
    assert overdue[0].message == es("The review of the measure “%(type)s” was due on %(day)s.") % {
        "type": measure.type.name,
        "day": "31/01/2026",
    }
    assert overdue[0].initials == "X. B. Q. S."
    assert _reads(pw.officer, alerts.ALERTS_PURPOSE) == {str(file.pk)}
    # The review puts the next one three months on: no alert any more.
    measures.review_measure(
        actor=officer,
        measure=measure,
        reviewed_on=TODAY + dt.timedelta(days=1),
        outcome="continue",
        participants="Equipo",
        child_heard=False,
    )
    assert alerts.alerts_for(officer) == []


def test_an_urgent_measure_not_ratified_in_time_is_an_alert_until_ratified(pw: PWorld, frozen: Any) -> None:
    file = _file(pw)
    frozen.move_to(dt.datetime(2026, 1, 20, 9, 0, tzinfo=ZONE))
    measure = _measure(pw, file, issued_on=dt.date(2026, 1, 10))
    officer = act(pw.officer)
    assert measure.ratification_due_on == dt.date(2026, 1, 20)
    assert selectors.overdue_ratifications(officer) == []
    frozen.move_to(dt.datetime(2026, 1, 21, 9, 0, tzinfo=ZONE))
    assert [m.pk for m in selectors.overdue_ratifications(officer)] == [measure.pk]
    assert _kinds(officer) == [(Kind.RATIFICATION_OVERDUE, file.number)]
    assert selectors.caseload(officer)[0].ratification_overdue
    measures.ratify_measure(actor=officer, measure=measure, ratified_on=dt.date(2026, 1, 21), ratified_by="Juzgado")
    assert _kinds(officer) == []


# --- Gatekeeping and children under three --------------------------------------------------------
def test_an_emergency_record_is_a_warning_then_overdue(pw: PWorld, frozen: Any) -> None:
    file = _file(pw)
    officer = act(pw.officer)
    gate = placements.emergency_gatekeeping(actor=officer, file=file, setting=CareSetting.KINSHIP, entry_on=TODAY)
    assert [g.pk for g in selectors.pending_gatekeepings(officer)] == [gate.pk]
    assert _kinds(officer) == [(Kind.GATEKEEPING_PENDING, file.number)]
    frozen.move_to(NOW + dt.timedelta(days=3))
    assert _kinds(officer) == [(Kind.GATEKEEPING_PENDING, file.number)]
    frozen.move_to(NOW + dt.timedelta(days=4))
    assert _kinds(officer) == [(Kind.GATEKEEPING_OVERDUE, file.number)]
    assert selectors.caseload(officer)[0].gatekeeping_overdue
    placements.complete_gatekeeping(
        actor=officer,
        gatekeeping=gate,
        decided_on=TODAY + dt.timedelta(days=4),
        alternatives=[Alternative.FAMILY_SUPPORT],
        alternatives_note="No aceptaron el apoyo.",
        necessity="Violencia en el hogar.",
        suitability="La tía vive cerca de la escuela.",
        decided_by="Comité técnico",
    )
    assert _kinds(officer) == []
    assert not selectors.caseload(officer)[0].gatekeeping_overdue


def test_a_child_under_three_in_residential_care_is_the_supervisors_alert(pw: PWorld, frozen: Any) -> None:
    file = _file(pw, birth_date=dt.date(2023, 3, 1))
    gate = placements.record_gatekeeping(
        actor=act(pw.officer),
        file=file,
        setting=CareSetting.RESIDENTIAL,
        decided_on=TODAY,
        alternatives=[Alternative.FOSTER_FAMILY],
        alternatives_note="No hay familia de acogida para bebés en el estado.",
        necessity="Abandono.",
        suitability="Centro con área de lactantes.",
        decided_by="Comité técnico",
        under_three_justification="Su hermano de cinco años está en el mismo centro.",
    )
    placements.approve_exception(actor=act(pw.supervisor), gatekeeping=gate)
    # The approval itself is on every supervisor's overview of the file, not on the officer's.
    approved = [a for a in alerts.alerts_for(act(pw.state_supervisor)) if a.kind == Kind.EXCEPTION_APPROVED]
    assert [(a.file_number, a.severity) for a in approved] == [(file.number, alerts.WARNING)]
    assert pw.supervisor.get_username() in approved[0].message
    assert Kind.EXCEPTION_APPROVED not in {a.kind for a in alerts.alerts_for(act(pw.officer))}
    facility = register_facility(
        actor=act(pw.state_officer),
        unit=pw.world.region,
        name="Casa Cuna",
        operator="public",
        capacity=10,
        licence_number="CC-1",
    )
    placements.place_child(
        actor=act(pw.officer), file=file, setting=CareSetting.RESIDENTIAL, start_on=TODAY, facility=facility
    )
    supervisor = act(pw.supervisor)
    assert [p.file_id for p in selectors.under_three_in_residential(supervisor)] == [file.pk]
    found = [a for a in alerts.alerts_for(supervisor) if a.kind == Kind.UNDER_THREE_RESIDENTIAL]
    assert len(found) == 1 and pw.supervisor.get_username() in found[0].message
    # Once placed, the child's alert replaces the approval's.
    assert Kind.EXCEPTION_APPROVED not in {a.kind for a in alerts.alerts_for(supervisor)}
    assert Kind.UNDER_THREE_RESIDENTIAL not in {a.kind for a in alerts.alerts_for(act(pw.officer))}
    # On their third birthday the child is no longer under three.
    frozen.move_to(dt.datetime(2026, 3, 1, 9, 0, tzinfo=ZONE))
    assert selectors.under_three_in_residential(supervisor) == []
    assert Kind.UNDER_THREE_RESIDENTIAL not in {a.kind for a in alerts.alerts_for(supervisor)}


# --- Whose alerts --------------------------------------------------------------------------------
def test_each_sees_the_alerts_of_their_files_only(pw: PWorld, frozen: Any) -> None:
    mine = _file(pw)
    state = make_file(
        pw,
        child=make_child(pw.world, birth_date=dt.date(2015, 1, 1)),
        office=pw.state_office,
        officer=pw.state_officer,
        opened_on=OPENED,
    )
    for file in (mine, state):
        measures.record_measure(
            actor=act(pw.state_officer),
            file=file,
            type=measure_type(pw.world, code=f"x{file.pk}", is_urgent=False),
            issuing_authority="PPNNA",
            issued_on=dt.date(2025, 10, 1),
            legal_basis="art. 1",
        )
    frozen.move_to(MONDAY)
    assert _kinds(act(pw.officer)) == [(Kind.REVIEW_OVERDUE, mine.number)]
    assert _kinds(act(pw.state_officer)) == [(Kind.REVIEW_OVERDUE, state.number)]
    # The state supervisor oversees both; the municipal supervisor only the municipality's file.
    assert {n for _k, n in _kinds(act(pw.state_supervisor))} == {mine.number, state.number}
    assert {n for _k, n in _kinds(act(pw.supervisor))} == {mine.number}
    for user in (pw.world.away[Role.PROTECTION_OFFICER], pw.world.away[Role.SUPERVISOR], pw.health_focal):
        assert alerts.alerts_for(act(user)) == []
    assert alerts.alerts_for(act(pw.officer, second_factor=False)) == []
    assert AccessEvent.objects.filter(actor=pw.health_focal).count() == 0


# --- The caseload --------------------------------------------------------------------------------
def test_the_caseload_lists_the_officers_open_files_next_review_first_and_logs_them(pw: PWorld, frozen: Any) -> None:
    later, sooner, none = _file(pw), _file(pw), _file(pw)
    _measure(pw, later, issued_on=dt.date(2025, 12, 1))
    _measure(pw, sooner, issued_on=dt.date(2025, 10, 15))
    gate = placements.record_gatekeeping(
        actor=act(pw.officer),
        file=sooner,
        setting=CareSetting.KINSHIP,
        decided_on=TODAY,
        alternatives=[Alternative.FAMILY_SUPPORT],
        alternatives_note="No bastó.",
        necessity="Riesgo.",
        suitability="La abuela la cuida.",
        decided_by="Comité",
    )
    placements.place_child(
        actor=act(pw.officer),
        file=sooner,
        setting=CareSetting.KINSHIP,
        start_on=TODAY,
        gatekeeping=gate,
        carer_name="Abuela",
    )
    officer = act(pw.officer)
    rows = selectors.caseload(officer)
    assert [r.file.pk for r in rows] == [sooner.pk, later.pk, none.pk]
    first = rows[0]
    assert first.next_review_on == dt.date(2026, 1, 15) and first.review_overdue and not first.review_due_soon
    assert first.current_setting == CareSetting.KINSHIP and first.needs_attention
    assert first.current_setting_label == str(CareSetting.KINSHIP.label)
    assert rows[1].next_review_on == dt.date(2026, 3, 1) and not rows[1].review_overdue
    assert rows[2].next_review_on is None and rows[2].current_placement is None
    assert _reads(pw.officer, selectors.CASELOAD_PURPOSE) == {str(f.pk) for f in (later, sooner, none)}
    # Another officer's caseload is theirs: the state officer holds none of these files.
    assert selectors.caseload(act(pw.state_officer)) == []
    assert [r.file.pk for r in selectors.caseload(act(pw.state_officer), officer=pw.officer)] == [
        sooner.pk,
        later.pk,
        none.pk,
    ]
    assert selectors.caseload(act(pw.world.away[Role.PROTECTION_OFFICER]), officer=pw.officer) == []


def test_the_caseload_reads_in_a_fixed_number_of_queries(pw: PWorld, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        _measure(pw, _file(pw))
    with django_assert_max_num_queries(6):
        rows = selectors.caseload(act(pw.officer))
    assert len(rows) == 3


# --- The weekly digest ---------------------------------------------------------------------------
def test_the_weekly_digest_mails_each_officer_numbers_and_initials_only(
    pw: PWorld, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    file = _file(pw)
    _measure(pw, file)
    placements.emergency_gatekeeping(actor=act(pw.officer), file=file, setting=CareSetting.KINSHIP, entry_on=TODAY)
    quiet = make_file(
        pw,
        child=make_child(pw.world, birth_date=dt.date(2014, 1, 1)),
        office=pw.state_office,
        officer=pw.state_officer,
        opened_on=OPENED,
    )
    assert quiet.number
    frozen.move_to(MONDAY)
    # Through the outbox: each e-mail is sent by a job when its row commits (at once in tests).
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules.weekly_digest.call() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [pw.officer.email]
    assert message.subject == es("Ronda: your protection files this week")
    assert file.number in message.body and "X. B. Q. S." in message.body
    assert es("Measure reviews overdue") in message.body
    assert es("Urgent measures not ratified by a judge in time") in message.body
    assert es("Gatekeeping records of emergency entries still pending") in message.body
    for name in ("Xiomara", "Quizhpe", "Sarango"):
        assert name not in message.body
    assert _reads(pw.officer, schedules.DIGEST_PURPOSE) == {str(file.pk)}
    logged = OutgoingEmail.objects.get()
    assert (logged.recipient, logged.kind, logged.status) == (pw.officer, notifications.WEEKLY_DIGEST, EmailStatus.SENT)


def test_an_officer_who_turned_the_digest_off_gets_none_and_no_file_is_read(
    pw: PWorld, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _measure(pw, _file(pw))
    officer = act(pw.officer)
    notification_services.set_preferences(actor=officer, choices={notifications.WEEKLY_DIGEST: False})
    frozen.move_to(MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules.weekly_digest.call() == 0
    assert mail.outbox == []
    assert _reads(pw.officer, schedules.DIGEST_PURPOSE) == set()
    skipped = OutgoingEmail.objects.get()
    assert (skipped.recipient, skipped.status, skipped.body) == (pw.officer, EmailStatus.SKIPPED, "")
    # The weekly-digest switch of "My notifications" turns it off as well.
    notification_services.set_preferences(
        actor=officer, choices={notifications.WEEKLY_DIGEST: True, kinds.WEEKLY_DIGEST: False}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules.send_weekly_digest() == 0
    assert mail.outbox == []


def test_a_digest_the_mail_server_refuses_waits_in_the_outbox_for_a_retry(
    pw: PWorld, frozen: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _measure(pw, _file(pw))
    frozen.move_to(MONDAY)
    settings.EMAIL_BACKEND = "ronda.notifications.tests.backends.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules.weekly_digest.call() == 1
    waiting = OutgoingEmail.objects.get()
    assert (waiting.status, waiting.attempts) == (EmailStatus.QUEUED, 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.move_to(waiting.next_attempt_at)
    assert delivery.retry_due() == 1
    assert [m.to for m in mail.outbox] == [[pw.officer.email]]


def test_the_digest_goes_out_on_mondays_only_and_is_a_registered_job(pw: PWorld, frozen: Any) -> None:
    _measure(pw, _file(pw))
    frozen.move_to(MONDAY + dt.timedelta(days=1))
    assert schedules.weekly_digest.call() == 0
    assert mail.outbox == []
    assert "protection.weekly_digest" in {job.name for job in schedule.registry.jobs()}


def test_an_officer_who_left_the_office_gets_no_digest(pw: PWorld, frozen: Any) -> None:
    _measure(pw, _file(pw))
    pw.officer.memberships.update(is_active=False)
    frozen.move_to(MONDAY)
    assert schedules.send_weekly_digest() == 0
    assert mail.outbox == []
