"""The demo's links: Loja's council requests answered by measures, an agreement taken up by one."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ronda.links.models import LinkKind, MeasureLink

pytestmark = pytest.mark.django_db


def test_demo_links_and_idempotence(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", verbosity=0)
    kinds = set(MeasureLink.objects.filter(org_unit__code="EC-1101").values_list("kind", flat=True))
    assert LinkKind.COUNCIL_REQUEST in kinds and LinkKind.AGREEMENT in kinds
    count = MeasureLink.objects.count()
    from ronda.links.demo import load_demo

    load_demo()
    assert MeasureLink.objects.count() == count
    # Every link ties two records of the same municipality.
    for link in MeasureLink.objects.select_related("measure__plan"):
        assert link.measure.plan.org_unit_id == link.org_unit_id
