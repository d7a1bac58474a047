"""DHIS2-style identifiers: 11 characters, a letter first, then letters and digits.

Ronda keeps its own integer keys and codes; every object a DHIS2 client can name (org units, data
elements, categories and their options and combinations, indicators, data sets) also carries one
of these, stable for its life, so that a client or a ministry's DHIS2 can refer to it by uid.
"""

from __future__ import annotations

import re
import secrets
import string

LETTERS = string.ascii_letters
ALPHANUMERIC = string.ascii_letters + string.digits
LENGTH = 11
UID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")


def generate_uid() -> str:
    """A new random uid (62^10 × 52 possibilities: collisions are not a practical concern, and the
    columns are unique anyway)."""
    return secrets.choice(LETTERS) + "".join(secrets.choice(ALPHANUMERIC) for _ in range(LENGTH - 1))


def is_valid_uid(value: object) -> bool:
    return isinstance(value, str) and UID_RE.match(value) is not None
