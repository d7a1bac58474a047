"""Exports of case lists (issue #11 item 9): supervisors only, a background job, audited, formula
injection neutralised, personal columns only when chosen and then with a reason and an AES archive
whose password is shown once, one access event per case exported."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ronda.accounts.models import User
from ronda.cases import exports, policies_cases
from ronda.cases.models import CaseAction
from ronda.cases.models.casefile import CaseExport, ExportStatus
from ronda.cases.tests.factories import act, make_case, make_child
from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db
SUPERVISOR_ONLY = {role: 404 for role in Role.values} | {"supervisor": 200}
INJECTION = '=HYPERLINK("http://x","clic")'


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return Path(settings.MEDIA_ROOT)


def _export(
    world: World, callbacks: Any, *, file_format: str = "csv", columns: tuple[str, ...] = (), reason: str = "", **f: Any
) -> CaseExport:
    with callbacks(execute=True):
        export = exports.request_export(
            actor=act(world.home[Role.SUPERVISOR]),
            filters=policies_cases.CaseFilters(**f),
            file_format=file_format,
            personal_columns=columns,
            reason=reason,
        )
    export.refresh_from_db()
    return export


def _cases(world: World) -> list[Any]:
    first = make_case(world)
    second = make_case(world, risk="high", child=make_child(world, first_names="Bryan", sex="male"))
    return [first, second]


def _password(client: Client, export: CaseExport) -> str:
    page = client.post(reverse("cases:export_password", args=[export.pk])).content.decode()
    found = re.search(r'<code class="secret">([^<]+)</code>', page)
    assert found, "the password is not on the page"
    return found.group(1)


def test_export_page_access_matrix(world: World) -> None:
    _cases(world)
    check_access_matrix(world, url=reverse("cases:export"), expected=SUPERVISOR_ONLY, away={"supervisor": 200})


def test_export_request_access_matrix(world: World) -> None:
    _cases(world)
    check_access_matrix(
        world,
        url=reverse("cases:export"),
        method="post",
        data={"file_format": "csv"},
        expected={role: 404 for role in Role.values} | {"supervisor": 302},
        away={"supervisor": 302},
        state=lambda: CaseExport.objects.count(),
    )


def test_password_and_download_access_matrix(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _cases(world)
    export = _export(world, django_capture_on_commit_callbacks, columns=("child_name",), reason="Informe a la Junta")
    check_access_matrix(
        world,
        url=reverse("cases:export_download", args=[export.pk]),
        expected=SUPERVISOR_ONLY,
        state=lambda: CaseExport.objects.values_list("password_sealed", flat=True).get(),
    )
    check_access_matrix(
        world,
        url=reverse("cases:export_password", args=[export.pk]),
        method="post",
        expected=SUPERVISOR_ONLY,
        state=lambda: CaseExport.objects.values_list("password_sealed", flat=True).get(),
    )
    export.refresh_from_db()
    assert export.password_sealed == ""  # shown once (to the supervisor, in the matrix)


def test_export_without_personal_columns_is_plain_and_names_no_child(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    cases = _cases(world)
    User.objects.filter(pk=world.home[Role.DEFENDER].pk).update(first_name=INJECTION)
    supervisor = world.home[Role.SUPERVISOR]

    export = _export(world, django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.READY and not export.encrypted and export.rows == 2
    assert export.password_sealed == ""
    response = login(Client(), supervisor).get(reverse("cases:export_download", args=[export.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) == 3
    assert {row[0] for row in rows[1:]} == {case.number for case in cases}
    assert "Quizhpe" not in content and "Bryan" not in content and "vecina" not in content
    owner_column = rows[0].index(str(dict(exports.BASE_COLUMNS)["owner"]))
    assert all(row[owner_column].startswith("'=") for row in rows[1:])  # formula injection neutralised
    # One access event per case exported, with the export's purpose.
    logged = AccessEvent.objects.filter(actor=supervisor, purpose=policies_cases.CASE_EXPORT_PURPOSE)
    assert sorted(logged.values_list("target_id", flat=True)) == sorted(str(c.pk) for c in cases)
    audit = AuditEvent.objects.get(action=CaseAction.EXPORT_REQUESTED)
    assert audit.changes["personal_columns"] == [None, []]


def test_export_with_personal_columns_needs_a_reason(world: World) -> None:
    _cases(world)
    with pytest.raises(ValidationError) as refused:
        exports.request_export(
            actor=act(world.home[Role.SUPERVISOR]),
            filters=policies_cases.CaseFilters(),
            file_format="xlsx",
            personal_columns=["child_name"],
            reason="",
        )
    assert "reason" in refused.value.message_dict
    assert not CaseExport.objects.exists() and not AuditEvent.objects.filter(action=CaseAction.EXPORT_REQUESTED)
    with pytest.raises(ValidationError) as bad:
        exports.request_export(
            actor=act(world.home[Role.SUPERVISOR]),
            filters=policies_cases.CaseFilters(),
            file_format="pdf",
            personal_columns=["salary"],
        )
    assert {"file_format", "personal_columns"} <= set(bad.value.message_dict)


def test_export_reason_through_the_page(world: World) -> None:
    _cases(world)
    client = login(Client(), world.home[Role.SUPERVISOR])
    response = client.post(reverse("cases:export"), {"file_format": "csv", "personal_columns": ["child_name"]})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    assert not CaseExport.objects.exists()


def test_export_with_personal_columns_is_an_aes_archive(world: World, django_capture_on_commit_callbacks: Any) -> None:
    cases = _cases(world)
    User.objects.filter(pk=world.home[Role.DEFENDER].pk).update(first_name=INJECTION)
    supervisor = world.home[Role.SUPERVISOR]
    reason = "Informe solicitado por la Junta Cantonal"

    export = _export(
        world,
        django_capture_on_commit_callbacks,
        file_format="xlsx",
        columns=("child_name", "birth_date"),
        reason=reason,
    )

    assert export.status == ExportStatus.READY and export.encrypted and export.download_name.endswith(".zip")
    assert export.password_sealed.startswith("sealed:")  # never in clear
    assert AuditEvent.objects.get(action=CaseAction.EXPORT_REQUESTED).changes["reason"] == [None, reason]
    client = login(Client(), supervisor)
    response = client.get(reverse("cases:export_download", args=[export.pk]))
    archive_bytes = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as plain, pytest.raises(RuntimeError):
        plain.read(plain.namelist()[0])  # encrypted: no password, no content

    password = _password(client, export)

    assert password not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    with pyzipper.AESZipFile(io.BytesIO(archive_bytes)) as archive:
        archive.setpassword(password.encode())
        [name] = archive.namelist()
        workbook = load_workbook(io.BytesIO(archive.read(name)))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    names = {row[-2] for row in values[1:]}
    assert "Xiomara Belén Quizhpe Sarango" in names and any("Bryan" in str(n) for n in names)
    assert {row[0] for row in values[1:]} == {case.number for case in cases}
    owner_column = values[0].index(str(dict(exports.BASE_COLUMNS)["owner"]))
    owner_cells = [row[owner_column] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" and str(c.value).startswith("'=") for c in owner_cells)  # text, never a formula
    # Shown once: asking again shows no password.
    again = client.post(reverse("cases:export_password", args=[export.pk])).content.decode()
    assert password not in again and 'class="secret"' not in again
    assert CaseExport.objects.get(pk=export.pk).password_sealed == ""


def test_export_follows_the_filters_and_the_policy(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _cases(world)
    export = _export(world, django_capture_on_commit_callbacks, risk="high")
    assert export.rows == 1 and export.filters == {"riesgo": "high"}
    # Another municipality's supervisor exports none of these cases.
    with django_capture_on_commit_callbacks(execute=True):
        away = exports.request_export(
            actor=act(world.away[Role.SUPERVISOR]), filters=policies_cases.CaseFilters(), file_format="csv"
        )
    away.refresh_from_db()
    assert away.status == ExportStatus.READY and away.rows == 0


def test_only_supervisors_may_export(world: World) -> None:
    for role in (Role.DEFENDER, Role.COORDINATOR, Role.ADMIN):
        with pytest.raises(Exception) as refused:
            exports.request_export(actor=act(world.home[role]), filters=policies_cases.CaseFilters(), file_format="csv")
        assert refused.type.__name__ == "PermissionDenied"
    assert not CaseExport.objects.exists()


def test_filters_round_trip() -> None:
    filters = policies_cases.CaseFilters(state="visits", risk="high", sensitive=False, overdue_tasks=True, search="ana")
    assert exports.filters_from_params(exports.filters_as_params(filters)) == filters
    assert exports.filters_from_params({"tipo": "x", "comunidad": "7", "sensible": "si"}) == policies_cases.CaseFilters(
        community=7, sensitive=True
    )


def test_expired_exports_are_purged(world: World, django_capture_on_commit_callbacks: Any, media_root: Path) -> None:
    _cases(world)
    export = _export(world, django_capture_on_commit_callbacks, columns=("child_name",), reason="Informe a la Junta")
    stored = media_root / export.file.name
    assert stored.exists()
    client = login(Client(), world.home[Role.SUPERVISOR])
    assert client.get(reverse("cases:export_download", args=[export.pk])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        assert exports.purge_expired(now=export.expires_at) == 1

    export.refresh_from_db()
    assert not stored.exists() and export.file.name == "" and export.password_sealed == ""
    CaseExport.objects.filter(pk=export.pk).update(expires_at=export.created_at)
    assert client.get(reverse("cases:export_download", args=[export.pk])).status_code == 404
    assert exports.purge_expired() == 0


def test_the_job_asks_again_and_fails_closed(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _cases(world)
    supervisor = world.home[Role.SUPERVISOR]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = exports.request_export(actor=act(supervisor), filters=policies_cases.CaseFilters(), file_format="csv")
    User.objects.filter(pk=supervisor.pk).update(is_active=False)  # left before the worker ran
    for callback in callbacks:
        callback()  # the worker: the person may no longer act, so the job is refused
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file
    assert not AccessEvent.objects.filter(purpose=policies_cases.CASE_EXPORT_PURPOSE).exists()


def test_the_list_filters_reach_the_export(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _cases(world)
    client = login(Client(), world.home[Role.SUPERVISOR])
    listing = client.get(reverse("cases:case_list"), {"riesgo": "high"}).content.decode()
    assert reverse("cases:export") + "?riesgo=high" in listing
    page = client.get(reverse("cases:export"), {"riesgo": "high"}).content.decode()
    assert '<input type="hidden" name="riesgo" value="high">' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:export"), {"riesgo": "high", "file_format": "csv"})
    assert response.status_code == 302
    export = CaseExport.objects.get()
    assert export.filters == {"riesgo": "high"} and export.rows == 1
