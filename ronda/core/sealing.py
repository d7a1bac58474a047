"""Credentials that other systems gave us, kept in the database sealed (Fernet: AES-128-CBC with an
HMAC-SHA256, from the ``cryptography`` library).

A ministry's DHIS2 token lets whoever holds it write that ministry's figures; a database dump or
backup must not hand it over. ``seal`` is called when the credential is stored and ``unseal`` only
where it is used (the push job); forms, API answers and the audit trail never show it anyway.

The key is ``settings.RONDA_SECRETS_KEY`` (any text; a 32-byte key is derived from it with HKDF),
or ``SECRET_KEY`` when that setting is empty. A value stored before sealing existed (no prefix) is
read as it is; a sealed value that the current key cannot open raises ``SealBroken`` — the key
changed, and the credential must be saved again.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "sealed:v1:"


class SealBroken(Exception):
    """A sealed value the current key cannot open (the key changed since it was stored)."""


@functools.lru_cache(maxsize=4)
def _fernet(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ronda sealed credentials v1").derive(
        material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _key_material() -> str:
    return settings.RONDA_SECRETS_KEY or settings.SECRET_KEY


def seal(text: str) -> str:
    """The text sealed for storage ("" stays "": nothing to hide)."""
    if not text:
        return ""
    return PREFIX + _fernet(_key_material()).encrypt(text.encode()).decode("ascii")


def unseal(stored: str) -> str:
    """The text ``seal`` sealed; an unsealed (older) value as it is; SealBroken when the key changed."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet(_key_material()).decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise SealBroken from None


def sealed_length(plain_length: int) -> int:
    """How long a sealed text of ``plain_length`` characters (ASCII) can be: for column sizes."""
    ciphertext = (plain_length // 16 + 1) * 16
    token = 1 + 8 + 16 + ciphertext + 32
    return len(PREFIX) + -(-token // 3) * 4
