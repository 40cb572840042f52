"""The disclosure rule: the one place that decides whether a figure may leave.

Rule (docs/DISCLOSURE.md): no published figure, alone or together with any
other published figure, may give away a count of people between 1 and
``min_cell − 1``. Concretely:

1. A group size (a count shown as such, the ``n`` behind a mean, a share or
   a correlation) is withheld when it is below the minimum cell.
2. A share is the count of a part over the count of a whole. It is withheld
   when the whole is withheld, when the part is small (1 to min_cell − 1), or
   when the rest (whole minus part) is small: share × whole gives back both.
3. A figure computed from a withheld figure is withheld (``derived``).
4. Parts of a whole shown together (segments, answer buckets, periods) are
   protected as a line (``protect_line``): once one part is withheld, further
   parts are withheld until the withheld parts cannot be told apart and their
   sum, which the whole gives away, is not small either.
5. Nested groups shown together (a funnel) are withheld when their
   difference with any group shown above is small (``chain``).
6. A filtered figure is checked against the related queries an analyst can
   also run (``tally``, tables ``tally_table``): the same figure with any of
   the filter's constraints dropped (complements: total minus filtered, and
   by inclusion and exclusion the people failing any chosen set of the
   constraints while meeting the others) and the same figure for the other
   values of each constrained dimension (sums across segments; a value
   withheld for its own complement is a withheld part of that line). A count
   any of them gives away as small is withheld.
7. Dates are read on a grid of calendar months (``grid_start``/``grid_end``):
   a range is snapped outwards to whole months (``snap``), and a count over
   any months (a range, a trend period, all time) is withheld unless its
   count in every month passes rule 6 within that month. The difference of
   two published ranges (all time included) is then a sum of months, each
   nobody or at least ``min_cell`` people, so the dates are no constraint of
   their own. Counts cover clean responses only: the quality-flagged ones
   are a population of their own (``Source.flagged``), never mixed in.
8. A total whose parts are published elsewhere, each on its own, is withheld
   when the small parts add up to a small count (``total_beside``).

Zero is never small: "nobody" is a count that discloses no one.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db.models import DateField, Sum, Value
from django.db.models.functions import TruncMonth

if TYPE_CHECKING:
    from ..selectors.filters import MetricFilter


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One aggregate; every number is None when the group is suppressed."""

    n: int | None
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False


WITHHELD = Figure(n=None, suppressed=True)


def small(n: int, *, min_cell: int) -> bool:
    """Whether `n` people is a count that must not be derivable (1 to min_cell − 1)."""
    return 0 < n < min_cell


def suppress(n: int, min_cell: int, value: float | None = None, ci: tuple | None = None) -> Figure:
    """A figure about a group of `n` (its size, a mean, an SD, a correlation): rule 1."""
    if n < min_cell:
        return WITHHELD
    low, high = ci if ci else (None, None)
    return Figure(n=n, value=value, ci_low=low, ci_high=high)


def proportion(part: int, whole: int, *, min_cell: int) -> Figure:
    """part / whole, unless whole, part or whole − part gives away a small group: rule 2."""
    if whole < min_cell or small(part, min_cell=min_cell) or small(whole - part, min_cell=min_cell):
        return WITHHELD
    return Figure(n=whole, value=part / whole)


def derived(value: float | None, *inputs: Figure, n: int | None = None) -> Figure:
    """A figure computed from `inputs`; withheld when any of them is: rule 3."""
    if any(f.suppressed for f in inputs):
        return WITHHELD
    return Figure(n=n, value=value)


def protect_line(
    parts: Sequence[int],
    *,
    min_cell: int,
    total: int | None = None,
    withheld: Sequence[bool] | None = None,
) -> list[bool]:
    """Which of `parts` to withhold when they are shown beside their total: rule 4.

    Primary: every small part, and those `withheld` for reasons of their own.
    Then, while exactly one part is withheld or the withheld parts add up to
    a small count (the total minus the visible parts gives that sum away),
    the smallest visible non-zero part is withheld too. `total` may exceed
    the parts' sum (people in no part). When nothing is left to withhold,
    the total itself is small and is withheld by rule 1.
    """
    whole = sum(parts) if total is None else total
    rest = whole - sum(parts)
    hidden = [small(p, min_cell=min_cell) for p in parts]
    if withheld is not None:
        hidden = [h or w for h, w in zip(hidden, withheld, strict=True)]
    while True:
        hidden_sum = rest + sum(p for p, h in zip(parts, hidden, strict=True) if h)
        lone = sum(hidden) == 1 and rest == 0
        if not lone and not small(hidden_sum, min_cell=min_cell):
            break
        visible = [i for i, p in enumerate(parts) if not hidden[i] and p > 0]
        if not visible:
            break
        hidden[min(visible, key=lambda i: (parts[i], i))] = True
    return hidden


def total_beside(parts: Sequence[int], *, min_cell: int) -> bool:
    """Whether a total is withheld whose parts are published elsewhere, each on its own.

    Each part may be withheld there (rule 1, or for reasons of its own); the
    total minus the parts shown gives the withheld ones' sum, which is not
    small once it holds a part of ``min_cell`` or more. So the total is
    withheld when the small parts add up to a small count (rule 8).
    """
    return small(sum(p for p in parts if small(p, min_cell=min_cell)), min_cell=min_cell)


def chain(counts: Sequence[int | None], *, min_cell: int) -> list[bool]:
    """Which of nested groups (widest first, None for not shown) to withhold (rule 5).

    Each count of a funnel is a part of the one before: a stage is withheld
    when it is small or when its difference with any stage shown above it is.
    """
    shown: list[int] = []
    hidden = []
    for c in counts:
        bad = c is None or small(c, min_cell=min_cell)
        bad = bad or any(small(p - (c or 0), min_cell=min_cell) for p in shown)
        hidden.append(bad)
        if not bad and c is not None:
            shown.append(c)
    return hidden


def line(parts: Sequence[int], *, min_cell: int, total: int | None = None) -> list[Figure]:
    """Counts of parts shown beside their total, as figures (rule 4; zero parts withheld)."""
    hidden = protect_line(parts, min_cell=min_cell, total=total)
    return [
        WITHHELD if h or p < min_cell else Figure(n=p, value=float(p))
        for p, h in zip(parts, hidden, strict=True)
    ]


def shares(parts: Sequence[int], *, min_cell: int, total: int | None = None) -> list[Figure]:
    """Each part's share of the total, the parts protected as a line (rules 2 and 4)."""
    whole = sum(parts) if total is None else total
    hidden = protect_line(parts, min_cell=min_cell, total=whole)
    return [
        WITHHELD if h else proportion(p, whole, min_cell=min_cell)
        for p, h in zip(parts, hidden, strict=True)
    ]


def grid_start(day: dt.date) -> dt.date:
    """The first day of `day`'s grid cell: the 1st of its month."""
    return day.replace(day=1)


def grid_end(day: dt.date) -> dt.date:
    """The last day of `day`'s grid cell: the last of its month."""
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def snap(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """A date range widened to whole grid cells (rule 7); open ends stay open."""
    return (
        grid_start(date_from) if date_from else None,
        grid_end(date_to) if date_to else None,
    )


# The grid cell of a rollup row's day, in SQL: its month.
CELL = TruncMonth("day", output_field=DateField())
# "name@start" is a count over a period (a trend's week, month or quarter);
# "name~cell" the same count within one grid cell (rule 7).
PERIOD, IN_CELL = "@", "~"


Fold = Callable[[Mapping[str, Any]], Mapping[str, int]]


@dataclass(frozen=True, kw_only=True)
class Source:
    """Counts of people read from one rollup: ``fold`` turns a grouped row into named counts.

    ``sums`` are the row's Sum() aliases; ``keys`` further group-by expressions
    the fold reads (a purpose, a period); ``lookups`` narrow the rollup.
    ``periods``: the fold names counts over periods ("name@start", rule 7).
    ``flagged``: the population read, the clean responses (every published
    figure) or the quality-flagged ones (only their own count is published).
    """

    model: type[Any]
    sums: Mapping[str, str]
    fold: Fold
    keys: Mapping[str, Any] = field(default_factory=dict)
    lookups: Mapping[str, Any] = field(default_factory=dict)
    periods: bool = False
    flagged: bool = False


Cell = tuple[Any, ...]  # the value of each constraint's expression, in constraint order


def _constraints(flt: "MetricFilter") -> list[str]:
    """The filter's constraints an analyst can drop one by one to widen it.

    The dates are none (rule 7: every month of a range is judged on its own)
    and neither is the quality of responses (only clean ones are counted).
    """
    from ..selectors.filters import SEGMENTS

    out = [f"segment:{s}" for s in SEGMENTS if s in flt.segments]
    out += [f"attribute:{a}" for a in sorted(flt.attributes)]
    if flt.versions:
        out.append("versions")
    return out


def _expression(flt: "MetricFilter", name: str) -> tuple[Any, Any]:
    """(group-by expression, the value this filter keeps) of constraint `name`.

    A segment or attribute the filter does not constrain keeps None (any value).
    """
    from django.db.models import BooleanField, Case, F, Q, Value, When
    from django.db.models.fields.json import KeyTextTransform

    kind, _, key = name.partition(":")
    if kind == "segment":
        return F(key), flt.segments.get(key)
    if kind == "attribute":
        return KeyTextTransform(key, "attributes"), flt.attributes.get(key)
    q = Q(version_id__in=flt.version_ids)
    flag = Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())
    return flag, True


def _cells(
    flt: "MetricFilter",
    names: list[str],
    sources: Sequence[Source],
    keep: list[tuple[int, dict[str, Any]]] | None = None,
) -> dict[Cell, dict[str, int]]:
    """Counts per combination of the constraints' values, over the filter's months.

    One grouped query per source (sources with the same columns share one).
    Every count is also counted per grid cell (month), as "name~cell".

    `keep` receives (source index, row) of the rows inside `flt` itself.
    """
    mine = tuple(_expression(flt, n)[1] for n in names)
    # The widest query of the same months: every version, segment and attribute.
    root = replace(flt, versions=None, segments={}, attributes={})
    groups = {f"_c{i}": _expression(flt, n)[0] for i, n in enumerate(names)}
    # Sources with the same columns are read in one query (UNION ALL).
    shapes: dict[tuple, list[Any]] = {}
    for index, source in enumerate(sources):
        qs = root.apply(source.model.objects.filter(**source.lookups), flagged=source.flagged)
        columns = {**groups, **source.keys, "_cell": CELL}
        grouped = (
            qs.order_by()
            .values(**columns)
            .annotate(**{alias: Sum(name) for alias, name in source.sums.items()}, _s=Value(index))
        )
        shapes.setdefault((tuple(columns), tuple(source.sums)), []).append(grouped)
    out: dict[Cell, dict[str, int]] = {}
    for first, *more in shapes.values():
        for row in first.union(*more, all=True) if more else first:
            index = row["_s"]
            source = sources[index]
            cell = tuple(row[f"_c{i}"] for i in range(len(names)))
            if keep is not None and cell == mine:
                keep.append((index, row))
            into = out.setdefault(cell, {})
            at = _as_date(row["_cell"]).isoformat()
            for key, n in source.fold(row).items():
                into[key] = into.get(key, 0) + int(n or 0)
                within = f"{key}{IN_CELL}{at}"
                into[within] = into.get(within, 0) + int(n or 0)
    return out


def _as_date(value: Any) -> dt.date:
    """A truncated day as a date (PostgreSQL may give a datetime, SQLite a string)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _sum(cells: dict[Cell, dict[str, int]], want: Mapping[int, Any]) -> dict[str, int]:
    """Counts of the cells whose constraint `i` has value `want[i]` (others any)."""
    total: dict[str, int] = {}
    for cell, counts in cells.items():
        if all(cell[i] == v for i, v in want.items()):
            for key, n in counts.items():
                total[key] = total.get(key, 0) + n
    return total


def _complements(
    cells: dict[Cell, dict[str, int]], kept: list[int], mine: Mapping[int, Any], m: int
) -> tuple[dict[str, int], set[str]]:
    """The counts of the filter `mine` and those its complements give away (rule 6)."""
    # Every cell of the survey fails some set of the filter's constraints. The
    # queries with any constraints dropped give, by inclusion and exclusion,
    # the count of each such set ("not aged 60+, in the chosen versions"):
    # each must be nobody or not small. Every complement (a widening minus
    # this filter) is a sum of them.
    by_fail: dict[frozenset[int], dict[str, int]] = {}
    for cell, counts in cells.items():
        fail = frozenset(i for i in kept if cell[i] != mine[i])
        into = by_fail.setdefault(fail, {})
        for key, n in counts.items():
            into[key] = into.get(key, 0) + n
    own = by_fail.get(frozenset(), {})
    bad = {k for k, v in own.items() if small(v, min_cell=m)}
    for fail, counts in by_fail.items():
        if fail:
            bad.update(k for k in own if small(counts.get(k, 0), min_cell=m))
    # Rule 7: a count over a range is withheld with any of its cells.
    bad.update([k.partition(IN_CELL)[0] for k in bad if IN_CELL in k])
    return own, bad


def _judge(
    cells: dict[Cell, dict[str, int]], names: list[str], mine: dict[int, Any], m: int
) -> tuple[dict[str, int], frozenset[str]]:
    """The counts of the filter `mine` (index → value) and those related queries give away."""
    kept = sorted(mine)
    own, bad = _complements(cells, kept, mine, m)
    for i in kept:
        if not names[i].startswith(("segment:", "attribute:")):
            continue
        parent = {j: v for j, v in mine.items() if j != i}
        values = sorted({c[i] for c in cells if c[i] is not None}, key=str)
        total = _sum(cells, parent)
        rows = [_sum(cells, {**parent, i: v}) for v in values]
        index = values.index(mine[i]) if mine[i] in values else None
        # The other values' own complements: a value withheld for a reason of
        # its own is one more withheld part of the line, else the parent minus
        # the visible values gives it back (and its small complement with it).
        others = [
            _complements(cells, kept, {**mine, i: v}, m)[1] if j != index else set()
            for j, v in enumerate(values)
        ]
        for key in own:
            parts = [r.get(key, 0) for r in rows]
            withheld = [p > 0 and key in o for p, o in zip(parts, others, strict=True)]
            hidden = protect_line(parts, min_cell=m, total=total.get(key, 0), withheld=withheld)
            if index is not None and hidden[index]:
                bad.add(key)
    # Rule 7: a count over a range is withheld with any of its cells.
    bad.update([k.partition(IN_CELL)[0] for k in bad if IN_CELL in k])
    own = {k: v for k, v in own.items() if IN_CELL not in k}
    return own, frozenset(k for k in bad if IN_CELL not in k)


def tally(
    flt: "MetricFilter",
    sources: Sequence[Source],
    *,
    rows: list[tuple[int, dict[str, Any]]] | None = None,
) -> tuple[dict[str, int], frozenset[str]]:
    """This filter's counts, and the names of those the related queries would give away (rule 6).

    Complements: for every widening of `flt` (any set of its constraints
    dropped, down to the whole survey), the widened count minus this one
    must not be small. Sums across segments: for every segment or attribute
    constraint, the counts of the dimension's values under the rest of the
    filter are protected as a line (rule 4) against their total, and this
    value must not be among the withheld. One grouped query per source;
    `rows`, when given, receives the rows inside the filter (source index,
    row), for callers that need more of the same sums.
    """
    names = _constraints(flt)
    cells = _cells(flt, names, sources, rows)
    mine = {i: _expression(flt, n)[1] for i, n in enumerate(names)}
    return _judge(cells, names, mine, flt.min_cell)


def tally_by(
    flt: "MetricFilter", dimensions: Sequence[str], sources: Sequence[Source]
) -> dict[tuple[str, str], tuple[dict[str, int], frozenset[str]]]:
    """``tally`` of `flt` narrowed to each value of each of `dimensions` (segment:…, attribute:…).

    What a breakdown shows per value is what the filtered query would show.
    Keys are (dimension, value as stored: "" for not known); a dimension the
    filter already fixes has only its value. One grouped query per source.
    """
    names = _constraints(flt)
    names += [d for d in dimensions if d not in names]
    cells = _cells(flt, names, sources)
    base = {j: _expression(flt, n)[1] for j, n in enumerate(names)}
    base = {j: v for j, v in base.items() if v is not None}
    out = {}
    for dimension in dimensions:
        i = names.index(dimension)
        fixed = base.get(i)
        # None: an attribute not answered, a group of its own ("unknown").
        values = [fixed] if fixed is not None else {c[i] for c in cells}
        for v in sorted(values, key=str):
            out[(dimension, v)] = _judge(cells, names, {**base, i: v}, flt.min_cell)
    return out


SEP = "\x1f"  # in a table entry's name: kind, row label, column label
Entry = tuple[str | None, str | None]  # (row, column); a margin has None for the other


def _entry(name: str) -> Entry:
    kind, row, column = name.split(SEP)
    return (row if kind in "cr" else None, column if kind in "ck" else None)


def tally_table(
    flt: "MetricFilter",
    *,
    model: type[Any],
    row: Any,
    column: Any = None,
    lookups: Mapping[str, Any] | None = None,
) -> tuple[dict[Entry, int], frozenset[Entry]]:
    """A table's counts of people under `flt`, and the entries related queries give away.

    `row` and `column` are group-by expressions over the rollup (column None:
    one column, ""); a missing label is "". Keys are (row, column); a row's
    margin is (row, None), a column's (None, column), the grand total
    (None, None): each is a count an analyst reads, checked like any other
    by ``tally`` (rules 6 and 7). The caller protects the table itself
    (``suppression.protect_table`` with these entries withheld).
    """

    def fold(r: Mapping[str, Any]) -> dict[str, int]:
        label, col = ("" if r[k] is None else str(r[k]) for k in ("_r", "_k"))
        n = int(r["n"] or 0)
        return {
            SEP.join(("c", label, col)): n,
            SEP.join(("r", label, "")): n,
            SEP.join(("k", "", col)): n,
            SEP.join(("t", "", "")): n,
        }

    source = Source(
        model=model,
        sums={"n": "n"},
        keys={"_r": row, "_k": Value("") if column is None else column},
        lookups=lookups or {},
        fold=fold,
    )
    counts, bad = tally(flt, [source])
    return {_entry(k): n for k, n in counts.items()}, frozenset(_entry(k) for k in bad)
