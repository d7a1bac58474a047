"""Children and caregivers: who reads whom (with access events), registration with the duplicate
step, dates, conflicts, and the audit trail without personal values (issue #11, item 2)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from ronda.accounts.models import User
from ronda.accounts.selectors import active_memberships
from ronda.cases import policies, services
from ronda.cases.models import Child, DuplicateReview
from ronda.core.errors import ConflictError
from ronda.core.models import AccessEvent, AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.testing import World

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def act(user: User, *, second_factor: bool = True) -> Actor:
    return actor_for(user, active_memberships(user)[0], second_factor=second_factor)


def child_fields(world: World, **over: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "first_names": "Xiomara Belén",
        "paternal_surname": "Quizhpe",
        "maternal_surname": "Sarango",
        "sex": "female",
        "birth_date": dt.date(TODAY.year - 9, 3, 4),
        "community": world.community,
    }
    fields.update(over)
    return fields


@pytest.fixture
def child(world: World) -> Child:
    return services.register_child(actor=act(world.home[Role.DEFENDER]), **child_fields(world))  # type: ignore[arg-type]


def test_who_reads_a_child(world: World, child: Child) -> None:
    readers = {Role.DEFENDER, Role.SUPERVISOR}
    for role in Role.values:
        actor = act(world.home[role])
        assert (child in policies.visible_children(actor)) == (role in readers), role
        if role in readers:
            before = AccessEvent.objects.count()
            assert policies.get_child(actor, child.pk) == child
            assert AccessEvent.objects.filter(target_type="cases.child", target_id=str(child.pk)).count() == before + 1
        else:
            with pytest.raises(Http404):
                policies.get_child(actor, child.pk)
    for user in world.away.values():
        with pytest.raises(Http404):
            policies.get_child(act(user), child.pk)


def test_without_the_second_factor_nobody_reads(world: World, child: Child) -> None:
    with pytest.raises(Http404):
        policies.get_child(act(world.home[Role.SUPERVISOR], second_factor=False), child.pk)


def test_a_defender_reads_only_the_children_they_registered(world: World, child: Child) -> None:
    from ronda.testing import make_user

    colleague = make_user("defensora.dos", Role.DEFENDER, world.community)
    assert not policies.visible_children(act(colleague)).exists()


def test_an_admin_reads_only_inside_break_glass(world: World, child: Child) -> None:
    admin = world.home[Role.ADMIN]
    plain = actor_for(admin, active_memberships(admin)[0], second_factor=True)
    with pytest.raises(Http404):
        policies.get_child(plain, child.pk)
    grant = actor_for(
        admin, active_memberships(admin)[0], second_factor=True, break_glass_paths=(world.municipality.path,)
    )
    policies.get_child(grant, child.pk)
    assert AccessEvent.objects.get(actor=admin, target_id=str(child.pk)).break_glass


def test_the_list_logs_one_event_per_row_and_searches_without_accents(world: World, child: Child) -> None:
    supervisor = act(world.home[Role.SUPERVISOR])
    other = services.register_child(
        actor=supervisor, confirmed_new=True, **child_fields(world, first_names="Brayan", paternal_surname="Ordóñez")
    )  # type: ignore[arg-type]
    before = AccessEvent.objects.count()
    shown = policies.list_children(supervisor)
    assert shown == [other, child]
    assert AccessEvent.objects.count() == before + 2
    assert policies.list_children(supervisor, search="ORDONEZ") == [other]
    assert policies.list_children(supervisor, before_id=other.pk) == [child]


def test_a_second_registration_stops_at_the_duplicates(world: World, child: Child) -> None:
    supervisor = act(world.home[Role.SUPERVISOR])
    similar = child_fields(world, first_names="Xiomara", maternal_surname="")
    with pytest.raises(services.PossibleDuplicates):
        services.register_child(actor=supervisor, **similar)  # type: ignore[arg-type]
    assert Child.objects.count() == 1
    seen = services.duplicate_candidates(actor=supervisor, **similar)  # type: ignore[arg-type]
    assert [c.child for c in seen] == [child] and "surname_missing" in seen[0].reasons
    services.register_child(actor=supervisor, confirmed_new=True, **similar)  # type: ignore[arg-type]
    assert Child.objects.count() == 2


def test_a_candidate_the_user_may_not_read_shows_no_names(world: World, child: Child) -> None:
    from ronda.testing import make_user

    colleague = act(make_user("defensor.tres", Role.DEFENDER, world.community))
    before = AccessEvent.objects.count()
    seen = services.duplicate_candidates(actor=colleague, **child_fields(world))  # type: ignore[arg-type]
    assert len(seen) == 1 and seen[0].child is None and seen[0].community_name == world.community.name
    assert AccessEvent.objects.count() == before  # nothing of the child was shown
    review = services.request_duplicate_review(
        actor=colleague,
        candidate_id=seen[0].candidate_id,
        community=world.community,
        score=seen[0].score,
        reasons=list(seen[0].reasons),
    )
    assert list(policies.open_reviews(act(world.home[Role.SUPERVISOR]))) == [review]
    assert not policies.open_reviews(act(world.away[Role.SUPERVISOR])).exists()


def test_a_review_cannot_point_to_another_municipality(world: World) -> None:
    far = services.register_child(actor=SYSTEM, **child_fields(world, community=world.other_community))  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        services.request_duplicate_review(
            actor=act(world.home[Role.DEFENDER]), candidate_id=far.pk, community=world.community, score=1, reasons=[]
        )
    assert not DuplicateReview.objects.exists()


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"birth_date": TODAY + dt.timedelta(days=1)}, "birth_date"),
        ({"birth_date": dt.date(TODAY.year - 18, TODAY.month, 1) - dt.timedelta(days=40)}, "birth_date"),
        ({"birth_date": None}, "birth_date"),
        ({"birth_date": None, "estimated_age": 18}, "estimated_age"),
        ({"first_names": "", "alias": ""}, "first_names"),
        ({"sex": ""}, "sex"),
        ({"document_number": "1104567890"}, "document_type"),
    ],
)
def test_bad_input_is_refused_in_spanish_and_writes_nothing(world: World, over: dict[str, object], field: str) -> None:
    from django.utils import translation

    with translation.override("es"), pytest.raises(ValidationError) as caught:
        services.register_child(actor=act(world.home[Role.DEFENDER]), **child_fields(world, **over))  # type: ignore[arg-type]
    assert field in caught.value.message_dict
    assert not Child.objects.exists() and not AuditEvent.objects.filter(target_type="cases.child").exists()


def test_an_estimated_age_grows(world: World) -> None:
    child = services.register_child(
        actor=SYSTEM,
        **child_fields(world, birth_date=None, estimated_age=7, age_estimated_on=TODAY - dt.timedelta(days=800)),
    )  # type: ignore[arg-type]
    assert child.age_on(TODAY) == 9


def test_outside_their_community_a_defender_registers_nothing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.register_child(
            actor=act(world.home[Role.DEFENDER]), **child_fields(world, community=world.other_community)
        )  # type: ignore[arg-type]
    for role in (Role.COORDINATOR, Role.ANALYST, Role.AREA_FOCAL, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.register_child(actor=act(world.home[role]), **child_fields(world))  # type: ignore[arg-type]


def test_the_trail_records_changes_never_values(world: World, child: Child) -> None:
    supervisor = act(world.home[Role.SUPERVISOR])
    services.update_child(actor=supervisor, child=child, expected_version=child.version, alias="Xio")
    text = json.dumps([e.changes for e in AuditEvent.objects.filter(target_type="cases.child")])
    assert "Xiomara" not in text and "Quizhpe" not in text and "Xio" not in text and "[redacted]" in text


def test_two_people_editing_at_once_the_second_gets_a_conflict(world: World, child: Child) -> None:
    supervisor = act(world.home[Role.SUPERVISOR])
    services.update_child(actor=supervisor, child=child, expected_version=1, school="Escuela Miguel Riofrío")
    with pytest.raises(ConflictError):
        services.update_child(actor=act(world.home[Role.DEFENDER]), child=child, expected_version=1, alias="Xio")
    child.refresh_from_db()
    assert child.alias == "" and child.version == 2


def test_caregivers_one_main_and_read_through_their_policy(world: World, child: Child) -> None:
    defender = act(world.home[Role.DEFENDER])
    mother = services.add_caregiver(
        actor=defender,
        child=child,
        first_names="Rosa",
        surnames="Sarango",
        relationship="mother",
        is_main_caregiver=True,
    )
    grandma = services.add_caregiver(
        actor=defender, child=child, first_names="Carmen", relationship="grandmother", is_main_caregiver=True
    )
    mother.refresh_from_db()
    assert not mother.is_main_caregiver
    before = AccessEvent.objects.count()
    assert policies.list_caregivers(defender, child) == [grandma, mother]
    assert AccessEvent.objects.count() == before + 2
    with pytest.raises(Http404):
        policies.get_caregiver_for_edit(act(world.home[Role.COORDINATOR]), mother.pk)
    with pytest.raises(ValidationError):
        services.update_caregiver(actor=defender, caregiver=mother, expected_version=mother.version, phone="llamar")
    services.remove_caregiver(actor=defender, caregiver=policies.get_caregiver_for_edit(defender, mother.pk))
    assert list(child.caregivers.all()) == [grandma]
    # The caregiver's name counts for the duplicate search.
    seen = services.duplicate_candidates(
        actor=defender, caregiver_names=["Carmen"], **child_fields(world, first_names="Xiomara")
    )  # type: ignore[arg-type]
    assert "caregiver" in seen[0].reasons


def test_a_supervisor_merges_two_records_and_undoes_it(world: World, child: Child) -> None:
    supervisor = act(world.home[Role.SUPERVISOR])
    second = services.register_child(
        actor=supervisor, confirmed_new=True, **child_fields(world, first_names="Xiomara", maternal_surname="")
    )  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        services.merge_children(actor=act(world.home[Role.DEFENDER]), keep=child, duplicate=second)
    with pytest.raises(ValidationError) as caught:
        services.merge_children(actor=supervisor, keep=child, duplicate=child)
    assert list(caught.value.message_dict) == ["other"]
    services.merge_children(actor=supervisor, keep=child, duplicate=second)
    second.refresh_from_db()
    assert second.merged_into == child
    # Hidden from the list and from the duplicate search; its history stays reachable.
    assert policies.list_children(supervisor) == [child]
    assert [c.child for c in services.duplicate_candidates(actor=supervisor, **child_fields(world))] == [child]
    assert policies.get_child(supervisor, second.pk) == second
    assert policies.list_merged_records(supervisor, child) == [second]
    with pytest.raises(ValidationError):
        services.merge_children(actor=supervisor, keep=second, duplicate=child)
    services.unmerge_child(actor=supervisor, child=second)
    second.refresh_from_db()
    assert second.merged_into is None and len(policies.list_children(supervisor)) == 2
    actions = list(
        AuditEvent.objects.filter(target_type="cases.child", action__startswith="children_").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["children_merged", "children_merged", "children_unmerged", "children_unmerged"]
