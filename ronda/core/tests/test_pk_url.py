"""``{% pk_url %}`` gives the URL ``{% url %}`` gives, reversing each view once (issue 9: the plan
page links over a hundred rows)."""

from __future__ import annotations

import sys
import types

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import override_settings
from django.urls import path, reverse, set_script_prefix
from django.utils import translation

from ronda.core.templatetags import core_tags

VIEWS = ("planning:measure_detail", "planning:evidence_download", "planning:line_move", "planning:objective_create")


@pytest.fixture(autouse=True)
def clean_prefix() -> object:
    yield
    set_script_prefix("/")


def test_the_same_url_as_the_url_tag() -> None:
    both = Template("{% load core_tags %}{% url view pk %}|{% pk_url view pk %}")
    for view in VIEWS:
        for pk in (1, 7, 42, 123456789):
            url, fast = both.render(Context({"view": view, "pk": pk})).split("|")
            assert fast == url == reverse(view, args=[pk])


def test_a_name_built_in_the_template_and_a_script_prefix() -> None:
    template = Template("{% load core_tags %}{% pk_url 'planning:'|add:kind|add:'_edit' pk %}")
    assert template.render(Context({"kind": "line", "pk": 5})) == reverse("planning:line_edit", args=[5])
    set_script_prefix("/ronda/")
    url = template.render(Context({"kind": "objective", "pk": 6}))
    assert url == reverse("planning:objective_edit", args=[6])
    assert url.startswith("/ronda/")


def test_each_view_is_reversed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    core_tags._around_pk.cache_clear()
    calls = []
    real = core_tags.reverse

    def counting(*args: object, **kwargs: object) -> str:
        calls.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(core_tags, "reverse", counting)
    with translation.override("es"):
        urls = [core_tags.pk_url("planning:measure_detail", pk) for pk in range(1, 51)]
    assert calls == ["planning:measure_detail"]
    assert urls[-1] == real("planning:measure_detail", args=[50])


def test_anything_but_an_integer_id_is_reversed_as_the_url_tag_would() -> None:
    assert core_tags.pk_url("planning:measure_detail", "12") == reverse("planning:measure_detail", args=["12"])


def _urlconf(name: str, prefix: str) -> str:
    module = types.ModuleType(name)
    module.urlpatterns = [path(f"{prefix}/<int:pk>/", lambda request, pk: HttpResponse(), name="item")]  # type: ignore[attr-defined]
    sys.modules[name] = module
    return name


def test_another_urlconf_is_not_answered_from_the_first() -> None:
    first, second = _urlconf("pk_url_first_urls", "uno"), _urlconf("pk_url_second_urls", "dos")
    try:
        with override_settings(ROOT_URLCONF=first):
            assert core_tags.pk_url("item", 3) == "/uno/3/"
        with override_settings(ROOT_URLCONF=second):
            assert core_tags.pk_url("item", 3) == "/dos/3/"
    finally:
        del sys.modules[first], sys.modules[second]
