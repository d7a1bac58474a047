"""Credentials of other systems are sealed at rest (ronda/core/sealing.py)."""

from __future__ import annotations

import pytest

from ronda.core import sealing


def test_a_sealed_text_hides_it_and_opens_again(settings):
    settings.RONDA_SECRETS_KEY = "una clave de prueba"
    sealed = sealing.seal("d2pat_SECRETO123")
    assert sealed.startswith(sealing.PREFIX) and "SECRETO" not in sealed
    assert sealing.unseal(sealed) == "d2pat_SECRETO123"
    assert sealing.seal("d2pat_SECRETO123") != sealed  # a fresh IV each time: equal tokens do not show
    assert len(sealing.seal("x" * 500)) <= sealing.sealed_length(500)


def test_nothing_stays_nothing_and_an_older_plain_value_is_read_as_it_is():
    assert sealing.seal("") == "" and sealing.unseal("") == ""
    assert sealing.unseal("d2pat_guardado_antes") == "d2pat_guardado_antes"


def test_another_key_cannot_open_it(settings):
    settings.RONDA_SECRETS_KEY = "primera clave"
    sealed = sealing.seal("d2pat_SECRETO123")
    settings.RONDA_SECRETS_KEY = "otra clave"
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(sealed)
    settings.RONDA_SECRETS_KEY = ""  # falls back to SECRET_KEY: still not the key it was sealed with
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(sealed)
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(sealing.PREFIX + "no-es-fernet")
