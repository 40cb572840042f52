"""What a batch of responses adds to the rollups, computed in memory from raw rows.

``contributions`` reads the batch's responses, answers, behaviour events and
consent records once, scores each response and keys what it adds by the
rollups' grains (``grains``); the writers (``aggregation``, ``recompute``)
upsert the sums.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from surveys.selectors import VersionSpec, kinds_for, values_from_rows, version_spec
from surveys.selectors.aggregation import (
    answer_rows,
    consent_rows,
    respondent_events,
    response_rows,
    segment_questions,
    versions_by_id,
)

from ..models import BINS, ResponseScore
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
from .grains import Key, Sums, add_sums, attributes_key, day_of, dim_fields

Row = dict[str, Any]


@dataclass(kw_only=True)
class Contributions:
    """Sums per rollup key (each dict one rollup table) and the new response scores."""

    answers: dict[Key, Sums] = field(default_factory=dict)
    responses: dict[Key, Sums] = field(default_factory=dict)
    scores: dict[Key, list[Any]] = field(default_factory=dict)
    score_rows: list[ResponseScore] = field(default_factory=list)
    purposes: dict[Key, Sums] = field(default_factory=dict)
    crosstabs: dict[Key, Sums] = field(default_factory=dict)
    quiz_scores: dict[Key, Sums] = field(default_factory=dict)
    bins: dict[Key, list[Any]] = field(default_factory=dict)


def _bucket(row: Row) -> str:
    """An answer row's bucket: its choice, normalized number or boolean ("" for none)."""
    if row["choice"]:
        return str(row["choice"])
    if row["number"] is not None:
        return format(Decimal(row["number"]).normalize(), "f")
    if row["boolean"] is not None:
        return "true" if row["boolean"] else "false"
    return ""


def event_flags(events: Iterable[tuple[str, Any]]) -> tuple[bool, bool]:
    """(opened the notice, made a data access request) from a respondent's events."""
    events = list(events)
    opened = any(k == "notice_opened" and v is True for k, v in events)
    requested = any(k == "data_access_request" and v is True for k, v in events)
    return opened, requested


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


@dataclass(kw_only=True)
class _Batch:
    """The raw rows of a batch of responses, each kind read once."""

    responses: list[Row]
    segments: dict[Any, dict[str, str]]
    answers: dict[Any, list[Row]]
    events: dict[Any, list[tuple[str, Any]]]
    versions: dict[Any, Any]
    consents: dict[Any, tuple[list[str], list[str]]]
    kinds_by_org: dict[int, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, response_ids: Sequence[Any]) -> "_Batch":
        responses = response_rows(list(response_ids))
        version_ids = {r["version_id"] for r in responses}
        segments = segment_questions(version_ids)
        answers: dict[Any, list[Row]] = defaultdict(list)
        for a in answer_rows(list(response_ids)):
            answers[a["response_id"]].append(a)
        return cls(
            responses=responses,
            segments=segments,
            answers=answers,
            events=respondent_events({r["respondent_id"] for r in responses}),
            versions={v.pk: v for v in versions_by_id(version_ids)},
            consents=consent_rows(list(response_ids)),
        )

    def kinds(self, r: Row) -> Any:
        """The behaviour kinds of the response's organization (read once per organization)."""
        org_id = r["survey__organization_id"]
        if org_id not in self.kinds_by_org:
            organization = self.versions[r["version_id"]].survey.organization
            self.kinds_by_org[org_id] = kinds_for(organization)
        return self.kinds_by_org[org_id]


def _dims(
    r: Row, spec: VersionSpec, values: dict[str, Any], answers: list[Row], seg: dict[str, str]
) -> Key:
    """The response's grain dimensions (DIMS order): its day, Westin segment, age band,
    locale, channel, quality flag and declared attributes."""
    age_code = seg.get("age_band")
    age = next((a["choice"] for a in answers if a["question_code"] == age_code), "")
    by_code = {a["question_code"]: a for a in answers if not a["item"]}
    attributes = {
        name: _bucket(by_code[code])
        for name, code in seg.items()
        if name != "age_band" and code in by_code
    }
    return (
        day_of(r["submitted_at"], r["survey__organization__timezone"]),
        westin_segment(spec, values),
        age or "",
        r["locale"],
        r["channel"],
        bool(r["quality_flags"]),
        attributes_key(attributes),
    )


def _add_answers(
    out: Contributions, spec: VersionSpec, r: Row, answers: list[Row], dims: Key
) -> None:
    """The response's answers, and the declared cross-tabs of its answers' pairs."""
    for a in answers:
        number = Decimal(a["number"]) if a["number"] is not None else Decimal(0)
        key = (r["version_id"], a["question_code"], a["item"], _bucket(a), *dims)
        add_sums(out.answers, key, [1, number, number * number])
    for pair in spec.analysis.get("crosstabs", []):
        rows = [a for a in answers if a["question_code"] == pair["row"]]
        columns = [a for a in answers if a["question_code"] == pair["column"] and not a["item"]]
        for a in rows:
            for b in columns:
                cell = (pair["row"], a["item"], _bucket(a), pair["column"], _bucket(b))
                add_sums(out.crosstabs, (r["version_id"], *cell, *dims), [1])


def _add_response(out: Contributions, batch: _Batch, r: Row) -> None:
    """One response's contributions to every rollup, and its ResponseScore row."""
    answers = batch.answers.get(r["id"], [])
    spec = version_spec(batch.versions[r["version_id"]])
    values, _ = values_from_rows(spec, answers)
    own_events = batch.events.get(r["respondent_id"], [])
    scores = respondent_scores(spec, values, own_events, batch.kinds(r))
    dims = _dims(r, spec, values, answers, batch.segments.get(r["version_id"], {}))
    key = (r["version_id"], *dims)
    score = Decimal(r["score"]) if r["score"] is not None else Decimal(0)
    active = privacy_active(spec, values)
    add_sums(
        out.responses,
        key,
        [1, score, score * score, int(active is not None), int(active is True)],
    )
    _add_answers(out, spec, r, answers, dims)
    opened, requested = event_flags(own_events)
    row = ResponseScore(
        response_id=r["id"],
        respondent_id=r["respondent_id"],
        version_id=r["version_id"],
        **dim_fields(dims),
        stated=scores.stated,
        enacted=scores.enacted,
        constructs=_constructs_json(scores.constructs, construct_raw_sums(spec, values)),
        opened_notice=opened,
        requested_data=requested,
    )
    out.score_rows.append(row)
    optional, granted = batch.consents.get(r["id"], ([], []))
    for purpose in optional:
        add_sums(out.purposes, (*key, purpose), [1, int(purpose in granted)])
    add_sums(out.scores, key, score_sums(row, 1, paradox_thresholds(spec)))
    if spec.kind == "quiz" and r["score"] is not None:
        add_sums(out.quiz_scores, (*key, Decimal(r["score"])), [1])
    bins = score_bins(row)
    if bins is not None:
        add_sums(out.bins, (*key, *bins), [1])


def contributions(response_ids: Sequence[Any]) -> Contributions:
    """What the given responses add to the answer, response and score rollups."""
    batch = _Batch.read(response_ids)
    out = Contributions()
    for r in batch.responses:
        _add_response(out, batch, r)
    return out
