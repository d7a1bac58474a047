"""A municipality's identity (issue #13 item 16): its coordinator sets the official name, a colour
that white text can be read on, and a coat of arms checked by its content; the header, the public
page and the documents show them; bad input gets a Spanish message and changes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from PIL import Image

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.territory import identity, services
from ronda.territory.models import OrgUnit
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = dict.fromkeys(ROLES, 404)
EVERYONE = dict.fromkeys(ROLES, 200)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(side: int = 64, colour: str = "#1d4e89") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(content: bytes | None = None, name: str = "escudo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else png(), content_type="image/png")


def state(unit: OrgUnit) -> tuple[Any, ...]:
    unit.refresh_from_db()
    return (unit.official_name, unit.colour, unit.coat_of_arms.name, unit.version)


# --- The colour: WCAG 2.1 contrast against white ---------------------------------------------------
@pytest.mark.parametrize(
    ("colour", "ratio"),
    [("#ffffff", 1.0), ("#000000", 21.0), ("#767676", 4.54), ("#777777", 4.48), ("#1d4e89", 8.39)],
)
def test_contrast_with_white(colour: str, ratio: float) -> None:
    assert identity.contrast_with_white(colour) == pytest.approx(ratio, abs=0.05)


def test_a_pale_colour_is_refused_with_its_ratio() -> None:
    message = identity.colour_error("#777777")
    assert message is not None and "4.5" in message.replace(",", ".") and "4.5:1" not in message
    assert identity.colour_error("#767676") is None
    assert identity.colour_error("blue") is not None


# --- The page: the municipality's coordinator or an administrator ----------------------------------
def test_identity_page_access(world: World) -> None:
    url = reverse("territory:identity_edit", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=dict(NONE, admin=200, coordinator=200))


def test_identity_post(world: World) -> None:
    unit = world.municipality

    def data(w: World) -> dict[str, Any]:
        unit.refresh_from_db()
        return {
            "official_name": "Municipalidad de A",
            "colour": "#0b5563",
            "coat_of_arms": upload(),
            "version": unit.version,
        }

    check_access_matrix(
        world,
        url=reverse("territory:identity_edit", args=[unit.pk]),
        method="post",
        data=data,
        expected=dict(NONE, admin=302, coordinator=302),
        state=lambda: state(unit)[:3],
    )
    unit.refresh_from_db()
    assert unit.official_name == "Municipalidad de A"
    assert unit.colour == "#0b5563"
    assert unit.coat_of_arms.name.startswith("identity/") and unit.coat_of_arms.name.endswith(".png")


def test_only_a_municipality_has_an_identity(world: World) -> None:
    with pytest.raises(ValidationError):
        services.set_identity(
            actor=SYSTEM, unit=world.community, expected_version=None, official_name="", colour="#0b5563"
        )
    client = Client()
    login(client, world.home["admin"])
    assert client.get(reverse("territory:identity_edit", args=[world.community.pk])).status_code == 404


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        (b"%PDF-1.4 not an image", "coat_of_arms", "no es una foto"),
        (png(side=1500), "coat_of_arms", "1024"),
    ],
)
def test_bad_coat_of_arms(world: World, content: bytes, field: str, words: str) -> None:
    before = state(world.municipality)
    with pytest.raises(ValidationError) as exc:
        services.set_identity(
            actor=SYSTEM,
            unit=world.municipality,
            expected_version=None,
            official_name="Municipalidad de A",
            colour="#0b5563",
            coat_of_arms=upload(content),
        )
    assert words in " ".join(exc.value.message_dict[field])
    assert state(world.municipality) == before


def test_form_errors_are_spanish_and_nothing_is_saved(world: World) -> None:
    client = Client()
    login(client, world.home["coordinator"])
    unit = world.municipality
    before = state(unit)
    response = client.post(
        reverse("territory:identity_edit", args=[unit.pk]),
        {"official_name": "X", "colour": "#eeeeee", "version": unit.version},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    assert "Elija un color más oscuro" in response.content.decode()
    assert state(unit) == before


def test_a_stale_version_is_refused(world: World) -> None:
    unit = world.municipality
    services.set_identity(actor=SYSTEM, unit=unit, expected_version=None, official_name="Uno", colour="#0b5563")
    client = Client()
    login(client, world.home["coordinator"])
    response = client.post(
        reverse("territory:identity_edit", args=[unit.pk]),
        {"official_name": "Dos", "colour": "#0b5563", "version": unit.version - 1},
    )
    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.official_name == "Uno"


def test_replacing_and_removing_the_coat_of_arms_is_audited(
    world: World, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    unit = world.municipality
    services.set_identity(
        actor=SYSTEM, unit=unit, expected_version=None, official_name="", colour="", coat_of_arms=upload()
    )
    unit.refresh_from_db()
    first = unit.coat_of_arms.name
    assert first
    with django_capture_on_commit_callbacks(execute=True):
        services.set_identity(
            actor=SYSTEM, unit=unit, expected_version=None, official_name="", colour="", coat_of_arms=upload(png(32))
        )
    unit.refresh_from_db()
    assert unit.coat_of_arms.name != first
    assert not (media_root / first).exists()  # the replaced file is gone once the change committed
    services.set_identity(
        actor=SYSTEM, unit=unit, expected_version=None, official_name="", colour="", remove_coat_of_arms=True
    )
    unit.refresh_from_db()
    assert not unit.coat_of_arms
    events = AuditEvent.objects.filter(target_type="territory.orgunit", target_id=str(unit.pk), action="update")
    assert events.count() == 3


# --- Where it shows -------------------------------------------------------------------------------
@pytest.fixture
def dressed(world: World) -> OrgUnit:
    unit = world.municipality
    services.set_identity(
        actor=SYSTEM,
        unit=unit,
        expected_version=None,
        official_name="Municipalidad de A",
        colour="#0b5563",
        coat_of_arms=upload(),
    )
    unit.refresh_from_db()
    return unit


def test_coat_of_arms_and_colour_are_public(world: World, dressed: OrgUnit) -> None:
    arms = reverse("territory:coat_of_arms", args=[dressed.code])
    check_access_matrix(world, url=arms, expected=EVERYONE, away=200, anonymous=200)
    response = Client().get(arms)
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    css = reverse("territory:identity_css", args=[dressed.code])
    check_access_matrix(world, url=css, expected=EVERYONE, away=200, anonymous=200)
    assert Client().get(css).content.decode().strip() == ":root{--municipal-colour:#0b5563}"
    assert Client().get(reverse("territory:coat_of_arms", args=["NOPE"])).status_code == 404
    assert Client().get(reverse("territory:identity_css", args=[world.other_municipality.code])).status_code == 404


def test_the_header_wears_the_municipality(world: World, dressed: OrgUnit) -> None:
    client = Client()
    login(client, world.home["coordinator"])
    page = client.get(reverse("territory:unit_detail", args=[dressed.pk])).content.decode()
    assert reverse("territory:identity_css", args=[dressed.code]) in page
    assert reverse("territory:coat_of_arms", args=[dressed.code]) in page
    away = Client()
    login(away, world.away["coordinator"])
    page = away.get(reverse("core:home")).content.decode()
    assert reverse("territory:identity_css", args=[dressed.code]) not in page


def test_the_letterhead_embeds_the_coat_of_arms(dressed: OrgUnit) -> None:
    html = Template("{% load territory %}{% municipal_letterhead unit %}").render(Context({"unit": dressed}))
    assert "Municipalidad de A" in html
    assert 'src="data:image/png;base64,' in html
    assert "#0b5563" in html
    assert Template("{% load territory %}{% municipal_letterhead None %}").render(Context({})).strip() == ""
