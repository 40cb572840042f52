import pytest

from surveys.accounts.services.accounts import api_key_create
from surveys.models import BehaviourEvent
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS

pytestmark = pytest.mark.django_db
AT = "2026-11-20T12:00:00+00:00"


@pytest.fixture
def respondent(survey):
    return response_submit(
        survey=survey,
        answers=COMFORT_ANSWERS,
        consent={"notice_version": 1, "purposes": ["survey_research", "behavioural_measurement"]},
    ).respondent


def key(org, *scopes):
    return "Bearer " + api_key_create(organization=org, name="k", scopes=list(scopes))[1]


def test_batch_then_replay(client, org, respondent):
    auth = key(org, "events:write")
    body = {
        "events": [
            {
                "id": "a1",
                "kind": "ad_blocker_detected",
                "value": True,
                "occurred_at": AT,
                "respondent_ref": respondent.respondent_ref,
            }
        ]
    }
    r = client.post(
        "/api/v1/events/", body, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert (r.status_code, r.json()) == (201, {"created": 1, "duplicates": 0})
    r = client.post(
        "/api/v1/events/", body, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert r.json() == {"created": 0, "duplicates": 1}
    assert BehaviourEvent.objects.filter(source="api").count() == 1


def test_bad_batch_lists_errors_and_stores_nothing(client, org, respondent):
    body = {
        "events": [
            {
                "id": "a1",
                "kind": "ad_blocker_detected",
                "value": True,
                "occurred_at": AT,
                "respondent_ref": respondent.respondent_ref,
            },
            {
                "id": "a2",
                "kind": "ad_blocker_detected",
                "value": "yes",
                "occurred_at": AT,
                "respondent_ref": respondent.respondent_ref,
            },
        ]
    }
    r = client.post(
        "/api/v1/events/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=key(org, "events:write"),
    )
    assert r.status_code == 400
    assert r.json() == {
        "errors": [
            {
                "field": "events[1].value",
                "code": "invalid_value",
                "message": "Not a valid value for ad_blocker_detected.",
            }
        ]
    }
    assert BehaviourEvent.objects.filter(source="api").count() == 0


def test_scope_session_and_anonymous(client, org, respondent, users):
    assert client.post("/api/v1/events/", {}, content_type="application/json").status_code == 401
    r = client.post(
        "/api/v1/events/",
        {"events": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=key(org, "responses:write"),
    )
    assert r.status_code == 403
    client.force_login(users["admin"])
    assert (
        client.post("/api/v1/events/", {"events": []}, content_type="application/json").status_code
        == 403
    )


def test_kinds_list(client, org):
    r = client.get("/api/v1/events/kinds/", HTTP_AUTHORIZATION=key(org, "events:write"))
    body = r.json()
    assert (body["count"], body["next"], body["previous"]) == (10, None, None)
    kinds = {k["code"]: k for k in body["results"]}
    assert kinds["notice_dwell_ms"]["transform"] == {"op": "cap", "cap": 30000}
    assert len(kinds) == 10
    page = client.get(
        "/api/v1/events/kinds/?page_size=4&page=3", HTTP_AUTHORIZATION=key(org, "events:write")
    ).json()
    assert [k["code"] for k in page["results"]] == sorted(kinds)[8:]
