"""Small-count suppression, proved against an attacker who subtracts published figures from published
totals, row by row and column by column, using what they recovered, until they learn nothing more."""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ronda.tablero import suppression
from ronda.tablero.suppression import Figure, Line, Reason, SuppressedTable

# Small counts often (the interesting case), large ones too.
count = st.one_of(st.integers(0, 6), st.integers(0, 40), st.integers(0, 5_000))
tables = st.integers(1, 5).flatmap(
    lambda columns: st.lists(st.lists(count, min_size=columns, max_size=columns), min_size=1, max_size=5)
)
lists = st.lists(count, min_size=1, max_size=8)


def subtraction_attack(
    known: Mapping[Hashable, int | Decimal | None], lines: Sequence[Line[Hashable]]
) -> dict[Hashable, int | Decimal]:
    """Every figure the attacker can work out exactly: solve each line with a single unknown
    (total − published parts, or the sum of the parts), feed the result back, until a fixpoint."""
    values = {k: v for k, v in known.items() if v is not None}
    recovered: dict[Hashable, int | Decimal] = {}
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [m for m in line.members if m not in values]
            if len(unknown) != 1:
                continue
            [key] = unknown
            parts = sum((values[p] for p in line.parts if p != key), start=0)
            values[key] = parts if key == line.total else values[line.total] - parts
            recovered[key] = values[key]
            progress = True
    return recovered


def table_grid(rows: list[list[int]]) -> dict[tuple[int, int], int]:
    n_rows, n_columns = len(rows), len(rows[0])
    grid = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row)}
    for r in range(n_rows):
        grid[(r, n_columns)] = sum(rows[r])
    for c in range(n_columns + 1):
        grid[(n_rows, c)] = sum(grid[(r, c)] for r in range(n_rows))
    return grid


def published_grid(table: SuppressedTable) -> dict[tuple[int, int], Figure]:
    n_rows, n_columns = len(table.cells), len(table.cells[0])
    out = {(r, c): f for r, row in enumerate(table.cells) for c, f in enumerate(row)}
    out.update({(r, n_columns): f for r, f in enumerate(table.row_totals)})
    out.update({(n_rows, c): f for c, f in enumerate(table.column_totals)})
    out[(n_rows, n_columns)] = table.total
    return out


@settings(max_examples=400, deadline=None)
@given(tables)
def test_no_published_cell_is_small_and_no_hidden_cell_can_be_worked_out(rows: list[list[int]]) -> None:
    table = suppression.suppress_table(rows)
    grid, shown = table_grid(rows), published_grid(table)
    for key, value in grid.items():
        figure = shown[key]
        # (a) nothing from 1 to 4 is published; what is published is the true value.
        if figure.suppressed:
            assert figure.value is None
        else:
            assert figure.value == value and not suppression.is_small(value)
        if suppression.is_small(value):
            assert figure.reason == Reason.SMALL and figure.mark == "<5"
    # (b) subtraction recovers no hidden figure.
    lines = suppression.table_lines(len(rows), len(rows[0]))
    recovered = subtraction_attack({k: f.value for k, f in shown.items()}, lines)
    assert not recovered, f"recovered {recovered} from {rows}"


@settings(max_examples=300, deadline=None)
@given(lists)
def test_a_list_and_its_total_reveal_no_small_count(values: list[int]) -> None:
    result = suppression.suppress_list(values)
    shown = {i: f for i, f in enumerate(result.parts)} | {"total": result.total}
    truth = {i: v for i, v in enumerate(values)} | {"total": sum(values)}
    for key, figure in shown.items():
        assert figure.value is None if figure.suppressed else figure.value == truth[key]
        assert not (not figure.suppressed and suppression.is_small(truth[key]))
    line = Line(tuple(range(len(values))), "total")
    assert not subtraction_attack({k: f.value for k, f in shown.items()}, [line])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.lists(st.lists(st.integers(5, 5_000), min_size=n, max_size=n), max_size=5, min_size=1)
    )
)
def test_tables_with_no_small_count_are_published_as_they_are(rows: list[list[int]]) -> None:
    table = suppression.suppress_table(rows)
    assert not table.suppressed
    assert [[f.value for f in row] for row in table.cells] == rows
    assert table.total.value == sum(map(sum, rows))


@settings(max_examples=100, deadline=None)
@given(tables)
def test_figures_not_from_personal_records_are_published_as_they_are(rows: list[list[int]]) -> None:
    table = suppression.suppress_table(rows, sensitive=False)
    assert not table.suppressed and [[f.value for f in row] for row in table.cells] == rows


def test_a_three_beside_a_total_hides_its_smallest_sibling_too() -> None:
    result = suppression.suppress_list([3, 40, 9])
    assert [str(f) for f in result.parts] == ["<5", "40", "x"]
    assert str(result.total) == "52"


def test_zero_is_published_and_never_chosen_as_the_complement() -> None:
    result = suppression.suppress_list([3, 0, 12])
    assert [str(f) for f in result.parts] == ["<5", "0", "x"]
    assert [str(f) for f in suppression.suppress_list([0, 12, 9]).parts] == ["0", "12", "9"]


def test_parts_that_the_marks_alone_pin_are_withheld() -> None:
    # Four "<5" under a total "<5": every part is 1.
    assert suppression.suppress_list([1, 1, 1, 1]).withheld
    assert not suppression.suppress_list([1, 1, 1]).withheld  # 3 or 4 in all: not pinned
    assert suppression.suppress_table([[1, 1], [1, 1]]).withheld


def test_hidden_parts_never_add_up_to_a_small_count_under_a_published_total() -> None:
    result = suppression.suppress_list([2, 2, 10, 30])
    assert [str(f) for f in result.parts] == ["<5", "<5", "x", "30"] and str(result.total) == "44"


def test_the_marks_bounds_do_not_pin_a_figure() -> None:
    # "<5" and "<5" beside 10 under 12: both must be 1. "<5" and "x" under 6: 1 and 5.
    ones = suppression.suppress_list([1, 1, 10])
    assert ones.parts[2].suppressed or ones.total.suppressed
    pinned = suppression.suppress_list([1, 5])
    assert pinned.total.suppressed


def test_a_rate_of_a_hidden_count_is_hidden() -> None:
    assert str(suppression.rate(Decimal("2.5"), 3)) == "—"
    assert suppression.rate(Decimal("2.5"), 3).note
    assert suppression.rate(Decimal("25.0"), 30).value == Decimal("25.0")
    assert suppression.rate(Decimal("2.5"), suppression.Figure(None, Reason.COMPLEMENTARY)).suppressed
    assert suppression.rate(Decimal("2.5"), 3, sensitive=False).value == Decimal("2.5")


def test_a_figure_alone() -> None:
    assert str(suppression.publishable(4)) == "<5"
    assert suppression.publishable(0).value == 0 and suppression.publishable(5).value == 5
    assert suppression.publishable(3, sensitive=False).value == 3


def _every_consistent_value(
    shown: dict[Hashable, Figure], line: Line[Hashable], cap: int, part_cap: int | None = None
) -> dict[Hashable, set[int]]:
    """Brute force: every value each hidden figure can take, given the published figures, the marks
    ("<5": 1 to 4, zeros being published; "x": 5 or more) and the line's sum. A hidden part ranges
    up to ``part_cap`` (a subset of an attacker's choices: two values found there are two in truth),
    the total up to ``cap``."""
    hidden = [k for k in line.members if shown[k].suppressed]
    part_cap = cap if part_cap is None else part_cap

    def upper(k: Hashable) -> int:
        return cap if k == line.total else part_cap

    ranges = {k: range(1, 5) if shown[k].reason == Reason.SMALL else range(5, upper(k) + 1) for k in hidden}
    seen: dict[Hashable, set[int]] = {k: set() for k in hidden}

    def walk(i: int, chosen: dict[Hashable, int]) -> None:
        if i == len(hidden):
            value = {k: (chosen[k] if k in chosen else shown[k].value) for k in line.members}
            if sum(value[p] for p in line.parts) == value[line.total]:  # type: ignore[misc]
                for k in hidden:
                    seen[k].add(chosen[k])
            return
        for v in ranges[hidden[i]]:
            walk(i + 1, {**chosen, hidden[i]: v})

    walk(0, {})
    return seen


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=4))
def test_the_marks_and_the_total_together_pin_no_hidden_figure(values: list[int]) -> None:
    """Stronger than subtraction: an attacker who also uses what the marks say still finds at least
    two possible values for every hidden figure, and no small sum of hidden parts under a published
    total."""
    result = suppression.suppress_list(values)
    if result.withheld:  # only the total is published: nothing below 5
        assert result.total.suppressed or not suppression.is_small(result.total.value)
        return
    shown: dict[Hashable, Figure] = {i: f for i, f in enumerate(result.parts)} | {"total": result.total}
    line = Line(tuple(range(len(values))), "total")
    possible = _every_consistent_value(shown, line, cap=sum(values) + 10, part_cap=max(max(values), 4) + 3)
    for key, options in possible.items():
        assert len(options) >= 2, (
            f"{key} is pinned to {options} in {values} shown as {[str(f) for f in shown.values()]}"
        )
    if not result.total.suppressed:
        hidden_sum = sum(v for v, f in zip(values, result.parts, strict=True) if f.suppressed)
        assert not suppression.is_small(hidden_sum)


def _fits(figure: Figure, value: int) -> bool:
    """Whether ``value`` agrees with what is published of a figure: its value, or its mark."""
    if not figure.suppressed:
        return figure.value == value
    return 1 <= value <= 4 if figure.reason == Reason.SMALL else value >= 5


def _every_consistent_table(table: SuppressedTable, cap: int) -> dict[tuple[int, int], set[int]]:
    """Brute force over a small table: every value each hidden cell (margins included) can take,
    given the published cells, the marks and every row and column sum."""
    n_rows, n_columns = len(table.cells), len(table.cells[0])
    shown = published_grid(table)
    interior = [(r, c) for r in range(n_rows) for c in range(n_columns)]
    seen: dict[tuple[int, int], set[int]] = {k: set() for k, f in shown.items() if f.suppressed}

    def options(key: tuple[int, int]) -> range:
        figure = shown[key]
        if not figure.suppressed:
            return range(figure.value, figure.value + 1)  # type: ignore[arg-type]
        return range(1, 5) if figure.reason == Reason.SMALL else range(5, cap + 1)

    def walk(i: int, grid: dict[tuple[int, int], int]) -> None:
        if i and i % n_columns == 0:  # a row is complete: its total must fit
            r = i // n_columns - 1
            if not _fits(shown[(r, n_columns)], sum(grid[(r, c)] for c in range(n_columns))):
                return
        if i == len(interior):
            full = dict(grid)
            for r in range(n_rows):
                full[(r, n_columns)] = sum(grid[(r, c)] for c in range(n_columns))
            for c in range(n_columns + 1):
                full[(n_rows, c)] = sum(full[(r, c)] for r in range(n_rows))
                if not _fits(shown[(n_rows, c)], full[(n_rows, c)]):
                    return
            for key in seen:
                seen[key].add(full[key])
            return
        for value in options(interior[i]):
            grid[interior[i]] = value
            walk(i + 1, grid)
        del grid[interior[i]]

    walk(0, {})
    return seen


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(0, 7), min_size=columns, max_size=columns), min_size=1, max_size=2
        )
    )
)
def test_in_a_small_table_the_marks_and_the_margins_pin_no_hidden_cell(rows: list[list[int]]) -> None:
    """Every table that agrees with what is published, found by brute force: each hidden cell can
    take at least two values in them (unless the parts are withheld)."""
    table = suppression.suppress_table(rows)
    if table.withheld:  # only the grand total is published: nothing below 5
        assert table.total.suppressed or not suppression.is_small(table.total.value)
        return
    # Hidden interior cells range over 5 .. (the largest cell + 3): a subset of what an attacker
    # would try, so a cell found to take two values there can take them in truth (the search stays
    # at most 6^6 tables; over 5 .. the grand total it would not end).
    possible = _every_consistent_table(table, cap=max(max(map(max, rows)), 4) + 3)
    for key, options in possible.items():
        assert len(options) >= 2, f"{key} is pinned to {options} in {rows}"


def test_a_lines_linear_narrowing_agrees_with_the_general_form() -> None:
    """``_narrow`` (sums kept as it goes: linear in a line's length) narrows exactly as the equation
    written out member by member (``_narrow_general``), on random lines and bounds."""
    from ronda.tablero.suppression import _narrow, _narrow_general

    rng = random.Random(7)  # noqa: S311 - test data
    for _trial in range(2000):
        size = rng.randint(2, 12)
        line = Line(tuple(range(1, size)), 0)
        low: dict[int, int] = {}
        high: dict[int, int | None] = {}
        for key in line.members:
            low[key] = rng.choice([0, 1, 5, 7])
            high[key] = rng.choice([None, low[key], low[key] + 3, 40])
        low2, high2 = dict(low), dict(high)
        assert _narrow(line, low, high) == _narrow_general(line, low2, high2)
        assert (low, high) == (low2, high2)
