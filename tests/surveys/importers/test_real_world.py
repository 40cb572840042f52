"""Constructs met in real survey files, each in a small file of our own.

Every test reproduces one construct found in public survey files (the corpus
is listed in docs/IMPORT.md) that an importer refused or lost text on.
"""

import io
import json
from pathlib import Path

import pytest

from surveys.importers import import_file
from surveys.services.imports import import_preview
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


def lss(questions_xml: str, answers_xml: str = "", grelevance: str = "1") -> bytes:
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
 <surveys><rows><row><sid>5</sid><language>en</language></row></rows></surveys>
</document>""".encode()


def lq(qid: int, qtype: str, title: str, text: str, relevance: str = "1", order: int = 1) -> str:
    return (
        f"<row><qid>{qid}</qid><parent_qid>0</parent_qid><sid>5</sid><gid>1</gid>"
        f"<type>{qtype}</type><title>{title}</title><question><![CDATA[{text}]]></question>"
        f"<other>N</other><mandatory>N</mandatory><question_order>{order}</question_order>"
        f"<language>en</language><relevance><![CDATA[{relevance}]]></relevance></row>"
    )


def la(qid: int, code: str, text: str, order: int) -> str:
    return (
        f"<row><qid>{qid}</qid><code>{code}</code><answer><![CDATA[{text}]]></answer>"
        f"<sortorder>{order}</sortorder><language>en</language><scale_id>0</scale_id></row>"
    )


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


@pytest.mark.django_db
def test_api_commit_errors_point_at_the_source(org, monkeypatch):
    # Whatever the definition check still finds is reported at the question in the file.
    from surveys.services import imports
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
