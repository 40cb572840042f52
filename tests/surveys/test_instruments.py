import pytest

from surveys import selectors
from surveys.authoring.services.definitions import definition_import
from surveys.authoring.services.instruments import instrument_insert
from surveys.definition import definition_errors
from surveys.instruments import INSTRUMENTS
from tests.factories import demo_definition
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_every_instrument_is_a_valid_section(code):
    doc = demo_definition("privacy_quiz" if INSTRUMENTS[code].quiz_only else "privacy_comfort")
    doc["sections"].append(INSTRUMENTS[code].build("x_", "Acme"))
    assert definition_errors(doc) == []


def test_insert_into_a_live_survey_makes_a_new_draft(survey):
    draft = instrument_insert(
        survey=survey, instrument="westin", brand="Acme", after_section="attitudes"
    )
    doc = selectors.definition_export(version=draft)
    assert draft.number == 2
    assert [s["code"] for s in doc["sections"]][:2] == ["attitudes", "westin"]
    rows = doc["sections"][1]["questions"][0]["settings"]["rows"]
    assert [r["construct"] for r in rows] == ["westin_1", "westin_2", "westin_3"]
    with pytest.raises(ServiceValidationError) as err:
        instrument_insert(survey=survey, instrument="westin")
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("sections[6].code", "duplicate"),
        ("sections[6].questions[0].code", "duplicate"),
    ]
    instrument_insert(survey=survey, instrument="westin", prefix="b_")


def test_quiz_only_and_unknown(survey):
    with pytest.raises(ServiceValidationError) as err:
        instrument_insert(survey=survey, instrument="privacy_knowledge")
    assert err.value.errors[0].code == "quiz_only"
    with pytest.raises(ServiceValidationError) as err:
        instrument_insert(survey=survey, instrument="big5")
    assert err.value.errors[0].code == "invalid_choice"


def test_brand_name_and_locales(org):
    doc = demo_definition()
    doc["locales"] = ["en"]
    doc["title"] = {"en": doc["title"]["en"]}
    del doc["texts"]
    doc = {
        **doc,
        "sections": [
            {"code": "s1", "questions": [{"code": "q1", "type": "yes_no", "text": {"en": "Hi?"}}]}
        ],
    }
    survey = definition_import(organization=org, document=doc).survey
    draft = instrument_insert(survey=survey, instrument="brand_trust", brand="Acme")
    q = selectors.definition_export(version=draft)["sections"][1]["questions"][0]
    assert q["settings"]["rows"][0]["text"] == {
        "en": "I trust Acme to use my personal data responsibly."
    }
