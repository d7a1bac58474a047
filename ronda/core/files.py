"""Stored files: written with the transaction that records them, and handed out privately.

**Writing.** A ``FileField`` writes its bytes to storage when ``save()`` is called, which in a
service is inside the database transaction. If that transaction rolls back (a later validation,
a version conflict, the caller's own rollback) the rows are gone but the file stays: an orphan
nobody can reach or remove. ``save_in_transaction`` writes the file at once and removes it again
when the transaction that would have recorded it rolls back; once that transaction commits, the
file stays.

Why not write the bytes only after the commit instead? Then a storage error (a full disk, object
storage unreachable) would come after the database had already recorded the file: a committed
progress report pointing at evidence that does not exist, and a request that fails after its
writes succeeded. Written first, a storage error aborts the transaction like any other error,
and the row never names a file that is not there. The one case left is a process killed between
the write and the commit: that leaves an unreferenced file under a random name, unreachable
through any view, which a sweep may remove; never a row without its file (decision 0016).

How the rollback is noticed: Django has no "on rollback" hook, but it drops the ``on_commit``
callbacks of a transaction or savepoint that rolls back. The file's keeper is such a callback; a
finalizer on it deletes the file unless the callback ran (CPython frees the dropped callback at
once, so this happens during the rollback itself).

**Reading.** ``private_file_response`` gives a stored file to the person a view has already
checked: streamed from local disk (``private, no-store``), or, when the storage signs URLs (S3 with
query-string authentication, django-storages), a redirect to a URL that expires in
``RONDA_SIGNED_URL_SECONDS``. Files are never at a public address.
"""

from __future__ import annotations

import weakref
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.fields.files import FieldFile
from django.db.transaction import TransactionManagementError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect

from ronda.core.http import content_disposition


class _Keeper:
    """The on_commit callback that keeps a file: once called, the file belongs to committed rows."""

    __slots__ = ("__weakref__", "committed")

    def __init__(self, committed: list[bool]) -> None:
        self.committed = committed

    def __call__(self) -> None:
        self.committed[0] = True


def _remove_unless_committed(committed: list[bool], storage: Storage, name: str) -> None:
    if not committed[0]:
        storage.delete(name)


def keep_on_commit(storage: Storage, name: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete ``name`` from ``storage`` if the current transaction (or savepoint) rolls back."""
    if not transaction.get_connection(using).in_atomic_block:
        raise TransactionManagementError(
            "a file must be written inside the transaction that records it (use transaction.atomic)"
        )
    committed = [False]
    keeper = _Keeper(committed)
    # The finalizer holds the flag and the name, never the keeper: it runs when Django drops the keeper.
    weakref.finalize(keeper, _remove_unless_committed, committed, storage, name)
    transaction.on_commit(keeper, using=using)


def save_in_transaction(
    fieldfile: FieldFile, name: str, content: File[Any] | bytes, *, using: str = DEFAULT_DB_ALIAS
) -> None:
    """``fieldfile.save(name, content, save=False)``, undone if the surrounding transaction rolls back.

    Call it inside the service's ``transaction.atomic`` block, then save the row as usual.
    """
    if not transaction.get_connection(using).in_atomic_block:
        raise TransactionManagementError(
            "a file must be written inside the transaction that records it (use transaction.atomic)"
        )
    fieldfile.save(name, ContentFile(content) if isinstance(content, bytes) else content, save=False)
    keep_on_commit(fieldfile.storage, fieldfile.name or name, using=using)


def delete_on_commit(fieldfile: FieldFile, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Remove a stored file once the transaction that deletes its row has committed (never before)."""
    storage, name = fieldfile.storage, fieldfile.name
    if name:
        transaction.on_commit(lambda: storage.delete(name), using=using)


def signs_urls(storage: Storage) -> bool:
    """True when ``storage.url()`` returns a signed, expiring URL (django-storages S3 with query-string auth).

    A custom domain without a CloudFront signer gives plain public URLs even with query-string auth
    on: such a storage streams through Ronda instead.
    """
    if not getattr(storage, "querystring_auth", False):
        return False
    return not (getattr(storage, "custom_domain", None) and not getattr(storage, "cloudfront_signer", None))


def private_file_response(
    request: HttpRequest | None,
    fieldfile: FieldFile,
    filename: str,
    *,
    content_type: str | None = None,
    inline: bool = False,
) -> HttpResponseBase:
    """The stored file for someone the caller has already checked; 404 when it is not in storage.

    Local storage: the file is streamed. A storage that signs URLs: a redirect to a URL valid for
    ``RONDA_SIGNED_URL_SECONDS`` that makes the object store send the same name, type and
    disposition. ``request`` is optional (a page's or the API's); for HEAD nothing is read.
    """
    if not fieldfile.name:
        raise Http404
    storage = fieldfile.storage
    disposition = content_disposition(filename, inline=inline)
    response: HttpResponseBase
    if signs_urls(storage):
        parameters = {"ResponseContentDisposition": disposition, "ResponseCacheControl": "private, no-store"}
        if content_type:
            parameters["ResponseContentType"] = content_type
        url = storage.url(fieldfile.name, parameters=parameters, expire=settings.RONDA_SIGNED_URL_SECONDS)  # type: ignore[call-arg]
        response = HttpResponseRedirect(url)
    elif request is not None and request.method == "HEAD":
        if not storage.exists(fieldfile.name):
            raise Http404
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["Content-Disposition"] = disposition
    else:
        try:
            handle = storage.open(fieldfile.name, "rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
        response["Content-Disposition"] = disposition  # with its ASCII fallback, which Django's leaves out
    # Neither the file nor the signed address may sit in a shared or browser cache.
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
