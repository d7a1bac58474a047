"""Forms that create are applied once, however many times they are submitted.

A slow connection and an impatient finger send the same "add a note" form three times. Each form
that creates carries a fresh random token (``{% form_token %}`` from ``core_tags``, rendered by
``_form.html`` for every form); the view is wrapped in ``@once_per_submission``. The first POST
with a token claims it (a unique row, in the same transaction as the view's writes) and, when the
view answers with a redirect, remembers where it sent the person. A repeat gets that same redirect
(an htmx repeat gets 204, so the first answer stays on the page) and changes nothing. A full page
shown again with form errors releases its claim (it carries a new token anyway), and a POST
without a token (older pages, scripts) is handled as before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ronda.core.models import SubmittedForm

FIELD = "form_token"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _key(request: HttpRequest, token: str) -> str:
    user = getattr(request, "user", None)
    owner = str(user.pk) if user is not None and user.is_authenticated else "anonymous"
    return hashlib.sha256(f"{owner}:{request.path}:{token}".encode()).hexdigest()


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _repeat(request: HttpRequest, key: str) -> HttpResponse:
    """The answer to a repeated submission: nothing applied, the person taken where the first went."""
    if _is_htmx(request):
        return HttpResponse(status=204)  # htmx swaps nothing: the first answer stays on the page
    done = SubmittedForm.objects.filter(key=key).values_list("result_url", flat=True).first()
    messages.info(request, _("That form had already been sent: it was saved once."))
    referer = request.headers.get("Referer", "")
    if not done and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        done = referer
    return HttpResponseRedirect(done or "/")


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.match(token):
            return view(request, *args, **kwargs)
        key = _key(request, token)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = SubmittedForm.objects.create(key=key)
            except IntegrityError:
                return _repeat(request, key)
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseRedirect):
                SubmittedForm.objects.filter(pk=claim.pk).update(result_url=response.url[:500])
            elif not (_is_htmx(request) and response.status_code < 300):
                # A full page shown again with errors: nothing was applied, and it carries a new token.
                SubmittedForm.objects.filter(pk=claim.pk).delete()
        if claim.pk % 100 == 0:
            SubmittedForm.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=1)).delete()
        return response

    wrapper.once_per_submission = True  # type: ignore[attr-defined]
    return wrapper
