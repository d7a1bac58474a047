"""The upload checker: real tiny files made in the test, and the forgeries it must refuse."""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any

import pytest
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from ronda.core import uploads
from ronda.core.uploads import UploadRejected, check_upload
from ronda.planning.demo import tiny_jpeg, tiny_pdf, tiny_png


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def rejected(data: bytes) -> str:
    with pytest.raises(UploadRejected) as exc:
        check_upload(io.BytesIO(data), name="archivo")
    return exc.value.message


def pypdf_file(build: Any = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.txt", "hola")
    return out.getvalue()


def test_real_files_are_accepted_and_rewound() -> None:
    from weasyprint import HTML

    progressive = io.BytesIO()
    Image.new("RGB", (320, 200), (1, 2, 3)).save(progressive, "JPEG", progressive=True)
    for data, expected in [
        (tiny_pdf(), "application/pdf"),
        (HTML(string="<p>Acta de la sesión</p>").write_pdf(), "application/pdf"),
        (pypdf_file(), "application/pdf"),
        (tiny_png(), "image/png"),
        (tiny_jpeg(), "image/jpeg"),
        (progressive.getvalue(), "image/jpeg"),
        # A phone's trailer after the JPEG's end (a motion photo's video) is not a payload.
        (tiny_jpeg() + b"\x00\x00\x00\x18ftypmp42", "image/jpeg"),
    ]:
        upload = io.BytesIO(data)
        assert check_upload(upload, name="ok") == expected
        assert upload.tell() == 0


def test_a_text_file_that_starts_like_a_pdf_is_refused() -> None:
    fake = b"%PDF-1.4 this is just a text file\n"
    assert len(fake) == 34
    assert rejected(fake) == "archivo is not a valid PDF document."
    assert "not a valid PDF" in rejected(b"%PDF-1.4 not a document at all\n%%EOF\n")


def test_truncated_or_damaged_files_are_refused() -> None:
    assert "damaged or incomplete" in rejected(tiny_png()[:-6])
    broken_crc = bytearray(tiny_png())
    broken_crc[40] ^= 0xFF
    assert "damaged or incomplete" in rejected(bytes(broken_crc))
    assert "damaged or incomplete" in rejected(tiny_jpeg()[:-2])  # no EOI
    assert "damaged or incomplete" in rejected(tiny_jpeg()[: len(tiny_jpeg()) // 2])
    assert "not a valid PDF" in rejected(tiny_pdf()[:-40])


def test_an_encrypted_pdf_is_refused() -> None:
    encrypted = pypdf_file(lambda writer: writer.encrypt("secreto"))
    assert "password" in rejected(encrypted)


def test_polyglots_are_refused() -> None:
    hidden = "holds other content"
    assert hidden in rejected(tiny_pdf() + zip_bytes())  # a PDF that is also a ZIP
    assert hidden in rejected(tiny_png() + b"<html><script>alert(1)</script>")  # data after IEND
    assert hidden in rejected(tiny_png() + b"x")
    assert hidden in rejected(tiny_pdf().replace(b"endobj\n", b"endobj\n<HTML><body>hola</body>\n", 1))
    assert hidden in rejected(tiny_jpeg() + zip_bytes())
    assert hidden in rejected(tiny_pdf() + b"trailing data")


def test_pdfs_with_scripts_or_attachments_are_refused() -> None:
    def script(writer: PdfWriter) -> None:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    assert "scripts or attached files" in rejected(pypdf_file(script))
    assert "scripts or attached files" in rejected(
        pypdf_file(lambda writer: writer.add_attachment("nota.txt", b"hola"))
    )


def test_other_types_are_refused_whatever_their_name() -> None:
    assert "not a photo" in rejected(b"GIF89a" + b"\x00" * 40)
    assert "not a photo" in rejected(b"esto no es una imagen")
    with pytest.raises(UploadRejected):
        check_upload(io.BytesIO(tiny_pdf()), name="a.pdf", accepted=(uploads.PNG,))


def test_the_message_is_spanish_in_spanish() -> None:
    with translation.override("es"):
        message = rejected(b"GIF89a" + b"\x00" * 40)
    assert message == "archivo no es una foto (JPEG o PNG) ni un documento PDF."


# A chunk, or zipfile's look for an archive's directory at the end (22 bytes and a 64 KiB comment).
LARGEST_READ = max(uploads.CHUNK_BYTES, 22 + 65535 + 1)


class Recording(io.BytesIO):
    """A file that remembers the largest read asked of it."""

    largest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.largest = max(self.largest, len(data))
        return data


def test_large_files_are_read_in_chunks_never_whole() -> None:
    noise = os.urandom(1024 * 1024)
    big_png = Image.frombytes("RGB", (1024, 1024 // 3), noise[: 1024 * (1024 // 3) * 3])
    out = io.BytesIO()
    big_png.save(out, "PNG", compress_level=0)
    jpeg = io.BytesIO()
    big_png.save(jpeg, "JPEG", quality=100)
    padding = b"%" + b"p" * (uploads.PDF_READ_LIMIT + 1024) + b"\n"
    padded_pdf = tiny_pdf("x" * 100).replace(b"%PDF-1.4\n", b"%PDF-1.4\n" + padding, 1)
    for data in (out.getvalue(), jpeg.getvalue()):
        assert len(data) > 4 * uploads.CHUNK_BYTES
        upload = Recording(data)
        check_upload(upload, name="grande")
        assert upload.largest <= LARGEST_READ
    # The padding puts the cross-reference table's offsets wrong: rebuilding it would read the whole
    # file at once, so this PDF is refused instead.
    upload = Recording(padded_pdf)
    with pytest.raises(UploadRejected):
        check_upload(upload, name="grande")
    assert upload.largest <= LARGEST_READ
