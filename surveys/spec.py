"""An in-memory, immutable view of a survey definition.

Built from a definition document (the JSON import/export format) so that the
same code validates imports, renders the respondent flow and checks answers.
A published version's spec is built once from its frozen snapshot and cached.
"""

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from .enums import CHOICE_TYPES, QuestionType
from .logic import SectionRule

OTHER = "_other"  # the reserved choice code of "other, please specify"
NEVER: dict[str, Any] = {"any": []}  # a condition that never holds


@dataclass(frozen=True, kw_only=True)
class ChoiceSpec:
    code: str
    label: dict[str, str]
    value: Decimal | None = None
    is_correct: bool = False
    feedback: dict[str, str] = field(default_factory=dict)
    exclusive: bool = False


@dataclass(frozen=True, kw_only=True)
class QuestionSpec:
    code: str
    type: str
    section: str
    text: dict[str, str]
    help_text: dict[str, str] = field(default_factory=dict)
    required: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    display_logic: dict[str, Any] | None = None
    allow_other: bool = False
    randomize_choices: bool = False
    construct: str = ""
    reverse_coded: bool = False
    points: Decimal = Decimal(0)
    purpose: str = ""
    quasi_identifier: bool = False
    segment_attribute: str = ""
    choices: tuple[ChoiceSpec, ...] = ()

    @property
    def is_choice_type(self) -> bool:
        return self.type in CHOICE_TYPES

    def choice(self, code: str) -> ChoiceSpec | None:
        return next((c for c in self.choices if c.code == code), None)

    def scale_choice(self, value: Decimal) -> ChoiceSpec | None:
        return next((c for c in self.choices if c.value == value), None)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return list(self.settings.get("rows", []))

    @property
    def is_scored(self) -> bool:
        return self.points > 0 and any(c.is_correct for c in self.choices)

    @property
    def max_length(self) -> int:
        default = 5000 if self.type == QuestionType.LONG_TEXT else 200
        return int(self.settings.get("max_length", default))


@dataclass(frozen=True, kw_only=True)
class SectionSpec:
    code: str
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    display_logic: dict[str, Any] | None = None
    skip_logic: tuple[dict[str, Any], ...] = ()
    randomize_questions: bool = False
    questions: tuple[QuestionSpec, ...] = ()

    def rule(self) -> SectionRule:
        return SectionRule(
            code=self.code, display_logic=self.display_logic, skip_logic=list(self.skip_logic)
        )


@dataclass(frozen=True, kw_only=True)
class Outcome:
    min: Decimal
    max: Decimal
    title: dict[str, str]
    text: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class VersionSpec:
    kind: str
    default_locale: str
    locales: tuple[str, ...]
    title: dict[str, str]
    sections: tuple[SectionSpec, ...]
    outcomes: tuple[Outcome, ...] = ()
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    # Declared cross-tab pairs and paradox thresholds (docs/METRICS.md).
    analysis: dict[str, Any] = field(default_factory=dict)

    @property
    def questions(self) -> list[QuestionSpec]:
        return [q for s in self.sections for q in s.questions]

    def question(self, code: str) -> QuestionSpec | None:
        return self._index.get(code)

    def section(self, code: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.code == code), None)

    @property
    def _index(self) -> dict[str, QuestionSpec]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {q.code: q for q in self.questions}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def withheld(self, granted: Collection[str] | None) -> frozenset[str]:
        """Codes of the questions asked only under a purpose not in `granted`.

        A question is collected only for the consent purpose it names; one
        whose purpose the respondent did not grant (or withdrew) is not shown,
        not accepted and not stored, and logic reads it as unanswered.
        `granted` None: no consent notice governs the response, nothing is withheld.
        """
        if granted is None:
            return frozenset()
        return frozenset(q.code for q in self.questions if q.purpose and q.purpose not in granted)

    def rules(self, withheld: Collection[str] = ()) -> list[SectionRule]:
        """The sections for the path walk; one whose every question is withheld is skipped."""
        rules = [s.rule() for s in self.sections]
        if not withheld:
            return rules
        return [
            replace(rule, display_logic=NEVER)
            if s.questions and all(q.code in withheld for q in s.questions)
            else rule
            for s, rule in zip(self.sections, rules, strict=True)
        ]

    @property
    def max_score(self) -> Decimal:
        return sum((q.points for q in self.questions if q.is_scored), Decimal(0))

    def outcome_for(self, score: Decimal) -> int | None:
        for i, o in enumerate(self.outcomes):
            if o.min <= score <= o.max:
                return i
        return None


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def question_fields(q: dict[str, Any]) -> dict[str, Any]:
    """A document's question as field values, defaults filled in: what a `QuestionSpec`
    and a stored `Question` both hold (without its section, position and choices)."""
    return {
        "code": q["code"],
        "type": q["type"],
        "text": q["text"],
        "help_text": q.get("help_text", {}),
        "required": q.get("required", False),
        "settings": q.get("settings", {}),
        "display_logic": q.get("display_logic"),
        "allow_other": q.get("allow_other", False),
        "randomize_choices": q.get("randomize_choices", False),
        "construct": q.get("construct", ""),
        "reverse_coded": q.get("reverse_coded", False),
        "points": Decimal(str(q.get("points", 0))),
        "purpose": q.get("purpose", ""),
        "quasi_identifier": q.get("quasi_identifier", False),
        "segment_attribute": q.get("segment_attribute", ""),
    }


def choice_fields(c: dict[str, Any]) -> dict[str, Any]:
    """A document's choice as field values, defaults filled in: a `ChoiceSpec`'s and a
    stored `Choice`'s (without its question and position)."""
    return {
        "code": c["code"],
        "label": c["label"],
        "value": _dec(c.get("value")),
        "is_correct": c.get("is_correct", False),
        "feedback": c.get("feedback", {}),
        "exclusive": c.get("exclusive", False),
    }


def spec_from_definition(doc: dict[str, Any]) -> VersionSpec:
    """Build a spec from a definition document that has passed validation."""
    sections = []
    for s in doc["sections"]:
        questions = [
            QuestionSpec(
                section=s["code"],
                choices=tuple(ChoiceSpec(**choice_fields(c)) for c in q.get("choices", [])),
                **question_fields(q),
            )
            for q in s["questions"]
        ]
        sections.append(
            SectionSpec(
                code=s["code"],
                title=s.get("title", {}),
                description=s.get("description", {}),
                display_logic=s.get("display_logic"),
                skip_logic=tuple(s.get("skip_logic", [])),
                randomize_questions=s.get("randomize_questions", False),
                questions=tuple(questions),
            )
        )
    return VersionSpec(
        kind=doc["kind"],
        default_locale=doc["default_locale"],
        locales=tuple(doc["locales"]),
        title=doc["title"],
        sections=tuple(sections),
        outcomes=tuple(
            Outcome(
                min=Decimal(str(o["min"])),
                max=Decimal(str(o["max"])),
                title=o["title"],
                text=o.get("text", {}),
            )
            for o in doc.get("outcomes", [])
        ),
        texts=doc.get("texts", {}),
        analysis=doc.get("analysis", {}),
    )
