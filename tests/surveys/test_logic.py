from decimal import Decimal

from surveys.logic import SectionRule, evaluate, section_path


def test_operators():
    answers = {"a": "x", "m": ["p", "q"], "n": Decimal("7"), "mx": {"r1": Decimal("4")}}
    assert evaluate({"question": "a", "op": "eq", "value": "x"}, answers) is True
    assert evaluate({"question": "a", "op": "neq", "value": "x"}, answers) is False
    assert evaluate({"question": "m", "op": "eq", "value": "q"}, answers) is True
    assert evaluate({"question": "m", "op": "in", "value": ["z", "p"]}, answers) is True
    assert evaluate({"question": "m", "op": "not_in", "value": ["z"]}, answers) is True
    assert evaluate({"question": "n", "op": "gt", "value": 6}, answers) is True
    assert evaluate({"question": "n", "op": "lte", "value": 6.5}, answers) is False
    assert evaluate({"question": "n", "op": "eq", "value": 7}, answers) is True
    assert evaluate({"question": "mx", "item": "r1", "op": "gte", "value": 4}, answers) is True
    assert evaluate({"question": "zz", "op": "answered"}, answers) is False
    assert evaluate({"question": "zz", "op": "not_answered"}, answers) is True
    assert evaluate({"question": "zz", "op": "eq", "value": 1}, answers) is False
    cond = {"any": [{"not": {"question": "a", "op": "eq", "value": "x"}}, {"all": []}]}
    assert evaluate(cond, answers) is True
    assert evaluate(None, answers) is True


def test_section_path_with_skip_and_display_logic():
    sections = [
        SectionRule(
            code="s1",
            display_logic=None,
            skip_logic=[
                {"when": {"question": "q1", "op": "eq", "value": "skip"}, "to": "s4"},
                {"when": {"question": "q1", "op": "eq", "value": "stop"}, "to": "end"},
            ],
        ),
        SectionRule(code="s2", display_logic=None, skip_logic=[]),
        SectionRule(
            code="s3", display_logic={"question": "q1", "op": "eq", "value": "show"}, skip_logic=[]
        ),
        SectionRule(code="s4", display_logic=None, skip_logic=[]),
    ]
    assert section_path(sections, {}) == ["s1", "s2", "s4"]
    assert section_path(sections, {"q1": "show"}) == ["s1", "s2", "s3", "s4"]
    assert section_path(sections, {"q1": "skip"}) == ["s1", "s4"]
    assert section_path(sections, {"q1": "stop"}) == ["s1"]
