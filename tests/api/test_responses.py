"""Raw-response lists for admins and authors: filters, answers, audit."""

import datetime as dt

import pytest
from django.utils import timezone

from surveys.enums import AuditAction
from surveys.models import AuditEvent, Response
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, QUIZ_ANSWERS

from .helpers import errors_of

pytestmark = pytest.mark.django_db


def submit(survey, answers=COMFORT_ANSWERS, **kw):
    return response_submit(survey=survey, answers=answers, consent=CONSENT, **kw)


def test_list_returns_metadata_and_answers(as_role, survey):
    stored = submit(survey, locale="zh-Hant")
    body = as_role("author").get("/api/v1/responses/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == str(stored.pk)
    assert item["survey"] == survey.pk
    assert item["version"] == 1
    assert item["respondent_ref"] == stored.respondent.respondent_ref
    assert item["status"] == "complete"
    assert item["locale"] == "zh-Hant"
    assert item["channel"] == "api"
    answers = {(a["question_code"], a["item"]): a for a in item["answers"]}
    assert len(answers) == 11
    assert answers[("concern", "worry")] == {
        "question_code": "concern",
        "item": "worry",
        "choice": "a",
        "number": 4.0,
        "text": "",
        "date": None,
        "boolean": None,
    }
    assert answers[("improve_text", "")]["text"] == "Tell me what you keep."
    assert answers[("nps", "")]["number"] == 7.0


def test_filters(as_key, survey, quiz):
    early = submit(survey)
    Response.objects.filter(pk=early.pk).update(submitted_at=timezone.now() - dt.timedelta(days=10))
    late = submit(survey)
    scored = submit(quiz, QUIZ_ANSWERS)
    client = as_key("responses:read")

    def ids(query: str) -> set[str]:
        response = client.get(f"/api/v1/responses/?{query}")
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids("") == {str(early.pk), str(late.pk), str(scored.pk)}
    assert ids(f"survey={quiz.pk}") == {str(scored.pk)}
    assert ids(f"survey={survey.pk}&status=complete") == {str(early.pk), str(late.pk)}
    assert ids("status=partial") == set()
    since = (timezone.now() - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(f"survey={survey.pk}&submitted_after={since}") == {str(late.pk)}
    assert ids(f"submitted_before={since}") == {str(early.pk)}
    per_survey = client.get(f"/api/v1/surveys/{quiz.pk}/responses/").json()
    assert [r["id"] for r in per_survey["results"]] == [str(scored.pk)]
    assert per_survey["results"][0]["score"] == 3.0


def test_bad_filters_are_400(as_key, survey):
    response = as_key("responses:read").get(
        "/api/v1/responses/?survey=abc&status=done&submitted_after=yesterday"
    )
    assert response.status_code == 400
    assert sorted(errors_of(response)) == [
        ("status", "invalid_choice"),
        ("submitted_after", "invalid"),
        ("survey", "invalid"),
    ]


def test_analysts_and_researchers_never_see_raw_answers(as_role, survey):
    submit(survey)
    for role in ("analyst", "researcher"):
        client = as_role(role)
        for url in (
            "/api/v1/responses/",
            f"/api/v1/surveys/{survey.pk}/responses/",
            f"/api/v1/responses/{Response.objects.get().pk}/",
        ):
            response = client.get(url)
            assert response.status_code == 403
            assert "Tell me" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.RESPONSES_VIEWED).exists()


def test_every_look_is_audited(as_role, as_key, users, survey):
    stored = submit(survey)
    as_role("author").get("/api/v1/responses/")
    as_key("responses:read").get(f"/api/v1/surveys/{survey.pk}/responses/?status=complete")
    as_role("admin").get(f"/api/v1/responses/{stored.pk}/")
    events = list(
        AuditEvent.objects.filter(action=AuditAction.RESPONSES_VIEWED)
        .order_by("id")
        .values_list("organization_id", "actor_id", "actor_label", "data")
    )
    assert [(org, actor, data) for org, actor, _, data in events] == [
        (survey.organization_id, users["author"].pk, {"survey": None, "count": 1}),
        (survey.organization_id, None, {"survey": survey.pk, "count": 1}),
        (survey.organization_id, users["admin"].pk, {"response": str(stored.pk), "count": 1}),
    ]
    assert events[1][2].startswith("api-key:")


def test_response_detail(as_role, survey):
    stored = submit(survey)
    body = as_role("author").get(f"/api/v1/responses/{stored.pk}/").json()
    assert body["id"] == str(stored.pk)
    assert len(body["answers"]) == 11
    missing = "00000000-0000-0000-0000-000000000000"
    assert as_role("author").get(f"/api/v1/responses/{missing}/").status_code == 404
