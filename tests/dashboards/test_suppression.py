"""Complementary suppression: nothing withheld can be recovered by subtraction."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboards.services.suppression import bridges, protect_parts, protect_table


def _determined(values, hidden, rows, columns):
    """Entries of `hidden` that the visible entries fix, by exact Gaussian elimination.

    Independent of the module's graph argument: every row and column of the
    (rows+1)×(columns+1) table is an equation (cells − total = 0); an unknown is
    determined iff its unit vector lies in the row space of the equations
    restricted to the unknowns.
    """
    unknowns = sorted(hidden)
    index = {e: k for k, e in enumerate(unknowns)}
    eqs = []
    for i in range(rows + 1):
        eq = [Fraction(0)] * len(unknowns)
        for j in range(columns + 1):
            if (i, j) in index:
                eq[index[(i, j)]] += -1 if j == columns else 1
        eqs.append(eq)
    for j in range(columns + 1):
        eq = [Fraction(0)] * len(unknowns)
        for i in range(rows + 1):
            if (i, j) in index:
                eq[index[(i, j)]] += -1 if i == rows else 1
        eqs.append(eq)

    def rank(m):
        m = [row[:] for row in m]
        r = 0
        for c in range(len(unknowns)):
            pivot = next((k for k in range(r, len(m)) if m[k][c] != 0), None)
            if pivot is None:
                continue
            m[r], m[pivot] = m[pivot], m[r]
            for k in range(len(m)):
                if k != r and m[k][c] != 0:
                    f = m[k][c] / m[r][c]
                    m[k] = [a - f * b for a, b in zip(m[k], m[r], strict=True)]
            r += 1
        return r

    base = rank(eqs)
    out = []
    for e, k in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[k] = Fraction(1)
        if rank([*eqs, unit]) == base:
            out.append(e)
    return sorted(out)


def _hidden(t):
    rows, columns = len(t.cells), len(t.column_totals)
    out = {(i, j) for i in range(rows) for j in range(columns) if t.cells[i][j].suppressed}
    out |= {(i, columns) for i in range(rows) if t.row_totals[i].suppressed}
    out |= {(rows, j) for j in range(columns) if t.column_totals[j].suppressed}
    if t.total.suppressed:
        out.add((rows, columns))
    return out


def test_one_small_cell_takes_its_smallest_row_and_column_partners():
    t = protect_table([[3, 40, 50], [20, 30, 60]], min_cell=10)
    assert [[c.n for c in row] for row in t.cells] == [[None, None, 50], [None, None, 60]]
    assert [f.n for f in t.row_totals] == [93, 110]
    assert [f.n for f in t.column_totals] == [23, 70, 110]
    assert t.total.n == 203
    assert t.complementary == 3


def test_nothing_small_nothing_withheld():
    t = protect_table([[12, 40], [20, 30]], min_cell=10)
    assert t.complementary == 0
    assert [[c.value for c in row] for row in t.cells] == [[12.0, 40.0], [20.0, 30.0]]


def test_parts_with_total_hide_a_second_part():
    t = protect_parts([4, 30, 25], min_cell=10)
    assert [c.n for c in t.cells[0]] == [None, 30, None]
    assert t.total.n == 59


def test_small_total_hides_everything_it_could_reveal():
    t = protect_parts([2, 3], min_cell=10)
    assert [c.suppressed for c in t.cells[0]] == [True, True]
    assert t.total.suppressed


def test_bridge_detection():
    # A 4-cycle has no bridge; a lone edge is one.
    assert bridges({(0, 0), (0, 1), (1, 0), (1, 1)}, 2) == []
    assert bridges({(0, 0), (0, 1)}, 2) == [(0, 0), (0, 1)]


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=250, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda r: st.integers(min_value=1, max_value=5).flatmap(
            lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r)
        )
    ),
    st.integers(min_value=5, max_value=12),
)
def test_no_withheld_entry_is_recoverable_by_subtraction(table, min_cell):
    t = protect_table(table, min_cell=min_cell)
    rows, columns = len(table), len(table[0])
    values = [[*row, sum(row)] for row in table] + [
        [sum(table[i][j] for i in range(rows)) for j in range(columns)] + [sum(map(sum, table))]
    ]
    hidden = _hidden(t)
    # Every group below the minimum is withheld (empty margins tell nothing new).
    for i in range(rows + 1):
        for j in range(columns + 1):
            if values[i][j] < min_cell and not (values[i][j] == 0 and (i == rows or j == columns)):
                assert (i, j) in hidden
    # Visible entries carry their true counts.
    for i in range(rows):
        for j in range(columns):
            if (i, j) not in hidden:
                assert t.cells[i][j].n == table[i][j]
    assert _determined(values, hidden, rows, columns) == []
