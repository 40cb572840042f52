"""The builder's web forms: POST data ↔ definition objects (sections, questions, conditions).

Plain HTML forms (no JavaScript needed). A localized text is one input per
survey locale, named ``<field>__<locale>``; choices are rows ``c-<i>-<field>``,
matrix rows ``r-<i>-<field>``, display-logic conditions ``cond-<i>-<field>``
and skip rules ``skip-<i>-<field>``. Parsing never refuses anything: a value
that does not parse is passed on as typed, so the definition rules report it
with the same code and path as a JSON import.
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from surveys.enums import QuestionType as T
from trustpulse.validation import FieldError

NUMERIC_TYPES = {T.SCALE, T.MATRIX, T.NPS, T.RATING, T.NUMBER}
CHOICE_TYPES = {T.SINGLE_CHOICE, T.MULTIPLE_CHOICE, T.SCALE, T.MATRIX, T.RANKING}
CHOICE_TYPES |= {T.ATTENTION_CHECK}
OPS: list[tuple[str, Any]] = [
    ("eq", _("equals")),
    ("neq", _("does not equal")),
    ("in", _("is one of (comma-separated)")),
    ("not_in", _("is none of (comma-separated)")),
    ("gt", _("is greater than")),
    ("gte", _("is at least")),
    ("lt", _("is less than")),
    ("lte", _("is at most")),
    ("answered", _("is answered")),
    ("not_answered", _("is not answered")),
]
NO_VALUE_OPS = {"answered", "not_answered"}
EXTRA_ROWS = 2  # blank rows offered for new choices, matrix rows, conditions, bands
_INT = re.compile(r"^[+-]?\d+$")


def number(text: str) -> Any:
    """``"4"`` → 4, ``"2.5"`` → 2.5; anything else stays the string it was."""
    text = text.strip()
    if _INT.match(text):
        return int(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return float(value) if value.is_finite() else text


def localized(post: Mapping[str, Any], name: str, locales: Sequence[str]) -> dict[str, str]:
    """``{locale: text}`` of the non-blank inputs ``<name>__<locale>``."""
    out = {}
    for locale in locales:
        value = str(post.get(f"{name}__{locale}", "") or "").strip()
        if value:
            out[locale] = value
    return out


def _checked(post: Mapping[str, Any], name: str) -> bool:
    return str(post.get(name, "")) in ("on", "1", "true")


def _indices(post: Mapping[str, Any], prefix: str) -> list[int]:
    found = set()
    for key in post:
        m = re.match(rf"^{prefix}-(\d+)-", key)
        if m:
            found.add(int(m.group(1)))
    return sorted(found)


def _order(post: Mapping[str, Any], prefix: str, indices: list[int]) -> list[int]:
    """Rows sorted by their "order" inputs (rows without one keep their place)."""

    def key(i: int) -> tuple[float, int]:
        raw = str(post.get(f"{prefix}-{i}-order", "") or "").strip()
        try:
            return (float(raw), i)
        except ValueError:
            return (float(i), i)

    return sorted(indices, key=key)


# Conditions ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LogicTarget:
    """A question a condition may refer to (matrix rows are targets of their own)."""

    value: str  # "code" or "code::row"
    label: str
    type: str


def logic_targets(questions: Sequence[Mapping[str, Any]], locale: str) -> list[LogicTarget]:
    out = []
    for q in questions:
        text = _first(q.get("text"), locale)
        out.append(LogicTarget(value=q["code"], label=f"{q['code']} – {text}", type=q["type"]))
        if q["type"] == T.MATRIX:
            for row in q.get("settings", {}).get("rows", []):
                out.append(
                    LogicTarget(
                        value=f"{q['code']}::{row['code']}",
                        label=f"{q['code']} / {row['code']} – {_first(row.get('text'), locale)}",
                        type=T.MATRIX,
                    )
                )
    return out


def _first(value: Any, locale: str) -> str:
    if not isinstance(value, Mapping):
        return ""
    text = value.get(locale) or next(iter(value.values()), "")
    return re.sub(r"<[^>]+>", "", str(text))[:80]


def _condition_value(op: str, text: str, qtype: str) -> Any:
    if op in ("in", "not_in"):
        return [_condition_value("eq", part, qtype) for part in text.split(",") if part.strip()]
    text = text.strip()
    if qtype in NUMERIC_TYPES:
        return number(text)
    if qtype == T.YES_NO:
        lowered = text.lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
    return text


def parse_condition_rows(
    post: Mapping[str, Any], prefix: str, types: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The simple conditions posted as rows ``<prefix>-<i>-question/op/value``."""
    out = []
    for i in _indices(post, prefix):
        target = str(post.get(f"{prefix}-{i}-question", "") or "").strip()
        if not target or _checked(post, f"{prefix}-{i}-delete"):
            continue
        op = str(post.get(f"{prefix}-{i}-op", "eq") or "eq")
        code, _sep, item = target.partition("::")
        cond: dict[str, Any] = {"question": code, "op": op}
        if item:
            cond["item"] = item
        if op not in NO_VALUE_OPS:
            cond["value"] = _condition_value(
                op, str(post.get(f"{prefix}-{i}-value", "") or ""), types.get(code, "")
            )
        out.append(cond)
    return out


def parse_logic(
    post: Mapping[str, Any], types: Mapping[str, str], errors: list[FieldError]
) -> dict[str, Any] | None:
    """Display logic from the rows (joined by all/any), or the advanced JSON when given."""
    advanced = str(post.get("logic_json", "") or "").strip()
    if advanced:
        try:
            value = json.loads(advanced)
        except ValueError:
            errors.append(
                FieldError(
                    field="display_logic", code="invalid_json", message=gettext("Not valid JSON.")
                )
            )
            return None
        return value if value else None
    conds = parse_condition_rows(post, "cond", types)
    if not conds:
        return None
    if len(conds) == 1:
        return conds[0]
    join = "any" if post.get("cond_join") == "any" else "all"
    return {join: conds}


def simple_conditions(logic: Any) -> tuple[str, list[dict[str, Any]]] | None:
    """(join, conditions) when `logic` fits the rows editor, else None (shown as JSON)."""
    if not logic:
        return "all", []
    if isinstance(logic, Mapping) and "question" in logic:
        return "all", [dict(logic)]
    if isinstance(logic, Mapping) and len(logic) == 1:
        join = next(iter(logic))
        items = logic[join]
        if join in ("all", "any") and isinstance(items, list):
            if all(isinstance(c, Mapping) and "question" in c for c in items):
                return join, [dict(c) for c in items]
    return None


def condition_value_text(cond: Mapping[str, Any]) -> str:
    value = cond.get("value")
    if isinstance(value, list):
        return ", ".join(_scalar_text(v) for v in value)
    return "" if value is None else _scalar_text(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True, kw_only=True)
class ConditionRow:
    index: int
    target: str
    op: str
    value: str


def condition_rows(conds: Sequence[Mapping[str, Any]], extra: int = 1) -> list[ConditionRow]:
    rows = [
        ConditionRow(
            index=i,
            target=str(c.get("question", "")) + (f"::{c['item']}" if c.get("item") else ""),
            op=str(c.get("op", "eq")),
            value=condition_value_text(c),
        )
        for i, c in enumerate(conds)
    ]
    rows += [ConditionRow(index=len(conds) + k, target="", op="eq", value="") for k in range(extra)]
    return rows


# Questions --------------------------------------------------------------------------


def parse_question(
    post: Mapping[str, Any],
    *,
    locales: Sequence[str],
    types: Mapping[str, str],
    errors: list[FieldError],
) -> dict[str, Any]:
    """A definition question object from the question editor's POST."""
    qtype = str(post.get("type", "") or "")
    q: dict[str, Any] = {
        "code": str(post.get("code", "") or "").strip(),
        "type": qtype,
        "text": localized(post, "text", locales),
        "help_text": localized(post, "help_text", locales),
        "required": _checked(post, "required"),
        "construct": str(post.get("construct", "") or "").strip(),
        "reverse_coded": _checked(post, "reverse_coded"),
        "purpose": str(post.get("purpose", "") or "").strip(),
        "quasi_identifier": _checked(post, "quasi_identifier"),
        "segment_attribute": str(post.get("segment_attribute", "") or "").strip(),
    }
    points = str(post.get("points", "") or "").strip()
    q["points"] = number(points) if points else 0
    if qtype in (T.SINGLE_CHOICE, T.MULTIPLE_CHOICE, T.RANKING, T.ATTENTION_CHECK):
        q["randomize_choices"] = _checked(post, "randomize_choices")
    if qtype in (T.SINGLE_CHOICE, T.MULTIPLE_CHOICE):
        q["allow_other"] = _checked(post, "allow_other")
    q["settings"] = _settings(post, qtype, locales)
    if qtype in CHOICE_TYPES:
        q["choices"] = _choices(post, qtype, locales)
    logic = parse_logic(post, types, errors)
    if logic:
        q["display_logic"] = logic
    return {k: v for k, v in q.items() if v not in ({}, "", None) or k in ("code", "text")}


def _settings(post: Mapping[str, Any], qtype: str, locales: Sequence[str]) -> dict[str, Any]:
    s: dict[str, Any] = {}

    def put_number(key: str, name: str, integer: bool = False) -> None:
        raw = str(post.get(name, "") or "").strip()
        if raw:
            s[key] = number(raw)

    def put_text(key: str) -> None:
        value = localized(post, f"set_{key}", locales)
        if value:
            s[key] = value

    if qtype in (T.SINGLE_CHOICE, T.MULTIPLE_CHOICE):
        put_text("other_label")
    if qtype == T.MULTIPLE_CHOICE:
        put_number("min_selections", "set_min_selections")
        put_number("max_selections", "set_max_selections")
    if qtype in (T.SCALE, T.NPS):
        put_text("low_label")
        put_text("high_label")
    if qtype == T.NUMBER:
        put_number("min", "set_min")
        put_number("max", "set_max")
        put_number("step", "set_step")
        widget = str(post.get("set_widget", "") or "")
        if widget:
            s["widget"] = widget
        put_text("unit")
    if qtype in (T.SHORT_TEXT, T.LONG_TEXT):
        put_number("max_length", "set_max_length")
        put_text("placeholder")
    if qtype == T.DATE:
        for key in ("min", "max"):
            raw = str(post.get(f"set_{key}", "") or "").strip()
            if raw:
                s[key] = raw
    if qtype == T.MATRIX:
        s["rows"] = _matrix_rows(post, locales)
    return s


def _choices(post: Mapping[str, Any], qtype: str, locales: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for i in _order(post, "c", _indices(post, "c")):
        p = f"c-{i}-"
        code = str(post.get(p + "code", "") or "").strip()
        label = localized(post, p + "label", locales)
        value = str(post.get(p + "value", "") or "").strip()
        if _checked(post, p + "delete") or not (code or label or value):
            continue
        c: dict[str, Any] = {"code": code, "label": label}
        if value:
            c["value"] = number(value)
        if _checked(post, p + "correct"):
            c["is_correct"] = True
        feedback = localized(post, p + "feedback", locales)
        if feedback:
            c["feedback"] = feedback
        if qtype == T.MULTIPLE_CHOICE and _checked(post, p + "exclusive"):
            c["exclusive"] = True
        out.append(c)
    return out


def _matrix_rows(post: Mapping[str, Any], locales: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for i in _order(post, "r", _indices(post, "r")):
        p = f"r-{i}-"
        code = str(post.get(p + "code", "") or "").strip()
        text = localized(post, p + "text", locales)
        if _checked(post, p + "delete") or not (code or text):
            continue
        row: dict[str, Any] = {"code": code, "text": text}
        construct = str(post.get(p + "construct", "") or "").strip()
        if construct:
            row["construct"] = construct
        if _checked(post, p + "reverse"):
            row["reverse_coded"] = True
        out.append(row)
    return out


def question_defaults(qtype: str, code: str) -> dict[str, Any]:
    """A sensible new question of `qtype` (the author edits it before saving)."""
    q: dict[str, Any] = {"code": code, "type": qtype, "text": {}}
    if qtype == T.SCALE:
        q["choices"] = [{"code": f"s{v}", "value": v, "label": {}} for v in range(1, 6)]
    elif qtype == T.MATRIX:
        q["choices"] = [{"code": f"s{v}", "value": v, "label": {}} for v in range(1, 6)]
        q["settings"] = {"rows": [{"code": "r1", "text": {}}, {"code": "r2", "text": {}}]}
    elif qtype in CHOICE_TYPES:
        q["choices"] = [{"code": "a", "label": {}}, {"code": "b", "label": {}}]
    elif qtype == T.NUMBER:
        q["settings"] = {"min": 0, "max": 100}
    return q


# Sections ---------------------------------------------------------------------------


def parse_section(
    post: Mapping[str, Any],
    *,
    locales: Sequence[str],
    types: Mapping[str, str],
    errors: list[FieldError],
) -> dict[str, Any]:
    """The fields of a definition section (without its questions) from the section editor."""
    s: dict[str, Any] = {
        "code": str(post.get("code", "") or "").strip(),
        "title": localized(post, "title", locales),
        "description": localized(post, "description", locales),
        "randomize_questions": _checked(post, "randomize_questions"),
        "display_logic": parse_logic(post, types, errors),
    }
    advanced = str(post.get("skip_json", "") or "").strip()
    if advanced:
        try:
            s["skip_logic"] = json.loads(advanced)
        except ValueError:
            errors.append(
                FieldError(
                    field="skip_logic", code="invalid_json", message=gettext("Not valid JSON.")
                )
            )
    else:
        rules = []
        for i in _indices(post, "skip"):
            conds = parse_condition_rows(
                {k.replace(f"skip-{i}-", f"one-{i}-"): v for k, v in post.items()}, "one", types
            )
            to = str(post.get(f"skip-{i}-to", "") or "").strip()
            if conds and to:
                rules.append({"when": conds[0], "to": to})
        s["skip_logic"] = rules
    return s


@dataclass(frozen=True, kw_only=True)
class SkipRow:
    index: int
    target: str
    op: str
    value: str
    to: str


def skip_rows(rules: Any) -> list[SkipRow] | None:
    """The skip rules as editor rows (None when one is not a simple condition)."""
    rows = []
    for i, rule in enumerate(rules or []):
        when = rule.get("when") if isinstance(rule, Mapping) else None
        if not isinstance(when, Mapping) or "question" not in when:
            return None
        (row,) = condition_rows([when], extra=0)
        rows.append(SkipRow(index=i, target=row.target, op=row.op, value=row.value, to=rule["to"]))
    rows.append(SkipRow(index=len(rows), target="", op="eq", value="", to=""))
    return rows


# Errors -----------------------------------------------------------------------------


def error_key(path: str) -> str:
    """The form field an error path belongs to (``choices[1].label.en`` → ``c-1``)."""
    m = re.match(r"^choices\[(\d+)\]", path)
    if m:
        return f"c-{m.group(1)}"
    m = re.match(r"^settings\.rows\[(\d+)\]", path)
    if m:
        return f"r-{m.group(1)}"
    m = re.match(r"^settings\.(\w+)", path)
    if m:
        return f"set_{m.group(1)}"
    m = re.match(r"^purposes\[(\d+)\]", path)
    if m:
        return f"p-{m.group(1)}"
    m = re.match(r"^controller\.(\w+)", path)
    if m:
        return f"controller_{m.group(1)}"
    m = re.match(r"^texts\.(\w+)", path)
    if m:
        return m.group(1)
    m = re.match(r"^outcomes\[(\d+)\]", path)
    if m:
        return f"o-{m.group(1)}"
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    return {"display_logic": "logic", "$": "form"}.get(head, head)


@dataclass(kw_only=True)
class FormErrors:
    """Errors of one form: all of them (for the summary) and by field (shown inline)."""

    items: list[FieldError] = field(default_factory=list)

    @property
    def by_key(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.items:
            out.setdefault(error_key(e.field), []).append(f"{e.message} ({e.field})")
        return out

    @property
    def links(self) -> list[dict[str, str]]:
        """The summary's entries, each linking to the field it belongs to (``#f-<key>``)."""
        return [
            {
                "href": f"#f-{error_key(e.field)}",
                "field": e.field,
                "code": e.code,
                "message": e.message,
            }
            for e in self.items
        ]

    def __bool__(self) -> bool:
        return bool(self.items)
