"""Deferred write-out of API submissions: one row in the request, the rest in a worker."""

import pytest

from surveys.authoring.services.definitions import survey_close
from surveys.enums import ApiScope
from surveys.models import Answer, ConsentRecord, Respondent, Response, SubmissionInbox
from surveys.responses.services import inbox
from surveys.responses.services.inbox import inbox_drain
from tests.factories import COMFORT_ANSWERS, CONSENT, QUIZ_ANSWERS, live_survey
from tests.fixtures import login_verified

from .helpers import key_client

pytestmark = pytest.mark.django_db

BODY = {"answers": COMFORT_ANSWERS, "locale": "en", "consent": CONSENT}


@pytest.fixture
def deferred(settings, monkeypatch):
    """Production's path: Celery not eager; dispatches recorded instead of queued."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SUBMISSION_DEFERRED_WRITE = True
    calls: list[str] = []
    monkeypatch.setattr(inbox, "inbox_dispatch", lambda: calls.append("drain"))
    return calls


@pytest.fixture
def client(org):
    return key_client(org, ApiScope.values)


def submit(client, survey, body=BODY, key="k-1"):
    return client.post(
        f"/api/v1/surveys/{survey.pk}/responses/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_the_request_stores_one_row_and_answers_what_will_be_written(
    deferred, client, survey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = submit(client, survey)
    assert reply.status_code == 201
    body = reply.json()
    assert (Response.objects.count(), Respondent.objects.count(), Answer.objects.count()) == (
        0,
        0,
        0,
    )
    row = SubmissionInbox.objects.get()
    assert (str(row.pk), row.respondent_ref, row.materialized_at) == (
        body["id"],
        body["respondent_ref"],
        None,
    )
    # Stored as checked: cleaned values, path, consent and the result told.
    assert row.payload["format"] == 2
    assert set(row.payload["values"]) == {a["question"] for a in COMFORT_ANSWERS}
    assert row.payload["finished"]["quality_flags"] == body["quality_flags"]
    assert deferred == ["drain"]

    assert inbox_drain() == 1
    response = Response.objects.select_related("respondent").get()
    assert str(response.pk) == body["id"]
    assert response.respondent.respondent_ref == body["respondent_ref"]
    assert response.submitted_at.isoformat().replace("+00:00", "Z") == body["submitted_at"]
    assert response.quality_flags == body["quality_flags"]
    assert Answer.objects.filter(response=response).count() == 11  # matrix items: a row each
    record = ConsentRecord.objects.get()
    assert (record.response_id, record.purposes_granted) == (response.pk, ["survey_research"])
    assert record.given_at == row.received_at  # no timestamp sent: consented when received
    row.refresh_from_db()
    assert row.payload == {}  # the answers live in one place only
    assert row.materialized_at is not None
    assert inbox_drain() == 0  # idempotent


def test_a_quiz_result_is_answered_before_it_is_written(deferred, org, client):
    quiz = live_survey(org, "privacy_quiz")
    body = submit(client, quiz, {"answers": QUIZ_ANSWERS, "consent": CONSENT}).json()
    inbox_drain()
    response = Response.objects.get()
    assert (float(response.score), float(response.max_score), response.outcome_index) == (
        body["score"],
        body["max_score"],
        body["outcome_index"],
    )


def test_replays_and_conflicts_use_the_row(deferred, client, survey):
    first = submit(client, survey)
    again = submit(client, survey)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    other = submit(client, survey, {**BODY, "locale": "zh-Hant"})
    assert other.status_code == 422
    assert other.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert SubmissionInbox.objects.count() == 1


def test_a_retry_after_the_survey_closed_still_replays(deferred, client, survey):
    first = submit(client, survey)
    survey_close(survey=survey)
    again = submit(client, survey)
    assert (again.status_code, again.json()) == (201, first.json())
    assert submit(client, survey, key="k-new").status_code == 409


def test_bad_input_stores_nothing(deferred, client, survey):
    body = {**BODY, "answers": [{"question": "q_trust_overall", "value": 99}]}
    reply = submit(client, survey, body)
    assert reply.status_code == 400
    assert SubmissionInbox.objects.count() == 0
    assert deferred == []


def test_reading_a_response_writes_it_out_on_demand(deferred, org, users, client, survey):
    body = submit(client, survey).json()
    detail = client.get(f"/api/v1/responses/{body['id']}/")
    assert detail.status_code == 200
    assert detail.json()["respondent_ref"] == body["respondent_ref"]
    assert len(detail.json()["answers"]) == 11
    second = submit(client, survey, key="k-2").json()
    listed = client.get(f"/api/v1/surveys/{survey.pk}/responses/").json()
    assert {r["id"] for r in listed["results"]} == {body["id"], second["id"]}
    assert SubmissionInbox.objects.filter(materialized_at__isnull=True).count() == 0


def test_another_organizations_pending_response_stays_404(deferred, org, other_org, client, survey):
    body = submit(client, survey).json()
    stranger = key_client(other_org, ApiScope.values)
    assert stranger.get(f"/api/v1/responses/{body['id']}/").status_code == 404
    assert SubmissionInbox.objects.get().materialized_at is None


def test_events_for_a_just_accepted_respondent_are_taken(deferred, client, survey):
    consent = {**CONSENT, "purposes": ["survey_research", "behavioural_measurement"]}
    body = submit(client, survey, {**BODY, "consent": consent}).json()
    reply = client.post(
        "/api/v1/events/",
        {
            "events": [
                {
                    "id": "e-1",
                    "kind": "marketing_opt_out",
                    "value": True,
                    "respondent_ref": body["respondent_ref"],
                    "occurred_at": "2026-11-01T10:00:00Z",
                }
            ]
        },
        format="json",
    )
    assert reply.status_code in (200, 201), reply.json()
    assert Response.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize("why", ["quota", "external_id"])
def test_some_submissions_are_written_in_the_request(deferred, client, survey, why):
    body = dict(BODY)
    if why == "quota":
        survey.response_quota = 10
        survey.save(update_fields=["response_quota"])
    else:
        body["external_id"] = "crm-42"
    reply = submit(client, survey, body)
    assert reply.status_code == 201
    assert Response.objects.filter(pk=reply.json()["id"]).exists()
    assert SubmissionInbox.objects.get().materialized_at is not None
    assert deferred == []


@pytest.mark.parametrize("stored", ["cleaned", "request"])
def test_a_row_that_cannot_be_written_is_kept_for_a_person(deferred, client, survey, stored):
    submit(client, survey)
    row = SubmissionInbox.objects.get()
    if stored == "cleaned":
        row.payload = {**row.payload, "values": {"nope": 1}, "answers": [{"question": "nope"}]}
    else:  # a row stored before the cleaned form: its answers are checked at write-out
        row.payload = {**BODY, "answers": [{"question": "nope", "value": 1}]}
    row.save(update_fields=["payload"])
    assert inbox_drain() == 0
    row.refresh_from_db()
    assert (row.materialized_at, row.attempts, row.last_error) == (
        None,
        1,
        "ServiceValidationError",
    )
    assert row.payload["answers"][0]["question"] == "nope"
    assert Response.objects.count() == 0


def test_dispatch_queues_at_most_once_a_second(settings, monkeypatch):
    from django.core.cache import cache

    from surveys import tasks
    from trustpulse import dispatch

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(inbox.DISPATCH_GUARD_KEY)
    monkeypatch.setattr(dispatch, "_taken", {})
    queued: list[dict] = []
    monkeypatch.setattr(tasks.inbox_drain, "apply_async", lambda **kw: queued.append(kw))
    inbox.inbox_dispatch()
    inbox.inbox_dispatch()
    assert queued == [{"countdown": 1}]
    monkeypatch.setattr(dispatch, "_taken", {})  # another process: the shared guard holds
    inbox.inbox_dispatch()
    assert queued == [{"countdown": 1}]


def test_a_broker_outage_leaves_the_row_for_the_sweep(
    settings, monkeypatch, client, survey, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from surveys import tasks
    from trustpulse import dispatch

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(inbox.DISPATCH_GUARD_KEY)
    monkeypatch.setattr(dispatch, "_taken", {})

    def down(**kw):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.inbox_drain, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        reply = submit(client, survey)
    assert reply.status_code == 201
    assert SubmissionInbox.objects.filter(materialized_at__isnull=True).count() == 1
    assert tasks.inbox_drain() == 1  # what beat's sweep runs
    assert Response.objects.filter(pk=reply.json()["id"]).exists()


def test_the_submission_body_is_what_the_serializer_gives(org, client):
    from surveys.api.serializers import SubmittedSerializer, submitted_body

    quiz = live_survey(org, "privacy_quiz")
    body = submit(client, quiz, {"answers": QUIZ_ANSWERS, "consent": CONSENT}).json()
    response = Response.objects.select_related("respondent", "version").get(pk=body["id"])
    assert submitted_body(response) == dict(SubmittedSerializer(response).data) == body
    assert body["score"] is not None


def test_the_drain_command_writes_out_and_reports(deferred, client, survey):
    from io import StringIO

    from django.core.management import call_command

    submit(client, survey)
    submit(client, survey, key="k-2")
    out = StringIO()
    call_command("inbox_drain", stdout=out)
    assert out.getvalue().startswith("written out: 2 in ")
    assert out.getvalue().rstrip().endswith("still pending: 0")
    assert Response.objects.count() == 2


def test_staff_admins_see_their_organizations_rows_without_answers(
    deferred, org, users, client, survey
):
    from django.test import Client

    submit(client, survey)
    admin_user = users["admin"]
    admin_user.is_staff = True
    admin_user.save()
    browser = Client()
    login_verified(browser, admin_user)
    listing = browser.get("/admin/surveys/submissioninbox/?state=pending")
    assert listing.status_code == 200
    row = SubmissionInbox.objects.get()
    assert row.respondent_ref in listing.content.decode()
    detail = browser.get(f"/admin/surveys/submissioninbox/{row.pk}/change/").content.decode()
    assert "policy_reading" not in detail and "survey_research" not in detail
    done = browser.post(
        "/admin/surveys/submissioninbox/",
        {"action": "write_out", "_selected_action": [str(row.pk)]},
    )
    assert done.status_code == 302
    assert Response.objects.filter(pk=row.pk).exists()


def test_the_submission_survey_lookup_is_kept_a_second_and_forgotten_on_save(
    org, survey, api_key, monkeypatch
):
    from surveys.selectors import surveys as selectors
    from surveys.selectors.access import actor_for_api_key

    actor = actor_for_api_key(api_key[0])
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    first = selectors.survey_for_submission(actor=actor, pk=survey.pk)
    assert selectors.survey_for_submission(actor=actor, pk=survey.pk) is first
    clock[0] += 1.5  # another process's change shows within a second
    assert selectors.survey_for_submission(actor=actor, pk=survey.pk) is not first
    again = selectors.survey_for_submission(actor=actor, pk=survey.pk)
    survey_close(survey=survey)  # a save in this process forgets at once
    assert selectors.survey_for_submission(actor=actor, pk=survey.pk) is not again
    assert selectors.survey_for_submission(actor=actor, pk=survey.pk).status == "closed"
