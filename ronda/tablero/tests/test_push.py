"""The push of approved values to a ministry's DHIS2 (issue #10 item 5).

The stand-in ministry is Ronda's own DHIS2-compatible API on a live server (127.0.0.1): country A
pushes, and country B's secretariat, whose token the target holds, receives into B's own catalogue
(other codes: the mapping must be applied, or B's API refuses the values). Retries and refusals are
tried against a tiny scripted HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus

from ronda.accounts.selectors import active_memberships
from ronda.core import sealing
from ronda.core.jobs import JobRefused
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.tablero import entry, push, services
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import (
    AggregationType,
    DataValue,
    PushedPeriod,
    PushIdScheme,
    PushLog,
    PushStatus,
    PushTarget,
    ValueType,
)
from ronda.tablero.tests.dhis2_catalogue import Catalogue, build, save
from ronda.testing import World, api_token, build_world, check_access_matrix, login

TOKEN = "d2pat_SecretTokenNeverShown0123456789"
ONLY_NATIONAL_MANAGERS = {role: 404 for role in Role.values} | {Role.ADMIN: 200, Role.SECRETARIAT: 200}


def actor_of(user: Any) -> Actor:
    return actor_for(user, active_memberships(user)[0])


def approve(cat: Catalogue, unit: Any, period: str) -> None:
    parsed = iso_periods.parse(period)
    entry.submit_period(actor=SYSTEM, data_set=cat.data_set, org_unit=unit, period=parsed)
    entry.approve_period(actor=SYSTEM, data_set=cat.data_set, org_unit=unit, period=parsed)


def receiving_catalogue(world: World) -> dict[str, Any]:
    """Country B's own elements, with codes of its own (the ministry's)."""
    country = world.other_country
    sex = services.create_category(
        actor=SYSTEM, owner=country, code="SEX", name="Sexo", options=[("MUJER", "Mujer"), ("HOMBRE", "Hombre")]
    )
    combo = services.create_category_combo(actor=SYSTEM, owner=country, code="SEX", name="Sexo", categories=[sex])
    vac = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="MIN_VAC",
        name="Vacunados",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
    )
    cases = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="MIN_CASOS",
        name="Casos",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
        category_combo=combo,
    )
    return {"vac": vac, "cases": cases, "female": combo.option_combos.get(code="MUJER")}


MAPPING_CSV = (
    "kind,ronda_code,ministry_id\n"
    "dataElement,VAC,MIN_VAC\n"
    "dataElement,CASOS,MIN_CASOS\n"
    "categoryOptionCombo,SEXO.F,MUJER\n"
    "categoryOptionCombo,M,HOMBRE\n"
    "organisationUnit,A-M,B-M\n"
)


def received(world: World) -> dict[tuple[str, str, str], str]:
    rows = DataValue.objects.filter(org_unit=world.other_municipality, deleted=False).select_related(
        "data_element", "option_combo", "period"
    )
    return {
        (r.data_element.code, r.option_combo.code, r.period.iso): f"{r.value:f}".rstrip("0").rstrip(".") for r in rows
    }


# --- Against Ronda's own DHIS2 API on a live server ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_approved_values_arrive_mapped_and_the_summary_is_recorded(live_server: Any) -> None:
    world = build_world()
    cat = build(world)
    receiving_catalogue(world)
    unit = world.municipality
    save(cat, cat.vac, cat.default, unit, "202401", 12)
    save(cat, cat.cases, cat.female, unit, "202401", 4)
    save(cat, cat.cases, cat.male, unit, "202401", 3)
    approve(cat, unit, "202401")
    save(cat, cat.vac, cat.default, unit, "202402", 7)  # entered, never approved: not sent
    entry.submit_period(actor=SYSTEM, data_set=cat.data_set, org_unit=unit, period=iso_periods.parse("202402"))

    client = login(Client(), world.home[Role.SECRETARIAT])
    country_page = reverse("tablero:push_country", args=[world.country.pk])
    saved = client.post(
        country_page,
        {
            "base_url": f"{live_server.url}/dhis2",
            "token": api_token(world.away[Role.SECRETARIAT]),  # country B's secretariat: the receiver
            "id_scheme": PushIdScheme.CODE,
            "mapping": MAPPING_CSV,
            "is_enabled": "on",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]

    start = reverse("tablero:push_start", args=[world.country.pk])
    # Outside a test transaction: the request commits, and the job runs at once (immediate backend).
    assert client.post(start, {"push-data_set": cat.data_set.pk, "push-period": ""}).status_code == 302

    log = PushLog.objects.get()
    assert log.status == PushStatus.SUCCESS, (log.error, log.conflicts)
    assert (log.sent, log.imported, log.updated, log.ignored, log.deleted) == (3, 3, 0, 0, 0)
    assert log.http_status == 200 and log.attempts == 1 and log.periods == ["202401"]
    assert log.requested_by == world.home[Role.SECRETARIAT]
    assert received(world) == {
        ("MIN_VAC", "default", "202401"): "12",
        ("MIN_CASOS", "MUJER", "202401"): "4",
        ("MIN_CASOS", "HOMBRE", "202401"): "3",
    }
    assert PushedPeriod.objects.filter(log=log).count() == 1

    # Nothing approved since: a push of "every period not pushed" sends nothing.
    client.post(start, {"push-data_set": cat.data_set.pk, "push-period": ""})
    again = PushLog.objects.order_by("-pk").first()
    assert again is not None and again.status == PushStatus.SUCCESS and again.sent == 0

    # Reopened, one value deleted, approved again: pushed again, the deletion included.
    entry.reopen_period(
        actor=SYSTEM, data_set=cat.data_set, org_unit=unit, period=iso_periods.parse("202401"), reason="corrección"
    )
    save(cat, cat.cases, cat.male, unit, "202401", None)
    save(cat, cat.vac, cat.default, unit, "202401", 13)
    approve(cat, unit, "202401")
    client.post(start, {"push-data_set": cat.data_set.pk, "push-period": ""})
    third = PushLog.objects.order_by("-pk").first()
    assert third is not None and third.status == PushStatus.SUCCESS
    assert (third.sent, third.imported, third.updated, third.ignored, third.deleted) == (3, 0, 1, 1, 1)
    assert received(world) == {("MIN_VAC", "default", "202401"): "13", ("MIN_CASOS", "MUJER", "202401"): "4"}

    page = client.get(country_page).content.decode()
    assert "HTTP 200" in page and "202401" in page


@pytest.mark.django_db(transaction=True)
def test_an_unmapped_code_is_a_conflict_of_a_partial_import(live_server: Any) -> None:
    world = build_world()
    cat = build(world)
    receiving_catalogue(world)
    save(cat, cat.vac, cat.default, world.municipality, "202401", 12)
    save(cat, cat.cases, cat.female, world.municipality, "202401", 4)
    approve(cat, world.municipality, "202401")
    target = push.save_target(
        actor=SYSTEM,
        country=world.country,
        base_url=f"{live_server.url}/dhis2",
        token=api_token(world.away[Role.SECRETARIAT]),
        id_scheme=PushIdScheme.CODE,
        # CASOS is not mapped: B knows no element of that code.
        mapping=push.parse_mapping("dataElement,VAC,MIN_VAC\norganisationUnit,A-M,B-M\n"),
        is_enabled=True,
    )
    push.request_push(actor=actor_of(world.home[Role.SECRETARIAT]), target=target, data_set=cat.data_set)
    log = PushLog.objects.get()
    assert log.status == PushStatus.WARNING and log.http_status == 409
    assert (log.sent, log.imported) == (2, 1)
    assert [(c["errorCode"], c["object"], c["indexes"]) for c in log.conflicts] == [
        ("E7610", "CASOS", [0])
    ]  # CASOS sorts first
    assert received(world) == {("MIN_VAC", "default", "202401"): "12"}
    # A partial import is an import: the period counts as pushed.
    assert PushedPeriod.objects.filter(target=target).count() == 1


# --- Against a scripted server: retries and refusals -----------------------------------------------


class Scripted:
    """A tiny HTTP server on 127.0.0.1 answering the scripted (status, body) in turn."""

    def __init__(self, answers: list[tuple[int, Any]]) -> None:
        self.answers = list(answers)
        self.requests: list[dict[str, Any]] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                script.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "body": json.loads(self.rfile.read(length) or b"{}"),
                    }
                )
                status, body = script.answers.pop(0) if script.answers else (500, {"message": "script ended"})
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/dhis"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


OLD_SUMMARY = {  # DHIS2 before 2.36: the bare ImportSummary
    "responseType": "ImportSummary",
    "status": "SUCCESS",
    "importCount": {"imported": 1, "updated": 0, "ignored": 0, "deleted": 0},
    "conflicts": [],
}


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(push, "_sleep", slept.append)
    return slept


@pytest.fixture
def approved(world: World) -> Catalogue:
    cat = build(world)
    save(cat, cat.vac, cat.default, world.municipality, "202401", 12)
    approve(cat, world.municipality, "202401")
    return cat


def run_push(world: World, cat: Catalogue, url: str, captured: Any) -> PushLog:
    target = push.save_target(
        actor=SYSTEM,
        country=world.country,
        base_url=url,
        token=TOKEN,
        id_scheme=PushIdScheme.UID,
        mapping={},
        is_enabled=True,
    )
    with captured(execute=True):
        log = push.request_push(
            actor=actor_of(world.home[Role.SECRETARIAT]), target=target, data_set=cat.data_set, period="202401"
        )
    log.refresh_from_db()
    return log


@pytest.fixture
def scripted() -> Iterator[list[Scripted]]:
    servers: list[Scripted] = []
    yield servers
    for server in servers:
        server.close()


@pytest.mark.django_db
def test_a_5xx_is_retried_with_backoff_and_the_old_summary_shape_is_read(
    world: World,
    approved: Catalogue,
    pauses: list[float],
    scripted: list[Scripted],
    django_capture_on_commit_callbacks: Any,
) -> None:
    server = Scripted([(503, {"message": "busy"}), (502, {}), (200, OLD_SUMMARY)])
    scripted.append(server)
    log = run_push(world, approved, server.url, django_capture_on_commit_callbacks)
    assert log.status == PushStatus.SUCCESS and log.imported == 1
    assert log.attempts == 3 and log.http_status == 200
    assert pauses == list(push.BACKOFF_SECONDS[:2])
    assert len(server.requests) == 3
    first = server.requests[0]
    assert first["path"] == "/dhis/api/dataValueSets?idScheme=UID&importStrategy=CREATE_AND_UPDATE"
    assert first["authorization"] == f"ApiToken {TOKEN}"
    # Uids, values only: no categoryOptionCombo for the default one, no storedBy, no comment.
    assert first["body"] == {
        "dataValues": [
            {
                "dataElement": approved.vac.uid,
                "period": "202401",
                "orgUnit": world.municipality.uid,
                "value": "12",
            }
        ]
    }


@pytest.mark.django_db
def test_a_4xx_is_a_failure_without_retry(
    world: World,
    approved: Catalogue,
    pauses: list[float],
    scripted: list[Scripted],
    django_capture_on_commit_callbacks: Any,
) -> None:
    server = Scripted([(401, {"httpStatusCode": 401, "message": "Unauthorized"}), (200, OLD_SUMMARY)])
    scripted.append(server)
    log = run_push(world, approved, server.url, django_capture_on_commit_callbacks)
    assert log.status == PushStatus.FAILED and log.http_status == 401 and log.attempts == 1
    assert "Unauthorized" in log.error
    assert len(server.requests) == 1 and pauses == []
    assert not PushedPeriod.objects.exists()  # a failed push leaves the period to push again


@pytest.mark.django_db
def test_a_server_that_keeps_failing_is_given_up(
    world: World,
    approved: Catalogue,
    pauses: list[float],
    scripted: list[Scripted],
    django_capture_on_commit_callbacks: Any,
) -> None:
    server = Scripted([(500, {})] * 10)
    scripted.append(server)
    log = run_push(world, approved, server.url, django_capture_on_commit_callbacks)
    assert log.status == PushStatus.FAILED and log.http_status == 500
    assert log.attempts == len(push.BACKOFF_SECONDS) + 1 == len(server.requests)


@pytest.mark.django_db
def test_an_unreachable_server_is_retried_then_recorded(
    world: World, approved: Catalogue, pauses: list[float], django_capture_on_commit_callbacks: Any
) -> None:
    closed = Scripted([])
    url = closed.url
    closed.close()  # nothing listens on that port any more
    log = run_push(world, approved, url, django_capture_on_commit_callbacks)
    assert log.status == PushStatus.FAILED and log.http_status is None
    assert log.attempts == len(push.BACKOFF_SECONDS) + 1
    assert log.error.startswith(str(_("The ministry's DHIS2 could not be reached: %(reason)s")).split("%")[0])


@pytest.mark.django_db
def test_a_push_turned_off_after_it_was_asked_for_sends_nothing(
    world: World, approved: Catalogue, scripted: list[Scripted], django_capture_on_commit_callbacks: Any
) -> None:
    server = Scripted([(200, OLD_SUMMARY)])
    scripted.append(server)
    target = push.save_target(
        actor=SYSTEM,
        country=world.country,
        base_url=server.url,
        token=TOKEN,
        id_scheme="UID",
        mapping={},
        is_enabled=True,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log = push.request_push(actor=actor_of(world.home[Role.SECRETARIAT]), target=target, data_set=approved.data_set)
    push.save_target(
        actor=SYSTEM,
        country=world.country,
        base_url=server.url,
        token=None,
        id_scheme="UID",
        mapping={},
        is_enabled=False,
    )
    callbacks[0]()
    log.refresh_from_db()
    assert log.status == PushStatus.FAILED and server.requests == []


def test_the_import_summary_is_read_in_both_shapes() -> None:
    web_message = {
        "httpStatus": "Conflict",
        "httpStatusCode": 409,
        "status": "WARNING",
        "message": "One more conflicts encountered, please check import summary.",
        "response": {
            "responseType": "ImportSummary",
            "status": "WARNING",
            "importCount": {"imported": 2, "updated": 1, "ignored": 1, "deleted": 0},
            "conflicts": [{"object": "X", "value": "Data element not found", "errorCode": "E7610", "indexes": [3]}],
        },
    }
    outcome = push.read_summary(web_message, offset=10)
    assert outcome is not None
    assert (outcome.status, outcome.imported, outcome.updated, outcome.ignored) == (PushStatus.WARNING, 2, 1, 1)
    assert outcome.conflicts == [
        {"object": "X", "value": "Data element not found", "errorCode": "E7610", "property": "", "indexes": [13]}
    ]
    old = push.read_summary({**OLD_SUMMARY, "status": "ERROR", "description": "The import process failed"})
    assert old is not None and old.status == PushStatus.FAILED and old.message == "The import process failed"
    assert push.read_summary({"httpStatus": "OK"}) is None
    assert push.read_summary(["not", "a", "summary"]) is None


# --- Configuration, the token, access -------------------------------------------------------------


def test_the_mapping_is_read_from_csv_and_bad_lines_are_named() -> None:
    assert push.parse_mapping(MAPPING_CSV) == {
        "dataElements": {"VAC": "MIN_VAC", "CASOS": "MIN_CASOS"},
        "categoryOptionCombos": {"SEXO.F": "MUJER", "M": "HOMBRE"},
        "organisationUnits": {"A-M": "B-M"},
    }
    assert push.parse_mapping(push.mapping_as_text(push.parse_mapping(MAPPING_CSV))) == push.parse_mapping(MAPPING_CSV)
    assert push.parse_mapping("elemento;VAC;X\nunidad;A-M;Y\n") == {
        "dataElements": {"VAC": "X"},
        "organisationUnits": {"A-M": "Y"},
    }
    with pytest.raises(Exception) as caught:
        push.parse_mapping("dataElement,VAC,X\nsomething,else\ndataElement,VAC,Y\n")
    messages = caught.value.messages  # type: ignore[attr-defined]
    assert len(messages) == 2 and "2" in messages[0] and "3" in messages[1]


@pytest.mark.django_db
def test_the_token_is_never_shown_back_nor_written_to_the_trail(world: World) -> None:
    client = login(Client(), world.home[Role.SECRETARIAT])
    page = reverse("tablero:push_country", args=[world.country.pk])
    data = {"base_url": "https://dhis2.example.org/", "token": TOKEN, "id_scheme": "CODE", "is_enabled": "on"}
    assert client.post(page, data).status_code == 302
    target = PushTarget.objects.get()
    # Stored sealed (ronda/core/sealing.py): the row, a dump or a backup never holds the token itself.
    assert TOKEN not in target.token and sealing.unseal(target.token) == TOKEN
    assert target.base_url == "https://dhis2.example.org"
    # Saved again without a token: the stored one is kept.
    assert client.post(page, {**data, "base_url": "https://dhis2.example.org/hmis"}).status_code == 302
    target.refresh_from_db()
    assert sealing.unseal(target.token) == TOKEN and target.base_url == "https://dhis2.example.org/hmis"
    # A form with an error is shown again: still without the token typed.
    wrong = client.post(page, {**data, "base_url": "ftp://nowhere"})
    assert wrong.status_code == 200 and "ftp://nowhere" in wrong.content.decode()
    for answer in (client.get(page), wrong):
        assert TOKEN not in answer.content.decode()
    assert client.post(page, {**data, "token": "new-token-123"}).status_code == 302
    trail = AuditEvent.objects.filter(target_type="tablero.pushtarget")
    assert trail.count() == 3  # created, address changed, token changed
    dumped = json.dumps([event.changes for event in trail])
    assert TOKEN not in dumped and "new-token-123" not in dumped
    assert trail.order_by("-pk").first().changes["token"] == ["[redacted]", "[redacted]"]  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_mapping_can_be_uploaded_and_a_bad_line_is_shown(world: World) -> None:
    client = login(Client(), world.home[Role.SECRETARIAT])
    page = reverse("tablero:push_country", args=[world.country.pk])
    data = {"base_url": "https://dhis2.example.org", "token": TOKEN, "id_scheme": "CODE", "is_enabled": "on"}
    upload = SimpleUploadedFile("mapeo.csv", MAPPING_CSV.encode("utf-8-sig"), content_type="text/csv")
    assert (
        client.post(page, {**data, "mapping": "ignored,because,the file wins", "mapping_file": upload}).status_code
        == 302
    )
    target = PushTarget.objects.get()
    assert target.mapping == push.parse_mapping(MAPPING_CSV)
    shown = client.get(page).content.decode()
    assert "dataElement,VAC,MIN_VAC" in shown  # the mapping reads back as the CSV text it was
    bad = client.post(page, {**data, "mapping": "dataElement,VAC\n"})
    assert bad.status_code == 200 and "1" in bad.context["target_form"].errors["mapping"][0]
    target.refresh_from_db()
    assert target.mapping == push.parse_mapping(MAPPING_CSV)  # unchanged


@pytest.mark.django_db
def test_a_base_url_with_api_or_credentials_is_refused(world: World) -> None:
    for url in ("https://dhis2.example.org/api", "https://user:pw@dhis2.example.org", "javascript:alert(1)"):
        with pytest.raises(Exception) as caught:
            push.save_target(
                actor=SYSTEM,
                country=world.country,
                base_url=url,
                token=TOKEN,
                id_scheme="CODE",
                mapping={},
                is_enabled=True,
            )
        assert "base_url" in caught.value.message_dict  # type: ignore[attr-defined]
    assert not PushTarget.objects.exists()


@pytest.fixture
def target(world: World) -> PushTarget:
    return push.save_target(
        actor=SYSTEM,
        country=world.country,
        base_url="https://dhis2.example.org",
        token=TOKEN,
        id_scheme="CODE",
        mapping={},
        is_enabled=True,
    )


@pytest.mark.django_db
def test_the_push_pages_are_for_the_country_s_catalogue_managers(world: World, target: PushTarget) -> None:
    cat = build(world)
    # The index: the secretariat goes to its country; an administrator chooses among the countries.
    index = {role: 404 for role in Role.values} | {Role.ADMIN: 200, Role.SECRETARIAT: 302}
    check_access_matrix(world, url=reverse("tablero:push"), expected=index, away={Role.SECRETARIAT: 302})
    page = reverse("tablero:push_country", args=[world.country.pk])
    check_access_matrix(world, url=page, expected=ONLY_NATIONAL_MANAGERS)
    saved = {role: 404 for role in Role.values} | {Role.ADMIN: 302, Role.SECRETARIAT: 302}
    data = {"base_url": "https://dhis2.example.org", "id_scheme": "UID", "is_enabled": "on"}
    check_access_matrix(
        world,
        url=page,
        method="post",
        data=data,
        expected=saved,
        state=lambda: list(PushTarget.objects.values_list("version", "id_scheme")),
    )
    check_access_matrix(
        world,
        url=reverse("tablero:push_start", args=[world.country.pk]),
        method="post",
        data={"push-data_set": cat.data_set.pk, "push-period": "202401"},
        expected=saved,
        state=lambda: PushLog.objects.count(),
    )
    assert PushLog.objects.filter(requested_by__in=[world.home[Role.ADMIN], world.home[Role.SECRETARIAT]]).count() == 2


@pytest.mark.django_db
def test_a_municipality_coordinator_gets_404_and_no_link(world: World, target: PushTarget) -> None:
    coordinator = login(Client(), world.home[Role.COORDINATOR])
    assert coordinator.get(reverse("tablero:push_country", args=[world.country.pk])).status_code == 404
    assert f'href="{reverse("tablero:push")}"' not in coordinator.get(reverse("tablero:index")).content.decode()
    secretariat = login(Client(), world.home[Role.SECRETARIAT])
    assert f'href="{reverse("tablero:push")}"' in secretariat.get(reverse("tablero:index")).content.decode()
    # The other country's secretariat cannot reach country A's page either.
    away = login(Client(), world.away[Role.SECRETARIAT])
    assert away.get(reverse("tablero:push_country", args=[world.country.pk])).status_code == 404


@pytest.mark.django_db
def test_a_refused_job_marks_the_push_failed(
    world: World, target: PushTarget, django_capture_on_commit_callbacks: Any
) -> None:
    cat = build(world)
    secretariat = world.home[Role.SECRETARIAT]
    actor = actor_of(secretariat)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log = push.request_push(actor=actor, target=target, data_set=cat.data_set, period="202401")
    secretariat.is_active = False
    secretariat.save(update_fields=["is_active"])
    assert len(callbacks) == 1
    result = callbacks[0]()  # the deactivated person's job is refused before it runs
    assert result.status == TaskResultStatus.FAILED and result.errors[0].exception_class is JobRefused
    log.refresh_from_db()
    assert log.status == PushStatus.FAILED and log.sent == 0


@pytest.mark.django_db
def test_a_period_of_another_kind_is_refused(world: World, target: PushTarget) -> None:
    cat = build(world)
    client = login(Client(), world.home[Role.SECRETARIAT])
    answer = client.post(
        reverse("tablero:push_start", args=[world.country.pk]),
        {"push-data_set": cat.data_set.pk, "push-period": "2024Q1"},
    )
    assert answer.status_code == 200 and not PushLog.objects.exists()
    assert "another kind" in answer.content.decode() or "otro tipo" in answer.content.decode()
