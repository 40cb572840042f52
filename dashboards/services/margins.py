"""The answer margins: answer contributions summed to the coarser grains that
unsegmented and lightly segmented reads use (docs/PERFORMANCE.md).

* ``AnswerDayRollup``: per day, summed over every segment dimension;
* ``AnswerPairRollup``: per week part, under every pair of segment dimensions;
* ``AnswerCellRollup``: per month, with all four segment dimensions.

Batches add their margins with the full-grain rows; a recompute refills the
months it touched from the full grain (``answer_margins_refill``).
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from ..models import PAIR_DIMS, AnswerCellRollup, AnswerPairRollup, AnswerRollup, pair_name
from .disclosure import grid_end
from .grains import (
    ANSWER_CELL_GRAIN,
    ANSWER_GRAIN,
    ANSWER_PAIR_GRAIN,
    ANSWER_VALUES,
    DIMS,
    Key,
    Sums,
    add_sums,
)
from .writes import upsert

# Every pair of segment dimensions: AnswerPairRollup's `pair` name and the
# positions of its two dimensions in PAIR_DIMS.
PAIRS = tuple(
    (pair_name({a, b}), i, j)
    for i, a in enumerate(PAIR_DIMS)
    for j, b in enumerate(PAIR_DIMS)
    if i < j
)


def answer_days(answers: dict[Key, Sums]) -> dict[Key, Sums]:
    """Answer contributions summed over the segment dimensions (AnswerDayRollup's grain)."""
    out: dict[Key, Sums] = {}
    day, flagged = 4 + DIMS.index("day"), 4 + DIMS.index("flagged")
    for key, values in answers.items():
        add_sums(out, (*key[:4], key[day], key[flagged]), values)
    return out


def week_part(day: dt.date) -> dt.date:
    """The first day of `day`'s ISO week cut at month ends (its Monday or the 1st)."""
    return max(day - dt.timedelta(days=day.weekday()), day.replace(day=1))


def answer_pairs(answers: dict[Key, Sums]) -> dict[Key, Sums]:
    """Answer contributions at AnswerPairRollup's grain: per week part, under every pair.

    Each answer adds to one row per pair of segment dimensions, holding its
    values of the two and "" for the others. The contributions are first
    summed to week parts and the four dimensions (fewer keys to expand).
    """
    day, flagged = 4 + DIMS.index("day"), 4 + DIMS.index("flagged")
    dims = [4 + DIMS.index(d) for d in PAIR_DIMS]
    parts: dict[dt.date, dt.date] = {}
    cells: dict[Key, Sums] = {}
    for key, values in answers.items():
        start = parts.get(key[day])
        if start is None:
            start = parts[key[day]] = week_part(key[day])
        add_sums(cells, (*key[:4], start, key[flagged], *(key[i] for i in dims)), values)
    out: dict[Key, Sums] = {}
    for key, values in cells.items():
        head, cols = key[1:6], key[6:]
        for name, i, j in PAIRS:
            pair = ["", "", "", ""]
            pair[i], pair[j] = cols[i], cols[j]
            add_sums(out, (key[0], name, *head, *pair), values)
    return out


def answer_cells(answers: dict[Key, Sums]) -> dict[Key, Sums]:
    """Answer contributions at AnswerCellRollup's grain: per month and the four dimensions."""
    day, flagged = 4 + DIMS.index("day"), 4 + DIMS.index("flagged")
    dims = [4 + DIMS.index(d) for d in PAIR_DIMS]
    out: dict[Key, Sums] = {}
    for key, values in answers.items():
        month = key[day].replace(day=1)
        add_sums(out, (*key[:4], month, key[flagged], *(key[i] for i in dims)), values)
    return out


def answer_margins_refill(version_id: int, days: Iterable[dt.date]) -> None:
    """Recompute the pair and cell rows (AnswerPairRollup, AnswerCellRollup) of the months
    of `days` from AnswerRollup.

    A recompute deletes and refills whole days of the other rollups; a week
    part or a month holds several days, so their rows are summed again from
    the answer rollups of all their days (already recomputed), not patched.
    Week parts never cross a month's end, so whole months cover them.
    """
    months = {d.replace(day=1) for d in days}
    if not months:
        return
    covered = Q()
    for month in months:
        covered |= Q(day__gte=month, day__lte=grid_end(month))
    for model in (AnswerPairRollup, AnswerCellRollup):
        model.objects.filter(covered, version_id=version_id).delete()
    answers: dict[Key, Sums] = {}
    rows = AnswerRollup.objects.filter(covered, version_id=version_id)
    for r in rows.values(*ANSWER_GRAIN[:4], *DIMS[:-1], *ANSWER_VALUES).iterator(chunk_size=5000):
        key = (*(r[c] for c in ANSWER_GRAIN[:4]), *(r[d] for d in DIMS[:-1]), "")
        add_sums(answers, key, [r[v] for v in ANSWER_VALUES])
    upsert(AnswerPairRollup, ANSWER_PAIR_GRAIN, answer_pairs(answers), ANSWER_VALUES)
    upsert(AnswerCellRollup, ANSWER_CELL_GRAIN, answer_cells(answers), ANSWER_VALUES)
