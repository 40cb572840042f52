"""Rollups recomputed from raw data: some days of a version (after an erasure or a
withdrawal), a whole survey (a rebuild), or the enacted scores of respondents
whose behaviour events arrived. Each locks its versions exclusively."""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from surveys.models import BehaviourEvent, SurveyVersion
from surveys.selectors import kinds_for, version_spec
from surveys.selectors.aggregation import (
    respondent_events,
    responses_aggregated,
    responses_unaggregated,
    versions_by_id,
)

from ..models import (
    AnswerCellRollup,
    AnswerPairRollup,
    ResponseScore,
    ScoreBinRollup,
    ScoreRollup,
    WithdrawalRollup,
)
from ..scoring import (
    enacted_score,
    paradox_thresholds,
)
from .aggregation import DERIVED, apply_chunked
from .contributions import event_flags, score_bins, score_sums
from .grains import BIN_GRAIN, RESPONSE_GRAIN, SCORE_VALUES, Key, Sums, add_sums, day_of, dims_of
from .margins import answer_margins_refill
from .writes import lock_versions, upsert


def _day_range(day: dt.date, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    tz = zoneinfo.ZoneInfo(tz_name)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def _clear_scores(
    version_id: int, days: list[dt.date], erased: Iterable[Any] | None, withdrawn: bool
) -> None:
    """Delete the version's response scores of `days` before they are recomputed.

    With `erased` (the ids of the erasure being taken out), scores of other
    responses that vanished too are kept for their own recompute (so each
    erasure is seen, in whatever order the tasks run); with `withdrawn`, the
    erased responses are first counted in WithdrawalRollup at the grain they
    had. A repeated recompute finds their scores gone and counts nothing.
    """
    rows = ResponseScore.objects.filter(version_id=version_id, day__in=days)
    if erased is None:
        rows.delete()
        return
    ids = [str(r) for r in erased]
    if withdrawn:
        counts: dict[Key, Sums] = {}
        for score in rows.filter(response_id__in=ids):
            add_sums(counts, (version_id, *dims_of(score)), [1])
        upsert(WithdrawalRollup, RESPONSE_GRAIN, counts, ("n",))
    # Look up only these days' responses by key: a NOT IN over every response
    # of the version grew with the table (docs/PERFORMANCE.md, bench/growth.py).
    others = dict(rows.exclude(response_id__in=ids).values_list("pk", "response_id"))
    counted = set(
        responses_aggregated([version_id])
        .filter(pk__in=set(others.values()))
        .values_list("pk", flat=True)
    )
    others_gone = [pk for pk, response_id in others.items() if response_id not in counted]
    rows.exclude(pk__in=others_gone).delete()


@transaction.atomic
def rollups_recompute(
    *,
    version_id: int,
    submitted: Iterable[str],
    erased: Iterable[Any] | None = None,
    withdrawn: bool = False,
) -> int:
    """Recompute the rollups of one version, from raw data, for the days (in the
    organization's time zone) of some submission times (ISO 8601); returns how many days.

    `erased`: ids of the erased responses this recompute takes out; `withdrawn`:
    their respondent withdrew consent entirely (counted as withdrawals). A
    version deleted meanwhile has nothing to recompute.
    """
    version = (
        SurveyVersion.objects.select_related("survey__organization").filter(pk=version_id).first()
    )
    if version is None:
        return 0
    tz_name = version.survey.organization.timezone
    days = sorted({day_of(dt.datetime.fromisoformat(s), tz_name) for s in submitted})
    if not days:
        return 0
    lock_versions([version_id])
    _clear_scores(version_id, days, erased, withdrawn)
    for model in DERIVED:
        # Pair and cell rows hold week parts and months, not days: summed again below.
        if model not in (ResponseScore, AnswerPairRollup, AnswerCellRollup):
            model.objects.filter(version_id=version_id, day__in=days).delete()
    ids: list[Any] = []
    for day in days:
        begins, ends = _day_range(day, tz_name)
        ids.extend(
            responses_aggregated([version_id])
            .filter(submitted_at__gte=begins, submitted_at__lt=ends)
            .values_list("pk", flat=True)
        )
    apply_chunked(ids)
    answer_margins_refill(version_id, days)
    return len(days)


@transaction.atomic
def rollups_rebuild(*, survey_id: int) -> int:
    """Recompute every rollup of a survey from raw data; returns the responses counted."""
    version_ids = list(
        SurveyVersion.objects.filter(survey_id=survey_id).values_list("pk", flat=True)
    )
    lock_versions(version_ids)
    for model in DERIVED:
        model.objects.filter(version_id__in=version_ids).delete()
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
    apply_chunked(ids)
    return len(ids)


def scores_refresh_for_events(*, event_ids: Iterable[int]) -> int:
    """Behaviour events arrived: refresh the enacted scores of their respondents."""
    respondent_ids = set(
        BehaviourEvent.objects.filter(pk__in=list(event_ids)).values_list(
            "respondent_id", flat=True
        )
    )
    return scores_refresh(respondent_ids=respondent_ids)


@transaction.atomic
def scores_refresh(*, respondent_ids: Iterable[Any]) -> int:
    """New behaviour events arrived: update enacted scores and their rollups.

    Responses not aggregated yet are skipped: their batch reads every event.
    Returns how many response scores changed.
    """
    ids = sorted({str(r) for r in respondent_ids})
    rows = list(ResponseScore.objects.filter(respondent_id__in=ids).values_list("version_id"))
    lock_versions(v for (v,) in rows)
    scores = list(ResponseScore.objects.select_for_update().filter(respondent_id__in=ids))
    if not scores:
        return 0
    events = respondent_events({s.respondent_id for s in scores})
    versions = {v.pk: v for v in versions_by_id({s.version_id for s in scores})}
    kinds_by_org: dict[int, Any] = {}
    deltas: dict[Key, list[Any]] = {}
    bin_deltas: dict[Key, list[Any]] = {}
    changed = []
    for s in scores:
        version = versions[s.version_id]
        org = version.survey.organization
        if org.pk not in kinds_by_org:
            kinds_by_org[org.pk] = kinds_for(org)
        own_events = events.get(s.respondent_id, [])
        enacted = enacted_score(own_events, kinds_by_org[org.pk])
        opened, requested = event_flags(own_events)
        if (enacted, opened, requested) == (s.enacted, s.opened_notice, s.requested_data):
            continue
        thresholds = paradox_thresholds(version_spec(version))
        key = (s.version_id, *dims_of(s))
        add_sums(deltas, key, score_sums(s, -1, thresholds))
        if (old := score_bins(s)) is not None:
            add_sums(bin_deltas, (*key, *old), [-1])
        s.enacted, s.opened_notice, s.requested_data = enacted, opened, requested
        add_sums(deltas, key, score_sums(s, 1, thresholds))
        if (new := score_bins(s)) is not None:
            add_sums(bin_deltas, (*key, *new), [1])
        changed.append(s)
    upsert(ScoreRollup, RESPONSE_GRAIN, deltas, SCORE_VALUES)
    upsert(ScoreBinRollup, BIN_GRAIN, bin_deltas, ("n",))
    ResponseScore.objects.bulk_update(changed, ["enacted", "opened_notice", "requested_data"])
    return len(changed)
