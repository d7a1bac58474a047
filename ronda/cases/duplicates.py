"""Is this child already registered? Candidates for a new registration, with a score and the reasons
(decision 0023).

Two steps, so that it stays fast at a million children:

1. **Keys, indexed.** Each child carries phonetic keys of its first given name (after nicknames and
   diminutives are mapped to the name: Pepe → José, Juanito → Juan) and of each surname, plus an
   approximate birth year. Candidates are the children of the same municipality sharing a surname key
   (in either position: compound surnames in either order, one of them missing), or sharing the given
   key within two years of birth. Each branch is an index range (``Child.Meta.indexes``).
2. **Score, in Python.** Each candidate is compared field by field: given names (nicknames,
   Jaro–Winkler on the folded forms), surnames as a set, date of birth or estimated age, community and
   caregivers' names. The score is in 0–1; ``THRESHOLD`` is where a candidate is shown.

Nothing here knows who asks: the policy decides what of each candidate the user may see.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ronda.cases.models import Child
from ronda.core.names import DIMINUTIVE_SUFFIXES, HYPOCORISTICS, fold

# Shown from here (see the labelled set in tests/test_duplicates.py and decision 0023).
THRESHOLD = 0.72
# At most this many rows are scored: a very common name in a big municipality is cut off here.
MAX_CANDIDATES = 400
# At most this many candidates are shown.
MAX_SHOWN = 10

# Words that join compound surnames ("de la Cruz", "del Pozo") and carry no identity on their own.
PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "san", "da", "di"})
_LETTERS = re.compile(r"[a-z]+")
# Letters said like others (after "ch", "qu", "ce", "ge"… are rewritten): "h" is silent.
_SOUNDS = str.maketrans("czvwxq", "ksbbjk", "h")

# Why a candidate came up: the kinds a user who may not read the candidate sees, too.
REASON_LABELS = {
    "same_name": _("same first name"),
    "similar_name": _("similar first name"),
    "nickname": _("first name or nickname"),
    "same_surnames": _("same surnames"),
    "surnames_swapped": _("surnames in the other order"),
    "surname_missing": _("one surname missing"),
    "similar_surnames": _("similar surnames"),
    "same_birth_date": _("same date of birth"),
    "birth_within_year": _("date of birth within a year"),
    "age_matches": _("age matches the estimate"),
    "same_community": _("same community"),
    "caregiver": _("same caregiver's name"),
}


# --- Names ------------------------------------------------------------------------------------
def words(text: str) -> list[str]:
    return _LETTERS.findall(fold(text))


def surname_words(*surnames: str) -> list[str]:
    """Each surname's words without particles: "de la Cruz Yépez" → ["cruz", "yepez"]."""
    return [w for s in surnames for w in words(s) if w not in PARTICLES]


@lru_cache(maxsize=1)
def _canonical_by_variant() -> dict[str, str]:
    """Nickname or diminutive → the name it stands for (single-word names only)."""
    table: dict[str, str] = {}
    for name, variants in HYPOCORISTICS.items():
        if " " in name:
            continue
        for variant in (*variants, *_diminutives(name)):
            table.setdefault(variant, name)
    for name, variants in HYPOCORISTICS.items():
        if " " not in name:
            for variant in variants:
                for form in _diminutives(variant):
                    table.setdefault(form, name)
    for name in HYPOCORISTICS:
        table.pop(name, None)  # a name is itself, never another's nickname
    return table


def _diminutives(word: str) -> set[str]:
    stems = {word}
    if word[-1:] in ("a", "e", "o"):
        stems.add(word[:-1])
    forms = set()
    for stem in stems:
        if len(stem) < 3:
            continue
        for suffix in DIMINUTIVE_SUFFIXES:
            base = stem
            if suffix[0] in "ie" and stem.endswith("c"):
                base = stem[:-1] + "qu"
            elif suffix[0] in "ie" and stem.endswith("g"):
                base = stem + "u"
            forms.add(base + suffix)
    return forms


def canonical(word: str) -> str:
    """The name a given name stands for: "pepe" → "jose", "juanito" → "juan", "maria" → "maria"."""
    return _canonical_by_variant().get(word, word)


def phonetic(word: str) -> str:
    """A Spanish sound key: letters that sound alike written alike, vowels dropped after the first letter.

    "Jiménez", "Giménez", "Ximénez" → "jmns"; "Quezada", "Kesada" → "ksd"; "Jhonatan", "Jonathan" → "jntn".
    """
    w = fold(word).replace(" ", "")
    if not w:
        return ""
    if w.startswith("es") and len(w) > 3 and w[2] not in "aeiou":
        w = w[1:]  # "Estefanía" and "Stefany" are said alike
    rules = (
        ("ch", "C"),
        ("sh", "C"),
        ("ph", "f"),
        ("th", "t"),
        ("qu", "k"),
        ("gue", "ge"),
        ("gui", "gi"),
        ("ge", "je"),
        ("gi", "ji"),
        ("ce", "se"),
        ("ci", "si"),
        ("ll", "y"),
        ("rr", "r"),
    )
    for old, new in rules:
        w = w.replace(old, new)
    w = w.translate(_SOUNDS)
    if not w:
        return ""
    first, rest = w[0], w[1:]
    # "y" is a vowel at the end of a word or before a consonant ("Nataly" is "Natali").
    rest = re.sub(r"y(?![aeiou])", "i", rest)
    skeleton = first + "".join(ch for ch in rest if ch not in "aeiou")
    collapsed = re.sub(r"(.)\1+", r"\1", skeleton)
    return collapsed.lower()[:40]


@dataclass(frozen=True)
class Keys:
    given: str
    paternal: str
    maternal: str
    birth_year: int | None
    search_text: str


def approximate_birth_year(
    birth_date: dt.date | None, estimated_age: int | None, estimated_on: dt.date | None
) -> int | None:
    if birth_date is not None:
        return birth_date.year
    if estimated_age is not None:
        return (estimated_on or timezone.localdate()).year - estimated_age
    return None


def keys_of(
    *,
    first_names: str,
    paternal_surname: str,
    maternal_surname: str,
    alias: str,
    birth_date: dt.date | None,
    estimated_age: int | None,
    age_estimated_on: dt.date | None,
) -> Keys:
    given = words(first_names) or words(alias)
    paternal = surname_words(paternal_surname)
    maternal = surname_words(maternal_surname)
    return Keys(
        given=phonetic(canonical(given[0])) if given else "",
        paternal=phonetic(paternal[0]) if paternal else "",
        maternal=phonetic(maternal[0]) if maternal else "",
        birth_year=approximate_birth_year(birth_date, estimated_age, age_estimated_on),
        search_text=" ".join(words(" ".join((first_names, paternal_surname, maternal_surname, alias))))[:300],
    )


# --- Similarity -------------------------------------------------------------------------------
def jaro_winkler(a: str, b: str) -> float:
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_flags = [False] * len(a)
    b_flags = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_flags[j] and b[j] == ch:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_matched = [ch for ch, f in zip(a, a_flags, strict=True) if f]
    b_matched = [ch for ch, f in zip(b, b_flags, strict=True) if f]
    transpositions = sum(x != y for x, y in zip(a_matched, b_matched, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def _word_similarity(a: str, b: str) -> float:
    """Folded words: spelling (Jaro–Winkler) or sound (same phonetic key, a little below equal)."""
    if a == b:
        return 1.0
    spelled = jaro_winkler(a, b)
    return max(spelled, 0.93) if phonetic(a) == phonetic(b) else spelled


@dataclass
class Person:
    """What is compared of a child: the one being registered, or a candidate from the database."""

    given: list[str]
    surnames_paternal: list[str]
    surnames_maternal: list[str]
    birth_date: dt.date | None
    estimated_age: int | None
    age_estimated_on: dt.date | None
    community_id: int | None
    caregivers: list[str] = field(default_factory=list)
    sex: str = ""

    @classmethod
    def of(
        cls,
        *,
        first_names: str = "",
        paternal_surname: str = "",
        maternal_surname: str = "",
        alias: str = "",
        birth_date: dt.date | None = None,
        estimated_age: int | None = None,
        age_estimated_on: dt.date | None = None,
        community_id: int | None = None,
        caregivers: Iterable[str] = (),
        sex: str = "",
    ) -> Person:
        return cls(
            given=words(first_names) or words(alias),
            surnames_paternal=surname_words(paternal_surname),
            surnames_maternal=surname_words(maternal_surname),
            birth_date=birth_date,
            estimated_age=estimated_age,
            age_estimated_on=age_estimated_on or (timezone.localdate() if estimated_age is not None else None),
            community_id=community_id,
            caregivers=[" ".join(words(c)) for c in caregivers if words(c)],
            sex=sex,
        )

    @classmethod
    def of_child(cls, child: Child, caregivers: Iterable[str] = ()) -> Person:
        return cls.of(
            first_names=child.first_names,
            paternal_surname=child.paternal_surname,
            maternal_surname=child.maternal_surname,
            alias=child.alias,
            birth_date=child.birth_date,
            estimated_age=child.estimated_age,
            age_estimated_on=child.age_estimated_on,
            community_id=child.community_id,
            caregivers=caregivers,
            sex=child.sex,
        )

    @property
    def surnames(self) -> list[str]:
        return [*self.surnames_paternal, *self.surnames_maternal]

    def birth_range(self, today: dt.date) -> tuple[dt.date, dt.date] | None:
        """The earliest and latest possible birth dates (an estimated age is a one-year range)."""
        if self.birth_date is not None:
            return self.birth_date, self.birth_date
        if self.estimated_age is None:
            return None
        on = self.age_estimated_on or today
        latest = _years_before(on, self.estimated_age)
        earliest = _years_before(on, self.estimated_age + 1) + dt.timedelta(days=1)
        return earliest, latest


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _gender_pair(a: str, b: str) -> bool:
    """The masculine and feminine forms of one name: Luis/Luisa, Daniel/Daniela, Fernando/Fernanda."""
    short, long = sorted((a, b), key=len)
    if long == short + "a":
        return True
    return len(a) == len(b) and a[:-1] == b[:-1] and {a[-1], b[-1]} == {"a", "o"}


def _given_score(new: Person, old: Person) -> tuple[float, str | None]:
    if not new.given or not old.given:
        return 0.0, None
    new_first, old_first = new.given[0], old.given[0]
    if new_first == old_first:
        # "María José" and "María" are alike; "María José" and "María Fernanda" less so.
        if len(new.given) > 1 and len(old.given) > 1 and new.given[1] != old.given[1]:
            second = _word_similarity(new.given[1], old.given[1])
            return (0.8 + 0.2 * second if second >= 0.85 else 0.6), "similar_name"
        return 1.0, "same_name"
    if canonical(new_first) == canonical(old_first):
        return 0.95, "nickname"
    # A compound name written as its second part ("José Luis" → "Luis"), or joined ("Mariajosé").
    joined_new, joined_old = "".join(new.given), "".join(old.given)
    if joined_new == joined_old:
        return 0.95, "same_name"
    if _gender_pair(new_first, old_first):
        return 0.5, None  # Luis and Luisa, Gabriel and Gabriela: a brother and a sister
    best = _word_similarity(new_first, old_first)
    if (len(old.given) > 1 and new_first == old.given[1]) or (len(new.given) > 1 and old_first == new.given[1]):
        best = max(best, 0.85)
    return best, ("similar_name" if best >= 0.85 else None)


def _surname_score(new: Person, old: Person) -> tuple[float, str | None]:
    a, b = new.surnames, old.surnames
    if not a or not b:
        return 0.4, None  # nothing to compare: neither for nor against
    if a == b:
        return 1.0, "same_surnames"
    if sorted(a) == sorted(b):
        return 0.95, "surnames_swapped"
    if len(a) == len(b) == 2:
        straight = (_word_similarity(a[0], b[0]) + _word_similarity(a[1], b[1])) / 2
        crossed = (_word_similarity(a[0], b[1]) + _word_similarity(a[1], b[0])) / 2
        if crossed > straight and crossed >= 0.93:
            return 0.9 * crossed, "surnames_swapped"
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    pairs = [max(_word_similarity(s, t) for t in longer) for s in shorter]
    mean = sum(pairs) / len(pairs)
    if len(shorter) < len(longer) and min(pairs) >= 0.93:
        return 0.9 * mean + 0.05, "surname_missing"
    if len(a) == len(b) == 2:
        straight = (_word_similarity(a[0], b[0]) + _word_similarity(a[1], b[1])) / 2
        crossed = (_word_similarity(a[0], b[1]) + _word_similarity(a[1], b[0])) / 2
        mean = max(straight, crossed)
    return mean, ("similar_surnames" if mean >= 0.88 else None)


def _birth_score(new: Person, old: Person, today: dt.date) -> tuple[float, str | None]:
    if new.birth_date is not None and old.birth_date is not None:
        if new.birth_date == old.birth_date:
            return 1.0, "same_birth_date"
        days = abs((new.birth_date - old.birth_date).days)
        if days <= 366:
            # Day and month swapped, a wrong year, a guess: close, but less than equal.
            return 0.85 - 0.25 * days / 366, "birth_within_year"
        return 0.0, None
    new_range, old_range = new.birth_range(today), old.birth_range(today)
    if new_range is None or old_range is None:
        return 0.5, None
    # Estimated ages: the two ranges overlap, give or take a year.
    slack = dt.timedelta(days=366)
    if new_range[0] - slack <= old_range[1] and old_range[0] - slack <= new_range[1]:
        return 0.8, "age_matches"
    return 0.0, None


def _caregiver_score(new: Person, old: Person) -> bool:
    for a in new.caregivers:
        for b in old.caregivers:
            wa, wb = a.split(), b.split()
            if (
                wa
                and wb
                and _word_similarity(wa[0], wb[0]) >= 0.9
                and (len(wa) == 1 or len(wb) == 1 or any(_word_similarity(x, y) >= 0.9 for x in wa[1:] for y in wb[1:]))
            ):
                return True
    return False


@dataclass(frozen=True)
class Match:
    score: float
    reasons: tuple[str, ...]


def compare(new: Person, old: Person, *, today: dt.date | None = None) -> Match:
    """How likely ``old`` is the child ``new`` describes, and why."""
    today = today or timezone.localdate()
    given, given_reason = _given_score(new, old)
    surname, surname_reason = _surname_score(new, old)
    birth, birth_reason = _birth_score(new, old, today)
    same_community = new.community_id is not None and new.community_id == old.community_id
    caregiver = _caregiver_score(new, old)
    score = 0.4 * given + 0.3 * surname + 0.22 * birth + 0.04 * same_community + 0.04 * caregiver
    # Strong evidence against: another first name (siblings, twins), or births years apart.
    if given < 0.8:
        score *= 0.7
    if surname < 0.85:
        score *= 0.8
    if birth == 0.0:
        score *= 0.75
    if new.sex and old.sex and new.sex != old.sex:
        score *= 0.6
    reasons = [r for r in (given_reason, surname_reason, birth_reason) if r]
    if same_community:
        reasons.append("same_community")
    if caregiver:
        reasons.append("caregiver")
    return Match(score=round(min(score, 1.0), 3), reasons=tuple(reasons))


# --- Candidates -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    child: Child
    score: float
    reasons: tuple[str, ...]

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS[r]) for r in self.reasons]


def candidate_rows(municipality_id: int, keys: Keys, person: Person) -> QuerySet[Child]:
    """The indexed query: children of the municipality sharing a surname key, or the given key near
    the same birth year. Not scoped to a user: the policy decides what each user sees of them."""
    surname_keys = sorted({phonetic(s) for s in person.surnames} - {""})
    condition = Q()
    if surname_keys:
        condition |= Q(paternal_key__in=surname_keys) | Q(maternal_key__in=surname_keys)
    if keys.given:
        near = Q(given_key=keys.given)
        if keys.birth_year is not None:
            near &= Q(birth_year__gte=keys.birth_year - 2, birth_year__lte=keys.birth_year + 2)
        condition |= near
    if not condition:
        return Child.objects.none()
    return Child.objects.filter(condition, municipality_id=municipality_id, merged_into__isnull=True)


def find_candidates(
    *,
    municipality_id: int,
    person: Person,
    keys: Keys,
    exclude_ids: Sequence[int] = (),
    threshold: float = THRESHOLD,
    today: dt.date | None = None,
) -> list[Candidate]:
    """The children that may be the one described, best first, at most ``MAX_SHOWN``."""
    rows = list(
        candidate_rows(municipality_id, keys, person)
        .exclude(pk__in=exclude_ids)
        .select_related("community")
        .prefetch_related("caregivers")
        .order_by("-id")[:MAX_CANDIDATES]
    )
    found = []
    for child in rows:
        old = Person.of_child(child, [c.display_name for c in child.caregivers.all()])
        match = compare(person, old, today=today)
        if match.score >= threshold:
            found.append(Candidate(child=child, score=match.score, reasons=match.reasons))
    found.sort(key=lambda c: (-c.score, -(c.child.pk or 0)))
    return found[:MAX_SHOWN]
