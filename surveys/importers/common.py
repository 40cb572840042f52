"""What every importer shares: codes, texts, locales, the report, logic expressions.

An importer walks its source and feeds a ``Builder``: sections and questions
in the internal definition format (docs/DEFINITIONS.md), each with the source
location it came from. The builder makes codes valid and unique, reduces
labels to the safe markup subset, and records every approximation or skipped
item, so nothing is dropped silently.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..definition import SCHEMA_VERSION
from ..enums import ReportAction
from ..text import sanitize
from .report import ImportResult, NoticeDraft, ReportItem, file_error

CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
LOCALE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MAX_TEXT = 5000
UNSAFE_RE = re.compile(
    r"<\s*(script|style|iframe|object|embed|form|input|svg|math|link|meta)\b"
    r"|\bon[a-z]+\s*=|javascript\s*:",
    re.IGNORECASE,
)
EXTRAS_KEY = "trustpulse"
LOCALE_ALIASES = {"zh-t": "zh-Hant", "zh-s": "zh-Hans", "zh-tw": "zh-Hant", "zh-cn": "zh-Hans"}


class Unsupported(Exception):
    """A logic expression (or part of one) that the condition language cannot say."""


def make_code(raw: Any, prefix: str = "q") -> str:
    """A valid code from a source name: letters, digits, underscores, a letter first."""
    text = re.sub(r"[^A-Za-z0-9_]+", "_", str(raw or "").strip()).strip("_")
    if not text:
        text = prefix
    if not text[0].isalpha():
        text = f"{prefix}{text}" if text[0].isdigit() else f"{prefix}_{text}"
    return text[:64]


def norm_locale(raw: Any) -> str | None:
    """`EN` → `en`, `pt_BR` → `pt-BR`, `ZH-T` → `zh-Hant`; None when not a locale code."""
    text = str(raw or "").strip().replace("_", "-")
    if not text:
        return None
    alias = LOCALE_ALIASES.get(text.lower())
    if alias:
        return alias
    parts = text.split("-")
    candidate = "-".join([parts[0].lower(), *parts[1:]])
    return candidate if LOCALE_RE.match(candidate) else None


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


class Builder:
    """Collects the definition and the report while an importer walks its source."""

    def __init__(self, fmt: str, *, default_locale: str = "en") -> None:
        self.format = fmt
        self.items: list[ReportItem] = []
        self.default_locale = default_locale
        self.locales: list[str] = [default_locale]
        self.doc: dict[str, Any] = {}
        self.sections: list[dict[str, Any]] = []
        self.section_codes: set[str] = set()
        self.section_where: dict[str, str] = {}  # section code → where it is in the source
        self.question_codes: set[str] = set()
        self.questions: dict[str, dict[str, Any]] = {}  # code → question, in order
        # source reference → (question code, matrix row or None, choice meaning "selected")
        self.refs: dict[str, tuple[str, str | None, str | None]] = {}
        # question code → {source value → choice code}
        self.choice_maps: dict[str, dict[str, str]] = {}
        self.pending_description: dict[str, str] = {}
        self.notice: NoticeDraft | None = None

    # -- the report -------------------------------------------------------------------
    def approx(self, location: str, message: str) -> None:
        self.items.append(
            ReportItem(action=ReportAction.APPROXIMATED, location=location, message=message)
        )

    def skip(self, location: str, message: str) -> None:
        self.items.append(
            ReportItem(action=ReportAction.SKIPPED, location=location, message=message)
        )

    # -- codes, texts ---------------------------------------------------------------
    def unique(self, raw: Any, used: set[str], location: str, prefix: str = "q") -> str:
        code = make_code(raw, prefix)
        if code == "_other" or not CODE_RE.match(code):
            code = f"{prefix}_{code}".strip("_")[:64]
        base, n = code, 2
        while code in used:
            suffix = f"_{n}"
            code = base[: 64 - len(suffix)] + suffix
            n += 1
        if str(raw) != code:
            self.approx(location, f"code {str(raw)[:80]!r} became {code!r}")
        used.add(code)
        return code

    def text(self, value: Any, location: str) -> str:
        """Plain text with the safe markup subset; unsafe markup is reported."""
        raw = "" if value is None else str(value)
        if UNSAFE_RE.search(raw):
            self.approx(location, "unsafe markup (scripts, styles, handlers) removed")
        clean = sanitize(raw).strip()
        clean = re.sub(r"\s+", " ", clean)
        if len(clean) > MAX_TEXT:
            self.approx(location, f"text shortened to {MAX_TEXT} characters")
            clean = clean[:MAX_TEXT]
        return clean

    def localized(self, values: dict[str, Any], location: str) -> dict[str, str]:
        """{locale: text}, keeping only non-empty texts in the survey's locales."""
        out: dict[str, str] = {}
        for locale, value in values.items():
            if locale not in self.locales:
                continue
            clean = self.text(value, location)
            if clean:
                out[locale] = clean
        return out

    # -- structure --------------------------------------------------------------------
    def section(
        self,
        raw_code: Any,
        location: str,
        *,
        title: dict[str, str] | None = None,
        description: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        code = self.unique(raw_code, self.section_codes, location, prefix="s")
        section: dict[str, Any] = {"code": code, "questions": []}
        self.section_where[code] = location
        if title:
            section["title"] = title
        if description:
            section["description"] = description
        self.sections.append(section)
        if self.pending_description:  # display-only text met before any section
            pending, self.pending_description = self.pending_description, {}
            self.describe(section, pending)
        return section

    def texts(self, *, intro: dict[str, str], thanks: dict[str, str]) -> None:
        """The texts shown before and after the questions (when the source has them)."""
        texts = {k: v for k, v in (("intro", intro), ("thanks", thanks)) if v}
        if texts:
            self.doc["texts"] = texts

    def describe(self, section: dict[str, Any] | None, text: dict[str, str]) -> None:
        """Add display-only text to a section's description (or the next section's)."""
        if section is None:
            for locale, value in text.items():
                old = self.pending_description.get(locale)
                self.pending_description[locale] = f"{old}<br><br>{value}" if old else value
            return
        desc = section.setdefault("description", {})
        for locale, value in text.items():
            desc[locale] = f"{desc[locale]}<br><br>{value}" if desc.get(locale) else value
            desc[locale] = desc[locale][:MAX_TEXT]

    def bounds(
        self, lo: int | float | None, hi: int | float | None, where: str
    ) -> tuple[int | float, int | float]:
        """A number question's min and max; missing ones are filled in (and reported)."""
        if lo is not None and hi is not None and lo < hi:
            return lo, hi
        low = lo if lo is not None else 0
        high = hi if hi is not None and hi > low else low + 1000000
        self.approx(where, f"a number without both bounds: {low} to {high} used")
        return low, high

    def add(self, section: dict[str, Any], question: dict[str, Any]) -> None:
        section["questions"].append(question)
        self.questions[question["code"]] = question

    def ref(self, name: str, code: str, item: str | None = None, choice: str | None = None) -> None:
        self.refs[name] = (code, item, choice)

    # -- logic ------------------------------------------------------------------------
    def logic(
        self, source: Any, location: str, *, bare_refs: bool = False
    ) -> dict[str, Any] | None:
        """The condition of a logic expression, or None (reported) when it cannot map."""
        text = str(source or "").strip()
        if not text or text in ("1", "true", "true()"):
            return None
        try:
            return to_condition(parse_logic(text, bare_refs=bare_refs), self)
        except (Unsupported, KeyError, IndexError, TypeError) as exc:
            self.skip(location, f"logic {text[:200]!r} not imported ({exc}): always shown")
            return None

    def value_for(self, code: str, item: str | None, raw: Any) -> Any:
        """A source literal as the cleaned value the condition compares with."""
        q = self.questions[code]
        qtype = q["type"]
        if qtype in ("single_choice", "multiple_choice", "ranking", "attention_check"):
            mapping = self.choice_maps.get(code, {})
            key = str(raw)
            if key in mapping:
                return mapping[key]
            if key in {c["code"] for c in q.get("choices", [])}:
                return key
            raise Unsupported(f"{key!r} is not a choice of {code}")
        if qtype in ("scale", "matrix"):
            mapping = self.choice_maps.get(code, {})
            key = str(raw)
            by_code = {c["code"]: c.get("value") for c in q.get("choices", [])}
            if key in mapping:
                return by_code[mapping[key]]
            if key in by_code:
                return by_code[key]
            n = number(raw)
            if n is None:
                raise Unsupported(f"{key!r} is not a point of {code}")
            return n
        if qtype in ("number", "nps", "rating"):
            n = number(raw)
            if n is None:
                raise Unsupported(f"{raw!r} is not a number")
            return n
        if qtype in ("yes_no", "acknowledgement"):
            key = str(raw).strip().lower()
            if key in ("y", "yes", "true", "1", "true()"):
                return True
            if key in ("n", "no", "false", "0", "false()"):
                return False
            raise Unsupported(f"{raw!r} is not yes or no")
        return str(raw)

    # -- result -----------------------------------------------------------------------
    def result(self, *, title: dict[str, str], kind: str = "survey") -> ImportResult:
        sections = [s for s in self.sections if s["questions"]]
        for s in self.sections:
            if s["questions"]:
                continue
            where = self.section_where.get(s["code"], s["code"])
            if s.get("description"):
                self.describe(None, s["description"])
                self.approx(where, "no question to import: its text moves to the next section")
            elif s.get("title") or s.get("display_logic"):
                self.skip(where, "no question to import: the section is left out")
        if self.pending_description and sections:
            self.describe(sections[-1], self.pending_description)
        if not sections:
            raise file_error("no_questions", "The file holds no question that can be imported.")
        if not title:
            title = {self.default_locale: "Imported survey"}
        doc: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "kind": kind,
            "title": title,
            "default_locale": self.default_locale,
            "locales": self.locales,
            **self.doc,
            "sections": sections,
        }
        return ImportResult(
            format=self.format, document=doc, items=tuple(self.items), notice=self.notice
        )


# -- extras: what a TrustPulse export carries beyond the standard format ----------------


def apply_extras(target: dict[str, Any], extras: Any, skip: tuple[str, ...] = ()) -> None:
    """Restore TrustPulse fields an export stored under the `trustpulse` key."""
    if not isinstance(extras, dict):
        return
    for key, value in extras.items():
        if key in skip:
            continue
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def diff(original: dict[str, Any], back: dict[str, Any], skip: str) -> dict[str, Any]:
    """The fields of `original` that `back` (its standard export, imported) lost."""
    out: dict[str, Any] = {k: v for k, v in original.items() if k != skip and back.get(k) != v}
    out.update({k: None for k in back if k != skip and k not in original})
    return out


def extras_of(
    original: dict[str, Any], back: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """(survey, per-section, per-question) extras that make an export lossless.

    Matched by code, not position: the import drops what the format cannot hold
    (a draft's section without questions), so `back` may have fewer sections.
    """
    top = diff(original, back, "sections")
    sections, questions = [], []
    back_sections = {bs["code"]: bs for bs in back["sections"]}
    for s in original["sections"]:
        bs = back_sections.get(s["code"], {"questions": []})
        back_questions = {bq["code"]: bq for bq in bs["questions"]}
        sections.append(diff(s, bs, "questions"))
        questions.append([diff(q, back_questions.get(q["code"], {}), "") for q in s["questions"]])
    return top, sections, questions


# -- logic expressions ----------------------------------------------------------------

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
            raise Unsupported(f"cannot read {text[pos : pos + 20]!r}")
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
            raise Unsupported("unexpected end")
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
            raise Unsupported(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
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
        raise Unsupported(f"unexpected {value!r}")

    def expect(self, value: str) -> None:
        if not self.accept(value):
            raise Unsupported(f"expected {value!r}")


def _ref(b: Builder, node: Any) -> tuple[str, str | None, str | None]:
    if not (isinstance(node, tuple) and node[0] == "ref"):
        raise Unsupported("a comparison needs a question on one side")
    name = node[1]
    for suffix in (".NAOK", ".value", ".shown", ".code"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name in b.refs:
        return b.refs[name]
    if "." in name:  # SurveyJS matrix row: {question.row}
        base, _, row = name.partition(".")
        if base in b.refs:
            code, _, _ = b.refs[base]
            return code, row, None
    raise Unsupported(f"{name} is not an earlier question")


def _lit(node: Any) -> Any:
    if isinstance(node, tuple) and node[0] == "lit":
        return node[1]
    raise Unsupported("only comparisons with constants are supported")


def to_condition(node: Any, b: Builder) -> dict[str, Any]:
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
                raise Unsupported("an option can only be compared with Y or empty")
            holds = (op == "eq") == selected
            cond: dict[str, Any] = {"question": code, "op": "eq", "value": choice}
            return cond if holds else {"not": cond}
        if raw == "":
            if op not in ("eq", "neq"):
                raise Unsupported("comparison with an empty value")
            return _cond(code, item, "not_answered" if op == "eq" else "answered")
        return _cond(code, item, op, b.value_for(code, item, raw))
    if kind == "func":
        name, args = node[1], node[2]
        if name in ("selected", "contains", "notcontains") and len(args) == 2:
            code, item, _ = _ref(b, args[0])
            test = _cond(code, item, "eq", b.value_for(code, item, _lit(args[1])))
            return test if name != "notcontains" else {"not": test}
        if name in ("anyof", "noneof", "allof") and len(args) == 2 and args[1][0] == "list":
            code, item, _ = _ref(b, args[0])
            values = [b.value_for(code, item, _lit(v)) for v in args[1][1]]
            if name == "allof":
                return {"all": [_cond(code, item, "eq", v) for v in values]}
            return _cond(code, item, "in" if name == "anyof" else "not_in", values)
        if name in ("is_empty", "empty", "notempty", "isempty") and len(args) == 1:
            code, item, _ = _ref(b, args[0])
            return _cond(code, item, "answered" if name == "notempty" else "not_answered")
        if name == "not" and len(args) == 1:
            return {"not": to_condition(args[0], b)}
        raise Unsupported(f"function {name}() is not supported")
    if kind == "ref":
        code, item, choice = _ref(b, node)
        if choice is not None:
            return {"question": code, "op": "eq", "value": choice}
        return _cond(code, item, "answered")
    raise Unsupported("not a condition")


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
