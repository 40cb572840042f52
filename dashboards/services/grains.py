"""The rollups' grains: the key columns each rollup sums over, its value columns,
and how a contribution's key is built from a response.

A contribution is a dict from a key (the grain's columns in order) to the sums
it adds (the value columns in order); ``add_sums`` merges them.
"""

import datetime as dt
import json
import zoneinfo
from collections.abc import Sequence
from typing import Any

from ..models import PAIR_DIMS

# The dimensions every response-level grain carries, in key order.
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


ANSWER_VALUES = ("n", "total", "total_sq")


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


BIN_GRAIN = (*RESPONSE_GRAIN, "stated_bin", "enacted_bin")


Key = tuple[Any, ...]


Sums = list[Any]  # [n, total, total_sq]


def add_sums(target: dict[Key, list[Any]], key: Key, values: list[Any]) -> None:
    """Add `values` to `target[key]`, element by element (a new key takes them as they are)."""
    current = target.get(key)
    target[key] = (
        values if current is None else [a + b for a, b in zip(current, values, strict=True)]
    )


def day_of(at: dt.datetime, tz_name: str) -> dt.date:
    """The calendar day of `at` in the organization's time zone (the grain's `day`)."""
    return at.astimezone(zoneinfo.ZoneInfo(tz_name)).date()


def attributes_key(attributes: dict[str, str]) -> str:
    """The canonical JSON of a response's declared attributes (part of rollup keys)."""
    return json.dumps(attributes, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dims_of(row: Any) -> tuple[Any, ...]:
    """A stored row's grain dimensions, as contributions key them."""
    return tuple(
        attributes_key(getattr(row, d)) if d == "attributes" else getattr(row, d) for d in DIMS
    )


def dim_fields(dims: Sequence[Any]) -> dict[str, Any]:
    """The grain dimensions of a key as model field values (attributes decoded)."""
    out = dict(zip(DIMS, dims, strict=True))
    out["attributes"] = json.loads(out["attributes"])
    return out
