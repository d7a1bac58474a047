"""core.files: a stored file lives and dies with the transaction that records it, and is handed out privately."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.db.transaction import TransactionManagementError
from django.http import Http404
from django.test import RequestFactory

from ronda.core import files

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def storage(tmp_path: Path) -> FileSystemStorage:
    return FileSystemStorage(location=tmp_path / "media")


def fieldfile(storage: Any, name: str | None = None) -> FieldFile:
    """A FileField's file on a plain object: what a model instance gives a service, without a model."""
    field = FileField(storage=storage, upload_to="things/")
    field.set_attributes_from_name("file")
    return FieldFile(SimpleNamespace(file=None), field, name)


def stored(storage: FileSystemStorage) -> list[str]:
    base = Path(storage.location)
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file()) if base.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_file(storage: FileSystemStorage) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        files.save_in_transaction(fieldfile(storage), "a.pdf", b"%PDF-1.7 one")
        assert stored(storage) == ["things/a.pdf"]  # written at once: a storage error would abort the transaction
        raise RuntimeError("a later step fails")
    assert stored(storage) == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_keeps_its_file(storage: FileSystemStorage) -> None:
    with transaction.atomic():
        files.save_in_transaction(fieldfile(storage), "kept.pdf", ContentFile(b"%PDF-1.7 kept"))
    assert stored(storage) == ["things/kept.pdf"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_removes_only_its_own_file(storage: FileSystemStorage) -> None:
    with transaction.atomic():
        files.save_in_transaction(fieldfile(storage), "outer.pdf", b"outer")
        with pytest.raises(RuntimeError), transaction.atomic():
            files.save_in_transaction(fieldfile(storage), "inner.pdf", b"inner")
            raise RuntimeError
        assert stored(storage) == ["things/outer.pdf"]
    assert stored(storage) == ["things/outer.pdf"]


@pytest.mark.django_db(transaction=True)
def test_the_caller_rolling_back_after_the_service_returned_removes_the_file(storage: FileSystemStorage) -> None:
    @transaction.atomic
    def service() -> None:  # a service that succeeds on its own …
        files.save_in_transaction(fieldfile(storage), "late.pdf", b"late")

    with pytest.raises(RuntimeError), transaction.atomic():
        service()
        raise RuntimeError("… inside a caller's transaction that then fails")
    assert stored(storage) == []


@pytest.mark.django_db(transaction=True)
def test_a_deleted_file_goes_only_once_the_deletion_commits(storage: FileSystemStorage) -> None:
    name = storage.save("things/old.pdf", ContentFile(b"old"))
    with pytest.raises(RuntimeError), transaction.atomic():
        files.delete_on_commit(fieldfile(storage, name))
        raise RuntimeError
    assert stored(storage) == ["things/old.pdf"]
    with transaction.atomic():
        files.delete_on_commit(fieldfile(storage, name))
        assert stored(storage) == ["things/old.pdf"]
    assert stored(storage) == []


@pytest.mark.django_db(transaction=True)
def test_writing_outside_a_transaction_is_refused(storage: FileSystemStorage) -> None:
    with pytest.raises(TransactionManagementError):
        files.save_in_transaction(fieldfile(storage), "loose.pdf", b"loose")
    assert stored(storage) == []


@pytest.mark.django_db(transaction=True)
def test_evidence_of_a_rolled_back_progress_report_leaves_no_file(settings: Any, tmp_path: Path) -> None:
    """The evidence upload (planning.services.progress.record_progress) inside a caller's failed transaction."""
    from ronda.core.tenancy import SYSTEM
    from ronda.planning.models import Evidence, Measure
    from ronda.planning.services import progress
    from ronda.planning.tests.conftest import build_plan
    from ronda.territory.models import Area, AreaKind
    from ronda.testing import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    measure = Measure.objects.get(plan=build_plan(world.municipality, world.area, education), code="M-1")
    from ronda.planning.demo import tiny_png

    photo = io.BytesIO(tiny_png())
    photo.name = "foto.png"
    with pytest.raises(RuntimeError), transaction.atomic():
        progress.record_progress(
            actor=SYSTEM,
            measure=measure,
            expected_version=None,
            percent=10,
            justification="Avance",
            files=[photo],
            reported_on=dt.date(2026, 3, 1),
        )
        assert list((tmp_path / "media" / "evidence").rglob("*"))  # the file was written …
        raise RuntimeError("the caller's next step fails")
    assert not Evidence.objects.exists()
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []  # … and is gone with the rows


# --- private_file_response ---------------------------------------------------------------------
def test_local_files_are_streamed_privately(storage: FileSystemStorage) -> None:
    name = storage.save("things/r.pdf", ContentFile(b"%PDF-1.7 body"))
    request = RequestFactory().get("/x")
    response = files.private_file_response(request, fieldfile(storage, name), "Informe año.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 body"  # type: ignore[attr-defined]
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Informe" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_head_request_reads_nothing_and_a_missing_file_is_404(storage: FileSystemStorage) -> None:
    name = storage.save("things/h.pdf", ContentFile(b"%PDF"))
    head = files.private_file_response(RequestFactory().head("/x"), fieldfile(storage, name), "h.pdf")
    assert head.status_code == 200 and head.content == b""
    for missing in (fieldfile(storage, "things/none.pdf"), fieldfile(storage, None)):
        with pytest.raises(Http404):
            files.private_file_response(None, missing, "x.pdf")
        with pytest.raises(Http404):
            files.private_file_response(RequestFactory().head("/x"), missing, "x.pdf")


class SigningStorage(FileSystemStorage):
    """What django-storages' S3Storage offers with query-string auth: url() signs, for ``expire`` seconds."""

    querystring_auth = True
    custom_domain = None

    def url(self, name: str | None, parameters: dict[str, str] | None = None, expire: int | None = None) -> str:
        self.asked = {"name": name, "parameters": parameters, "expire": expire}
        return f"https://objects.example/{name}?X-Amz-Expires={expire}&X-Amz-Signature=abc"


def test_a_signing_storage_redirects_to_a_short_lived_url(tmp_path: Path, settings: Any) -> None:
    settings.RONDA_SIGNED_URL_SECONDS = 45
    storage = SigningStorage(location=tmp_path)
    response = files.private_file_response(
        RequestFactory().get("/x"),
        fieldfile(storage, "things/e.png"),
        "foto.png",
        content_type="image/png",
        inline=True,
    )
    assert response.status_code == 302
    assert response["Location"].startswith("https://objects.example/things/e.png?")
    assert response["Cache-Control"] == "private, no-store"  # the signed address must not be cached either
    assert storage.asked["expire"] == 45
    assert storage.asked["parameters"] == {
        "ResponseContentDisposition": 'inline; filename="foto.png"',
        "ResponseCacheControl": "private, no-store",
        "ResponseContentType": "image/png",
    }


def test_a_custom_domain_without_a_signer_is_streamed_not_linked(tmp_path: Path) -> None:
    storage = SigningStorage(location=tmp_path)
    storage.custom_domain = "cdn.example"  # type: ignore[assignment]
    assert not files.signs_urls(storage)
    assert not files.signs_urls(FileSystemStorage(location=tmp_path))
    assert files.signs_urls(SigningStorage(location=tmp_path))


def test_object_storage_comes_from_the_environment() -> None:
    """RONDA_STORAGE=s3 needs a bucket, and builds a private S3Storage: signed URLs that expire, never
    overwritten (the storages package itself is the optional extra '.[s3]', not needed to read settings)."""
    env = {k: v for k, v in os.environ.items() if k not in {"RONDA_ENV", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="ronda.settings", RONDA_ENV="test", RONDA_STORAGE="s3")
    run = [sys.executable, "-c", "import django; django.setup()"]
    missing = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert missing.returncode != 0 and "RONDA_S3_BUCKET" in missing.stderr
    env.update(RONDA_S3_BUCKET="ronda-files", RONDA_SIGNED_URL_SECONDS="30")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "o = settings.STORAGES['default']; print(o['BACKEND'], o['OPTIONS']['bucket_name'], "
        "o['OPTIONS']['querystring_auth'], o['OPTIONS']['querystring_expire'], o['OPTIONS']['file_overwrite'])"
    )
    configured = subprocess.run(  # noqa: S603 - this interpreter, with code written here
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.split() == ["storages.backends.s3.S3Storage", "ronda-files", "True", "30", "False"]
