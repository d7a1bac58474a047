from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.core.tenancy import actor_for
from ronda.territory.importers import Status, import_org_units
from ronda.territory.models import Level, OrgUnit
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def admin_actor(world: World):
    user = world.home["admin"]
    return actor_for(user, user.memberships.get())


def coordinator_actor(world: World):
    user = world.home["coordinator"]
    return actor_for(user, user.memberships.get())


def csv(*lines: str) -> bytes:
    return ("\n".join(["code,name,level,parent_code", *lines]) + "\n").encode()


def test_dry_run_writes_nothing_and_reports_plan(world: World) -> None:
    before = OrgUnit.objects.count()
    report = import_org_units(
        actor=admin_actor(world),
        data=csv("A-R2,Región Dos,region,A", "A-R2-M,Municipio Dos,3,A-R2", "A-R2-M-1,Barrio,comunidad,A-R2-M"),
        apply=False,
    )
    assert report.ok
    assert [r.status for r in report.rows] == [Status.CREATE] * 3
    assert OrgUnit.objects.count() == before
    assert not report.applied


def test_apply_creates_tree_with_paths_and_audit(world: World) -> None:
    report = import_org_units(
        actor=admin_actor(world),
        # Children may come before their parents in the file.
        data=csv("A-R2-M-1,Barrio,4,A-R2-M", "A-R2-M,Municipio Dos,3,A-R2", "A-R2,Región Dos,2,A"),
        apply=True,
    )
    assert report.applied and report.created == 3
    region = OrgUnit.objects.get(code="A-R2")
    community = OrgUnit.objects.get(code="A-R2-M-1")
    assert community.path.startswith(region.path)
    assert set(OrgUnit.objects.within(region).values_list("code", flat=True)) == {"A-R2", "A-R2-M", "A-R2-M-1"}
    assert AuditEvent.objects.filter(action="create", target_type="territory.orgunit").count() == 3
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_rename_and_unchanged_rows(world: World) -> None:
    report = import_org_units(
        actor=admin_actor(world), data=csv("A-M-C,Comunidad Renombrada,4,A-M", "A-M,Municipio A,3,A-R"), apply=True
    )
    assert [r.status for r in report.rows] == [Status.UPDATE, Status.UNCHANGED]
    assert OrgUnit.objects.get(code="A-M-C").name == "Comunidad Renombrada"
    event = AuditEvent.objects.get(action="update", target_id=str(world.community.pk))
    assert event.changes == {"name": ["Comunidad A", "Comunidad Renombrada"]}


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        (["X1,Sin padre,4,NOPE"], "no existe"),
        (["X1,Uno,4,A-M", "X1,Dos,4,A-M"], "más de una vez"),
        (["X1,Ciclo uno,4,X2", "X2,Ciclo dos,4,X1"], "ciclo"),
        (["X1,Nivel malo,4,A-R"], "región"),
        (["X1,Nivel raro,planeta,A-M"], "Nivel desconocido"),
        (["X1,,4,A-M"], "nombre está vacío"),
        (["A-M-C,Otra,3,A-R"], "otro nivel"),
        (["X1,Yo mismo,4,X1"], "propia unidad superior"),
    ],
)
def test_bad_rows_rejected_in_spanish_and_nothing_written(world: World, rows: list[str], fragment: str) -> None:
    before = (OrgUnit.objects.count(), AuditEvent.objects.count())
    report = import_org_units(actor=admin_actor(world), data=csv("OK-1,Válida,4,A-M", *rows), apply=True)
    assert not report.applied
    assert report.error_rows
    messages = " ".join(" ".join(r.errors) for r in report.error_rows)
    assert fragment.lower() in messages.lower(), messages
    # The valid first row is not written either: all or nothing.
    assert (OrgUnit.objects.count(), AuditEvent.objects.count()) == before


def test_every_bad_row_is_reported(world: World) -> None:
    report = import_org_units(
        actor=admin_actor(world), data=csv("X1,Uno,4,NOPE", "X2,Dos,9,A-M", "X3,,4,A-M", "X4,Bien,4,A-M"), apply=False
    )
    assert [r.line for r in report.error_rows] == [2, 3, 4]
    assert report.rows[3].status == Status.CREATE


def test_child_of_rejected_row_is_rejected(world: World) -> None:
    report = import_org_units(actor=admin_actor(world), data=csv("X1,Padre malo,3,NOPE", "X2,Hijo,4,X1"), apply=False)
    assert report.rows[1].status == Status.ERROR
    assert "línea 2" in " ".join(report.rows[1].errors)


def test_coordinator_limited_to_own_municipality(world: World) -> None:
    report = import_org_units(
        actor=coordinator_actor(world),
        data=csv("A-M-9,Nueva comunidad,4,A-M", "B-M-9,Ajena,4,B-M", "A-R9,Región,2,A"),
        apply=False,
    )
    assert report.rows[0].status == Status.CREATE
    assert report.rows[1].status == Status.ERROR
    assert report.rows[2].status == Status.ERROR


def test_analyst_cannot_import(world: World) -> None:
    user = world.home["analyst"]
    with pytest.raises(PermissionDenied):
        import_org_units(actor=actor_for(user, user.memberships.get()), data=csv("X,Y,4,A-M"), apply=True)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "vac"),
        (b"nombre;codigo\nA;B\n", "Faltan columnas"),
        (b"\x00\x01\x02binary", "CSV"),
        (b"code,name,level,parent_code\n", "no tiene filas"),
    ],
)
def test_file_level_errors(world: World, data: bytes, fragment: str) -> None:
    report = import_org_units(actor=admin_actor(world), data=data, apply=True)
    assert not report.applied
    assert fragment.lower() in " ".join(report.file_errors).lower()


def test_semicolon_spanish_headers_and_windows_encoding(world: World) -> None:
    data = "codigo;nombre;nivel;codigo_padre\nA-M-Ñ;Peñas;Comunidad;A-M\n".encode("cp1252")
    report = import_org_units(actor=admin_actor(world), data=data, apply=True)
    assert report.applied
    assert OrgUnit.objects.get(code="A-M-Ñ").name == "Peñas"
    assert OrgUnit.objects.get(code="A-M-Ñ").level == Level.COMMUNITY


def test_import_through_the_browser_flow(client, world: World) -> None:
    login(client, world.home["coordinator"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("unidades.csv", csv("A-M-50,Barrio Cincuenta,4,A-M"), content_type="text/csv")
    response = client.post(reverse("territory:import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["report"].ok
    assert not OrgUnit.objects.filter(code="A-M-50").exists()
    token = response.context["token"]
    response = client.post(reverse("territory:import"), {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert OrgUnit.objects.filter(code="A-M-50", parent=world.municipality).exists()


def test_upload_wrong_type_rejected(client, world: World) -> None:
    login(client, world.home["admin"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("foto.png", b"\x89PNG...", content_type="image/png")
    response = client.post(reverse("territory:import"), {"file": upload})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_coordinator_cannot_create_a_country(world: World) -> None:
    report = import_org_units(actor=coordinator_actor(world), data=csv("ZZ,País pirata,1,"), apply=True)
    assert not report.applied
    assert report.rows[0].status == Status.ERROR
    assert not OrgUnit.objects.filter(code="ZZ").exists()


def test_admin_can_create_a_country(world: World) -> None:
    report = import_org_units(actor=admin_actor(world), data=csv("ZZ,País nuevo,1,"), apply=True)
    assert report.applied
    assert OrgUnit.objects.get(code="ZZ").parent is None


def test_the_checked_file_waits_in_storage_and_stale_ones_are_forgotten(
    client, world: World, settings, tmp_path
) -> None:
    """The file between check and confirm lives in Django's storage (object storage on several web
    machines), is deleted once applied, and files nobody confirmed for a day are removed."""
    import datetime
    import os

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    stale = default_storage.save("imports/olvidado.csv", ContentFile(b"code,name\n"))
    old = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(tmp_path / stale, (old, old))
    recent = default_storage.save("imports/reciente.csv", ContentFile(b"code,name\n"))

    login(client, world.home["coordinator"])
    upload = SimpleUploadedFile("unidades.csv", csv("A-M-51,Barrio Cincuenta y uno,4,A-M"), content_type="text/csv")
    token = client.post(reverse("territory:import"), {"file": upload}).context["token"]
    staged = f"imports/{token}.csv"
    assert default_storage.exists(staged)
    assert not default_storage.exists(stale)
    assert default_storage.exists(recent)

    response = client.post(reverse("territory:import"), {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert OrgUnit.objects.filter(code="A-M-51").exists()
    assert not default_storage.exists(staged)


def test_a_confirm_whose_file_is_gone_says_the_import_expired(client, world: World, settings, tmp_path) -> None:
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    login(client, world.home["coordinator"])
    upload = SimpleUploadedFile("unidades.csv", csv("A-M-52,Barrio Cincuenta y dos,4,A-M"), content_type="text/csv")
    token = client.post(reverse("territory:import"), {"file": upload}).context["token"]
    default_storage.delete(f"imports/{token}.csv")
    response = client.post(reverse("territory:import"), {"confirm": "1", "token": token}, follow=True)
    assert not OrgUnit.objects.filter(code="A-M-52").exists()
    assert "La importación venció. Vuelva a subir el archivo." in response.content.decode()
