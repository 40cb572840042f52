"""What the builder's editing pages share: running a write with its field errors,
the logic editor's context, the question fields, the way back to the survey."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponseRedirect

from surveys.authoring.selectors.builder import notice_version_of
from surveys.authoring.services.content import CodeNotFound
from surveys.authoring.views.common import url
from surveys.authoring.views.forms import (
    OPS,
    FormErrors,
    condition_rows,
    simple_conditions,
)
from surveys.models import Survey
from trustpulse.studio import Studio
from trustpulse.validation import ServiceValidationError

Write = Callable[[], Any]


def try_write(request: HttpRequest, write: Write, done: str) -> FormErrors:
    errors = FormErrors()
    try:
        write()
    except ServiceValidationError as exc:
        errors.items = exc.errors
    except CodeNotFound as exc:
        raise Http404(str(exc)) from exc
    else:
        messages.success(request, done)
    return errors


def earlier_questions(doc: dict[str, Any], *, section: int, question: int | None) -> list[Any]:
    """Questions before position (`section`, `question`); None: before the section."""
    out = []
    for si, s in enumerate(doc["sections"]):
        for qi, q in enumerate(s["questions"]):
            if si < section or (si == section and question is not None and qi < question):
                out.append(q)
    return out


def question_types(doc: dict[str, Any]) -> dict[str, str]:
    return {q["code"]: q["type"] for s in doc["sections"] for q in s["questions"]}


def logic_context(logic: Any, targets: list[Any], posted_json: str = "") -> dict[str, Any]:
    simple = None if posted_json else simple_conditions(logic)
    import json

    return {
        "targets": targets,
        "ops": OPS,
        "join": simple[0] if simple else "all",
        "rows": condition_rows(simple[1]) if simple else [],
        "advanced": posted_json
        or ("" if simple else json.dumps(logic, ensure_ascii=False, indent=2)),
    }


def consent_purposes(survey: Survey) -> list[tuple[str, str]]:
    version = notice_version_of(survey)
    if version is None:
        return []
    out = []
    for p in version.purposes:
        title = p.get("title") or {}
        out.append((p["id"], f"{p['id']} – {title.get(survey.default_locale) or ''}".strip()))
    return out


def back_to_survey(studio: Studio, survey: Survey, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(url("survey", studio, pk=survey.pk) + anchor)


def section_index(doc: dict[str, Any], code: str) -> int:
    for i, s in enumerate(doc["sections"]):
        if s["code"] == code:
            return i
    raise Http404("No such section.")


QUESTION_FIELDS: tuple[tuple[str, Any], ...] = (
    ("code", ""),
    ("type", ""),
    ("text", {}),
    ("help_text", {}),
    ("required", False),
    ("settings", {}),
    ("display_logic", None),
    ("allow_other", False),
    ("randomize_choices", False),
    ("construct", ""),
    ("reverse_coded", False),
    ("points", 0),
    ("purpose", ""),
    ("quasi_identifier", False),
    ("segment_attribute", ""),
    ("choices", []),
)


def question_changes(parsed: dict[str, Any]) -> dict[str, Any]:
    """Every field of the editor replaces the question's (a cleared field goes empty)."""
    return {key: parsed.get(key, empty) for key, empty in QUESTION_FIELDS}
