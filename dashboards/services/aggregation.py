"""Incremental, idempotent aggregation of responses into rollups.

* A batch claims unaggregated responses with ``SELECT … FOR UPDATE SKIP
  LOCKED`` (parallel workers take disjoint batches), computes their
  contributions in memory (``contributions``), adds them with one additive
  upsert per table in a fixed key order (``writes``), and marks the responses
  aggregated — all in one transaction. A retried, duplicated or killed task
  therefore never counts a response twice or loses one: either the whole
  batch committed, or none of it.
* The cost of a batch depends on the batch, not on what is already stored.
* Erasure and retention purges recompute the (version, day) buckets they
  touched from raw data; `rollups_rebuild` recomputes a survey from scratch and
  yields exactly the incremental result (``recompute``).
* Rollup writers lock the affected survey versions (in id order) first:
  batches share the lock (they only add, so several workers aggregate one
  survey side by side), a recompute, rebuild or score refresh takes it
  exclusively, so it and a batch for the same version never interleave.
* On PostgreSQL the rows go in by COPY (response scores directly, rollup
  sums through a session temp table and one upsert per table).
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from surveys.selectors.aggregation import responses_unaggregated

from ..models import (
    AnswerCellRollup,
    AnswerDayRollup,
    AnswerPairRollup,
    AnswerRollup,
    CrossTabRollup,
    PurposeRollup,
    QuizScoreRollup,
    ResponseRollup,
    ResponseScore,
    ScoreBinRollup,
    ScoreRollup,
)
from .contributions import contributions
from .grains import (
    ANSWER_CELL_GRAIN,
    ANSWER_DAY_GRAIN,
    ANSWER_GRAIN,
    ANSWER_PAIR_GRAIN,
    ANSWER_VALUES,
    BIN_GRAIN,
    CROSSTAB_GRAIN,
    RESPONSE_GRAIN,
    RESPONSE_VALUES,
    SCORE_VALUES,
)
from .margins import answer_cells, answer_days, answer_pairs
from .writes import insert_scores, lock_versions, upsert

# Rollups derived from raw data (a recompute or rebuild deletes and refills them).
DERIVED = (
    AnswerRollup,
    AnswerDayRollup,
    AnswerPairRollup,
    AnswerCellRollup,
    ResponseRollup,
    ScoreRollup,
    ResponseScore,
    PurposeRollup,
    CrossTabRollup,
    QuizScoreRollup,
    ScoreBinRollup,
)


def _apply(response_ids: Sequence[Any]) -> None:
    c = contributions(response_ids)
    upsert(AnswerRollup, ANSWER_GRAIN, c.answers, ANSWER_VALUES)
    upsert(AnswerDayRollup, ANSWER_DAY_GRAIN, answer_days(c.answers), ANSWER_VALUES)
    upsert(AnswerPairRollup, ANSWER_PAIR_GRAIN, answer_pairs(c.answers), ANSWER_VALUES)
    upsert(AnswerCellRollup, ANSWER_CELL_GRAIN, answer_cells(c.answers), ANSWER_VALUES)
    upsert(ResponseRollup, RESPONSE_GRAIN, c.responses, RESPONSE_VALUES)
    upsert(ScoreRollup, RESPONSE_GRAIN, c.scores, SCORE_VALUES)
    upsert(PurposeRollup, (*RESPONSE_GRAIN, "purpose"), c.purposes, ("offered", "granted"))
    upsert(CrossTabRollup, CROSSTAB_GRAIN, c.crosstabs, ("n",))
    upsert(QuizScoreRollup, (*RESPONSE_GRAIN, "score"), c.quiz_scores, ("n",))
    upsert(ScoreBinRollup, BIN_GRAIN, c.bins, ("n",))
    insert_scores(c.score_rows)


def apply_chunked(ids: Sequence[Any], size: int = 2000) -> None:
    """Add the given responses' contributions to the rollups, `size` responses at a time."""
    for offset in range(0, len(ids), size):
        _apply(ids[offset : offset + size])


def aggregate_batch(*, limit: int = 500) -> int:
    """Aggregate up to `limit` unaggregated responses; returns how many."""
    with transaction.atomic():
        claimed = list(
            responses_unaggregated()
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", "version_id")[:limit]
        )
        if not claimed:
            return 0
        lock_versions((v for _, v in claimed), shared=True)
        ids = [pk for pk, _ in claimed]
        _apply(ids)
        responses_unaggregated().filter(pk__in=ids).update(aggregated_at=timezone.now())
    return len(ids)


def aggregate_until_done(*, limit: int = 500, max_batches: int = 1000) -> int:
    """Aggregate batches until none is full (or `max_batches` ran); returns how many."""
    total = 0
    for _ in range(max_batches):
        done = aggregate_batch(limit=limit)
        total += done
        if done < limit:
            break
    return total
