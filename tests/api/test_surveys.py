"""Surveys through the API: create, read, change, delete, publish, close, versions."""

import pytest

from surveys.accounts.services.accounts import membership_set, organization_create
from surveys.authoring.services.definitions import definition_import, survey_create
from surveys.enums import Role, SurveyStatus, VersionStatus
from surveys.models import AuditEvent, Survey, SurveyVersion
from surveys.responses.services.write import response_submit
from tests.factories import (
    COMFORT_ANSWERS,
    CONSENT,
    demo_definition,
    member,
    published_notice,
)

from .helpers import errors_of, user_client

pytestmark = pytest.mark.django_db


def test_create_an_empty_draft(as_role, org):
    response = as_role("author").post(
        "/api/v1/surveys/",
        {"title": {"en": "Trust check"}, "kind": "quiz", "locales": ["en", "zh-Hant"]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    survey = Survey.objects.get()
    assert body["id"] == survey.pk
    assert body["organization"] == org.pk
    assert body["slug"] == "trust-check"
    assert body["kind"] == "quiz"
    assert body["status"] == "draft"
    assert body["locales"] == ["en", "zh-Hant"]
    assert body["draft_version"] == 1
    assert body["live_version"] is None
    assert body["consent_notice"] is None


def test_create_checks_settings_by_the_definition_rules(as_role):
    response = as_role("author").post(
        "/api/v1/surveys/",
        {
            "title": {"fr": "<b>x</b>"},
            "default_locale": "de",
            "locales": ["en"],
            "slug": "Not A Slug",
            "colour": "red",
        },
        format="json",
    )
    assert response.status_code == 400
    assert errors_of(response) == [("colour", "unknown_field")]  # the service is not reached
    response = as_role("author").post(
        "/api/v1/surveys/",
        {"title": {"fr": "x"}, "default_locale": "de", "locales": ["en"], "slug": "Not A Slug"},
        format="json",
    )
    assert response.status_code == 400
    assert sorted(errors_of(response)) == [
        ("default_locale", "unknown_locale"),
        ("slug", "invalid_format"),
        ("title.fr", "unknown_locale"),
    ]
    assert Survey.objects.count() == 0


def test_create_keeps_the_title_as_written(as_role):
    # A title is plain text: stored as written, escaped wherever it is shown.
    response = as_role("author").post(
        "/api/v1/surveys/",
        {"title": {"en": " <script>alert(1)</script><em>Trust</em> & Co "}},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["title"] == {"en": "<script>alert(1)</script><em>Trust</em> & Co"}


def test_create_with_a_consent_notice(as_role, org, other_org):
    published_notice(org)
    published_notice(other_org, slug="theirs")
    client = as_role("admin")
    body = {"title": {"en": "T"}, "consent_notice": "privacy-notice"}
    response = client.post("/api/v1/surveys/", body, format="json")
    assert response.status_code == 201
    assert response.json()["consent_notice"] == "privacy-notice"
    response = client.post(
        "/api/v1/surveys/", {"title": {"en": "T"}, "consent_notice": "theirs"}, format="json"
    )
    assert errors_of(response) == [("consent_notice", "invalid_reference")]


def test_a_member_of_several_organizations_names_one(org, other_org):
    user = member(org, Role.AUTHOR)
    membership_set(organization=other_org, user=user, role=Role.ADMIN)
    client = user_client(user)
    response = client.post("/api/v1/surveys/", {"title": {"en": "T"}}, format="json")
    assert errors_of(response) == [("organization", "invalid")]
    response = client.post(
        "/api/v1/surveys/", {"title": {"en": "T"}, "organization": other_org.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["organization"] == other_org.pk
    stranger = organization_create(name="X", slug="x-org")
    response = client.post(
        "/api/v1/surveys/", {"title": {"en": "T"}, "organization": stranger.pk}, format="json"
    )
    assert errors_of(response) == [("organization", "invalid")]


def test_a_key_creates_in_its_own_organization(as_key, org, other_org):
    client = as_key("surveys:write")
    response = client.post("/api/v1/surveys/", {"title": {"en": "T"}}, format="json")
    assert response.json()["organization"] == org.pk
    response = client.post(
        "/api/v1/surveys/", {"title": {"en": "T"}, "organization": other_org.pk}, format="json"
    )
    assert errors_of(response) == [("organization", "invalid")]


def test_list_is_paginated_newest_first(as_role, org):
    for i in range(3):
        survey_create(organization=org, title={"en": f"S{i}"})
    body = as_role("analyst").get("/api/v1/surveys/?page_size=2").json()
    assert body["count"] == 3
    assert [s["title"]["en"] for s in body["results"]] == ["S2", "S1"]
    assert body["next"].endswith("page=2&page_size=2")


def test_partial_update(as_role, survey):
    response = as_role("author").patch(
        f"/api/v1/surveys/{survey.pk}/",
        {
            "title": {"en": "New title", "zh-Hant": "新標題"},
            "opens_at": "2030-01-01T00:00:00Z",
            "closes_at": "2030-02-01T00:00:00+01:00",
            "response_quota": 500,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == {"en": "New title", "zh-Hant": "新標題"}
    assert body["opens_at"] == "2030-01-01T00:00:00Z"
    assert body["closes_at"] == "2030-01-31T23:00:00Z"
    assert body["response_quota"] == 500
    survey.refresh_from_db()
    assert survey.response_quota == 500
    # No new version: the settings are the survey's.
    assert survey.versions.count() == 1


def test_partial_update_refuses_what_the_content_contradicts(as_role, survey):
    client = as_role("author")
    before = Survey.objects.values().get(pk=survey.pk)
    response = client.patch(
        f"/api/v1/surveys/{survey.pk}/",
        {
            "locales": ["en"],
            "opens_at": "2030-02-01T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    fields = {f for f, _ in errors_of(response)}
    # The texts still in zh-Hant are listed, with their paths in the definition.
    assert "title.zh-Hant" in fields
    assert "sections[0].questions[0].text.zh-Hant" in fields
    assert ("closes_at", "out_of_range") in errors_of(response)
    assert Survey.objects.values().get(pk=survey.pk) == before


def test_partial_update_types(as_role, survey):
    response = as_role("author").patch(
        f"/api/v1/surveys/{survey.pk}/",
        {"response_quota": 0, "opens_at": "soon", "title": "x", "slug": "new"},
        format="json",
    )
    assert response.status_code == 400
    assert sorted(errors_of(response)) == [
        ("opens_at", "invalid"),
        ("response_quota", "min_value"),
        ("slug", "unknown_field"),
        ("title", "not_a_dict"),
    ]


def test_delete_only_without_responses(as_role, org, survey):
    client = as_role("author")
    response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=CONSENT)
    response = client.delete(f"/api/v1/surveys/{survey.pk}/")
    assert response.status_code == 409
    assert errors_of(response) == [("survey", "has_responses")]
    assert Survey.objects.filter(pk=survey.pk).exists()
    empty = survey_create(organization=org, title={"en": "Empty"})
    assert client.delete(f"/api/v1/surveys/{empty.pk}/").status_code == 204
    assert not Survey.objects.filter(pk=empty.pk).exists()
    assert client.get(f"/api/v1/surveys/{empty.pk}/").status_code == 404


def test_publish_and_close(as_role, org):
    published_notice(org)
    doc = demo_definition()
    draft = definition_import(organization=org, document=doc)
    client = as_role("author")
    response = client.post(f"/api/v1/surveys/{draft.survey_id}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "live"
    assert response.json()["live_version"] == 1
    assert response.json()["draft_version"] is None
    assert AuditEvent.objects.filter(action="survey.published").count() == 1
    # Nothing left to publish.
    response = client.post(f"/api/v1/surveys/{draft.survey_id}/publish/")
    assert errors_of(response) == [("version", "no_draft")]
    response = client.post(f"/api/v1/surveys/{draft.survey_id}/close/")
    assert response.json()["status"] == "closed"
    response = client.post(f"/api/v1/surveys/{draft.survey_id}/close/")
    assert errors_of(response) == [("status", "not_live")]


def test_publish_reports_every_problem_of_the_draft(as_role, org):
    survey = survey_create(organization=org, title={"en": "Empty"})
    response = as_role("author").post(f"/api/v1/surveys/{survey.pk}/publish/")
    assert response.status_code == 400
    assert errors_of(response) == [("sections", "too_short")]
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT


def test_versions_are_listed_newest_first(as_role, survey):
    client = as_role("author")
    client.patch(f"/api/v1/surveys/{survey.pk}/questions/nps/", {"required": False}, format="json")
    body = client.get(f"/api/v1/surveys/{survey.pk}/versions/").json()
    assert body["count"] == 2
    assert [(v["number"], v["status"], v["is_live"]) for v in body["results"]] == [
        (2, "draft", False),
        (1, "published", True),
    ]
    assert SurveyVersion.objects.filter(status=VersionStatus.DRAFT).count() == 1


def test_unknown_survey_is_404_in_the_error_shape(as_role):
    response = as_role("admin").get("/api/v1/surveys/999999/")
    assert response.status_code == 404
    assert errors_of(response) == [("$", "not_found")]
    assert as_role("admin").get(f"/api/v1/surveys/{2**70}/").status_code == 404


def test_a_method_not_allowed_has_the_error_shape(as_role, survey):
    response = as_role("admin").put(f"/api/v1/surveys/{survey.pk}/", {}, format="json")
    assert response.status_code == 405
    assert errors_of(response) == [("$", "method_not_allowed")]


def test_a_form_body_is_415(as_role):
    response = as_role("admin").post("/api/v1/surveys/", {"title": "x"})
    assert response.status_code == 415
    assert errors_of(response) == [("$", "unsupported_media_type")]


def test_broken_json_is_400(as_role):
    response = as_role("admin").generic(
        "POST", "/api/v1/surveys/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert errors_of(response) == [("$", "parse_error")]
