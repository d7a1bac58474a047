"""Who may read the content of an audit or access event: what they could read in the module itself.

The audit trail of a municipality is shown to its supervisors, but a supervisor may not open the
coordination body, the plan or the children's council. So the trail must not become a back door:
an event shows its object's name and its old → new values only to an actor whose own policy in
the owning module returns that object. Otherwise it shows the kind of object, its id and the
names of the fields that changed, without values.

Core knows no domain: each app registers, in its ``AppConfig.ready``, the ``visible_*`` policy
of every model whose events it writes. A model nobody registered is hidden from everyone but
administrators (fail closed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ronda.core.tenancy import Actor

Visible = Callable[["Actor"], "QuerySet[Any]"]

_READERS: dict[str, Visible] = {}


def register(label: str, visible: Visible) -> None:
    """``label`` is the model's ``app_label.modelname`` (what events store as ``target_type``)."""
    _READERS[label] = visible


def registered() -> dict[str, Visible]:
    return dict(_READERS)


def readable_types(actor: Actor) -> list[str]:
    """The object types whose events the actor may search by name (their module is open to them)."""
    return [label for label, visible in _READERS.items() if not visible(actor).query.is_empty()]


@dataclass(frozen=True)
class EventView:
    """An audit or access event as this actor may see it."""

    event: Any
    readable: bool
    label: str  # the object's name, or its kind and id when not readable
    changes: list[tuple[str, Any, Any]]  # (field, old, new); values None when not readable

    def __getattr__(self, name: str) -> Any:
        return getattr(self.event, name)


def _kind(target_type: str) -> str:
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


def present(actor: Actor, events: Iterable[Any]) -> list[EventView]:
    """Decide per event, with one query per object type on the page."""
    events = list(events)
    wanted: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.target_type:
            wanted[e.target_type].add(e.target_id)
    visible_ids: dict[str, set[str]] = {}
    for label, ids in wanted.items():
        reader = _READERS.get(label)
        if actor.is_admin:
            visible_ids[label] = ids
        elif reader is None:
            visible_ids[label] = set()
        else:
            numeric = [int(i) for i in ids if i.isdigit()]
            found = reader(actor).filter(pk__in=numeric).values_list("pk", flat=True)
            visible_ids[label] = {str(pk) for pk in found}
    rows = []
    for e in events:
        readable = not e.target_type or e.target_id in visible_ids.get(e.target_type, set())
        changes_dict = getattr(e, "changes", None) or {}
        if readable:
            changes = [(field, *_pair(values)) for field, values in changes_dict.items()]
            label = e.target_repr
        else:
            changes = [(field, None, None) for field in changes_dict]
            label = f"{_kind(e.target_type)} #{e.target_id}"
        rows.append(EventView(event=e, readable=readable, label=label, changes=changes))
    return rows


def _pair(values: Any) -> tuple[Any, Any]:
    if isinstance(values, list | tuple) and len(values) == 2:
        return values[0], values[1]
    return None, values
