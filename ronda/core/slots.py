"""Places on a domain's page where apps above it add what they know of the object shown.

A page of one domain cannot import the apps built on top of it (``.importlinter``'s layers): the
plan's measure page does not know which records of those apps cite the measure. So the page names
a *slot* and the apps above contribute to it::

    {# ronda/planning/templates/planning/measure_detail.html #}
    {% load slots %}
    {% slot "planning.measure_detail" measure %}

    # ronda/<an app above planning>/slots.py (found by ``autodiscover``, like ``schedules``)
    from ronda.core import slots

    @slots.contribute("planning.measure_detail", order=40)
    def records_citing(request, measure):
        actor = request.actor
        if not policies.can_read(actor, measure.plan.org_unit):
            return ""
        return render_to_string("<app>/_citing.html", {...}, request=request)

A contribution receives the request and the object the page already checked against its own policy,
must ask its own policy again for what it adds (it may show less than the page, never more), and
returns HTML (``render_to_string``) or an empty string. Contributions render in ``order``, then by
name. The kernel knows no slot and no domain: a slot nobody contributes to renders nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString, mark_safe

Contributor = Callable[[HttpRequest, Any], str]
NAME_LIMIT = 100


@dataclass(frozen=True)
class Contribution:
    slot: str
    name: str
    render: Contributor
    order: int


_registry: dict[str, dict[str, Contribution]] = {}
_discovered: list[bool] = [False]


def _name(render: Contributor) -> str:
    return f"{render.__module__}.{getattr(render, '__qualname__', repr(render))}"


def register(slot: str, render: Contributor, *, order: int = 50) -> Contribution:
    """Add ``render`` to ``slot``. The same function registered again (a module imported twice)
    replaces itself."""
    if not slot or len(slot) > NAME_LIMIT or not callable(render):
        raise ImproperlyConfigured(f"a slot contribution needs a slot name and a callable, not {slot!r}, {render!r}")
    contribution = Contribution(slot=slot, name=_name(render), render=render, order=order)
    _registry.setdefault(slot, {})[contribution.name] = contribution
    return contribution


def contribute(slot: str, *, order: int = 50) -> Callable[[Contributor], Contributor]:
    """Decorator form of :func:`register`."""

    def decorator(render: Contributor) -> Contributor:
        register(slot, render, order=order)
        return render

    return decorator


def unregister(slot: str, render: Contributor) -> None:
    """Remove a contribution (tests clean up after ``register``)."""
    _registry.get(slot, {}).pop(_name(render), None)


def autodiscover() -> None:
    """Import every installed app's ``slots`` module, once."""
    if not _discovered[0]:
        autodiscover_modules("slots")
        _discovered[0] = True


def contributions(slot: str) -> list[Contribution]:
    autodiscover()
    return sorted(_registry.get(slot, {}).values(), key=lambda c: (c.order, c.name))


def render(slot: str, request: HttpRequest, obj: Any) -> SafeString:
    """The HTML every contribution to ``slot`` gives for ``obj``, in order."""
    parts = [str(c.render(request, obj) or "") for c in contributions(slot)]
    # Each part is a rendered template (escaped by the template engine), or empty.
    return mark_safe("".join(part for part in parts if part))
