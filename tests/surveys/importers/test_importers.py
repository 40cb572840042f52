"""The importers: round trips, hostile and broken files, what is reported as left out."""

import json
from pathlib import Path

import pytest

from surveys.importers import import_file
from surveys.importers.exporters import definition_to_surveyjs, definition_to_xlsform
from tests.factories import demo_definition
from tests.surveys.importers.helpers import file_error, report


@pytest.mark.parametrize("name", ["privacy_comfort", "privacy_quiz"])
def test_round_trip_surveyjs_and_xlsform(name):
    doc = demo_definition(name)
    surveyjs = json.dumps(definition_to_surveyjs(doc)).encode()
    back = import_file(surveyjs, "x.json")
    assert back.format == "surveyjs"
    assert back.items == ()
    assert back.document == doc
    xlsx = definition_to_xlsform(doc)
    back = import_file(xlsx, "x.xlsx")
    assert back.format == "xlsform"
    assert back.items == ()
    assert back.document == doc


def test_round_trip_every_type():
    doc = json.loads(Path("bench/survey_20q.json").read_text())
    assert import_file(json.dumps(definition_to_surveyjs(doc)).encode()).document == doc
    assert import_file(definition_to_xlsform(doc), "b.xlsx").document == doc


def test_surveyjs_export_is_standard_surveyjs():
    sj = definition_to_surveyjs(demo_definition("privacy_quiz"))
    element = sj["pages"][0]["elements"][0]
    assert element["type"] == "radiogroup"
    assert element["correctAnswer"] == next(
        c["value"] for c in element["choices"] if c["value"] == element["correctAnswer"]
    )
    assert sj["locale"] == "en"


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<document><LimeSurveyDocType>&lol2;</LimeSurveyDocType></document>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<document><LimeSurveyDocType>&x;</LimeSurveyDocType></document>"""


@pytest.mark.parametrize(
    ("raw", "name", "expected"),
    [
        (BOMB, "bomb.lss", ("file", "unsafe_xml")),
        (EXTERNAL, "x.lss", ("file", "unsafe_xml")),
        (
            b"<document><LimeSurveyDocType>Survey</LimeSurveyDocType><groups>",
            "broken.lss",
            ("file", "corrupt"),
        ),
        (b"<html><body>hi</body></html>", "page.lss", ("file", "wrong_format")),
        (b"", "empty.json", ("file", "empty")),
        (b"   \n", "blank.csv", ("file", "empty")),
        (b'{"pages": [', "cut.json", ("file", "corrupt")),
        (b'{"hello": "world"}', "other.json", ("file", "wrong_format")),
        (b"PK\x03\x04garbage" + b"xl/workbook" * 3, "broken.xlsx", ("file", "corrupt")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage", "broken.xls", ("file", "corrupt")),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "image.png", ("file", "wrong_format")),
        (b"type,name\nnote,hello\n", "notes.csv", ("file", "no_questions")),
        (b'{"pages": []}', "nothing.json", ("file", "no_questions")),
    ],
)
def test_hostile_or_broken_files_are_refused_clearly(raw, name, expected):
    assert file_error(raw, name) == expected


def test_size_limit(settings):
    settings.IMPORT_MAX_BYTES = 100
    assert file_error(b"{" + b" " * 200 + b"}", "big.json") == ("file", "too_large")


def test_zip_bomb_limit(settings):
    xlsx = definition_to_xlsform(demo_definition())
    settings.IMPORT_MAX_UNPACKED_BYTES = 1000
    assert file_error(xlsx, "big.xlsx") == ("file", "too_large")


def test_a_section_left_without_questions_is_reported():
    doc = {
        "pages": [
            {"name": "p1", "title": "Uploads", "elements": [{"type": "file", "name": "f"}]},
            {"name": "p2", "description": "Nearly there", "elements": [{"type": "image"}]},
            {"name": "p3", "elements": [{"type": "text", "name": "t"}]},
        ]
    }
    result = import_file(json.dumps(doc).encode(), "s.json")
    assert report(result) == [
        (
            "skipped",
            "pages[0].elements[0] (f)",
            "file (a file upload) has no TrustPulse question type",
        ),
        ("skipped", "pages[1].elements[0] (?)", "image (an image) has no TrustPulse question type"),
        ("skipped", "pages[0].name", "no question to import: the section is left out"),
        (
            "approximated",
            "pages[1].name",
            "no question to import: its text moves to the next section",
        ),
    ]
    assert result.document["sections"] == [
        {
            "code": "p3",
            "description": {"en": "Nearly there"},
            "questions": [{"code": "t", "type": "short_text", "text": {"en": "t"}}],
        }
    ]


def test_xlsform_columns_that_are_not_imported_are_reported():
    raw = (
        b"type,name,label,default,media::image,read_only\n"
        b"text,city,City,Paris,city.png,no\n"
        b"integer,n,N,,,yes\n"
    )
    result = import_file(raw, "f.csv")
    assert report(result) == [
        ("skipped", "column media::image", "images, audio and video are not imported"),
        ("skipped", "survey row 2 (city) default", "the default column is not imported"),
        ("approximated", "survey row 3 (n)", "a number without both bounds: 0 to 1000000 used"),
        ("skipped", "survey row 3 (n) read_only", "the read_only column is not imported"),
    ]
