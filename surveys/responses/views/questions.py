"""The questions of a respondent page: view models built from the spec, in one locale.

One builder per question type fills in what its template
(``templates/surveys/questions/<template>.html``) shows; ``fragments``
renders them.
"""

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from surveys.answers import AnswerProblem
from surveys.enums import QuestionType as T
from surveys.forms import NO, YES, FieldState, field_name, format_number
from surveys.responses.views.display import Texts
from surveys.spec import OTHER, QuestionSpec, SectionSpec

SHUFFLED_TYPES = {T.SINGLE_CHOICE, T.MULTIPLE_CHOICE, T.RANKING, T.ATTENTION_CHECK}
_EMPTY = FieldState()


@dataclass(kw_only=True)
class Option:
    value: str
    id: str
    label: SafeString | str
    checked: bool = False
    exclusive: bool = False
    is_other: bool = False


@dataclass(kw_only=True)
class MatrixRow:
    code: str
    name: str
    id: str
    text: SafeString
    options: list[Option]
    missing: bool = False


@dataclass(kw_only=True)
class RankSlot:
    position: int
    name: str
    id: str
    label: str
    selected: str


@dataclass(kw_only=True)
class QuestionView:
    code: str
    type: str
    template: str
    name: str
    anchor: str  # id of the first control: where the error summary links to
    text: SafeString
    text_plain: str
    help: SafeString = mark_safe("")
    hint: str = ""
    required: bool = False
    error: str = ""
    other_error: str = ""
    input_type: str = "radio"
    options: list[Option] = field(default_factory=list)
    rows: list[MatrixRow] = field(default_factory=list)
    ranks: list[RankSlot] = field(default_factory=list)
    rank_choices: list[Option] = field(default_factory=list)
    value: str = ""
    checked: bool = False
    other_value: str = ""
    other_label: SafeString | str = ""
    low_label: SafeString | str = ""
    high_label: SafeString | str = ""
    min: str = ""
    max: str = ""
    step: str = ""
    unit: SafeString | str = ""
    max_length: int | None = None
    placeholder: str = ""
    slider: bool = False
    columns: int = 0
    low_value: str = ""
    high_value: str = ""
    autofocus: bool = False
    # A follow-up on the same page: its condition for the page's script (JSON), and
    # whether it starts hidden.
    show_if: str = ""
    hidden: bool = False
    # Whether nothing is chosen, typed or wrong yet (its HTML may be reused).
    pristine: bool = False
    html: SafeString = mark_safe("")

    @property
    def hint_id(self) -> str:
        return f"{self.name}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.name}-error"

    @property
    def ends_id(self) -> str:
        return f"{self.name}-ends"

    @property
    def other_id(self) -> str:
        return f"{self.name}-other"

    @property
    def other_error_id(self) -> str:
        return f"{self.name}-other-error"

    @property
    def has_hint(self) -> bool:
        return bool(self.help or self.hint)

    @property
    def has_ends(self) -> bool:
        return bool(self.low_label or self.high_label)

    @property
    def describedby(self) -> str:
        ids = []
        if self.has_hint:
            ids.append(self.hint_id)
        if self.has_ends:
            ids.append(self.ends_id)
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def other_describedby(self) -> str:
        return self.other_error_id if self.other_error else ""


@dataclass(frozen=True, kw_only=True)
class ErrorLink:
    href: str
    question: str
    message: str


def _rng(seed: str) -> random.Random:
    return random.Random(seed)  # noqa: S311 - an order, not a secret


def ordered_choices(q: QuestionSpec, seed: str) -> list[Any]:
    """The question's choices in display order: shuffled per response when asked for.

    The shuffle is seeded by the response, so a reload keeps the order;
    exclusive choices ("none of these") stay at the end.
    """
    choices = list(q.choices)
    if not (q.randomize_choices and q.type in SHUFFLED_TYPES):
        return choices
    movable = [c for c in choices if not c.exclusive]
    fixed = [c for c in choices if c.exclusive]
    _rng(f"{seed}:{q.code}").shuffle(movable)
    return movable + fixed


def ordered_questions(section: SectionSpec, seed: str) -> list[QuestionSpec]:
    questions = list(section.questions)
    if section.randomize_questions:
        _rng(f"{seed}:{section.code}").shuffle(questions)
    return questions


def _selection_hint(q: QuestionSpec) -> str:
    lo, hi = q.settings.get("min_selections"), q.settings.get("max_selections")
    if lo and hi and lo == hi:
        return ngettext("Select %(n)s option.", "Select %(n)s options.", hi) % {"n": hi}
    if lo and hi:
        return _("Select from %(lo)s to %(hi)s options.") % {"lo": lo, "hi": hi}
    if hi:
        return ngettext("Select up to %(n)s option.", "Select up to %(n)s options.", hi) % {"n": hi}
    if lo:
        return ngettext("Select at least %(n)s option.", "Select at least %(n)s options.", lo) % {
            "n": lo
        }
    return ""


def _errors_by_field(problems: Sequence[AnswerProblem]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for p in problems:
        key = (p.question, "other" if p.subfield == "other" else "value")
        out.setdefault(key, p.message)
    return out


# One builder per kind of question: each fills in what its template shows. -------------

Builder = Callable[[QuestionView, QuestionSpec, FieldState, Texts, str], None]


def _choices(
    view: QuestionView, q: QuestionSpec, state: FieldState, texts: Texts, seed: str
) -> None:
    view.input_type = "checkbox" if q.type == T.MULTIPLE_CHOICE else "radio"
    choices = ordered_choices(q, seed)
    for i, c in enumerate(choices):
        view.options.append(
            Option(
                value=c.code,
                id=f"{view.name}-{i}",
                label=texts.html(c.label),
                checked=c.code in state.selected,
                exclusive=c.exclusive,
            )
        )
    if q.allow_other:
        other_label = texts.html(q.settings.get("other_label")) or _("Other")
        option = Option(
            value=OTHER,
            id=f"{view.name}-{len(choices)}",
            label=other_label,
            checked=OTHER in state.selected,
            is_other=True,
        )
        # "Other" goes before an exclusive "none of these".
        at = next((i for i, o in enumerate(view.options) if o.exclusive), len(view.options))
        view.options.insert(at, option)
        view.other_label = other_label
        view.other_value = state.other
    if q.type == T.MULTIPLE_CHOICE:
        view.hint = _selection_hint(q)


def _yes_no(
    view: QuestionView, q: QuestionSpec, state: FieldState, texts: Texts, seed: str
) -> None:
    view.options = [
        Option(value=YES, id=f"{view.name}-0", label=_("Yes"), checked=YES in state.selected),
        Option(value=NO, id=f"{view.name}-1", label=_("No"), checked=NO in state.selected),
    ]


def _scale(view: QuestionView, q: QuestionSpec, state: FieldState, texts: Texts, seed: str) -> None:
    t, st = q.type, q.settings
    view.template = "scale"
    if t == T.SCALE:
        points = [(format_number(c.value), texts.html(c.label)) for c in q.choices]
    elif t == T.NPS:
        points = [(str(n), str(n)) for n in range(0, 11)]
    else:
        points = [(str(n), str(n)) for n in range(1, 6)]
    view.options = [
        Option(value=v, id=f"{view.name}-{i}", label=label, checked=v in state.selected)
        for i, (v, label) in enumerate(points)
    ]
    view.columns = len(points)
    view.low_label = texts.html(st.get("low_label"))
    view.high_label = texts.html(st.get("high_label"))
    if t == T.RATING and not view.has_ends:
        view.low_label, view.high_label = _("Lowest"), _("Highest")
    if t != T.SCALE and view.has_ends:
        view.low_value, view.high_value = points[0][0], points[-1][0]


def _matrix(
    view: QuestionView, q: QuestionSpec, state: FieldState, texts: Texts, seed: str
) -> None:
    view.template = "matrix"
    view.columns = len(q.choices)
    view.options = [
        Option(value=format_number(c.value), id="", label=texts.html(c.label)) for c in q.choices
    ]
    for r in q.rows:
        row_name = field_name(q.code, r["code"])
        chosen = state.rows.get(r["code"], "")
        view.rows.append(
            MatrixRow(
                code=r["code"],
                name=row_name,
                id=row_name,
                text=texts.html(r.get("text")),
                missing=bool(view.error) and not chosen,
                options=[
                    Option(
                        value=o.value,
                        id=f"{row_name}-{i}",
                        label=o.label,
                        checked=o.value == chosen,
                    )
                    for i, o in enumerate(view.options)
                ],
            )
        )


def _number(
    view: QuestionView, q: QuestionSpec, state: FieldState, texts: Texts, seed: str
) -> None:
    st = q.settings
    view.template = "number"
    view.value = state.text
    view.min, view.max = format_number(st.get("min")), format_number(st.get("max"))
    view.step = format_number(st.get("step")) or "any"
    view.unit = texts.html(st.get("unit"))
    view.slider = st.get("widget") == "slider"
    if view.slider and not view.value:
        view.value = _slider_start(st)
    view.hint = _("A number from %(lo)s to %(hi)s.") % {"lo": view.min, "hi": view.max}


def _text(view: QuestionView, q: QuestionSpec, state: FieldState, texts: Texts, seed: str) -> None:
    view.template = "text"
    view.value = state.text
    view.max_length = q.max_length
    view.placeholder = texts.plain(q.settings.get("placeholder"))
    if q.type == T.LONG_TEXT:
        view.hint = _("Up to %(n)s characters.") % {"n": q.max_length}


def _date(view: QuestionView, q: QuestionSpec, state: FieldState, texts: Texts, seed: str) -> None:
    view.template = "date"
    view.value = state.text
    view.min, view.max = str(q.settings.get("min", "")), str(q.settings.get("max", ""))


def _ranking(
    view: QuestionView, q: QuestionSpec, state: FieldState, texts: Texts, seed: str
) -> None:
    view.template = "ranking"
    view.anchor = f"{view.name}-rank-1"
    view.rank_choices = [
        Option(value=c.code, id="", label=texts.plain(c.label)) for c in ordered_choices(q, seed)
    ]
    for n in range(1, len(q.choices) + 1):
        chosen = state.ranks[n - 1] if n - 1 < len(state.ranks) else ""
        view.ranks.append(
            RankSlot(
                position=n,
                name=f"{view.name}-rank-{n}",
                id=f"{view.name}-rank-{n}",
                label=_("Rank %(n)s") % {"n": n},
                selected=chosen,
            )
        )
    view.hint = _("Give each option its own rank; 1 is the most important.")


def _acknowledgement(
    view: QuestionView, q: QuestionSpec, state: FieldState, texts: Texts, seed: str
) -> None:
    view.template = "acknowledgement"
    view.checked = bool(state.selected)


BUILDERS: dict[str, Builder] = {
    T.SINGLE_CHOICE: _choices,
    T.ATTENTION_CHECK: _choices,
    T.MULTIPLE_CHOICE: _choices,
    T.YES_NO: _yes_no,
    T.SCALE: _scale,
    T.NPS: _scale,
    T.RATING: _scale,
    T.MATRIX: _matrix,
    T.NUMBER: _number,
    T.SHORT_TEXT: _text,
    T.LONG_TEXT: _text,
    T.DATE: _date,
    T.RANKING: _ranking,
    T.ACKNOWLEDGEMENT: _acknowledgement,
}


def build_question(
    q: QuestionSpec,
    state: FieldState,
    texts: Texts,
    *,
    seed: str,
    error: str = "",
    other_error: str = "",
) -> QuestionView:
    name = field_name(q.code)
    view = QuestionView(
        code=q.code,
        type=q.type,
        template="choices",
        name=name,
        anchor=name,
        text=texts.html(q.text),
        text_plain=texts.plain(q.text),
        help=texts.html(q.help_text),
        required=q.required,
        error=error,
        other_error=other_error,
        pristine=not (error or other_error) and state == _EMPTY,
    )
    builder = BUILDERS.get(q.type)
    if builder is not None:
        builder(view, q, state, texts, seed)
    if view.options and view.template in ("choices", "scale"):
        view.anchor = view.options[0].id
    if view.rows:
        view.anchor = view.rows[0].options[0].id if view.rows[0].options else view.anchor
    return view


def _slider_start(st: Mapping[str, Any]) -> str:
    lo, hi = Decimal(str(st["min"])), Decimal(str(st["max"]))
    step = Decimal(str(st.get("step") or 1))
    middle = lo + ((hi - lo) / 2 // step) * step
    return format_number(middle)


def build_questions(
    questions: Sequence[QuestionSpec],
    states: Mapping[str, FieldState],
    texts: Texts,
    *,
    seed: str,
    problems: Sequence[AnswerProblem] = (),
) -> tuple[list[QuestionView], list[ErrorLink]]:
    """The question views of a page and, in page order, the error summary's links."""
    errors = _errors_by_field(problems)
    views: list[QuestionView] = []
    links: list[ErrorLink] = []
    for q in questions:
        view = build_question(
            q,
            states.get(q.code) or _EMPTY,
            texts,
            seed=seed,
            error=errors.get((q.code, "value"), ""),
            other_error=errors.get((q.code, "other"), ""),
        )
        views.append(view)
        if view.error:
            links.append(
                ErrorLink(href=f"#{view.anchor}", question=view.text_plain, message=view.error)
            )
        if view.other_error:
            links.append(
                ErrorLink(
                    href=f"#{view.other_id}", question=view.text_plain, message=view.other_error
                )
            )
    return views, links
