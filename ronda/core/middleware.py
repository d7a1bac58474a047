from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_lazy

from ronda.core import errors_views


class SpanishFirstLocaleMiddleware:
    """Spanish unless the person chose another language (the language cookie).

    The browser's Accept-Language is ignored on pages: a municipal office's shared computer set
    to English must still show Ronda in Spanish. API clients may ask with Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
            if request.path.startswith("/api/"):
                language = translation.get_language_from_request(request) or language
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie", "Accept-Language") if request.path.startswith("/api/") else ("Cookie",))
        translation.deactivate()
        return response


NUL = "\x00"
# PostgreSQL cannot store NUL in text and answers an error for any query that carries one; no
# person types it. Shared with the API's JSON parser (ronda.api), which checks the bodies.
NUL_MESSAGE = gettext_lazy("This text contains a character that is not allowed (NUL).")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def first_nul(items: Iterable[tuple[str, Any]], prefix: str = "") -> str | None:
    """The name of the first (key, value) pair with a NUL in its key or in its text value (or in one of
    its values, for a list), or None. A NUL in the name itself is shown as JSON would escape it."""
    for key, value in items:
        values = value if isinstance(value, list) else [value]
        if NUL in key or any(isinstance(v, str) and NUL in v for v in values):
            return prefix + key.replace(NUL, "\\u0000")
    return None


# The DHIS2-compatible API (mounted at /dhis2/ by the project's URLconf; every path under it answers
# as DHIS2 does) speaks DHIS2's error shape, the WebMessage: a client of it must be able to read a
# refusal made here, before any of its code runs. The shape is DHIS2's protocol, not a domain rule.
WEB_MESSAGE_PREFIX = "/dhis2/"
WEB_MESSAGE_STATUS = {400: "Bad Request", 404: "Not Found"}
# A NUL in JSON text is the escape \u0000 (a raw NUL byte is not valid JSON): after an odd number of
# backslashes, since "\\u0000" is a backslash followed by the text "u0000". Outside a string a
# backslash is not valid JSON either, so in a body that parses this finds exactly the NULs.
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
JSON_BODY_TYPES = ("application/json", "")  # the DHIS2 API reads a body without a type as JSON


def web_message(status: int, message: str, dev_message: str) -> JsonResponse:
    return JsonResponse(
        {
            "httpStatus": WEB_MESSAGE_STATUS[status],
            "httpStatusCode": status,
            "status": "ERROR",
            "message": message,
            "devMessage": dev_message,
        },
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


class RefuseNulMiddleware:
    """Refuses a NUL character anywhere a request carries text, before any other code reads it.

    A NUL in the path answers 404 (no page has one in its address); in the query string, a header, a
    cookie or a web form, 400 with a short page, or under /api/ 422 in the API's error shape. The
    API's bodies (JSON, and the form fields of its multipart endpoints) are checked by its parser
    instead: reading ``request.POST`` here would consume the stream ninja reads the body from.
    Under /dhis2/ the same refusals are DHIS2 WebMessages (404 and 400), and a JSON body is checked
    here (the DHIS2 views read the whole body as bytes, so reading it first takes nothing from them).
    File contents are not text and are not checked; Django drops NUL from uploaded file names.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            if request.path.startswith(WEB_MESSAGE_PREFIX):
                return web_message(404, "Not Found", "NUL character in the path")
            return self._localised(request, errors_views.not_found)
        field = self._first_nul(request)
        if field is not None:
            return self._localised(request, partial(self._refuse, field=field))
        return self.get_response(request)

    @staticmethod
    def _first_nul(request: HttpRequest) -> str | None:
        # Cookies are checked once parsed: a quoted value spells NUL as "\000", which the header does not show.
        headers = ((name, value) for name, value in request.headers.items() if name != "Cookie")
        field = (
            first_nul(request.GET.lists())
            or first_nul(headers, "headers.")
            or first_nul(request.COOKIES.items(), "cookies.")
        )
        if field is None and not request.path.startswith("/api/") and request.content_type in FORM_CONTENT_TYPES:
            field = first_nul(request.POST.lists()) or first_nul(request.FILES.items())
        if field is None and request.path.startswith(WEB_MESSAGE_PREFIX) and request.content_type in JSON_BODY_TYPES:
            field = RefuseNulMiddleware._json_body_nul(request)
        return field

    @staticmethod
    def _json_body_nul(request: HttpRequest) -> str | None:
        try:
            body = request.body
        except RequestDataTooBig:
            return None  # the view answers 413 without reading it
        return "body" if b"\x00" in body or JSON_NUL.search(body) else None

    @staticmethod
    def _refuse(request: HttpRequest, *, field: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            errors = [{"field": field, "message": str(NUL_MESSAGE)}]
            return JsonResponse({"message": gettext("The request has invalid fields."), "errors": errors}, status=422)
        if request.path.startswith(WEB_MESSAGE_PREFIX):
            return web_message(400, str(NUL_MESSAGE), f"NUL character in {field}")
        return errors_views.bad_request(request)

    @staticmethod
    def _localised(request: HttpRequest, respond: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
        # This middleware runs first: answer in the person's language as every other response does.
        return SpanishFirstLocaleMiddleware(respond)(request)


logger = logging.getLogger("ronda.errors")


class DevelopmentNotFoundMiddleware:
    """Under DEBUG (``make run``), a missing or refused page shows Ronda's own 404 page too.

    Django answers ``Http404`` with its yellow debug page when DEBUG is on, listing every URL
    pattern: not what a person trying Ronda should see, and not what production shows. This
    answers as production does (``errors_views.not_found``: the layout, a way home; JSON under
    /api/) and writes the debug details to the console instead. Off without DEBUG, where Django
    already uses ``handler404``. Last in MIDDLEWARE, so the page knows who is signed in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            # No pattern matches: Django raises Resolver404 before any view or process_exception runs.
            try:
                resolve(request.path_info, getattr(request, "urlconf", None) or get_urlconf())
            except Resolver404:
                logger.info("Not found (no URL pattern matches): %s", request.path)
                return errors_views.not_found(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or not isinstance(exception, Http404 | PermissionDenied):
            return None
        logger.info("%s on %s: %s", type(exception).__name__, request.path, exception or "(no message)")
        return errors_views.not_found(request, exception)


class PrivateResponsesMiddleware:
    """Nothing shown to a signed-in person or an API client is kept by a browser's or a proxy's cache.

    A page or an answer of the API given to someone who proved who they are may hold a child's
    personal record; on a municipal office's shared computer the browser's back button or disk cache
    would show it to the next person. Such responses get ``Cache-Control: private, no-store`` unless
    the view chose its own policy (a file download sets it already; public pages set theirs and reach
    anonymous visitors only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        identified = (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if identified and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
