"""Small-count suppression of public figures: pure functions, no database (issue #10, item 10).

A count of children taken from personal records (``DataElement.from_personal_records``) is never
published when it is 1, 2, 3 or 4: it shows as "<5" (*primary* suppression). Hiding it is not
enough when a total is published beside it: 12 − 9 = 3. So, in every *line* — a list of parts
and its total: a row of a sex × age table with its row total, a column with its column total,
the communities of a municipality and the municipality — more figures are hidden
(*complementary* suppression) until

1. no line has exactly one hidden figure: an attacker who solves every line with a single
   unknown, again and again with what they recovered, then recovers nothing;
2. no line with a published total has hidden parts adding up to 1–4 ("<5" and "<5" beside 10
   under 14: the two groups together are 4 children, a small count again);
3. what the marks say does not pin a figure either: "<5" is 1 to 4, "x" is 5 or more, and an
   attacker narrowing those bounds through every line (interval propagation) learns no hidden
   figure exactly ("<5" and "x" under a total of 6 would be 1 and 5: the total is hidden too).
   Intervals are a sound reasoning but not a complete one in two dimensions; the tests check
   small tables against every table that agrees with what is published (brute force).

**Zero** is published: in child protection a zero reveals nothing about a person ("no child was
placed") and readers need it. A published zero is a known value to the attacker (rule 1 counts it
as published), and it is never chosen as a complement (hiding it protects nothing the total does
not already say). Since zeros are shown, "<5" means 1 to 4 — which can pin figures when nothing
is left to hide but zeros: four "<5" under a total "<5" are all 1. Then the parts are *withheld*
(``withheld``; rare: none in 6,000 random tables of up to 4 × 5 cells): a page shows the total
(or its mark) and no breakdown.

The complementary figure is the smallest non-zero published figure of the line, preferring one
whose other lines already hide something (so the hiding does not spread) and a part over the
total. Figures hidden as complements show "x", not "<5": they are 5 or more, and "<5" of a 12
would mislead readers; the bounds the two marks tell are covered by rule 3.

A rate whose numerator (or denominator) is a hidden count is hidden too ("—", with a note): the
rate times the published population gives the count back.

Limits: the lines are the ones given. Figures published elsewhere (another page's totals, a
region that adds up municipalities, overlapping periods) make more lines; a caller publishing
them together must pass them together.

The DHIS2-compatible API and the public API use the same helpers: :func:`publishable` for one
figure with no total beside it, :func:`suppress_list` for parts and their total,
:func:`suppress_table` for a two-way table with its margins, :func:`suppress_cells` for any other
set of additive lines, :func:`rate` for a ratio.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from django.utils.translation import gettext_lazy as _

THRESHOLD = 5
SMALL_MARK = "<5"
COMPLEMENT_MARK = "x"
RATE_MARK = "—"

Number = int | Decimal
K = TypeVar("K", bound=Hashable)


class Reason(StrEnum):
    SMALL = "small"  # 1 to 4
    COMPLEMENTARY = "complementary"  # hidden so that a small figure cannot be worked out
    RATE = "rate"  # a ratio computed from a hidden count


NOTES = {
    Reason.SMALL: _("Fewer than 5: small counts of children are not published, to protect them."),
    Reason.COMPLEMENTARY: _("Hidden so that a count under 5 cannot be worked out from the totals."),
    Reason.RATE: _("Not published: it is computed from a count under 5."),
}


@dataclass(frozen=True)
class Figure:
    """A figure as it may be published: its value, or None and why it is hidden."""

    value: Number | None
    reason: Reason | None = None

    @property
    def suppressed(self) -> bool:
        return self.reason is not None

    @property
    def mark(self) -> str:
        """What a page shows instead of a hidden value ("" when the value is shown)."""
        if self.reason is None:
            return ""
        return {Reason.SMALL: SMALL_MARK, Reason.COMPLEMENTARY: COMPLEMENT_MARK, Reason.RATE: RATE_MARK}[self.reason]

    @property
    def note(self) -> str:
        return str(NOTES[self.reason]) if self.reason is not None else ""

    def __str__(self) -> str:
        return self.mark if self.suppressed else str(self.value)


@dataclass(frozen=True)
class Line(Generic[K]):
    """Parts that add up to a total: an attacker knows ``sum(parts) == total``."""

    parts: tuple[K, ...]
    total: K

    @property
    def members(self) -> tuple[K, ...]:
        return (*self.parts, self.total)


def is_small(value: Number | None) -> bool:
    """1 to 4 (zero is published; see the module's note)."""
    return value is not None and 0 < value < THRESHOLD


def publishable(value: Number | None, *, sensitive: bool = True) -> Figure:
    """One figure shown alone (no total beside it): hidden when small and sensitive."""
    if sensitive and is_small(value):
        return Figure(None, Reason.SMALL)
    return Figure(value)


def rate(value: Number | None, *counts: Figure | Number | None, sensitive: bool = True) -> Figure:
    """A ratio (a rate, a percentage) is hidden when any count it is computed from is hidden, or
    (given as numbers) would be: the rate times a published denominator gives the count back."""
    if sensitive:
        for count in counts:
            hidden = count.suppressed if isinstance(count, Figure) else is_small(count)
            if hidden:
                return Figure(None, Reason.RATE)
    return Figure(value)


# --- The algorithm ---------------------------------------------------------------------------


def _pick(
    line: Line[K], values: Mapping[K, Number], hidden: Mapping[K, Reason], lines_of: Mapping[K, list[Line[K]]]
) -> K | None:
    """The figure of ``line`` to hide next: the smallest non-zero published one, preferring one whose
    other lines already hide something (no new line with a single hidden figure) and a part over
    the total. Never a zero (None when only zeros are left)."""
    order = {key: i for i, key in enumerate(line.members)}

    def cost(key: K) -> tuple[int, Number, int, int]:
        spreads = any(other is not line and not any(m in hidden for m in other.members) for other in lines_of[key])
        return (spreads, values[key], key == line.total, order[key])

    candidates = [key for key in line.members if key not in hidden and values[key] != 0]
    return min(candidates, key=cost) if candidates else None


def _narrow(line: Line[K], low: dict[K, Number], high: dict[K, Number | None]) -> bool:
    """One pass of a line's equation ``total = Σ parts`` over its members, in order, each narrowed by
    the others' current bounds (and the sums updated as it narrows): a part lies between the total's
    low minus the others' highs and the total's high minus the others' lows; the total between the
    sums of the parts. Linear in the line's length (a breakdown by 50 municipalities is one line of
    51 figures). True when a bound changed."""
    parts, total = line.parts, line.total
    if total in parts or len(set(parts)) != len(parts):  # a degenerate line: the general form
        return _narrow_general(line, low, high)
    sum_low: Number = 0
    sum_high: Number = 0  # of the parts with a high bound
    unbounded = 0  # parts without one
    for part in parts:
        sum_low += low[part]
        part_high = high[part]
        if part_high is None:
            unbounded += 1
        else:
            sum_high += part_high
    changed = False
    for part in parts:
        part_low, part_high = low[part], high[part]
        if part_high is None:
            others_high: Number | None = sum_high if unbounded == 1 else None
        else:
            others_high = sum_high - part_high if unbounded == 0 else None
        total_high = high[total]
        lo = None if others_high is None else low[total] - others_high
        hi = None if total_high is None else total_high - (sum_low - part_low)
        if lo is not None and lo > part_low:
            low[part], changed = lo, True
            sum_low += lo - part_low
        if hi is not None and (part_high is None or hi < part_high):
            high[part], changed = hi, True
            if part_high is None:
                unbounded -= 1
                sum_high += hi
            else:
                sum_high += hi - part_high
    lo_total: Number = sum_low
    hi_total = sum_high if unbounded == 0 else None
    if lo_total > low[total]:
        low[total], changed = lo_total, True
    if hi_total is not None and (high[total] is None or hi_total < high[total]):  # type: ignore[operator]
        high[total], changed = hi_total, True
    return changed


def _narrow_general(line: Line[K], low: dict[K, Number], high: dict[K, Number | None]) -> bool:
    members = line.members
    # total − Σ parts = 0, i.e. Σ sign(m)·value(m) = 0 with +1 for the total, −1 for a part;
    # so value(key) = Σ −sign(m)·sign(key)·value(m) over the other members.
    sign = {m: (1 if m == line.total else -1) for m in members}
    changed = False
    for key in members:
        s_k = sign[key]
        lo: Number | None = 0
        hi: Number | None = 0
        for m in members:
            if m == key:
                continue
            coeff = -sign[m] * s_k
            m_low, m_high = low[m], high[m]
            if coeff > 0:
                lo = None if lo is None else lo + m_low
                hi = None if hi is None or m_high is None else hi + m_high
            else:
                lo = None if lo is None or m_high is None else lo - m_high
                hi = None if hi is None else hi - m_low
        if lo is not None and lo > low[key]:
            low[key], changed = lo, True
        if hi is not None and (high[key] is None or hi < high[key]):  # type: ignore[operator]
            high[key], changed = hi, True
    return changed


def _bounds(
    values: Mapping[K, Number], lines: Sequence[Line[K]], hidden: Mapping[K, Reason]
) -> dict[K, tuple[Number, Number | None]]:
    """What an attacker can tell of each figure from the published ones and the marks: published
    figures exactly; "<5" between 1 and 4 (zeros are published); "x" at least 5; then every
    line's equation narrows them, again and again (interval propagation, bounded in rounds: the
    bounds stay sound if it stops early)."""
    low: dict[K, Number] = {}
    high: dict[K, Number | None] = {}
    for key, value in values.items():
        if key not in hidden:
            low[key] = high[key] = value
        elif hidden[key] == Reason.SMALL:  # zeros are published: "<5" is 1 to 4
            low[key], high[key] = 1, THRESHOLD - 1
        else:  # "x": not under 5, or it would say "<5"
            low[key], high[key] = THRESHOLD, None
    for _round in range(4 * len(lines) + 4):
        changed = False
        for line in lines:
            if _narrow(line, low, high):
                changed = True
        if not changed:
            break
    return {key: (low[key], high[key]) for key in values}


def _exposed(values: Mapping[K, Number], lines: Sequence[Line[K]], hidden: Mapping[K, Reason]) -> list[K]:
    """Hidden figures an attacker narrows to a single value."""
    bounds = _bounds(values, lines, hidden)
    return [key for key in hidden if bounds[key][0] == bounds[key][1]]


def _needs_more(line: Line[K], values: Mapping[K, Number], hidden: Mapping[K, Reason]) -> bool:
    """A line with exactly one hidden figure (subtraction gives it back), or whose published total
    tells that its hidden parts add up to 1–4 (a small count of the parts together)."""
    members = [m for m in line.members if m in hidden]
    if len(members) == 1:
        return True
    if not members or line.total in hidden:
        return False
    return is_small(sum((values[p] for p in line.parts if p in hidden), start=0))


def _hide(key: K, values: Mapping[K, Number], hidden: dict[K, Reason]) -> None:
    # Never a zero (``_pick``), nor a figure under 5 (already hidden): a complement is 5 or more.
    hidden[key] = Reason.COMPLEMENTARY


@dataclass(frozen=True)
class Suppression(Generic[K]):
    """The figures to hide and why; ``withheld`` when even hiding every non-zero figure around a
    small count leaves it pinned (four "<5" under a total "<5" are all 1): publish none of the
    parts then, only the grand total (its mark if hidden)."""

    hidden: dict[K, Reason]
    withheld: bool = False

    def figure(self, key: K, value: Number) -> Figure:
        reason = self.hidden.get(key)
        return Figure(None, reason) if reason is not None else Figure(value)


def suppress_cells(values: Mapping[K, Number], lines: Sequence[Line[K]], *, sensitive: bool = True) -> Suppression[K]:
    """The figures to hide, and why: every small one, then complements until no line has exactly
    one hidden figure or hidden parts adding up to 1–4 under a published total, and the interval
    attacker learns no hidden figure exactly. Every key of a line must be in ``values``. Not
    sensitive: nothing is hidden."""
    if not sensitive:
        return Suppression({})
    hidden: dict[K, Reason] = {key: Reason.SMALL for key, value in values.items() if is_small(value)}
    if not hidden:
        return Suppression(hidden)
    # Lines that share no figure are independent: each connected set of lines is suppressed on its
    # own (the same figures hidden as over the whole, found in a fraction of the time: a page of a
    # hundred units is dozens of small systems), and a set without a small figure needs nothing.
    withheld = False
    for part_lines in _components(lines):
        keys = {key for line in part_lines for key in line.members}
        part_hidden = {key: hidden[key] for key in keys if key in hidden}
        if not part_hidden:
            continue
        found, part_withheld = _suppress({key: values[key] for key in keys}, part_lines, part_hidden)
        hidden.update(found)
        withheld = withheld or part_withheld
    return Suppression(hidden, withheld=withheld)


def _components(lines: Sequence[Line[K]]) -> list[list[Line[K]]]:
    """The lines grouped by the figures they share (union-find over the figures), in their order."""
    parent: dict[K, K] = {}

    def root(key: K) -> K:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for line in lines:
        members = line.members
        for key in members:
            parent.setdefault(key, key)
        first = root(members[0])
        for key in members[1:]:
            other = root(key)
            if other != first:
                parent[other] = first
    groups: dict[K, list[Line[K]]] = {}
    for line in lines:
        groups.setdefault(root(line.members[0]), []).append(line)
    return list(groups.values())


def _suppress(
    values: Mapping[K, Number], lines: Sequence[Line[K]], hidden: dict[K, Reason]
) -> tuple[dict[K, Reason], bool]:
    """``suppress_cells`` over one connected set of lines, from its small figures (``hidden``)."""
    lines_of: dict[K, list[Line[K]]] = defaultdict(list)
    for line in lines:
        for key in line.members:
            lines_of[key].append(line)
    withheld = False
    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                if _needs_more(line, values, hidden):
                    chosen = _pick(line, values, hidden, lines_of)
                    if chosen is None:  # only zeros left (a total given bigger than its parts)
                        withheld = True
                    else:
                        _hide(chosen, values, hidden)
                        changed = True
        exposed = _exposed(values, lines, hidden)
        if not exposed:
            return hidden, withheld
        # Hide one more published figure, the smallest in a line of an exposed one, and start again.
        exposed_lines = {id(line): line for key in exposed for line in lines_of[key]}.values()
        picks = [_pick(line, values, hidden, lines_of) for line in exposed_lines]
        found = [pick for pick in picks if pick is not None]
        if not found:  # everything around it is hidden already (or zero): publish no parts
            return hidden, True
        _hide(min(found, key=lambda pick: values[pick]), values, hidden)


# --- Shapes: a list with its total, a two-way table with its margins ------------------------------


@dataclass(frozen=True)
class SuppressedList:
    parts: tuple[Figure, ...]
    total: Figure
    # Publish the total only (see :class:`Suppression`).
    withheld: bool = False


@dataclass(frozen=True)
class SuppressedTable:
    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...]
    column_totals: tuple[Figure, ...]
    total: Figure
    # Publish the grand total only (see :class:`Suppression`).
    withheld: bool = False

    @property
    def suppressed(self) -> bool:
        every = [*self.row_totals, *self.column_totals, self.total, *(f for row in self.cells for f in row)]
        return any(f.suppressed for f in every)


def suppress_list(values: Sequence[Number], total: Number | None = None, *, sensitive: bool = True) -> SuppressedList:
    """Parts and their total (the sum unless given: a published total bigger than its parts,
    such as a municipality's count that includes figures entered for no community)."""
    total = sum(values, start=0) if total is None else total
    keyed: dict[Hashable, Number] = {i: v for i, v in enumerate(values)}
    keyed["total"] = total
    result = suppress_cells(keyed, [Line(tuple(range(len(values))), "total")], sensitive=sensitive)
    return SuppressedList(
        parts=tuple(result.figure(i, v) for i, v in enumerate(values)),
        total=result.figure("total", total),
        withheld=result.withheld,
    )


def table_lines(n_rows: int, n_columns: int) -> list[Line[tuple[int, int]]]:
    """The lines of a table of ``n_rows`` × ``n_columns`` cells keyed ``(row, column)``, with the row
    totals in column ``n_columns``, the column totals in row ``n_rows`` and the grand total at
    ``(n_rows, n_columns)``: every row (the totals' row too) and every column (the totals' too)."""
    rows = [Line(tuple((r, c) for c in range(n_columns)), (r, n_columns)) for r in range(n_rows + 1)]
    columns = [Line(tuple((r, c) for r in range(n_rows)), (n_rows, c)) for c in range(n_columns + 1)]
    return rows + columns


def suppress_table(rows: Sequence[Sequence[Number]], *, sensitive: bool = True) -> SuppressedTable:
    """A two-way table (sex × age band, say) and its margins, computed as sums of the cells."""
    n_rows = len(rows)
    n_columns = len(rows[0]) if rows else 0
    if any(len(row) != n_columns for row in rows):
        raise ValueError("every row needs the same number of cells")
    grid: dict[tuple[int, int], Number] = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            grid[(r, c)] = value
        grid[(r, n_columns)] = sum(row, start=0)
    for c in range(n_columns + 1):
        grid[(n_rows, c)] = sum((grid[(r, c)] for r in range(n_rows)), start=0)
    result = suppress_cells(grid, table_lines(n_rows, n_columns), sensitive=sensitive)

    def fig(key: tuple[int, int]) -> Figure:
        return result.figure(key, grid[key])

    return SuppressedTable(
        cells=tuple(tuple(fig((r, c)) for c in range(n_columns)) for r in range(n_rows)),
        row_totals=tuple(fig((r, n_columns)) for r in range(n_rows)),
        column_totals=tuple(fig((n_rows, c)) for c in range(n_columns)),
        total=fig((n_rows, n_columns)),
        withheld=result.withheld,
    )
