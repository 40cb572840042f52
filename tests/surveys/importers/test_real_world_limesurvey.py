"""Constructs met in real LimeSurvey files, each in a small file of our own.

Every test reproduces one construct found in public survey files (the corpus
is listed in docs/IMPORT.md) that an importer refused or lost text on.
"""

import io

import pytest

from surveys.importers import import_file
from surveys.importers.services import import_preview
from tests.surveys.importers.helpers import questions, refusal, refusal_message, report
from trustpulse.validation import ServiceValidationError


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
