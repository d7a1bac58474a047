"""PostgreSQL array literals for the ``unnest`` writes of ``bulk`` and ``aggregation``.

psycopg adapts a Python list element by element in Python; a million-value import sends tens of
millions of elements. Written as one text literal (``'{1,2,NULL}'``, cast in the statement:
``%s::numeric[]``) the same array is a single string parameter, about three times faster to send,
and PostgreSQL parses it in C. Only numbers, booleans and text go through here, each rendered by
its own rule below (text quoted and escaped as PostgreSQL's array input reads it), never by
``str()`` of an arbitrary object.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal


def ints(values: Iterable[int | None]) -> str:
    return "{" + ",".join("NULL" if v is None else str(int(v)) for v in values) + "}"


def numbers(values: Iterable[Decimal | int | None]) -> str:
    out = []
    for v in values:
        if v is None:
            out.append("NULL")
        elif isinstance(v, Decimal):
            if not v.is_finite():
                raise ValueError("only finite numbers are stored")
            out.append(format(v, "f"))
        else:
            out.append(str(int(v)))
    return "{" + ",".join(out) + "}"


def booleans(values: Iterable[bool | None]) -> str:
    return "{" + ",".join("NULL" if v is None else ("t" if v else "f") for v in values) + "}"


def _text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def texts(values: Iterable[str | None]) -> str:
    return "{" + ",".join("NULL" if v is None else _text(v) for v in values) + "}"
