"""A municipality's identity on Ronda's pages and documents (issue #13 item 16): its official name,
its coat of arms and its colour.

The colour is shown behind white text (the header's band, a document's title bar), so it must reach
WCAG 2.1's 4.5:1 contrast against white (success criterion 1.4.3, normal text): a pale colour is
refused with the ratio it reaches, never silently darkened. The coat of arms is a PNG or JPEG checked
by its content (``core.uploads``), small, at most ``MAX_SIDE`` pixels a side: it is public (a
municipality's arms are a public symbol) and served with a versioned, cacheable address.
"""

from __future__ import annotations

import re
from typing import IO, Any

from django.utils.translation import gettext as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal text, against white
MAX_COAT_BYTES = 512 * 1024
MAX_SIDE = 1024


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` (WCAG 2.1 definition)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_with_white(colour: str) -> float:
    return (1.0 + 0.05) / (luminance(colour) + 0.05)


def colour_error(colour: str) -> str | None:
    """Why ``colour`` cannot be the municipality's colour, or None."""
    if not HEX_COLOUR.match(colour):
        return _("Write the colour as # followed by six hexadecimal digits, for example #1d4e89.")
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        return _(
            "White text on this colour has a contrast of %(ratio)s:1; at least %(minimum)s:1 is needed to be "
            "readable. Choose a darker colour."
        ) % {"ratio": f"{ratio:.1f}".replace(".", ","), "minimum": "4,5"}
    return None


def image_error(upload: IO[bytes] | Any, *, name: str) -> str | None:
    """Why the uploaded coat of arms cannot be used (besides ``check_upload``), or None."""
    from PIL import Image

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_COAT_BYTES:
        return _("%(name)s is larger than 512 KB: use a smaller image of the coat of arms.") % {"name": name}
    upload.seek(0)
    with Image.open(upload) as image:
        width, height = image.size
    upload.seek(0)
    if width > MAX_SIDE or height > MAX_SIDE:
        return _("%(name)s is %(width)s × %(height)s pixels: at most %(side)s pixels a side.") % {
            "name": name,
            "width": width,
            "height": height,
            "side": MAX_SIDE,
        }
    return None
