"""Is an answer written for children? The checks behind the preview before an answer is published.

Three signs that a text is hard for a child, each explained in words a coordinator understands:

- **acronyms**: two or more capital letters in a row (``DIS``, ``GAD``, ``MINEDUC``, ``POA``). Every
  one is flagged, ``ONU`` too: a child rarely knows what an acronym stands for. Roman numerals
  (``II``, ``XXI``) are not acronyms.
- **long sentences**: more than ``SHORT_SENTENCE_WORDS`` words.
- **reading ease** of the Spanish text: the Szigriszt-Pazos index read on the INFLESZ scale
  (Barrio-Cantalejo et al., 2008), ``206.835 − 62.3 · syllables/words − words/sentences``. We do
  not use Fernández-Huerta: it is usually quoted with "sentences per 100 words" where Flesch had
  "words per sentence", a transcription that scores long sentences as easier.

The syllable counter follows Spanish spelling: vowels next to each other form one syllable
(a diphthong: *ciu-dad*, *cons-truir*, *U-ru-guay*) unless they are two strong vowels (*po-e-ta*)
or a weak vowel carries the accent (*pa-ís*, *dí-a*, *le-í-ais*); a silent ``u`` after ``q`` or
``g`` (*que-so*, *gui-ta-rra*) adds nothing; ``y`` is a vowel at the end of a word (*hoy*, *muy*).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

# An answer for children: sentences of at most this many words.
SHORT_SENTENCE_WORDS = 20
# Below "fairly easy" on the INFLESZ scale, the text is for adults (a newspaper is "normal").
EASY_ENOUGH = 65
# The index averages over words and sentences: on fewer words it says nothing ("Respuesta." alone
# would be "very difficult"), so a shorter text gets no score.
MIN_WORDS_FOR_INDEX = 10

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?¡¿;:\n]+")
_ACRONYM = re.compile(r"(?<![^\W\d_])[A-ZÁÉÍÓÚÜÑ]{2,}(?![^\W\d_])")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_ROMAN_VALID = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")

_STRONG = set("aeoáéó")
_ACCENTED_WEAK = set("íú")
_VOWELS = set("aeiouáéíóúü")


def _letters(word: str) -> str:
    word = word.lower()
    # A silent u: "que", "qui", "gue", "gui" (not "güe", whose u is heard).
    word = re.sub(r"([qg])u(?=[eiéí])", r"\1", word)
    # y is a vowel when no vowel follows it (hoy, muy, y); before a vowel it is a consonant (ayer).
    return re.sub(r"y(?![aeiouáéíóúü])", "i", word)


def _hiatus(first: str, second: str) -> bool:
    """Two vowels side by side that belong to different syllables."""
    return (first in _STRONG and second in _STRONG) or first in _ACCENTED_WEAK or second in _ACCENTED_WEAK


def syllables(word: str) -> int:
    """The number of syllables of a Spanish word (at least 1 for a word with letters)."""
    count = 0
    previous = ""
    for char in _letters(word):
        if char in _VOWELS:
            if not previous or _hiatus(previous, char):
                count += 1
            previous = char
        else:
            previous = ""
    return max(count, 1) if word else 0


def words(text: str) -> list[str]:
    return _WORD.findall(text or "")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` that hold at least one word."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if words(s)]


def acronyms(text: str) -> list[str]:
    """The acronyms of ``text``, each once, in the order they first appear."""
    found: list[str] = []
    for match in _ACRONYM.findall(text or ""):
        roman = _ROMAN.match(match) and _ROMAN_VALID.match(match)
        if not roman and match not in found:
            found.append(match)
    return found


def reading_ease(text: str) -> int | None:
    """The Szigriszt-Pazos (INFLESZ) index of ``text``, 0 to 100; None for a text of fewer than
    ``MIN_WORDS_FOR_INDEX`` words."""
    found = words(text)
    if len(found) < MIN_WORDS_FOR_INDEX:
        return None
    n_sentences = max(len(sentences(text)), 1)
    n_syllables = sum(syllables(w) for w in found)
    score = 206.835 - 62.3 * n_syllables / len(found) - len(found) / n_sentences
    return max(0, min(100, round(score)))


def reading_level(score: int) -> str:
    """The INFLESZ band of a score, as a coordinator would say it."""
    if score > 80:
        return pgettext("reading ease", "very easy")
    if score >= EASY_ENOUGH:
        return pgettext("reading ease", "fairly easy")
    if score >= 55:
        return pgettext("reading ease", "normal, for adults")
    if score >= 40:
        return pgettext("reading ease", "somewhat difficult")
    return pgettext("reading ease", "very difficult")


@dataclass(frozen=True)
class AnswerCheck:
    """What the preview says of an answer: the signs found, and a sentence for each."""

    acronyms: tuple[str, ...] = ()
    long_sentences: tuple[str, ...] = ()
    score: int | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def level(self) -> str:
        return reading_level(self.score) if self.score is not None else ""

    @property
    def ok(self) -> bool:
        return not self.warnings


def check_answer(text: str) -> AnswerCheck:
    """The child-friendly check of ``text``: acronyms, sentences of more than ``SHORT_SENTENCE_WORDS``
    words, and a reading ease below "fairly easy"."""
    found = tuple(acronyms(text))
    long = tuple(s for s in sentences(text) if len(words(s)) > SHORT_SENTENCE_WORDS)
    score = reading_ease(text)
    warnings = []
    if found:
        warnings.append(
            _("Acronyms the children may not know: %(acronyms)s. Say in words what they stand for.")
            % {"acronyms": ", ".join(found)}
        )
    if long:
        warnings.append(
            ngettext(
                "One sentence has more than %(words)d words. Children understand short sentences better.",
                "%(count)d sentences have more than %(words)d words. Children understand short sentences better.",
                len(long),
            )
            % {"count": len(long), "words": SHORT_SENTENCE_WORDS}
        )
    if score is not None and score < EASY_ENOUGH:
        warnings.append(
            _(
                "Hard to read for a child: %(level)s (%(score)d out of 100 on the INFLESZ scale; "
                "“fairly easy” starts at %(easy)d). Use shorter sentences and everyday, shorter words."
            )
            % {"level": reading_level(score), "score": score, "easy": EASY_ENOUGH}
        )
    return AnswerCheck(acronyms=found, long_sentences=long, score=score, warnings=tuple(warnings))


def fingerprint(text: str) -> str:
    """Identifies the exact text a preview showed: publishing needs the preview of the same text."""
    return hashlib.sha256((text or "").strip().encode()).hexdigest()[:16]
