from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from ronda.accounts.models import Membership, User
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.portal import demo, registry
from ronda.portal.tests.fake_domain import demo as fake_demo
from ronda.territory.models import Institution, Level, OrgUnit

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent() -> None:
    call_command("demo", verbosity=0)
    counts = (OrgUnit.objects.count(), User.objects.count(), Membership.objects.count(), Institution.objects.count())
    events = AuditEvent.objects.count()
    call_command("demo", verbosity=0)
    assert counts == (
        OrgUnit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Institution.objects.count(),
    )
    assert AuditEvent.objects.count() == events

    cr = OrgUnit.objects.get(code="CR")
    assert OrgUnit.objects.within(cr).filter(level=Level.REGION).count() == 7
    assert OrgUnit.objects.within(cr).filter(level=Level.MUNICIPALITY).count() >= 10
    loja = OrgUnit.objects.get(code="EC-1101")
    communities = list(loja.children.values_list("name", flat=True))
    assert len(communities) == 24 and "Motupe" in communities and "Turunuma" in communities
    tlaxcala = OrgUnit.objects.get(code="MX-29")
    assert tlaxcala.children.count() >= 5
    for acronym in ["PANI", "JCPD", "DINAPEN", "SEDIF", "PPNNA", "DIF"]:
        assert Institution.objects.filter(acronym=acronym).exists(), acronym

    expected = {
        "admin": (Role.ADMIN, None),
        "secretaria.cr": (Role.SECRETARIAT, "CR"),
        "coord.loja": (Role.COORDINATOR, "EC-1101"),
        "focal.loja": (Role.AREA_FOCAL, "EC-1101"),
        "defensor.motupe": (Role.DEFENDER, "EC-1101-01"),
        "supervisor.loja": (Role.SUPERVISOR, "EC-1101"),
        "proteccion.tlaxcala": (Role.PROTECTION_OFFICER, "MX-29"),
        "analista.cr": (Role.ANALYST, "CR"),
        "evaluadora.cr": (Role.EVALUATOR, "CR"),
    }
    for username, (role, code) in expected.items():
        membership = Membership.objects.get(user__username=username, role=role)
        assert (membership.org_unit.code if membership.org_unit else None) == code
        assert membership.user.is_demo
        assert membership.user.check_password("ronda-demo-2026")
    assert Membership.objects.get(user__username="focal.loja").area.name == "Salud"
    assert OrgUnit.objects.get(code="EC-1101-01").name == "Motupe"


def test_the_command_lists_the_logins_and_says_when_there_is_nothing_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    first = capsys.readouterr().out
    assert "Demo data loaded (15 users created)." in first
    assert "coord.loja" in first and "ronda-demo-2026" in first
    call_command("demo")
    assert "Demo data already present: nothing to do." in capsys.readouterr().out


@override_settings(PRODUCTION=True)
def test_refused_in_production_before_writing_anything() -> None:
    with pytest.raises(demo.DemoRefused):
        demo.load_demo()
    assert not OrgUnit.objects.exists() and not AuditEvent.objects.exists()


def test_every_apps_loader_runs_in_order_in_one_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new app's ``demo.load_demo`` runs after the others, inside the same transaction: when one
    loader fails, the data of those before it is rolled back too."""
    contributions = registry.collect(["ronda.territory", "ronda.portal.tests.fake_domain"])

    def failing() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(
        registry,
        "_installed",
        [registry.Contributions(demo_loaders=(*contributions.demo_loaders, ("ronda.failing", failing)))],
    )
    fake_demo.CALLS.clear()
    with pytest.raises(RuntimeError, match="boom"):
        demo.load_demo()
    assert fake_demo.CALLS == ["fake_domain"]  # ran, after the territory
    # The territory, loaded first and committed by nobody, is rolled back with the failure (the
    # test's own transaction is still open: only load_demo's atomic block can have undone it).
    assert not OrgUnit.objects.exists()


def test_the_logins_each_loader_created_are_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    contributions = registry.collect(["ronda.territory", "ronda.accounts", "ronda.portal.tests.fake_domain"])
    monkeypatch.setattr(registry, "_installed", [contributions])
    created = demo.load_demo()
    assert created[-1] == "fake.login" and "coord.loja" in created and len(created) == 16
