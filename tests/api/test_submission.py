"""Headless submission: validation with paths, idempotency, throttling."""

import copy
import uuid

import pytest
from django.core.cache import cache

from surveys.authoring.services.definitions import survey_close
from surveys.enums import ApiScope
from surveys.models import (
    Answer,
    ConsentRecord,
    Respondent,
    Response,
    SubmissionInbox,
)
from tests.factories import COMFORT_ANSWERS, CONSENT, QUIZ_ANSWERS, live_survey

from .helpers import errors_of, key_client

pytestmark = pytest.mark.django_db

BODY = {"answers": COMFORT_ANSWERS, "locale": "en", "consent": CONSENT}


def submit(client, survey, body, key="key-1", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        f"/api/v1/surveys/{survey.pk}/responses/", body, format="json", **headers, **extra
    )


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Response, Answer, Respondent, ConsentRecord, SubmissionInbox)
    )


def test_submit_stores_a_complete_response(as_key, survey):
    response = submit(as_key("responses:write"), survey, {**BODY, "external_id": "cust-42"})
    assert response.status_code == 201
    body = response.json()
    stored = Response.objects.select_related("respondent").get()
    assert body == {
        "id": str(stored.pk),
        "survey": survey.pk,
        "version": 1,
        "respondent_ref": stored.respondent.respondent_ref,
        "status": "complete",
        "locale": "en",
        "channel": "api",
        "is_test": False,
        "submitted_at": body["submitted_at"],
        "score": None,
        "max_score": None,
        "outcome_index": None,
        "quality_flags": [],
    }
    assert stored.answers.count() == 11  # 4 matrix rows + 7 single answers
    assert stored.respondent.external_id_hmac not in (None, "cust-42")
    assert "Idempotent-Replayed" not in response


def test_a_quiz_submission_returns_the_score(as_key, quiz):
    response = submit(
        as_key("responses:write"), quiz, {"answers": QUIZ_ANSWERS, "consent": CONSENT}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["score"], body["max_score"], body["outcome_index"]) == (3.0, 4.0, 1)


def test_an_invalid_submission_lists_every_error_and_writes_nothing(as_key, survey):
    answers = copy.deepcopy(COMFORT_ANSWERS)
    answers[0]["value"]["worry"] = 9  # not a scale point
    answers[1]["value"] = "lots"  # not a number
    answers[3]["value"] = ["ad_blocker", "telepathy"]  # unknown choice
    answers[4]["value"] = 11  # NPS is 0..10
    answers.append({"question": "shoe_size", "value": 44})  # no such question
    answers.append({"question": "nps", "value": 3})  # twice
    before = counts()
    response = submit(
        as_key("responses:write"),
        survey,
        {"answers": answers, "locale": "fr", "consent": {**CONSENT, "notice_version": 7}},
    )
    assert response.status_code == 400
    assert sorted(errors_of(response)) == [
        ("answers[0].value", "invalid_choice"),
        ("answers[1].value", "invalid_choice"),
        ("answers[3].value", "invalid_choice"),
        ("answers[4].value", "out_of_range"),
        ("answers[8].question", "unknown_question"),
        ("answers[9].question", "duplicate"),
        ("consent.notice_version", "invalid"),
        ("locale", "invalid_choice"),
    ]
    assert counts() == before


def test_required_answers_and_consent(as_key, survey):
    response = submit(as_key("responses:write"), survey, {"answers": COMFORT_ANSWERS[1:]})
    assert response.status_code == 400
    assert ("consent", "required") in errors_of(response)
    assert ("answers", "required") in errors_of(response)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, [("answers", "required")]),
        ([], [("$", "invalid")]),
        ("answers", [("$", "invalid")]),
        ({"answers": {"question": "nps"}}, [("answers", "not_a_list")]),
        ({"answers": ["nps", 7]}, [("answers[0]", "invalid"), ("answers[1]", "invalid")]),
        ({"answers": [{"value": 3}]}, [("answers[0].question", "required")]),
        ({"answers": [{"question": ["nps"]}]}, [("answers[0].question", "invalid")]),
        ({"answers": [{"question": "nps", "valu": 3}]}, [("answers[0].valu", "unknown_field")]),
        ({"answers": [], "channel": "pigeon"}, [("channel", "invalid_choice")]),
        ({"answers": [], "is_test": "perhaps"}, [("is_test", "invalid")]),
        ({"answers": [], "consent": "yes"}, [("consent", "invalid")]),
        ({"answers": [], "extra": 1}, [("extra", "unknown_field")]),
        ({"answers": [{"question": "nps\u0000"}]}, [("answers[0].question", "invalid_characters")]),
        ({"answers": [{"question": "nps", "value": 2**70}]},
         [("answers[0].value", "out_of_range")]),
    ],
)  # fmt: skip
def test_a_malformed_body_is_400_with_paths(as_key, survey, body, expected):
    before = counts()
    response = submit(as_key("responses:write"), survey, body)
    assert response.status_code == 400
    assert errors_of(response) == expected
    assert counts() == before


def test_numbers_beyond_a_double_are_refused(as_key, survey):
    body = '{"answers": [{"question": "nps", "value": 1e400}]}'
    response = as_key("responses:write").generic(
        "POST",
        f"/api/v1/surveys/{survey.pk}/responses/",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="big",
    )
    assert errors_of(response) == [("answers[0].value", "out_of_range")]


def test_nul_in_free_text_is_refused(as_key, survey):
    answers = [*COMFORT_ANSWERS[:6], {"question": "improve_text", "value": "a\u0000b"}]
    response = submit(as_key("responses:write"), survey, {**BODY, "answers": answers})
    assert errors_of(response) == [("answers[6].value", "invalid_characters")]


def test_a_closed_survey_is_409(as_key, survey):
    survey_close(survey=survey)
    response = submit(as_key("responses:write"), survey, BODY)
    assert response.status_code == 409
    assert errors_of(response) == [("survey", "closed")]


# Idempotency -------------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_same_result(as_key, survey):
    client = as_key("responses:write")
    first = submit(client, survey, BODY, key="order-1001")
    second = submit(client, survey, BODY, key="order-1001")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Response.objects.count() == 1
    assert SubmissionInbox.objects.get().idempotency_key == "order-1001"


def test_the_same_key_with_another_body_is_422(as_key, survey):
    client = as_key("responses:write")
    submit(client, survey, BODY, key="order-1002")
    other = {**BODY, "locale": "zh-Hant"}
    response = submit(client, survey, other, key="order-1002")
    assert response.status_code == 422
    assert errors_of(response) == [("Idempotency-Key", "idempotency_key_reused")]
    assert Response.objects.count() == 1


def test_the_same_key_for_another_survey_is_422(as_key, org, survey):
    other_survey = live_survey(org)
    client = as_key("responses:write")
    submit(client, survey, BODY, key="k")
    assert submit(client, other_survey, BODY, key="k").status_code == 422


def test_keys_are_scoped_per_organization(as_key, survey, other_org):
    theirs = live_survey(other_org)
    ours = submit(as_key("responses:write"), survey, BODY, key="shared-key")
    response = submit(key_client(other_org, ["responses:write"]), theirs, BODY, key="shared-key")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert response.json()["id"] != ours.json()["id"]
    assert Response.objects.count() == 2


def test_a_refused_request_may_be_corrected_under_the_same_key(as_key, survey):
    client = as_key("responses:write")
    assert submit(client, survey, {"answers": []}, key="retry").status_code == 400
    assert submit(client, survey, BODY, key="retry").status_code == 201


def test_the_key_header_is_required_and_checked(as_key, survey):
    client = as_key("responses:write")
    response = submit(client, survey, BODY, key=None)
    assert errors_of(response) == [("Idempotency-Key", "required")]
    response = submit(client, survey, BODY, key="x" * 256)
    assert errors_of(response) == [("Idempotency-Key", "invalid")]
    assert Response.objects.count() == 0


# Throttling ------------------------------------------------------------------------------


@pytest.fixture
def small_write_rate(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_key_write": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    cache.clear()
    yield
    cache.clear()


def test_writes_are_throttled_per_key(small_write_rate, org, survey):
    client = key_client(org, ApiScope.values)
    assert submit(client, survey, BODY, key="t1").status_code == 201
    assert submit(client, survey, BODY, key="t2").status_code == 201
    response = submit(client, survey, BODY, key="t3")
    assert response.status_code == 429
    assert errors_of(response) == [("$", "throttled")]
    assert int(response["Retry-After"]) > 0
    assert Response.objects.count() == 2
    # Reads are not throttled; another key has its own bucket.
    assert client.get("/api/v1/responses/").status_code == 200
    assert submit(key_client(org, ["responses:write"]), survey, BODY, key="t3").status_code == 201


def test_the_throttle_counts_in_redis_when_there_is_one(settings, redis_url, org, survey):
    """With REDIS_URL the counters are shared by every web process."""
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_key_write": "1/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = key_client(org, ["responses:write"])
    try:
        assert submit(client, survey, BODY, key="r1").status_code == 201
        assert submit(client, survey, BODY, key="r2").status_code == 429
    finally:
        keys = _redis_keys(redis_url, prefix, delete=True)  # never flush a shared Redis
    throttles = [k for k in keys if b":throttle_" in k]  # (also the flow cache's generation)
    assert len(throttles) == 1  # the one counter of this key


def _redis_keys(url: str, prefix: str, *, delete: bool) -> list[bytes]:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if delete and keys:
            client.delete(*keys)
        return keys
    finally:
        client.close()


def test_a_cache_outage_does_not_block_submissions(settings, as_key, survey):
    # Nothing listens on port 1: every cache call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = submit(as_key("responses:write"), survey, BODY, key="outage")
    assert response.status_code == 201
    assert Response.objects.count() == 1
