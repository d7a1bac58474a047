"""Template tags of the kernel."""

from __future__ import annotations

import secrets

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ronda.core.idempotency import FIELD

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    """A fresh hidden token per rendered form, so that a repeated submission is applied once."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_hex(16))
