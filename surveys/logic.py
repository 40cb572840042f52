"""Display and skip logic: conditions on earlier answers, and the section path.

A condition is ``{"question": "q1", "op": "eq", "value": "a"}`` (``item`` for a
matrix row), or ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}``.
Answers are the cleaned values keyed by question code (see services.answers).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

OPS = ("eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte", "answered", "not_answered")
END = "end"


def condition_questions(cond: Mapping[str, Any] | None) -> list[str]:
    """Every question code a condition refers to."""
    if not cond:
        return []
    if "question" in cond:
        return [cond["question"]]
    if "not" in cond:
        return condition_questions(cond["not"])
    return [q for c in cond.get("all", cond.get("any", [])) for q in condition_questions(c)]


def _num(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        return Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None


def _values(answer: Any) -> list[Any]:
    """An answer as a list of comparable values (multi-select: its choices)."""
    if answer is None:
        return []
    if isinstance(answer, list):
        return answer
    return [answer]


def _eq(a: Any, b: Any) -> bool:
    na, nb = _num(a), _num(b)
    if na is not None and nb is not None:
        return na == nb
    return str(a) == str(b) if not isinstance(a, bool) else a == b


def evaluate(cond: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """True when `cond` holds on `answers` (an empty condition always holds)."""
    if not cond:
        return True
    if "all" in cond:
        return all(evaluate(c, answers) for c in cond["all"])
    if "any" in cond:
        return any(evaluate(c, answers) for c in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], answers)
    answer = answers.get(cond["question"])
    if "item" in cond and isinstance(answer, dict):
        answer = answer.get(cond["item"])
    op = cond["op"]
    answered = answer not in (None, "", [], {})
    if op == "answered":
        return answered
    if op == "not_answered":
        return not answered
    if not answered:
        return False
    target = cond.get("value")
    values = _values(answer)
    if op == "eq":
        return any(_eq(v, target) for v in values)
    if op == "neq":
        return not any(_eq(v, target) for v in values)
    if op in ("in", "not_in"):
        options = target if isinstance(target, list) else [target]
        hit = any(_eq(v, o) for v in values for o in options)
        return hit if op == "in" else not hit
    a, b = _num(values[0]) if len(values) == 1 else None, _num(target)
    if a is None or b is None:
        return False
    return {"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}[op]


@dataclass(frozen=True, kw_only=True)
class SectionRule:
    """What the path walk needs to know of a section."""

    code: str
    display_logic: Mapping[str, Any] | None
    skip_logic: list[Mapping[str, Any]]


def next_section(
    sections: list[SectionRule], current: str | None, answers: Mapping[str, Any]
) -> str | None:
    """The code of the section after `current` (None: the start), or None at the end.

    Applies `current`'s skip logic first, then skips sections whose display
    logic does not hold.
    """
    index = {s.code: i for i, s in enumerate(sections)}
    start = 0
    if current is not None:
        here = sections[index[current]]
        start = index[current] + 1
        for rule in here.skip_logic:
            if evaluate(rule["when"], answers):
                if rule["to"] == END:
                    return None
                start = index[rule["to"]]
                break
    for section in sections[start:]:
        if evaluate(section.display_logic, answers):
            return section.code
    return None


def section_path(sections: list[SectionRule], answers: Mapping[str, Any]) -> list[str]:
    """The sections a respondent with `answers` passes through, in order."""
    path: list[str] = []
    code = next_section(sections, None, answers)
    while code is not None and code not in path:
        path.append(code)
        code = next_section(sections, code, answers)
    return path
