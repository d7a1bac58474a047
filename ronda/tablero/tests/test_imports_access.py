"""Who may import and export values: every role at home and away, and anonymous."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronda.core.roles import Role
from ronda.tablero.models import DataValue, ImportStatus, ValueImport
from ronda.tablero.tests.test_imports_check import HEADER, catalogue, client_for, coc_code, media_root, upload
from ronda.testing import World, assert_queries_do_not_grow, check_access_matrix

pytestmark = pytest.mark.django_db
__all__ = ["catalogue", "media_root"]  # fixtures

WRITERS_AT_HOME = {role: 404 for role in Role.values} | {
    Role.SECRETARIAT: 200,
    Role.COORDINATOR: 200,
    Role.AREA_FOCAL: 200,
}
ONLY_THE_OWNER = {role: 404 for role in Role.values} | {Role.COORDINATOR: 200}
# An evaluator reads only their certification assignments: the Tablero is 404 to them.
EVERY_READER = dict.fromkeys(Role.values, 200) | {Role.EVALUATOR: 404}


@pytest.fixture
def checked(world: World, catalogue: dict[str, Any], django_capture_on_commit_callbacks: Any) -> ValueImport:
    client = client_for(world.home["coordinator"])
    content = HEADER + f"NNA,{coc_code(catalogue, 'Mujeres')},{world.municipality.code},202401,5,\n"
    upload(client, content.encode(), "v.csv", django_capture_on_commit_callbacks)
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.CHECKED
    return value_import


def test_the_import_page_is_for_those_who_enter_values(world: World) -> None:
    # Away, the same roles import for their own unit; the administrator acts in no unit.
    away = {role: WRITERS_AT_HOME[role] for role in world.away}
    check_access_matrix(world, url=reverse("tablero:imports"), expected=WRITERS_AT_HOME, away=away)


def test_uploading_is_for_those_who_enter_values(world: World, catalogue: dict[str, Any]) -> None:
    def data(_world: World) -> dict[str, Any]:
        content = HEADER + f"TASA,,{world.municipality.code},202401,5,\n"
        return {"file": SimpleUploadedFile("v.csv", content.encode())}

    expected = {role: 302 if status == 200 else status for role, status in WRITERS_AT_HOME.items()}
    away = {role: expected[role] for role in world.away}
    check_access_matrix(
        world,
        url=reverse("tablero:imports"),
        method="post",
        data=data,
        expected=expected,
        away=away,
        state=lambda: ValueImport.objects.count(),
    )


def test_an_import_is_seen_by_whoever_uploaded_it_only(world: World, checked: ValueImport) -> None:
    check_access_matrix(world, url=reverse("tablero:import_detail", args=[checked.pk]), expected=ONLY_THE_OWNER)


def test_applying_is_for_whoever_uploaded_it_only(
    world: World, checked: ValueImport, django_capture_on_commit_callbacks: Any
) -> None:
    expected = {role: 302 if status == 200 else status for role, status in ONLY_THE_OWNER.items()}
    with django_capture_on_commit_callbacks(execute=True):
        check_access_matrix(
            world,
            url=reverse("tablero:import_apply", args=[checked.pk]),
            method="post",
            expected=expected,
            state=lambda: (DataValue.objects.count(), ValueImport.objects.get().status),
        )
    checked.refresh_from_db()
    assert checked.status == ImportStatus.APPLIED and DataValue.objects.count() == 1


def test_the_export_page_is_for_every_reader(world: World) -> None:
    check_access_matrix(world, url=reverse("tablero:export"), expected=EVERY_READER, away=EVERY_READER)


def test_an_away_user_exporting_a_unit_outside_their_scope_is_told_it_is_not_a_choice(
    world: World, catalogue: dict[str, Any]
) -> None:
    client = client_for(world.away["coordinator"])
    response = client.get(
        reverse("tablero:export"),
        {"org_unit": world.municipality.pk, "elements": catalogue["rate"].pk, "start": "2024", "end": "2024"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Select a valid choice" in response.content.decode()


def test_the_list_of_imports_takes_the_same_queries_for_more_imports(world: World) -> None:
    user = world.home["coordinator"]

    def add_rows(n: int) -> None:
        for i in range(n):
            ValueImport.objects.create(
                org_unit=world.municipality, requested_by=user, file_name=f"f{i}.csv", format="csv", file="x.csv"
            )

    client = client_for(user)
    assert_queries_do_not_grow(client, reverse("tablero:imports"), add_rows, ceiling=25, contains=["f0.csv"])
