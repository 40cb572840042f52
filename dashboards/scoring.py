"""Per-respondent scores: stated protection, enacted protection and the gap.

Pure functions over plain values (documented in docs/METRICS.md):

* An item's *stated* score is its answer mapped to [0, 1] over the item's own
  scale — (value − min) / (max − min) for scales, matrices and choices that
  carry numeric values, the share of protective options ticked for a multiple
  choice — reversed (1 − x) for reverse-coded items.
* *Stated protection* is the mean item score over the items whose construct
  is one of STATED_CONSTRUCTS. Construct means use the same item scores.
* *Enacted protection* is the mean of the respondent's behaviour events'
  protection scores (each kind's fixed transform, see surveys.behaviour).
* The *privacy-paradox gap* is stated minus enacted, in [−1, 1].
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from surveys.selectors import BehaviourKind, QuestionSpec, VersionSpec

STATED_CONSTRUCTS = frozenset(
    {
        "privacy_concern",
        "iuipc_control",
        "iuipc_awareness",
        "iuipc_collection",
        "protective_intent",
        "reads_terms_stated",
        "protective_behaviour_stated",
    }
)
# Default paradox thresholds; a survey overrides them in its definition
# ("analysis": {"paradox": {"stated_min": …, "enacted_max": …}}).
PARADOX_STATED_MIN = 0.6
PARADOX_ENACTED_MAX = 0.4
PLACES = Decimal("0.000001")


def _q(x: float) -> Decimal:
    """Scores are kept to 6 decimals so sums in rollups are exact."""
    return Decimal(str(x)).quantize(PLACES)


@dataclass(frozen=True, kw_only=True)
class ParadoxThresholds:
    """Paradoxical: stated protection ≥ stated_min and enacted protection ≤ enacted_max."""

    stated_min: Decimal = _q(PARADOX_STATED_MIN)
    enacted_max: Decimal = _q(PARADOX_ENACTED_MAX)


DEFAULT_THRESHOLDS = ParadoxThresholds()


def paradox_thresholds(spec: VersionSpec) -> ParadoxThresholds:
    """A version's thresholds: its definition's, else the defaults (validated on import)."""
    declared = spec.analysis.get("paradox") or {}
    return ParadoxThresholds(
        stated_min=_q(declared.get("stated_min", PARADOX_STATED_MIN)),
        enacted_max=_q(declared.get("enacted_max", PARADOX_ENACTED_MAX)),
    )


@dataclass(frozen=True, kw_only=True)
class RespondentScores:
    stated: Decimal | None
    enacted: Decimal | None
    constructs: dict[str, Decimal] = field(default_factory=dict)

    @property
    def gap(self) -> Decimal | None:
        if self.stated is None or self.enacted is None:
            return None
        return self.stated - self.enacted

    @property
    def paradoxical(self) -> bool:
        """Paradoxical by the default thresholds."""
        return self.is_paradoxical(DEFAULT_THRESHOLDS)

    def is_paradoxical(self, thresholds: ParadoxThresholds) -> bool:
        return (
            self.stated is not None
            and self.enacted is not None
            and self.stated >= thresholds.stated_min
            and self.enacted <= thresholds.enacted_max
        )


def _unit(value: Decimal, values: list[Decimal]) -> float | None:
    lo, hi = min(values), max(values)
    if hi == lo:
        return None
    return float((value - lo) / (hi - lo))


def item_scores(q: QuestionSpec, value: Any) -> list[tuple[str, float]]:
    """(construct, score in [0, 1]) for each scored item of one answered question."""
    numeric = [c.value for c in q.choices if c.value is not None]
    out: list[tuple[str, float]] = []
    if q.type == "matrix" and isinstance(value, Mapping):
        rows = {r["code"]: r for r in q.rows}
        for item, number in value.items():
            row = rows.get(item, {})
            construct = row.get("construct") or q.construct
            unit = _unit(Decimal(number), numeric) if numeric else None
            if construct and unit is not None:
                out.append((construct, 1 - unit if row.get("reverse_coded") else unit))
        return out
    if not q.construct:
        return out
    unit: float | None = None
    if q.type == "scale":
        unit = _unit(Decimal(value), numeric)
    elif q.type == "single_choice" and numeric:
        choice = q.choice(value)
        if choice is not None and choice.value is not None:
            unit = _unit(choice.value, numeric)
    elif q.type == "multiple_choice" and isinstance(value, list):
        options = [c.code for c in q.choices if not c.exclusive]
        if options:
            unit = sum(1 for v in value if v in options) / len(options)
    elif q.type in ("nps", "rating"):
        lo, hi = (0, 10) if q.type == "nps" else (1, 5)
        unit = (float(value) - lo) / (hi - lo)
    elif q.type == "yes_no":
        unit = 1.0 if value else 0.0
    if unit is not None:
        out.append((q.construct, 1 - unit if q.reverse_coded else unit))
    return out


def stated_scores(spec: VersionSpec, values: Mapping[str, Any]) -> tuple[Decimal | None, dict]:
    per_construct: dict[str, list[float]] = defaultdict(list)
    for q in spec.questions:
        if q.code in values:
            for construct, score in item_scores(q, values[q.code]):
                per_construct[construct].append(score)
    constructs = {c: _q(sum(v) / len(v)) for c, v in per_construct.items()}
    stated_items = [s for c, v in per_construct.items() if c in STATED_CONSTRUCTS for s in v]
    stated = _q(sum(stated_items) / len(stated_items)) if stated_items else None
    return stated, constructs


def construct_raw_sums(
    spec: VersionSpec, values: Mapping[str, Any]
) -> dict[str, tuple[Decimal, int]]:
    """construct → (sum, count) of its items' raw answer values (as answered, not reversed).

    Only items with a numeric value count (scale points, matrix rows, choices
    with values). The raw mean of a construct is sum / count on the items'
    own scale, exactly.
    """
    sums: dict[str, list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for q in spec.questions:
        if q.code not in values:
            continue
        value = values[q.code]
        if q.type == "matrix" and isinstance(value, Mapping):
            rows = {r["code"]: r for r in q.rows}
            for item, number in value.items():
                construct = rows.get(item, {}).get("construct") or q.construct
                if construct:
                    sums[construct][0] += Decimal(number)
                    sums[construct][1] += 1
        elif q.construct and q.type == "scale":
            sums[q.construct][0] += Decimal(value)
            sums[q.construct][1] += 1
        elif q.construct and q.type == "single_choice":
            choice = q.choice(value)
            if choice is not None and choice.value is not None:
                sums[q.construct][0] += choice.value
                sums[q.construct][1] += 1
    return {c: (total, n) for c, (total, n) in sums.items()}


def enacted_score(
    events: Iterable[tuple[str, Any]], kinds: Mapping[str, BehaviourKind]
) -> Decimal | None:
    scores = [kinds[k].protection(v) for k, v in events if k in kinds]
    return _q(sum(scores) / len(scores)) if scores else None


def respondent_scores(
    spec: VersionSpec,
    values: Mapping[str, Any],
    events: Iterable[tuple[str, Any]],
    kinds: Mapping[str, BehaviourKind],
) -> RespondentScores:
    stated, constructs = stated_scores(spec, values)
    return RespondentScores(
        stated=stated, enacted=enacted_score(events, kinds), constructs=constructs
    )


WESTIN_ITEMS = ("westin_1", "westin_2", "westin_3")
ACTIVES_ITEMS = ("privacy_actives_cares", "privacy_actives_willing", "privacy_actives_acted")


def privacy_active(spec: VersionSpec, values: Mapping[str, Any]) -> bool | None:
    """Cisco's Privacy Active: yes to caring, to being willing to act, and to having acted.

    None when any of the three yes/no items is unanswered (or not asked).
    """
    answers = {
        q.construct: values[q.code]
        for q in spec.questions
        if q.construct in ACTIVES_ITEMS and q.type == "yes_no" and q.code in values
    }
    if len(answers) < len(ACTIVES_ITEMS):
        return None
    return all(answers[item] is True for item in ACTIVES_ITEMS)


def westin_segment(spec: VersionSpec, values: Mapping[str, Any]) -> str:
    """Westin's Privacy Segmentation Index from its three 4-point items.

    Agreeing (3 or 4) with item 1 and disagreeing (1 or 2) with items 2 and 3
    is a Fundamentalist; the opposite pattern is Unconcerned; every other
    complete pattern is a Pragmatist; "" when an item is missing.
    """
    answers: dict[str, Decimal] = {}
    for q in spec.questions:
        if q.code not in values:
            continue
        value = values[q.code]
        if q.type == "matrix" and isinstance(value, Mapping):
            for row in q.rows:
                construct = row.get("construct", "")
                if construct in WESTIN_ITEMS and row["code"] in value:
                    answers[construct] = Decimal(value[row["code"]])
        elif q.construct in WESTIN_ITEMS and q.type == "scale":
            answers[q.construct] = Decimal(value)
    if len(answers) < 3:
        return ""
    agree = {k: v >= 3 for k, v in answers.items()}
    if agree["westin_1"] and not agree["westin_2"] and not agree["westin_3"]:
        return "fundamentalist"
    if not agree["westin_1"] and agree["westin_2"] and agree["westin_3"]:
        return "unconcerned"
    return "pragmatist"
