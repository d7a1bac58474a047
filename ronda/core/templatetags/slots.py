"""``{% slot "app.page" object %}``: what the apps above a page add to it (``ronda.core.slots``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from ronda.core import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str, obj: Any) -> SafeString | str:
    request = context.get("request")
    if request is None:
        # A template rendered without a request (a PDF, an e-mail) shows no contributions: they
        # are decided per person, and there is no person here.
        return ""
    return slots.render(name, request, obj)
