"""Issue #8 item 3: "which institutions serve this unit" is answered once, by territory."""

from __future__ import annotations

import pytest

from ronda.territory.models import Institution, InstitutionKind
from ronda.territory.selectors import institution_serves, institutions_serving
from ronda.testing import World

pytestmark = pytest.mark.django_db


def test_seated_or_with_jurisdiction_over_the_unit_or_an_ancestor(world: World) -> None:
    national = Institution.objects.create(name="Fiscalía nacional", kind=InstitutionKind.OTHER, org_unit=world.country)
    national.jurisdiction.set([world.country])
    in_community = Institution.objects.create(name="Escuela", kind=InstitutionKind.OTHER, org_unit=world.community)
    closed = Institution.objects.create(
        name="Cerrada", kind=InstitutionKind.OTHER, org_unit=world.municipality, is_active=False
    )
    names = [i.name for i in institutions_serving(world.municipality)]
    assert names == sorted({world.institution.name, national.name, in_community.name, closed.name})
    assert closed.name not in [i.name for i in institutions_serving(world.municipality, active_only=True)]
    assert not institution_serves(world.other_institution, world.municipality)
    assert institution_serves(national, world.community)
