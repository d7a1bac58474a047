"""What an uploaded file really is: a PDF, JPEG or PNG that parses, and nothing else hidden in it.

The first bytes are not enough: a 34-byte text file that starts with ``%PDF-1.4`` is no document,
and a file can be two things at once (a *polyglot*: a PDF that is also a ZIP archive or an HTML
page, a PNG with a payload after its end). ``check_upload`` names the type of an upload from its
content and refuses it, with a message for the person who sent it, when

* it is not one of the accepted types (by its content; the name and the browser's type are ignored);
* a PDF does not parse (pypdf), has no page, is encrypted (nobody could read it without the
  password, and encrypted content cannot be checked), carries scripts, launch actions or attached
  files, or has data after its last ``%%EOF``;
* a PNG's chunks do not add up (length, CRC, ``IHDR`` first, ``IEND`` last) or data follows ``IEND``;
* a JPEG's markers do not lead to an ``EOI`` (a truncated photo);
* Pillow cannot read the image's header, or the image is a decompression bomb;
* it is also a ZIP archive (a ZIP reader looks for its directory at the end of the file) or
  carries HTML or script markup anywhere.

Data after a JPEG's ``EOI`` is allowed: phones append their own (a motion photo's video, a
maker's trailer); the ZIP and HTML checks still cover it.

The file is read in chunks of ``CHUNK_BYTES``, never whole, and left at position 0 (pypdf reads one
object at a time, at most ``PDF_READ_LIMIT`` bytes: a PDF that needs more is refused as damaged). The kernel
knows no app: the caller decides which types it accepts and how large a file may be.
"""

from __future__ import annotations

import logging
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ACCEPTED = (PDF, PNG, JPEG)
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
CHUNK_BYTES = 64 * 1024
# Markup that makes a browser, a mail client or a viewer treat the bytes as a page or a script.
# None of these occurs in a PDF's or an image's own syntax (XMP metadata is XML, not HTML).
MARKUP = (b"<html", b"<script", b"<!doctype", b"<iframe", b"<body", b"<svg", b"<?php")
_OVERLAP = max(len(m) for m in MARKUP) - 1
# A PDF may end with a newline or padding after %%EOF, nothing more.
_PDF_TAIL_BYTES = 1024
# pypdf reads objects whole (a page tree, an object stream) and, to repair a broken cross-reference
# table, the whole file: no single read of a PDF may be larger than this.
PDF_READ_LIMIT = 4 * 1024 * 1024
_PDF_ACTIVE_NAMES = ("/JavaScript", "/EmbeddedFiles")
_PDF_ACTIVE_ACTIONS = ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm")


class _TooLarge(Exception):
    pass


class _BoundedReads:
    """The upload as pypdf sees it: every read is at most PDF_READ_LIMIT bytes, or the PDF is refused."""

    def __init__(self, upload: IO[bytes] | Any) -> None:
        self._upload = upload
        upload.seek(0, 2)
        self._size = upload.tell()
        upload.seek(0)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self._size - self._upload.tell()
        if size > PDF_READ_LIMIT:
            raise _TooLarge
        return bytes(self._upload.read(size))

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self._upload.seek(offset, whence))

    def tell(self) -> int:
        return int(self._upload.tell())


class UploadRejected(Exception):
    """The upload is not what it has to be; ``message`` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sniff(head: bytes) -> str | None:
    """The type the first bytes claim (a claim only: ``check_upload`` verifies it)."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def check_upload(upload: IO[bytes] | Any, *, name: str, accepted: tuple[str, ...] = ACCEPTED) -> str:
    """The content type of ``upload`` (one of ``accepted``), or ``UploadRejected``.

    ``name`` is the file name shown to the user in the message. The file is rewound afterwards.
    """
    try:
        upload.seek(0)
        content_type = sniff(upload.read(16))
        if content_type is None or content_type not in accepted:
            raise UploadRejected(_("%(name)s is not a photo (JPEG or PNG) or a PDF document.") % {"name": name})
        _refuse_markup(upload, name)
        _refuse_zip(upload, name)
        if content_type == PDF:
            _check_pdf(upload, name)
        elif content_type == PNG:
            _check_png(upload, name)
            _check_image(upload, name, "PNG")
        else:
            _check_jpeg(upload, name)
            _check_image(upload, name, "JPEG")
        return content_type
    finally:
        upload.seek(0)


# --- Whole-file checks --------------------------------------------------------------------
def _chunks(upload: IO[bytes] | Any, start: int = 0) -> Iterator[bytes]:
    upload.seek(start)
    while chunk := upload.read(CHUNK_BYTES):
        yield chunk


def _refuse_markup(upload: IO[bytes] | Any, name: str) -> None:
    tail = b""
    for chunk in _chunks(upload):
        window = (tail + chunk).lower()
        if any(marker in window for marker in MARKUP):
            raise UploadRejected(_hidden(name))
        tail = window[-_OVERLAP:]


def _refuse_zip(upload: IO[bytes] | Any, name: str) -> None:
    # zipfile reads only the end of the file, where a ZIP reader finds an archive's directory.
    upload.seek(0)
    if zipfile.is_zipfile(upload):
        raise UploadRejected(_hidden(name))


def _hidden(name: str) -> str:
    return _("%(name)s holds other content besides the document or photo; it cannot be accepted.") % {"name": name}


def _not_pdf(name: str) -> str:
    return _("%(name)s is not a valid PDF document.") % {"name": name}


def _damaged(name: str) -> str:
    return _("%(name)s is damaged or incomplete: it cannot be opened.") % {"name": name}


# --- PDF ----------------------------------------------------------------------------------
def _check_pdf(upload: IO[bytes] | Any, name: str) -> None:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(max(0, size - _PDF_TAIL_BYTES))
    tail = upload.read(_PDF_TAIL_BYTES)
    end = tail.rfind(b"%%EOF")
    if end < 0:
        # No end marker near the end: not a PDF, a truncated one, or one with something appended.
        raise UploadRejected(_not_pdf(name))
    if tail[end + 5 :].strip(b" \t\r\n\f\x00"):
        raise UploadRejected(_hidden(name))
    upload.seek(0)
    pdf_logger = logging.getLogger("pypdf")
    previous = pdf_logger.level
    # pypdf logs every repair it makes; a refused upload is reported to the user, not to the log.
    pdf_logger.setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(_BoundedReads(upload), strict=False)  # type: ignore[arg-type]
        if reader.is_encrypted:
            raise UploadRejected(
                _("%(name)s is protected with a password: save it without protection and upload it again.")
                % {"name": name}
            )
        pages = len(reader.pages)
        root = reader.trailer["/Root"].get_object()
        if not isinstance(root, DictionaryObject):
            raise UploadRejected(_not_pdf(name))
        names = root.get("/Names")
        names = names.get_object() if names is not None else None
        active = isinstance(names, DictionaryObject) and any(key in names for key in _PDF_ACTIVE_NAMES)
        active = active or "/AA" in root
        action = root.get("/OpenAction")
        action = action.get_object() if action is not None else None
        if isinstance(action, DictionaryObject) and action.get("/S") in _PDF_ACTIVE_ACTIONS:
            active = True
    except UploadRejected:
        raise
    except _TooLarge as exc:
        # Only a damaged PDF makes pypdf read this much at once (to rebuild its table of objects).
        raise UploadRejected(_damaged(name)) from exc
    except Exception as exc:  # any failure to parse untrusted bytes means "not a PDF"
        raise UploadRejected(_not_pdf(name)) from exc
    finally:
        pdf_logger.setLevel(previous)
    if pages < 1:
        raise UploadRejected(_not_pdf(name))
    if active:
        raise UploadRejected(
            _("%(name)s contains scripts or attached files; upload a plain PDF document.") % {"name": name}
        )


# --- PNG ----------------------------------------------------------------------------------
def _read_exact(upload: IO[bytes] | Any, n: int, name: str) -> bytes:
    data = upload.read(n)
    if len(data) != n:
        raise UploadRejected(_damaged(name))
    return bytes(data)


def _check_png(upload: IO[bytes] | Any, name: str) -> None:
    upload.seek(8)
    first = True
    while True:
        length, tag = struct.unpack(">I4s", _read_exact(upload, 8, name))
        if length > 0x7FFFFFFF or not tag.isalpha() or (first and tag != b"IHDR"):
            raise UploadRejected(_damaged(name))
        first = False
        crc = zlib.crc32(tag)
        remaining = length
        while remaining:
            data = upload.read(min(CHUNK_BYTES, remaining))
            if not data:
                raise UploadRejected(_damaged(name))
            crc = zlib.crc32(data, crc)
            remaining -= len(data)
        if struct.unpack(">I", _read_exact(upload, 4, name))[0] != crc & 0xFFFFFFFF:
            raise UploadRejected(_damaged(name))
        if tag == b"IEND":
            break
    if upload.read(1):
        raise UploadRejected(_hidden(name))


# --- JPEG ---------------------------------------------------------------------------------
class _Bytes:
    """A forward reader over a file in chunks, for walking JPEG markers."""

    def __init__(self, upload: IO[bytes] | Any) -> None:
        self.upload = upload
        self.buffer = b""
        self.pos = 0

    def _fill(self) -> bool:
        chunk = self.upload.read(CHUNK_BYTES)
        if not chunk:
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def byte(self) -> int | None:
        if self.pos >= len(self.buffer) and not self._fill():
            return None
        value = self.buffer[self.pos]
        self.pos += 1
        return value

    def skip(self, n: int) -> bool:
        while n:
            if self.pos >= len(self.buffer) and not self._fill():
                return False
            step = min(n, len(self.buffer) - self.pos)
            self.pos += step
            n -= step
        return True

    def entropy(self) -> int | None:
        """Skip entropy-coded data; the marker that ends it (0xFF00 is a stuffed byte, RSTn are inside)."""
        while True:
            found = self.buffer.find(b"\xff", self.pos)
            if found < 0:
                self.pos = len(self.buffer)
                if not self._fill():
                    return None
                continue
            self.pos = found + 1
            following = self.byte()
            while following == 0xFF:  # fill bytes before a marker
                following = self.byte()
            if following is None:
                return None
            if following == 0x00 or 0xD0 <= following <= 0xD7:
                continue
            return following


def _check_jpeg(upload: IO[bytes] | Any, name: str) -> None:
    upload.seek(2)
    reader = _Bytes(upload)
    marker: int | None = None
    while True:
        if marker is None:
            if reader.byte() != 0xFF:
                raise UploadRejected(_damaged(name))
            marker = reader.byte()
            while marker == 0xFF:
                marker = reader.byte()
        if marker is None:
            raise UploadRejected(_damaged(name))
        if marker == 0xD9:  # EOI: the image is complete
            return
        if marker == 0xD8 or marker == 0x00:
            raise UploadRejected(_damaged(name))
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            marker = None
            continue
        high, low = reader.byte(), reader.byte()
        if high is None or low is None or (high << 8 | low) < 2 or not reader.skip((high << 8 | low) - 2):
            raise UploadRejected(_damaged(name))
        marker = reader.entropy() if marker == 0xDA else None


# --- Pillow ---------------------------------------------------------------------------------
def _check_image(upload: IO[bytes] | Any, name: str, expected: str) -> None:
    from PIL import Image

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Larger than Image.MAX_IMAGE_PIXELS: a decompression bomb, not a photo.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[expected]) as image:
                image.verify()
    except Exception as exc:  # whatever Pillow cannot read is not a valid image
        raise UploadRejected(_damaged(name)) from exc
