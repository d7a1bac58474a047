"""The kernel names no app, not even in a string.

``lint-imports`` (``.importlinter``, in ``make check``) proves that ``ronda.core`` imports no other
Ronda package. What an import graph cannot see is a name in a string: a URL name
(``reverse("planning:home")``, ``{% url 'council:overview' %}``), a template of another app
(``{% include "coordination/partials/…" %}``), a dotted path loaded at run time
(``import_string("ronda.accounts.jobs…")``) or a model label (``"territory.OrgUnit"``). This test
reads the kernel's code and templates for those.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from django.apps import apps
from django.conf import settings

CORE = Path(settings.BASE_DIR) / "ronda" / "core"
CORE_TEMPLATES = Path(settings.BASE_DIR) / "ronda" / "templates" / "core"

# (file relative to the repository, string found, why it may stay). Keep this short.
ALLOWED = {
    (
        "ronda/core/models.py",
        '"territory.OrgUnit"',
        "the audit tables' org_unit reference: the org unit is the tenancy every event is scoped by "
        "(a reference without a database constraint, by model label; no import)",
    ),
}


def _other_apps() -> list[str]:
    return sorted(
        config.label for config in apps.get_app_configs() if config.name.startswith("ronda.") and config.label != "core"
    )


def _patterns() -> re.Pattern[str]:
    labels = "|".join(_other_apps())
    return re.compile(
        rf"""["'](?:(?:{labels})[:/]"""  # a URL name or a template path
        rf"""|ronda\.(?:{labels})\b"""  # a dotted path
        rf"""|(?:{labels})\.[A-Z]\w*["'])"""  # a model label
    )


def _python_strings(path: Path) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [token.string for token in tokens if token.type == tokenize.STRING]


def _kernel_files() -> list[Path]:
    code = [
        path
        for path in CORE.rglob("*.py")
        if "tests" not in path.relative_to(CORE).parts and "migrations" not in path.relative_to(CORE).parts
    ]
    templates = [*CORE.rglob("*.html"), *CORE_TEMPLATES.rglob("*.html")]
    return sorted(code + templates)


def _findings() -> set[tuple[str, str]]:
    pattern = _patterns()
    found = set()
    for path in _kernel_files():
        texts = _python_strings(path) if path.suffix == ".py" else [path.read_text(encoding="utf-8")]
        relative = str(path.relative_to(settings.BASE_DIR))
        for text in texts:
            for match in pattern.finditer(text):
                # Report the whole quoted string of a Python literal, the match itself in a template.
                found.add((relative, text if path.suffix == ".py" and len(text) < 80 else match.group()))
    return found


def test_the_kernel_names_no_other_app() -> None:
    allowed = {(path, text) for path, text, _why in ALLOWED}
    assert _findings() - allowed == set()


def test_every_allowed_name_is_still_there() -> None:
    """An exception that no longer matches anything is removed, so the list stays honest."""
    allowed = {(path, text) for path, text, _why in ALLOWED}
    assert allowed <= _findings()


def test_the_check_sees_what_it_is_meant_to_see(tmp_path: Path) -> None:
    pattern = _patterns()
    caught = [
        "reverse('planning:home')",
        '{% url "council:overview" %}',
        '{% include "coordination/partials/home_overdue.html" %}',
        'import_string("ronda.accounts.jobs.actor_for_job")',
        '"accounts.User"',
    ]
    for text in caught:
        assert pattern.search(text), text
    for text in ['"core:audit"', '"core/audit.html"', "the accounts of the year", '"ronda.core.audit"']:
        assert not pattern.search(text), text
