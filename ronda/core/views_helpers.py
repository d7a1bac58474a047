"""The small kit every HTML view uses: who is acting, 404 when they may not, and ids from the query string."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from ronda.core.errors import ConflictError
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


def apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's errors on the form fields they name; the rest on top of the form.

    The form may be a fresh one, shown again after a refused action it did not send (removing an
    agenda item of approved minutes): Django's ``add_error`` expects a validated form, so an unbound
    one is given an empty ``cleaned_data`` first (it was an AttributeError, a 500).
    """
    if not form.is_bound and not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@contextmanager
def service_errors_on(form: Any) -> Iterator[None]:
    """Wraps a service call and what follows its success: a ConflictError or ValidationError it raises goes
    onto the form instead, and the view carries on after the block to show the form again."""
    try:
        yield
    except ConflictError as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        apply_errors(form, exc)
