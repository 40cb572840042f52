"""Constructs met in real SurveyJS files, each in a small file of our own.

Every test reproduces one construct found in public survey files (the corpus
is listed in docs/IMPORT.md) that an importer refused or lost text on.
"""

import json

from surveys.importers import import_file
from tests.surveys.importers.helpers import questions, refusal, report


def test_surveyjs_greater_or_equal_on_a_numeric_dropdown_keeps_the_choices_that_hold():
    doc = {
        "elements": [
            {"type": "dropdown", "name": "kids", "title": "Children?", "choices": [0, 1, 2, 3]},
            {"type": "comment", "name": "school", "visibleIf": "{kids} >= 1"},
        ]
    }
    result = import_file(json.dumps(doc).encode(), "kids.json")
    assert questions(result)["school"]["display_logic"] == {
        "question": "kids",
        "op": "in",
        "value": ["c1", "c2", "c3"],
    }


def test_surveyjs_greater_than_on_text_choices_is_skipped():
    doc = {
        "elements": [
            {"type": "radiogroup", "name": "tier", "choices": ["gold", "silver"]},
            {"type": "comment", "name": "why", "visibleIf": "{tier} > 1"},
        ]
    }
    result = import_file(json.dumps(doc).encode(), "tier.json")
    assert "display_logic" not in questions(result)["why"]
    assert any(
        a == "skipped" and loc.startswith("pages[0].elements[1] (why)")
        for a, loc, _ in report(result)
    )


def test_surveyjs_choices_by_url_leave_no_empty_question():
    doc = {
        "elements": [
            {"type": "dropdown", "name": "country", "choicesByUrl": {"url": "https://x"}},
            {"type": "dropdown", "name": "same", "choicesFromQuestion": "country"},
            {"type": "text", "name": "city", "title": "City"},
        ]
    }
    result = import_file(json.dumps(doc).encode(), "url.json")
    assert list(questions(result)) == ["city"]
    where = [loc for a, loc, m in report(result) if "left to choose from" in m]
    assert where == ["pages[0].elements[0] (country)", "pages[0].elements[1] (same)"]


def test_surveyjs_pages_with_questions_instead_of_elements_are_read():
    # cocadev/surveyjs-starter: the older `questions` key of pages and panels.
    raw = json.dumps(
        {
            "pages": [
                {"questions": [{"type": "text", "name": "city", "title": "Your city?"}]},
                {
                    "questions": [
                        {
                            "type": "panel",
                            "name": "p",
                            "questions": [{"type": "comment", "name": "why", "title": "Why?"}],
                        }
                    ]
                },
            ]
        }
    ).encode()
    result = import_file(raw, "legacy.json")
    assert {c: q["type"] for c, q in questions(result).items()} == {
        "city": "short_text",
        "why": "long_text",
    }
    assert report(result) == [
        ("approximated", "pages[1].elements[0] (p)", "panel flattened into its page")
    ]


def test_surveyjs_matrix_of_dropdowns_is_one_question_per_column():
    # SurveyJS analytics examples: a matrixdropdown (the only question of its survey).
    raw = json.dumps(
        {
            "elements": [
                {
                    "type": "matrixdropdown",
                    "name": "tools",
                    "title": "Your tools",
                    "visibleIf": "{age} > 1",
                    "choices": [{"value": 1, "text": "Poor"}, {"value": 2, "text": "Good"}],
                    "columns": [
                        {"name": "rate", "title": "Rating"},
                        {"name": "note", "title": "Note", "cellType": "text"},
                        {"name": "sign", "cellType": "signaturepad"},
                    ],
                    "rows": [{"value": "vpn", "text": "VPN"}, "mail"],
                }
            ]
        }
    ).encode()
    result = import_file(raw, "matrixdropdown.json")
    qs = questions(result)
    assert {c: (q["type"], q["text"]["en"]) for c, q in qs.items()} == {
        "tools_rate": ("matrix", "Your tools — Rating"),
        "tools_vpn_note": ("short_text", "Your tools — VPN — Note"),
        "tools_mail_note": ("short_text", "Your tools — mail — Note"),
    }
    assert [c["label"]["en"] for c in qs["tools_rate"]["choices"]] == ["Poor", "Good"]
    assert [r["text"]["en"] for r in qs["tools_rate"]["settings"]["rows"]] == ["VPN", "mail"]
    assert report(result) == [
        (
            "skipped",
            "pages[0].elements[0] (tools).columns[2] (sign)",
            "a signaturepad column of a matrix of dropdowns is not supported",
        ),
        (
            "approximated",
            "pages[0].elements[0] (tools)",
            "a matrix of dropdowns became one question per column (and row)",
        ),
    ] + [
        (
            "skipped",
            where,
            "logic '{age} > 1' not imported (age is not an earlier question): always shown",
        )
        for where in (
            "pages[0].elements[0] (tools).columns[0] (rate).visibleIf",
            "pages[0].elements[0] (tools).columns[1] (note) row 0.visibleIf",
            "pages[0].elements[0] (tools).columns[1] (note) row 1.visibleIf",
        )
    ]


def test_surveyjs_repeated_scale_value_is_left_out():
    # SurveyJS analytics example: choices "908", "34", "24", "234", "234".
    raw = json.dumps(
        {
            "elements": [
                {
                    "type": "matrix",
                    "name": "m",
                    "title": "Rate",
                    "columns": ["1", "2", "2"],
                    "rows": ["a", "b"],
                }
            ]
        }
    ).encode()
    result = import_file(raw, "repeat.json")
    assert [c["value"] for c in questions(result)["m"]["choices"]] == [1, 2]
    assert report(result) == [
        (
            "skipped",
            "pages[0].elements[0] (m).columns[2]",
            "value '2' repeats an earlier point: left out",
        )
    ]


def test_utf16_json_is_read():
    doc = {"elements": [{"type": "text", "name": "city", "title": "Città"}]}
    result = import_file(json.dumps(doc, ensure_ascii=False).encode("utf-16"), "u.json")
    assert questions(result)["city"]["text"] == {"en": "Città"}


def test_latin1_json_is_refused_naming_the_encoding():
    doc = '{"elements": [{"type": "text", "name": "city", "title": "Où? Très, déjà, à côté"}]}'
    assert refusal(doc.encode("latin-1"), "l.json") == [("file", "encoding")]
