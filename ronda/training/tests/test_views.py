"""Every training page for every role, at home, away and anonymous, and the form's bad input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.core.errors import ConflictError
from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix, login
from ronda.training.forms import cell_field
from ronda.training.models import AreaAttendance, TrainingSession
from ronda.training.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
READERS = dict(NONE, admin=200, coordinator=200, supervisor=200, secretariat=200, analyst=200, area_focal=200)
COORDINATOR = dict(NONE, coordinator=200)


def written() -> tuple[Any, ...]:
    return (
        TrainingSession.objects.count(),
        sum(TrainingSession.objects.values_list("version", flat=True)),
        sorted(AreaAttendance.objects.values_list("area_id", "women", "men", "other")),
    )


def test_index(world: World) -> None:
    expected = {r: 302 for r in READERS if READERS[r] == 200} | {"admin": 200, "secretariat": 200}
    check_access_matrix(
        world,
        url=reverse("training:index"),
        expected=NONE | expected,
        away={"secretariat": 302, "coordinator": 302, "area_focal": 302, "supervisor": 302, "analyst": 302},
    )


def test_list_and_evidence(world: World, training: TrainingSession) -> None:
    check_access_matrix(world, url=reverse("training:list", args=[world.municipality.pk]), expected=READERS)
    check_access_matrix(world, url=reverse("training:evidence", args=[training.pk]), expected=READERS)


def test_create(world: World) -> None:
    url = reverse("training:create", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    data = {
        "held_on": days_ago(3).isoformat(),
        "topic": "rights",
        "hours": "2",
        "trainer": "UNICEF",
        cell_field(world.area, "women"): "4",
        cell_field(world.area, "men"): "2",
    }
    check_access_matrix(world, url=url, method="post", data=data, expected=dict(NONE, coordinator=302), state=written)
    created = TrainingSession.objects.get()
    assert (created.hours, [(a.women, a.men, a.other) for a in created.attendance.all()]) == (Decimal(2), [(4, 2, 0)])


def test_edit(world: World, training: TrainingSession) -> None:
    url = reverse("training:edit", args=[training.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)

    def data(_world: World) -> dict[str, Any]:
        current = TrainingSession.objects.get(pk=training.pk)
        return {
            "held_on": current.held_on.isoformat(),
            "topic": current.topic,
            "hours": "6",
            "trainer": current.trainer,
            cell_field(world.area, "women"): "7",
            "version": current.version,
        }

    check_access_matrix(world, url=url, method="post", data=data, expected=dict(NONE, coordinator=302), state=written)
    assert list(AreaAttendance.objects.values_list("women", "men", "other")) == [(7, 0, 0)]


def test_a_stale_version_is_refused(client: Client, world: World, training: TrainingSession) -> None:
    login(client, world.home["coordinator"])
    post = {
        "held_on": training.held_on.isoformat(),
        "topic": training.topic,
        "hours": "5",
        "trainer": training.trainer,
        "version": training.version,
    }
    assert client.post(reverse("training:edit", args=[training.pk]), post).status_code == 302
    response = client.post(reverse("training:edit", args=[training.pk]), {**post, "hours": "9"})
    with translation.override("es"):
        conflict = str(ConflictError())
    assert response.status_code == 200 and response.context["form"].non_field_errors() == [conflict]
    assert TrainingSession.objects.get(pk=training.pk).hours == Decimal(5)


def test_a_wrong_upload_is_refused_in_spanish_and_nothing_is_written(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    fake = SimpleUploadedFile("lista.jpg", b"GIF89a not a photo", content_type="image/jpeg")
    response = client.post(
        reverse("training:create", args=[world.municipality.pk]),
        {"held_on": days_ago(1).isoformat(), "topic": "rights", "hours": "2", "trainer": "X", "evidence": fake},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == ["lista.jpg no es una foto (JPEG o PNG) ni un documento PDF."]
    assert TrainingSession.objects.count() == 0
