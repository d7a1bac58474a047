"""Slots: apps above a page add to it, in order, each asking its own policy; no request, nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.html import format_html

from ronda.core import slots

SLOT = "tests.object_page"


def first(request: HttpRequest, obj: object) -> str:
    return format_html("<p>first {}</p>", obj)


def second(request: HttpRequest, obj: object) -> str:
    # A contribution that asks its policy and finds nothing to show.
    return "" if request.GET.get("hide") else format_html("<p>second {}</p>", obj)


@pytest.fixture
def contributed() -> Iterator[None]:
    slots.register(SLOT, second, order=20)
    slots.register(SLOT, first, order=10)
    yield
    slots.unregister(SLOT, first)
    slots.unregister(SLOT, second)


def render(request: HttpRequest | None, obj: object) -> str:
    template = Template('{% load slots %}[{% slot "tests.object_page" obj %}]')
    return template.render(Context({"request": request, "obj": obj}))


def test_contributions_render_in_order_and_escaped(contributed: None) -> None:
    request = RequestFactory().get("/")
    assert render(request, "<b>x</b>") == "[<p>first &lt;b&gt;x&lt;/b&gt;</p><p>second &lt;b&gt;x&lt;/b&gt;</p>]"


def test_a_contribution_may_show_nothing(contributed: None) -> None:
    assert render(RequestFactory().get("/?hide=1"), "o") == "[<p>first o</p>]"


def test_without_a_request_nothing_is_shown(contributed: None) -> None:
    assert render(None, "o") == "[]"


def test_a_slot_nobody_contributes_to_is_empty() -> None:
    assert render(RequestFactory().get("/"), "o") == "[]"


def test_registering_again_replaces(contributed: None) -> None:
    slots.register(SLOT, first, order=30)
    assert [c.order for c in slots.contributions(SLOT)] == [20, 30]


def test_bad_registration_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        slots.register("", first)
    with pytest.raises(ImproperlyConfigured):
        slots.register(SLOT, "not callable")  # type: ignore[arg-type]
