"""core.http: download names keep Spanish letters (RFC 5987 ``filename*``) and say each word once."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse
from django.test import RequestFactory

from ronda.core import files
from ronda.core.http import as_download, content_disposition, download_name


def test_a_name_keeps_spanish_letters_and_says_each_word_once() -> None:
    assert download_name("Municipio A", "Informe anual", "Año 2026", extension="pdf", default="informe") == (
        "municipio-a-informe-anual-año-2026.pdf"
    )
    # The report kind and its period both say "medio término"; the dates keep every digit.
    assert download_name(
        "Municipio de Año Nuevo",
        "Informe de medio término",
        "Medio término 2025-01-01 – 2026-12-31",
        extension="pdf",
        default="informe",
    ) == ("municipio-de-año-nuevo-informe-de-medio-término-2025-01-01-2026-12-31.pdf")
    assert download_name("acta", "Acta Municipal", 3, extension="pdf", default="acta") == "acta-municipal-3.pdf"
    assert download_name("", "–", extension="xlsx", default="informe") == "informe.xlsx"


def test_the_header_sends_the_spanish_name_with_an_ascii_fallback() -> None:
    name = download_name("Informe anual 2026 – año", extension="pdf", default="informe")
    assert name == "informe-anual-2026-año.pdf"
    header = content_disposition(name)
    assert header == (
        "attachment; filename=\"informe-anual-2026-ano.pdf\"; filename*=UTF-8''informe-anual-2026-a%C3%B1o.pdf"
    )
    assert unquote(header.split("UTF-8''")[1]) == name
    # Plain ASCII needs no second form; quotes never break the quoted fallback.
    assert content_disposition("unidades.csv") == 'attachment; filename="unidades.csv"'
    assert content_disposition("acta.pdf", inline=True) == 'inline; filename="acta.pdf"'
    quoted = content_disposition('foto "brigada".png')
    assert quoted.startswith("attachment; filename=\"foto brigada.png\"; filename*=UTF-8''foto%20%22brigada%22.png")


def test_as_download_sets_the_header() -> None:
    response = as_download(HttpResponse(b"x"), "niñez.csv", inline=True)
    assert response["Content-Disposition"] == "inline; filename=\"ninez.csv\"; filename*=UTF-8''ni%C3%B1ez.csv"


@pytest.mark.parametrize("method", ["get", "head"])
def test_private_files_keep_the_ascii_fallback(tmp_path: Path, method: str) -> None:
    storage = FileSystemStorage(location=str(tmp_path))
    name = storage.save("r.pdf", ContentFile(b"%PDF"))
    field = FileField(storage=storage, upload_to="things/")
    field.set_attributes_from_name("file")
    fieldfile = FieldFile(SimpleNamespace(file=None), field, name)
    request = getattr(RequestFactory(), method)("/x")
    response = files.private_file_response(request, fieldfile, "Informe año.pdf", content_type="application/pdf")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Informe ano.pdf\"; filename*=UTF-8''Informe%20a%C3%B1o.pdf"
    )
