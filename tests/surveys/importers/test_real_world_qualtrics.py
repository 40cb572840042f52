"""Constructs met in real Qualtrics files, each in a small file of our own.

Every test reproduces one construct found in public survey files (the corpus
is listed in docs/IMPORT.md) that an importer refused or lost text on.
"""

import json

from surveys.importers import import_file
from tests.surveys.importers.helpers import questions, report


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
