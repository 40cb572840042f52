"""The quiz score distribution (QuizScoreRollup)."""

import datetime as dt
from decimal import Decimal

import pytest

from dashboards.models import QuizScoreRollup
from dashboards.selectors.filters import MetricFilter
from dashboards.selectors.quiz import quiz_score_distribution
from dashboards.services import aggregate_until_done, rollups_rebuild
from surveys.responses.services.write import response_submit
from tests.factories import CONSENT, QUIZ_ANSWERS

pytestmark = pytest.mark.django_db

ALL_RIGHT = {"q_cookies": "yes"}  # QUIZ_ANSWERS score 3 of 4; this makes 4
ALL_WRONG = {"q_access": "no", "q_cookies": "no", "q_pii": ["weather"], "q_password": "same"}


def take(quiz, n, **changes):
    answers = [dict(a, value=changes.get(a["question"], a["value"])) for a in QUIZ_ANSWERS]
    for _ in range(n):
        response_submit(survey=quiz, answers=answers, consent=CONSENT)


def plain(buckets):
    return [(label, f.n) for label, f in buckets]


def test_one_bucket_per_score_with_small_counts_withheld(quiz, survey):
    take(quiz, 10)
    take(quiz, 5, **ALL_RIGHT)
    take(quiz, 1, **ALL_WRONG)
    aggregate_until_done()
    flt = MetricFilter(survey=quiz)
    buckets = quiz_score_distribution(flt)
    # The 10 beside the 16 quiz responses would give the other 6 away: withheld too.
    assert plain(buckets) == [("0", None), ("1", None), ("2", None), ("3", None), ("4", None)]
    assert buckets[0][1].suppressed is True
    quiz.organization.suppression_min_cell = 5
    quiz.organization.save()
    # With 5: 16 − 10 − 5 would be the 1 who scored 0, so the 5 goes with it.
    buckets = quiz_score_distribution(flt)
    assert plain(buckets) == [("0", None), ("1", None), ("2", None), ("3", 10), ("4", None)]
    assert buckets[3][1].value == 10.0
    rows = sorted(QuizScoreRollup.objects.values_list("score", "n"))
    assert rows == [(Decimal("0"), 1), (Decimal("3"), 10), (Decimal("4"), 5)]
    rollups_rebuild(survey_id=quiz.pk)
    assert sorted(QuizScoreRollup.objects.values_list("score", "n")) == rows
    # A survey that is not a quiz has no score distribution.
    assert quiz_score_distribution(MetricFilter(survey=survey)) == []


def test_wide_score_ranges_are_binned(quiz):
    version = quiz.live_version
    for score in range(46):
        QuizScoreRollup.objects.create(
            version=version,
            day=dt.date(2026, 11, 20),
            locale="en",
            channel="api",
            score=Decimal(score),
            n=4,
        )
    buckets = quiz_score_distribution(MetricFilter(survey=quiz))
    # 0 … 45 in buckets three points wide: 16 buckets of 12 responses.
    # Only 45 in the last: 4 responses, withheld, and the first bucket with them
    # (the total minus the others would give the 4 away).
    assert plain(buckets)[:2] == [("0–2", None), ("3–5", 12)]
    assert plain(buckets)[-1] == ("45–47", None)
    assert len(buckets) == 16
