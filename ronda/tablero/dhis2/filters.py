"""DHIS2's ``filter=`` grammar: ``property:operator:value``, the property a dotted path
(``parent.id``, ``dataSetElements.dataSet.id``), ANDed unless ``rootJunction=OR``.

Filters are evaluated on the full dicts of ``serializers`` (the catalogue of one request is small),
following :class:`~ronda.tablero.dhis2.fields.Ref` references through the request's catalogue. A
path through a list matches when any element matches (as DHIS2 does for collections).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ronda.tablero.dhis2.fields import Ref, Resolve

MAX_FILTERS = 20
MAX_IN = 1_000

NO_VALUE = frozenset({"null", "!null", "empty", "!empty"})
OPERATORS = frozenset(
    {
        "eq",
        "!eq",
        "ne",
        "neq",
        "ieq",
        "like",
        "!like",
        "ilike",
        "!ilike",
        "$like",
        "!$like",
        "like$",
        "!like$",
        "$ilike",
        "!$ilike",
        "ilike$",
        "!ilike$",
        "gt",
        "ge",
        "lt",
        "le",
        "in",
        "!in",
        "token",
        "!token",
        *NO_VALUE,
    }
)


class FilterError(ValueError):
    """E2014 (cannot parse) or E2035 (unknown operator): ``code`` says which."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code


@dataclass(frozen=True)
class Filter:
    path: tuple[str, ...]
    operator: str
    value: str | tuple[str, ...] | None


def parse(text: str) -> Filter:
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0].strip():
        raise FilterError("E2014", text)
    path = tuple(p for p in parts[0].strip().split("."))
    if not all(p.replace("_", "a").isalnum() for p in path):
        raise FilterError("E2014", text)
    operator = parts[1].strip()
    if operator not in OPERATORS:
        raise FilterError("E2035", operator)
    if operator in NO_VALUE:
        return Filter(path, operator, None)
    if len(parts) < 3:
        raise FilterError("E2014", text)
    value = parts[2]
    if operator in ("in", "!in"):
        inner = value.strip()
        if not (inner.startswith("[") and inner.endswith("]")):
            raise FilterError("E2014", text)
        items = tuple(v.strip() for v in inner[1:-1].split(",") if v.strip())
        if len(items) > MAX_IN:
            raise FilterError("E2014", text[:40])
        return Filter(path, operator, items)
    return Filter(path, operator, value)


def parse_all(texts: Iterable[str]) -> list[Filter]:
    texts = [t for t in texts if t.strip()]
    if len(texts) > MAX_FILTERS:
        raise FilterError("E2014", texts[MAX_FILTERS])
    return [parse(t) for t in texts]


def _values(obj: Any, path: tuple[str, ...], resolve: Resolve) -> list[Any]:
    """Every value found at ``path`` below ``obj`` (lists flattened; references followed)."""
    if not path:
        if isinstance(obj, Ref):
            return [obj.uid]
        if isinstance(obj, list | tuple):
            return [v for item in obj for v in _values(item, (), resolve)]
        return [obj]
    if isinstance(obj, list | tuple):
        return [v for item in obj for v in _values(item, path, resolve)]
    if isinstance(obj, Ref):
        if path == ("id",):
            return [obj.uid]
        target = resolve(obj)
        return _values(target, path, resolve) if target is not None else []
    if not isinstance(obj, dict):
        return []
    head, rest = path[0], path[1:]
    if head not in obj:
        return []
    found = obj[head]
    if not rest and isinstance(found, list | tuple) and not found:
        return [[]]  # an empty collection: "null"/"empty" match it
    return _values(found, rest, resolve)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _compare(left: Any, right: str, operator: str) -> bool:
    a, b = _number(left), _number(right)
    if a is None or b is None:
        x, y = _text(left), right
        return {"gt": x > y, "ge": x >= y, "lt": x < y, "le": x <= y}[operator]
    return {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[operator]


def _one(value: Any, flt: Filter) -> bool:
    op = flt.operator
    negate = op.startswith("!") and op not in ("!null", "!empty")
    base = op[1:] if negate else op
    if base in ("null", "empty"):
        return value is None or value == [] or value == ""
    if base in ("!null", "!empty"):
        return not (value is None or value == [] or value == "")
    if value is None or value == []:
        return negate
    text = _text(value)
    want = flt.value if isinstance(flt.value, str) else ""
    if base in ("eq",):
        result = text == want
    elif base in ("ne", "neq"):
        result = text != want
    elif base == "ieq":
        result = text.casefold() == want.casefold()
    elif base == "like":
        result = want in text
    elif base == "ilike":
        result = want.casefold() in text.casefold()
    elif base == "$like":
        result = text.startswith(want)
    elif base == "like$":
        result = text.endswith(want)
    elif base == "$ilike":
        result = text.casefold().startswith(want.casefold())
    elif base == "ilike$":
        result = text.casefold().endswith(want.casefold())
    elif base in ("gt", "ge", "lt", "le"):
        result = _compare(value, want, base)
    elif base == "in":
        result = text in (flt.value or ())
    elif base == "token":
        words = text.casefold().split()
        result = all(any(w.startswith(t) for w in words) for t in want.casefold().split())
    else:  # pragma: no cover - parse() refuses other operators
        raise FilterError("E2035", op)
    return not result if negate else result


def matches(obj: dict[str, Any], flt: Filter, resolve: Resolve) -> bool:
    values = _values(obj, flt.path, resolve)
    if flt.operator in ("null", "empty"):
        return not values or any(_one(v, flt) for v in values)
    if flt.operator.startswith("!") and flt.operator not in ("!null", "!empty"):
        # "not equal": no value at the path matches the positive form
        return all(_one(v, flt) for v in values) if values else True
    return any(_one(v, flt) for v in values)


def select(
    objects: Iterable[dict[str, Any]], filters: list[Filter], resolve: Resolve, *, junction_or: bool = False
) -> list[dict[str, Any]]:
    if not filters:
        return list(objects)
    test = any if junction_or else all
    return [obj for obj in objects if test(matches(obj, f, resolve) for f in filters)]
