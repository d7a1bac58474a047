"""The OpenAPI document builds and shows the API as docs/api.md describes it: the paging parameters of
every list, reference names ending in ``_id``, and the old names as deprecated aliases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

LISTS = {
    "/api/v1/org-units": {"level", "parent_id", "within_id", "q"},
    "/api/v1/coordination/meetings": {"body_id", "year", "kind"},
    "/api/v1/coordination/agreements": {"body_id", "owner_area_id", "institution_id", "status", "overdue"},
    "/api/v1/planning/plans": {"municipality_id", "status"},
    "/api/v1/planning/measures": {"plan_id", "responsible_area_id", "status"},
    "/api/v1/planning/measures/{measure_id}/updates": set(),
    "/api/v1/council/requests": {
        *("council_id", "status", "status_group", "overdue", "routed_area_id", "kind", "session_id", "q"),
    },
    "/api/v1/certification/frameworks": {"status", "code"},
    "/api/v1/certification/calls": {"framework_id", "open_on"},
    "/api/v1/certification/cycles": {"stage", "framework_id", "org_unit_id"},
    "/api/v1/certification/cycles/{cycle_id}/submissions": set(),
}
DEPRECATED = {
    "/api/v1/org-units": {"parent", "within"},
    "/api/v1/coordination/meetings": {"body"},
    "/api/v1/coordination/agreements": {"body", "area"},
    "/api/v1/planning/plans": {"municipality"},
    "/api/v1/planning/measures": {"plan", "area"},
    "/api/v1/planning/measures/{measure_id}/updates": set(),
    "/api/v1/council/requests": {"council", "area"},
    "/api/v1/certification/frameworks": set(),
    "/api/v1/certification/calls": set(),
    "/api/v1/certification/cycles": set(),
    "/api/v1/certification/cycles/{cycle_id}/submissions": set(),
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")  # public in development and tests
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    assert document["openapi"].startswith("3.1")
    return document


def _ref(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return found


@pytest.mark.parametrize("path", sorted(LISTS))
def test_every_list_pages_by_offset_or_cursor(schema: dict[str, Any], path: str) -> None:
    operation = schema["paths"][path]["get"]
    params = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert set(params) == {"limit", "offset", "cursor"} | LISTS[path] | DEPRECATED[path]
    assert {name for name, p in params.items() if p.get("deprecated")} == DEPRECATED[path]
    assert all(p["description"].startswith("Deprecated: use ") for name, p in params.items() if p.get("deprecated"))
    pages = operation["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]
    offset, cursor = (_ref(schema, page["$ref"]) for page in pages)
    assert set(offset["properties"]) == {"count", "limit", "offset", "results"}
    assert set(cursor["properties"]) == {"limit", "next_cursor", "next", "results"}
    assert offset["properties"]["results"] == cursor["properties"]["results"]
    assert "400" in operation["responses"]  # a cursor edited or from another list


def test_references_in_inputs_end_in_id(schema: dict[str, Any]) -> None:
    ids = {"council_id", "routed_area_id", "session_id"}
    for name in ("RequestIn", "RequestPatch"):
        properties = schema["components"]["schemas"][name]["properties"]
        deprecated = {field for field, spec in properties.items() if spec.get("deprecated")}
        assert {f"{field}_id" for field in deprecated} <= set(properties), name
        assert (ids if name == "RequestIn" else ids - {"council_id"}) <= set(properties), name


def test_docs_name_every_list_parameter(schema: dict[str, Any]) -> None:
    docs = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text(encoding="utf-8")
    for path, names in LISTS.items():
        for name in {"limit", "offset", "cursor", *names, *DEPRECATED[path]}:
            assert f"`{name}`" in docs, (path, name)
    for word in ("next_cursor", "`next`", "pre-1.0", "deprecated"):
        assert word in docs, word
