"""A merge of two records of one child carries their cases and caregivers to the record that goes on,
and undoing it gives each case back to the record it was opened for (issue #11, items 2-3)."""

from __future__ import annotations

import pytest

from ronda.cases import policies, policies_cases, route, services
from ronda.cases.models import Case
from ronda.cases.tests.factories import TODAY, act, make_case, make_child, taxonomy
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.testing import World

pytestmark = pytest.mark.django_db


def test_cases_and_caregivers_follow_a_merge_and_come_back_when_it_is_undone(world: World) -> None:
    supervisor = act(world.home[Role.SUPERVISOR])
    kept = make_child(world)
    duplicate = make_child(world, first_names="Xiomara", alias="Xio")
    services.add_caregiver(actor=supervisor, child=duplicate, first_names="Rosa", relationship="mother")
    on_kept = make_case(world, child=kept)
    on_duplicate = make_case(world, child=duplicate)

    services.merge_children(actor=supervisor, keep=kept, duplicate=duplicate)

    assert set(Case.objects.filter(child=kept)) == {on_kept, on_duplicate}
    on_duplicate.refresh_from_db()
    assert on_duplicate.opened_for == duplicate and on_duplicate.version == 2
    assert [c.first_names for c in policies.list_caregivers(supervisor, kept)] == ["Rosa"]
    merge = AuditEvent.objects.filter(target_type="cases.child", target_id=str(kept.pk)).latest("id")
    assert merge.changes["cases_moved"] == [None, 1]
    # A case opened afterwards for the merged record goes to the record that goes on.
    later = make_case(world, child=duplicate, by=world.home[Role.SUPERVISOR])
    assert later.child == kept and later.opened_for == kept

    services.unmerge_child(actor=supervisor, child=duplicate)

    on_duplicate.refresh_from_db()
    assert on_duplicate.child == duplicate
    assert set(Case.objects.filter(child=kept)) == {on_kept, later}
    assert policies.list_caregivers(supervisor, kept) == []


def test_a_defender_reads_the_children_of_the_cases_they_work_on(world: World) -> None:
    other = make_child(world)  # registered by the home defender
    supervisor = world.home[Role.SUPERVISOR]
    types = taxonomy(world.country)
    case = route.open_case(
        actor=act(supervisor),
        child=other,
        violation_type_ids=[types["neglect"].pk],
        reporter_type="school",
        facts_date=TODAY,
        description="La escuela avisa de faltas repetidas.",
        risk="low",
        owner=supervisor,
    )
    from ronda.testing import make_user

    second = make_user("defensora.dos", Role.DEFENDER, world.community)
    assert not policies.visible_children(act(second)).filter(pk=other.pk).exists()
    assert not policies_cases.visible_cases(act(second)).exists()
    from ronda.cases.models import CaseAssignment

    CaseAssignment.objects.create(case=case, user=second)
    assert policies.visible_children(act(second)).filter(pk=other.pk).exists()
    assert list(policies_cases.visible_cases(act(second))) == [case]
