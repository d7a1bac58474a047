"""scripts/check_messages.py (``make check``): the usage checks fail on a catalogue that has the
mistakes of issue #9 item 15 (a bare "Measure" beside "plan measure", "Medir" for the noun, a count
that is not plural) and pass on one without them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import polib
import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "check_messages.py"


@pytest.fixture(scope="module")
def checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_messages", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def catalogue(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def test_a_clean_catalogue_passes(checker: ModuleType) -> None:
    po = catalogue(
        polib.POEntry(msgctxt="plan measure", msgid="Measure", msgstr="Medida"),
        polib.POEntry(msgctxt="verb", msgid="Measure", msgstr="Medir"),
        polib.POEntry(msgctxt="meeting", msgid="Place", msgstr="Lugar"),  # a noun that ends like a verb
        polib.POEntry(msgctxt="button", msgid="Save", msgstr="Guardar"),
        polib.POEntry(msgid="%(n)s present", msgid_plural="%(n)s present", msgstr_plural={0: "1", 1: "2"}),
        polib.POEntry(msgid="Page %(n)s of %(total)s", msgstr="Página %(n)s de %(total)s"),
    )
    assert checker.usage_problems(po) == []


def test_a_word_with_a_context_used_bare_fails(checker: ModuleType) -> None:
    po = catalogue(
        polib.POEntry(msgctxt="plan measure", msgid="Measure", msgstr="Medida"),
        polib.POEntry(msgid="Measure", msgstr="Medir"),
    )
    (problem,) = checker.usage_problems(po)
    assert "'Measure' is used without a context" in problem


def test_a_noun_translated_as_a_verb_fails(checker: ModuleType) -> None:
    po = catalogue(
        polib.POEntry(msgctxt="plan measure", msgid="Measure", msgstr="Medir"),
        polib.POEntry(msgctxt="report column", msgid="Report", msgstr="informar"),
    )
    problems = checker.usage_problems(po)
    assert len(problems) == 2
    assert "'Measure' in context 'plan measure' is a noun, but its Spanish 'Medir' is a verb" in problems[0]


def test_a_count_that_is_not_plural_fails(checker: ModuleType) -> None:
    po = catalogue(polib.POEntry(msgid="%(n)s present", msgstr="%(n)s presentes"))
    (problem,) = checker.usage_problems(po)
    assert "shows a count" in problem
