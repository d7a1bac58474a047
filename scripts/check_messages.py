"""Fail when the message catalogues are stale or incomplete.

1. ``makemessages`` must find no new and no vanished msgid.
2. Spanish and English must have no untranslated and no fuzzy entries.
3. The committed ``.mo`` files must match their ``.po`` files.
4. A msgid that has a context anywhere ("Measure" as "plan measure") has one everywhere: once a
   word is known to be ambiguous in Spanish, every use must say which meaning it is (a bare
   "Measure" was translated as the verb "Medir" in the reports to the Concejo).
5. A msgid that shows a count ("%(n)s present") is plural (``ngettext``/``blocktranslate count``):
   Spanish says "1 presente", "2 presentes". A placeholder that is a number but not a count
   (a page number, a semester, a member number) is listed in NOT_COUNTS.
6. A one-word msgid with a context that names a thing ("plan measure") is a noun: its Spanish is
   not an infinitive ("Medir"). A context that says the word is a verb, a button or an action may
   be translated as one.
Needs GNU gettext (``apt-get install gettext``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LANGS = ("es", "en")
# Placeholders that name how many of something: their msgid must be plural.
COUNT = re.compile(r"%\((?:count|n|total|created|updated|days|hours|minutes|members|present|c|u|e)\)[sd]|%d")
# Numbers in these msgids are not counts of things (or the sentence reads the same for one).
NOT_COUNTS = {
    "semester %(number)s",
    # an ordinal of a period ("trimestre 1 de 2026"), not a number of things
    "quarter %(n)s of %(year)s",
    "semester %(n)s of %(year)s",
    "Council member %(number)s",
    "Page %(n)s of %(total)s",
    # a number in brackets after a label: "Solo vencidas (1)" reads the same for one
    "Only overdue (%(n)s)",
    # the placeholder is Django's timesince text ("3 días"), already plural-aware
    "Overdue by %(days)s",
    # "position 1 of 1" reads the same in Spanish
    "%(item)s moved to position %(position)s of %(count)s.",
    "Moved: “%(title)s” is now in position %(position)s of %(count)s.",
    # hours of a training as a figure with a unit symbol ("1,5 h", "2 h"): the symbol has no plural
    "%(hours)s h",
    # a list of days ("3, 1"), always several, or a bound of the form that is always more than one
    "Reminders are sent %(days)s days before the meeting.",
    "Give at most %(count)d reminders, each between 1 and %(days)d days before.",
    # a label and a figure after a colon ("Oportunidades de mejora creadas: 1.") reads the same for one
    "Improvement opportunities created: %(count)d.",
    "Verdicts saved: %(count)d.",
    # the number of a submission (an ordinal: "envío 2"), not a count of things
    "Submission %(n)s, sent %(when)s; evidence computed on %(day)s.",
    # the secretariat's horizon of expiring recognitions: a constant of 90 days, always several
    "Recognitions expiring in the next %(days)s days",
    "No recognition expires in the next %(days)s days.",
}


# A context that allows a verb: "Measure" in context "verb" is "Medir"; a button says what it does.
VERB_CONTEXTS = re.compile(r"\b(verb|button|action|imperative)\b")
INFINITIVE = re.compile(r"^[a-záéíóúñ]+(?:ar|er|ir|ír)$")
# Spanish nouns and adjectives that end like an infinitive.
NOT_INFINITIVES = {
    "auxiliar",
    "celular",
    "escolar",
    "familiar",
    "hogar",
    "lugar",
    "militar",
    "mujer",
    "particular",
    "poder",
    "popular",
    "regular",
    "taller",
    "titular",
}


def usage_problems(po: polib.POFile | None = None) -> list[str]:
    """Checks 4 to 6 on the Spanish catalogue (``po``, by default the project's)."""
    if po is None:
        po = polib.pofile(str(ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    entries = [e for e in po if not e.obsolete]
    with_context = {e.msgid for e in entries if e.msgctxt}
    problems = [
        f"msgid {e.msgid!r} is used without a context, but it has one elsewhere: use pgettext everywhere"
        for e in entries
        if not e.msgctxt and e.msgid in with_context
    ]
    problems += [
        f"msgid {e.msgid!r} shows a count: use ngettext / blocktranslate count (or list it in NOT_COUNTS)"
        for e in entries
        if not e.msgid_plural and COUNT.search(e.msgid) and e.msgid not in NOT_COUNTS
    ]
    problems += [
        f"msgid {e.msgid!r} in context {e.msgctxt!r} is a noun, but its Spanish {e.msgstr!r} is a verb"
        for e in entries
        if e.msgctxt
        and not VERB_CONTEXTS.search(e.msgctxt)
        and len(e.msgid.split()) == 1
        and INFINITIVE.match(e.msgstr.strip().lower())
        and e.msgstr.strip().lower() not in NOT_INFINITIVES
    ]
    return problems


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=check)


def msgids(lang: str) -> set[tuple[str, str, str]]:
    po = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    return {(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in po if not e.obsolete}


def main() -> int:
    problems: list[str] = []
    before = {lang: msgids(lang) for lang in LANGS}
    run(
        PYTHON,
        "manage.py",
        "makemessages",
        "-l",
        "es",
        "-l",
        "en",
        "--no-obsolete",
        "--no-location",
        "--ignore",
        ".venv/*",
        "--ignore",
        "bench/*",
        "--ignore",
        "tests/*",
    )
    for lang in LANGS:
        after = msgids(lang)
        if after != before[lang]:
            added = sorted(m[1] for m in after - before[lang])[:20]
            removed = sorted(m[1] for m in before[lang] - after)[:20]
            problems.append(
                f"{lang}: catalogue out of date (run `make messages`, translate, commit). New: {added} Gone: {removed}"
            )
    for lang in LANGS:
        po = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        stats = run("msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po), check=False)
        report = stats.stderr.strip()
        if stats.returncode != 0 or "untranslated" in report or "fuzzy" in report:
            problems.append(f"{lang}: {report}")
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "django.mo"
            run("msgfmt", "-o", str(fresh), str(po))
            if not mo.exists() or mo.read_bytes() != fresh.read_bytes():
                problems.append(f"{lang}: {mo.relative_to(ROOT)} is stale: run `make compilemessages`")
    problems += usage_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("message catalogues: complete and up to date")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
