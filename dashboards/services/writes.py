"""How the rollup writers reach the database: additive upserts of summed
contributions, new response scores, and the survey-version locks every writer
takes first.

On PostgreSQL the rows go in by COPY (response scores directly, rollup sums
through a session temp table and one upsert per table); other databases get
multi-row ``INSERT … ON CONFLICT`` statements.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from surveys.models import SurveyVersion

from ..models import ResponseScore
from .grains import DIMS, Key, Sums


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


def insert_scores(rows: Sequence[ResponseScore]) -> None:
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
