"""The violation-type taxonomies of Ecuador, Costa Rica and Mexico (issue #11, item 3)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ronda.cases import route, taxonomy
from ronda.cases.models import CaseViolation, ViolationType
from ronda.cases.tests.factories import act, make_child
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.territory.models import InstitutionKind, Level
from ronda.testing import World, make_unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", sorted(taxonomy.TAXONOMIES))
def test_the_data_is_well_formed(code: str) -> None:
    entries = taxonomy.TAXONOMIES[code]
    codes = [e.code for e in entries]
    assert len(codes) == len(set(codes)), "a code appears twice"
    seen: set[str] = set()
    for entry in entries:
        assert re.fullmatch(r"[a-z0-9-]{1,40}", entry.code), entry.code
        assert 0 < len(entry.name) <= 160
        assert not entry.parent or entry.parent in seen, f"{entry.code}: its group must come first"
        assert (entry.referral_to == "") == (entry.hours is None), f"{entry.code}: a referral needs its deadline"
        assert not entry.referral_to or entry.referral_to in InstitutionKind.values
        if entry.sensitive:
            assert entry.hours == 24, f"{entry.code}: a sensitive type is referred within 24 hours"
        seen.add(entry.code)
    # A group is as strict as its strictest member.
    by_code = {e.code: e for e in entries}
    for entry in entries:
        if entry.parent:
            group = by_code[entry.parent]
            assert group.sensitive or not entry.sensitive, f"{entry.parent} is less strict than {entry.code}"
    # Every country refers sexual abuse within 24 hours and masks the case.
    sexual = [e for e in entries if "sexual" in e.code]
    assert sexual and all(e.sensitive and e.hours == 24 for e in sexual)


def test_ecuador_loads_with_its_rules_and_again_adds_nothing(world: World) -> None:
    created = taxonomy.load_taxonomy(world.country, "EC")
    assert len(created) == len(taxonomy.ECUADOR) == ViolationType.objects.filter(country=world.country).count()
    types = {t.code: t for t in ViolationType.objects.filter(country=world.country)}
    assert types["abuso-sexual"].requires_referral_to == InstitutionKind.PROSECUTOR
    assert types["abuso-sexual"].referral_deadline_hours == 24 and types["abuso-sexual"].makes_sensitive
    assert types["abuso-sexual"].parent == types["violencia-sexual"]
    assert types["trata"].makes_sensitive and types["trata"].requires_referral_to == InstitutionKind.PROSECUTOR
    physical = types["maltrato-fisico"]
    assert physical.requires_referral_to == InstitutionKind.PROTECTION_BOARD and physical.referral_deadline_hours == 72
    assert physical.name == "Maltrato físico" and physical.parent == types["maltrato"]
    assert (
        types["desercion-escolar"].requires_referral_to == ""
        and types["desercion-escolar"].referral_deadline_hours is None
    )
    assert AuditEvent.objects.filter(target_type="cases.violationtype").count() == len(created)

    # A municipality edited a type: loading again neither adds nor rewrites anything.
    ViolationType.objects.filter(pk=physical.pk).update(name="Maltrato físico (castigo)")
    assert taxonomy.load_taxonomy(world.country, "EC") == []
    physical.refresh_from_db()
    assert physical.name == "Maltrato físico (castigo)"
    assert ViolationType.objects.filter(country=world.country).count() == len(taxonomy.ECUADOR)


def test_a_missing_type_is_added_beside_the_existing_ones(world: World) -> None:
    taxonomy.load_taxonomy(world.country, "MX")
    ViolationType.objects.filter(country=world.country, code="trata").delete()
    created = taxonomy.load_taxonomy(world.country, "MX")
    assert [t.code for t in created] == ["trata"]


def test_unknown_taxonomy_is_refused(world: World) -> None:
    with pytest.raises(ValueError):
        taxonomy.load_taxonomy(world.country, "XX")
    assert not ViolationType.objects.exists()


def test_the_command_loads_a_country_by_code() -> None:
    ecuador = make_unit("EC", Level.COUNTRY, None, "Ecuador")
    costa_rica = make_unit("CR", Level.COUNTRY, None, "Costa Rica")
    out = io.StringIO()
    call_command("load_violation_types", "--country", "EC", stdout=out)
    assert ViolationType.objects.filter(country=ecuador).count() == len(taxonomy.ECUADOR)
    assert not ViolationType.objects.filter(country=costa_rica).exists()
    assert f"EC: {len(taxonomy.ECUADOR)} created" in out.getvalue()
    call_command("load_violation_types", stdout=out)  # every country there is; Mexico is not
    assert ViolationType.objects.filter(country=ecuador).count() == len(taxonomy.ECUADOR)
    assert ViolationType.objects.filter(country=costa_rica).count() == len(taxonomy.COSTA_RICA)
    assert "EC: 0 created" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_violation_types", "--country", "MX", stdout=out)


def test_a_case_of_sexual_violence_is_sensitive_with_the_prosecutors_deadline(world: World) -> None:
    taxonomy.load_taxonomy(world.country, "EC")
    types = {t.code: t for t in ViolationType.objects.filter(country=world.country)}
    before = timezone.now()
    case = route.open_case(
        actor=act(world.home[Role.DEFENDER]),
        child=make_child(world),
        violation_type_ids=[types["abuso-sexual"].pk, types["negligencia"].pk],
        reporter_type="school",
        facts_date=timezone.localdate() - dt.timedelta(days=1),
        description="La docente relata lo que la niña le contó.",
        risk="high",
    )
    assert case.sensitive
    dues = {v.violation_type.code: v.referral_due_at for v in CaseViolation.objects.filter(case=case)}
    assert dues["abuso-sexual"] is not None
    assert dt.timedelta(hours=23) < dues["abuso-sexual"] - before <= dt.timedelta(hours=24, minutes=1)
    assert dues["negligencia"] is not None and dues["negligencia"] - before > dt.timedelta(hours=71)
