"""Data-quality flags of a response that its answers alone decide.

* ``attention_check_failed:<code>`` — an attention check answered wrongly;
* ``straightliner`` — careless, invariant answering across the rating items
  (every matrix row and scale question, in questionnaire order), by two
  indices of the careless-responding literature taken together:

  - **long string** (Johnson 2005; Meade & Craig 2012; Curran 2016): the
    longest run of identical consecutive answers, as a share of the items
    answered;
  - **intra-individual response variability** (IRV; Dunn, Heggestad,
    Shanock & Theilgard 2018; Marjanovic et al. 2015): the standard
    deviation of the answers, each placed on its own scale as 0 (lowest
    point) … 1 (highest point), so scales of different lengths compare.

  A response is a straight-liner when it answered at least ``min_items``
  rating items, its long string covers at least ``longstring_share`` of them
  and its IRV is at most ``irv_max``. Both indices must agree (Curran 2016
  recommends conservative cut-offs and several indices): a long run alone is
  common in honest answers to short, homogeneous batteries, and a low spread
  alone is what a consistently moderate respondent gives. Below ``min_items``
  items the answers are too few to tell care from carelessness, and no
  straight-lining verdict is given.

Defaults come from settings (``QUALITY_STRAIGHTLINE_MIN_ITEMS``,
``QUALITY_LONGSTRING_SHARE``, ``QUALITY_IRV_MAX``); a survey overrides them in
its definition: ``analysis.quality.straightline`` (docs/METRICS.md).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings

from .enums import QuestionType as T
from .spec import QuestionSpec, VersionSpec


@dataclass(frozen=True, kw_only=True)
class StraightlineRule:
    min_items: int
    longstring_share: float
    irv_max: float


@dataclass(frozen=True, kw_only=True)
class CarelessIndices:
    """The indices of one response: items answered, long string, IRV (None: no items)."""

    items: int
    longstring: int
    irv: float | None

    @property
    def longstring_share(self) -> float:
        return self.longstring / self.items if self.items else 0.0


def straightline_rule(spec: VersionSpec | None = None) -> StraightlineRule:
    """The platform's rule (settings), with the survey's own overrides applied."""
    rule = StraightlineRule(
        min_items=int(settings.QUALITY_STRAIGHTLINE_MIN_ITEMS),
        longstring_share=float(settings.QUALITY_LONGSTRING_SHARE),
        irv_max=float(settings.QUALITY_IRV_MAX),
    )
    declared = ((spec.analysis if spec else {}).get("quality") or {}).get("straightline") or {}
    return replace(rule, **{k: v for k, v in declared.items() if k in rule.__dataclass_fields__})


def _scale_bounds(q: QuestionSpec) -> tuple[Decimal, Decimal] | None:
    points = [c.value for c in q.choices if c.value is not None]
    if len(points) < 2:
        return None
    return min(points), max(points)


def rating_answers(spec: VersionSpec, values: Mapping[str, Any]) -> list[tuple[Decimal, float]]:
    """(answer, position on its scale in [0, 1]) of every rating item, in order."""
    out: list[tuple[Decimal, float]] = []
    for q in spec.questions:
        value = values.get(q.code)
        if value is None or q.type not in (T.MATRIX, T.SCALE):
            continue
        bounds = _scale_bounds(q)
        if bounds is None:
            continue
        lo, hi = bounds
        if q.type == T.MATRIX and isinstance(value, Mapping):
            answers = [value[r["code"]] for r in q.rows if r["code"] in value]
        elif q.type == T.SCALE:
            answers = [value]
        else:
            continue
        out.extend((Decimal(a), float((Decimal(a) - lo) / (hi - lo))) for a in answers)
    return out


def longstring(answers: Sequence[Any]) -> int:
    """The longest run of identical consecutive answers."""
    best = run = 0
    previous: Any = object()
    for a in answers:
        run = run + 1 if a == previous else 1
        previous = a
        best = max(best, run)
    return best


def irv(positions: Sequence[float]) -> float | None:
    """Population standard deviation of the answers' scale positions."""
    if not positions:
        return None
    mean = sum(positions) / len(positions)
    return math.sqrt(sum((p - mean) ** 2 for p in positions) / len(positions))


def careless_indices(spec: VersionSpec, values: Mapping[str, Any]) -> CarelessIndices:
    answers = rating_answers(spec, values)
    return CarelessIndices(
        items=len(answers),
        longstring=longstring([a for a, _ in answers]),
        irv=irv([p for _, p in answers]),
    )


def is_straightliner(indices: CarelessIndices, rule: StraightlineRule) -> bool:
    return (
        indices.items >= rule.min_items
        and indices.irv is not None
        and indices.longstring_share >= rule.longstring_share
        and indices.irv <= rule.irv_max
    )


def quality_flags(
    spec: VersionSpec, values: Mapping[str, Any], *, rule: StraightlineRule | None = None
) -> list[str]:
    """The flags of one response's cleaned answers (see the module docstring)."""
    flags = []
    for q in spec.questions:
        if q.type == T.ATTENTION_CHECK and q.code in values:
            ok = next((c.code for c in q.choices if c.is_correct), None)
            if values[q.code] != ok:
                flags.append(f"attention_check_failed:{q.code}")
    if is_straightliner(careless_indices(spec, values), rule or straightline_rule(spec)):
        flags.append("straightliner")
    return flags
