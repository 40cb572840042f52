"""The HTML of a page's questions, and the same-page follow-ups the page's script reveals.

A question as it first appears (nothing chosen or typed, no error: the view is
*pristine*) renders the same for every respondent with the same choice order
in the same language, so its HTML is kept per process, keyed by the view
itself, and reused. Nothing a respondent entered is ever kept.

A follow-up question whose display logic refers to a question on the same
page is sent along even while its condition does not hold, hidden, with the
condition as JSON in ``data-show-if``: ``static/js/trustpulse.js`` shows it
as the respondent answers. Parts of the condition on other pages' answers
are decided here (``{"const": true|false}``), so the script only reads the
page's own controls; each remaining part names its question's type. Without
the script the follow-up stays hidden, and the server shows it after the
page is posted, as it always did. The server decides what is visible and
stored either way.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from surveys.logic import condition_questions, evaluate
from surveys.responses.views.questions import QuestionView
from surveys.spec import QuestionSpec

FRAGMENTS_MAX = 4096
_FRAGMENTS: dict[tuple[str, bool, str], SafeString] = {}


def render_question(view: QuestionView, *, appeared: bool = False) -> SafeString:
    """The question's HTML (its type's template), reused when the view is pristine."""
    key = None
    if view.pristine:
        key = (get_language() or "", appeared, repr(view))
        hit = _FRAGMENTS.get(key)
        if hit is not None:
            return hit
    template = get_template(f"surveys/questions/{view.template}.html")
    html = mark_safe(template.render({"q": view, "appeared": {view.code} if appeared else ()}))  # noqa: S308 - a template's output
    if key is not None:
        if len(_FRAGMENTS) >= FRAGMENTS_MAX:
            _FRAGMENTS.clear()
        _FRAGMENTS[key] = html
    return html


def render_questions(views: Iterable[QuestionView], appeared: Iterable[str] = ()) -> None:
    """Sets each view's ``html``."""
    new = set(appeared)
    for view in views:
        view.html = render_question(view, appeared=view.code in new)


def _fold(cond: Mapping[str, Any], page: Mapping[str, str], values: Mapping[str, Any]) -> Any:
    """`cond` with its parts on other pages' answers replaced by their outcome."""
    for key in ("all", "any"):
        if key in cond:
            return {key: [_fold(c, page, values) for c in cond[key]]}
    if "not" in cond:
        return {"not": _fold(cond["not"], page, values)}
    if cond.get("question") in page:
        return {**cond, "type": page[cond["question"]]}
    return {"const": evaluate(cond, values)}


def with_follow_ups(
    page: Sequence[QuestionSpec], visible: Sequence[QuestionSpec], values: Mapping[str, Any]
) -> tuple[list[QuestionSpec], dict[str, str]]:
    """The questions to send, in page order (the visible ones and the hidden follow-ups),
    and the condition (JSON) of each follow-up on the same page.

    `values`: the answers the server decided visibility on (only other pages'
    answers are read here).
    """
    types = {q.code: q.type for q in page}
    shown = {q.code for q in visible}
    out: list[QuestionSpec] = []
    conditions: dict[str, str] = {}
    for q in page:
        if q.display_logic and any(c in types for c in condition_questions(q.display_logic)):
            folded = _fold(q.display_logic, types, values)
            conditions[q.code] = json.dumps(folded, separators=(",", ":"), default=str)
        if q.code in shown or q.code in conditions:
            out.append(q)
    return out, conditions


def mark_follow_ups(
    views: Iterable[QuestionView], conditions: Mapping[str, str], visible: Iterable[str]
) -> None:
    shown = set(visible)
    for view in views:
        if view.code in conditions:
            view.show_if = conditions[view.code]
            view.hidden = view.code not in shown
