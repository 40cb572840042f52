"""Sections and questions: edits go to the draft; a published version never changes."""

import pytest

from surveys import selectors
from surveys.authoring.services.definitions import survey_close, survey_create
from surveys.enums import VersionStatus
from surveys.models import Choice, Question, Section, SurveyVersion

from .helpers import errors_of

pytestmark = pytest.mark.django_db

NEW_QUESTION = {
    "code": "fav_channel",
    "type": "single_choice",
    "text": {"en": "How should we reach you?", "zh-Hant": "我們該如何聯絡您？"},
    "purpose": "survey_research",
    "choices": [
        {"code": "email", "label": {"en": "Email"}},
        {"code": "sms", "label": {"en": "Text message"}},
    ],
}


def rows(version: SurveyVersion) -> list[tuple]:
    """Every section, question and choice of a version, as plain values."""
    return [
        *Section.objects.filter(version=version).values_list("code", "position", "title"),
        *Question.objects.filter(version=version).values_list(
            "code", "position", "text", "required", "section__code"
        ),
        *Choice.objects.filter(question__version=version).values_list(
            "question__code", "code", "label"
        ),
    ]


def test_editing_a_live_survey_starts_a_draft_and_leaves_the_live_version(as_role, survey):
    live = survey.live_version
    live_rows, snapshot = rows(live), live.snapshot
    client = as_role("author")
    response = client.post(
        f"/api/v1/surveys/{survey.pk}/sections/recommend/questions/",
        {**NEW_QUESTION, "position": 1},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "fav_channel"
    assert body["section"] == "recommend"
    assert body["position"] == 1
    assert [c["code"] for c in body["choices"]] == ["email", "sms"]
    draft = survey.versions.get(status=VersionStatus.DRAFT)
    assert draft.number == 2
    assert list(
        draft.questions.filter(section__code="recommend").values_list("code", flat=True)
    ) == ["nps", "fav_channel", "attention"]
    # The published version: same rows, same snapshot.
    live.refresh_from_db()
    assert rows(live) == live_rows
    assert live.snapshot == snapshot
    survey.refresh_from_db()
    assert survey.live_version_id == live.pk
    # A second edit goes to the same draft.
    client.patch(f"/api/v1/surveys/{survey.pk}/questions/nps/", {"required": False}, format="json")
    assert survey.versions.count() == 2
    assert rows(live) == live_rows


def test_reads_show_the_draft_once_there_is_one(as_role, survey):
    client = as_role("analyst")
    nps = client.get(f"/api/v1/surveys/{survey.pk}/questions/nps/").json()
    assert nps["required"] is True
    as_role("author").patch(
        f"/api/v1/surveys/{survey.pk}/questions/nps/", {"required": False}, format="json"
    )
    assert client.get(f"/api/v1/surveys/{survey.pk}/questions/nps/").json()["required"] is False
    live = selectors.definition_export(version=survey.live_version)
    assert live["sections"][2]["questions"][0]["required"] is True


def test_question_errors_are_relative_to_the_question(as_role, survey):
    bad = {
        **NEW_QUESTION,
        "code": "nps",  # already used
        "text": {"en": "Hi", "fr": "Salut"},
        "choices": [{"code": "only", "label": {}}],
        "colour": "red",
    }
    before = SurveyVersion.objects.count(), Question.objects.count(), Choice.objects.count()
    response = as_role("author").post(
        f"/api/v1/surveys/{survey.pk}/sections/improve/questions/", bad, format="json"
    )
    assert response.status_code == 400
    assert errors_of(response) == [
        ("choices", "too_short"),
        ("choices[0].label", "required"),
        ("code", "duplicate"),
        ("colour", "unknown_field"),
        ("text.fr", "unknown_locale"),
    ]
    # Nothing written: not even the draft version.
    after = SurveyVersion.objects.count(), Question.objects.count(), Choice.objects.count()
    assert after == before


def test_a_malformed_question_body_is_400(as_role, survey):
    client = as_role("author")
    url = f"/api/v1/surveys/{survey.pk}/sections/improve/questions/"
    assert errors_of(client.post(url, [1, 2], format="json")) == [("$", "invalid")]
    response = client.post(url, {**NEW_QUESTION, "position": "first"}, format="json")
    assert errors_of(response) == [("position", "invalid_type")]
    response = client.post(url, {"code": 5, "type": [], "text": "x"}, format="json")
    assert sorted(errors_of(response)) == [
        ("code", "invalid_type"),
        ("text", "invalid_type"),
        ("type", "invalid_choice"),
    ]


def test_change_move_and_rename_a_question(as_role, org):
    survey = survey_create(organization=org, title={"en": "Fresh"}, locales=["en", "zh-Hant"])
    client = as_role("author")
    base = f"/api/v1/surveys/{survey.pk}"
    client.post(f"{base}/sections/", {"code": "one"}, format="json")
    client.post(f"{base}/sections/", {"code": "two", "title": {"en": "Two"}}, format="json")
    client.post(f"{base}/sections/one/questions/", NEW_QUESTION, format="json")
    response = client.patch(
        f"{base}/questions/fav_channel/",
        {
            "code": "channel",
            "section": "two",
            "choices": [
                {"code": "post", "label": {"en": "Post"}},
                {"code": "email", "label": {"en": "Email"}},
            ],
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["section"]) == ("channel", "two")
    assert [c["code"] for c in body["choices"]] == ["post", "email"]
    assert body["text"] == NEW_QUESTION["text"]  # untouched fields stay
    assert client.get(f"{base}/questions/fav_channel/").status_code == 404
    sections = client.get(f"{base}/sections/").json()["results"]
    assert [(s["code"], s["questions"]) for s in sections] == [("one", []), ("two", ["channel"])]
    response = client.patch(f"{base}/questions/channel/", {"section": "three"}, format="json")
    assert errors_of(response) == [("section", "invalid_reference")]


def test_a_question_code_is_fixed_once_published(as_role, survey):
    response = as_role("author").patch(
        f"/api/v1/surveys/{survey.pk}/questions/nps/", {"code": "recommend"}, format="json"
    )
    assert errors_of(response) == [("code", "immutable")]
    assert survey.versions.count() == 1


def test_removing_what_logic_refers_to_is_refused_with_the_full_path(as_role, survey):
    client = as_role("author")
    response = client.delete(f"/api/v1/surveys/{survey.pk}/questions/protective_actions/")
    assert response.status_code == 400
    assert errors_of(response) == [
        ("sections[1].questions[1].display_logic.question", "invalid_reference")
    ]
    response = client.delete(f"/api/v1/surveys/{survey.pk}/sections/about_you/")
    assert errors_of(response) == [("sections[2].skip_logic[0].to", "invalid_target")]
    assert survey.versions.count() == 1
    assert client.delete(f"/api/v1/surveys/{survey.pk}/questions/improve_text/").status_code == 204
    questions = client.get(f"/api/v1/surveys/{survey.pk}/sections/improve/questions/").json()
    assert questions["count"] == 0


def test_sections_crud_and_order(as_role, survey):
    client = as_role("author")
    base = f"/api/v1/surveys/{survey.pk}/sections"
    response = client.post(
        f"{base}/", {"code": "intro", "title": {"en": "Hello"}, "position": 0}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["position"] == 0
    assert response.json()["questions"] == []
    response = client.patch(
        f"{base}/intro/", {"description": {"en": "<b>Hi</b> <em>there</em>"}}, format="json"
    )
    assert response.json()["description"] == {"en": "Hi <em>there</em>"}
    response = client.patch(f"{base}/intro/", {"position": 99}, format="json")
    assert response.json()["position"] == 5
    codes = [s["code"] for s in client.get(f"{base}/").json()["results"]]
    assert codes == ["attitudes", "habits", "recommend", "improve", "about_you", "intro"]
    assert client.get(f"{base}/nope/").status_code == 404
    assert client.patch(f"{base}/nope/", {}, format="json").status_code == 404
    assert client.delete(f"{base}/intro/").status_code == 204
    assert client.get(f"{base}/intro/").status_code == 404


def test_a_draft_may_be_incomplete_until_it_is_published(as_role, org):
    survey = survey_create(organization=org, title={"en": "Quiz"}, kind="quiz")
    client = as_role("author")
    response = client.post(f"/api/v1/surveys/{survey.pk}/sections/", {"code": "s"}, format="json")
    assert response.status_code == 201  # no questions, no scored question: fine for a draft
    response = client.post(f"/api/v1/surveys/{survey.pk}/publish/")
    assert set(errors_of(response)) == {
        ("sections", "invalid"),
        ("sections[0].questions", "too_short"),
    }


def test_the_working_version_of_a_closed_survey_is_the_latest(as_role, survey):
    survey_close(survey=survey)
    body = as_role("analyst").get(f"/api/v1/surveys/{survey.pk}/questions/").json()
    assert body["count"] == 10
    assert body["results"][0]["code"] == "concern"
