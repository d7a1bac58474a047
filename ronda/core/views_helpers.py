"""The small kit every view uses: the typed request, who is acting, 404 when they may not, ids from the
query string, and one way to show a service's errors on a form."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from ronda.core.errors import ConflictError
from ronda.core.tenancy import Actor

MAX_ID = 2**63 - 1


class ActorRequest(HttpRequest):
    """What a page behind ``actor_required`` receives: ``actor`` set by the sign-in middleware (read it
    through ``get_actor``, which also answers 404 without an active membership) and ``htmx`` by django-htmx."""

    actor: Actor
    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """What an API endpoint behind the bearer token receives: ``actor`` set by ``accounts.api_auth``
    (its membership may be None: every policy then answers "nothing")."""

    actor: Actor


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


def apply_errors(
    form: Any, exc: ValidationError, *, rename: Mapping[str, str] | None = None, non_field: str | None = None
) -> None:
    """Put a service's errors on the form fields they name; the rest on top of the form.

    ``rename`` maps a service's field name to the form's (``org_unit`` is typed as ``org_unit_code``);
    ``non_field`` is the field that takes errors naming no field (the password, for the password
    validators), the top of the form by default.

    The form may be a fresh one, shown again after a refused action it did not send (removing an
    agenda item of approved minutes): Django's ``add_error`` expects a validated form, so an unbound
    one is given an empty ``cleaned_data`` first (it was an AttributeError, a 500).
    """
    if not form.is_bound and not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = (rename or {}).get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(non_field, exc.messages)


@contextmanager
def service_errors_on(
    form: Any, *, rename: Mapping[str, str] | None = None, non_field: str | None = None
) -> Iterator[None]:
    """The one way a view shows a service's refusal: wrap the service call and what follows its success.

    A ConflictError or ValidationError it raises goes onto the form instead (``apply_errors``), and
    the view carries on after the block: to show the form again, or, for an action that redirects
    back to its page, to ``flash_errors``::

        with service_errors_on(form):
            services.update_x(actor=actor, x=x, expected_version=..., ...)
            messages.success(request, _("Changes saved."))
            return redirect(...)
        return render(request, "x_form.html", {"form": form})
    """
    try:
        yield
    except ConflictError as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        apply_errors(form, exc, rename=rename, non_field=non_field)


def flash_errors(request: HttpRequest, form: Any) -> None:
    """For an action that redirects back to its page instead of showing its form again: the form's
    errors (its own, and a service's that ``service_errors_on`` put there) become error messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
