"""Issue #9 item 15: the council's pages say who still takes part without calling them gone, and
its request statuses agree with "la solicitud"."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.council.models import CouncilMember, RequestStatus
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def _left_cells(html: str, label: str) -> list[str]:
    return re.findall(rf'<td data-label="{label}">(.*?)</td>', html)


def test_a_current_member_is_not_shown_as_having_left(world: World, members: list[CouncilMember]) -> None:
    client = login(Client(), world.home["coordinator"])
    spanish = client.get(reverse("council:member_list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    # The column of the day a child left said "Salida: Participantes" on a phone for every current member.
    cells = _left_cells(spanish, "Fecha de salida")
    assert len(cells) == len(members)
    assert all("Sigue en el consejo" in cell and "Participantes" not in cell for cell in cells)
    english = client.get(reverse("council:member_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all("Still in the council" in cell for cell in _left_cells(english, "Left on"))


def test_request_statuses_agree_with_la_solicitud() -> None:
    with translation.override("es"):
        assert [
            str(s.label) for s in (RequestStatus.RECEIVED, RequestStatus.UNDER_STUDY, RequestStatus.IMPLEMENTED)
        ] == [
            "Recibida",
            "En estudio",
            "Implementada",
        ]
