"""The automatic push to a ministry's DHIS2 (``PushTarget.daily_push_hour``, ``push.push_due``, the
periodic job ``tablero.dhis2_push`` of ``tablero.schedules``): every day at an hour of the
country's time zone, Ronda itself pushes what is approved and not pushed since its approval.

The end-to-end test uses the stand-in ministry of ``test_push.py``: Ronda's own DHIS2 API on a live
server, where country B's secretariat receives country A's values through the mapping.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.core.models import AuditEvent, ScheduledJob
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.tablero import entry, push
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import PushLog, PushStatus, PushTarget, TableroAction
from ronda.tablero.tests.dhis2_catalogue import Catalogue, build, save
from ronda.tablero.tests.test_push import (
    MAPPING_CSV,
    TOKEN,
    actor_of,
    approve,
    received,
    receiving_catalogue,
)
from ronda.territory.models import OrgUnit
from ronda.testing import World, api_token, build_world, login

UTC = dt.UTC
ZONE = "America/Guayaquil"  # UTC-5 all year: 02:00 there is 07:00 UTC
# Tuesday 10 March 2026, 15:00 UTC (10:00 in Guayaquil).
AFTERNOON = dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def in_guayaquil(world: World) -> None:
    OrgUnit.objects.filter(pk=world.country.pk).update(time_zone=ZONE)


def schedule_once() -> str:
    """What one sweep enqueued of the Tablero's periodic jobs (other apps' jobs, such as the case
    exports' hourly purge, run in the same sweeps and are left out)."""
    out = io.StringIO()
    call_command("run_schedule", "--once", stdout=out)
    return "".join(line for line in out.getvalue().splitlines(keepends=True) if "tablero." in line)


def saved_target(world: World, *, hour: int | None, url: str = "https://dhis2.example.org") -> PushTarget:
    return push.save_target(
        actor=SYSTEM,
        country=world.country,
        base_url=url,
        token=TOKEN,
        id_scheme="CODE",
        mapping={},
        is_enabled=True,
        daily_push_hour=hour,
    )


# --- End to end: the scheduler, the periodic job, the push, the ministry --------------------------


@pytest.mark.django_db(transaction=True)
def test_the_approved_values_are_pushed_every_night_by_ronda_itself(live_server: Any) -> None:
    with time_machine.travel(AFTERNOON, tick=True) as clock:
        world = build_world()
        in_guayaquil(world)
        cat = build(world)
        receiving_catalogue(world)
        unit = world.municipality
        save(cat, cat.vac, cat.default, unit, "202401", 12)
        save(cat, cat.cases, cat.female, unit, "202401", 4)
        approve(cat, unit, "202401")

        client = login(Client(), world.home[Role.SECRETARIAT])
        saved = client.post(
            reverse("tablero:push_country", args=[world.country.pk]),
            {
                "base_url": f"{live_server.url}/dhis2",
                "token": api_token(world.away[Role.SECRETARIAT]),
                "id_scheme": "CODE",
                "mapping": MAPPING_CSV,
                "is_enabled": "on",
                "daily_push_hour": "2",
            },
        )
        assert saved.status_code == 302, saved.content.decode()[:2000]
        target = PushTarget.objects.get()
        # Saved at 10:00 in Guayaquil: the first automatic push is tomorrow at 02:00 there, not now.
        assert target.daily_push_hour == 2
        assert target.next_push_at == dt.datetime(2026, 3, 11, 7, 0, tzinfo=UTC)

        # The scheduler first sees the periodic job: nothing runs, nothing is pushed.
        assert schedule_once() == ""
        assert ScheduledJob.objects.filter(name="tablero.dhis2_push").exists()
        assert not PushLog.objects.exists()

        # 02:00:30 in Guayaquil: the sweep is due, so is the target; the values reach the ministry.
        clock.move_to(dt.datetime(2026, 3, 11, 7, 0, 30, tzinfo=UTC))
        assert schedule_once() == "Enqueued tablero.dhis2_push\n"
        log = PushLog.objects.get()
        assert log.status == PushStatus.SUCCESS, (log.error, log.conflicts)
        assert log.requested_by is None and log.period == "" and log.periods == ["202401"]
        assert (log.sent, log.imported) == (2, 2)
        assert received(world) == {("MIN_VAC", "default", "202401"): "12", ("MIN_CASOS", "MUJER", "202401"): "4"}
        requested = AuditEvent.objects.get(action=TableroAction.PUSH_REQUESTED)
        assert requested.actor_id is None and requested.actor_username == "system"
        target.refresh_from_db()
        assert target.next_push_at == dt.datetime(2026, 3, 12, 7, 0, tzinfo=UTC)

        # Another scheduler (or cron) looking in the same minute, or a second sweep: nothing more.
        assert schedule_once() == ""
        assert push.push_due() == []
        assert PushLog.objects.count() == 1

        # The next night: nothing approved since, so nothing is asked for (no empty pushes).
        clock.move_to(dt.datetime(2026, 3, 12, 7, 1, tzinfo=UTC))
        assert schedule_once() == "Enqueued tablero.dhis2_push\n"
        assert PushLog.objects.count() == 1
        target.refresh_from_db()
        assert target.next_push_at == dt.datetime(2026, 3, 13, 7, 0, tzinfo=UTC)

        # Corrected and approved again during the day: pushed again that night, the change included.
        clock.move_to(dt.datetime(2026, 3, 12, 16, 0, tzinfo=UTC))
        entry.reopen_period(
            actor=SYSTEM, data_set=cat.data_set, org_unit=unit, period=iso_periods.parse("202401"), reason="corrección"
        )
        save(cat, cat.vac, cat.default, unit, "202401", 13)
        approve(cat, unit, "202401")
        clock.move_to(dt.datetime(2026, 3, 13, 7, 0, 5, tzinfo=UTC))
        assert schedule_once() == "Enqueued tablero.dhis2_push\n"
        latest = PushLog.objects.order_by("-pk").first()
        assert PushLog.objects.count() == 2 and latest is not None
        assert latest.status == PushStatus.SUCCESS and latest.requested_by is None
        assert received(world)[("MIN_VAC", "default", "202401")] == "13"

        # The page: the next run, in the country's time, and the log says who asked.
        page = login(Client(), world.home[Role.SECRETARIAT]).get(
            reverse("tablero:push_country", args=[world.country.pk])
        )
        html = page.content.decode()
        assert page.context["next_push_overdue"] is False
        assert "2026-03-14T07:00:00+00:00" in html and ZONE in html


# --- The sweep ------------------------------------------------------------------------------------


@pytest.fixture
def approved(world: World) -> Catalogue:
    cat = build(world)
    save(cat, cat.vac, cat.default, world.municipality, "202401", 12)
    approve(cat, world.municipality, "202401")
    return cat


@pytest.mark.django_db
def test_only_an_enabled_target_whose_hour_has_come_is_pushed(
    world: World, approved: Catalogue, django_capture_on_commit_callbacks: Any
) -> None:
    in_guayaquil(world)
    with time_machine.travel(AFTERNOON, tick=False):
        target = saved_target(world, hour=2)
    due = target.next_push_at
    assert due == dt.datetime(2026, 3, 11, 7, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert push.push_due(now=due - dt.timedelta(seconds=1)) == []  # not yet
        # Turned off: not pushed, however late it is.
        push.save_target(
            actor=SYSTEM,
            country=world.country,
            base_url=target.base_url,
            token=None,
            id_scheme="CODE",
            mapping={},
            is_enabled=False,
            daily_push_hour=2,
        )
        assert push.push_due(now=due + dt.timedelta(days=2)) == []
    assert callbacks == [] and not PushLog.objects.exists()
    assert PushTarget.objects.get().next_push_at is None

    with time_machine.travel(AFTERNOON, tick=False):
        target = saved_target(world, hour=None)  # on again, no automatic push
    assert target.next_push_at is None
    assert push.push_due(now=due + dt.timedelta(days=2)) == []
    assert not PushLog.objects.exists()


@pytest.mark.django_db
def test_a_due_target_is_pushed_once_even_by_two_sweeps_at_once(
    world: World, approved: Catalogue, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with time_machine.travel(AFTERNOON, tick=False):
        target = saved_target(world, hour=2)
    assert target.next_push_at is not None
    at = target.next_push_at + dt.timedelta(minutes=1)
    real = push.next_push_time
    rival: list[list[PushLog]] = []

    def raced(country: OrgUnit, hour: int, *, after: dt.datetime) -> dt.datetime:
        # Between our sweep's read of the due target and its claim, another sweep takes it.
        if not rival:
            rival.append([])
            rival[0] = push.push_due(now=after)
            # Its push failed at once: the data set is neither busy nor pushed, so only the claim
            # keeps ours from asking again the same night.
            PushLog.objects.update(status=PushStatus.FAILED)
        return real(country, hour, after=after)

    monkeypatch.setattr(push, "next_push_time", raced)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ours = push.push_due(now=at)
    assert ours == [] and len(rival[0]) == 1  # the race happened, and the rival won
    assert PushLog.objects.count() == 1 and len(callbacks) == 1
    log = PushLog.objects.get()
    assert log.data_set == approved.data_set and log.requested_by is None


@pytest.mark.django_db
def test_a_data_set_still_being_pushed_is_left_to_that_push(
    world: World, approved: Catalogue, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(AFTERNOON, tick=False):
        target = saved_target(world, hour=2)
    assert target.next_push_at is not None
    with django_capture_on_commit_callbacks(execute=False):
        push.request_push(actor=actor_of(world.home[Role.SECRETARIAT]), target=target, data_set=approved.data_set)
        assert push.push_due(now=target.next_push_at) == []  # its person's push is still queued
    assert PushLog.objects.count() == 1
    target.refresh_from_db()
    assert target.next_push_at == dt.datetime(2026, 3, 12, 8, 0, tzinfo=UTC)  # 02:00 in Costa Rica (UTC-6)


@pytest.mark.django_db
def test_saving_the_same_schedule_again_keeps_the_run_that_is_due(world: World) -> None:
    with time_machine.travel(AFTERNOON, tick=False):
        first = saved_target(world, hour=2)
    assert first.next_push_at == dt.datetime(2026, 3, 11, 8, 0, tzinfo=UTC)  # the server's zone: Costa Rica
    with time_machine.travel(dt.datetime(2026, 3, 11, 9, 0, tzinfo=UTC), tick=False):
        again = push.save_target(
            actor=SYSTEM,
            country=world.country,
            base_url="https://dhis2.example.org/hmis",
            token=None,
            id_scheme="CODE",
            mapping={},
            is_enabled=True,
            daily_push_hour=2,
        )
        assert again.next_push_at == first.next_push_at  # overdue and still owed: not skipped
        changed = saved_target(world, hour=22)
        assert changed.next_push_at == dt.datetime(2026, 3, 12, 4, 0, tzinfo=UTC)  # 22:00 on 11 March there
    with pytest.raises(Exception) as caught:
        saved_target(world, hour=24)
    assert "daily_push_hour" in caught.value.message_dict  # type: ignore[attr-defined]


# --- The form and the API -------------------------------------------------------------------------


FORM = {"base_url": "https://dhis2.example.org", "id_scheme": "CODE", "is_enabled": "on"}


@pytest.mark.django_db
def test_the_page_sets_the_hour_and_shows_the_next_run(world: World) -> None:
    in_guayaquil(world)
    page = reverse("tablero:push_country", args=[world.country.pk])
    with time_machine.travel(AFTERNOON, tick=False):
        client = login(Client(), world.home[Role.SECRETARIAT])
        empty = client.get(page)
        assert empty.context["target_form"]["daily_push_hour"].value() == ""
        assert client.post(page, {**FORM, "token": TOKEN, "daily_push_hour": "2"}).status_code == 302
        target = PushTarget.objects.get()
        assert target.daily_push_hour == 2 and target.next_push_at == dt.datetime(2026, 3, 11, 7, tzinfo=UTC)
        shown = client.get(page)
        html = shown.content.decode()
        assert shown.context["target_form"]["daily_push_hour"].value() == "2"
        assert '<option value="2" selected>02:00</option>' in html
        assert 'datetime="2026-03-11T07:00:00+00:00"' in html and ZONE in html
        assert shown.context["next_push_overdue"] is False

        wrong = client.post(page, {**FORM, "daily_push_hour": "24"})
        assert wrong.status_code == 200 and "daily_push_hour" in wrong.context["target_form"].errors
        target.refresh_from_db()
        assert target.daily_push_hour == 2

        assert client.post(page, {**FORM, "daily_push_hour": "", "version": target.version}).status_code == 302
        target.refresh_from_db()
        assert target.daily_push_hour is None and target.next_push_at is None
        assert client.get(page).context["next_push_overdue"] is False


@pytest.mark.django_db
def test_an_overdue_run_is_shown_as_such(world: World) -> None:
    with time_machine.travel(AFTERNOON, tick=False):
        saved_target(world, hour=2)
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, 0, tzinfo=UTC), tick=False):
        shown = login(Client(), world.home[Role.SECRETARIAT]).get(
            reverse("tablero:push_country", args=[world.country.pk])
        )
    assert shown.context["next_push_overdue"] is True
    assert "run_schedule" in shown.content.decode()


@pytest.mark.django_db
def test_the_api_reads_and_writes_the_hour(world: World) -> None:
    in_guayaquil(world)
    base = f"/api/v1/tablero/dhis2-push/{world.country.pk}"
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home[Role.SECRETARIAT])}"}
    client = Client()
    body = {"base_url": "https://dhis2.example.org", "token": TOKEN, "daily_push_hour": 23}
    with time_machine.travel(AFTERNOON, tick=False):
        put = client.put(base, json.dumps(body), content_type="application/json", **headers)
        assert put.status_code == 200, put.content
        assert put.json()["daily_push_hour"] == 23 and put.json()["time_zone"] == ZONE
        # 23:00 on 10 March in Guayaquil.
        assert put.json()["next_push_at"] == "2026-03-11T04:00:00Z"
        read = client.get(base, **headers).json()
        assert read["daily_push_hour"] == 23 and read["next_push_at"] == "2026-03-11T04:00:00Z"
        for wrong in (24, -1, "two", True):
            refused = client.put(
                base, json.dumps({**body, "daily_push_hour": wrong}), content_type="application/json", **headers
            )
            assert refused.status_code == 422, wrong
        # A PUT replaces the target: without the hour, the automatic push is off.
        off = client.put(base, json.dumps({"base_url": body["base_url"]}), content_type="application/json", **headers)
        assert off.status_code == 200
        assert off.json()["daily_push_hour"] is None and off.json()["next_push_at"] is None
    target = PushTarget.objects.get()
    assert target.daily_push_hour is None and target.next_push_at is None


# --- In Spanish -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_automatic_push_speaks_spanish(world: World, django_capture_on_commit_callbacks: Any) -> None:
    cat = build(world)
    save(cat, cat.vac, cat.default, world.municipality, "202401", 12)
    approve(cat, world.municipality, "202401")
    with time_machine.travel(AFTERNOON, tick=False):
        target = saved_target(world, hour=2)
    assert target.next_push_at is not None
    with django_capture_on_commit_callbacks(execute=False):
        push.push_due(now=target.next_push_at)
    with time_machine.travel(target.next_push_at + dt.timedelta(minutes=1), tick=False):
        client = login(Client(), world.home[Role.SECRETARIAT])
        html = client.get(
            reverse("tablero:push_country", args=[world.country.pk]), HTTP_ACCEPT_LANGUAGE="es"
        ).content.decode()
    assert "Envío automático" in html  # the heading, the form's field and the log's "who asked"
    assert "Próximo envío automático" in html
    assert "Cada día a las 02:00" in html
    assert "Desactivado: solo cuando alguien lo pide" in html
    with translation.override("es"):
        try:
            saved_target(world, hour=99)
        except Exception as exc:
            assert "Elija una hora de 0 a 23" in str(exc.message_dict["daily_push_hour"])  # type: ignore[attr-defined]
        else:
            raise AssertionError("an hour of 99 was accepted")
