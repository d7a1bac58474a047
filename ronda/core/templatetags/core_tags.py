"""Template tags of the kernel."""

from __future__ import annotations

import secrets
from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ronda.core.idempotency import FIELD

register = template.Library()

_PK = 9_081_726_354_019_283_746  # stands for the id while a URL is reversed once; never a real id


@lru_cache(maxsize=256)
def _around_pk(viewname: str, urlconf: str | None, script_prefix: str, language: str | None) -> tuple[str, str] | None:
    """What comes before and after the id in ``viewname``'s URL (None when it cannot be told)."""
    url = reverse(viewname, args=[_PK], urlconf=urlconf)
    head, found, tail = url.partition(str(_PK))
    return (head, tail) if found and str(_PK) not in tail else None


def _urls_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "ROOT_URLCONF":  # a test's override_settings: Django forgets its URLs, so do we
        _around_pk.cache_clear()


setting_changed.connect(_urls_changed)


@register.simple_tag
def pk_url(viewname: str, pk: object) -> str:
    """``{% pk_url "app:item_detail" item.pk %}``: the same URL as ``{% url %}`` with the same
    arguments, for a view whose one argument is an integer id, without reversing it on every row.
    The URL is reversed once per view (and URLconf, script prefix and language); each row puts its
    id in place. Reversing cost more than anything else in a row of a long table (a plan page links
    over a hundred rows). Apps have one instance each, so ``{% url %}``'s current app changes nothing."""
    if type(pk) is not int:
        return reverse(viewname, args=[pk])
    around = _around_pk(viewname, get_urlconf(), get_script_prefix(), get_language())
    if around is None:
        return reverse(viewname, args=[pk])
    return f"{around[0]}{pk}{around[1]}"


@register.simple_tag
def form_token() -> SafeString:
    """A fresh hidden token per rendered form, so that a repeated submission is applied once."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_hex(16))
