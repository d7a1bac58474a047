"""The child-friendly check of answers: Spanish syllables, acronyms, long sentences, reading ease."""

from __future__ import annotations

import pytest

from ronda.council import readability


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("niño", 2),
        ("ciudad", 2),  # ciu-dad: diphthong
        ("construir", 2),  # cons-truir: two weak vowels
        ("país", 2),  # pa-ís: accented weak vowel, hiatus
        ("día", 2),
        ("río", 2),
        ("baúl", 2),
        ("reúne", 3),
        ("leíais", 3),  # le-í-ais
        ("poeta", 3),  # po-e-ta: two strong vowels
        ("aéreo", 4),
        ("héroe", 3),
        ("murciélago", 4),  # cié: diphthong with the accent on the strong vowel
        ("Uruguay", 3),  # triphthong, y as a vowel
        ("buey", 1),
        ("hoy", 1),
        ("y", 1),
        ("ayer", 2),  # y before a vowel is a consonant
        ("queso", 2),  # silent u
        ("guitarra", 3),
        ("pingüino", 3),  # ü is heard
        ("agua", 2),
        ("ahora", 3),
        ("huevo", 2),
        ("adolescentes", 5),
        ("MINEDUC", 3),
    ],
)
def test_spanish_syllables(word: str, count: int) -> None:
    assert readability.syllables(word) == count


def test_acronyms_are_flagged_once_and_roman_numerals_are_not() -> None:
    text = "La DIS del GAD coordinará con el MSP, el MINEDUC y la DIS conforme al POA del siglo XXI, capítulo II."
    assert readability.acronyms(text) == ["DIS", "GAD", "MSP", "MINEDUC", "POA"]
    assert readability.acronyms("La ONU ayuda.") == ["ONU"]  # no allow-list: children rarely know them
    assert readability.acronyms("Ecuador y Loja, en Mayúsculas Iniciales.") == []


def test_the_published_jargon_answer_is_caught() -> None:
    check = readability.check_answer(
        "La DIS del GAD coordinará con el MSP y el MINEDUC la implementación conforme al POA."
    )
    assert not check.ok
    assert "DIS, GAD, MSP, MINEDUC, POA" in check.warnings[0]


def test_long_sentences_and_reading_ease() -> None:
    long = " ".join(["palabra"] * 21) + ". Corto."
    check = readability.check_answer(long)
    assert len(check.long_sentences) == 1 and not check.ok
    easy = readability.check_answer(
        "Vamos a arreglar el parque. Pondremos columpios nuevos en marzo. ¡Gracias por pedirlo!"
    )
    assert easy.ok and easy.score is not None and easy.score >= readability.EASY_ENOUGH
    assert easy.level in ("muy fácil", "bastante fácil", "very easy", "fairly easy")
    hard = readability.check_answer(
        "La implementación institucionalizada. Las intervenciones multisectoriales. "
        "Corresponsabilidad interinstitucional garantizada. Planificación presupuestaria participativa."
    )
    assert hard.score is not None and hard.score < 40 and not hard.ok
    assert any("INFLESZ" in w for w in hard.warnings)


def test_reading_ease_needs_enough_words() -> None:
    assert readability.reading_ease("Respuesta.") is None  # one word says nothing
    assert readability.check_answer("Respuesta.").ok


def test_reading_levels() -> None:
    levels = [readability.reading_level(score) for score in (90, 70, 60, 45, 20)]
    assert len(set(levels)) == 5


def test_fingerprint_is_of_the_exact_text() -> None:
    assert readability.fingerprint(" Sí. ") == readability.fingerprint("Sí.")
    assert readability.fingerprint("Sí.") != readability.fingerprint("Si.")
