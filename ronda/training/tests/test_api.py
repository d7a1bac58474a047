from __future__ import annotations

import pytest

from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix
from ronda.training.models import TrainingSession
from ronda.training.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}


def test_trainings(world: World, training: TrainingSession) -> None:
    url = f"/api/v1/training/municipalities/{world.municipality.pk}/trainings"
    readers = dict(NONE, admin=200, coordinator=200, supervisor=200, secretariat=200, analyst=200, area_focal=200)
    check_access_matrix(world, url=url, expected=readers, api=True)
    data = {
        "held_on": days_ago(1).isoformat(),
        "topic": "participation",
        "hours": "1.5",
        "trainer": "Consejo Cantonal",
        "attendance": [{"area_id": world.area.pk, "women": 2, "men": 1}],
    }
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, coordinator=201),
        state=lambda: TrainingSession.objects.count(),
    )
    created = TrainingSession.objects.exclude(pk=training.pk).get()
    assert [(a.area_id, a.women, a.men, a.other) for a in created.attendance.all()] == [(world.area.pk, 2, 1, 0)]


def test_attendance_only_of_the_municipalitys_active_areas(world: World, training: TrainingSession) -> None:
    from django.test import Client

    from ronda.territory.models import Area
    from ronda.testing import api_token

    url = f"/api/v1/training/municipalities/{world.municipality.pk}/trainings"
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(world.home['coordinator'])}")
    base = {"held_on": days_ago(1).isoformat(), "topic": "participation", "hours": "1", "trainer": "Consejo"}
    before = TrainingSession.objects.count()
    for area in (
        world.other_area,
        Area.objects.create(org_unit=world.municipality, name="Cerrada", kind="other", is_active=False),
    ):
        refused = client.post(
            url, {**base, "attendance": [{"area_id": area.pk, "women": 1}]}, content_type="application/json"
        )
        assert refused.status_code == 422, refused.content
    assert TrainingSession.objects.count() == before
