"""Report PDFs are asked for in the request, rendered by a job, and given only to whoever asked.

The tests run jobs with the immediate backend (settings, RONDA_ENV=test) inside the commit that
enqueues them (``django_capture_on_commit_callbacks(execute=True)``). What a deployment's worker
does with the database backend is in ``core/tests/test_jobs.py``. Most tests replace WeasyPrint
by a stub (two seconds of CPU per PDF); one renders a real PDF.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ronda.accountability import documents, services
from ronda.accountability.models import GeneratedReport, ReportStatus
from ronda.accountability.tests.test_accountability import REPORT_EXPECTED, YEAR, make_plan
from ronda.accounts.models import Membership
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.planning.models import LocalPlan
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 stub report"
ONLY_THE_OWNER = {role: 404 for role in Role.values} | {"coordinator": 200}
ANNUAL = {"kind": "annual", "year": str(YEAR), "semester": "1", "format": "pdf"}


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    # What RONDA_ENV=test configures anyway; said here so that these tests mean the same in any environment.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def stub_pdf(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    rendered: list[Any] = []

    def render(data: Any) -> bytes:
        rendered.append((data, translation.get_language()))
        return FAKE_PDF

    monkeypatch.setattr(documents, "render_pdf", render)
    return rendered


@pytest.fixture
def plan(world: World) -> LocalPlan:
    return make_plan(world)


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def ask(client: Client, plan: LocalPlan, captured: Any, *, execute: bool = True, **data: str) -> Any:
    with captured(execute=execute):
        return client.post(reverse("accountability:report_request", args=[plan.pk]), {**ANNUAL, **data})


def ready_report(world: World, plan: LocalPlan, captured: Any) -> GeneratedReport:
    response = ask(login(Client(), world.home["coordinator"]), plan, captured)
    assert response.status_code == 302
    report = GeneratedReport.objects.get()
    assert report.status == ReportStatus.READY
    return report


# --- The two steps ------------------------------------------------------------------------------
def test_the_job_renders_the_pdf_and_its_owner_downloads_it(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, media_root: Path
) -> None:
    client = login(Client(), world.home["coordinator"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("accountability:report_request", args=[plan.pk]), ANNUAL)
    report = GeneratedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accountability:report_status", args=[report.pk])
    # The request only wrote the row: the PDF is the job's, after the commit.
    assert report.status == ReportStatus.PENDING and not report.file and stored_files(media_root) == []
    waiting = client.get(response["Location"])
    assert "hx-trigger" in waiting.content.decode() and "Cache-Control" in waiting
    assert "private" in waiting["Cache-Control"]
    for callback in callbacks:
        callback()  # the job (immediate backend): a real WeasyPrint PDF
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.finished_at is not None
    assert report.download_name.endswith(".pdf") and "municipio-a" in report.download_name
    page = client.get(reverse("accountability:report_status", args=[report.pk])).content.decode()
    assert reverse("accountability:report_file", args=[report.pk]) in page
    assert "hx-trigger" not in page  # polling stops once it is ready
    download = client.get(reverse("accountability:report_file", args=[report.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF") and len(body) > 1000
    assert download["Content-Type"] == "application/pdf"
    # The name keeps the Spanish letters (filename*, RFC 5987) after an ASCII fallback.
    assert report.download_name == "municipio-a-informe-anual-año-2026.pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="municipio-a-informe-anual-ano-2026.pdf"; '
        "filename*=UTF-8''municipio-a-informe-anual-a%C3%B1o-2026.pdf"
    )
    assert download["Cache-Control"] == "private, no-store"
    assert len(stored_files(media_root)) == 1


def test_asking_is_audited_and_the_same_request_in_progress_is_not_queued_twice(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    client = login(Client(), world.home["coordinator"])
    ask(client, plan, django_capture_on_commit_callbacks, execute=False)
    ask(client, plan, django_capture_on_commit_callbacks, execute=False)
    assert GeneratedReport.objects.count() == 1
    event = AuditEvent.objects.get(target_type="accountability.generatedreport")
    assert (event.action, event.actor_id, event.org_unit_id) == (
        "create",
        world.home["coordinator"].pk,
        plan.org_unit_id,
    )
    ask(client, plan, django_capture_on_commit_callbacks, kind="semester")  # another report: its own job
    assert GeneratedReport.objects.count() == 2 and len(stub_pdf) == 1


def report_trail(report: GeneratedReport) -> list[tuple[str, Any, Any]]:
    events = AuditEvent.objects.filter(target_type="accountability.generatedreport", target_id=str(report.pk))
    return [(e.action, e.actor_id, (e.changes or {}).get("status")) for e in events.order_by("id")]


def test_every_step_of_a_report_is_in_the_audit_trail(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    coordinator = world.home["coordinator"].pk
    report = ready_report(world, plan, django_capture_on_commit_callbacks)
    assert report_trail(report) == [
        ("create", coordinator, None),
        ("update", coordinator, ["pending", "running"]),
        ("update", coordinator, ["running", "ready"]),
    ]
    GeneratedReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_generated_reports", "--days", "30", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert report_trail(report)[-1] == ("delete", None, None)


def test_a_failed_report_is_in_the_audit_trail(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: Any) -> bytes:
        raise OSError("no fonts")

    monkeypatch.setattr(documents, "render_pdf", broken)
    ask(login(Client(), world.home["coordinator"]), plan, django_capture_on_commit_callbacks)
    report = GeneratedReport.objects.get()
    assert report_trail(report)[-1] == ("update", None, ["running", "failed"])


def test_a_report_stuck_for_long_is_asked_for_again(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    client = login(Client(), world.home["coordinator"])
    ask(client, plan, django_capture_on_commit_callbacks, execute=False)
    GeneratedReport.objects.update(created_at=timezone.now() - services.STALE_AFTER - dt.timedelta(minutes=1))
    stuck = GeneratedReport.objects.get()
    page = client.get(reverse("accountability:report_status", args=[stuck.pk])).content.decode()
    assert "hx-trigger" not in page and reverse("accountability:report_request", args=[plan.pk]) in page
    ask(client, plan, django_capture_on_commit_callbacks)
    assert GeneratedReport.objects.count() == 2
    assert GeneratedReport.objects.exclude(pk=stuck.pk).get().status == ReportStatus.READY


def test_polling_answers_204_until_something_changed(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    client = login(Client(), world.home["coordinator"])
    ask(client, plan, django_capture_on_commit_callbacks, execute=False)
    report = GeneratedReport.objects.get()
    url = reverse("accountability:report_status", args=[report.pk])
    assert client.get(url, {"shown": "pending"}, HTTP_HX_REQUEST="true").status_code == 204
    partial = client.get(url, {"shown": "running"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    plain = client.get(url).content.decode()  # without JavaScript: the page and a link to reload it
    assert "<html" in plain and f'href="{url}"' in plain
    services.render_report(actor=_actor(world.home["coordinator"]), report_id=report.pk)
    ready = client.get(url, {"shown": "pending"}, HTTP_HX_REQUEST="true")
    assert (
        ready.status_code == 200 and reverse("accountability:report_file", args=[report.pk]) in ready.content.decode()
    )


def test_a_rendering_error_fails_the_report_and_offers_to_ask_again(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: Any) -> bytes:
        raise OSError("no fonts")

    monkeypatch.setattr(documents, "render_pdf", broken)
    client = login(Client(), world.home["coordinator"])
    ask(client, plan, django_capture_on_commit_callbacks)
    report = GeneratedReport.objects.get()
    assert report.status == ReportStatus.FAILED and not report.file
    page = client.get(reverse("accountability:report_status", args=[report.pk])).content.decode()
    assert reverse("accountability:report_request", args=[plan.pk]) in page
    assert client.get(reverse("accountability:report_file", args=[report.pk])).status_code == 404


def test_the_report_is_rendered_in_the_language_it_was_asked_in(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.request_report(
            actor=_actor(world.home["coordinator"]), plan=plan, kind="annual", year=YEAR, semester=None
        )
    report = GeneratedReport.objects.get()
    assert report.language == "en"
    assert stub_pdf[0][1] == "en"  # rendered by the job in English, not in the default Spanish
    assert report.download_name.startswith("municipio-a-annual-report")


# --- Nobody but the owner, and not the owner once they lost access -----------------------------
def test_another_municipality_and_a_colleague_get_404_on_the_ready_file(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    report = ready_report(world, plan, django_capture_on_commit_callbacks)
    for url in (
        reverse("accountability:report_file", args=[report.pk]),
        reverse("accountability:report_status", args=[report.pk]),
    ):
        # Another municipality's coordinator; a colleague who may read the same plan; an administrator.
        for user in (world.away["coordinator"], world.home["analyst"], world.home["admin"]):
            assert login(Client(), user).get(url).status_code == 404, (url, user.username)


def test_a_user_who_lost_the_membership_before_the_job_ran_gets_nothing(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any], media_root: Path
) -> None:
    user = world.home["coordinator"]
    client = login(Client(), user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("accountability:report_request", args=[plan.pk]), ANNUAL)
    Membership.objects.filter(user=user).update(is_active=False)
    for callback in callbacks:
        callback()
    report = GeneratedReport.objects.get()
    assert report.status == ReportStatus.FAILED  # refused: not rendered, not as the system either
    assert stub_pdf == [] and stored_files(media_root) == []


def test_a_user_who_lost_the_membership_after_gets_404_on_the_ready_file(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    report = ready_report(world, plan, django_capture_on_commit_callbacks)
    client = login(Client(), world.home["coordinator"])
    assert client.get(reverse("accountability:report_file", args=[report.pk])).status_code == 200
    Membership.objects.filter(user=world.home["coordinator"]).update(is_active=False)
    assert client.get(reverse("accountability:report_file", args=[report.pk])).status_code == 404


def test_a_user_moved_to_another_municipality_gets_404_on_their_old_report(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    report = ready_report(world, plan, django_capture_on_commit_callbacks)
    Membership.objects.filter(user=world.home["coordinator"]).update(org_unit=world.other_municipality)
    client = login(Client(), world.home["coordinator"])
    assert client.get(reverse("accountability:report_file", args=[report.pk])).status_code == 404


# --- Access matrices of the new routes ------------------------------------------------------------
def test_report_request_matrix(world: World, plan: LocalPlan) -> None:
    expected = {role: (302 if status == 200 else 404) for role, status in REPORT_EXPECTED.items()}
    expected[Role.EVALUATOR] = 404  # an evaluator reads only their certification assignments
    check_access_matrix(
        world,
        url=reverse("accountability:report_request", args=[plan.pk]),
        method="post",
        data=ANNUAL,
        expected=expected,
        state=lambda: (GeneratedReport.objects.count(), AuditEvent.objects.count()),
    )


def test_report_status_matrix(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    report = ready_report(world, plan, django_capture_on_commit_callbacks)
    check_access_matrix(world, url=reverse("accountability:report_status", args=[report.pk]), expected=ONLY_THE_OWNER)


def test_report_file_matrix(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any]
) -> None:
    report = ready_report(world, plan, django_capture_on_commit_callbacks)
    check_access_matrix(world, url=reverse("accountability:report_file", args=[report.pk]), expected=ONLY_THE_OWNER)


def test_the_spreadsheet_is_still_made_in_the_request(world: World, plan: LocalPlan) -> None:
    client = login(Client(), world.home["analyst"])
    response = client.post(reverse("accountability:report_request", args=[plan.pk]), {**ANNUAL, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content.startswith(b"PK")  # a zip: the workbook itself, not a job
    assert not GeneratedReport.objects.exists()


def test_a_bad_period_is_refused_before_anything_is_written(world: World, plan: LocalPlan) -> None:
    client = login(Client(), world.home["coordinator"])
    for data in ({"year": "1999"}, {"kind": "weekly"}, {"year": "dos mil"}):
        response = client.post(reverse("accountability:report_request", args=[plan.pk]), {**ANNUAL, **data})
        assert response.status_code == 400
        assert response.context["error"]
    assert (
        not GeneratedReport.objects.exists()
        and not AuditEvent.objects.filter(target_type="accountability.generatedreport").exists()
    )


def test_old_reports_are_pruned_with_their_files(
    world: World, plan: LocalPlan, django_capture_on_commit_callbacks: Any, stub_pdf: list[Any], media_root: Path
) -> None:
    old = ready_report(world, plan, django_capture_on_commit_callbacks)
    GeneratedReport.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    ask(login(Client(), world.home["coordinator"]), plan, django_capture_on_commit_callbacks, kind="semester")
    assert len(stored_files(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_generated_reports", "--days", "30", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(GeneratedReport.objects.values_list("kind", flat=True)) == ["semester"]
    assert len(stored_files(media_root)) == 1


def _actor(user: Any) -> Any:
    from ronda.core.tenancy import actor_for

    return actor_for(user, Membership.objects.select_related("org_unit").get(user=user), second_factor=True)
