"""Whatever a file holds, an import answers with a result or a clear error, never a crash."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.definition import definition_errors
from surveys.importers import import_file
from trustpulse.validation import ServiceValidationError

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
scalars = st.none() | st.booleans() | st.integers(-5, 20) | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = ["type", "name", "title", "choices", "rateValues", "columns", "rows", "visibleIf"]
KEYS += ["correctAnswer", "inputType", "min", "max", "elements", "hasNone", "rateMin", "rateMax"]
element = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                "radiogroup",
                "checkbox",
                "rating",
                "matrix",
                "text",
                "panel",
                "html",
                "boolean",
                "ranking",
            ]
        ),
        "name": st.text(max_size=6),
    },
    optional={k: values for k in KEYS[2:]},
)
surveyjs = st.fixed_dictionaries(
    {
        "pages": st.lists(
            st.fixed_dictionaries(
                {"name": values, "elements": st.lists(element, max_size=4)},
                optional={"visibleIf": values, "title": values},
            ),
            max_size=3,
        )
    },
    optional={"title": values, "locale": values, "completedHtml": values},
)
question = st.fixed_dictionaries(
    {
        "QuestionType": st.sampled_from(["MC", "Matrix", "TE", "Slider", "RO", "DB", "XX"]),
        "Selector": st.sampled_from(["SAVR", "MAVR", "Likert", "SL", "HSLIDER", "DND", "NPS"]),
    },
    optional={
        k: values
        for k in [
            "Choices",
            "ChoiceOrder",
            "Answers",
            "DisplayLogic",
            "Language",
            "Validation",
            "Configuration",
            "DataExportTag",
            "QuestionText",
            "RecodeValues",
        ]
    },
)
qualtrics = st.lists(question, min_size=1, max_size=4).map(
    lambda qs: {
        "SurveyEntry": {"SurveyName": "x"},
        "SurveyElements": [
            {
                "Element": "BL",
                "Payload": [
                    {
                        "ID": "BL_1",
                        "Type": "Default",
                        "BlockElements": [
                            {"Type": "Question", "QuestionID": f"QID{i}"} for i in range(len(qs))
                        ],
                    }
                ],
            },
            *(
                {"Element": "SQ", "PrimaryAttribute": f"QID{i}", "Payload": q}
                for i, q in enumerate(qs)
            ),
        ],
    }
)


def outcome(raw: bytes, name: str) -> None:
    try:
        result = import_file(raw, name)
    except ServiceValidationError as exc:
        assert exc.errors and exc.errors[0].field == "file"
        return
    assert isinstance(definition_errors(result.document), list)


@FUZZ
@given(doc=surveyjs)
def test_surveyjs_shapes(doc):
    outcome(json.dumps(doc).encode(), "x.json")


@FUZZ
@given(doc=qualtrics)
def test_qualtrics_shapes(doc):
    outcome(json.dumps(doc).encode(), "x.qsf")


@FUZZ
@given(
    rows=st.lists(
        st.lists(
            st.sampled_from(
                [
                    "",
                    "text",
                    "integer",
                    "select_one a",
                    "begin group",
                    "end group",
                    "range",
                    "note",
                    "q1",
                    "${q1} = 'a'",
                    ". > 3",
                    "yes",
                    "a",
                    "x",
                ]
            ),
            min_size=6,
            max_size=6,
        ),
        max_size=8,
    )
)
def test_xlsform_csv_shapes(rows):
    header = "type,name,label,relevant,constraint,required\n"
    body = "\n".join(",".join(r) for r in rows)
    outcome((header + body).encode(), "x.csv")


@FUZZ
@given(raw=st.binary(max_size=200))
def test_random_bytes(raw):
    outcome(raw, "x.bin")
