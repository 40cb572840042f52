"""Constructs met in real XLSForm files, each in a small file of our own.

Every test reproduces one construct found in public survey files (the corpus
is listed in docs/IMPORT.md) that an importer refused or lost text on.
"""

import io

import pytest

from surveys.importers import import_file
from tests.surveys.importers.helpers import REAL_WORLD, questions, refusal, refusal_message, report


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
    result = import_file((REAL_WORLD / "formatted_range.xls").read_bytes(), "formatted_range.xls")
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
