"""English catalogue = the msgids themselves: fill every entry so English is complete."""

from __future__ import annotations

from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def main() -> None:
    catalogue = polib.pofile(str(PO), wrapwidth=0)
    catalogue.metadata.update(
        {
            "Language": "en",
            "Language-Team": "English",
            "Last-Translator": "Ronda <dev@ronda.invalid>",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
            "Content-Type": "text/plain; charset=UTF-8",
            "Project-Id-Version": "Ronda",
            "PO-Revision-Date": "2026-11-22 00:00+0000",
        }
    )
    catalogue.metadata_is_fuzzy = False
    for entry in catalogue:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
    catalogue.save(str(PO))


if __name__ == "__main__":
    main()
