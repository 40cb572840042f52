"""Answer validation of every question type: examples and properties."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.answers import AnswerError, answer_rows, clean_answers, clean_question, score
from surveys.spec import ChoiceSpec, QuestionSpec, spec_from_definition
from tests.factories import COMFORT_ANSWERS, QUIZ_ANSWERS, demo_definition


def choices(*codes, values=None, correct=()):
    return tuple(
        ChoiceSpec(
            code=c,
            label={"en": c},
            value=Decimal(values[i]) if values else None,
            is_correct=c in correct,
        )
        for i, c in enumerate(codes)
    )


SINGLE = QuestionSpec(
    code="s",
    type="single_choice",
    section="x",
    text={"en": "s"},
    choices=choices("a", "b", "c"),
    allow_other=True,
)
MULTI = QuestionSpec(
    code="m",
    type="multiple_choice",
    section="x",
    text={"en": "m"},
    choices=choices("a", "b", "c", "d"),
    settings={"min_selections": 1, "max_selections": 2},
)
SCALE = QuestionSpec(
    code="sc",
    type="scale",
    section="x",
    text={"en": "sc"},
    choices=choices("p1", "p2", "p3", "p4", values=[1, 2, 3, 4]),
)
MATRIX = QuestionSpec(
    code="mx",
    type="matrix",
    section="x",
    text={"en": "mx"},
    required=True,
    settings={"rows": [{"code": "r1", "text": {"en": "1"}}, {"code": "r2", "text": {"en": "2"}}]},
    choices=choices("p1", "p2", "p3", values=[1, 2, 3]),
)
NPS = QuestionSpec(code="n", type="nps", section="x", text={"en": "n"})
RATING = QuestionSpec(code="r", type="rating", section="x", text={"en": "r"})
NUMBER = QuestionSpec(
    code="num",
    type="number",
    section="x",
    text={"en": "n"},
    settings={"min": 0, "max": 100, "step": 0.5},
)
SHORT = QuestionSpec(
    code="t", type="short_text", section="x", text={"en": "t"}, settings={"max_length": 10}
)
LONG = QuestionSpec(code="lt", type="long_text", section="x", text={"en": "t"})
YESNO = QuestionSpec(code="yn", type="yes_no", section="x", text={"en": "yn"})
RANK = QuestionSpec(
    code="rk", type="ranking", section="x", text={"en": "rk"}, choices=choices("a", "b", "c")
)
DATE = QuestionSpec(
    code="d",
    type="date",
    section="x",
    text={"en": "d"},
    settings={"min": "2000-01-01", "max": "2030-12-31"},
)
ACK = QuestionSpec(code="ack", type="acknowledgement", section="x", text={"en": "ack"})
ATTN = QuestionSpec(
    code="at",
    type="attention_check",
    section="x",
    text={"en": "at"},
    choices=choices("red", "blue", correct=("blue",)),
)

ALL_TYPES = [
    SINGLE,
    MULTI,
    SCALE,
    MATRIX,
    NPS,
    RATING,
    NUMBER,
    SHORT,
    LONG,
    YESNO,
    RANK,
    DATE,
    ACK,
    ATTN,
]


@pytest.mark.parametrize(
    "q, raw, cleaned",
    [
        (SINGLE, "b", "b"),
        (MULTI, ["a", "c"], ["a", "c"]),
        (SCALE, 3, Decimal(3)),
        (MATRIX, {"r1": 1, "r2": 3}, {"r1": Decimal(1), "r2": Decimal(3)}),
        (NPS, 0, 0),
        (RATING, 5, 5),
        (NUMBER, 12.5, Decimal("12.5")),
        (SHORT, "  hello ", "hello"),
        (YESNO, False, False),
        (RANK, ["c", "a", "b"], ["c", "a", "b"]),
        (DATE, "2024-02-29", dt.date(2024, 2, 29)),
        (ACK, True, True),
        (ATTN, "red", "red"),
    ],
)
def test_valid_values(q, raw, cleaned):
    assert clean_question(q, raw) == cleaned


@pytest.mark.parametrize(
    "q, raw, code",
    [
        (SINGLE, "z", "invalid_choice"),
        (SINGLE, 3, "invalid_type"),
        (SINGLE, "_other", "required"),
        (MULTI, ["a", "b", "c"], "too_many"),
        (MULTI, ["a", "a"], "duplicate"),
        (MULTI, "a", "invalid_type"),
        (SCALE, 5, "invalid_choice"),
        (SCALE, "3", "invalid_choice"),
        (MATRIX, {"r1": 1}, "required"),
        (MATRIX, {"r1": 1, "r2": 2, "r9": 1}, "invalid_choice"),
        (NPS, 11, "out_of_range"),
        (NPS, 7.5, "invalid_type"),
        (NPS, True, "invalid_type"),
        (NPS, float("inf"), "invalid_type"),
        (RATING, float("nan"), "invalid_type"),
        (RATING, 0, "out_of_range"),
        (NUMBER, 100.5, "out_of_range"),
        (NUMBER, 0.3, "invalid_step"),
        (NUMBER, "NaN", "invalid_type"),
        (SHORT, "x" * 11, "too_long"),
        (SHORT, "a\x00b", "invalid_characters"),
        (YESNO, "yes", "invalid_type"),
        (RANK, ["a", "b"], "invalid_choice"),
        (DATE, "2024-02-30", "invalid_format"),
        (DATE, "1999-12-31", "out_of_range"),
        (ACK, "yes", "invalid_type"),
        (ATTN, "green", "invalid_choice"),
    ],
)
def test_invalid_values(q, raw, code):
    with pytest.raises(AnswerError) as err:
        clean_question(q, raw)
    assert err.value.code == code


def test_multi_min_selections_and_other_text():
    with pytest.raises(AnswerError) as err:
        clean_question(MULTI, ["_other"])
    assert err.value.code == "invalid_choice"  # MULTI does not allow other
    assert clean_question(SINGLE, "_other", "my own") == "_other"


@pytest.mark.parametrize("q", ALL_TYPES, ids=lambda q: q.type)
def test_empty_is_unanswered(q):
    assert clean_question(q, None) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=10,
)


@pytest.mark.parametrize("q", ALL_TYPES, ids=lambda q: q.type)
@settings(max_examples=150, deadline=None)
@given(raw=JSON)
def test_any_json_is_cleaned_or_refused_never_crashes(q, raw):
    try:
        cleaned = clean_question(q, raw)
    except AnswerError as err:
        assert err.code and err.message
        return
    if cleaned is not None:
        rows = answer_rows(q, cleaned)
        assert rows  # a cleaned value always has rows to store


@settings(max_examples=200, deadline=None)
@given(value=st.integers(min_value=-50, max_value=50))
def test_nps_accepts_exactly_0_to_10(value):
    if 0 <= value <= 10:
        assert clean_question(NPS, value) == value
    else:
        with pytest.raises(AnswerError):
            clean_question(NPS, value)


@settings(max_examples=200, deadline=None)
@given(value=st.decimals(min_value=-10, max_value=110, places=2))
def test_number_accepts_the_step_grid_within_bounds(value):
    on_grid = (value * 2) == (value * 2).to_integral_value()
    if 0 <= value <= 100 and on_grid:
        assert clean_question(NUMBER, value) == value
    else:
        with pytest.raises(AnswerError):
            clean_question(NUMBER, value)


@settings(max_examples=200, deadline=None)
@given(selected=st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True))
def test_multi_selection_bounds(selected):
    if 1 <= len(selected) <= 2:
        assert clean_question(MULTI, selected) == selected
    elif not selected:
        assert clean_question(MULTI, selected) is None
    else:
        with pytest.raises(AnswerError):
            clean_question(MULTI, selected)


@settings(max_examples=100, deadline=None)
@given(order=st.permutations(["a", "b", "c"]))
def test_ranking_rows_carry_ranks(order):
    rows = answer_rows(RANK, clean_question(RANK, list(order)))
    assert [(r["choice"], r["number"]) for r in rows] == [
        (c, Decimal(i + 1)) for i, c in enumerate(order)
    ]


def as_raw(answers):
    return {a["question"]: a["value"] for a in answers}


def test_complete_demo_answers_are_clean():
    spec = spec_from_definition(demo_definition())
    result = clean_answers(spec, as_raw(COMFORT_ANSWERS))
    assert result.problems == []
    assert result.path == ["attitudes", "habits", "recommend", "improve", "about_you"]


def test_required_missing_unknown_and_not_shown():
    spec = spec_from_definition(demo_definition())
    raw = as_raw(COMFORT_ANSWERS)
    del raw["nps"]
    raw["switched_why"] = "because"  # only shown when "switched" is selected
    raw["shoe_size"] = 42
    result = clean_answers(spec, raw)
    assert sorted((p.question, p.code) for p in result.problems) == [
        ("nps", "required"),
        ("shoe_size", "unknown_question"),
        ("switched_why", "not_shown"),
    ]


def test_skip_logic_makes_the_skipped_section_not_shown():
    spec = spec_from_definition(demo_definition())
    raw = as_raw(COMFORT_ANSWERS) | {"nps": 10}
    result = clean_answers(spec, raw)
    assert [(p.question, p.code) for p in result.problems] == [("improve_text", "not_shown")]
    assert result.path == ["attitudes", "habits", "recommend", "about_you"]


def test_quiz_score():
    spec = spec_from_definition(demo_definition("privacy_quiz"))
    values = clean_answers(spec, as_raw(QUIZ_ANSWERS)).values
    assert score(spec, values) == Decimal(3)  # q_cookies answered wrong
    assert spec.max_score == Decimal(4)
    assert spec.outcome_for(Decimal(3)) == 1
    values["q_pii"] = ["email"]  # partly right scores nothing
    assert score(spec, values) == Decimal(2)


def test_attention_check_flag():
    from surveys.quality import quality_flags

    spec = spec_from_definition(demo_definition())
    raw = as_raw(COMFORT_ANSWERS)
    assert quality_flags(spec, clean_answers(spec, raw).values) == []
    raw["attention"] = "green"
    assert quality_flags(spec, clean_answers(spec, raw).values) == [
        "attention_check_failed:attention"
    ]
