"""``{% load territory %}``: what a page needs to know of a unit to format its figures.

{% currency_of plan.org_unit as currency %}{{ row.planned|money:currency }}
"""

from __future__ import annotations

import base64
import contextlib

from django import template

from ronda.territory.selectors import UnitKey, currency_of

register = template.Library()

_CACHE_ATTRIBUTE = "_ronda_currency"
MAX_EMBED_BYTES = 512 * 1024  # territory.identity.MAX_COAT_BYTES


@register.simple_tag(name="currency_of")
def currency_of_tag(unit: UnitKey | None) -> str:
    """The ISO 4217 code of ``unit``'s money; looked up once per unit object and page (a page and
    the partials it includes share it)."""
    if unit is None or not getattr(unit, "path", ""):
        return ""
    cached = getattr(unit, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = currency_of(unit)
        with contextlib.suppress(AttributeError):  # a frozen value (UnitRef): looked up again next time
            setattr(unit, _CACHE_ATTRIBUTE, cached)
    return str(cached)


@register.inclusion_tag("territory/partials/letterhead.html")
def municipal_letterhead(unit: UnitKey | None) -> dict[str, object]:
    """A document's letterhead (``{% municipal_letterhead plan.org_unit %}``): the municipality's
    coat of arms, embedded (a PDF renderer fetches nothing), its official name and its colour."""
    from ronda.territory.selectors import identity_of

    code = getattr(unit, "code", None)
    identity = identity_of(code) if code else None
    if identity is None:
        return {"identity": None}
    image = ""
    if identity.coat_of_arms:
        try:
            with identity.coat_of_arms.open("rb") as stored:
                content = stored.read(MAX_EMBED_BYTES + 1)
        except OSError:
            content = b""
        if content and len(content) <= MAX_EMBED_BYTES:
            kind = "image/jpeg" if content.startswith(b"\xff\xd8") else "image/png"
            image = f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"
    return {"identity": identity, "image": image}
