"""The installation seen from outside: its public address, and the language each person reads.

- **Absolute links without a request.** An e-mail built by a background job (a reminder, a weekly
  digest) has no request to ask for the host: ``absolute_url(path)`` puts ``settings.RONDA_SITE_URL``
  (e.g. ``https://ronda.loja.gob.ec``) in front of the path. Unset, development and the tests use
  ``http://localhost:8000``; production warns (a system check) and the links stay relative.
- **A language per person.** ``User.language`` ('' is the site's, ``settings.LANGUAGE_CODE``) is
  the language of that person's e-mails and of their pages from their next sign-in. The kernel
  knows no app: the language switcher (``ronda.core.views.set_language``) and "My notifications"
  save it through the function named by ``settings.RONDA_LANGUAGE_SAVER`` (a service of the users'
  app that audits the change), as ``ronda.core.jobs`` rebuilds a job's actor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseBase
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from ronda.core.tenancy import Actor

DEVELOPMENT_URL = "http://localhost:8000"

LanguageSaver = Callable[..., bool]


def site_url() -> str:
    """The public address of the installation, without a trailing slash ('' in production when unset)."""
    configured = (getattr(settings, "RONDA_SITE_URL", "") or "").strip().rstrip("/")
    if configured:
        return configured
    return "" if getattr(settings, "PRODUCTION", False) else DEVELOPMENT_URL


def absolute_url(path: str, *, base: str = "") -> str:
    """``path`` (``/reuniones/5/``) as an address that works outside Ronda, in an e-mail.

    ``base`` is the address a request was made to (``request.build_absolute_uri("/")``), for a
    caller that has one; without it the setting is used. An address that is already absolute is
    returned as it is.
    """
    if path.startswith(("http://", "https://")):
        return path
    root = base.strip().rstrip("/") or site_url()
    return root + "/" + path.lstrip("/")


# --- Languages ---------------------------------------------------------------------------------
def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_or_site(language: str | None) -> str:
    """``language`` if Ronda speaks it, else the site's (a person who chose none, a guest)."""
    return language if language and language in language_codes() else settings.LANGUAGE_CODE


def save_language(*, actor: Actor, language: str) -> bool:
    """Store ``language`` ('' for the site's) as the actor's own, audited; whether it changed."""
    path = getattr(settings, "RONDA_LANGUAGE_SAVER", "")
    if not path:
        raise ImproperlyConfigured("RONDA_LANGUAGE_SAVER must name the function that stores a person's language")
    saver: LanguageSaver = import_string(path)
    return saver(actor=actor, language=language)


def set_language_cookie(response: HttpResponseBase, language: str) -> None:
    """The UI language of this browser, as Django's language switcher sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax" in settings
    )
