"""The respondent web form: POST data → raw answer values, and values → form state.

Field names on a survey page (``<code>`` is the question code):

=========================  ==============================================
``q-<code>``               the answer (one value, or several for checkboxes)
``q-<code>-<row>``         one row of a matrix
``q-<code>-rank-<n>``      the choice ranked n-th (1-based) in a ranking
``q-<code>-other``         the "other, please specify" text
``shown``                  the codes of the questions the page showed
=========================  ==============================================

`parse_question` turns the strings of a POST into the raw value types that
``surveys.answers.clean_answers`` expects (int, Decimal, bool, list, dict);
anything that does not parse is passed on as the string it was, so the
answer checker reports it with its usual message. `FieldState` is what a
control shows: the posted strings on a page with errors, or the stored
values when the respondent comes back to a page.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from .enums import QuestionType as T
from .spec import QuestionSpec

YES, NO = "yes", "no"
_INT = re.compile(r"^[+-]?\d+$")


class PostData(Protocol):
    def get(self, key: str, default: Any = ...) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


def field_name(code: str, *parts: str) -> str:
    """The name (and id prefix) of a control: ``q-<code>[-<part>…]``."""
    return "-".join(["q", code, *parts])


def format_number(value: Any) -> str:
    """A number as a form shows it: ``Decimal("4.0")`` → ``"4"``, no exponent."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    text = f"{number.normalize():f}"
    return text


def _number(text: str) -> Decimal | str | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def _whole(text: str) -> int | str | None:
    text = text.strip()
    if not text:
        return None
    return int(text) if _INT.match(text) else text


def _one(data: PostData, name: str) -> str:
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


def ranking_size(q: QuestionSpec) -> int:
    return len(q.choices)


def parse_question(q: QuestionSpec, data: PostData) -> tuple[Any, str | None]:
    """(raw value, other text) of one question from POST data; raw None: unanswered."""
    name = field_name(q.code)
    other = _one(data, field_name(q.code, "other")) if q.allow_other else None
    t = q.type
    text = _one(data, name)
    raw: Any
    if t in (T.SINGLE_CHOICE, T.ATTENTION_CHECK):
        raw = text.strip() or None
    elif t == T.MULTIPLE_CHOICE:
        raw = [v for v in data.getlist(name) if isinstance(v, str) and v] or None
    elif t == T.SCALE:
        raw = _number(text)
    elif t == T.MATRIX:
        rows: dict[str, Any] = {}
        for row in q.rows:
            cell = _number(_one(data, field_name(q.code, row["code"])))
            if cell is not None:
                rows[row["code"]] = cell
        raw = rows or None
    elif t in (T.NPS, T.RATING):
        raw = _whole(text)
    elif t in (T.NUMBER, T.DATE):
        raw = text.strip() or None
    elif t in (T.SHORT_TEXT, T.LONG_TEXT):
        raw = text.replace("\r\n", "\n") if text.strip() else None
    elif t == T.YES_NO:
        raw = {YES: True, NO: False}.get(text.strip(), text.strip() or None)
    elif t == T.RANKING:
        ranks = [
            _one(data, field_name(q.code, "rank", str(n))).strip()
            for n in range(1, ranking_size(q) + 1)
        ]
        raw = ranks if any(ranks) else None
    elif t == T.ACKNOWLEDGEMENT:
        raw = True if text else None
    else:  # pragma: no cover - every type is handled above
        raw = text or None
    return raw, other


def parse_page(
    questions: list[QuestionSpec], data: PostData
) -> tuple[dict[str, Any], dict[str, str]]:
    """Raw values and other texts of the answered questions of a page."""
    raw: dict[str, Any] = {}
    other: dict[str, str] = {}
    for q in questions:
        value, other_text = parse_question(q, data)
        if value is not None:
            raw[q.code] = value
        if other_text:
            other[q.code] = other_text
    return raw, other


@dataclass(kw_only=True)
class FieldState:
    """What the controls of one question show.

    ``selected``: the chosen values (radio/checkbox values as strings);
    ``text``: a text, number or date input's value; ``rows``: matrix row →
    chosen point; ``ranks``: the choice code of each rank position.
    """

    selected: set[str] = field(default_factory=set)
    text: str = ""
    rows: dict[str, str] = field(default_factory=dict)
    ranks: list[str] = field(default_factory=list)
    other: str = ""


def posted_state(q: QuestionSpec, data: PostData) -> FieldState:
    """The form state of a question as the respondent just posted it."""
    name = field_name(q.code)
    state = FieldState(other=_one(data, field_name(q.code, "other")) if q.allow_other else "")
    t = q.type
    if t == T.MULTIPLE_CHOICE:
        state.selected = {v for v in data.getlist(name) if isinstance(v, str)}
    elif t == T.MATRIX:
        state.rows = {
            row["code"]: _one(data, field_name(q.code, row["code"])).strip() for row in q.rows
        }
    elif t == T.RANKING:
        state.ranks = [
            _one(data, field_name(q.code, "rank", str(n))).strip()
            for n in range(1, ranking_size(q) + 1)
        ]
    elif t in (T.SHORT_TEXT, T.LONG_TEXT, T.NUMBER, T.DATE):
        state.text = _one(data, name)
    else:
        value = _one(data, name).strip()
        state.selected = {value} if value else set()
    return state


def stored_state(q: QuestionSpec, value: Any, other: str = "") -> FieldState:
    """The form state of a question from its stored (cleaned) value."""
    state = FieldState(other=other or "")
    if value is None:
        return state
    t = q.type
    if t == T.MULTIPLE_CHOICE:
        state.selected = {str(v) for v in value}
    elif t == T.MATRIX:
        state.rows = {str(k): format_number(v) for k, v in dict(value).items()}
    elif t == T.RANKING:
        state.ranks = [str(v) for v in value]
    elif t in (T.SHORT_TEXT, T.LONG_TEXT):
        state.text = str(value)
    elif t == T.NUMBER:
        state.text = format_number(value)
    elif t == T.DATE:
        state.text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    elif t == T.YES_NO:
        state.selected = {YES if value else NO}
    elif t == T.ACKNOWLEDGEMENT:
        state.selected = {"on"} if value else set()
    elif t in (T.SCALE, T.NPS, T.RATING):
        state.selected = {format_number(value)}
    else:
        state.selected = {str(value)}
    return state


def stored_states(
    questions: list[QuestionSpec], values: Mapping[str, Any], other: Mapping[str, str]
) -> dict[str, FieldState]:
    return {q.code: stored_state(q, values.get(q.code), other.get(q.code, "")) for q in questions}
