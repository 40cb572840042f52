"""Logic expressions: one parser for the common subset of SurveyJS `visibleIf`,
LimeSurvey relevance (ExpressionScript) and XLSForm `relevant`, and their
translation into TrustPulse conditions (docs/DEFINITIONS.md).

What the condition language cannot say raises ``Unsupported``; the importer
then skips that rule and reports it at its place in the source.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from ..enums import QuestionType

if TYPE_CHECKING:
    from .common import Builder


class Unsupported(Exception):
    """A logic expression (or part of one) that the condition language cannot say."""


def number(raw: Any) -> int | float | None:
    """A number from a source value (`"3"`, `3.0`, `"2.5"`), None when not one."""
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    return int(value) if value == value.to_integral_value() else float(value)


TOKEN_RE = re.compile(
    r"""\s*(?:
      (?P<dref>\$\{[^}]*\})
    | (?P<bref>\{[^}]*\})
    | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<num>-?\d+(?:\.\d+)?)
    | (?P<op>==|!=|<>|>=|<=|&&|\|\||[=<>!(),\[\]])
    | (?P<ident>[A-Za-z_][A-Za-z0-9_.\-]*(?<![.\-]))
    )""",
    re.VERBOSE,
)
WORD_OPS = {"eq": "==", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
CMP = {"==": "eq", "=": "eq", "!=": "neq", "<>": "neq", ">": "gt", ">=": "gte"}
CMP |= {"<": "lt", "<=": "lte"}
FLIP = {"gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte", "eq": "eq", "neq": "neq"}
POSTFIX = {"notempty", "empty", "contains", "notcontains", "anyof", "allof", "noneof"}


def tokenize(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = source.strip()
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(_("cannot read %(text)s") % {"text": repr(text[pos : pos + 20])})
        pos = m.end()
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "dref":
            tokens.append(("ref", value[2:-1].strip()))
        elif kind == "bref":
            tokens.append(("ref", value[1:-1].strip()))
        elif kind == "str":
            tokens.append(("lit", re.sub(r"\\(.)", r"\1", value[1:-1])))
        elif kind == "num":
            tokens.append(("lit", value))
        elif kind == "ident" and value.lower() in WORD_OPS:
            tokens.append(("op", WORD_OPS[value.lower()]))
        elif kind == "ident":
            tokens.append(("word", value))
        else:
            tokens.append(("op", value))
    return tokens


class Parser:
    """Infix logic of SurveyJS, LimeSurvey ExpressionScript and XLSForm (a common subset)."""

    def __init__(self, source: str, *, bare_refs: bool = False) -> None:
        self.tokens = tokenize(source)
        self.pos = 0
        self.bare_refs = bare_refs  # LimeSurvey: a bare name is a question reference

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise Unsupported(_("unexpected end"))
        self.pos += 1
        return tok

    def accept(self, *values: str) -> str | None:
        tok = self.peek()
        if tok and tok[0] in ("op", "word") and tok[1].lower() in values:
            self.pos += 1
            return tok[1].lower()
        return None

    def parse(self) -> Any:
        tree = self.or_()
        if self.peek() is not None:
            raise Unsupported(_("unexpected %(text)s") % {"text": repr(self.peek()[1])})  # type: ignore[index]
        return tree

    def or_(self) -> Any:
        parts = [self.and_()]
        while self.accept("or", "||"):
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else ("any", parts)

    def and_(self) -> Any:
        parts = [self.unary()]
        while self.accept("and", "&&"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else ("all", parts)

    def unary(self) -> Any:
        if self.accept("not", "!"):
            return ("not", self.unary())
        return self.comparison()

    def comparison(self) -> Any:
        left = self.primary()
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in CMP:
            self.pos += 1
            return ("cmp", CMP[tok[1]], left, self.primary())
        word = self.accept(*POSTFIX)
        if word in ("empty", "notempty"):
            return ("func", word, [left])
        if word:
            return ("func", word, [left, self.primary()])
        return left

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "op" and value == "(":
            inner = self.or_()
            self.expect(")")
            return inner
        if kind == "op" and value == "[":
            items = []
            while not self.accept("]"):
                items.append(self.primary())
                self.accept(",")
            return ("list", items)
        if kind == "ref":
            return ("ref", value)
        if kind == "lit":
            return ("lit", value)
        if kind == "word":
            if self.peek() == ("op", "("):
                self.pos += 1
                args = []
                while not self.accept(")"):
                    args.append(self.or_())
                    self.accept(",")
                return ("func", value.lower(), args)
            lower = value.lower()
            if lower in ("true", "false"):
                return ("lit", lower)
            if self.bare_refs:
                return ("ref", value)
            return ("lit", value)
        raise Unsupported(_("unexpected %(text)s") % {"text": repr(value)})

    def expect(self, value: str) -> None:
        if not self.accept(value):
            raise Unsupported(_("expected %(text)s") % {"text": repr(value)})


def _ref(b: "Builder", node: Any) -> tuple[str, str | None, str | None]:
    if not (isinstance(node, tuple) and node[0] == "ref"):
        raise Unsupported(_("a comparison needs a question on one side"))
    name = node[1]
    for suffix in (".NAOK", ".value", ".shown", ".code"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name in b.refs:
        return b.refs[name]
    if "." in name:  # SurveyJS matrix row: {question.row}
        base, _dot, row = name.partition(".")
        if base in b.refs:
            code, _item, _choice = b.refs[base]
            return code, row, None
    raise Unsupported(_("%(code)s is not an earlier question") % {"code": name})


def _lit(node: Any) -> Any:
    if isinstance(node, tuple) and node[0] == "lit":
        return node[1]
    raise Unsupported(_("only comparisons with constants are supported"))


def to_condition(node: Any, b: "Builder") -> dict[str, Any]:
    kind = node[0]
    if kind in ("all", "any"):
        return {kind: [to_condition(n, b) for n in node[1]]}
    if kind == "not":
        inner = to_condition(node[1], b)
        flipped = {"answered": "not_answered", "not_answered": "answered"}.get(inner.get("op", ""))
        if flipped:
            return {**inner, "op": flipped}
        return {"not": inner}
    if kind == "cmp":
        op, left, right = node[1], node[2], node[3]
        if isinstance(right, tuple) and right[0] == "ref" and not (left[0] == "ref"):
            left, right, op = right, left, FLIP[op]
        code, item, choice = _ref(b, left)
        raw = _lit(right)
        if choice is not None:  # a "this option is selected" reference
            selected = str(raw).strip().upper() in ("Y", "1", "TRUE")
            if op not in ("eq", "neq") or (str(raw) != "" and not selected and raw != "N"):
                raise Unsupported(_("an option can only be compared with Y or empty"))
            holds = (op == "eq") == selected
            cond: dict[str, Any] = {"question": code, "op": "eq", "value": choice}
            return cond if holds else {"not": cond}
        if raw == "":
            if op not in ("eq", "neq"):
                raise Unsupported(_("comparison with an empty value"))
            return _cond(code, item, "not_answered" if op == "eq" else "answered")
        if op in ORDERED:
            return _ordered(b, code, item, op, raw)
        return _cond(code, item, op, b.value_for(code, item, raw))
    if kind == "func":
        name, args = node[1], node[2]
        if name in ("selected", "contains", "notcontains") and len(args) == 2:
            code, item, _choice = _ref(b, args[0])
            test = _cond(code, item, "eq", b.value_for(code, item, _lit(args[1])))
            return test if name != "notcontains" else {"not": test}
        if name in ("anyof", "noneof", "allof") and len(args) == 2 and args[1][0] == "list":
            code, item, _choice = _ref(b, args[0])
            values = [b.value_for(code, item, _lit(v)) for v in args[1][1]]
            if name == "allof":
                return {"all": [_cond(code, item, "eq", v) for v in values]}
            return _cond(code, item, "in" if name == "anyof" else "not_in", values)
        if name in ("is_empty", "empty", "notempty", "isempty") and len(args) == 1:
            code, item, _choice = _ref(b, args[0])
            return _cond(code, item, "answered" if name == "notempty" else "not_answered")
        if name == "not" and len(args) == 1:
            return {"not": to_condition(args[0], b)}
        raise Unsupported(_("function %(name)s() is not supported") % {"name": name})
    if kind == "ref":
        code, item, choice = _ref(b, node)
        if choice is not None:
            return {"question": code, "op": "eq", "value": choice}
        return _cond(code, item, "answered")
    raise Unsupported(_("not a condition"))


ORDERED = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
NUMERIC = {"number", "nps", "rating", "scale", "matrix"}


def _holds(op: str, value: float, limit: float) -> bool:
    return {
        "gt": value > limit,
        "gte": value >= limit,
        "lt": value < limit,
        "lte": value <= limit,
    }[op]


def _ordered(b: "Builder", code: str, item: str | None, op: str, raw: Any) -> dict[str, Any]:
    """`>`, `>=`, `<`, `<=`: on a number; on a list of numeric choices, the choices that hold."""
    q = b.questions[code]
    qtype = q["type"]
    if qtype in NUMERIC:
        return _cond(code, item, op, b.value_for(code, item, raw))
    limit = number(raw)
    mapping = b.choice_maps.get(code) or {c["code"]: c["code"] for c in q.get("choices", [])}
    values = {source: number(source) for source in mapping}
    if qtype == "single_choice" and limit is not None and values and None not in values.values():
        keep = [mapping[s] for s, v in values.items() if _holds(op, v, limit)]  # type: ignore[arg-type]
        if keep:
            return _cond(code, item, "in", keep)
        raise Unsupported(
            _("no choice of %(code)s is %(op)s %(value)s")
            % {"code": code, "op": ORDERED[op], "value": raw}
        )
    kind = str(QuestionType(qtype).label).lower() if qtype in QuestionType else qtype
    raise Unsupported(
        _("%(code)s is a %(type)s question: %(op)s compares numbers")
        % {"code": code, "type": kind, "op": ORDERED[op]}
    )


def _cond(code: str, item: str | None, op: str, value: Any = ...) -> dict[str, Any]:
    cond: dict[str, Any] = {"question": code}
    if item is not None:
        cond["item"] = item
    cond["op"] = op
    if value is not ...:
        cond["value"] = value
    return cond


def parse_logic(source: str, *, bare_refs: bool = False) -> Any:
    """The syntax tree of an expression; raises Unsupported when it cannot be read."""
    return Parser(source, bare_refs=bare_refs).parse()
