"""Frameworks as data: the three shipped ones installed once, every rule they name known with valid
parameters, a published edition never edited (a new edition instead), the rule parameters checked."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ronda.certification import rules, services
from ronda.certification.frameworks import SHIPPED
from ronda.certification.models import Cycle, Framework, FrameworkStatus, Requirement, RequirementKind
from ronda.certification.tests.conftest import person
from ronda.core.tenancy import SYSTEM
from ronda.testing import World

pytestmark = pytest.mark.django_db


def test_the_three_shipped_frameworks_are_installed_once() -> None:
    codes = sorted(Framework.objects.filter(status=FrameworkStatus.PUBLISHED).values_list("code", flat=True))
    assert codes == sorted(d["code"] for d in SHIPPED) == ["cai-cr", "cai-es", "cfci"]
    assert services.install_shipped() == []  # a second run adds nothing
    assert Framework.objects.count() == 3
    cai = Framework.objects.get(code="cai-cr")
    assert cai.country_code == "CR" and cai.validity_months == 48 and cai.interim_report_months == 24
    assert Framework.objects.get(code="cfci").country_code == ""


def test_every_shipped_computed_requirement_names_a_known_rule_with_valid_parameters() -> None:
    computed = Requirement.objects.filter(kind=RequirementKind.COMPUTED)
    assert computed.count() >= 20
    for requirement in computed:
        assert rules.get(requirement.rule) is not None, requirement.rule
        assert rules.check_params(requirement.rule, requirement.params) == [], requirement.code


def test_check_params_refuses_unknown_names_and_wrong_kinds() -> None:
    assert rules.check_params("coordination.body_meets", {"min_meetings": 3, "political": False}) == []
    assert rules.check_params("coordination.body_meets", {"meetings": 3})
    assert rules.check_params("coordination.body_meets", {"min_meetings": "3"})
    assert rules.check_params("coordination.body_meets", {"political": 1})
    assert rules.check_params("coordination.body_meets", {"months": 0})
    assert rules.check_params("no.such.rule", {})


def test_a_published_edition_does_not_change_a_new_edition_does(world: World, framework: Framework) -> None:
    requirement = framework.requirements.get(code="mesa")
    with pytest.raises(ValidationError) as refused:
        services.update_requirement(actor=SYSTEM, requirement=requirement, expected_version=None, title="Otra cosa")
    assert "edition" in str(refused.value) or "edición" in str(refused.value)
    draft = services.new_edition(actor=SYSTEM, framework=framework)
    assert draft.edition == 2 and draft.is_draft and draft.based_on_id == framework.pk
    assert draft.requirements.count() == framework.requirements.count()
    with pytest.raises(ValidationError):
        services.new_edition(actor=SYSTEM, framework=framework)  # one draft at a time
    copy = draft.requirements.get(code="mesa")
    with pytest.raises(ValidationError) as bad:
        services.update_requirement(actor=SYSTEM, requirement=copy, expected_version=None, params={"min_meetings": -1})
    assert "params" in bad.value.message_dict
    services.update_requirement(actor=SYSTEM, requirement=copy, expected_version=None, params={"min_meetings": 6})
    services.publish_edition(actor=SYSTEM, framework=draft, expected_version=None)
    framework.refresh_from_db()
    draft.refresh_from_db()
    assert framework.status == FrameworkStatus.RETIRED and draft.status == FrameworkStatus.PUBLISHED
    assert framework.requirements.get(code="mesa").params == {"min_meetings": 1}  # the old edition untouched


def test_a_cycle_keeps_its_edition(world: World, cycle: Cycle, framework: Framework) -> None:
    draft = services.new_edition(actor=SYSTEM, framework=framework)
    services.publish_edition(actor=SYSTEM, framework=draft, expected_version=None)
    cycle.refresh_from_db()
    assert cycle.framework_id == framework.pk


def test_only_the_countrys_secretariat_edits_its_framework(world: World, framework: Framework) -> None:
    services.new_edition(actor=person(world, "secretariat"), framework=framework)
    with pytest.raises(PermissionDenied):
        services.new_edition(actor=person(world, "secretariat", away=True), framework=framework)
    with pytest.raises(PermissionDenied):
        services.new_edition(actor=person(world, "coordinator"), framework=Framework.objects.get(code="cfci"))
