"""Access matrices for the planning routes the first review found uncovered (issue 8, item 7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.planning.demo import tiny_png
from ronda.planning.models import Evidence, LocalPlan, Measure, ProgressUpdate
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("key", "focal"), [("M-1", 201), ("M-2", 404)])
def test_progress_with_evidence_api_matrix(world: World, plan: LocalPlan, key: str, focal: int) -> None:
    # The area focal point reports on the measures of their own area only (M-1), never on another's.
    measure = plan.measures.get(code=key)
    expected = {**dict.fromkeys(Role.values, 404), "admin": 201, "coordinator": 201, "area_focal": focal}

    def data(w: World) -> dict[str, Any]:
        return {
            "version": Measure.objects.get(pk=measure.pk).version,
            "percent": "40",
            "justification": "Con foto",
            "evidence": [SimpleUploadedFile("foto.png", tiny_png())],
        }

    def state() -> tuple[int, ...]:
        version = Measure.objects.get(pk=measure.pk).version
        return ProgressUpdate.objects.count(), Evidence.objects.count(), version, AuditEvent.objects.count()

    before = ProgressUpdate.objects.count()
    check_access_matrix(
        world,
        url=f"/api/v1/planning/measures/{measure.pk}/updates/with-evidence",
        method="post",
        data=data,
        expected=expected,
        api=True,
        multipart=True,
        state=state,
    )
    assert ProgressUpdate.objects.count() == before + sum(1 for status in expected.values() if status == 201)
