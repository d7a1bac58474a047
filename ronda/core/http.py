"""Request and response helpers that depend on the deployment, not on a domain: the client's
address, and the names of downloads."""

from __future__ import annotations

import ipaddress
import unicodedata
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.text import slugify


def valid_ip(value: str | None) -> str | None:
    """``value`` as a canonical IP address, or None when it is not one (never stored as typed)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, always a valid IP or None.

    ``X-Forwarded-For`` is read only when ``RONDA_PROXY_HOPS`` says how many trusted reverse proxies
    stand in front of Ronda (0, the default, trusts no header). Then only the entry our own
    right-most proxy added is taken; anything the client wrote to the left of it is ignored, and an
    entry that is not an IP address falls back to the connecting address.
    """
    hops = settings.RONDA_PROXY_HOPS
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = valid_ip(forwarded[-hops])
            if address is not None:
                return address
    return valid_ip(request.META.get("REMOTE_ADDR"))


R = TypeVar("R", bound=HttpResponseBase)


# --- Download names --------------------------------------------------------------------------
# Words that may come back in a name without repeating anything ("municipio-de-x-semestre-1-de-2026").
_FUNCTION_WORDS = frozenset({"a", "al", "and", "de", "del", "el", "en", "for", "la", "las", "los", "of", "the", "y"})


def download_name(*parts: object, extension: str, default: str) -> str:
    """A file name built from ``parts``: lower-case words joined by hyphens, ``.extension`` at the end.

    Spanish letters stay (``año``, ``término``; never ``ano``), and a word already in the name is not
    written again: the report kind and its period both say "medio término", the document kind and the
    body's name may both say "acta". Numbers always stay (a date repeats its digits). ``default``
    when nothing is left.
    """
    words: list[str] = []
    seen: set[str] = set()
    for word in slugify(" ".join(str(part) for part in parts), allow_unicode=True).split("-"):
        if not word:
            continue
        if any(ch.isalpha() for ch in word) and word not in _FUNCTION_WORDS:
            if word in seen:
                continue
            seen.add(word)
        words.append(word)
    return f"{'-'.join(words) or default}.{extension}"


def _ascii_name(filename: str) -> str:
    """``filename`` for clients that do not read ``filename*``: accents dropped, quotes and controls out."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    plain = "".join(ch for ch in plain if ch.isprintable() and ch not in '"\\')
    return plain.strip() or "download"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The ``Content-Disposition`` value for ``filename`` (RFC 6266).

    A name in plain ASCII is sent as ``filename="…"``. Any other name is sent twice: ``filename*=UTF-8''…``
    (RFC 5987), which every current browser reads and which keeps "año" as "año", after an ASCII
    ``filename="…"`` for the clients that do not ("ano").
    """
    kind = "inline" if inline else "attachment"
    fallback = _ascii_name(filename)
    if fallback == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def as_download(response: R, filename: str, *, inline: bool = False) -> R:
    """Set ``response``'s ``Content-Disposition`` for ``filename`` and return it."""
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response
