"""Fail when the message catalogues are stale or incomplete.

1. ``makemessages`` must find no new and no vanished msgid.
2. Spanish and English must have no untranslated and no fuzzy entries.
3. The committed ``.mo`` files must match their ``.po`` files.
Needs GNU gettext (``apt-get install gettext``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LANGS = ("es", "en")


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
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("message catalogues: complete and up to date")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
