"""The case route's figures (issue #11 item 8): the read contracts' counts and medians, the
suppression rule on the page (small counts and what subtraction would reveal), who reads them, and
the Tablero's computed indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import product

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.cases import contracts, figures, indicators
from ronda.cases.models import Case, CaseState, Referral
from ronda.cases.tests.factories import make_case, make_child
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.tablero import computed
from ronda.tablero.periods import of_type
from ronda.tablero.suppression import Reason
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year
READERS = {"coordinator": 200, "supervisor": 200, "analyst": 200, "secretariat": 200}


def only(allowed: dict[str, int], other: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, other) for role in Role.values}


def _cases(world: World, n: int) -> list[Case]:
    start = Case.objects.count()
    return [make_case(world, child=make_child(world, first_names=f"Niña {start + i}")) for i in range(n)]


def test_figures_access_matrix(world: World) -> None:
    _cases(world, 2)
    check_access_matrix(world, url=reverse("cases:figures"), expected=only(READERS), away=READERS)


def test_figures_page_names_nobody_and_logs_no_read(world: World) -> None:
    _cases(world, 3)
    coordinator = world.home[Role.COORDINATOR]
    response = login(Client(), coordinator).get(reverse("cases:figures"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Quizhpe" not in content and "Niña" not in content
    assert "&lt;5" in content  # three cases: a small count
    assert not AccessEvent.objects.filter(actor=coordinator).exists()
    assert len(response.content) < 100_000


def test_contract_counts(world: World) -> None:
    young = make_case(world, child=make_child(world, birth_date=TODAY - dt.timedelta(days=365 * 3)))
    boy = make_case(
        world,
        types=("physical", "neglect"),
        child=make_child(world, first_names="Bryan", sex="male", birth_date=dt.date(YEAR - 15, 1, 1)),
    )
    estimated = make_case(
        world,
        child=make_child(world, first_names="Ana", birth_date=None, estimated_age=10, age_estimated_on=TODAY),
    )
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    Case.objects.filter(pk=young.pk).update(first_visit_on=young.registered_on + dt.timedelta(days=4))
    Case.objects.filter(pk=boy.pk).update(
        first_visit_on=boy.registered_on + dt.timedelta(days=2),
        state=CaseState.CLOSED,
        closed_on=boy.registered_on + dt.timedelta(days=10),
    )
    Referral.objects.create(case=boy, institution=world.institution, reason="x", sent_on=TODAY, status="accepted")
    Referral.objects.create(
        case=young, institution=world.institution, reason="x", sent_on=TODAY, feedback="Recibido", feedback_on=TODAY
    )

    opened = contracts.opened_figures(world.municipality, start, end)
    assert opened.total == 3
    assert opened.by_month == {f"{YEAR:04d}-{TODAY.month:02d}": 3}
    assert opened.cell("female", "0-5") == 1 and opened.cell("male", "12-17") == 1
    assert opened.cell("female", "6-11") == 1  # an estimated age counts too
    assert {name: n for name, n in opened.by_community.values()} == {"Comunidad A": 3}
    assert sorted(n for _name, n in opened.by_violation_type.values()) == [1, 3]  # neglect 3, physical 1
    assert contracts.opened_figures(world.other_municipality, start, end).total == 0
    closed_on = boy.registered_on + dt.timedelta(days=10)
    if closed_on.year == YEAR:
        assert contracts.closed_by_month(world.municipality, start, end) == {f"{YEAR:04d}-{closed_on.month:02d}": 1}

    spans = contracts.durations(world.municipality, start, end)
    assert (spans.to_first_visit.days, spans.to_first_visit.cases) == (3.0, 2)
    assert (spans.to_closure.days, spans.to_closure.cases) == (10.0, 1)
    refs = contracts.referral_figures(world.municipality, start, end)
    assert (refs.total, refs.with_feedback) == (2, 1)
    assert estimated.child.birth_date is None


def _opened(by_community: dict[int, int]) -> figures.Opened:
    """The page's block for cases spread over communities, all girls of 6 to 11 registered in March."""
    total = sum(by_community.values())
    data = contracts.OpenedFigures(
        total=total,
        by_month={f"{YEAR}-03": total},
        by_sex_age={("female", "6-11"): total},
        by_community={pk: (f"C{pk}", n) for pk, n in by_community.items()},
    )
    return figures.opened(data, figures.months_of(YEAR))


def test_small_counts_are_hidden_and_so_is_what_subtraction_would_reveal() -> None:
    block = _opened({1: 7, 2: 3})
    communities = {row.label: row.figure for row in block.communities}
    assert communities["C2"].reason == Reason.SMALL
    # 10 published minus 7 published would give the 3 back: the 7 is hidden too (or the total is).
    assert communities["C1"].suppressed or block.total.suppressed


def test_no_published_line_pins_a_hidden_count() -> None:
    """Brute force: for every hidden community figure, every other value it could take that agrees
    with what the page shows (published values, the "<5" and "x" bounds, the line's total) exists."""
    for counts in ([7, 3], [6, 1, 9], [2, 2, 12], [5, 5, 1], [0, 4, 8]):
        block = _opened(dict(enumerate(counts, start=1)))
        shown = [row.figure for row in block.communities]
        hidden = [i for i, f in enumerate(shown) if f.suppressed]
        if not hidden:
            continue
        total = block.total.value if not block.total.suppressed else None

        def bounds(f: object) -> range:
            reason = getattr(f, "reason", None)
            return range(1, 5) if reason == Reason.SMALL else range(5, 40)

        for i in hidden:
            possible = set()
            for guess in product(*(bounds(shown[j]) for j in hidden)):
                values = [int(f.value or 0) for f in shown]
                for j, v in zip(hidden, guess, strict=True):
                    values[j] = v
                if total is None or sum(values) == total:
                    possible.add(values[i])
            assert len(possible) > 1, (counts, i, possible)


def test_months_and_sex_age_are_suppressed_together() -> None:
    block = _opened({1: 12})
    # Twelve cases in one month, one cell, one community: nothing small, everything shown.
    assert block.total.value == 12 and not block.total.suppressed
    assert [r.figure.value for r in block.months] == [0, 0, 12] + [0] * 9  # March
    small = _opened({1: 2, 2: 2})
    assert small.total.suppressed and all(r.figure.suppressed for r in small.communities)


def test_medians_over_few_cases_are_hidden(world: World) -> None:
    cases = _cases(world, 2)
    for case in cases:
        Case.objects.filter(pk=case.pk).update(first_visit_on=case.registered_on + dt.timedelta(days=2))
    page = figures.page(world.municipality, YEAR)
    first_visit = page.medians[0]
    assert first_visit.days.suppressed and first_visit.cases.suppressed


def test_medians_over_enough_cases_are_shown(world: World) -> None:
    for i, case in enumerate(_cases(world, 5)):
        Case.objects.filter(pk=case.pk).update(first_visit_on=case.registered_on + dt.timedelta(days=i + 1))
    page = figures.page(world.municipality, YEAR)
    assert page.medians[0].days.value == 3 and page.medians[0].cases.value == 5


def test_computed_indicators(world: World) -> None:
    cases = _cases(world, 10)
    for i, case in enumerate(cases):
        Referral.objects.create(
            case=case, institution=world.institution, reason="x", sent_on=TODAY, feedback_on=TODAY if i < 5 else None
        )
        Case.objects.filter(pk=case.pk).update(first_visit_on=case.registered_on + dt.timedelta(days=i + 1))
    period = of_type("Yearly", TODAY)
    registry = computed.registered()
    for code in (
        "RONDA_CASOS_ABIERTOS",
        "RONDA_CASOS_CERRADOS",
        "RONDA_CASOS_DIAS_PRIMERA_VISITA",
        "RONDA_CASOS_DERIVACIONES_CON_RESPUESTA",
    ):
        assert code in registry and registry[code].goal_area == indicators.PROTECTION

    def value(ratio: computed.Ratio | None) -> Decimal | None:
        return ratio.value if ratio is not None else None

    assert value(indicators.cases_opened(world.municipality, period)) == Decimal(10)
    assert value(indicators.cases_opened(world.other_municipality, period)) == Decimal(0)  # zero is published
    assert value(indicators.cases_closed(world.municipality, period)) == Decimal(0)
    assert value(indicators.days_to_first_visit(world.municipality, period)) == Decimal("5.5")
    assert value(indicators.referrals_with_feedback(world.municipality, period)) == Decimal(50)
    # Yearly only: a quarter minus the year's other quarters would give back a small one.
    assert registry["RONDA_CASOS_ABIERTOS"].value(world.municipality, of_type("Quarterly", TODAY)) is None
    assert indicators.referrals_with_feedback(world.other_municipality, period) is None


def test_computed_indicators_hide_small_counts(world: World) -> None:
    cases = _cases(world, 2)
    Referral.objects.create(case=cases[0], institution=world.institution, reason="x", sent_on=TODAY, feedback_on=TODAY)
    Case.objects.filter(pk=cases[0].pk).update(first_visit_on=cases[0].registered_on + dt.timedelta(days=6))
    period = of_type("Yearly", TODAY)
    assert indicators.cases_opened(world.municipality, period) is None
    assert indicators.days_to_first_visit(world.municipality, period) is None
    assert indicators.referrals_with_feedback(world.municipality, period) is None


def test_a_count_that_subtraction_would_reveal_is_hidden_with_its_complement(world: World) -> None:
    """Region = A-M + A-M2: with A-M2's 2 cases hidden, the region's 9 minus A-M's 7 gives it back;
    so A-M is hidden too. With a third municipality of 8, A-M (the smallest shown) is the complement."""
    from ronda.cases import route
    from ronda.cases.tests.factories import TODAY as DAY
    from ronda.cases.tests.factories import taxonomy
    from ronda.core.tenancy import SYSTEM
    from ronda.testing import make_unit, make_user

    types = taxonomy(world.country)

    def cases_in(community: object, n: int) -> None:
        owner = make_user(f"defensor.{community.code}", Role.DEFENDER, community)  # type: ignore[attr-defined]
        for i in range(n):
            child = make_child(world, community=community, first_names=f"Niño {community.code} {i}")  # type: ignore[attr-defined]
            route.open_case(
                actor=SYSTEM,
                child=child,
                violation_type_ids=[types["neglect"].pk],
                reporter_type="school",
                facts_date=DAY,
                description="Faltas repetidas a clases.",
                risk="low",
                owner=owner,
            )

    period = of_type("Yearly", TODAY)
    sibling = world.community.parent.parent.children.exclude(pk=world.municipality.pk).get()  # type: ignore[union-attr]
    _cases(world, 7)
    cases_in(sibling.children.get(), 2)
    assert indicators.cases_opened(sibling, period) is None  # 2: small
    assert indicators.cases_opened(world.municipality, period) is None  # its complement
    assert indicators.cases_opened(world.region, period).value == Decimal(9)  # type: ignore[union-attr]
    third = make_unit("A-M3", world.municipality.level, world.region, "Municipio tercero")
    cases_in(make_unit("A-M3-C", world.community.level, third, "Comunidad tercera"), 8)
    assert indicators.cases_opened(world.municipality, period) is None  # 7: the smallest shown
    assert indicators.cases_opened(third, period).value == Decimal(8)  # type: ignore[union-attr]
