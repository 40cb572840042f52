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
* Rollup writers lock the affected survey versions (in id order) first, so a
  recompute and a batch for the same version never interleave.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from surveys.models import SurveyVersion
from surveys.selectors.aggregation import (
    answer_rows,
    response_rows,
    responses_aggregated,
    responses_unaggregated,
    segment_questions,
)

from ..models import AnswerRollup, ResponseRollup

DIMS = ("day", "westin_segment", "age_band", "locale", "channel", "flagged")
ANSWER_GRAIN = ("version_id", "question_code", "item", "bucket", *DIMS)
RESPONSE_GRAIN = ("version_id", *DIMS)

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


def _day(at: dt.datetime, tz_name: str) -> dt.date:
    return at.astimezone(zoneinfo.ZoneInfo(tz_name)).date()


def contributions(response_ids: Sequence[Any]) -> tuple[dict[Key, Sums], dict[Key, Sums]]:
    """What the given responses add to the answer and response rollups."""
    responses = response_rows(list(response_ids))
    segments = segment_questions({r["version_id"] for r in responses})
    answers_by_response: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for a in answer_rows(list(response_ids)):
        answers_by_response[a["response_id"]].append(a)
    answer_sums: dict[Key, Sums] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    response_sums: dict[Key, Sums] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for r in responses:
        answers = answers_by_response.get(r["id"], [])
        seg = segments.get(r["version_id"], {})
        age_code = seg.get("age_band")
        age = next((a["choice"] for a in answers if a["question_code"] == age_code), "")
        westin = ""  # set by the Westin instrument's scoring (instrument library)
        dims = (
            _day(r["submitted_at"], r["survey__organization__timezone"]),
            westin,
            age or "",
            r["locale"],
            r["channel"],
            bool(r["quality_flags"]),
        )
        sums = response_sums[(r["version_id"], *dims)]
        score = Decimal(r["score"]) if r["score"] is not None else Decimal(0)
        sums[0] += 1
        sums[1] += score
        sums[2] += score * score
        for a in answers:
            key = (r["version_id"], a["question_code"], a["item"], _bucket(a), *dims)
            sums = answer_sums[key]
            number = Decimal(a["number"]) if a["number"] is not None else Decimal(0)
            sums[0] += 1
            sums[1] += number
            sums[2] += number * number
    return dict(answer_sums), dict(response_sums)


def _upsert(model: Any, grain: Sequence[str], sums: dict[Key, Sums], value_cols: Sequence[str]):  # type: ignore[no-untyped-def]
    """Add `sums` into `model` with INSERT … ON CONFLICT DO UPDATE (keys sorted)."""
    if not sums:
        return
    table = model._meta.db_table
    cols = list(grain) + list(value_cols)
    placeholders = "(" + ", ".join(["%s"] * len(cols)) + ")"
    conflict = ", ".join(grain)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in value_cols)
    items = sorted(sums.items(), key=lambda kv: tuple(str(x) for x in kv[0]))
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


def _lock_versions(version_ids: Iterable[int]) -> None:
    list(
        SurveyVersion.objects.select_for_update()
        .filter(pk__in=sorted(set(version_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _apply(response_ids: Sequence[Any]) -> None:
    answer_sums, response_sums = contributions(response_ids)
    _upsert(AnswerRollup, ANSWER_GRAIN, answer_sums, ("n", "total", "total_sq"))
    _upsert(ResponseRollup, RESPONSE_GRAIN, response_sums, ("n", "score_total", "score_total_sq"))


def _apply_chunked(ids: Sequence[Any], size: int = 2000) -> None:
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
        _lock_versions(v for _, v in claimed)
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


def _day_range(day: dt.date, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    tz = zoneinfo.ZoneInfo(tz_name)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


@transaction.atomic
def rollups_recompute(*, version_id: int, days: Iterable[dt.date]) -> None:
    """Recompute the rollups of one version for some days from raw data."""
    days = sorted(set(days))
    if not days:
        return
    _lock_versions([version_id])
    version = SurveyVersion.objects.select_related("survey__organization").get(pk=version_id)
    tz_name = version.survey.organization.timezone
    AnswerRollup.objects.filter(version_id=version_id, day__in=days).delete()
    ResponseRollup.objects.filter(version_id=version_id, day__in=days).delete()
    ids: list[Any] = []
    for day in days:
        begins, ends = _day_range(day, tz_name)
        ids.extend(
            responses_aggregated([version_id])
            .filter(submitted_at__gte=begins, submitted_at__lt=ends)
            .values_list("pk", flat=True)
        )
    _apply_chunked(ids)


@transaction.atomic
def rollups_rebuild(*, survey_id: int) -> int:
    """Recompute every rollup of a survey from raw data; returns the responses counted."""
    version_ids = list(
        SurveyVersion.objects.filter(survey_id=survey_id).values_list("pk", flat=True)
    )
    _lock_versions(version_ids)
    AnswerRollup.objects.filter(version_id__in=version_ids).delete()
    ResponseRollup.objects.filter(version_id__in=version_ids).delete()
    # Take over what is not aggregated yet; rows a running batch holds are left
    # to it (it waits for our version lock, then adds them on top of the rebuild).
    pending = list(
        responses_unaggregated()
        .filter(version_id__in=version_ids)
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )
    responses_unaggregated().filter(pk__in=pending).update(aggregated_at=timezone.now())
    ids = list(responses_aggregated(version_ids).values_list("pk", flat=True))
    _apply_chunked(ids)
    return len(ids)
