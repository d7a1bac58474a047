from __future__ import annotations

import pytest
from django.core.management import call_command

from ronda.accounts.models import Membership, User
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
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
        "proteccion.tlaxcala": (Role.PROTECTION_OFFICER, "MX-29-033"),
        "analista.cr": (Role.ANALYST, "CR"),
    }
    for username, (role, code) in expected.items():
        membership = Membership.objects.get(user__username=username, role=role)
        assert (membership.org_unit.code if membership.org_unit else None) == code
        assert membership.user.is_demo
        assert membership.user.check_password("ronda-demo-2026")
    assert Membership.objects.get(user__username="focal.loja").area.name == "Salud"
    assert OrgUnit.objects.get(code="EC-1101-01").name == "Motupe"
