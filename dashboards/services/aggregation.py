"""Incremental, idempotent aggregation of responses into rollups.

* A batch claims unaggregated responses with ``SELECT … FOR UPDATE SKIP
  LOCKED`` (parallel workers take disjoint batches), computes their
  contributions in memory, adds them with one additive upsert per table in a
  fixed key order, and marks the responses aggregated — all in one
  transaction. A retried, duplicated or killed task therefore never counts a
  response twice or loses one: either the whole batch committed, or none of it.
* The cost of a batch depends on the batch, not on what is already stored.
* Erasure and retention purges recompute the (version, day) buckets they
  touched from raw data; `rollups_rebuild` recomputes a survey from scratch and
  yields exactly the incremental result.
* Rollup writers lock the affected survey versions (in id order) first:
  batches share the lock (they only add, so several workers aggregate one
  survey side by side), a recompute, rebuild or score refresh takes it
  exclusively, so it and a batch for the same version never interleave.
* On PostgreSQL the rows go in by COPY (response scores directly, rollup
  sums through a session temp table and one upsert per table).
"""

import datetime as dt
import json
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from surveys.models import SurveyVersion
from surveys.selectors import kinds_for, values_from_rows, version_spec
from surveys.selectors.aggregation import (
    answer_rows,
    consent_rows,
    respondent_events,
    response_rows,
    responses_unaggregated,
    segment_questions,
    versions_by_id,
)

from ..models import (
    BINS,
    PAIR_DIMS,
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
    pair_name,
)
from ..scoring import (
    DEFAULT_THRESHOLDS,
    ParadoxThresholds,
    RespondentScores,
    construct_raw_sums,
    paradox_thresholds,
    privacy_active,
    respondent_scores,
    westin_segment,
)
from .disclosure import grid_end

DIMS = ("day", "westin_segment", "age_band", "locale", "channel", "flagged", "attributes")


CROSSTAB_GRAIN = (
    "version_id",
    "row_code",
    "row_item",
    "row_bucket",
    "column_code",
    "column_bucket",
    *DIMS,
)


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


ANSWER_GRAIN = ("version_id", "question_code", "item", "bucket", *DIMS)


ANSWER_DAY_GRAIN = ("version_id", "question_code", "item", "bucket", "day", "flagged")


ANSWER_PAIR_GRAIN = (
    "version_id",
    "pair",
    "question_code",
    "item",
    "bucket",
    "day",
    "flagged",
    *PAIR_DIMS,
)


ANSWER_CELL_GRAIN = ("version_id", "question_code", "item", "bucket", "day", "flagged", *PAIR_DIMS)


# Every pair of segment dimensions: AnswerPairRollup's `pair` name and the
# positions of its two dimensions in PAIR_DIMS.
PAIRS = tuple(
    (pair_name({a, b}), i, j)
    for i, a in enumerate(PAIR_DIMS)
    for j, b in enumerate(PAIR_DIMS)
    if i < j
)


RESPONSE_GRAIN = ("version_id", *DIMS)


RESPONSE_VALUES = ("n", "score_total", "score_total_sq", "privacy_actives_known", "privacy_actives")


SCORE_VALUES = (
    "n_x",
    "sum_x_only",
    "sum_xx_only",
    "n_y",
    "sum_y_only",
    "sum_yy_only",
    "n",
    "sum_x",
    "sum_y",
    "sum_xx",
    "sum_yy",
    "sum_xy",
    "paradoxical",
    "notice_opened",
    "data_requests",
)


Key = tuple[Any, ...]


Sums = list[Any]  # [n, total, total_sq]


def _bucket(row: dict[str, Any]) -> str:
    if row["choice"]:
        return str(row["choice"])
    if row["number"] is not None:
        return format(Decimal(row["number"]).normalize(), "f")
    if row["boolean"] is not None:
        return "true" if row["boolean"] else "false"
    return ""


def day_of(at: dt.datetime, tz_name: str) -> dt.date:
    return at.astimezone(zoneinfo.ZoneInfo(tz_name)).date()


def attributes_key(attributes: dict[str, str]) -> str:
    """The canonical JSON of a response's declared attributes (part of rollup keys)."""
    return json.dumps(attributes, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dims_of(row: Any) -> tuple[Any, ...]:
    """A stored row's grain dimensions, as contributions key them."""
    return tuple(
        attributes_key(getattr(row, d)) if d == "attributes" else getattr(row, d) for d in DIMS
    )


def _dim_fields(dims: Sequence[Any]) -> dict[str, Any]:
    out = dict(zip(DIMS, dims, strict=True))
    out["attributes"] = json.loads(out["attributes"])
    return out


def event_flags(events: Iterable[tuple[str, Any]]) -> tuple[bool, bool]:
    """(opened the notice, made a data access request) from a respondent's events."""
    events = list(events)
    opened = any(k == "notice_opened" and v is True for k, v in events)
    requested = any(k == "data_access_request" and v is True for k, v in events)
    return opened, requested


@dataclass(kw_only=True)
class Contributions:
    answers: dict[Key, Sums]
    responses: dict[Key, Sums]
    scores: dict[Key, list[Any]]
    score_rows: list[ResponseScore]
    purposes: dict[Key, Sums]
    crosstabs: dict[Key, Sums]
    quiz_scores: dict[Key, Sums]
    bins: dict[Key, list[Any]]


BIN_GRAIN = (*RESPONSE_GRAIN, "stated_bin", "enacted_bin")


def score_bins(score: ResponseScore) -> tuple[int, int] | None:
    """(stated, enacted) bin of a response with both scores (fifths of [0, 1])."""
    if score.stated is None or score.enacted is None:
        return None
    return (
        min(int(Decimal(score.stated) * BINS), BINS - 1),
        min(int(Decimal(score.enacted) * BINS), BINS - 1),
    )


def score_sums(
    score: ResponseScore, sign: int = 1, thresholds: ParadoxThresholds = DEFAULT_THRESHOLDS
) -> list[Any]:
    """One response's contribution to a ScoreRollup row (SCORE_VALUES order)."""
    zero = Decimal(0)
    has_x, has_y = score.stated is not None, score.enacted is not None
    x = score.stated if score.stated is not None else zero
    y = score.enacted if score.enacted is not None else zero
    both, x_only, y_only = has_x and has_y, has_x and not has_y, has_y and not has_x
    paradox = both and RespondentScores(stated=x, enacted=y).is_paradoxical(thresholds)
    values: list[Any] = [
        int(x_only),
        x if x_only else zero,
        x * x if x_only else zero,
        int(y_only),
        y if y_only else zero,
        y * y if y_only else zero,
        int(both),
        x if both else zero,
        y if both else zero,
        x * x if both else zero,
        y * y if both else zero,
        x * y if both else zero,
        int(paradox),
        int(has_y and score.opened_notice),
        int(has_y and score.requested_data),
    ]
    return [v * sign for v in values]


def _constructs_json(
    means: dict[str, Decimal], raw: dict[str, tuple[Decimal, int]]
) -> dict[str, dict[str, Any]]:
    """{construct: {"mean": unit mean, "raw_sum": …, "raw_n": …}} as stored."""
    out: dict[str, dict[str, Any]] = {}
    for construct in sorted(set(means) | set(raw)):
        total, n = raw.get(construct, (Decimal(0), 0))
        out[construct] = {
            "mean": str(means[construct]) if construct in means else None,
            "raw_sum": str(total),
            "raw_n": n,
        }
    return out


def add_sums(target: dict[Key, list[Any]], key: Key, values: list[Any]) -> None:
    current = target.get(key)
    target[key] = (
        values if current is None else [a + b for a, b in zip(current, values, strict=True)]
    )


def contributions(response_ids: Sequence[Any]) -> Contributions:
    """What the given responses add to the answer, response and score rollups."""
    responses = response_rows(list(response_ids))
    segments = segment_questions({r["version_id"] for r in responses})
    answers_by_response: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for a in answer_rows(list(response_ids)):
        answers_by_response[a["response_id"]].append(a)
    events = respondent_events({r["respondent_id"] for r in responses})
    versions = {v.pk: v for v in versions_by_id({r["version_id"] for r in responses})}
    kinds_by_org: dict[int, Any] = {}
    consents = consent_rows(list(response_ids))
    out = Contributions(
        answers={},
        responses={},
        scores={},
        score_rows=[],
        purposes={},
        crosstabs={},
        quiz_scores={},
        bins={},
    )
    for r in responses:
        answers = answers_by_response.get(r["id"], [])
        version = versions[r["version_id"]]
        spec = version_spec(version)
        values, _ = values_from_rows(spec, answers)
        org_id = r["survey__organization_id"]
        if org_id not in kinds_by_org:
            kinds_by_org[org_id] = kinds_for(version.survey.organization)
        own_events = events.get(r["respondent_id"], [])
        scores = respondent_scores(spec, values, own_events, kinds_by_org[org_id])
        seg = segments.get(r["version_id"], {})
        age_code = seg.get("age_band")
        age = next((a["choice"] for a in answers if a["question_code"] == age_code), "")
        by_code = {a["question_code"]: a for a in answers if not a["item"]}
        attributes = {
            name: _bucket(by_code[code])
            for name, code in seg.items()
            if name != "age_band" and code in by_code
        }
        dims = (
            day_of(r["submitted_at"], r["survey__organization__timezone"]),
            westin_segment(spec, values),
            age or "",
            r["locale"],
            r["channel"],
            bool(r["quality_flags"]),
            attributes_key(attributes),
        )
        score = Decimal(r["score"]) if r["score"] is not None else Decimal(0)
        active = privacy_active(spec, values)
        add_sums(
            out.responses,
            (r["version_id"], *dims),
            [1, score, score * score, int(active is not None), int(active is True)],
        )
        for a in answers:
            number = Decimal(a["number"]) if a["number"] is not None else Decimal(0)
            key = (r["version_id"], a["question_code"], a["item"], _bucket(a), *dims)
            add_sums(out.answers, key, [1, number, number * number])
        opened, requested = event_flags(own_events)
        row = ResponseScore(
            response_id=r["id"],
            respondent_id=r["respondent_id"],
            version_id=r["version_id"],
            **_dim_fields(dims),
            stated=scores.stated,
            enacted=scores.enacted,
            constructs=_constructs_json(scores.constructs, construct_raw_sums(spec, values)),
            opened_notice=opened,
            requested_data=requested,
        )
        out.score_rows.append(row)
        optional, granted = consents.get(r["id"], ([], []))
        for purpose in optional:
            add_sums(out.purposes, (r["version_id"], *dims, purpose), [1, int(purpose in granted)])
        add_sums(out.scores, (r["version_id"], *dims), score_sums(row, 1, paradox_thresholds(spec)))
        for pair in spec.analysis.get("crosstabs", []):
            rows = [a for a in answers if a["question_code"] == pair["row"]]
            columns = [a for a in answers if a["question_code"] == pair["column"] and not a["item"]]
            for a in rows:
                for b in columns:
                    cell = (pair["row"], a["item"], _bucket(a), pair["column"], _bucket(b))
                    add_sums(out.crosstabs, (r["version_id"], *cell, *dims), [1])
        if spec.kind == "quiz" and r["score"] is not None:
            add_sums(out.quiz_scores, (r["version_id"], *dims, Decimal(r["score"])), [1])
        bins = score_bins(row)
        if bins is not None:
            add_sums(out.bins, (r["version_id"], *dims, *bins), [1])
    return out


def upsert(model: Any, grain: Sequence[str], sums: dict[Key, Sums], value_cols: Sequence[str]):  # type: ignore[no-untyped-def]
    """Add `sums` into `model` with INSERT … ON CONFLICT DO UPDATE, in sorted key order."""
    if not sums:
        return
    items = sorted(sums.items(), key=lambda kv: tuple(str(x) for x in kv[0]))
    if connection.vendor == "postgresql":
        _upsert_copy(model._meta.db_table, grain, items, value_cols)
    else:
        _upsert_values(model._meta.db_table, grain, items, value_cols)


def _upsert_copy(
    table: str, grain: Sequence[str], items: list[tuple[Key, Sums]], value_cols: Sequence[str]
) -> None:
    """PostgreSQL: COPY the rows into a session temp table, then one upsert from it.

    COPY skips building and parsing a statement with a parameter per value;
    the temp table is emptied before each use, so several upserts in one
    transaction (a rebuild) never see each other's rows.
    """
    cols = [*grain, *value_cols]
    staging = f"staging_{table}"
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in value_cols)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} AS "
            f"SELECT 0::integer AS seq, {', '.join(cols)} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.cursor.copy(f"COPY {staging} (seq, {', '.join(cols)}) FROM STDIN") as copy:
            for seq, (key, values) in enumerate(items):
                copy.write_row((seq, *key, *values))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {staging} "
            f"ORDER BY seq ON CONFLICT ({', '.join(grain)}) DO UPDATE SET {updates}"
        )


def _upsert_values(
    table: str, grain: Sequence[str], items: list[tuple[Key, Sums]], value_cols: Sequence[str]
) -> None:
    """Other databases: multi-row INSERT … VALUES … ON CONFLICT, 400 rows a statement."""
    cols = list(grain) + list(value_cols)
    placeholders = "(" + ", ".join(["%s"] * len(cols)) + ")"
    conflict = ", ".join(grain)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in value_cols)
    chunk = 400
    with connection.cursor() as cursor:
        for start in range(0, len(items), chunk):
            part = items[start : start + chunk]
            sql = (
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                + ", ".join([placeholders] * len(part))
                + f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
            )
            params: list[Any] = []
            for key, values in part:
                params.extend(key)
                params.extend(values)
            cursor.execute(sql, params)


def lock_versions(version_ids: Iterable[int], *, shared: bool = False) -> None:
    """Lock survey versions in id order: shared for batches, exclusive for the rest.

    Batches only add (disjoint responses, additive upserts in one key order),
    so several run side by side; a recompute, rebuild or score refresh waits
    for running batches, and new batches wait for it.
    """
    ids = sorted(set(version_ids))
    if shared and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {SurveyVersion._meta.db_table} WHERE id = ANY(%s) "
                "ORDER BY id FOR SHARE",
                [ids],
            )
        return
    list(
        SurveyVersion.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


SCORE_COLUMNS = (
    "response_id",
    "respondent_id",
    "version_id",
    *DIMS,
    "stated",
    "enacted",
    "constructs",
    "opened_notice",
    "requested_data",
)


def _insert_scores(rows: Sequence[ResponseScore]) -> None:
    """Store new response scores: COPY on PostgreSQL (no per-row SQL), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        ResponseScore.objects.bulk_create(rows, batch_size=1000)
        return
    table = ResponseScore._meta.db_table
    json_columns = {"attributes", "constructs"}
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(SCORE_COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    json.dumps(getattr(row, c), separators=(",", ":"), ensure_ascii=False)
                    if c in json_columns
                    else getattr(row, c)
                    for c in SCORE_COLUMNS
                ]
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


ANSWER_VALUES = ("n", "total", "total_sq")


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
    _insert_scores(c.score_rows)


def apply_chunked(ids: Sequence[Any], size: int = 2000) -> None:
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
    total = 0
    for _ in range(max_batches):
        done = aggregate_batch(limit=limit)
        total += done
        if done < limit:
            break
    return total
