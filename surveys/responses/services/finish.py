"""What finishing a response decides, from its answers alone: no database access.

`response_finish` is the one place that decides a complete response's quality
flags (attention checks, straight-lining, the speeder rule), its quiz result
and the disclosure behaviour to record. Every way a response is completed
takes it from here: the web flow (`response_complete`), a headless submission
written at once or through the inbox (what the submitter is told is what is
written), and `seed_demo`. What it needs from the database, the survey's
median duration for the speeder rule, the caller reads (`speeder_median` in
write.py) or, when seeding, keeps running (`duration_median`).
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from ...answers import score
from ...enums import BEHAVIOURAL_MEASUREMENT, ResponseStatus
from ...models import Response
from ...quality import quality_flags
from ...spec import VersionSpec

# Durations the speeder median is taken over, and how many it needs at least.
SPEEDER_WINDOW = 200
SPEEDER_MIN_DURATIONS = 20


@dataclass(frozen=True, kw_only=True)
class Finished:
    """The decided parts of a complete response (see `response_finish`)."""

    submitted_at: dt.datetime
    quality_flags: list[str]
    score: Decimal | None = None
    max_score: Decimal | None = None
    outcome_index: int | None = None
    # One behaviour row per optional personal field shown: (question code,
    # the code when answered else ""); empty without behavioural consent.
    disclosed: tuple[tuple[str, str], ...] = ()


def duration_median(durations: Iterable[float]) -> float | None:
    """The median of completion times in seconds; None below SPEEDER_MIN_DURATIONS."""
    ordered = sorted(durations)
    if len(ordered) < SPEEDER_MIN_DURATIONS:
        return None
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def measured_seconds(started_at: dt.datetime | None, submitted_at: dt.datetime) -> float | None:
    """How long the respondent took; None when not measured (a headless submission)."""
    if started_at is None or submitted_at <= started_at:
        return None
    return (submitted_at - started_at).total_seconds()


def disclosed_fields(
    spec: VersionSpec, values: Mapping[str, Any], path: Sequence[str], granted: Collection[str]
) -> tuple[tuple[str, str], ...]:
    """Optional personal fields shown on `path`: disclosed or left blank (behavioural only)."""
    if BEHAVIOURAL_MEASUREMENT not in granted:
        return ()
    withheld = spec.withheld(granted)
    shown: set[str] = set()
    for code in path:
        section = spec.section(code)
        shown.update(q.code for q in (section.questions if section else ()))
    return tuple(
        (q.code, q.code if q.code in values else "")
        for q in spec.questions
        if q.quasi_identifier and not q.required and q.code in shown and q.code not in withheld
    )


def response_finish(
    spec: VersionSpec,
    values: Mapping[str, Any],
    *,
    path: Sequence[str],
    granted: Collection[str],
    submitted_at: dt.datetime,
    started_at: dt.datetime | None = None,
    median_seconds: float | None = None,
) -> Finished:
    """Decide a complete response from its cleaned `values` along `path`.

    - quality flags from the answers (surveys/quality.py), plus ``speeder`` when it
      took less than QUALITY_SPEEDER_FRACTION of `median_seconds` (the median of
      the survey's latest 200 completed, measured responses; None: fewer than 20,
      never a speeder). A response without a measured duration (`started_at`
      None or not before `submitted_at`) is never a speeder. Decided once;
    - for a quiz: score, maximum and outcome;
    - `granted`: the purposes consented to; with behavioural measurement among
      them, the optional personal fields shown are recorded as disclosed or not.
    """
    flags = quality_flags(spec, values)
    taken = measured_seconds(started_at, submitted_at)
    if taken is not None and median_seconds is not None:
        if taken < float(settings.QUALITY_SPEEDER_FRACTION) * median_seconds:
            flags.append("speeder")
    quiz: dict[str, Any] = {}
    if spec.kind == "quiz":
        total = score(spec, values)
        quiz = {
            "score": total,
            "max_score": spec.max_score,
            "outcome_index": spec.outcome_for(total),
        }
    return Finished(
        submitted_at=submitted_at,
        quality_flags=flags,
        disclosed=disclosed_fields(spec, values, path, granted),
        **quiz,
    )


def finished_apply(response: Response, finished: Finished) -> None:
    """Set the decided fields on `response` (unsaved; the caller writes it)."""
    response.status = ResponseStatus.COMPLETE
    response.submitted_at = finished.submitted_at
    response.quality_flags = list(finished.quality_flags)
    if finished.score is not None:
        response.score = finished.score
        response.max_score = finished.max_score
        response.outcome_index = finished.outcome_index


def finished_to_json(finished: Finished) -> dict[str, Any]:
    """`finished` as JSON (a pending inbox row keeps what the submitter was told)."""
    return {
        "submitted_at": finished.submitted_at.isoformat(),
        "quality_flags": list(finished.quality_flags),
        "score": None if finished.score is None else str(finished.score),
        "max_score": None if finished.max_score is None else str(finished.max_score),
        "outcome_index": finished.outcome_index,
        "disclosed": [list(row) for row in finished.disclosed],
    }


def finished_from_json(data: Mapping[str, Any]) -> Finished:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return Finished(
        submitted_at=dt.datetime.fromisoformat(data["submitted_at"]),
        quality_flags=list(data["quality_flags"]),
        score=number(data["score"]),
        max_score=number(data["max_score"]),
        outcome_index=data["outcome_index"],
        disclosed=tuple((code, value) for code, value in data["disclosed"]),
    )
