"""Every fixture file of the importers: its report in full and how it maps."""

import io

from surveys.definition import definition_errors
from surveys.importers import import_file
from tests.surveys.importers.helpers import load, report


def test_surveyjs_fixture_report():
    result = import_file(load("surveyjs_quiz.json"), "surveyjs_quiz.json")
    assert result.format == "surveyjs"
    assert report(result) == [
        ("approximated", "description", "unsafe markup (scripts, styles, handlers) removed"),
        (
            "approximated",
            "pages[0].elements[0] (intro)",
            "HTML element shown as the page's description",
        ),
        (
            "approximated",
            "pages[0].elements[2] (tools).choices[2]",
            "code '1password' became 'c1password'",
        ),
        ("skipped", "pages[0].elements[3] (device).defaultValue", "defaultValue is not supported"),
        (
            "approximated",
            "pages[1].elements[2] (email).title",
            "unsafe markup (scripts, styles, handlers) removed",
        ),
        (
            "approximated",
            "pages[1].elements[2] (email).inputType",
            "input type 'email' became a short text",
        ),
        (
            "skipped",
            "pages[1].elements[6] (upload)",
            "file (a file upload) has no TrustPulse question type",
        ),
        (
            "skipped",
            "pages[1].elements[7] (when).visibleIf",
            "logic 'age(${x}) > 3' not imported (a comparison needs a question on one side):"
            " always shown",
        ),
        (
            "skipped",
            "completedHtmlOnCondition[2]",
            "'{incorrectAnswers} > 3' is not a score band on correctAnswers",
        ),
    ]


def test_surveyjs_fixture_mapping():
    doc = import_file(load("surveyjs_quiz.json"), "surveyjs_quiz.json").document
    assert definition_errors(doc) == []
    assert doc["kind"] == "quiz"
    assert doc["locales"] == ["en", "de"]
    assert doc["outcomes"] == [
        {"min": 0, "max": 0, "title": {"en": "Keep reading", "de": "Weiterlesen"}},
        {"min": 1, "max": 1, "title": {"en": "Well done"}},
    ]
    assert doc["texts"]["intro"] == {"en": "A short check of your habits."}
    types = {q["code"]: q["type"] for s in doc["sections"] for q in s["questions"]}
    assert types == {
        "reads_terms": "single_choice",
        "tools": "multiple_choice",
        "device": "single_choice",
        "trust": "scale",
        "stars": "rating",
        "nps": "nps",
        "concern": "matrix",
        "age": "number",
        "email": "short_text",
        "why": "long_text",
        "newsletter": "yes_no",
        "priorities": "ranking",
        "when": "date",
    }
    habits, attitudes = doc["sections"]
    assert habits["questions"][0]["choices"][0] == {
        "code": "always",
        "label": {"en": "Always", "de": "Immer"},
        "is_correct": True,
    }
    assert habits["questions"][1]["display_logic"] == {
        "question": "reads_terms",
        "op": "eq",
        "value": "always",
    }
    assert habits["questions"][1]["choices"][-1] == {
        "code": "none",
        "label": {"en": "None"},
        "exclusive": True,
    }
    assert attitudes["display_logic"] == {
        "any": [
            {"question": "tools", "op": "eq", "value": "vpn"},
            {"question": "trust", "op": "gt", "value": 2},
        ]
    }
    assert attitudes["questions"][3]["display_logic"] == {
        "question": "concern",
        "item": "ads",
        "op": "gte",
        "value": 2,
    }
    assert attitudes["questions"][2]["text"] == {"en": "Email"}  # the img/onerror is gone


def test_limesurvey_fixture_report():
    result = import_file(load("limesurvey.lss"), "limesurvey.lss")
    assert result.format == "limesurvey"
    assert report(result) == [
        ("skipped", "assessments", "assessments (scores and their messages) are not imported"),
        (
            "approximated",
            "surveys_languagesettings policy notice",
            "the data-policy notice became a consent notice draft with one required purpose,"
            " survey_research (legal basis consent, retention 365 days): review and publish it",
        ),
        (
            "approximated",
            "question qid=11 (Q2)",
            "unsafe markup (scripts, styles, handlers) removed",
        ),
        ("skipped", "question qid=12 (Q3) attributes", "not imported: array_filter"),
        (
            "approximated",
            "question qid=15 (Q6)",
            "soft mandatory (a reminder that can be dismissed) became optional",
        ),
        (
            "skipped",
            "question qid=15 (Q6) validation",
            "the regular-expression validation is not imported",
        ),
        (
            "skipped",
            "question qid=16 (Q7) relevance",
            "logic \"regexMatch('/x/', Q6)\" not imported (function regexmatch() is not"
            " supported): always shown",
        ),
        (
            "approximated",
            "question qid=19 (D1)",
            "text display (boilerplate) shown as the section's description",
        ),
        (
            "skipped",
            "question qid=20 (Q10)",
            "multiple numerical input without subquestions: left out",
        ),
    ]


def test_limesurvey_fixture_mapping():
    doc = import_file(load("limesurvey.lss"), "limesurvey.lss").document
    assert definition_errors(doc) == []
    assert doc["title"] == {"en": "Privacy check", "de": "Datenschutz-Check"}
    assert [s["code"] for s in doc["sections"]] == ["About_you", "Details"]
    questions = {q["code"]: q for s in doc["sections"] for q in s["questions"]}
    assert {c: q["type"] for c, q in questions.items()} == {
        "Q1": "single_choice",
        "Q2": "multiple_choice",
        "Q3": "matrix",
        "Q4": "scale",
        "Q5": "number",
        "Q6": "short_text",
        "Q7": "long_text",
        "Q8": "yes_no",
        "Q9": "ranking",
    }
    assert questions["Q1"]["randomize_choices"] is True
    assert questions["Q1"]["text"] == {
        "en": "Do you read privacy notices?",
        "de": "Lesen Sie Datenschutzhinweise?",
    }
    assert questions["Q3"]["display_logic"] == {"question": "Q2", "op": "eq", "value": "SQ001"}
    assert questions["Q5"]["settings"] == {"min": 16, "max": 99, "step": 1}
    assert questions["Q5"]["display_logic"] == {"question": "Q4", "op": "gt", "value": 3}
    assert questions["Q6"]["display_logic"] == {
        "question": "Q3",
        "item": "SQ001",
        "op": "eq",
        "value": 2,
    }
    assert questions["Q9"]["display_logic"] == {"question": "Q8", "op": "eq", "value": True}
    assert doc["sections"][1]["display_logic"] == {"question": "Q1", "op": "eq", "value": "A1"}


def test_limesurvey_fixture_notice_draft():
    result = import_file(load("limesurvey.lss"), "limesurvey.lss")
    assert result.notice is not None
    assert result.notice.content["controller"] == {
        "name": "Acme Research",
        "contact_email": "privacy@acme.example",
    }
    assert result.notice.content["full_text"] == {
        "en": "We keep your answers for one year.",
        "de": "Wir speichern Ihre Antworten ein Jahr.",
    }


def test_limesurvey_4_layout_with_l10n_tables():
    result = import_file(load("limesurvey5.lss"), "limesurvey5.lss")
    assert report(result) == [
        (
            "skipped",
            "surveys_languagesettings policy notice",
            "the data-policy notice needs its text and the administrator's email to become a"
            " consent notice draft",
        )
    ]
    assert result.notice is None
    assert result.document == {
        "schema_version": "1.0",
        "kind": "survey",
        "title": {"en": "Settings habits", "zh-Hant": "設定習慣"},
        "default_locale": "en",
        "locales": ["en", "zh-Hant"],
        "sections": [
            {
                "code": "Habits",
                "title": {"en": "Habits", "zh-Hant": "習慣"},
                "description": {"en": "About your habits"},
                "questions": [
                    {
                        "code": "often",
                        "type": "single_choice",
                        "text": {
                            "en": "How often do you check settings?",
                            "zh-Hant": "您多常檢查設定？",
                        },
                        "choices": [
                            {"code": "AO01", "label": {"en": "Often", "zh-Hant": "經常"}},
                            {"code": "AO02", "label": {"en": "Rarely", "zh-Hant": "很少"}},
                        ],
                    },
                    {
                        "code": "since",
                        "type": "date",
                        "text": {"en": "Since when?"},
                        "required": True,
                        "display_logic": {"question": "often", "op": "answered"},
                    },
                ],
            }
        ],
    }


def test_qualtrics_fixture_report_and_mapping():
    result = import_file(load("qualtrics.qsf"), "export.qsf")
    assert result.format == "qualtrics"
    assert report(result) == [
        ("skipped", "flow[0] embedded data", "embedded data fields not imported: source, campaign"),
        (
            "approximated",
            "flow[2] branch",
            "branch condition not imported: its blocks are always shown",
        ),
        (
            "approximated",
            "question QID1 (Q1) choice 3",
            "a choice with a text box became 'other, please specify'",
        ),
        ("approximated", "question QID2 (Q2)", "unsafe markup (scripts, styles, handlers) removed"),
        (
            "approximated",
            "block BL_1 page break",
            "page break: the block continues as section Trust_2",
        ),
        (
            "approximated",
            "question QID4 (Q4)",
            "descriptive text shown as the section's description",
        ),
        (
            "skipped",
            "question QID5 (age) display logic",
            "display logic not imported (EmbeddedField logic is not supported): always shown",
        ),
        ("skipped", "question QID8 (Q8)", "question type FileUpload/FileUpload is not supported"),
        ("skipped", "block BL_3 (trash)", "questions in the trash are not imported"),
    ]
    doc = result.document
    assert definition_errors(doc) == []
    assert doc["locales"] == ["en", "es"]
    assert [s["code"] for s in doc["sections"]] == ["Trust", "Trust_2", "More"]
    questions = {q["code"]: q for s in doc["sections"] for q in s["questions"]}
    assert {c: q["type"] for c, q in questions.items()} == {
        "Q1": "single_choice",
        "Q2": "multiple_choice",
        "Q3": "matrix",
        "age": "number",
        "Q6": "number",
        "Q7": "ranking",
    }
    assert questions["Q1"]["allow_other"] is True
    assert questions["Q1"]["choices"][0] == {"code": "c1", "label": {"en": "Yes", "es": "Sí"}}
    assert questions["Q2"]["display_logic"] == {"question": "Q1", "op": "eq", "value": "c1"}
    assert questions["Q2"]["choices"][2]["exclusive"] is True
    assert questions["Q2"]["randomize_choices"] is True
    assert questions["Q6"]["settings"] == {"min": 0, "max": 10, "widget": "slider"}
    assert questions["Q7"]["display_logic"] == {"question": "Q6", "op": "gt", "value": 5}
    assert questions["age"]["settings"] == {"min": 18, "max": 99}


XLSFORM_REPORT = [
    ("skipped", "survey row 2 (start)", "metadata field start is not collected"),
    ("approximated", "survey row 3 (welcome)", "unsafe markup (scripts, styles, handlers) removed"),
    ("approximated", "survey row 3 (welcome)", "note shown as the section's description"),
    ("approximated", "survey row 8 (income)", "a number without both bounds: 0 to 1000000 used"),
    (
        "approximated",
        "survey row 17 (where)",
        "geopoint became a short text: a location: the respondent types it"
        " (e.g. latitude and longitude)",
    ),
    (
        "skipped",
        "survey row 18 (quirk) relevant",
        "logic 'string-length(${city}) > 3' not imported (a comparison needs a question on one"
        " side): always shown",
    ),
    ("approximated", "survey row 19 (kids)", "a repeat group is asked once, as a group"),
    ("approximated", "survey row 19 (kids)", "nested group flattened into its section"),
]


def xlsform_check(result):
    assert result.format == "xlsform"
    assert report(result) == XLSFORM_REPORT
    doc = result.document
    assert definition_errors(doc) == []
    assert doc["title"] == {"en": "Tools survey"}
    assert doc["locales"] == ["en", "fr"]
    questions = {q["code"]: q for s in doc["sections"] for q in s["questions"]}
    assert {c: q["type"] for c, q in questions.items()} == {
        "consent_ok": "single_choice",
        "tools": "multiple_choice",
        "age": "number",
        "income": "number",
        "city": "short_text",
        "where": "short_text",
        "story": "long_text",
        "born": "date",
        "comfort": "number",
        "order": "ranking",
        "ack": "acknowledgement",
        "quirk": "short_text",
        "kid_name": "short_text",
    }
    assert questions["tools"]["display_logic"] == {
        "question": "consent_ok",
        "op": "eq",
        "value": "yes",
    }
    assert questions["age"]["display_logic"] == {"question": "tools", "op": "eq", "value": "vpn"}
    assert questions["age"]["settings"] == {"min": 16, "max": 99, "step": 1}
    assert questions["comfort"]["settings"] == {"min": 0, "max": 10, "widget": "slider", "step": 2}
    assert questions["consent_ok"]["choices"][0] == {
        "code": "yes",
        "label": {"en": "Yes", "fr": "Oui"},
    }
    assert doc["sections"][1]["display_logic"] == {"question": "age", "op": "gt", "value": 30}
    assert [s["code"] for s in doc["sections"]] == ["about", "more"]
    assert doc["sections"][0]["description"] == {"en": "Welcome", "fr": "Bienvenue"}


def csv_sheets() -> dict[str, list[list[str]]]:
    import csv

    sheets: dict[str, list[list[str]]] = {}
    current = None
    for row in csv.reader(io.StringIO(load("xlsform.csv").decode())):
        if row[0]:
            current = sheets.setdefault(row[0], [])
        current.append(row[1:])
    return sheets


def test_xlsform_csv_fixture():
    xlsform_check(import_file(load("xlsform.csv"), "form.csv"))


def test_xlsform_xlsx_has_the_same_report():
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in csv_sheets().items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    xlsform_check(import_file(out.getvalue(), "form.xlsx"))


def test_xlsform_xls_fixture():
    xlsform_check(import_file(load("xlsform.xls"), "form.xls"))
