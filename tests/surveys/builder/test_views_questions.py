"""The builder's section and question pages, as an author: adding, editing with display
logic, moving, removing and checking questions through plain form posts."""

import pytest

from surveys.authoring.selectors.builder import draft_document
from tests.surveys.builder.helpers import add_scale, add_section, base

pytestmark = pytest.mark.django_db


def test_sections_and_questions_are_added_through_the_authoring_services(org, draft, client):
    assert add_section(client, org, draft).status_code == 302
    response = add_scale(client, org, draft)
    assert response.status_code == 302, response.context["errors"].items
    doc = draft_document(survey=draft)
    (section,) = doc["sections"]
    assert section["title"] == {"en": "About you", "zh-Hant": "關於您"}
    (q,) = section["questions"]
    assert q["code"] == "trust"
    assert q["type"] == "scale"
    assert q["required"] is True
    assert [(c["code"], c["value"]) for c in q["choices"]] == [("d", 1), ("n", 2), ("a", 3)]
    assert q["choices"][2]["label"] == {"en": "Agree", "zh-Hant": "Agree（中）"}


def test_a_question_error_has_the_import_path_relative_to_the_question(org, draft, client):
    add_section(client, org, draft)
    response = add_scale(client, org, draft, **{"c-1-value": "1"})  # two points valued 1
    assert response.status_code == 400
    errors = [(e.field, e.code) for e in response.context["errors"].items]
    assert ("choices[1].value", "duplicate") in errors
    assert "choices[1].value" in response.content.decode()
    assert draft_document(survey=draft)["sections"][0]["questions"] == []


def test_display_logic_is_picked_from_an_earlier_question(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    page = client.get(base(org, draft.pk) + "sections/intro/questions/new/?type=short_text")
    targets = [t.value for t in page.context["logic"]["targets"]]
    assert targets == ["trust"]
    response = client.post(
        base(org, draft.pk) + "sections/intro/questions/new/",
        {
            "code": "why",
            "type": "short_text",
            "text__en": "Why not?",
            "text__zh-Hant": "為什麼？",
            "purpose": "survey_research",
            "cond-0-question": "trust",
            "cond-0-op": "lte",
            "cond-0-value": "1",
        },
    )
    assert response.status_code == 302
    q = draft_document(survey=draft)["sections"][0]["questions"][1]
    assert q["display_logic"] == {"question": "trust", "op": "lte", "value": 1}


def test_logic_on_a_later_question_is_refused_with_its_path(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    response = client.post(
        base(org, draft.pk) + "questions/trust/",
        {
            "code": "trust",
            "type": "scale",
            "text__en": "I trust this brand.",
            "c-0-code": "d",
            "c-0-value": "1",
            "c-0-label__en": "No",
            "c-1-code": "a",
            "c-1-value": "2",
            "c-1-label__en": "Yes",
            "logic_json": '{"question": "trust", "op": "answered"}',
        },
    )
    assert response.status_code == 400
    assert [e.field for e in response.context["errors"].items] == ["display_logic.question"]


def test_questions_move_up_and_down_and_across_sections(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    add_scale(client, org, draft, code="trust2")
    add_section(client, org, draft, code="more")
    move = base(org, draft.pk) + "questions/trust2/move/"
    assert client.post(move, {"direction": "up"}).status_code == 302
    doc = draft_document(survey=draft)
    assert [q["code"] for q in doc["sections"][0]["questions"]] == ["trust2", "trust"]
    client.post(base(org, draft.pk) + "questions/trust/move/", {"direction": "down"})
    doc = draft_document(survey=draft)
    assert [q["code"] for q in doc["sections"][0]["questions"]] == ["trust2"]
    assert [q["code"] for q in doc["sections"][1]["questions"]] == ["trust"]
    client.post(base(org, draft.pk) + "sections/more/move/", {"direction": "up"})
    assert [s["code"] for s in draft_document(survey=draft)["sections"]] == ["more", "intro"]


def test_removing_a_question_that_logic_refers_to_is_refused(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    client.post(
        base(org, draft.pk) + "sections/intro/questions/new/",
        {
            "code": "why",
            "type": "short_text",
            "text__en": "Why?",
            "cond-0-question": "trust",
            "cond-0-op": "answered",
        },
    )
    response = client.post(base(org, draft.pk) + "questions/trust/delete/", follow=True)
    assert "display_logic.question" in response.content.decode()
    assert len(draft_document(survey=draft)["sections"][0]["questions"]) == 2


def test_changing_the_type_drops_what_the_new_type_does_not_take(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    response = client.post(
        base(org, draft.pk) + "questions/trust/",
        {
            "code": "trust",
            "type": "nps",
            "text__en": "Would you recommend us?",
            "text__zh-Hant": "您會推薦我們嗎？",
            "purpose": "survey_research",
            "c-0-code": "d",
            "c-0-value": "1",
            "c-0-label__en": "Disagree",
            "set_low_label__en": "Never",
        },
    )
    assert response.status_code == 302, response.context["errors"].items
    (q,) = draft_document(survey=draft)["sections"][0]["questions"]
    assert q["type"] == "nps"
    assert "choices" not in q
    assert q["settings"] == {"low_label": {"en": "Never"}}


def test_check_reports_what_saving_would_and_saves_nothing(org, draft, client):
    add_section(client, org, draft)
    add_scale(client, org, draft)
    before = draft_document(survey=draft)
    check = base(org, draft.pk) + "check/"
    response = client.post(
        check,
        {
            "kind": "question",
            "original": "trust",
            "code": "trust",
            "type": "scale",
            "text__en": "Changed",
            "c-0-code": "d",
            "c-0-value": "1",
            "c-0-label__en": "No",
            "c-1-code": "a",
            "c-1-value": "1",
            "c-1-label__en": "Yes",
        },
    )
    assert response.json() == {
        "errors": [
            {
                "field": "choices[1].value",
                "code": "duplicate",
                "message": "scale values must differ",
            }
        ]
    }
    new = client.post(
        check,
        {"kind": "question", "section": "intro", "code": "q9", "type": "nps", "text__en": "Hi"},
    )
    assert new.json() == {"errors": []}
    section = client.post(check, {"kind": "section", "original": "", "code": "9bad"})
    assert [e["field"] for e in section.json()["errors"]] == ["code"]
    assert draft_document(survey=draft) == before
