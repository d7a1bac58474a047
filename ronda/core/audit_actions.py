"""The names of audit actions, owned by the app that writes them.

``AuditEvent.action`` is a plain text column (no database choices), so an app adds an action
without a migration of ``core``: it defines a ``TextChoices`` of its own and registers it in its
``AppConfig.ready`` with ``register(MyActions)``. The audit screens read labels and the action
filter from here. Core registers its generic actions (create, update, delete, import …) itself.
"""

from __future__ import annotations

from django.db import models

_LABELS: dict[str, object] = {}


def register(choices: type[models.TextChoices]) -> None:
    for value, label in choices.choices:
        existing = _LABELS.get(value)
        if existing is not None and str(existing) != str(label):
            raise ValueError(f"audit action {value!r} is registered twice with different labels")
        _LABELS[value] = label


def label(action: str) -> str:
    """The action's label in the active language (the stored value when nobody registered it)."""
    found = _LABELS.get(action)
    return str(found) if found is not None else action


def choices() -> list[tuple[str, str]]:
    return sorted(((value, str(text)) for value, text in _LABELS.items()), key=lambda pair: pair[1].casefold())


def known(action: str) -> bool:
    return action in _LABELS
