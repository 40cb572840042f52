"""Consent and behaviour metrics: the consent funnel, withdrawal and data-request rates,
stated policy reading against actual notice opening (formulas: docs/METRICS.md).

Every figure passes `suppress`.
"""

from dataclasses import dataclass

from django.db.models import Subquery, Sum

from surveys.models import Survey
from surveys.selectors.aggregation import consent_funnel_counts

from ..models import ResponseRollup, ScoreRollup, WithdrawalRollup
from .metrics import Figure, MetricFilter, suppress

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


def _count(n: int, min_cell: int) -> Figure:
    return suppress(n, min_cell, float(n))


def _total(flt: MetricFilter, model: type[ResponseRollup | WithdrawalRollup]) -> Subquery:
    """A scalar subquery: the filtered rollup's sum of `n`."""
    rows = flt.apply(model.objects.all()).order_by().values("version__survey")
    return Subquery(rows.annotate(t=Sum("n")).values("t")[:1])


def _completed_and_withdrawn(flt: MetricFilter) -> tuple[int, int]:
    """Responses ever completed (still held + withdrawn) and those withdrawn since (one query)."""
    row = (
        Survey.objects.filter(pk=flt.survey.pk)
        .annotate(held=_total(flt, ResponseRollup), withdrawn=_total(flt, WithdrawalRollup))
        .values("held", "withdrawn")
        .first()
    ) or {}
    held, withdrawn = int(row.get("held") or 0), int(row.get("withdrawn") or 0)
    return held + withdrawn, withdrawn


def funnel(flt: MetricFilter) -> Funnel:
    """Notice shown → consented → completed → withdrawn.

    Shown and consented are the anonymous counts of the survey's consent
    notice (ConsentCounter); they cannot be split by respondent, so with a
    segment, attribute or version filter they are not available (n and value
    null, not suppressed). Completed counts every response ever completed
    (withdrawn ones too); withdrawn, those whose respondent later withdrew
    consent entirely.
    """
    completed, withdrawn = _completed_and_withdrawn(flt)
    if flt.segments or flt.attributes or flt.versions:
        shown = consented = Figure(n=None)
    else:
        counts = consent_funnel_counts(
            survey_id=flt.survey.pk, date_from=flt.date_from, date_to=flt.date_to
        )
        shown = _count(counts["shown"], flt.min_cell)
        consented = _count(counts["consented"], flt.min_cell)
    return Funnel(
        min_cell=flt.min_cell,
        shown=shown,
        consented=consented,
        completed=_count(completed, flt.min_cell),
        withdrawn=_count(withdrawn, flt.min_cell) if completed >= flt.min_cell else _hidden(),
    )


def _hidden() -> Figure:
    return Figure(n=None, suppressed=True)


def withdrawal_rate(flt: MetricFilter) -> Figure:
    """Withdrawn / completed responses, in [0, 1]; suppressed on the completed count."""
    completed, withdrawn = _completed_and_withdrawn(flt)
    return suppress(completed, flt.min_cell, withdrawn / completed if completed else None)


def _measured(flt: MetricFilter) -> tuple[int, int, int]:
    """(respondents with an enacted score, of whom opened the notice, made a data request)."""
    s = flt.apply(ScoreRollup.objects.all()).aggregate(
        n=Sum("n"), n_y=Sum("n_y"), opened=Sum("notice_opened"), requests=Sum("data_requests")
    )
    measured = int(s["n"] or 0) + int(s["n_y"] or 0)
    return measured, int(s["opened"] or 0), int(s["requests"] or 0)


def data_request_rate(flt: MetricFilter) -> Figure:
    """Share of behaviourally measured respondents with a `data_access_request` event."""
    measured, _, requests = _measured(flt)
    return suppress(measured, flt.min_cell, requests / measured if measured else None)


def _always_choices(flt: MetricFilter) -> dict[tuple[int, str], str]:
    """(version id, question code) → the choice code meaning "always" of policy-reading items.

    The choice with the highest value (lowest when the item is reverse-coded).
    """
    from surveys.services import version_spec

    out: dict[tuple[int, str], str] = {}
    for version in flt.published_versions:
        for q in version_spec(version).questions:
            valued = [c for c in q.choices if c.value is not None]
            if q.construct != POLICY_READING_CONSTRUCT or q.type != "single_choice" or not valued:
                continue
            pick = min if q.reverse_coded else max
            out[(version.pk, q.code)] = pick(valued, key=lambda c: c.value or 0).code
    return out


def policy_reading(flt: MetricFilter) -> PolicyReading:
    """Stated: share of policy-reading answers saying "always"; actual: share who opened the notice.

    Stated counts answers to questions of the construct `reads_terms_stated`
    (suppressed on that count); actual counts respondents with an enacted
    score (any behaviour event) having a `notice_opened` event that is true.
    """
    always = _always_choices(flt)
    answers = said_always = 0
    if always:
        rows = (
            flt.answers(question_code__in={c for _, c in always})
            .values_list("version_id", "question_code", "bucket")
            .annotate(total=Sum("n"))
        )
        for version_id, code, bucket, n in rows:
            if (version_id, code) in always:
                answers += int(n)
                said_always += int(n) if always[(version_id, code)] == bucket else 0
    measured, opened, _ = _measured(flt)
    return PolicyReading(
        min_cell=flt.min_cell,
        stated_always_read=suppress(
            answers, flt.min_cell, said_always / answers if answers else None
        ),
        opened_notice=suppress(measured, flt.min_cell, opened / measured if measured else None),
    )
