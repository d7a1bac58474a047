"""The small kit every HTML view uses: who is acting, 404 when they may not, and ids from the query string."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from ronda.core.tenancy import Actor

MAX_ID = 2**63 - 1


def id_param(value: str | None) -> int | None:
    """A database id from a query-string value: None unless it is ASCII digits from 1 to 2**63-1.

    A larger number cannot name a row and would overflow the database's integer (a 500 on SQLite).
    """
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def get_actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    if actor is None or actor.membership is None:
        # A signed-in user without an active membership sees nothing at all.
        raise Http404
    return actor


def actor_required(check: Callable[[Actor], bool] | None = None) -> Callable[..., Any]:
    """Login required, an active membership, and (optionally) a policy check; otherwise 404."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = get_actor(request)
            if check is not None and not check(actor):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
