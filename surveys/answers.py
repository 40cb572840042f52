"""Checking and normalizing answer values, per question type. Pure functions.

Raw values (from the API's JSON or the web form, already typed) become
*cleaned* values that logic evaluates, scoring reads and storage writes:

==================  ==========================================  ====================
type                raw value                                   cleaned value
==================  ==========================================  ====================
single_choice       choice code (``"_other"`` + ``other`` text)  str
multiple_choice     list of choice codes                        list[str]
scale               the point's number                          Decimal
matrix              {row code: point number}                    dict[str, Decimal]
nps / rating        integer 0–10 / 1–5                           int
number              number within min..max on the step grid     Decimal
short/long_text     string up to max_length                     str
yes_no              true / false                                bool
ranking             every choice code once, best first          list[str]
date                "YYYY-MM-DD" within min..max                date
acknowledgement     true                                        True
attention_check     choice code                                 str
==================  ==========================================  ====================
"""

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .enums import QuestionType as T
from .logic import evaluate, section_path
from .spec import OTHER, QuestionSpec, VersionSpec


class AnswerError(Exception):
    def __init__(self, code: str, message: str, subfield: str = "value"):
        self.code, self.message, self.subfield = code, message, subfield
        super().__init__(message)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _int(value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise AnswerError("invalid_type", _("Must be a whole number."))
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise AnswerError("invalid_type", _("Must be a whole number."))
    if int(value) != value:
        raise AnswerError("invalid_type", _("Must be a whole number."))
    if not lo <= int(value) <= hi:
        raise AnswerError(
            "out_of_range", _("Must be between %(lo)s and %(hi)s.") % {"lo": lo, "hi": hi}
        )
    return int(value)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise AnswerError("invalid_type", _("Must be a number."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise AnswerError("invalid_type", _("Must be a number.")) from None
    if not number.is_finite():
        raise AnswerError("invalid_type", _("Must be a number."))
    return number


def _text(value: Any, max_length: int) -> str:
    if not isinstance(value, str):
        raise AnswerError("invalid_type", _("Must be text."))
    if "\x00" in value:
        raise AnswerError("invalid_characters", _("Contains characters that are not allowed."))
    text: str = value.strip()
    if len(text) > max_length:
        raise AnswerError("too_long", _("At most %(n)s characters.") % {"n": max_length})
    return text


def _choice_code(q: QuestionSpec, value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerError("invalid_type", _("Must be a choice code."))
    if value == OTHER and q.allow_other:
        return value
    if q.choice(value) is None:
        raise AnswerError("invalid_choice", _("Not one of the choices."))
    return value


def _scale_point(q: QuestionSpec, value: Any) -> Decimal:
    number = _decimal(value) if not isinstance(value, str) else None
    if number is None or q.scale_choice(number) is None:
        raise AnswerError("invalid_choice", _("Not one of the scale points."))
    return number


def _clean_value(q: QuestionSpec, value: Any, other: Any) -> Any:
    t = q.type
    if t in (T.SINGLE_CHOICE, T.ATTENTION_CHECK):
        code = _choice_code(q, value)
        if code == OTHER and _is_empty(_text(other or "", 500)):
            raise AnswerError("required", _("Please specify."), "other")
        return code
    if t == T.MULTIPLE_CHOICE:
        if not isinstance(value, list):
            raise AnswerError("invalid_type", _("Must be a list of choice codes."))
        codes = [_choice_code(q, v) for v in value]
        if len(set(codes)) != len(codes):
            raise AnswerError("duplicate", _("A choice is selected twice."))
        lo, hi = q.settings.get("min_selections"), q.settings.get("max_selections")
        if lo is not None and len(codes) < lo:
            raise AnswerError("too_few", _("Select at least %(n)s.") % {"n": lo})
        if hi is not None and len(codes) > hi:
            raise AnswerError("too_many", _("Select at most %(n)s.") % {"n": hi})
        exclusive = {c.code for c in q.choices if c.exclusive}
        if len(codes) > 1 and exclusive.intersection(codes):
            raise AnswerError("exclusive", _("This choice cannot be combined with others."))
        if OTHER in codes and _is_empty(_text(other or "", 500)):
            raise AnswerError("required", _("Please specify."), "other")
        return codes
    if t == T.SCALE:
        return _scale_point(q, value)
    if t == T.MATRIX:
        if not isinstance(value, dict):
            raise AnswerError("invalid_type", _("Must be an object of row codes to points."))
        rows = [r["code"] for r in q.rows]
        unknown = sorted(set(value) - set(rows))
        if unknown:
            raise AnswerError("invalid_choice", _("Unknown row: %(row)s.") % {"row": unknown[0]})
        cleaned = {r: _scale_point(q, value[r]) for r in rows if not _is_empty(value.get(r))}
        if q.required and len(cleaned) < len(rows):
            raise AnswerError("required", _("Please answer every row."))
        return cleaned
    if t == T.NPS:
        return _int(value, 0, 10)
    if t == T.RATING:
        return _int(value, 1, 5)
    if t == T.NUMBER:
        number = _decimal(value)
        lo, hi = Decimal(str(q.settings["min"])), Decimal(str(q.settings["max"]))
        if not lo <= number <= hi:
            raise AnswerError(
                "out_of_range", _("Must be between %(lo)s and %(hi)s.") % {"lo": lo, "hi": hi}
            )
        step = q.settings.get("step")
        if step and (number - lo) % Decimal(str(step)) != 0:
            raise AnswerError("invalid_step", _("Must be in steps of %(s)s.") % {"s": step})
        return number
    if t in (T.SHORT_TEXT, T.LONG_TEXT):
        return _text(value, q.max_length)
    if t == T.YES_NO:
        if not isinstance(value, bool):
            raise AnswerError("invalid_type", _("Must be yes or no."))
        return value
    if t == T.RANKING:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError("invalid_type", _("Must be a list of choice codes."))
        if sorted(value) != sorted(c.code for c in q.choices):
            raise AnswerError("invalid_choice", _("Rank every choice exactly once."))
        return list(value)
    if t == T.DATE:
        # A stored answer comes back as a date (values_from_rows): check it again as one.
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = value.isoformat()
        if not isinstance(value, str):
            raise AnswerError("invalid_type", _("Must be a date as YYYY-MM-DD."))
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise AnswerError("invalid_format", _("Must be a date as YYYY-MM-DD.")) from None
        lo, hi = q.settings.get("min"), q.settings.get("max")
        if (lo and day < dt.date.fromisoformat(lo)) or (hi and day > dt.date.fromisoformat(hi)):
            raise AnswerError("out_of_range", _("Date out of the allowed range."))
        return day
    if t == T.ACKNOWLEDGEMENT:
        if value is not True:
            raise AnswerError("invalid_type", _("Must be true."))
        return True
    raise AnswerError("invalid", _("Unsupported question type."))  # pragma: no cover


@dataclass(frozen=True, kw_only=True)
class AnswerProblem:
    question: str
    code: str
    message: str
    subfield: str = "value"


@dataclass(frozen=True, kw_only=True)
class CleanedAnswers:
    values: dict[str, Any]
    other: dict[str, str]
    path: list[str]
    problems: list[AnswerProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def clean_question(q: QuestionSpec, value: Any, other: Any = None) -> Any:
    """The cleaned value of one answer; None when unanswered. Raises AnswerError."""
    if _is_empty(value) or (q.type == T.ACKNOWLEDGEMENT and value is False):
        return None
    cleaned = _clean_value(q, value, other)
    return None if _is_empty(cleaned) else cleaned


def visible_questions(
    spec: VersionSpec,
    section_code: str,
    answers: Mapping[str, Any],
    withheld: Collection[str] = (),
) -> list[QuestionSpec]:
    section = spec.section(section_code)
    assert section is not None
    return [
        q
        for q in section.questions
        if q.code not in withheld and evaluate(q.display_logic, answers)
    ]


def withheld_problem(q: QuestionSpec) -> AnswerProblem:
    """An answer to a question whose consent purpose was not granted."""
    return AnswerProblem(
        question=q.code,
        code="purpose_not_granted",
        message=_(
            "This question is asked only with consent to the purpose “%(purpose)s”, "
            "which was not given."
        )
        % {"purpose": q.purpose},
        subfield="question",
    )


def clean_answers(
    spec: VersionSpec,
    raw: Mapping[str, Any],
    other: Mapping[str, Any] | None = None,
    *,
    sections: list[str] | None = None,
    complete: bool = True,
    withheld: Collection[str] = (),
) -> CleanedAnswers:
    """Check every answer of a response against the definition and its logic.

    `sections` limits the check to those sections (the web flow checks one page
    at a time); otherwise the whole path through the survey is walked. With
    `complete`, visible required questions must be answered. Answers to
    questions the respondent never sees are refused ("not_shown"); answers to
    `withheld` questions (their consent purpose was not granted) are refused
    ("purpose_not_granted"), and logic reads those questions as unanswered.
    """
    other = other or {}
    problems: list[AnswerProblem] = []
    values: dict[str, Any] = {}
    others: dict[str, str] = {}
    for code in raw:
        if spec.question(code) is None:
            problems.append(
                AnswerProblem(
                    question=code, code="unknown_question", message=_("No such question.")
                )
            )
    # Clean in definition order so later logic sees earlier cleaned answers.
    for q in spec.questions:
        if q.code not in raw:
            continue
        if q.code in withheld:
            problems.append(withheld_problem(q))
            continue
        try:
            cleaned = clean_question(q, raw[q.code], other.get(q.code))
        except AnswerError as err:
            problems.append(
                AnswerProblem(
                    question=q.code, code=err.code, message=err.message, subfield=err.subfield
                )
            )
            continue
        if cleaned is not None:
            values[q.code] = cleaned
            if OTHER in (cleaned if isinstance(cleaned, list) else [cleaned]):
                others[q.code] = _text(other.get(q.code) or "", 500)
    path = section_path(spec.rules(withheld), values)
    walk = sections if sections is not None else path
    shown: set[str] = set()
    for section_code in walk:
        for q in visible_questions(spec, section_code, values, withheld):
            shown.add(q.code)
            if complete and q.required and q.code not in values:
                if not any(p.question == q.code for p in problems):
                    problems.append(
                        AnswerProblem(
                            question=q.code,
                            code="required",
                            message=_("This question is required."),
                        )
                    )
    if sections is None:
        for code in list(values):
            if code not in shown:
                problems.append(
                    AnswerProblem(
                        question=code,
                        code="not_shown",
                        message=_("This question is not shown for the other answers given."),
                    )
                )
    return CleanedAnswers(values=values, other=others, path=path, problems=problems)


def score(spec: VersionSpec, values: Mapping[str, Any]) -> Decimal:
    """A quiz's score: each scored question's points when answered correctly."""
    total = Decimal(0)
    for q in spec.questions:
        if not q.is_scored or q.code not in values:
            continue
        correct = {c.code for c in q.choices if c.is_correct}
        given = values[q.code]
        given_set = set(given) if isinstance(given, list) else {given}
        if given_set == correct or (q.type == T.SINGLE_CHOICE and given in correct):
            total += q.points
    return total


def feedback(spec: VersionSpec, values: Mapping[str, Any]) -> list[tuple[QuestionSpec, list]]:
    """Per-answer feedback of a quiz: (question, [chosen choices with feedback])."""
    out = []
    for q in spec.questions:
        if q.code not in values or not q.choices:
            continue
        given = values[q.code]
        chosen = [c for c in q.choices if c.code in (given if isinstance(given, list) else [given])]
        if any(c.feedback for c in chosen) or q.is_scored:
            out.append((q, chosen))
    return out


def answer_rows(q: QuestionSpec, value: Any, other: str = "") -> list[dict[str, Any]]:
    """The Answer rows (typed columns) that store one cleaned value."""
    t = q.type
    if t in (T.SINGLE_CHOICE, T.ATTENTION_CHECK):
        choice = q.choice(value)
        num = choice.value if choice else None
        return [{"choice": value, "number": num, "text": other if value == OTHER else ""}]
    if t == T.MULTIPLE_CHOICE:
        return [{"choice": c, "text": other if c == OTHER else ""} for c in value]
    if t == T.SCALE:
        point = q.scale_choice(value)
        return [{"choice": point.code if point else "", "number": value}]
    if t == T.MATRIX:
        rows = []
        for item, number in value.items():
            point = q.scale_choice(number)
            rows.append({"item": item, "choice": point.code if point else "", "number": number})
        return rows
    if t in (T.NPS, T.RATING, T.NUMBER):
        return [{"number": Decimal(value)}]
    if t in (T.SHORT_TEXT, T.LONG_TEXT):
        return [{"text": value}]
    if t in (T.YES_NO, T.ACKNOWLEDGEMENT):
        return [{"boolean": value}]
    if t == T.RANKING:
        return [{"choice": c, "number": Decimal(i + 1)} for i, c in enumerate(value)]
    if t == T.DATE:
        return [{"date": value}]
    raise ValueError(t)  # pragma: no cover


def values_from_rows(
    spec: VersionSpec, rows: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Rebuild cleaned values from stored Answer rows (resuming a partial response)."""
    values: dict[str, Any] = {}
    others: dict[str, str] = {}
    by_code: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by_code.setdefault(r["question_code"], []).append(r)
    for code, rs in by_code.items():
        q = spec.question(code)
        if q is None:
            continue
        t = q.type
        r0 = rs[0]
        if t in (T.SINGLE_CHOICE, T.ATTENTION_CHECK):
            values[code] = r0["choice"]
        elif t == T.MULTIPLE_CHOICE:
            values[code] = [r["choice"] for r in rs]
        elif t == T.SCALE:
            values[code] = Decimal(r0["number"]).normalize()
        elif t == T.MATRIX:
            values[code] = {r["item"]: Decimal(r["number"]).normalize() for r in rs}
        elif t in (T.NPS, T.RATING):
            values[code] = int(r0["number"])
        elif t == T.NUMBER:
            values[code] = Decimal(r0["number"]).normalize()
        elif t in (T.SHORT_TEXT, T.LONG_TEXT):
            values[code] = r0["text"]
        elif t in (T.YES_NO, T.ACKNOWLEDGEMENT):
            values[code] = r0["boolean"]
        elif t == T.RANKING:
            values[code] = [r["choice"] for r in sorted(rs, key=lambda r: r["number"])]
        elif t == T.DATE:
            values[code] = r0["date"]
        for r in rs:
            if r["choice"] == OTHER:
                others[code] = r["text"]
    return values, others
