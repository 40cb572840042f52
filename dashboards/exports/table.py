"""The exported table: its variables (named by question code) and how records become rows.

Pure: takes question specs and ``ExportResponse`` records, never the database.
Choice answers are integer-coded with value labels (scales by their point
value, other choices by position 1, 2, …), so the same table reads the same
in SPSS, Stata, R, pandas and a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from surveys.enums import QuestionType as T
from surveys.selectors import OTHER, QuestionSpec
from surveys.selectors.exports import ExportAnswer, ExportResponse
from surveys.selectors.texts import to_plain

from .anonymization import ANY, AnonymityPlan, Hierarchy, period_words
from .scrub import scrub_text

RESPONSE_FIELDS = ("submitted_at", "locale", "channel")
TEXT_TYPES = frozenset({T.SHORT_TEXT, T.LONG_TEXT})
# Question types a survey may declare as quasi-identifiers or sensitive attributes.
QI_TYPES = frozenset({T.SINGLE_CHOICE, T.SCALE, T.YES_NO, T.NUMBER, T.NPS, T.RATING, T.DATE})
SENSITIVE_TYPES = frozenset({T.SINGLE_CHOICE, T.SCALE, T.YES_NO, T.NPS, T.RATING})


@dataclass(frozen=True, kw_only=True)
class Variable:
    """One column of the export and everything a codebook says about it."""

    name: str
    label: str
    type: str  # integer | number | string | date
    question: str = ""  # the question code ("" for response fields)
    question_text: str = ""
    item: str = ""
    value_labels: tuple[tuple[int, str], ...] = ()
    ordered: bool = False
    role: str = "answer"  # id | response | quasi_identifier | answer
    note: str = ""


def _text(d: dict[str, str], locale: str) -> str:
    """A question text, row or choice label as plain text (stored sanitized, surveys/text.py)."""
    return to_plain(str(d.get(locale) or next(iter(d.values()), ""))) if d else ""


def _scrubbed() -> str:
    return gettext("free text, scrubbed")


def _yes_no() -> tuple[tuple[int, str], ...]:
    return ((0, gettext("No")), (1, gettext("Yes")))


def _other_text(name: str, text: str, base: dict[str, Any]) -> Variable:
    """The free text of a question's "other, please specify" (scrubbed)."""
    label = gettext("%(question)s (other, specified)") % {"question": text}
    return Variable(name=name, label=label, type="string", note=_scrubbed(), **base)


def _num(v: Decimal | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def _scale_labels(q: QuestionSpec, locale: str) -> tuple[tuple[int, str], ...]:
    return tuple(
        (int(c.value), _text(c.label, locale))
        for c in q.choices
        if c.value is not None and c.value == c.value.to_integral_value()
    )


def _positional_labels(q: QuestionSpec, locale: str) -> tuple[tuple[int, str], ...]:
    labels = [(i + 1, _text(c.label, locale)) for i, c in enumerate(q.choices)]
    if q.allow_other:
        labels.append(
            (len(q.choices) + 1, _text(q.settings.get("other_label", {}), locale) or "Other")
        )
    return tuple(labels)


def hierarchy_for(name: str, q: QuestionSpec | None, *, base: str, locale: str) -> Hierarchy:
    """The generalization hierarchy of a quasi-identifier (a response field or a question)."""
    if name == "submitted_at":
        return Hierarchy(field=name, kind="time", base=base)
    if name == "locale":
        return Hierarchy(field=name, kind="locale")
    if name == "channel" or q is None:
        return Hierarchy(field=name, kind="exact")
    if q.type in (T.SINGLE_CHOICE, T.SCALE):
        return Hierarchy(
            field=name,
            kind="choice",
            codes=tuple(c.code for c in q.choices),
            labels=tuple(_text(c.label, locale) for c in q.choices),
        )
    if q.type in (T.NUMBER, T.NPS, T.RATING):
        return Hierarchy(field=name, kind="number")
    if q.type == T.DATE:
        return Hierarchy(field=name, kind="date")
    return Hierarchy(field=name, kind="exact")


def raw_value(q: QuestionSpec, answers: Sequence[ExportAnswer]) -> Any:
    """The single value of a single-valued question (quasi-identifiers, sensitive attributes)."""
    a = next((a for a in answers if a.question_code == q.code), None)
    if a is None:
        return None
    if q.type in (T.SINGLE_CHOICE, T.SCALE, T.ATTENTION_CHECK):
        return a.choice or None
    if q.type in (T.YES_NO, T.ACKNOWLEDGEMENT):
        return a.boolean
    if q.type == T.DATE:
        return a.date
    return a.number


@dataclass(kw_only=True)
class TableSpec:
    """The table an export writes: variables and the rules to fill them."""

    questions: list[QuestionSpec]
    quasi: list[Hierarchy]
    fields: list[str]  # response fields included
    include_text: bool
    locale: str
    tz: dt.tzinfo
    time_base: str
    version_numbers: dict[int, int]  # version id → number
    sensitive: list[QuestionSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Built once: the per-record methods below run millions of times.
        self.by_code = {q.code: q for q in self.questions}
        self.qi_index = {h.field: i for i, h in enumerate(self.quasi)}
        self.answer_questions = [q for q in self.questions if q.code not in self.qi_index]
        self.position = {q.code: i for i, q in enumerate(self.questions)}

    @property
    def quasi_fields(self) -> list[str]:
        return [h.field for h in self.quasi]

    def quasi_key(self, r: ExportResponse) -> tuple:
        """The record's quasi-identifier values at level 0 (what the first pass counts)."""
        out = []
        for h in self.quasi:
            if h.field == "submitted_at":
                raw: Any = r.submitted_at.astimezone(self.tz)
            elif h.field in ("locale", "channel"):
                raw = getattr(r, h.field)
            else:
                raw = raw_value(self.by_code[h.field], r.answers)
            out.append(h.level0(raw))
        return tuple(out)

    def sensitive_values(self, r: ExportResponse) -> list[Hashable]:
        return [raw_value(q, r.answers) for q in self.sensitive]

    # -- variables -----------------------------------------------------------------------

    def variables(self, plan: AnonymityPlan, *, long: bool = False) -> list[Variable]:
        out = [
            Variable(
                name="respondent_id",
                label=gettext("Pseudonymous respondent id (this export only)"),
                type="string",
                role="id",
            ),
        ]
        if long:
            out.append(
                Variable(
                    name="response_id",
                    label=gettext("Pseudonymous response id (this export only)"),
                    type="string",
                    role="id",
                )
            )
        out.append(
            Variable(
                name="version", label=gettext("Survey version"), type="integer", role="response"
            )
        )
        field_labels = {
            "submitted_at": gettext("Submitted (period)"),
            "locale": gettext("Language of the answers"),
            "channel": gettext("Channel"),
        }
        for name in self.fields:
            level = plan.levels.get(name)
            how = plan.generalizations[name] if level is not None else ""
            if name == "submitted_at" and level is None:
                how = period_words(self.time_base)
            note = gettext("generalized: %(how)s") % {"how": how} if how else ""
            out.append(
                Variable(
                    name=name,
                    label=field_labels[name],
                    type="string",
                    role="quasi_identifier" if level is not None else "response",
                    note=note,
                )
            )
        for q in self.questions:
            if q.code in plan.levels:
                out.append(self._quasi_variable(q, plan))
            elif not long:
                out.extend(self._answer_variables(q))
        if long:
            out.extend(
                [
                    Variable(name="question", label=gettext("Question code"), type="string"),
                    Variable(
                        name="item", label=gettext("Matrix row or choice code"), type="string"
                    ),
                    Variable(name="choice", label=gettext("Choice code"), type="string"),
                    Variable(name="value", label=gettext("Numeric value or rank"), type="number"),
                    Variable(name="text", label=gettext("Text (scrubbed)"), type="string"),
                ]
            )
        return out

    def _quasi_variable(self, q: QuestionSpec, plan: AnonymityPlan) -> Variable:
        level = plan.levels[q.code]
        h = next(h for h in self.quasi if h.field == q.code)
        note = gettext("quasi-identifier, generalized: %(how)s") % {
            "how": plan.generalizations[q.code]
        }
        common: dict[str, Any] = {
            "name": q.code,
            "label": _text(q.text, self.locale),
            "question": q.code,
            "question_text": _text(q.text, self.locale),
            "role": "quasi_identifier",
            "note": note,
        }
        if h.kind == "choice":
            labels = (
                () if level >= h.top else tuple((g + 1, lab) for g, lab in h.choice_groups(level))
            )
            return Variable(
                **common, type="integer", value_labels=labels, ordered=q.type == T.SCALE
            )
        if h.kind == "exact" and q.type == T.YES_NO:
            return Variable(**common, type="integer", value_labels=_yes_no())
        if h.kind == "number" and level == 0:
            return Variable(**common, type="number")
        return Variable(**common, type="string")

    def _answer_variables(self, q: QuestionSpec) -> list[Variable]:
        text = _text(q.text, self.locale)
        base: dict[str, Any] = {"question": q.code, "question_text": text}
        t = q.type
        if t in TEXT_TYPES:
            if not self.include_text:
                return []
            return [Variable(name=q.code, label=text, type="string", note=_scrubbed(), **base)]
        if t in (T.SINGLE_CHOICE, T.ATTENTION_CHECK):
            out = [
                Variable(
                    name=q.code,
                    label=text,
                    type="integer",
                    value_labels=_positional_labels(q, self.locale),
                    **base,
                )
            ]
            if q.allow_other and self.include_text:
                out.append(_other_text(f"{q.code}_other", text, base))
            return out
        if t == T.SCALE:
            return [
                Variable(
                    name=q.code,
                    label=text,
                    type="integer",
                    value_labels=_scale_labels(q, self.locale),
                    ordered=True,
                    **base,
                )
            ]
        if t == T.MATRIX:
            return self._matrix_variables(q, text, base)
        if t in (T.MULTIPLE_CHOICE, T.RANKING):
            return self._choice_item_variables(q, text, base)
        if t in (T.NPS, T.RATING, T.NUMBER):
            kind = "number" if t == T.NUMBER else "integer"
            return [Variable(name=q.code, label=text, type=kind, **base)]
        if t in (T.YES_NO, T.ACKNOWLEDGEMENT):
            return [
                Variable(
                    name=q.code,
                    label=text,
                    type="integer",
                    value_labels=_yes_no(),
                    **base,
                )
            ]
        if t == T.DATE:
            return [Variable(name=q.code, label=text, type="date", **base)]
        return []

    def _matrix_variables(self, q: QuestionSpec, text: str, base: dict[str, Any]) -> list[Variable]:
        """One ordered variable per matrix row, on the question's scale."""
        labels = _scale_labels(q, self.locale)
        return [
            Variable(
                name=f"{q.code}_{row['code']}",
                label=f"{text}: {_text(row.get('text', {}), self.locale)}",
                type="integer",
                item=row["code"],
                value_labels=labels,
                ordered=True,
                **base,
            )
            for row in q.rows
        ]

    def _choice_item_variables(
        self, q: QuestionSpec, text: str, base: dict[str, Any]
    ) -> list[Variable]:
        """Multiple choice: a 0/1 variable per choice; ranking: a rank per choice."""
        t = q.type
        choices = [(c.code, _text(c.label, self.locale)) for c in q.choices]
        if q.allow_other and t == T.MULTIPLE_CHOICE:
            choices.append((OTHER, gettext("Other")))
        selected = ((0, gettext("Not selected")), (1, gettext("Selected")))
        out = [
            Variable(
                name=f"{q.code}_{code.lstrip('_')}",
                label=f"{text}: {label}",
                type="integer",
                item=code,
                value_labels=selected if t == T.MULTIPLE_CHOICE else (),
                note=gettext("rank (1 = first)") if t == T.RANKING else "",
                **base,
            )
            for code, label in choices
        ]
        if q.allow_other and self.include_text and t == T.MULTIPLE_CHOICE:
            out.append(_other_text(f"{q.code}_other_text", text, base))
        return out

    # -- rows ----------------------------------------------------------------------------

    def _meta(
        self, r: ExportResponse, final: tuple, plan: AnonymityPlan, pseudonym: Callable[[Any], str]
    ) -> dict[str, Any]:
        qi_index = self.qi_index
        row: dict[str, Any] = {
            "respondent_id": pseudonym(r.respondent_id),
            "version": self.version_numbers.get(r.version_id),
        }
        for name in self.fields:
            if name in qi_index:
                row[name] = _qi_out(final[qi_index[name]])
            elif name == "submitted_at":
                row[name] = self.quasi_label_time(r.submitted_at)
            else:
                row[name] = getattr(r, name)
        for q in self.questions:
            if q.code in qi_index:
                h = self.quasi[qi_index[q.code]]
                value = final[qi_index[q.code]]
                if h.kind == "choice":
                    row[q.code] = None if value in (None, ANY) else int(value) + 1
                elif h.kind == "exact" and q.type == T.YES_NO:
                    row[q.code] = None if value in (None, ANY) else int(bool(value))
                elif h.kind == "number" and plan.levels[q.code] == 0:
                    row[q.code] = None if value in (None, ANY) else _num(Decimal(value))
                else:
                    row[q.code] = _qi_out(value)
        return row

    def quasi_label_time(self, value: dt.datetime) -> str:
        h = Hierarchy(field="submitted_at", kind="time", base=self.time_base)
        return str(h.generalize(h.level0(value.astimezone(self.tz)), 0))

    def wide_row(
        self, r: ExportResponse, final: tuple, plan: AnonymityPlan, pseudonym: Callable[[Any], str]
    ) -> dict[str, Any]:
        row = self._meta(r, final, plan, pseudonym)
        by_code: dict[str, list[ExportAnswer]] = {}
        for a in r.answers:
            by_code.setdefault(a.question_code, []).append(a)
        empty: list[ExportAnswer] = []
        for q in self.answer_questions:
            row.update(self._answer_cells(q, by_code.get(q.code, empty)))
        return row

    def _answer_cells(self, q: QuestionSpec, answers: list[ExportAnswer]) -> dict[str, Any]:
        t = q.type
        a0 = answers[0] if answers else None
        if t in TEXT_TYPES:
            if not self.include_text:
                return {}
            return {q.code: scrub_text(a0.text) if a0 else None}
        if t in (T.SINGLE_CHOICE, T.ATTENTION_CHECK):
            codes = [c.code for c in q.choices]
            cells: dict[str, Any] = {q.code: None}
            if a0 is not None:
                if a0.choice in codes:
                    cells[q.code] = codes.index(a0.choice) + 1
                elif a0.choice == OTHER:
                    cells[q.code] = len(codes) + 1
            if q.allow_other and self.include_text:
                other = a0.text if a0 is not None and a0.choice == OTHER else ""
                cells[f"{q.code}_other"] = scrub_text(other) or None
            return cells
        if t == T.SCALE:
            return {q.code: _num(a0.number) if a0 else None}
        if t == T.MATRIX:
            values = {a.item: _num(a.number) for a in answers}
            return {f"{q.code}_{row['code']}": values.get(row["code"]) for row in q.rows}
        if t in (T.MULTIPLE_CHOICE, T.RANKING):
            codes = [c.code for c in q.choices]
            if q.allow_other and t == T.MULTIPLE_CHOICE:
                codes.append(OTHER)
            got = {a.choice: a for a in answers}
            cells = {}
            for code in codes:
                name = f"{q.code}_{code.lstrip('_')}"
                if t == T.MULTIPLE_CHOICE:
                    cells[name] = (1 if code in got else 0) if answers else None
                else:
                    cells[name] = _num(got[code].number) if code in got else None
            if q.allow_other and self.include_text and t == T.MULTIPLE_CHOICE:
                other = got[OTHER].text if OTHER in got else ""
                cells[f"{q.code}_other_text"] = scrub_text(other) or None
            return cells
        if t in (T.NPS, T.RATING, T.NUMBER):
            return {q.code: _num(a0.number) if a0 else None}
        if t in (T.YES_NO, T.ACKNOWLEDGEMENT):
            return {q.code: None if a0 is None or a0.boolean is None else int(a0.boolean)}
        if t == T.DATE:
            return {q.code: a0.date.isoformat() if a0 and a0.date else None}
        return {}

    def long_rows(
        self, r: ExportResponse, final: tuple, plan: AnonymityPlan, pseudonym: Callable[[Any], str]
    ) -> Iterator[dict[str, Any]]:
        meta = self._meta(r, final, plan, pseudonym)
        meta["response_id"] = pseudonym(f"response:{r.id}")
        position = self.position
        answers = sorted(
            (a for a in r.answers if a.question_code in position),
            key=lambda a: (position[a.question_code], a.item, a.choice),
        )
        for a in answers:
            t = self.by_code[a.question_code].type
            if a.question_code in plan.levels:
                continue
            text = ""
            if a.text:
                if not self.include_text:
                    if t in TEXT_TYPES:
                        continue
                else:
                    text = scrub_text(a.text)
            value: Any = _num(a.number)
            if a.boolean is not None:
                value = int(a.boolean)
            yield {
                **meta,
                "question": a.question_code,
                "item": a.item,
                "choice": a.choice,
                "value": value,
                "text": text or (a.date.isoformat() if a.date else ""),
            }


def _qi_out(value: Any) -> Any:
    if value is None or value == ANY:
        return None
    if isinstance(value, dt.date):
        return f"{value.year}-{value.month:02d}"
    if isinstance(value, Decimal):
        return str(_num(value))
    return str(value)
