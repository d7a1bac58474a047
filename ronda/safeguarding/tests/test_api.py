"""The safeguarding API for every role: read-only lists, creating for the coordinator (and the contacts for
concerns), every concern returned an access event."""

from __future__ import annotations

from typing import Any

import pytest

from ronda.core.roles import Role
from ronda.safeguarding.models import Concern, SafeguardingContact, SafeguardingDocument, Signature
from ronda.safeguarding.tests.conftest import days_ago
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db

API = "/api/v1/safeguarding"
ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}


def written() -> tuple[int, ...]:
    return (Signature.objects.count(), Concern.objects.count(), SafeguardingDocument.objects.count())


def test_documents_and_signatures(world: World, protocol: SafeguardingDocument, signature: Signature) -> None:
    base = f"{API}/municipalities/{world.municipality.pk}"
    check_access_matrix(
        world, url=f"{base}/documents", expected={r: 200 for r in ROLES} | {Role.EVALUATOR: 404}, api=True
    )
    readers = dict(NONE, admin=200, coordinator=200, supervisor=200, secretariat=200, analyst=200)
    check_access_matrix(world, url=f"{base}/signatures", expected=readers, api=True)
    data: dict[str, Any] = {
        "full_name": "Ana Pérez",
        "employment": "staff",
        "area_id": world.area.pk,
        "position": "Técnica",
        "signed_on": days_ago(2).isoformat(),
    }
    check_access_matrix(
        world,
        url=f"{base}/signatures",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, coordinator=201),
        state=written,
    )


def test_concerns(world: World, concern: Concern, contact: SafeguardingContact) -> None:
    url = f"{API}/municipalities/{world.municipality.pk}/concerns"
    readers = dict(NONE, coordinator=200, protection_officer=200)
    check_access_matrix(world, url=url, expected=readers, api=True, personal=True)
    data = {"raised_on": days_ago(1).isoformat(), "raised_by": "Un vecino", "description": "Gritos en el parque"}
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, coordinator=201, protection_officer=201),
        state=written,
    )


def test_bad_input_is_a_422_and_writes_nothing(world: World, client) -> None:  # type: ignore[no-untyped-def]
    from ronda.testing import api_token

    token = api_token(world.home["coordinator"])
    url = f"{API}/municipalities/{world.municipality.pk}/signatures"
    body = {
        "full_name": "Ana",
        "employment": "staff",
        "area_id": world.other_area.pk,
        "position": "Técnica",
        "signed_on": days_ago(2).isoformat(),
    }
    response = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    body = {**body, "area_id": world.area.pk, "renewal_due": days_ago(3).isoformat()}
    response = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert Signature.objects.count() == 0


def test_the_schema_lists_the_endpoints(world: World) -> None:
    from ronda.api import api

    paths = api.get_openapi_schema()["paths"]
    assert f"{API}/municipalities/{{municipality_id}}/concerns" in paths
    assert "post" in paths[f"{API}/municipalities/{{municipality_id}}/signatures"]
