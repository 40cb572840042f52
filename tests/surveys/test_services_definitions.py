import pytest

from surveys import selectors
from surveys.authoring.services.definitions import (
    definition_import,
    survey_close,
    survey_create,
    survey_draft_version,
    survey_publish,
)
from surveys.consent.services.consent import notice_publish, notice_save
from surveys.enums import SurveyStatus, VersionStatus
from surveys.models import AuditEvent, Choice, Question, Section, Survey, SurveyVersion
from tests.factories import demo_definition, live_survey
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (Survey, SurveyVersion, Section, Question, Choice))


@pytest.mark.parametrize("name", ["privacy_comfort", "privacy_quiz"])
def test_export_import_round_trip_is_lossless(org, name):
    doc = demo_definition(name)
    version = definition_import(organization=org, document=doc)
    exported = selectors.definition_export(version=version)
    assert exported == doc
    doc2 = dict(exported, slug="copy-" + doc["slug"])
    again = definition_import(organization=org, document=doc2)
    assert selectors.definition_export(version=again) == doc2


def test_import_writes_the_rows(org):
    version = definition_import(organization=org, document=demo_definition())
    assert version.number == 1 and version.status == VersionStatus.DRAFT
    assert counts() == (1, 1, 5, 10, 25)
    q = Question.objects.get(code="concern")
    assert q.type == "matrix" and q.construct == "privacy_concern"
    assert [c.code for c in q.choices.all()] == ["sd", "d", "n", "a", "sa"]


def test_invalid_import_writes_nothing_and_lists_every_error(org):
    doc = demo_definition()
    doc["sections"][1]["questions"][0]["choices"] = []
    doc["sections"][2]["questions"][0]["required"] = "yes"
    with pytest.raises(ServiceValidationError) as err:
        definition_import(organization=org, document=doc)
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("sections[1].questions[0].choices", "too_short"),
        ("sections[2].questions[0].required", "invalid_type"),
    ]
    assert counts() == (0, 0, 0, 0, 0)
    assert not AuditEvent.objects.filter(action="definition.imported").exists()


def test_duplicate_slug_is_refused(org):
    live_survey(org, slug="privacy-comfort")
    with pytest.raises(ServiceValidationError) as err:
        definition_import(organization=org, document=demo_definition())
    assert [(e.field, e.code) for e in err.value.errors] == [("slug", "duplicate")]


def test_text_is_sanitized_on_import_and_titles_kept_as_written(org):
    doc = demo_definition()
    markup = 'Trust <script>alert(1)</script><em>us</em> <a href="javascript:x">a</a>'
    doc["title"]["en"] = markup
    doc["sections"][0]["questions"][0]["text"]["en"] = markup
    version = definition_import(organization=org, document=doc)
    # a title is plain text: stored as written, escaped wherever it is shown
    assert version.survey.title["en"] == markup
    question = version.questions.get(code=doc["sections"][0]["questions"][0]["code"])
    assert question.text["en"] == 'Trust <em>us</em> <a rel="noopener noreferrer nofollow">a</a>'


def test_publish_freezes_and_editing_creates_a_new_draft(org):
    version = definition_import(organization=org, document=demo_definition())
    survey = version.survey
    published = survey_publish(survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.LIVE and survey.live_version == published
    assert published.status == VersionStatus.PUBLISHED and published.snapshot is not None
    draft = survey_draft_version(survey=survey)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert selectors.definition_export(version=draft)["sections"] == published.snapshot["sections"]
    assert survey_draft_version(survey=survey) == draft  # one draft at a time
    doc = demo_definition()
    doc["sections"][0]["title"]["en"] = "Changed"
    definition_import(organization=org, document=doc, survey=survey)
    published.refresh_from_db()
    assert published.snapshot["sections"][0]["title"]["en"] == "Your views on privacy"
    assert Section.objects.get(version=published, code="attitudes").title["en"] == (
        "Your views on privacy"
    )
    v2 = survey_publish(survey=survey)
    assert v2.number == 2
    assert selectors.version_spec(v2).sections[0].title["en"] == "Changed"


def test_publish_without_draft_and_close(org):
    survey = live_survey(org)
    with pytest.raises(ServiceValidationError) as err:
        survey_publish(survey=survey)
    assert err.value.errors[0].code == "no_draft"
    survey_close(survey=survey)
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.CLOSED
    with pytest.raises(ServiceValidationError):
        survey_close(survey=survey)
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "notice.published",
        "definition.imported",
        "survey.published",
        "survey.closed",
    ]


def test_publish_validates_admin_edits(org):
    version = definition_import(organization=org, document=demo_definition())
    Choice.objects.filter(question__code="policy_reading").exclude(code="never").delete()
    with pytest.raises(ServiceValidationError) as err:
        survey_publish(survey=version.survey)
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("sections[1].questions[0].choices", "too_short")
    ]
    assert SurveyVersion.objects.get(pk=version.pk).status == VersionStatus.DRAFT


def test_survey_create_checks_fields(org):
    with pytest.raises(ServiceValidationError) as err:
        survey_create(organization=org, title={}, kind="poll", default_locale="fr", locales=["en"])
    assert [e.field for e in err.value.errors] == ["kind", "default_locale", "title"]
    survey = survey_create(organization=org, title={"en": "Hello world"})
    assert survey.slug == "hello-world" and survey.versions.count() == 1


def test_publishing_needs_a_notice_covering_every_question(org):
    doc = demo_definition()
    del doc["consent_notice"]
    version = definition_import(organization=org, document=doc)
    with pytest.raises(ServiceValidationError) as err:
        survey_publish(survey=version.survey)
    assert [(e.field, e.code) for e in err.value.errors] == [("consent_notice", "required")]
    doc = demo_definition()
    doc["sections"][0]["questions"][1]["purpose"] = "advertising"
    del doc["sections"][1]["questions"][0]["purpose"]
    definition_import(organization=org, document=doc, survey=version.survey)
    with pytest.raises(ServiceValidationError) as err:
        survey_publish(survey=version.survey)
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("sections[0].questions[1].purpose", "invalid_reference"),
        ("sections[1].questions[0].purpose", "required"),
    ]
    assert SurveyVersion.objects.get(pk=version.pk).status == VersionStatus.DRAFT


def test_unknown_notice_is_refused_on_import(org):
    doc = demo_definition()
    doc["consent_notice"] = "nope"
    with pytest.raises(ServiceValidationError) as err:
        definition_import(organization=org, document=doc)
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("consent_notice", "invalid_reference")
    ]


def test_the_notice_must_speak_every_survey_locale(org):
    from tests.factories import demo_notice_content

    content = demo_notice_content()
    content["locales"] = ["en"]
    for p in content["purposes"]:
        p["title"].pop("zh-Hant")
        p["description"].pop("zh-Hant")
    content["full_text"].pop("zh-Hant")
    notice_publish(
        version=notice_save(organization=org, slug="en-only", name="EN", content=content)
    )
    doc = demo_definition()
    doc["consent_notice"] = "en-only"
    version = definition_import(organization=org, document=doc)
    with pytest.raises(ServiceValidationError) as err:
        survey_publish(survey=version.survey)
    assert [(e.field, e.code) for e in err.value.errors] == [("consent_notice", "missing_locale")]
