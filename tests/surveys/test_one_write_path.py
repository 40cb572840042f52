"""One write path: every way a response is completed finishes it the same way.

The web flow, the API written at once, the API through the inbox and
`seed_demo` take quality flags, the quiz result and the disclosure
behaviour from `response_finish`; the inbox stores the submission as checked
and its write-out does not check it again.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.demo.generate import generate
from surveys.demo.population import default_dataset_path, load_calibration
from surveys.enums import ApiScope
from surveys.models import BehaviourEvent, ConsentRecord, Response, SubmissionInbox
from surveys.responses.services import inbox, submission
from surveys.responses.services.finish import response_finish
from surveys.responses.services.response_flow import (
    response_complete,
    response_save_section,
    response_start,
)
from surveys.selectors import version_spec
from tests.api.helpers import key_client
from tests.factories import COMFORT_ANSWERS, QUIZ_ANSWERS, live_survey, web_consent

pytestmark = pytest.mark.django_db

PURPOSES = ["survey_research", "behavioural_measurement"]
# Every rating item "agree" and the attention check failed.
CARELESS = [
    {"question": "concern", "value": {"worry": 4, "control": 4, "no_concern": 4, "reads_terms": 4}},
    {"question": "trust_brand", "value": 4},
    {"question": "policy_reading", "value": "sometimes"},
    {"question": "nps", "value": 7},
    {"question": "attention", "value": "red"},
    {"question": "age_band", "value": "a30_44"},
]
CASES = {
    "careless": (
        "privacy_comfort",
        CARELESS,
        ["attention_check_failed:attention", "straightliner"],
    ),
    "quiz": ("privacy_quiz", QUIZ_ANSWERS, []),
}


@pytest.fixture
def few_items(settings):
    """The demo survey has five rating items: judge straight-lining from five on."""
    settings.QUALITY_STRAIGHTLINE_MIN_ITEMS = 5


def _web(survey, answers):
    response, _ = response_start(
        survey=survey, locale="en", consent=web_consent(survey.organization, PURPOSES)
    )
    spec = version_spec(survey.live_version)
    raw = {a["question"]: a["value"] for a in answers}
    section = response.current_section
    while section:
        codes = {q.code for q in spec.section(section).questions}
        page = response_save_section(
            response=response,
            section_code=section,
            raw={k: v for k, v in raw.items() if k in codes},
        )
        assert not page.problems, page.problems
        section = page.next_section
    return response_complete(response=response)


def _api(client, survey, answers, key, purposes=PURPOSES):
    reply = client.post(
        f"/api/v1/surveys/{survey.pk}/responses/",
        {"answers": answers, "consent": {"notice_version": 1, "purposes": purposes}},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert reply.status_code == 201, reply.json()
    return reply.json()


def _seeded(survey, answers):
    version = survey.live_version
    generated = generate(
        rng=random.Random(7),
        survey=survey,
        version=version,
        spec=version_spec(version),
        notice=None,
        count=1,
        answers_for=lambda rng, person, locale: [dict(a) for a in answers],
        calibration=load_calibration(default_dataset_path()),
        now=timezone.now(),
    )
    return Response.objects.get(pk=generated.responses[0].pk)


def _finished(response):
    score = None if response.score is None else Decimal(response.score)
    return (response.quality_flags, score, response.max_score, response.outcome_index)


def _disclosed(response):
    return sorted(
        BehaviourEvent.objects.filter(
            response=response, kind="optional_field_disclosed"
        ).values_list("idempotency_id", "value")
    )


@pytest.mark.parametrize("case", list(CASES))
def test_every_path_finishes_a_response_alike(org, settings, monkeypatch, few_items, case):
    name, answers, flags = CASES[case]
    survey = live_survey(org, name)
    client = key_client(org, ApiScope.values)
    web = _web(survey, answers)
    at_once = Response.objects.get(pk=_api(client, survey, answers, "k-now")["id"])
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SUBMISSION_DEFERRED_WRITE = True
    monkeypatch.setattr(inbox, "inbox_dispatch", lambda: None)
    told = _api(client, survey, answers, "k-later")
    assert inbox.inbox_drain() == 1
    later = Response.objects.get(pk=told["id"])
    seeded = _seeded(survey, answers)

    expected = _finished(web)
    assert expected[0] == flags
    if case == "quiz":
        assert expected[1:] == (Decimal("3"), Decimal("4"), 1)  # "Privacy pragmatist"
        # The pure function, on the cleaned values, decides the same.
        pure = response_finish(
            version_spec(survey.live_version),
            {"q_access": "yes", "q_cookies": "no", "q_pii": ["email", "ip"], "q_password": "mfa"},
            path=["quiz1", "quiz2"],
            granted=PURPOSES,
            submitted_at=timezone.now(),
        )
        assert (pure.score, pure.max_score, pure.outcome_index) == expected[1:]
    else:
        assert expected[1:] == (None, None, None)
    for response in (at_once, later, seeded):
        assert _finished(response) == expected, response.channel
    assert told["quality_flags"] == flags  # what the submitter was told is what was written
    assert told["outcome_index"] == expected[3]
    # Disclosure of the optional age question (behavioural consent), alike.
    rows = [
        [(key.split(":", 1)[1], value) for key, value in _disclosed(r)]
        for r in (web, at_once, later)
    ]
    shown = [("optional_field_disclosed:age_band", "age_band")] if name == "privacy_comfort" else []
    assert rows == [shown, shown, shown]


def test_the_speeder_rule_takes_the_median_as_an_input(survey):
    spec = version_spec(survey.live_version)
    now = timezone.now()

    def flags(started, median):
        finished = response_finish(
            spec,
            {},
            path=[],
            granted=(),
            started_at=started,
            submitted_at=now,
            median_seconds=median,
        )
        return finished.quality_flags

    ten_s, hundred_s = now - dt.timedelta(seconds=10), now - dt.timedelta(seconds=100)
    assert flags(ten_s, 300.0) == ["speeder"]  # 10 s < 0.3 × 300 s
    assert flags(hundred_s, 300.0) == []
    assert flags(ten_s, None) == []  # fewer than 20 durations: no median, no verdict
    assert flags(None, 300.0) == []  # headless: not timed, never a speeder


@pytest.fixture
def deferred(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SUBMISSION_DEFERRED_WRITE = True
    monkeypatch.setattr(inbox, "inbox_dispatch", lambda: None)


def test_the_write_out_does_not_check_the_submission_again(org, quiz, deferred, monkeypatch):
    client = key_client(org, ApiScope.values)
    told = _api(client, quiz, QUIZ_ANSWERS, "k-1")

    def refuse(*args, **kwargs):
        raise AssertionError("checked again")

    monkeypatch.setattr(inbox, "submission_validate", refuse)
    monkeypatch.setattr(submission, "clean_answers", refuse)
    assert inbox.inbox_drain() == 1
    response = Response.objects.get(pk=told["id"])
    assert (float(response.score), response.outcome_index, response.quality_flags) == (
        told["score"],
        told["outcome_index"],
        told["quality_flags"],
    )
    assert response.submitted_at.isoformat().replace("+00:00", "Z") == told["submitted_at"]
    assert ConsentRecord.objects.get(response=response).purposes_granted == PURPOSES


def test_an_old_format_pending_row_is_checked_and_written_out(org, quiz):
    """A row accepted before the inbox kept the cleaned form: its answers are checked now."""
    row = SubmissionInbox.objects.create(
        organization_id=org.pk,
        survey=quiz,
        version=quiz.live_version,
        idempotency_key="k-old",
        request_hash="0" * 64,
        respondent_ref="r_00000000000000aa",
        payload={
            "answers": QUIZ_ANSWERS,
            "locale": "en",
            "channel": "api",
            "is_test": False,
            "consent": {"notice_version": 1, "purposes": PURPOSES},
        },
        result={},
        received_at=timezone.now() - dt.timedelta(minutes=5),
    )
    response = inbox.inbox_materialize(row_id=row.pk)
    assert response is not None
    response.refresh_from_db()
    assert (response.score, response.outcome_index, response.submitted_at) == (
        Decimal("3"),
        1,
        row.received_at,
    )
    assert response.respondent.respondent_ref == "r_00000000000000aa"
    row.refresh_from_db()
    assert (row.payload, row.last_error, row.materialized_at is not None) == ({}, "", True)


# Per submission written out (the bench's: the required purpose only): respondent,
# response, answers, consent record, its audit event and (counters on the row)
# the day's consent counter. One savepoint
# per batch, one UPDATE marking the batch written. Before: 9 (the same six, a
# savepoint and its release per row, and an UPDATE per row).
WRITE_OUT_STATEMENTS = 6


def test_the_write_out_costs_six_statements_per_submission(org, survey, deferred, settings):
    settings.CONSENT_COUNTERS_IN_REDIS = False
    client = key_client(org, ApiScope.values)

    def drain(n, first):
        for i in range(n):
            _api(client, survey, COMFORT_ANSWERS, f"k-{first + i}", ["survey_research"])
        with CaptureQueriesContext(connection) as ctx:
            assert inbox.inbox_drain() == n
        return len(ctx.captured_queries)

    drain(1, 0)  # per-process caches warm, as in a running worker
    one, eleven = drain(1, 100), drain(11, 200)
    assert (eleven - one) / 10 == WRITE_OUT_STATEMENTS
