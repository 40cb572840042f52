"""The second pass over a definition document: the rules a schema cannot say (unique
codes, choices per type, logic that points backwards, quiz scoring, segments,
cross-tabulations, locales), every violation recorded with its path."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from trustpulse.validation import FieldError, path_join

from ..enums import QuestionType
from ..logic import END

T = QuestionType
CHOICE_REQUIRED = {T.SINGLE_CHOICE, T.MULTIPLE_CHOICE, T.SCALE, T.MATRIX, T.RANKING}
CHOICE_REQUIRED |= {T.ATTENTION_CHECK}
SCALE_TYPES = {T.SCALE, T.MATRIX}
ALLOWED_SETTINGS: dict[str, set[str]] = {
    T.SINGLE_CHOICE: {"other_label"},
    T.MULTIPLE_CHOICE: {"min_selections", "max_selections", "other_label"},
    T.SCALE: {"low_label", "high_label"},
    T.MATRIX: {"rows"},
    T.NPS: {"low_label", "high_label"},
    T.RATING: set(),
    T.NUMBER: {"min", "max", "step", "widget", "unit"},
    T.SHORT_TEXT: {"max_length", "placeholder"},
    T.LONG_TEXT: {"max_length", "placeholder"},
    T.YES_NO: set(),
    T.RANKING: set(),
    T.DATE: {"min", "max"},
    T.ACKNOWLEDGEMENT: set(),
    T.ATTENTION_CHECK: set(),
}
# Segment dimensions the platform computes itself; a question cannot declare them.
BUILT_IN_SEGMENTS = {"westin_segment", "locale", "channel"}
SEGMENT_TYPES = {T.SINGLE_CHOICE, T.YES_NO, T.SCALE, T.RATING}
CROSSTAB_TYPES = {T.SINGLE_CHOICE, T.MULTIPLE_CHOICE, T.YES_NO, T.SCALE, T.RATING, T.NPS}
CROSSTAB_TYPES |= {T.MATRIX}
MAX_TEXT_LENGTH = {T.SHORT_TEXT: 1000, T.LONG_TEXT: 20000}
NUMERIC_OPS = {"gt", "gte", "lt", "lte"}


class Checker:
    """The semantic rules, recording every violation with its path."""

    def __init__(self, doc: dict[str, Any]):
        self.doc = doc
        self.errors: list[FieldError] = []
        locales = doc.get("locales")
        self.locales: list[str] = locales if isinstance(locales, list) else []

    def add(self, path: list[str | int], code: str, message: str) -> None:
        self.errors.append(FieldError(field=path_join(path), code=code, message=message))

    def localized(self, value: dict[str, str] | None, path: list[str | int]) -> None:
        if not isinstance(value, dict):  # reported by the schema pass
            return
        for locale in value:
            if locale not in self.locales:
                self.add(
                    path + [locale], "unknown_locale", gettext("not one of the survey's locales")
                )

    def run(self) -> list[FieldError]:
        doc = self.doc
        if "default_locale" in doc and doc["default_locale"] not in self.locales:
            self.add(["default_locale"], "unknown_locale", gettext("must be one of the locales"))
        self.localized(doc.get("title"), ["title"])
        for key, text in doc.get("texts", {}).items():
            self.localized(text, ["texts", key])
        opens, closes = doc.get("opens_at"), doc.get("closes_at")
        parsed = {k: parse_datetime(doc.get(k)) for k in ("opens_at", "closes_at")}
        for k in ("opens_at", "closes_at"):
            if doc.get(k) and parsed[k] is None:
                self.add(
                    [k], "invalid_format", gettext("must be an ISO 8601 date-time with a time zone")
                )
        if opens and closes and parsed["opens_at"] and parsed["closes_at"]:
            if parsed["opens_at"] >= parsed["closes_at"]:
                self.add(["closes_at"], "out_of_range", gettext("must be after opens_at"))
        self.sections()
        self.quiz()
        self.segments()
        self.analysis()
        return self.errors

    def _questions(self) -> dict[str, tuple[dict[str, Any], list[str | int]]]:
        return {
            q["code"]: (q, ["sections", si, "questions", qi])
            for si, s in enumerate(self.doc["sections"])
            for qi, q in enumerate(s["questions"])
        }

    def segments(self) -> None:
        """A segment attribute is fed by one countable question and names no built-in one."""
        seen: dict[str, str] = {}
        for code, (q, path) in self._questions().items():
            attribute = q.get("segment_attribute", "")
            if not attribute:
                continue
            where = path + ["segment_attribute"]
            if attribute in BUILT_IN_SEGMENTS:
                self.add(where, "reserved", f"{attribute} is computed, not declared")
            elif q.get("type") in T.values and q["type"] not in SEGMENT_TYPES:
                self.add(
                    where, "not_allowed", gettext("only choice, yes/no, scale or rating questions")
                )
            elif attribute in seen:
                self.add(where, "duplicate", f"already fed by question {seen[attribute]}")
            else:
                seen[attribute] = code

    def analysis(self) -> None:
        analysis = self.doc.get("analysis")
        if not isinstance(analysis, dict):
            return
        questions = self._questions()
        codes = [q["code"] for s in self.doc["sections"] for q in s["questions"]]
        ambiguous = {c for c in codes if codes.count(c) > 1}  # reported as duplicates
        pairs: set[tuple[str, str]] = set()
        for i, pair in enumerate(analysis.get("crosstabs", [])):
            path: list[str | int] = ["analysis", "crosstabs", i]
            row, column = pair.get("row"), pair.get("column")
            for key, code in (("row", row), ("column", column)):
                q = questions.get(code, (None, []))[0]
                if code in ambiguous:
                    continue
                if q is None:
                    self.add(
                        path + [key], "unknown_question", gettext("no question with this code")
                    )
                elif q.get("type") not in T.values:
                    continue  # an unknown type is the schema pass's to report
                elif q["type"] not in CROSSTAB_TYPES or (key == "column" and q["type"] == T.MATRIX):
                    self.add(
                        path + [key],
                        "not_allowed",
                        "free text, dates and acknowledgements are never cross-tabulated"
                        if key == "row"
                        else "a column is a choice, yes/no, scale, rating or NPS question",
                    )
            if row == column:
                self.add(path + ["column"], "invalid", gettext("must differ from the row"))
            elif (row, column) in pairs:
                self.add(path, "duplicate", gettext("this pair is declared twice"))
            pairs.add((row, column))

    def sections(self) -> None:
        section_codes = [s["code"] for s in self.doc["sections"]]
        seen_sections: set[str] = set()
        seen_questions: dict[str, dict[str, Any]] = {}  # code → question, in order
        for si, section in enumerate(self.doc["sections"]):
            path: list[str | int] = ["sections", si]
            if section["code"] in seen_sections:
                self.add(path + ["code"], "duplicate", gettext("section code already used"))
            seen_sections.add(section["code"])
            self.localized(section.get("title"), path + ["title"])
            self.localized(section.get("description"), path + ["description"])
            earlier = dict(seen_questions)
            self.condition(section.get("display_logic"), path + ["display_logic"], earlier)
            here = section_codes.index(section["code"])
            for qi, question in enumerate(section["questions"]):
                qpath = path + ["questions", qi]
                self.question(question, qpath, dict(seen_questions))
                if question["code"] in seen_questions:
                    self.add(qpath + ["code"], "duplicate", gettext("question code already used"))
                seen_questions.setdefault(question["code"], question)
            for ri, rule in enumerate(section.get("skip_logic", [])):
                rpath = path + ["skip_logic", ri]
                self.condition(rule["when"], rpath + ["when"], dict(seen_questions))
                to = rule["to"]
                if to != END and (to not in section_codes or section_codes.index(to) <= here):
                    self.add(
                        rpath + ["to"], "invalid_target", gettext("must be a later section or end")
                    )

    def condition(
        self, cond: dict[str, Any] | None, path: list[str | int], earlier: dict[str, Any]
    ) -> None:
        if not cond:
            return
        for key in ("all", "any"):
            if key in cond:
                for i, sub in enumerate(cond[key]):
                    self.condition(sub, path + [key, i], earlier)
                return
        if "not" in cond:
            self.condition(cond["not"], path + ["not"], earlier)
            return
        target = earlier.get(cond["question"])
        if target is None:
            self.add(
                path + ["question"], "invalid_reference", gettext("must be an earlier question")
            )
            return
        op, value = cond["op"], cond.get("value")
        if "item" in cond:
            rows = [r["code"] for r in target.get("settings", {}).get("rows", [])]
            if target["type"] != T.MATRIX or cond["item"] not in rows:
                self.add(path + ["item"], "invalid_reference", gettext("must be a row of a matrix"))
        if op in ("answered", "not_answered"):
            return
        if "value" not in cond:
            self.add(path + ["value"], "required", gettext("required for this operator"))
        elif op in ("in", "not_in") and not isinstance(value, list):
            self.add(path + ["value"], "invalid_type", gettext("must be a list"))
        elif op in NUMERIC_OPS and (isinstance(value, bool) or not isinstance(value, int | float)):
            self.add(path + ["value"], "invalid_type", gettext("must be a number"))

    def question(self, q: dict[str, Any], path: list[str | int], earlier: dict[str, Any]) -> None:
        qtype = q["type"]
        for key in ("text", "help_text"):
            self.localized(q.get(key), path + [key])
        settings_ = q.get("settings", {})
        for key in settings_ if qtype in ALLOWED_SETTINGS else ():  # else: a schema error
            if key not in ALLOWED_SETTINGS[qtype]:
                self.add(path + ["settings", key], "unknown_setting", f"not a setting of {qtype}")
        choices = q.get("choices", [])
        if qtype in CHOICE_REQUIRED:
            limit = 11 if qtype in SCALE_TYPES else 200
            if len(choices) < 2:
                self.add(path + ["choices"], "too_short", gettext("at least 2 required"))
            elif len(choices) > limit:
                self.add(path + ["choices"], "too_long", f"at most {limit} allowed")
        elif choices:
            self.add(path + ["choices"], "not_allowed", f"{qtype} questions have no choices")
        codes: set[str] = set()
        values: set[Decimal] = set()
        for ci, c in enumerate(choices):
            cpath = path + ["choices", ci]
            self.localized(c.get("label"), cpath + ["label"])
            self.localized(c.get("feedback"), cpath + ["feedback"])
            if c["code"] in codes:
                self.add(cpath + ["code"], "duplicate", gettext("choice code already used"))
            codes.add(c["code"])
            if qtype in SCALE_TYPES:
                if c.get("value") is None:
                    self.add(cpath + ["value"], "required", gettext("scale points need a number"))
                elif Decimal(str(c["value"])) in values:
                    self.add(cpath + ["value"], "duplicate", gettext("scale values must differ"))
                else:
                    values.add(Decimal(str(c["value"])))
            if c.get("exclusive") and qtype != T.MULTIPLE_CHOICE:
                self.add(cpath + ["exclusive"], "not_allowed", gettext("only for multiple choice"))
        if q.get("allow_other") and qtype not in (T.SINGLE_CHOICE, T.MULTIPLE_CHOICE):
            self.add(
                path + ["allow_other"], "not_allowed", gettext("only for single or multiple choice")
            )
        if qtype == T.ATTENTION_CHECK and sum(bool(c.get("is_correct")) for c in choices) != 1:
            self.add(
                path + ["choices"], "invalid", gettext("exactly one acceptable answer required")
            )
        self.type_settings(q, path, settings_, len(choices))
        self.condition(q.get("display_logic"), path + ["display_logic"], earlier)

    def type_settings(
        self, q: dict[str, Any], path: list[str | int], st: dict[str, Any], n_choices: int
    ) -> None:
        qtype = q["type"]
        if qtype == T.MULTIPLE_CHOICE:
            lo, hi = st.get("min_selections"), st.get("max_selections")
            available = n_choices + (1 if q.get("allow_other") else 0)
            if hi is not None and hi > available:
                self.add(
                    path + ["settings", "max_selections"],
                    "out_of_range",
                    gettext("more than the number of choices"),
                )
            if lo is not None and hi is not None and lo > hi:
                self.add(
                    path + ["settings", "min_selections"],
                    "out_of_range",
                    gettext("must not exceed max_selections"),
                )
        if qtype == T.MATRIX:
            rows = st.get("rows", [])
            if not rows:
                self.add(path + ["settings", "rows"], "too_short", gettext("at least 1 required"))
            row_codes: set[str] = set()
            for ri, row in enumerate(rows):
                if row["code"] in row_codes:
                    self.add(
                        path + ["settings", "rows", ri, "code"],
                        "duplicate",
                        gettext("row code already used"),
                    )
                row_codes.add(row["code"])
                self.localized(row.get("text"), path + ["settings", "rows", ri, "text"])
        if qtype == T.NUMBER:
            for key in ("min", "max"):
                if key not in st:
                    self.add(
                        path + ["settings", key],
                        "required",
                        gettext("required for number questions"),
                    )
                elif isinstance(st[key], str):
                    self.add(path + ["settings", key], "invalid_type", gettext("must be a number"))
            lo, hi = st.get("min"), st.get("max")
            if isinstance(lo, int | float) and isinstance(hi, int | float) and lo >= hi:
                self.add(
                    path + ["settings", "max"], "out_of_range", gettext("must be greater than min")
                )
        if qtype == T.DATE:
            for key in ("min", "max"):
                if key in st and parse_date(st[key]) is None:
                    self.add(
                        path + ["settings", key],
                        "invalid_format",
                        gettext("must be a date as YYYY-MM-DD"),
                    )
        if qtype in MAX_TEXT_LENGTH and st.get("max_length", 0) > MAX_TEXT_LENGTH[qtype]:
            self.add(
                path + ["settings", "max_length"],
                "out_of_range",
                f"must be at most {MAX_TEXT_LENGTH[qtype]}",
            )

    def quiz(self) -> None:
        doc = self.doc
        outcomes = doc.get("outcomes", [])
        if doc["kind"] != "quiz":
            if outcomes:
                self.add(["outcomes"], "not_allowed", gettext("only quizzes have outcomes"))
            return
        scored = 0
        for si, s in enumerate(doc["sections"]):
            for qi, q in enumerate(s["questions"]):
                if q.get("points", 0) > 0:
                    path: list[str | int] = ["sections", si, "questions", qi]
                    if q["type"] not in (T.SINGLE_CHOICE, T.MULTIPLE_CHOICE):
                        self.add(
                            path + ["points"],
                            "not_allowed",
                            gettext("only single or multiple choice questions score points"),
                        )
                    elif not any(c.get("is_correct") for c in q.get("choices", [])):
                        self.add(
                            path + ["choices"],
                            "invalid",
                            gettext("a scored question needs at least one correct choice"),
                        )
                    else:
                        scored += 1
        if scored == 0:
            self.add(["sections"], "invalid", gettext("a quiz needs at least one scored question"))
        for oi, o in enumerate(outcomes):
            self.localized(o.get("title"), ["outcomes", oi, "title"])
            self.localized(o.get("text"), ["outcomes", oi, "text"])
            if o["min"] > o["max"]:
                self.add(["outcomes", oi, "max"], "out_of_range", gettext("must not be below min"))
        ordered = sorted(enumerate(outcomes), key=lambda p: p[1]["min"])
        for (_, a), (bi, b) in zip(ordered, ordered[1:], strict=False):
            if b["min"] <= a["max"]:
                self.add(
                    ["outcomes", bi, "min"], "overlap", gettext("score bands must not overlap")
                )


def parse_datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
