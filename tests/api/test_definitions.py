"""Definition documents: import (dry run or not), replace a draft, export."""

import json

import pytest

from surveys import selectors
from surveys.enums import AuditAction, VersionStatus
from surveys.models import AuditEvent, Choice, Question, Section, Survey, SurveyVersion
from tests.factories import demo_definition, published_notice

from .helpers import errors_of

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Survey, SurveyVersion, Section, Question, Choice, AuditEvent)
    }


def broken_definition() -> dict:
    doc = demo_definition()
    doc.pop("slug")
    doc["colour"] = "red"
    del doc["default_locale"]
    doc["sections"][0]["questions"][1]["choices"] = doc["sections"][0]["questions"][1]["choices"][
        :1
    ]
    doc["sections"][1]["questions"][0]["text"]["fr"] = "Quoi?"
    doc["sections"][1]["questions"][2]["type"] = "essay"
    doc["sections"][2]["skip_logic"][0]["to"] = "attitudes"
    doc["sections"][3]["questions"][0]["code"] = "nps"
    return doc


def test_import_creates_a_draft_survey(as_role, org):
    published_notice(org)
    client = as_role("author")
    response = client.post("/api/v1/surveys/import/", demo_definition(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["survey"]["slug"] == "privacy-comfort"
    assert body["survey"]["status"] == "draft"
    assert body["survey"]["consent_notice"] == "privacy-notice"
    assert body["version"]["number"] == 1
    assert body["version"]["status"] == "draft"
    survey = Survey.objects.get()
    assert survey.versions.get().questions.count() == 10
    exported = client.get(f"/api/v1/surveys/{survey.pk}/definition/").json()
    assert exported == demo_definition()  # the round trip is lossless


def test_an_invalid_import_lists_every_error_and_writes_nothing(as_role, org):
    before = counts()
    response = as_role("author").post("/api/v1/surveys/import/", broken_definition(), format="json")
    assert response.status_code == 400
    assert errors_of(response) == [
        ("colour", "unknown_field"),
        ("default_locale", "required"),
        ("sections[0].questions[1].choices", "too_short"),
        ("sections[1].questions[0].text.fr", "unknown_locale"),
        ("sections[1].questions[2].type", "invalid_choice"),
        ("sections[2].skip_logic[0].to", "invalid_target"),
        ("sections[3].questions[0].code", "duplicate"),
    ]
    assert counts() == before


def test_dry_run_validates_only(as_role, org):
    published_notice(org)
    client = as_role("author")
    before = counts()
    response = client.post("/api/v1/surveys/import/?dry_run=true", demo_definition(), format="json")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "errors": []}
    response = client.post("/api/v1/surveys/import/?dry_run=1", broken_definition(), format="json")
    assert response.status_code == 400
    assert len(errors_of(response)) == 7
    assert counts() == before
    response = client.post("/api/v1/surveys/import/?dry_run=maybe", {}, format="json")
    assert errors_of(response) == [("dry_run", "invalid")]


def test_dry_run_checks_the_database_rules_too(as_role, org):
    published_notice(org)
    client = as_role("author")
    client.post("/api/v1/surveys/import/", demo_definition(), format="json")
    doc = demo_definition()
    doc["consent_notice"] = "nobody-has-this"
    response = client.post("/api/v1/surveys/import/?dry_run=true", doc, format="json")
    assert errors_of(response) == [
        ("slug", "duplicate"),
        ("consent_notice", "invalid_reference"),
    ]


def test_replacing_the_definition_of_a_live_survey_makes_a_new_draft(as_role, survey):
    live = survey.live_version
    snapshot = live.snapshot
    doc = demo_definition()
    doc.pop("slug")
    doc["title"]["en"] = "A new title"
    doc["sections"][2]["questions"][0]["required"] = False
    client = as_role("author")
    response = client.put(f"/api/v1/surveys/{survey.pk}/definition/", doc, format="json")
    assert response.status_code == 200
    assert response.json()["version"] == {
        "number": 2,
        "status": "draft",
        "published_at": None,
        "created_at": response.json()["version"]["created_at"],
        "is_live": False,
    }
    live.refresh_from_db()
    assert live.status == VersionStatus.PUBLISHED
    assert live.snapshot == snapshot
    assert live.questions.get(code="nps").required is True
    draft = survey.versions.get(number=2)
    assert draft.questions.get(code="nps").required is False
    # Export: the working version by default, any version by number.
    v2 = client.get(f"/api/v1/surveys/{survey.pk}/definition/").json()
    assert v2["title"]["en"] == "A new title"
    v1 = client.get(f"/api/v1/surveys/{survey.pk}/definition/?version=1").json()
    assert v1 == snapshot
    assert client.get(f"/api/v1/surveys/{survey.pk}/definition/?version=9").status_code == 404
    bad = client.get(f"/api/v1/surveys/{survey.pk}/definition/?version=one")
    assert errors_of(bad) == [("version", "invalid")]


def test_replacing_with_an_invalid_document_changes_nothing(as_role, survey):
    before = counts()
    response = as_role("author").post(
        f"/api/v1/surveys/{survey.pk}/definition/", broken_definition(), format="json"
    )
    assert response.status_code == 400
    assert len(errors_of(response)) == 7
    assert counts() == before


def test_export_is_audited(as_key, survey):
    client = as_key("surveys:read")
    client.get(f"/api/v1/surveys/{survey.pk}/definition/")
    event = AuditEvent.objects.get(action=AuditAction.DEFINITION_EXPORTED)
    assert event.target_id == str(survey.pk)
    assert event.data == {"version": 1}
    assert event.actor_label.startswith("api-key:")


def test_a_body_over_the_limit_is_413(as_role, settings):
    settings.DEFINITION_MAX_BYTES = 1000
    body = json.dumps(demo_definition())
    response = as_role("author").generic(
        "POST", "/api/v1/surveys/import/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert errors_of(response) == [("$", "too_large")]


def test_not_a_document_at_all(as_role):
    client = as_role("author")
    response = client.post("/api/v1/surveys/import/", [1, 2, 3], format="json")
    assert errors_of(response) == [("$", "invalid_type")]
    response = client.post("/api/v1/surveys/import/", {"title": {"en": "x\u0000"}}, format="json")
    assert errors_of(response) == [("title.en", "invalid_characters")]


def test_import_with_a_key_goes_to_its_organization(as_key, org):
    published_notice(org)
    response = as_key("surveys:write").post(
        "/api/v1/surveys/import/", demo_definition(), format="json"
    )
    assert response.status_code == 201
    assert Survey.objects.get().organization_id == org.pk
    assert selectors.definition_export(version=SurveyVersion.objects.get())["slug"] == (
        "privacy-comfort"
    )


@pytest.mark.parametrize("raw", ["³", "-1", "1.5", str(2**40), "１"])
def test_odd_numbers_in_the_query_are_400_or_404(as_role, survey, raw):
    client = as_role("author")
    response = client.get(f"/api/v1/surveys/{survey.pk}/definition/?version={raw}")
    assert response.status_code in (400, 404)
    response = client.post(f"/api/v1/surveys/import/?organization={raw}", {}, format="json")
    assert errors_of(response) == [("organization", "invalid")]


@pytest.mark.parametrize("fmt", ["surveyjs", "xlsform"])
def test_export_after_a_draft_edit_adds_an_empty_section(as_key, survey, fmt):
    client = as_key()
    added = client.post(
        f"/api/v1/surveys/{survey.pk}/sections/",
        {"code": "later", "title": {"en": "Later"}},
        format="json",
    )
    assert added.status_code == 201 and added.json()["questions"] == []
    response = client.get(f"/api/v1/surveys/{survey.pk}/definition/{fmt}/")
    assert response.status_code == 200
    if fmt == "surveyjs":
        pages = response.json()["pages"]
        assert [p["name"] for p in pages][-2:] == ["about_you", "later"]
        assert pages[-1]["elements"] == []
