"""Issue #8 item 3: the facts the children's council publishes (``council.contracts``): their values,
their scope (never another municipality's council), and that they never carry a child's name."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ronda.core.tenancy import SYSTEM
from ronda.council import contracts, selectors, services
from ronda.council.models import (
    AccountabilitySession,
    ChildrenCouncil,
    CouncilAgeBand,
    CouncilMember,
    CouncilRequest,
    CouncilSession,
    request_overdue_on,
    request_was_overdue_on,
)
from ronda.council.tests.conftest import MEMBER_NAMES, days_ago
from ronda.council.tests.test_selectors import answer, make
from ronda.testing import World

pytestmark = pytest.mark.django_db


def add_members(council: ChildrenCouncil, band: str, n: int, name: str = "Nombre") -> None:
    for i in range(n):
        CouncilMember.objects.create(
            council=council,
            first_name=f"{name}{i}",
            age_band=band,
            guardian_consent_on=days_ago(100),
            joined_on=days_ago(90),
        )


def test_council_facts(world: World, council: ChildrenCouncil, other_council: ChildrenCouncil) -> None:
    facts = contracts.council_facts(world.municipality)
    assert (facts.exists, facts.name, facts.installed, facts.response_days) == (True, "Consejo de Niñez A", False, 30)
    services.update_council(actor=SYSTEM, council=council, expected_version=None, established_on=days_ago(10))
    facts = contracts.council_facts(world.municipality)
    assert facts.installed and facts.established_on == days_ago(10)
    assert not contracts.council_facts(world.municipality, on=days_ago(11)).installed  # not yet, back then
    # The council of a municipality only: a region, a community or a neighbour has none of its own.
    for unit in (world.region, world.community):
        assert contracts.council_facts(unit) == contracts.CouncilFacts(exists=False)
    assert contracts.council_facts(world.other_municipality).name == "Consejo de Niñez B"


def test_member_figures_by_age_band(
    world: World, council: ChildrenCouncil, other_council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    add_members(other_council, CouncilAgeBand.AGE_6_9, 3)  # another country: never counted at home
    services.update_member(actor=SYSTEM, member=members[1], expected_version=None, left_on=days_ago(1))
    figures = contracts.member_figures(world.municipality)
    assert figures.total == 1
    assert figures.by_age_band == tuple(
        (value, str(label), n) for (value, label), n in zip(CouncilAgeBand.choices, [0, 1, 0, 0], strict=True)
    )
    # As things stood before the second member left: both counted.
    assert contracts.member_figures(world.municipality, on=days_ago(2)).total == 2
    assert contracts.member_figures(world.municipality, on=days_ago(91)).total == 0  # before they joined
    # The same as the council's own overview shows.
    assert [(label, n) for _, label, n in figures.by_age_band] == selectors.members_by_age_band(council)
    # A region sums its municipalities; another country is left out.
    assert contracts.member_figures(world.region).total == 1
    assert contracts.member_figures(world.other_municipality).total == 3
    assert contracts.member_figures(world.other_country).total == 3
    assert contracts.member_figures(world.community).total == 0  # no council there


def test_member_figures_never_read_or_return_a_name(
    world: World, council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        figures = contracts.member_figures(world.municipality)
    assert len(queries) == 1
    assert "first_name" not in queries[0]["sql"]
    everything = repr(figures) + repr(figures.published())
    everything += repr(contracts.council_activity(world.municipality, days_ago(400), days_ago(0)))
    everything += repr(contracts.council_facts(world.municipality))
    for name in MEMBER_NAMES:
        assert name not in everything
    assert {f.name for f in dataclasses.fields(contracts.MemberFigures)} == {"total", "by_age_band"}


@pytest.mark.parametrize(
    ("bands", "shown"),
    [
        # Every band of five or more is shown; small ones hide, and enough others with them that
        # the hidden ones cannot be worked out from the total.
        ((5, 6, 7, 8), (5, 6, 7, 8)),
        ((0, 6, 7, 8), (None, None, 7, 8)),  # 0 hides; alone it would be 21 - 21 = 0: the 6 hides too
        ((2, 3, 7, 8), (None, None, 7, 8)),  # hidden 2 + 3 = 5: enough
        ((1, 1, 1, 9), (None, None, None, None)),  # hidden 3 < 5, then 3 + 9: all hidden (total shown)
        ((0, 0, 0, 12), (None, None, None, None)),
        ((1, 2, 0, 1), (None, None, None, None)),  # total 4: everything hidden, the total too
    ],
)
def test_published_member_figures_suppress_small_counts(bands: tuple[int, ...], shown: tuple[int | None, ...]) -> None:
    figures = contracts.MemberFigures(
        total=sum(bands),
        by_age_band=tuple(
            (value, str(label), n) for (value, label), n in zip(CouncilAgeBand.choices, bands, strict=True)
        ),
    )
    published = figures.published()
    assert tuple(n for _, _, n in published.by_age_band) == shown
    if sum(bands) < contracts.SMALL_COUNT:
        assert published.total is None and published.total_display == contracts.SUPPRESSED
    else:
        assert published.total == sum(bands) and published.total_display == str(sum(bands))
        hidden = [b for b, s in zip(bands, shown, strict=True) if s is None]
        assert not hidden or sum(hidden) >= contracts.SMALL_COUNT or len(hidden) == len(bands)
    assert figures.personal_data


def test_session_and_request_figures_stay_in_the_subtree(
    world: World, council: ChildrenCouncil, other_council: ChildrenCouncil
) -> None:
    for c, area in ((council, world.area), (other_council, world.other_area)):
        CouncilSession.objects.create(council=c, held_on=days_ago(10))
        AccountabilitySession.objects.create(council=c, held_on=days_ago(3), summary="Informe")
        answer(make(c, area, received=90), "accepted", on=70)  # on time (due -60)
        make(c, area, received=50)  # overdue (due -20)
    CouncilSession.objects.create(council=council, held_on=days_ago(200))  # outside the period
    period = (days_ago(100), days_ago(0))
    home = contracts.session_figures(world.municipality, *period)
    assert (home.sessions, home.accountability_sessions) == (1, 1)
    assert contracts.session_figures(world.region, *period) == home
    requests = contracts.request_figures(world.municipality, *period)
    assert (requests.received, requests.answered, requests.answered_on_time, requests.overdue) == (2, 1, 1, 1)
    assert requests == selectors.request_stats(council, *period)  # the council's own overview agrees
    assert contracts.request_figures(world.country, *period) == requests  # one council in country A
    activity = contracts.council_activity(world.municipality, *period)
    assert (activity.exists, activity.sessions, activity.accountability_sessions, activity.requests) == (
        True,
        1,
        1,
        requests,
    )
    none = contracts.council_activity(world.community, *period)
    assert none == contracts.CouncilActivity(exists=False) and none.requests is None


def test_overdue_means_the_same_now_and_as_of_today(
    world: World, council: ChildrenCouncil, other_council: ChildrenCouncil
) -> None:
    answer(make(council, world.area, received=90), "accepted", on=70)
    answer(make(council, world.area, received=90), "rejected", on=40)  # answered late
    make(council, None, received=50)  # overdue
    make(council, None, received=45)  # overdue
    make(council, None, received=5)  # not yet due
    make(other_council, None, received=50)
    today = days_ago(0)
    rows = list(CouncilRequest.objects.filter(council=council))
    now = set(CouncilRequest.objects.filter(request_overdue_on(today)).values_list("pk", flat=True))
    as_of = set(CouncilRequest.objects.filter(request_was_overdue_on(today)).values_list("pk", flat=True))
    assert now == as_of == {r.pk for r in CouncilRequest.objects.all() if r.is_overdue}
    assert (
        len([r for r in rows if r.is_overdue])
        == contracts.request_figures(world.municipality, days_ago(100), today).overdue
        == 2
    )
    assert set(CouncilRequest.objects.overdue(today).values_list("pk", flat=True)) == now


def test_public_answers_are_the_councils_answers_without_member_data(
    world: World, council: ChildrenCouncil, other_council: ChildrenCouncil, members: list[CouncilMember]
) -> None:
    answer(
        make(council, world.area, received=30, title="Columpios"), "accepted", on=10, text="Sí, pondremos columpios."
    )
    make(council, world.area, received=5, title="Sin respuesta")
    answer(make(other_council, world.other_area, received=30, title="Otro país"), "accepted", on=10)
    rows = contracts.public_answers(world.municipality)
    assert [(r.title, r.answer, r.area_name) for r in rows] == [("Columpios", "Sí, pondremos columpios.", "Salud")]
    assert rows == selectors.answered_requests_public(world.municipality)
    assert [r.title for r in contracts.public_answers(world.other_municipality)] == ["Otro país"]
    for name in MEMBER_NAMES:
        assert name not in repr(rows)


def test_any_unit_key_scopes(world: World, council: ChildrenCouncil) -> None:
    """The contracts take any unit key (what has a path), such as the ``UnitRef`` of a plan's facts."""

    @dataclasses.dataclass(frozen=True)
    class Key:
        path: str

    add_members(council, CouncilAgeBand.AGE_13_15, 2)
    assert contracts.member_figures(Key(world.municipality.path)).total == 2
    assert contracts.member_figures(Key(world.other_municipality.path)).total == 0
    assert contracts.council_facts(Key(world.municipality.path)).exists
