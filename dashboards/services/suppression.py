"""Complementary suppression: a withheld cell stays withheld within its table and margins.

Primary suppression (``metrics.suppress``) withholds every group smaller than
the minimum cell. On its own that is not enough in a table whose margins are
shown: with a row total and all but one cell of the row visible, the hidden
cell is a subtraction away. This module withholds just enough further cells
(the smallest first, margins last) so that no withheld entry can be
recovered by any sum or difference of the table's rows, columns and margins.

The test is exact. Write the table with its margins as an (R+1)×(C+1) array:
every row and every column of it is one linear equation (cells minus their
total is zero). After a change of sign of the margin entries, the withheld
entries are the edges of a bipartite graph between the R+1 row nodes and the
C+1 column nodes, and the values the equations leave free are the
alternating circulations on its cycles. A withheld entry is therefore fixed
by the visible ones exactly when its edge lies on no cycle: when it is a
bridge. We add cells until the graph has no bridge.

One more condition (disclosure rule 4, docs/DISCLOSURE.md): in every row and
column whose total is shown, the withheld entries add up to the total minus
the visible ones, so that sum must not be a small count either; entries are
withheld until it is not (``complete_mask``).
"""

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..services.disclosure import Figure
from .disclosure import small

Entry = tuple[int, int]  # (row, column) of the (R+1)×(C+1) table; index R / C is the margin


def _adjacency(edges: set[Entry], rows: int) -> dict[int, set[int]]:
    """Row nodes are 0..rows-1, column nodes rows..; returns node → neighbours."""
    adj: dict[int, set[int]] = {}
    for r, c in edges:
        adj.setdefault(r, set()).add(rows + c)
        adj.setdefault(rows + c, set()).add(r)
    return adj


def _component(adj: dict[int, set[int]], start: int, cut: tuple[int, int]) -> set[int]:
    seen = {start}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        for nxt in adj.get(node, ()):
            if {node, nxt} == set(cut) or nxt in seen:
                continue
            seen.add(nxt)
            todo.append(nxt)
    return seen


def bridges(edges: set[Entry], rows: int) -> list[Entry]:
    """The withheld entries that the visible ones determine (sorted)."""
    adj = _adjacency(edges, rows)
    out = []
    for r, c in sorted(edges):
        if rows + c not in _component(adj, r, (r, rows + c)):
            out.append((r, c))
    return out


def complementary_mask(
    values: Sequence[Sequence[int]], withheld: set[Entry], *, rows: int, columns: int
) -> set[Entry]:
    """Extend `withheld` (entries of the (rows+1)×(columns+1) table) until no bridge is left.

    `values[i][j]` are the counts including margins (row `rows` and column
    `columns`). Greedy: for each bridge, the cheapest visible entry that puts
    it on a cycle; when no single entry can, the cheapest one beside it.
    Cost prefers small counts and inner cells over margins, the grand total last.
    """
    mask = set(withheld)
    n_rows, n_cols = rows + 1, columns + 1

    def cost(e: Entry) -> tuple[int, int, int, int]:
        r, c = e
        margin = (r == rows) + (c == columns)
        return (margin, int(values[r][c]), r, c)

    while True:
        open_bridges = bridges(mask, n_rows)
        if not open_bridges:
            return mask
        r, c = open_bridges[0]
        adj = _adjacency(mask, n_rows)
        side_r = _component(adj, r, (r, n_rows + c))
        side_c = _component(adj, n_rows + c, (r, n_rows + c))
        visible = [(i, j) for i in range(n_rows) for j in range(n_cols) if (i, j) not in mask]
        closing = [
            (i, j)
            for i, j in visible
            if (i in side_r and n_rows + j in side_c) or (i in side_c and n_rows + j in side_r)
        ]
        if closing:
            mask.add(min(closing, key=cost))
            continue
        # No single entry closes a cycle: the cheapest rectangle r–c–r2–c2 through the bridge.
        best: tuple[tuple[int, int, int], list[Entry]] | None = None
        for r2 in range(n_rows):
            for c2 in range(n_cols):
                if r2 == r or c2 == c:
                    continue
                missing = [e for e in ((r2, c), (r2, c2), (r, c2)) if e not in mask]
                key = (
                    sum(cost(e)[0] for e in missing),
                    sum(cost(e)[1] for e in missing),
                    len(missing),
                )
                if best is None or key < best[0]:
                    best = (key, missing)
        if best is not None:
            mask.update(best[1])
            continue
        beside = [(i, j) for i, j in visible if i == r or j == c]
        if not beside:  # cannot happen: a full bipartite table of 2×2 or more has no bridge
            raise AssertionError("no entry left to withhold")
        mask.add(min(beside, key=cost))


def _small_line(
    values: Sequence[Sequence[int]], mask: set[Entry], *, rows: int, columns: int, min_cell: int
) -> Entry | None:
    """An entry to withhold because a line's withheld entries add up to a small count."""
    lines = [[(i, j) for j in range(columns + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(columns + 1)]
    # The whole table: every inner cell adds up to the grand total too.
    lines.append([(i, j) for i in range(rows) for j in range(columns)] + [(rows, columns)])
    for entries in lines:
        *inner, margin = entries
        if margin in mask:
            continue
        hidden = sum(int(values[i][j]) for i, j in inner if (i, j) in mask)
        if not small(hidden, min_cell=min_cell):
            continue
        visible = [e for e in inner if e not in mask and values[e[0]][e[1]] > 0]
        if visible:
            return min(visible, key=lambda e: (int(values[e[0]][e[1]]), e))
        return margin
    return None


def complete_mask(
    values: Sequence[Sequence[int]],
    withheld: set[Entry],
    *,
    rows: int,
    columns: int,
    min_cell: int,
) -> set[Entry]:
    """``complementary_mask`` plus: no line's withheld entries add up to a small count."""
    mask = complementary_mask(values, withheld, rows=rows, columns=columns) if rows else set()
    mask |= withheld
    while (
        extra := _small_line(values, mask, rows=rows, columns=columns, min_cell=min_cell)
    ) is not None:
        mask.add(extra)
        mask = complementary_mask(values, mask, rows=rows, columns=columns)
    return mask


@dataclass(frozen=True, kw_only=True)
class ProtectedTable:
    """A table of counts with its margins, after primary and complementary suppression."""

    min_cell: int
    cells: list[list[Figure]]
    row_totals: list[Figure]
    column_totals: list[Figure]
    total: Figure
    complementary: int  # how many entries were withheld only to protect others


def _figure(n: int, hidden: bool) -> Figure:
    return Figure(n=None, suppressed=True) if hidden else Figure(n=n, value=float(n))


def protect_table(
    counts: Sequence[Sequence[int]],
    *,
    min_cell: int,
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    total: int | None = None,
    zeros_visible: bool = False,
    withheld: set[Entry] | None = None,
) -> ProtectedTable:
    """Suppress a table of counts and its margins (margins default to the sums of the cells).

    `withheld`: entries to withhold whatever their count (another release gives them away).

    Zero cells are withheld like any small group unless `zeros_visible` (counts
    of events rather than of people's answers, where "none" discloses nothing).

    Margins may be larger than the cells' sum (respondents in no column, for
    example); that does not change what can be derived, since every margin is
    still one equation over its cells plus a known remainder, so the same test
    holds for both.
    """
    rows = len(counts)
    columns = len(counts[0]) if rows else 0
    r_tot = list(row_totals) if row_totals is not None else [sum(row) for row in counts]
    c_tot = (
        list(column_totals)
        if column_totals is not None
        else [sum(counts[i][j] for i in range(rows)) for j in range(columns)]
    )
    grand = total if total is not None else sum(r_tot)
    values = [[*counts[i], r_tot[i]] for i in range(rows)] + [[*c_tot, grand]]
    primary = {
        (i, j)
        for i in range(rows + 1)
        for j in range(columns + 1)
        if values[i][j] < min_cell
        and not (values[i][j] == 0 and (zeros_visible or i == rows or j == columns))
    } | (withheld or set())
    # An empty margin (0) tells nothing new: all its cells are 0 anyway.
    mask = complete_mask(values, primary, rows=rows, columns=columns, min_cell=min_cell)
    return ProtectedTable(
        min_cell=min_cell,
        cells=[
            [_figure(values[i][j], (i, j) in mask) for j in range(columns)] for i in range(rows)
        ],
        row_totals=[_figure(r_tot[i], (i, columns) in mask) for i in range(rows)],
        column_totals=[_figure(c_tot[j], (rows, j) in mask) for j in range(columns)],
        total=_figure(grand, (rows, columns) in mask),
        complementary=len(mask - primary),
    )


def protect_parts(
    parts: Sequence[int],
    *,
    min_cell: int,
    total: int | None = None,
    zeros_visible: bool = False,
    withheld: set[int] | None = None,
) -> ProtectedTable:
    """One row of counts and its total (segment bars, opt-in rates): a 1×C table.

    `withheld`: indexes of parts to withhold whatever their count.
    """
    whole = sum(parts) if total is None else total
    return protect_table(
        [list(parts)],
        min_cell=min_cell,
        row_totals=[whole],
        total=whole,
        zeros_visible=zeros_visible,
        withheld={(0, j) for j in withheld or ()},
    )


def protect_figures(
    cells: Sequence[Sequence[Figure]],
    *,
    row_totals: Sequence[Figure],
    column_totals: Sequence[Figure],
    total: Figure,
    min_cell: int,
) -> ProtectedTable:
    """Complementary suppression over a table already suppressed cell by cell.

    For tables built elsewhere (the cross-tab service): the withheld entries
    are taken as given and only complementary entries are added.
    """
    rows = len(cells)
    columns = len(column_totals)
    grid = [[*cells[i], row_totals[i]] for i in range(rows)] + [[*column_totals, total]]
    values = [[f.n or 0 for f in row] for row in grid]
    primary = {(i, j) for i in range(rows + 1) for j in range(columns + 1) if grid[i][j].suppressed}
    mask = complete_mask(values, primary, rows=rows, columns=columns, min_cell=min_cell)

    def keep(i: int, j: int) -> Figure:
        return Figure(n=None, suppressed=True) if (i, j) in mask else grid[i][j]

    return ProtectedTable(
        min_cell=min_cell,
        cells=[[keep(i, j) for j in range(columns)] for i in range(rows)],
        row_totals=[keep(i, columns) for i in range(rows)],
        column_totals=[keep(rows, j) for j in range(columns)],
        total=keep(rows, columns),
        complementary=len(mask - primary),
    )


def protect_tallied(
    counts: Mapping[tuple[str | None, str | None], int],
    bad: Iterable[tuple[str | None, str | None]],
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    min_cell: int,
) -> ProtectedTable:
    """A table read by ``disclosure.tally_table``, its given-away entries withheld, protected.

    `rows` and `columns` are the labels in display order (those not in
    `counts` are zeros); margins are the tally's own counts.
    """
    r_index = {label: i for i, label in enumerate(rows)}
    c_index = {label: j for j, label in enumerate(columns)}
    withheld = {
        (len(rows) if r is None else r_index[r], len(columns) if c is None else c_index[c])
        for r, c in bad
        if (r is None or r in r_index) and (c is None or c in c_index)
    }
    return protect_table(
        [[counts.get((r, c), 0) for c in columns] for r in rows],
        min_cell=min_cell,
        row_totals=[counts.get((r, None), 0) for r in rows],
        column_totals=[counts.get((None, c), 0) for c in columns],
        total=counts.get((None, None), 0),
        withheld=withheld,
    )
