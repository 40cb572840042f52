from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import tasks
from dashboards.models import AnswerDayRollup, AnswerRollup, ResponseRollup
from dashboards.services import aggregate_batch, aggregate_until_done, rollups_rebuild
from surveys.consent.services.rights import consent_withdraw, respondent_erase
from surveys.models import Response
from surveys.responses.services.events import events_ingest
from surveys.responses.services.write import response_submit
from tests.dashboards.test_answer_pairs import margins
from tests.factories import COMFORT_ANSWERS, CONSENT

pytestmark = pytest.mark.django_db


def submit(survey, n, **changes):
    answers = [dict(a) for a in COMFORT_ANSWERS]
    for a in answers:
        if a["question"] in changes:
            a["value"] = changes[a["question"]]
    if changes.get("nps", 0) >= 9:
        answers = [a for a in answers if a["question"] != "improve_text"]
    return [response_submit(consent=CONSENT, survey=survey, answers=answers) for _ in range(n)]


def snapshot():
    fields = [
        "version_id",
        "question_code",
        "item",
        "bucket",
        "day",
        "westin_segment",
        "age_band",
        "locale",
        "channel",
        "flagged",
        "n",
        "total",
        "total_sq",
    ]
    answers = sorted(tuple(r) for r in AnswerRollup.objects.values_list(*fields))
    days = sorted(
        tuple(r)
        for r in AnswerDayRollup.objects.values_list(
            "version_id", "question_code", "item", "bucket", "day", "flagged", "n", "total"
        )
    )
    assert days == answer_days_of(answers)
    margins()  # the pair margin and the month cells match AnswerRollup too
    responses = sorted(
        tuple(r)
        for r in ResponseRollup.objects.values_list(
            "version_id", "day", "age_band", "locale", "channel", "flagged", "n"
        )
    )
    return answers, days, responses


def answer_days_of(answers):
    """AnswerRollup rows summed over the segment dimensions, as AnswerDayRollup keeps them."""
    sums = {}
    for version, code, item, bucket, day, _w, _a, _l, _c, flagged, n, total, _sq in answers:
        key = (version, code, item, bucket, day, flagged)
        old = sums.get(key, (0, Decimal(0)))
        sums[key] = (old[0] + n, old[1] + total)
    return sorted((*k, *v) for k, v in sums.items() if v[0])


def qr_then_api(survey, *, later):
    """Three responses by QR code (trust 4), then two by the API (trust `later`), aggregated."""
    submit(survey, 3, trust_brand=4)
    survey.responses.update(channel="qr")
    aggregate_until_done()
    submit(survey, 2, trust_brand=later)
    aggregate_until_done()


def test_answer_day_rollups_sum_the_segment_dimensions(survey):
    qr_then_api(survey, later=4)
    rows = AnswerDayRollup.objects.filter(question_code="trust_brand").values_list(
        "bucket", "n", "total", "total_sq"
    )
    assert list(rows) == [("a", 5, Decimal(20), Decimal(80))]
    assert AnswerRollup.objects.filter(question_code="trust_brand").count() == 2  # qr, api
    snapshot()  # the margin matches AnswerRollup row for row


def test_rollups_count_sum_and_squares(survey):
    submit(survey, 3, trust_brand=4)
    submit(survey, 2, trust_brand=2)
    assert aggregate_until_done() == 5
    rows = {
        r.bucket: (r.n, r.total, r.total_sq)
        for r in AnswerRollup.objects.filter(question_code="trust_brand")
    }
    assert rows == {"a": (3, Decimal(12), Decimal(48)), "d": (2, Decimal(4), Decimal(8))}
    nps = AnswerRollup.objects.get(question_code="nps")
    assert (nps.bucket, nps.n, nps.total) == ("7", 5, Decimal(35))
    text = AnswerRollup.objects.get(question_code="improve_text")
    assert (text.bucket, text.n) == ("", 5)  # free text is counted, never kept
    r = ResponseRollup.objects.get()
    assert (r.n, r.age_band, r.locale, r.channel, r.flagged) == (5, "a30_44", "en", "api", False)
    assert Response.objects.filter(aggregated_at__isnull=True).count() == 0


def test_aggregation_is_idempotent(survey):
    submit(survey, 4)
    assert aggregate_until_done() == 4
    before = snapshot()
    assert aggregate_batch() == 0
    assert aggregate_until_done() == 0
    assert snapshot() == before


def test_rebuild_equals_incremental(survey):
    submit(survey, 3)
    aggregate_until_done()
    submit(survey, 2, nps=10)  # promoters skip a section
    aggregate_until_done()
    incremental = snapshot()
    assert rollups_rebuild(survey_id=survey.pk) == 5
    assert snapshot() == incremental


def test_batch_cost_does_not_grow_with_stored_responses(survey):
    def batch_queries(n_new):
        submit(survey, n_new)
        with CaptureQueriesContext(connection) as ctx:
            assert aggregate_batch(limit=n_new) == n_new
        return len(ctx.captured_queries)

    first = batch_queries(3)
    submit(survey, 40)
    aggregate_until_done()
    assert batch_queries(3) == first


def test_erasure_recomputes_the_buckets(survey, org):
    from tests.factories import published_notice

    version = published_notice(org)
    survey.consent_notice = version.notice
    survey.save()
    consent = {"notice_version": 1, "purposes": ["survey_research"]}
    kept = [
        response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=consent) for _ in range(3)
    ]
    gone = response_submit(
        survey=survey,
        answers=[
            dict(a, value=1) if a["question"] == "trust_brand" else a for a in COMFORT_ANSWERS
        ],
        consent=consent,
    )
    aggregate_until_done()
    assert AnswerRollup.objects.filter(question_code="trust_brand", bucket="sd").count() == 1
    consent_withdraw(respondent=gone.respondent)
    # What the respondent_erased receiver dispatches after commit:
    tasks.rollups_recompute(survey.live_version_id, [gone.submitted_at.isoformat()])
    assert not AnswerRollup.objects.filter(question_code="trust_brand", bucket="sd").exists()
    assert ResponseRollup.objects.get().n == len(kept)
    recomputed = snapshot()
    rollups_rebuild(survey_id=survey.pk)
    assert snapshot() == recomputed


def test_test_responses_never_reach_rollups(survey):
    response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS, is_test=True)
    assert aggregate_until_done() == 0
    assert AnswerRollup.objects.count() == 0


def test_erasure_signal_dispatches_recompute(survey, org, django_capture_on_commit_callbacks):
    from tests.factories import published_notice

    survey.consent_notice = published_notice(org).notice
    survey.save()
    consent = {"notice_version": 1, "purposes": ["survey_research"]}
    with django_capture_on_commit_callbacks(execute=True):
        keep = response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=consent)
        gone = response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=consent)
    assert ResponseRollup.objects.get().n == 2  # eager Celery ran the aggregate task
    with django_capture_on_commit_callbacks(execute=True):
        respondent_erase(respondent=gone.respondent)
    assert ResponseRollup.objects.get().n == 1
    assert keep.pk


def test_score_rollups_follow_new_events(survey, org):
    from dashboards.models import ResponseScore, ScoreRollup
    from dashboards.services import scores_refresh
    from tests.factories import published_notice

    survey.consent_notice = published_notice(org).notice
    survey.save()
    consent = {"notice_version": 1, "purposes": ["survey_research", "behavioural_measurement"]}
    responses = [
        response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=consent) for _ in range(2)
    ]
    aggregate_until_done()
    rollup = ScoreRollup.objects.get()
    # Both granted behavioural measurement and disclosed their optional age band
    # (protection 0 each): enacted 0 so far.
    assert (rollup.n_x, rollup.n, rollup.sum_x, rollup.sum_y) == (
        0,
        2,
        Decimal("1.138888"),
        Decimal("0"),
    )
    at = "2026-11-20T12:00:00+00:00"
    events_ingest(
        organization=org,
        events=[
            {
                "id": f"e{i}",
                "kind": "marketing_opt_out",
                "value": True,
                "occurred_at": at,
                "respondent_ref": r.respondent.respondent_ref,
            }
            for i, r in enumerate(responses)
        ],
    )
    assert scores_refresh(respondent_ids=[r.respondent_id for r in responses]) == 2
    rollup.refresh_from_db()
    # Each now has events with protection 0, 0 and 1: enacted 1/3.
    assert (rollup.n_x, rollup.n, rollup.sum_x, rollup.sum_y, rollup.sum_xy) == (
        0,
        2,
        Decimal("1.138888"),
        Decimal("0.666666"),
        Decimal("0.379629"),
    )
    assert ResponseScore.objects.filter(enacted=Decimal("0.333333")).count() == 2
    assert scores_refresh(respondent_ids=[r.respondent_id for r in responses]) == 0
    refreshed = list(ScoreRollup.objects.values_list("n", "sum_x", "sum_y", "sum_xy"))
    rollups_rebuild(survey_id=survey.pk)
    assert list(ScoreRollup.objects.values_list("n", "sum_x", "sum_y", "sum_xy")) == refreshed


def test_a_burst_of_submissions_queues_one_aggregation_a_second(settings, monkeypatch):
    from django.core.cache import cache

    from dashboards import receivers, tasks
    from surveys import signals
    from trustpulse import dispatch

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(receivers.AGGREGATE_GUARD_KEY)
    monkeypatch.setattr(dispatch, "_taken", {})
    queued: list[dict] = []
    monkeypatch.setattr(tasks.aggregate, "apply_async", lambda **kw: queued.append(kw))
    for _ in range(5):
        signals.response_submitted.send(sender="surveys", response_id="x", survey_id=1)
    assert queued == [{"countdown": 1}]


def test_migration_fills_the_day_margin_from_stored_answer_rollups(survey):
    import importlib

    from django.apps import apps

    qr_then_api(survey, later=2)
    expected = snapshot()
    AnswerDayRollup.objects.all().delete()  # as stored before the migration
    migration = importlib.import_module("dashboards.migrations.0009_answer_day_rollup")
    migration.fill(apps, None)
    assert snapshot() == expected
    assert AnswerDayRollup.objects.get(question_code="trust_brand", bucket="a").n == 3
