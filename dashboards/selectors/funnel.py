"""Consent and behaviour metrics: the consent funnel, withdrawal and data-request rates,
stated policy reading against actual notice opening (formulas: docs/METRICS.md).

Every figure leaves through the disclosure rule (``disclosure``, docs/DISCLOSURE.md):
a rate is withheld when its numerator or the rest of its denominator is small,
and any figure whose count a related query (the survey unfiltered, the other
segments) would give away is withheld with it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F

from surveys.selectors.aggregation import consent_funnel_days

from ..models import ResponseRollup, ScoreRollup, WithdrawalRollup
from ..services.disclosure import (
    WITHHELD,
    Figure,
    Source,
    chain,
    derived,
    grid_start,
    proportion,
    tally,
)
from .filters import MetricFilter

POLICY_READING_CONSTRUCT = "reads_terms_stated"


@dataclass(frozen=True, kw_only=True)
class Funnel:
    min_cell: int
    shown: Figure
    consented: Figure
    completed: Figure
    withdrawn: Figure


@dataclass(frozen=True, kw_only=True)
class PolicyReading:
    min_cell: int
    stated_always_read: Figure  # share of answers at the scale's "always" end
    opened_notice: Figure  # share of behaviourally measured respondents


def _notice_split(flt: MetricFilter) -> bool:
    """Whether the notice's anonymous counts apply (no segment, attribute or version filter)."""
    return not (flt.segments or flt.attributes or flt.versions)


SCORES = Source(
    model=ScoreRollup,
    sums={"n": "n", "n_y": "n_y", "o": "notice_opened", "r": "data_requests"},
    fold=lambda r: {
        "measured": (r["n"] or 0) + (r["n_y"] or 0),
        "opened": r["o"],
        "requests": r["r"],
        "not_opened": (r["n"] or 0) + (r["n_y"] or 0) - (r["o"] or 0),
        "no_request": (r["n"] or 0) + (r["n_y"] or 0) - (r["r"] or 0),
    },
)
COMPLETED = (
    Source(
        model=ResponseRollup,
        sums={"n": "n"},
        fold=lambda r: {"completed": r["n"], "stayed": r["n"]},
    ),
    Source(
        model=WithdrawalRollup,
        sums={"n": "n"},
        fold=lambda r: {"completed": r["n"], "withdrawn": r["n"]},
    ),
)
CONSENT_SOURCES = (SCORES, *COMPLETED)


def _guarded(flt: MetricFilter) -> tuple[dict[str, int], frozenset[str]]:
    """Completed, withdrawn, measured, opened, requests, and those a related query gives away.

    With no segment, attribute or version filter, also the notice's shown and
    consented, withheld when they fail the funnel's chain in any month of the
    range (rule 7: the difference of two ranges is a sum of months).
    """
    counts, bad = tally(flt, COMPLETED)
    counts = {k: counts.get(k, 0) for k in ("completed", "withdrawn", "stayed")}
    if not _notice_split(flt):
        return counts, bad
    days = consent_funnel_days(
        survey_id=flt.survey.pk, date_from=flt.date_from, date_to=flt.date_to
    )
    cells: dict[Any, list[int]] = {}
    for day, c in days.items():
        into = cells.setdefault(grid_start(day), [0, 0])
        into[0] += c["shown"]
        into[1] += c["consented"]
    extra: set[str] = set()
    for shown, consented in cells.values():
        if any(chain([shown, consented], min_cell=flt.min_cell)):
            extra |= {"shown", "consented"}
    notice = {k: sum(c[k] for c in days.values()) for k in ("shown", "consented")}
    return {**counts, **notice}, bad | extra


def funnel(flt: MetricFilter) -> Funnel:
    """Notice shown → consented → completed → withdrawn.

    Shown and consented are the anonymous counts of the survey's consent
    notice (ConsentCounter); they cannot be split by respondent, so with a
    segment, attribute or version filter they are not available (n and value
    null, not suppressed). Completed counts every response ever completed
    (withdrawn ones too); withdrawn, those whose respondent later withdrew
    consent entirely. Withdrawn is withheld when it, or the completed
    responses not withdrawn, is a small count.
    """
    counts, bad = _guarded(flt)
    stages = ("shown", "consented", "completed", "withdrawn")
    values: list[int | None] = [None if k in bad or k not in counts else counts[k] for k in stages]
    if "stayed" in bad:  # completed minus withdrawn: those still in the study
        values[3] = None
    # Every stage but the last is a group size (rule 1); the withdrawn may be none.
    for i, v in enumerate(values[:3]):
        if v is not None and v < flt.min_cell:
            values[i] = None
    hidden = chain(values, min_cell=flt.min_cell)
    if values[2] is None:
        hidden[3] = True
    figures = [
        WITHHELD if h else Figure(n=v, value=float(v or 0))
        for v, h in zip(values, hidden, strict=True)
    ]
    if not _notice_split(flt):
        figures[0] = figures[1] = Figure(n=None)
    return Funnel(
        min_cell=flt.min_cell,
        shown=figures[0],
        consented=figures[1],
        completed=figures[2],
        withdrawn=figures[3],
    )


def withdrawal_rate(flt: MetricFilter) -> Figure:
    """Withdrawn / completed responses, in [0, 1]: withheld with either funnel count."""
    f = funnel(flt)
    done, gone = f.completed.n or 0, f.withdrawn.n or 0
    return derived(gone / done if done else None, f.completed, f.withdrawn, n=done)


def data_request_rate(flt: MetricFilter) -> Figure:
    """Share of behaviourally measured respondents with a `data_access_request` event."""
    counts, bad = tally(flt, [SCORES])
    if {"measured", "requests", "no_request"} & bad:
        return WITHHELD
    m = flt.min_cell
    return proportion(counts.get("requests", 0), counts.get("measured", 0), min_cell=m)


def _always_choices(flt: MetricFilter) -> dict[tuple[int, str], str]:
    """(version id, question code) → the choice code meaning "always" of policy-reading items.

    The choice with the highest value (lowest when the item is reverse-coded).
    """
    from surveys.selectors import version_spec

    out: dict[tuple[int, str], str] = {}
    for version in flt.published_versions:
        for q in version_spec(version).questions:
            valued = [c for c in q.choices if c.value is not None]
            if q.construct != POLICY_READING_CONSTRUCT or q.type != "single_choice" or not valued:
                continue
            pick = min if q.reverse_coded else max
            out[(version.pk, q.code)] = pick(valued, key=lambda c: c.value or 0).code
    return out


def _stated_source(flt: MetricFilter, always: dict[tuple[int, str], str]) -> Source:
    """Answers to policy-reading questions ("answers"), and those at the "always" end."""

    def fold(r: Mapping[str, Any]) -> dict[str, int]:
        choice = always.get((r["v"], r["q"]))
        if choice is None:
            return {}
        always_n = r["n"] if r["b"] == choice else 0
        return {"answers": r["n"], "said_always": always_n, "not_always": r["n"] - always_n}

    model, narrow = flt.answer_grain()
    return Source(
        model=model,
        sums={"n": "n"},
        fold=fold,
        keys={"v": F("version_id"), "q": F("question_code"), "b": F("bucket")},
        lookups={**narrow, "question_code__in": sorted({c for _, c in always})},
    )


def policy_reading(flt: MetricFilter) -> PolicyReading:
    """Stated: share of policy-reading answers saying "always"; actual: share who opened the notice.

    Stated counts answers to questions of the construct `reads_terms_stated`;
    actual counts respondents with an enacted score (any behaviour event)
    having a `notice_opened` event that is true. Each share is withheld under
    the disclosure rule (its part, its rest or a related query small).
    """
    always = _always_choices(flt)
    counts, bad = tally(flt, [SCORES, _stated_source(flt, always)])
    m = flt.min_cell
    stated = proportion(counts.get("said_always", 0), counts.get("answers", 0), min_cell=m)
    opened = proportion(counts.get("opened", 0), counts.get("measured", 0), min_cell=m)
    return PolicyReading(
        min_cell=m,
        stated_always_read=WITHHELD if {"answers", "said_always", "not_always"} & bad else stated,
        opened_notice=WITHHELD if {"measured", "opened", "not_opened"} & bad else opened,
    )
