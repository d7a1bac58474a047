"""Walking an API list page by page by cursor, as a client would (used by each domain's pagination tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def first_page_url(url: str, limit: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}cursor=&limit={limit}"


def walk(
    client: Client,
    url: str,
    headers: dict[str, str],
    *,
    limit: int,
    between: Callable[[int], object] | None = None,
) -> list[dict[str, Any]]:
    """Every row of ``url``, following ``next`` from the first cursor page; ``between(n)`` runs after
    page ``n`` when another page follows. Fails if a page counts the rows (a ``COUNT`` query or a
    ``count`` in the answer) or holds more than ``limit`` rows."""
    rows: list[dict[str, Any]] = []
    target: str | None = first_page_url(url, limit)
    pages = 0
    while target is not None:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target, **headers)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"limit", "next_cursor", "next", "results"}, body
        assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        assert len(body["results"]) <= limit
        rows.extend(body["results"])
        target = body["next"]
        assert (target is None) == (body["next_cursor"] is None)
        pages += 1
        assert pages < 1000, "the walk does not end"
        if target is not None and between is not None:
            between(pages)
    return rows


def walk_by_offset(
    client: Client, url: str, headers: dict[str, str], *, limit: int, between: Callable[[int], object] | None = None
) -> list[dict[str, Any]]:
    """The same walk with ``limit``/``offset``: what a cursor walk is compared with."""
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        body = client.get(f"{url}{'&' if '?' in url else '?'}limit={limit}&offset={offset}", **headers).json()
        rows.extend(body["results"])
        offset += limit
        if offset >= body["count"]:
            return rows
        if between is not None:
            between(offset // limit)


def cursor_of(client: Client, url: str, headers: dict[str, str], *, limit: int = 1) -> str:
    """The ``next_cursor`` of the first cursor page of ``url`` (which must have more than ``limit`` rows)."""
    cursor = client.get(first_page_url(url, limit), **headers).json()["next_cursor"]
    assert cursor, "the list has a single page"
    return str(cursor)
