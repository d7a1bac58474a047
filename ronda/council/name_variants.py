"""How a child's first name can hide in a text: the data and the matching behind the guard on
published council texts (``council.selectors.mentions_member_name``).

A text is first reduced to a *skeleton*: NFKC (full-width and styled letters become plain
ones), Unicode format characters dropped (zero-width spaces, soft hyphens, joiners, bidi
marks), accents stripped, and a small table of look-alike letters (Cyrillic ``а`` for ``a``,
Greek ``ο`` for ``o`` …) mapped to Latin. Then a name is found when the text has

- the name itself, as whole words (``María José`` is two words in a row);
- a common Spanish hypocoristic of it (``Pepe`` for José, ``Lupita`` for Guadalupe);
- the name or one of those with a diminutive ending (``Mariíta``, ``Marita``, ``Juancito``,
  ``Carlitos``, ``Paquito``);
- any of these spelled out letter by letter (``M a r í a``, ``M.a.r.í.a``, ``M-a-r-í-a``).

A word is never matched by its beginning alone, so the member ``Ana`` does not flag
``semana``, ``mañana`` or ``Ananá``, and ``María`` does not flag ``mariposa`` or ``marina``.
A variant that is also an everyday word (``vale`` for Valentina, ``tono`` for Toño) counts
only when written with a capital letter, as names are (also at the start of a sentence: the
guard asks for a confirmation, and a missed name costs more than one click).

The guard helps honest writers; it cannot stop a determined one, who may confirm anyway.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from ronda.core.names import DIMINUTIVE_SUFFIXES, HYPOCORISTICS

# --- Data ---------------------------------------------------------------------------------
# Letters of other scripts that look like Latin ones, in both cases (accents are stripped first).
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D",
        "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "I",
        # Greek
        "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        # Latin letters that keep their look without an accent to strip
        "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ł": "l", "Ł": "L", "ø": "o",
        "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
    }
)  # fmt: skip

# Blank-looking characters that are letters or symbols, not format characters.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")

# The name data (hypocoristics, diminutive endings) is shared with the cases: ronda.core.names.

# Variants (never the member's name itself) that are also everyday Spanish words: they count only
# when written with a capital letter ("vale la pena" is not Valentina, "Vale pidió…" may be).
EVERYDAY_WORDS = frozenset(
    {
        "caro", "cata", "chela", "chelo", "chepa", "chucho", "concha", "conchita", "curro",
        "leo", "lucho", "mecha", "memo", "mili", "nacho", "paca", "pancho", "pato", "tina",
        "tito", "tono", "vale", "valen",
        # diminutives of names that are words as well (Mar, Marta, Pato, Sol, Toño)
        "marina", "martillo", "patito", "solita", "solito", "tonito",
    }
)  # fmt: skip

# Shorter forms match too many words (and the member list keeps names of 3 letters or more).
MIN_LETTERS = 3

# --- Matching -----------------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+")
# Three or more single letters separated by spaces, dots, hyphens, slashes, stars, apostrophes…
_SEPARATOR = r"[\s.·•*_/|'’\-\u2010-\u2015]{1,3}"
_SPELLED = re.compile(rf"(?<![^\W_])[^\W_](?:{_SEPARATOR}[^\W_](?![^\W_])){{2,}}")


def skeleton(text: str) -> str:
    """``text`` with look-alikes made plain: NFKC, no format characters, no accents, Latin
    letters for confusable ones. Case is kept (it matters for everyday words)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if ch not in INVISIBLE and unicodedata.category(ch) != "Cf")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Me"))
    return plain.translate(CONFUSABLES)


def words_of(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(skeleton(text))]


def _stems(word: str) -> set[str]:
    """Where a diminutive ending goes: Juan → Juan-ito, María → Mari-íta, Carlos → Carl-itos."""
    stems = {word}
    if word[-1:] in ("a", "e", "o"):
        stems.add(word[:-1])
    elif len(word) > 2 and word[-1] == "s" and word[-2] in "aeo":
        stems.add(word[:-2])
    return {s for s in stems if len(s) >= MIN_LETTERS}


def diminutives(word: str) -> set[str]:
    forms = set()
    for stem in _stems(word):
        for suffix in DIMINUTIVE_SUFFIXES:
            base = stem
            if suffix[0] in "ie":  # spelling before i/e: Paco → Paqu-ito, Diego → Diegu-ito
                if stem.endswith("c"):
                    base = stem[:-1] + "qu"
                elif stem.endswith("g"):
                    base = stem + "u"
            forms.add(base + suffix)
            if suffix.startswith("it") and base.endswith("i"):
                forms.add(base + suffix[1:])  # Mariíta is also written Marita
    return forms


def forms_of(first_name: str) -> dict[tuple[str, ...], bool]:
    """Every way of writing ``first_name`` the guard looks for, as words in a row, each with
    whether it counts only when capitalised. Empty for names shorter than three letters."""
    return dict(_forms_of(first_name))


@lru_cache(maxsize=4096)  # the same council's names are looked up for every field of every form
def _forms_of(first_name: str) -> tuple[tuple[tuple[str, ...], bool], ...]:
    words = tuple(words_of(first_name))
    if len("".join(words)) < MIN_LETTERS:
        return ()
    forms: dict[tuple[str, ...], bool] = {words: False}
    variants = set(HYPOCORISTICS.get(" ".join(words), ()))
    if len(words) == 1:
        for base in {words[0], *variants}:
            variants |= diminutives(base)
    for variant in variants:
        if len(variant) >= MIN_LETTERS and (variant,) != words:
            forms.setdefault((variant,), variant in EVERYDAY_WORDS)
    return tuple(forms.items())


class NameMatcher:
    """The first names of a council's members, ready to look for in texts."""

    def __init__(self, first_names: Iterable[str]) -> None:
        self._forms: dict[tuple[str, ...], bool] = {}
        for name in first_names:
            for form, capital_only in forms_of(name).items():
                # A form that is someone's real name (or a variant that is not an everyday word)
                # always counts, whatever else it also is.
                self._forms[form] = self._forms.get(form, True) and capital_only
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for form in self._forms:
            self._by_first.setdefault(form[0], []).append(form)
        self._joined = {"".join(form) for form in self._forms}
        # Compound names run together ("Mariajosé") are looked for as one word as well.
        self._joined_compounds = {"".join(form) for form in self._forms if len(form) > 1}

    def __bool__(self) -> bool:
        return bool(self._forms)

    def found_in(self, text: str) -> bool:
        plain = skeleton(text or "")
        raw = _WORD.findall(plain)
        words = [w.casefold() for w in raw]
        for i, word in enumerate(words):
            if word in self._joined_compounds:
                return True
            for form in self._by_first.get(word, ()):
                if tuple(words[i : i + len(form)]) == form and (raw[i][:1].isupper() or not self._forms[form]):
                    return True
        for run in _SPELLED.finditer(plain):
            letters = "".join(_WORD.findall(run.group(0))).casefold()
            if any(form in letters for form in self._joined):
                return True
        return False
