"""DHIS2's ``fields=`` grammar: ``id,name,children[id,displayName,children]``, ``*`` / ``:all``,
``:identifiable``, ``:nameable``, ``:owner``, ``!exclusion`` (also inside brackets).

Objects are rendered from a *full* dict (``serializers``) in which a reference to another object is
a :class:`Ref`: a bare reference renders as ``{"id": uid}``, a reference with brackets is looked up
(through the request's catalogue) and rendered with the bracketed fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 2_000
MAX_DEPTH = 6

IDENTIFIABLE = ("id", "name", "code", "created", "lastUpdated")
NAMEABLE = (*IDENTIFIABLE, "shortName", "description")
PRESETS = {"*": None, ":all": None, ":owner": None, ":identifiable": IDENTIFIABLE, ":nameable": NAMEABLE}
DEFAULT = "id,displayName"


class FieldsError(ValueError):
    """An expression that cannot be parsed (DHIS2: E7651)."""


@dataclass(frozen=True)
class Ref:
    """A reference to another object of a resource (``organisationUnits``, ``dataSets`` …)."""

    resource: str
    uid: str


@dataclass(frozen=True)
class Spec:
    """What to render of an object: fields in order (with their nested spec, or None), presets, exclusions."""

    fields: tuple[tuple[str, Spec | None], ...] = ()
    presets: tuple[str, ...] = ()
    excluded: frozenset[str] = frozenset()


def _split(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
            if depth < 0:
                raise FieldsError(text)
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth != 0:
        raise FieldsError(text)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _is_name(name: str) -> bool:
    return name.replace("_", "a").isalnum()


def _parse(text: str, depth: int) -> Spec:
    if depth > MAX_DEPTH:
        raise FieldsError(text)
    fields: list[tuple[str, Spec | None]] = []
    presets: list[str] = []
    excluded: set[str] = set()
    for part in _split(text):
        # Transformers (``name~rename(x)``) are not supported: the field is rendered as it is.
        part = part.split("~", 1)[0].strip()
        if part in PRESETS:
            presets.append(part)
            continue
        if part.startswith("!"):
            name = part[1:].strip()
            if not _is_name(name):
                raise FieldsError(part)
            excluded.add(name)
            continue
        nested: Spec | None = None
        if "[" in part or "(" in part:
            open_at = min(i for i in (part.find("["), part.find("(")) if i >= 0)
            if part[-1] not in "])":
                raise FieldsError(part)
            nested = _parse(part[open_at + 1 : -1], depth + 1)
            part = part[:open_at].strip()
        if not _is_name(part):
            raise FieldsError(part)
        fields.append((part, nested))
    return Spec(tuple(fields), tuple(presets), frozenset(excluded))


def parse(text: str | None) -> Spec:
    """The spec of a ``fields=`` value (the default ``id,displayName`` when empty)."""
    text = (text or "").strip() or DEFAULT
    if len(text) > MAX_LENGTH:
        raise FieldsError(text[:40])
    return _parse(text, 0)


def parse_many(values: list[str]) -> Spec:
    """Several ``fields=`` parameters are one list."""
    return parse(",".join(v for v in values if v.strip()))


Resolve = Callable[[Ref], dict[str, Any] | None]
BARE = Spec(fields=(("id", None),))
ALL = Spec(presets=("*",))


def _names(obj: dict[str, Any], spec: Spec) -> list[tuple[str, Spec | None]]:
    chosen: dict[str, Spec | None] = {}
    for preset in spec.presets:
        keys = PRESETS[preset]
        for key in keys if keys is not None else obj:
            chosen.setdefault(key, None)
    for name, nested in spec.fields:
        if name in chosen and nested is None:
            continue
        chosen[name] = nested
    return [(n, s) for n, s in chosen.items() if n not in spec.excluded]


def _render_value(value: Any, nested: Spec | None, resolve: Resolve, depth: int) -> Any:
    if isinstance(value, Ref):
        if nested is None or depth > MAX_DEPTH:
            return {"id": value.uid}
        target = resolve(value)
        return render(target, nested, resolve, depth + 1) if target is not None else {"id": value.uid}
    if isinstance(value, dict):
        return render(value, nested or ALL, resolve, depth + 1)
    if isinstance(value, list | tuple):
        return [_render_value(v, nested, resolve, depth) for v in value]
    return value


def render(obj: dict[str, Any], spec: Spec, resolve: Resolve, depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, nested in _names(obj, spec):
        if name not in obj:
            continue  # DHIS2 leaves out a field an object does not have
        out[name] = _render_value(obj[name], nested, resolve, depth)
    return out
