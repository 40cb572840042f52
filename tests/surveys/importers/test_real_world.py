"""Constructs met in real survey files, each in a small file of our own.

Every test reproduces one construct found in public survey files (the corpus
is listed in docs/IMPORT.md) that an importer refused or lost text on.
"""

import io
import json
from pathlib import Path

import pytest

from surveys.importers import import_file
from surveys.importers.services import import_preview
from trustpulse.validation import ServiceValidationError

FIXTURES = Path(__file__).parent / "fixtures" / "real_world"


def report(result) -> list[tuple[str, str, str]]:
    return [(i.action, i.location, i.message) for i in result.items]


def questions(result) -> dict:
    return {q["code"]: q for s in result.document["sections"] for q in s["questions"]}


def refusal(raw: bytes, name: str) -> list[tuple[str, str]]:
    with pytest.raises(ServiceValidationError) as exc:
        import_file(raw, name)
    return [(e.field, e.code) for e in exc.value.errors]


def refusal_message(raw: bytes, name: str) -> str:
    with pytest.raises(ServiceValidationError) as exc:
        import_file(raw, name)
    return exc.value.errors[0].message


# -- LimeSurvey -------------------------------------------------------------------------


def lss(
    questions_xml: str,
    answers_xml: str = "",
    grelevance: str = "1",
    subquestions_xml: str = "",
    attributes_xml: str = "",
) -> bytes:
    """A LimeSurvey 3 structure with one group (texts in rows with `language`)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<document>
 <LimeSurveyDocType>Survey</LimeSurveyDocType>
 <DBVersion>366</DBVersion>
 <languages><language>en</language></languages>
 <answers><rows>{answers_xml}</rows></answers>
 <groups><rows>
  <row><gid>1</gid><sid>5</sid><group_name>Habits</group_name><group_order>0</group_order>
   <language>en</language><grelevance><![CDATA[{grelevance}]]></grelevance></row>
 </rows></groups>
 <questions><rows>{questions_xml}</rows></questions>
 <subquestions><rows>{subquestions_xml}</rows></subquestions>
 <question_attributes><rows>{attributes_xml}</rows></question_attributes>
 <surveys><rows><row><sid>5</sid><language>en</language></row></rows></surveys>
</document>""".encode()


def lq(qid: int, qtype: str, title: str, text: str, relevance: str = "1", order: int = 1) -> str:
    return (
        f"<row><qid>{qid}</qid><parent_qid>0</parent_qid><sid>5</sid><gid>1</gid>"
        f"<type>{qtype}</type><title>{title}</title><question><![CDATA[{text}]]></question>"
        f"<other>N</other><mandatory>N</mandatory><question_order>{order}</question_order>"
        f"<language>en</language><relevance><![CDATA[{relevance}]]></relevance></row>"
    )


def la(qid: int, code: str, text: str, order: int, scale: int = 0) -> str:
    return (
        f"<row><qid>{qid}</qid><code>{code}</code><answer><![CDATA[{text}]]></answer>"
        f"<sortorder>{order}</sortorder><language>en</language><scale_id>{scale}</scale_id></row>"
    )


def lsub(qid: int, parent: int, title: str, text: str, order: int, scale: int = 0) -> str:
    return (
        f"<row><qid>{qid}</qid><parent_qid>{parent}</parent_qid><sid>5</sid><gid>1</gid>"
        f"<type>T</type><title>{title}</title><question><![CDATA[{text}]]></question>"
        f"<question_order>{order}</question_order><scale_id>{scale}</scale_id>"
        f"<language>en</language></row>"
    )


def lattr(qid: int, name: str, value: str) -> str:
    return f"<row><qid>{qid}</qid><attribute>{name}</attribute><value>{value}</value></row>"


def test_limesurvey_multiple_numerical_input_is_one_number_question_per_subquestion():
    # LimeSurvey's sample surveys (type K): "How many … at home / at work?"
    raw = lss(
        lq(1, "K", "hours", "Hours a day online")
        + lq(2, "T", "why", "Why so long?", relevance="hours_work > 8", order=2),
        subquestions_xml=lsub(10, 1, "home", "at home", 1) + lsub(11, 1, "work", "at work", 2),
        attributes_xml=lattr(1, "max_num_value_n", "24") + lattr(1, "num_value_int_only", "1"),
    )
    result = import_file(raw, "k.lss")
    qs = questions(result)
    assert qs["hours_home"] == {
        "code": "hours_home",
        "type": "number",
        "text": {"en": "Hours a day online — at home"},
        "settings": {"min": 0, "max": 24, "step": 1},
    }
    assert qs["hours_work"]["text"] == {"en": "Hours a day online — at work"}
    assert qs["why"]["display_logic"] == {"question": "hours_work", "op": "gt", "value": 8}
    assert (
        "approximated",
        "question qid=1 (hours)",
        "multiple numerical input: one number question per subquestion",
    ) in report(result)


def test_limesurvey_multiple_short_text_is_one_short_text_per_subquestion():
    raw = lss(
        lq(1, "Q", "contact", "Your contact"),
        subquestions_xml=lsub(10, 1, "mail", "E-mail", 1) + lsub(11, 1, "tel", "Phone", 2),
    )
    result = import_file(raw, "q.lss")
    assert {c: (q["type"], q["text"]["en"]) for c, q in questions(result).items()} == {
        "contact_mail": ("short_text", "Your contact — E-mail"),
        "contact_tel": ("short_text", "Your contact — Phone"),
    }
    assert report(result) == [
        (
            "approximated",
            "question qid=1 (contact)",
            "multiple short text: one short text per subquestion",
        )
    ]


def test_limesurvey_array_of_numbers_is_one_number_question_per_cell():
    # LimeSurvey's countifop/sumifop demo: arrays of numbers (type :) and nothing else.
    raw = lss(
        lq(1, ":", "spend", "Money spent"),
        subquestions_xml=lsub(10, 1, "food", "Food", 1)
        + lsub(11, 1, "rent", "Rent", 2)
        + lsub(12, 1, "m1", "January", 1, scale=1),
        attributes_xml=lattr(1, "multiflexible_max", "500") + lattr(1, "multiflexible_step", "5"),
    )
    result = import_file(raw, "colon.lss")
    qs = questions(result)
    assert list(qs) == ["spend_food_m1", "spend_rent_m1"]
    assert qs["spend_rent_m1"]["text"] == {"en": "Money spent — Rent — January"}
    assert qs["spend_rent_m1"]["settings"] == {"min": 1, "max": 500, "step": 5}
    assert report(result)[0] == (
        "approximated",
        "question qid=1 (spend)",
        "array of numbers: one number question per cell (row — column)",
    )


def test_limesurvey_array_of_texts_and_checkbox_numbers():
    raw = lss(
        lq(1, ";", "brand", "Brands you know") + lq(2, ":", "used", "Brands you used", order=2),
        subquestions_xml=lsub(10, 1, "a", "Acme", 1)
        + lsub(11, 1, "x", "Why", 1, scale=1)
        + lsub(20, 2, "a", "Acme", 1)
        + lsub(21, 2, "y", "Last year", 1, scale=1),
        attributes_xml=lattr(2, "multiflexible_checkbox", "1"),
    )
    qs = questions(import_file(raw, "arrays.lss"))
    assert {c: (q["type"], q["text"]["en"]) for c, q in qs.items()} == {
        "brand_a_x": ("short_text", "Brands you know — Acme — Why"),
        "used_a_y": ("yes_no", "Brands you used — Acme — Last year"),
    }


def test_limesurvey_array_with_one_column_is_a_multiple_choice_of_its_rows():
    # LimeSurvey's test survey 677328: a dual-scale array with one answer on each scale.
    raw = lss(
        lq(1, "F", "used", "Used this week"),
        la(1, "A1", "Yes", 1),
        subquestions_xml=lsub(10, 1, "mail", "Mail", 1) + lsub(11, 1, "web", "Web", 2),
    )
    result = import_file(raw, "one_column.lss")
    assert questions(result)["used"] == {
        "code": "used",
        "type": "multiple_choice",
        "text": {"en": "Used this week — Yes"},
        "choices": [
            {"code": "mail", "label": {"en": "Mail"}},
            {"code": "web", "label": {"en": "Web"}},
        ],
    }
    assert report(result) == [
        (
            "approximated",
            "question qid=1 (used)",
            "an array with one column became a multiple choice of its rows",
        )
    ]


def test_limesurvey_dual_scale_array_is_one_array_per_scale():
    # LimeSurvey's test survey 677328: a dual-scale array alone.
    raw = lss(
        lq(1, "1", "dual", "Rate each service"),
        la(1, "g", "Good", 1)
        + la(1, "b", "Bad", 2)
        + la(1, "o", "Often", 1, scale=1)
        + la(1, "r", "Rarely", 2, scale=1),
        subquestions_xml=lsub(10, 1, "mail", "Mail", 1) + lsub(11, 1, "web", "Web", 2),
        attributes_xml=lattr(1, "dualscale_headerA", "Quality")
        + lattr(1, "dualscale_headerB", "Use"),
    )
    result = import_file(raw, "dual.lss")
    qs = questions(result)
    assert list(qs) == ["dual_1", "dual_2"]
    assert qs["dual_1"]["text"] == {"en": "Rate each service — Quality"}
    assert [c["label"]["en"] for c in qs["dual_1"]["choices"]] == ["Good", "Bad"]
    assert [c["label"]["en"] for c in qs["dual_2"]["choices"]] == ["Often", "Rarely"]
    assert [r["text"]["en"] for r in qs["dual_2"]["settings"]["rows"]] == ["Mail", "Web"]
    assert report(result) == [
        ("approximated", "question qid=1 (dual)", "dual-scale array: one array per scale")
    ]


def test_limesurvey_greater_than_on_a_short_text_is_skipped_not_refused():
    # LimeSurvey's sample survey: `num > 10` where num is a short text question.
    raw = lss(
        lq(1, "S", "num", "Pick a number")
        + lq(2, "T", "why", "Why?", relevance="num > 10", order=2),
        grelevance="num > 10",
    )
    result = import_file(raw, "sample.lss")
    assert "display_logic" not in questions(result)["why"]
    assert (
        "skipped",
        "question qid=2 (why) relevance",
        "logic 'num > 10' not imported (num is a short text question: > compares numbers):"
        " always shown",
    ) in report(result)


@pytest.mark.django_db
def test_errors_of_the_mapped_definition_point_at_the_source(org):
    # A definition error that slips through names the question in the file, not a path.
    raw = lss(lq(1, "S", "num", "Pick a number"))
    result = import_preview(organization=org, raw=raw, filename="x.lss").result
    from trustpulse.validation import FieldError

    [error] = result.locate(
        [FieldError(field="sections[0].questions[0].display_logic.value", code="c", message="m")]
    )
    assert (error.field, error.message) == ("question qid=1 (num)", "display logic value: m")


def lsa(members: dict[str, bytes]) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def test_limesurvey_survey_archive_imports_its_structure():
    # LimeSurvey's test data: survey_archive_426848.lsa (structure, responses, participants).
    raw = lsa(
        {
            "survey_5.lss": lss(lq(1, "S", "city", "Your city?")),
            "survey_5_responses.lsr": b"<document/>",
            "survey_5_tokens.lst": b"<document/>",
        }
    )
    result = import_file(raw, "survey_archive_5.lsa")
    assert result.format == "limesurvey"
    assert questions(result)["city"]["text"] == {"en": "Your city?"}
    assert report(result) == [
        (
            "skipped",
            "archive survey_5_responses.lsr",
            "the survey's responses are not imported (only its structure)",
        ),
        (
            "skipped",
            "archive survey_5_tokens.lst",
            "the survey's participants are not imported (only its structure)",
        ),
    ]


def test_limesurvey_archive_without_a_structure_or_too_large_is_refused(settings):
    assert refusal(lsa({"survey_5_responses.lsr": b"<document/>"}), "a.lsa") == [
        ("file", "wrong_format")
    ]
    assert refusal(lsa({"notes.txt": b"hello"}), "notes.zip") == [("file", "wrong_format")]
    settings.IMPORT_MAX_UNPACKED_BYTES = 1000
    bomb = lsa({"survey_5.lss": b"<document>" + b" " * 100_000 + b"</document>"})
    assert len(bomb) < 1000
    assert refusal(bomb, "bomb.lsa") == [("file", "too_large")]
    assert refusal(b"PK\x03\x04 survey.lss broken", "broken.lsa") == [("file", "corrupt")]


def test_limesurvey_image_only_answers_are_reported():
    raw = lss(
        lq(1, "L", "colour", "Favourite colour?"),
        la(1, "AO01", '<img src="/upload/red.png">', 1) + la(1, "AO02", "Blue", 2),
    )
    result = import_file(raw, "colours.lss")
    assert questions(result)["colour"]["choices"][0]["label"] == {"en": "AO01"}
    assert (
        "approximated",
        "question qid=1 (colour) answer AO01",
        "no text that can be shown (empty, or only an image or markup): 'AO01' is shown",
    ) in report(result)


def test_no_questions_refusal_keeps_the_report():
    raw = lss(lq(1, "*", "total", "Total"))
    assert refusal(raw, "equations.lss") == [
        ("file", "no_questions"),
        ("question qid=1 (total)", "skipped"),
        ("group gid=1", "skipped"),
    ]


def test_latin1_declared_in_xml_is_read():
    raw = lss(lq(1, "S", "ville", "Où habitez-vous ?"))
    raw = raw.decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    result = import_file(raw, "latin1.lss")
    assert questions(result)["ville"]["text"] == {"en": "Où habitez-vous ?"}


def test_utf16_xml_is_read():
    raw = lss(lq(1, "S", "city", "Città?")).decode().replace("UTF-8", "UTF-16").encode("utf-16")
    assert questions(import_file(raw, "utf16.lss"))["city"]["text"] == {"en": "Città?"}


def test_undeclared_latin1_xml_is_refused_naming_the_encoding():
    raw = lss(lq(1, "S", "ville", "Où habitez-vous ? Très bien, déjà vu, à côté"))
    raw = raw.decode().replace('<?xml version="1.0" encoding="UTF-8"?>\n', "").encode("latin-1")
    message = refusal_message(raw, "latin1.lss")
    assert "not UTF-8 or UTF-16" in message and "it looks like" in message


# -- SurveyJS ---------------------------------------------------------------------------


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


# -- Qualtrics --------------------------------------------------------------------------


def qsf(*questions: dict, flow: list | None = None) -> bytes:
    ids = [q["QuestionID"] for q in questions]
    block = {
        "Type": "Default",
        "ID": "BL_1",
        "Description": "Main",
        "BlockElements": [{"Type": "Question", "QuestionID": i} for i in ids],
    }
    elements = [
        {"Element": "BL", "Payload": [block]},
        {"Element": "FL", "Payload": {"Flow": flow or [{"Type": "Block", "ID": "BL_1"}]}},
    ]
    elements += [
        {"Element": "SQ", "PrimaryAttribute": q["QuestionID"], "Payload": q} for q in questions
    ]
    return json.dumps({"SurveyEntry": {"SurveyName": "S"}, "SurveyElements": elements}).encode()


def mc(qid: str, tag: str, selector: str, choices: dict, **extra) -> dict:
    return {
        "QuestionID": qid,
        "DataExportTag": tag,
        "QuestionType": "MC",
        "Selector": selector,
        "QuestionText": f"Question {tag}",
        "Choices": choices,
        **extra,
    }


def matrix(qid: str, tag: str, sub: str, rows: dict, answers: dict) -> dict:
    return {
        "QuestionID": qid,
        "DataExportTag": tag,
        "QuestionType": "Matrix",
        "Selector": "Likert",
        "SubSelector": sub,
        "QuestionText": f"Matrix {tag}",
        "Choices": rows,
        "Answers": answers,
    }


def test_qualtrics_one_choice_multiple_choice_becomes_a_tick_box():
    raw = qsf(mc("QID1", "agree", "MAVR", {"1": {"Display": "I agree"}}))
    q = questions(import_file(raw, "s.qsf"))["agree"]
    assert (q["type"], q["text"]) == ("acknowledgement", {"en": "Question agree — I agree"})


def test_qualtrics_one_column_matrix_becomes_multiple_choice():
    raw = qsf(
        matrix(
            "QID1",
            "fruit",
            "SingleAnswer",
            {"1": {"Display": "Mango"}, "2": {"Display": "Kiwi"}},
            {"1": {"Display": "Tried it"}},
        )
    )
    result = import_file(raw, "s.qsf")
    q = questions(result)["fruit"]
    assert (q["type"], [c["label"]["en"] for c in q["choices"]]) == (
        "multiple_choice",
        ["Mango", "Kiwi"],
    )


def test_qualtrics_text_entry_choices_keep_their_options():
    raw = qsf(
        mc(
            "QID1",
            "contact",
            "MAVR",
            {
                "1": {"Display": "Email", "TextEntry": "true"},
                "2": {"Display": "Phone", "TextEntry": "true"},
            },
        )
    )
    result = import_file(raw, "s.qsf")
    assert [c["label"]["en"] for c in questions(result)["contact"]["choices"]] == ["Email", "Phone"]
    assert (
        "skipped",
        "question QID1 (contact) choice 1",
        "the text box of this option is not imported",
    ) in report(result)


def test_qualtrics_multiple_answer_matrix_is_one_multiple_choice_per_statement():
    raw = qsf(
        matrix(
            "QID1",
            "use",
            "MultipleAnswer",
            {"1": {"Display": "Phone"}, "2": {"Display": "Laptop"}},
            {"1": {"Display": "Work"}, "2": {"Display": "Home"}},
        )
    )
    result = import_file(raw, "s.qsf")
    qs = questions(result)
    assert [(c, q["type"]) for c, q in qs.items()] == [
        ("use_1", "multiple_choice"),
        ("use_2", "multiple_choice"),
    ]
    assert qs["use_2"]["text"] == {"en": "Matrix use — Laptop"}
    assert (
        "approximated",
        "question QID1 (use)",
        "a matrix with several answers per statement became 2 multiple choice questions,"
        " one per statement",
    ) in report(result)


def test_qualtrics_block_randomizer_is_reported_as_shown_in_order():
    flow = [{"Type": "BlockRandomizer", "SubSet": 1, "Flow": [{"Type": "Block", "ID": "BL_1"}]}]
    raw = qsf(mc("QID1", "q1", "SAVR", {"1": {"Display": "A"}, "2": {"Display": "B"}}), flow=flow)
    assert report(import_file(raw, "s.qsf")) == [
        (
            "approximated",
            "flow[0] randomizer",
            "the randomizer shows 1 of its 1 elements in random order: all are shown, in order",
        )
    ]


# -- XLSForm ----------------------------------------------------------------------------


def xlsform_csv(survey: list[list[str]], choices: list[list[str]]) -> bytes:
    rows = [["survey"], *[["", *r] for r in survey], ["choices"], *[["", *r] for r in choices]]
    out = io.StringIO()
    import csv

    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


YN = [["list name", "name", "label:English"], ["yn", "y", "Yes"], ["yn", "n", "No"]]


@pytest.mark.parametrize(
    ("spelling", "qtype", "other"),
    [
        ("select one from yn", "single_choice", False),
        ("select1 yn", "single_choice", False),
        ("select all that apply from yn", "multiple_choice", False),
        ("select one yn or specify other", "single_choice", True),
        ("select_one yn or other", "single_choice", True),
    ],
)
def test_xlsform_select_spellings_pyxform_accepts(spelling, qtype, other):
    raw = xlsform_csv([["type", "name", "label:English"], [spelling, "ok", "Good day?"]], YN)
    q = questions(import_file(raw, "f.csv"))["ok"]
    assert (q["type"], q.get("allow_other", False), len(q["choices"])) == (qtype, other, 2)


def test_xlsform_single_colon_language_columns_are_read():
    raw = xlsform_csv([["type", "name", "label:English"], ["text", "name", "Your name?"]], YN)
    result = import_file(raw, "f.csv")
    assert questions(result)["name"]["text"] == {"en": "Your name?"}
    assert report(result) == []


def test_xlsform_rows_after_a_long_blank_stretch_are_read():
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    ws.append(["text", "first", "First?"])
    ws.cell(row=6000, column=1, value="text")
    ws.cell(row=6000, column=2, value="last")
    ws.cell(row=6000, column=3, value="Last?")
    buf = io.BytesIO()
    book.save(buf)
    result = import_file(buf.getvalue(), "long.xlsx")
    assert list(questions(result)) == ["first", "last"]
    assert result.sources["sections[0].questions[1]"] == "survey row 6000 (last)"


def test_xlsform_xls_with_a_large_empty_range_is_read():
    result = import_file((FIXTURES / "formatted_range.xls").read_bytes(), "formatted_range.xls")
    assert list(questions(result)) == ["city", "shares"]


def test_xlsform_too_many_rows_with_content_are_still_refused():
    survey = [["type", "name", "label"]] + [["text", f"q{i}", "Q"] for i in range(5001)]
    assert refusal(xlsform_csv(survey, YN), "big.csv") == [("file", "too_large")]


def test_utf16_csv_is_read():
    raw = xlsform_csv([["type", "name", "label"], ["text", "city", "Città?"]], YN)
    result = import_file(raw.decode().encode("utf-16"), "u16.csv")
    assert questions(result)["city"]["text"] == {"en": "Città?"}


def test_latin1_csv_is_refused_naming_the_encoding():
    raw = xlsform_csv(
        [["type", "name", "label"], ["text", "ville", "Où? Très bien, déjà, à côté"]], YN
    )
    assert refusal(raw.decode().encode("latin-1"), "l.csv") == [("file", "encoding")]


def test_xlsform_repeat_is_asked_once():
    survey = [
        ["type", "name", "label"],
        ["begin repeat", "kid", "Each child"],
        ["integer", "age", "Age"],
        ["end repeat", "", ""],
    ]
    result = import_file(xlsform_csv(survey, YN), "r.csv")
    assert "age" in questions(result)
    assert (
        "approximated",
        "survey row 3 (kid)",
        "a repeat group is asked once, as a group",
    ) in report(result)


def test_xlsform_xform_attribute_columns_are_not_taken_for_languages():
    survey = [["type", "name", "label", "body::accept"], ["text", "city", "City?", "image/*"]]
    result = import_file(xlsform_csv(survey, YN), "b.csv")
    assert questions(result)["city"]["text"] == {"en": "City?"}
    assert report(result) == [
        ("skipped", "column body::accept", "XForm attributes are not imported")
    ]


def test_xlsform_single_sheet_not_named_survey_is_read_as_the_survey():
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["type", "name", "label"])
    book.active.append(["text", "state", "The State"])
    buf = io.BytesIO()
    book.save(buf)
    result = import_file(buf.getvalue(), "form.xlsx")
    assert list(questions(result)) == ["state"]
    assert report(result) == [
        ("approximated", "sheet sheet1", "no sheet named survey: this sheet is read as it")
    ]


@pytest.mark.parametrize(
    ("spelling", "what"),
    [
        ("geopoint", "a location: the respondent types it (e.g. latitude and longitude)"),
        ("gps", "a location: the respondent types it (e.g. latitude and longitude)"),
        ("geotrace", "a location trace: the respondent types it (e.g. the points it passes)"),
        ("geoshape", "a location shape: the respondent types it (e.g. the points around it)"),
        ("barcode", "a barcode: the respondent types its code instead of scanning it"),
    ],
)
def test_xlsform_location_and_barcode_only_form_is_asked_as_text(spelling, what):
    # pyxform gps.xls, KoboToolbox gps_questions.xlsx and barcode_qrcode_questions.xlsx:
    # a form of locations (or a barcode) alone is asked as text, not refused.
    survey = [["type", "name", "label"], [spelling, "spot", "Where is the well?"]]
    result = import_file(xlsform_csv(survey, YN), "gps.csv")
    assert questions(result)["spot"] == {
        "code": "spot",
        "type": "short_text",
        "text": {"en": "Where is the well?"},
    }
    assert report(result) == [
        ("approximated", "survey row 3 (spot)", f"{spelling} became a short text: {what}")
    ]


def test_xlsform_empty_survey_sheet_is_refused_as_empty():
    # The ODK XLSForm template: a survey sheet with its header row and nothing under it.
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label"])
    buf = io.BytesIO()
    book.save(buf)
    assert refusal(buf.getvalue(), "template.xlsx") == [("file", "no_questions")]
    assert refusal_message(buf.getvalue(), "template.xlsx") == (
        "The survey sheet has no rows: the form is empty."
    )


def test_xlsform_long_sheet_the_form_does_not_use_is_left_unread():
    # onadata subdistrict_profiling_tool.xlsx: 5,667 rows of external_choices.
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label"])
    book.active.append(["text", "user", "User"])
    extra = book.create_sheet("external_choices")
    extra.append(["list_name", "name", "label"])
    for i in range(5001):
        extra.append(["districts", f"d{i}", f"District {i}"])
    buf = io.BytesIO()
    book.save(buf)
    result = import_file(buf.getvalue(), "long_extra.xlsx")
    assert list(questions(result)) == ["user"]
    assert report(result) == []


@pytest.mark.django_db
def test_api_commit_errors_point_at_the_source(org, monkeypatch):
    # Whatever the definition check still finds is reported at the question in the file.
    from surveys.importers import services as imports
    from trustpulse.validation import FieldError

    def refuse(**kwargs):
        raise ServiceValidationError(
            [FieldError(field="sections[0].questions[0].text", code="bad", message="no")]
        )

    monkeypatch.setattr(imports, "definition_import", refuse)
    with pytest.raises(ServiceValidationError) as exc:
        imports.import_file_commit(
            organization=org, raw=lss(lq(1, "S", "num", "Pick")), filename="x.lss", confirm=True
        )
    [error] = exc.value.errors
    assert (error.field, error.message) == ("question qid=1 (num)", "text: no")


def test_qualtrics_greater_than_on_a_choice_question_is_skipped():
    choices = {"1": {"Display": "A"}, "2": {"Display": "B"}}
    logic = {
        "0": {
            "0": {
                "LogicType": "Question",
                "QuestionID": "QID1",
                "Operator": "GreaterThan",
                "RightOperand": "1",
                "ChoiceLocator": "q://QID1/SelectableChoice/1",
            }
        }
    }
    raw = qsf(
        mc("QID1", "pick", "SAVR", choices),
        mc("QID2", "then", "SAVR", choices, DisplayLogic=logic),
    )
    result = import_file(raw, "s.qsf")
    assert "display_logic" not in questions(result)["then"]
    assert (
        "skipped",
        "question QID2 (then) display logic",
        "display logic not imported (pick is a single choice question: GreaterThan compares"
        " numbers): always shown",
    ) in report(result)


def test_qualtrics_side_by_side_is_one_question_per_column():
    rows = {"1": {"Display": "Price"}, "2": {"Display": "Privacy"}}
    scale = {"1": {"Display": "Low"}, "2": {"Display": "High"}}
    sbs = {
        "QuestionID": "QID1",
        "DataExportTag": "rate",
        "QuestionType": "SBS",
        "Selector": "SBSMatrix",
        "QuestionText": "Rate",
        "Choices": rows,
        "AdditionalQuestions": {
            "1": {
                "QuestionType": "Matrix",
                "Selector": "Likert",
                "SubSelector": "SingleAnswer",
                "QuestionText": "Now",
                "Answers": scale,
            },
            "2": {
                "QuestionType": "Matrix",
                "Selector": "Likert",
                "SubSelector": "SingleAnswer",
                "QuestionText": "A year ago",
                "Answers": scale,
            },
        },
    }
    result = import_file(qsf(sbs), "s.qsf")
    qs = questions(result)
    assert [(c, q["type"], q["text"]["en"]) for c, q in qs.items()] == [
        ("rate_1", "matrix", "Rate — Now"),
        ("rate_2", "matrix", "Rate — A year ago"),
    ]
    assert [r["text"]["en"] for r in qs["rate_2"]["settings"]["rows"]] == ["Price", "Privacy"]
    assert (
        "approximated",
        "question QID1 (rate)",
        "a side-by-side question became 2 questions, one per column",
    ) in report(result)


def test_xlsform_message_columns_are_reported():
    survey = [
        ["type", "name", "label", "constraint", "constraint_message:English", "required_message"],
        ["integer", "age", "Age?", ". >= 16 and . <= 99", "16 to 99, please", "Needed"],
    ]
    result = import_file(xlsform_csv(survey, YN), "m.csv")
    assert report(result) == [
        (
            "skipped",
            "survey row 3 (age) constraint_message",
            "the constraint_message text is not imported",
        ),
        (
            "skipped",
            "survey row 3 (age) required_message",
            "the required_message text is not imported",
        ),
    ]
