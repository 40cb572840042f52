"""The builder's question pages: add, edit (the question editor), move, delete."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys.authoring.selectors.builder import draft_document, translations_stale
from surveys.authoring.services.content import question_add, question_change, question_remove
from surveys.authoring.views.common import BUILDERS, loc_field, posted, survey_or_404, title_of
from surveys.authoring.views.forms import (
    EXTRA_ROWS,
    FormErrors,
    logic_targets,
    parse_question,
    question_defaults,
)
from surveys.enums import CHOICE_TYPES, QuestionType, SurveyKind
from surveys.models import Survey
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import FieldError

from .editing import (
    back_to_survey,
    consent_purposes,
    earlier_questions,
    logic_context,
    question_changes,
    question_types,
    section_index,
    try_write,
)


def _choice_rows(
    choices: list[dict[str, Any]], locales: list[str], by_key: dict[str, Any]
) -> list[dict[str, Any]]:
    """The choice editor's rows: the question's choices, then blank rows to fill in."""
    return [
        {
            "index": i,
            "order": i + 1,
            "code": c.get("code", ""),
            "value": "" if c.get("value") is None else c.get("value"),
            "label": loc_field(f"c-{i}-label", _("Label"), c.get("label"), locales),
            "feedback": loc_field(f"c-{i}-feedback", _("Feedback"), c.get("feedback"), locales),
            "correct": c.get("is_correct", False),
            "exclusive": c.get("exclusive", False),
            "errors": by_key.get(f"c-{i}", []),
            "blank": not c,
        }
        for i, c in enumerate([*choices, *([{}] * EXTRA_ROWS)])
    ]


def _statement_rows(
    rows: list[dict[str, Any]], locales: list[str], by_key: dict[str, Any]
) -> list[dict[str, Any]]:
    """The matrix editor's rows: the question's statements, then blank rows to fill in."""
    return [
        {
            "index": i,
            "order": i + 1,
            "code": r.get("code", ""),
            "text": loc_field(f"r-{i}-text", _("Statement"), r.get("text"), locales),
            "construct": r.get("construct", ""),
            "reverse": r.get("reverse_coded", False),
            "errors": by_key.get(f"r-{i}", []),
            "blank": not r,
        }
        for i, r in enumerate([*rows, *([{}] * EXTRA_ROWS)])
    ]


def _text_fields(
    data: dict[str, Any], locales: list[str], by_key: dict[str, Any], stale: dict[str, Any]
) -> dict[str, Any]:
    """The question's localized texts: its text and help, and the labels its settings hold."""
    settings = data.get("settings") or {}

    def setting(key: str, label: str) -> Any:
        return loc_field(f"set_{key}", label, settings.get(key), locales, errors=by_key)

    return {
        "text_field": loc_field(
            "text",
            _("Question text"),
            data.get("text"),
            locales,
            textarea=True,
            required=True,
            errors=by_key,
            stale=stale.get("text", []),
        ),
        "help_field": loc_field(
            "help_text",
            _("Help text"),
            data.get("help_text"),
            locales,
            errors=by_key,
            stale=stale.get("help_text", []),
        ),
        "other_label": setting("other_label", _("Label of “Other”")),
        "low_label": setting("low_label", _("Label of the lowest point")),
        "high_label": setting("high_label", _("Label of the highest point")),
        "unit": setting("unit", _("Unit")),
        "placeholder": setting("placeholder", _("Placeholder")),
    }


def _question_page(
    request: HttpRequest,
    studio: Studio,
    survey: Survey,
    doc: dict[str, Any],
    data: dict[str, Any],
    position: tuple[int, int],
    errors: FormErrors,
    *,
    section_code: str,
    original: str = "",
    advanced: str = "",
) -> HttpResponse:
    locales = list(doc["locales"])
    by_key = errors.by_key
    here = f"sections[{section_code}].questions[{original}]"
    stale_paths = translations_stale(survey=survey) if original else {}
    stale = {key: stale_paths.get(f"{here}.{key}", []) for key in ("text", "help_text")}
    qtype = data.get("type", "")
    settings = data.get("settings") or {}
    targets = logic_targets(
        earlier_questions(doc, section=position[0], question=position[1]), survey.default_locale
    )
    return render(
        request,
        "studio/builder/question_edit.html",
        {
            "studio": studio,
            "survey": survey,
            "survey_title": title_of(survey),
            "is_new": not original,
            "original": original,
            "section_code": section_code,
            "data": data,
            "qtype": qtype,
            "type_label": QuestionType(qtype).label if qtype in QuestionType.values else qtype,
            "question_types": QuestionType.choices,
            "errors": errors,
            "by_key": by_key,
            **_text_fields(data, locales, by_key, stale),
            "settings": settings,
            "uses_choices": qtype in CHOICE_TYPES,
            "choices": _choice_rows(data.get("choices") or [], locales, by_key),
            "rows": _statement_rows(settings.get("rows") or [], locales, by_key),
            "logic": logic_context(data.get("display_logic"), targets, advanced),
            "purposes": consent_purposes(survey),
            "is_quiz": survey.kind == SurveyKind.QUIZ,
        },
        status=400 if errors else 200,
    )


def _question_index(doc: dict[str, Any], code: str) -> tuple[int, int]:
    for si, s in enumerate(doc["sections"]):
        for qi, q in enumerate(s["questions"]):
            if q["code"] == code:
                return si, qi
    raise Http404("No such question.")


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, studio: Studio, pk: int, section: str) -> HttpResponse:
    """A new question of the type picked (``?type=``) at the end of `section`."""
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    si = section_index(doc, section)
    position = (si, len(doc["sections"][si]["questions"]))
    qtype = str(request.GET.get("type") or request.POST.get("type") or "")
    if qtype not in QuestionType.values:
        qtype = QuestionType.SINGLE_CHOICE
    taken = set(question_types(doc))
    n = sum(len(s["questions"]) for s in doc["sections"]) + 1
    while f"q{n}" in taken:
        n += 1
    data = question_defaults(qtype, f"q{n}")
    purposes = consent_purposes(survey)
    if purposes:
        data["purpose"] = purposes[0][0]
    errors = FormErrors()
    advanced = ""
    if request.method == "POST":
        post = posted(request)
        problems: list[FieldError] = []
        data = parse_question(
            post, locales=doc["locales"], types=question_types(doc), errors=problems
        )
        advanced = str(post.get("logic_json") or "")
        if problems:
            errors.items = problems
        else:
            errors = try_write(
                request,
                lambda: question_add(survey=survey, section_code=section, question=data),
                _("Question %(code)s added.") % {"code": data.get("code", "")},
            )
            if not errors:
                return back_to_survey(studio, survey, f"#question-{data['code']}")
    return _question_page(
        request,
        studio,
        survey,
        doc,
        data,
        position,
        errors,
        section_code=section,
        advanced=advanced,
    )


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, studio: Studio, pk: int, code: str) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    si, qi = _question_index(doc, code)
    data = dict(doc["sections"][si]["questions"][qi])
    errors = FormErrors()
    advanced = ""
    if request.method == "POST":
        post = posted(request)
        problems: list[FieldError] = []
        parsed = parse_question(
            post, locales=doc["locales"], types=question_types(doc), errors=problems
        )
        advanced = str(post.get("logic_json") or "")
        changes = question_changes(parsed)
        data = parsed
        if problems:
            errors.items = problems
        else:
            errors = try_write(
                request,
                lambda: question_change(survey=survey, code=code, changes=changes),
                _("Question %(code)s saved.") % {"code": parsed.get("code", code)},
            )
            if not errors:
                return back_to_survey(studio, survey, f"#question-{parsed.get('code', code)}")
    return _question_page(
        request,
        studio,
        survey,
        doc,
        data,
        (si, qi),
        errors,
        section_code=doc["sections"][si]["code"],
        original=code,
        advanced=advanced,
    )


@studio_view(roles=BUILDERS, section="surveys")
@require_POST
def question_move(request: HttpRequest, studio: Studio, pk: int, code: str) -> HttpResponse:
    """Move a question one place up or down; past a section's edge it joins the next one."""
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    si, qi = _question_index(doc, code)
    up = request.POST.get("direction") == "up"
    sections = doc["sections"]
    target: tuple[int, int] | None
    if up:
        target = (
            (si, qi - 1)
            if qi > 0
            else ((si - 1, len(sections[si - 1]["questions"])) if si > 0 else None)
        )
    else:
        target = (
            (si, qi + 1)
            if qi < len(sections[si]["questions"]) - 1
            else ((si + 1, 0) if si < len(sections) - 1 else None)
        )
    if target is not None:
        errors = try_write(
            request,
            lambda: question_change(
                survey=survey,
                code=code,
                changes={},
                section_code=sections[target[0]]["code"],
                position=target[1],
            ),
            _("Question %(code)s moved.") % {"code": code},
        )
        for e in errors.items:
            messages.error(request, f"{code}: {e.field}: {e.message}")
    return back_to_survey(studio, survey, f"#question-{code}")


@studio_view(roles=BUILDERS, section="surveys")
@require_POST
def question_delete(request: HttpRequest, studio: Studio, pk: int, code: str) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    errors = try_write(
        request,
        lambda: question_remove(survey=survey, code=code),
        _("Question %(code)s removed.") % {"code": code},
    )
    for e in errors.items:
        messages.error(request, f"{e.field}: {e.message}")
    return back_to_survey(studio, survey)
