"""Definition documents: every error with its path, nothing else."""

import pytest

from surveys.definition import definition_errors
from tests.factories import demo_definition


def fields(errors):
    return [(e.field, e.code) for e in errors]


@pytest.mark.parametrize("name", ["privacy_comfort", "privacy_quiz"])
def test_demo_definitions_are_valid(name):
    assert definition_errors(demo_definition(name)) == []


def test_structural_errors_are_all_listed_with_paths():
    doc = demo_definition()
    doc["sections"][0]["questions"][0]["bogus"] = 1
    doc["sections"][2]["questions"][0]["type"] = "essay"
    del doc["sections"][1]["questions"][0]["text"]
    doc["colour"] = "blue"
    assert fields(definition_errors(doc)) == [
        ("colour", "unknown_field"),
        ("sections[0].questions[0].bogus", "unknown_field"),
        ("sections[1].questions[0].text", "required"),
        ("sections[2].questions[0].type", "invalid_choice"),
    ]


def test_not_an_object():
    assert fields(definition_errors([])) == [("$", "invalid_type")]


def test_semantic_errors_are_all_listed_with_paths():
    doc = demo_definition()
    habits = doc["sections"][1]["questions"]
    habits[0]["choices"] = habits[0]["choices"][:1]
    habits[1]["code"] = "concern"
    habits[2]["display_logic"] = {"question": "nps", "op": "eq", "value": 9}
    doc["sections"][2]["skip_logic"][0]["to"] = "attitudes"
    doc["sections"][4]["questions"][0]["choices"][1]["code"] = "a18_29"
    errors = definition_errors(doc)
    assert fields(errors) == [
        ("sections[1].questions[0].choices", "too_short"),
        ("sections[1].questions[1].code", "duplicate"),
        ("sections[1].questions[2].display_logic.question", "invalid_reference"),
        ("sections[2].skip_logic[0].to", "invalid_target"),
        ("sections[4].questions[0].choices[1].code", "duplicate"),
    ]
    assert errors[0].message == "at least 2 required"


def test_type_specific_rules():
    doc = demo_definition()
    q = doc["sections"][0]["questions"]
    q[1]["choices"][1]["value"] = 1  # duplicate scale value
    q[0]["settings"]["rows"] = []
    doc["sections"][1]["questions"][2]["choices"] = [{"code": "x", "label": {"en": "X"}}]
    doc["sections"][2]["questions"][1]["choices"][0]["is_correct"] = True  # two correct
    doc["sections"][3]["questions"][0]["settings"]["max_length"] = 5000
    doc["sections"][3]["questions"][0]["settings"]["rows"] = []
    assert fields(definition_errors(doc)) == [
        ("sections[0].questions[0].settings.rows", "too_short"),
        ("sections[0].questions[1].choices[1].value", "duplicate"),
        ("sections[1].questions[2].choices", "not_allowed"),
        ("sections[2].questions[1].choices", "invalid"),
        ("sections[3].questions[0].settings.rows", "unknown_setting"),
        ("sections[3].questions[0].settings.max_length", "out_of_range"),
    ]


def test_locales_must_be_declared():
    doc = demo_definition()
    doc["title"]["fr"] = "Confiance"
    doc["default_locale"] = "de"
    assert fields(definition_errors(doc)) == [
        ("default_locale", "unknown_locale"),
        ("title.fr", "unknown_locale"),
    ]


def test_quiz_rules():
    doc = demo_definition("privacy_quiz")
    doc["outcomes"][1]["min"] = 1  # overlaps the first band
    for choice in doc["sections"][0]["questions"][0]["choices"]:
        choice["is_correct"] = False
    assert fields(definition_errors(doc)) == [
        ("sections[0].questions[0].choices", "invalid"),
        ("outcomes[1].min", "overlap"),
    ]


def test_outcomes_only_for_quizzes():
    doc = demo_definition()
    doc["outcomes"] = [{"min": 0, "max": 1, "title": {"en": "x"}}]
    assert fields(definition_errors(doc)) == [("outcomes", "not_allowed")]


def test_condition_operators_need_fitting_values():
    doc = demo_definition()
    doc["sections"][1]["questions"][2]["display_logic"] = {
        "all": [
            {"question": "trust_brand", "op": "gt", "value": "high"},
            {"question": "policy_reading", "op": "in", "value": "never"},
            {"question": "concern", "item": "nope", "op": "eq", "value": 1},
            {"question": "trust_brand", "op": "eq"},
        ]
    }
    assert fields(definition_errors(doc)) == [
        ("sections[1].questions[2].display_logic.all[0].value", "invalid_type"),
        ("sections[1].questions[2].display_logic.all[1].value", "invalid_type"),
        ("sections[1].questions[2].display_logic.all[2].item", "invalid_reference"),
        ("sections[1].questions[2].display_logic.all[3].value", "required"),
    ]


def test_dates_must_be_ordered():
    doc = demo_definition()
    doc["opens_at"] = "2026-12-01T00:00:00+00:00"
    doc["closes_at"] = "2026-11-01T00:00:00+00:00"
    assert fields(definition_errors(doc)) == [("closes_at", "out_of_range")]
