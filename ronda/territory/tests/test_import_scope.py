"""Issue #7, finding 7: the org-unit import tells nothing about units outside the actor's subtree.

A code out of sight is reported exactly like a code that does not exist, in the dry run and
when applying, and nothing in the report gives away its level or its parent.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from ronda.accounts.selectors import active_memberships
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, actor_for
from ronda.territory.importers import ImportReport, Status, import_org_units
from ronda.territory.models import OrgUnit
from ronda.testing import World, login, make_user

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,parent_code"


def coordinator(world: World, where: str = "municipality") -> Actor:
    """The home coordinator (municipality A-M), or one whose membership is country A itself."""
    if where == "municipality":
        user = world.home["coordinator"]
    else:
        user = make_user("coordinator.country", Role.COORDINATOR, world.country)
    return actor_for(user, active_memberships(user)[0])


def run(actor: Actor, lines: list[str], *, apply: bool) -> ImportReport:
    data = ("\n".join([HEADER, *lines]) + "\n").encode()
    return import_org_units(actor=actor, data=data, apply=apply)


def seen(report: ImportReport, renames: dict[str, str] | None = None) -> list[tuple[object, ...]]:
    """Everything the report shows of each row, with the codes of the file renamed as given."""

    def rename(text: str) -> str:
        for old, new in sorted((renames or {}).items(), key=lambda item: -len(item[0])):  # B-M-C before B-M
            text = text.replace(old, new)
        return text

    return [
        (
            r.line,
            rename(r.code),
            r.name,
            r.level_raw,
            rename(r.parent_code),
            r.level,
            r.status,
            r.status_label,
            *(rename(e) for e in r.errors),
        )
        for r in report.rows
    ] + [tuple(report.file_errors), (report.ok, report.applied)]


# (row with codes of units out of sight, the same row with codes nobody uses, renames)
CASES = {
    # A new community under a municipality of country B, of the sibling municipality, or under a
    # region of country B (where "wrong level" would give away that B-R is a region).
    "parent in country B": ("X-9,Barrio,4,B-M", "X-9,Barrio,4,NOPE-M", {"B-M": "NOPE-M"}),
    "parent in the sibling municipality": ("X-9,Barrio,4,A-M2", "X-9,Barrio,4,NOPE-M", {"A-M2": "NOPE-M"}),
    "parent of another level in country B": ("X-9,Barrio,4,B-R", "X-9,Barrio,4,NOPE-R", {"B-R": "NOPE-R"}),
    # Rows naming units of country B themselves, with their true parent or not, right level or not.
    "unit of country B as it is": (
        "B-M-C,Comunidad B,4,B-M",
        "NOPE-C,Comunidad B,4,NOPE-M",
        {"B-M-C": "NOPE-C", "B-M": "NOPE-M"},
    ),
    "unit of country B renamed": ("B-M-C,Otro,4,B-M", "NOPE-C,Otro,4,NOPE-M", {"B-M-C": "NOPE-C", "B-M": "NOPE-M"}),
    "unit of country B at another level": (
        "B-M-C,Otro,3,B-R",
        "NOPE-C,Otro,3,NOPE-R",
        {"B-M-C": "NOPE-C", "B-R": "NOPE-R"},
    ),
    "unit of country B under another parent": (
        "B-M,Otro,3,B-M-C",
        "NOPE-M,Otro,3,NOPE-C",
        {"B-M": "NOPE-M", "B-M-C": "NOPE-C"},
    ),
}


# The sibling municipality is out of sight of the municipality's coordinator only.
SCOPES = [
    (case, where)
    for case in CASES
    for where in ("municipality", "country")
    if not (where == "country" and "sibling" in case)
]


@pytest.mark.parametrize("apply", [False, True], ids=["dry run", "apply"])
@pytest.mark.parametrize(("case", "where"), SCOPES)
def test_a_unit_out_of_sight_reads_like_an_unknown_code(world: World, case: str, where: str, apply: bool) -> None:
    foreign, unknown, renames = CASES[case]
    actor = coordinator(world, where)
    before = (OrgUnit.objects.count(), AuditEvent.objects.count())
    # A valid row too: the report must not differ in what it says about the others either.
    valid = "A-M-77,Barrio nuevo,4,A-M"
    foreign_report = run(actor, [valid, foreign], apply=apply)
    unknown_report = run(actor, [valid, unknown], apply=apply)
    assert seen(foreign_report, renames) == seen(unknown_report)
    assert foreign_report.rows[1].status == Status.ERROR
    assert (OrgUnit.objects.count(), AuditEvent.objects.count()) == before  # all or nothing


@pytest.mark.parametrize("code", ["B-M-C", "B-M", "B-R", "B", "A-M2", "A-M2-C"])
@pytest.mark.parametrize("apply", [False, True], ids=["dry run", "apply"])
def test_a_code_used_out_of_sight_says_only_that_it_is_taken(world: World, code: str, apply: bool) -> None:
    """Codes are unique in the whole tree: a new community under A-M cannot take one used
    elsewhere. The report says the code is taken, in the words of the unit form, and the same
    thing whatever that unit is (a community, a municipality, a region or a country)."""
    report = run(coordinator(world), [f"{code},Barrio,4,A-M"], apply=apply)
    row = report.rows[0]
    assert row.status == Status.ERROR and not report.applied
    assert row.errors == [_("Another unit already uses the code %(code)s.") % {"code": code}]
    assert OrgUnit.objects.get(code=code).name != "Barrio"


def test_units_in_sight_keep_their_precise_messages(world: World) -> None:
    """The coordinator's own units are theirs to know: level and parent are still explained."""
    report = run(coordinator(world), ["A-M-C,Otra,3,A-R", "X-9,Barrio,4,A-M-C"], apply=False)
    assert "otro nivel" in report.rows[0].errors[0]
    assert "comunidad" in report.rows[1].errors[0]


def test_the_admin_sees_everything(world: World) -> None:
    user = world.home["admin"]
    admin = actor_for(user, active_memberships(user)[0])
    report = run(admin, ["B-M-C,Otra,3,B-R"], apply=False)
    assert "otro nivel" in report.rows[0].errors[0]


def test_the_template_download_is_written_by_the_safe_writer(client, world: World) -> None:
    login(client, world.home["coordinator"])
    response = client.get(reverse("territory:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [HEADER]


@pytest.mark.parametrize("apply", [False, True])
def test_a_nul_anywhere_in_the_file_refuses_it_before_any_write(world: World, apply: bool) -> None:
    rows = [f"A-M-N{n},Barrio {n},4,A-M" for n in range(400)]  # more than 4 KB before the NUL
    data = ("\n".join([HEADER, *rows, "A-M-X,Ba\x00rrio,4,A-M"]) + "\n").encode()
    assert len(data) > 8192
    before = OrgUnit.objects.count()
    report = import_org_units(actor=coordinator(world), data=data, apply=apply)
    assert report.file_errors
    assert OrgUnit.objects.count() == before
