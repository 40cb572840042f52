"""Sections and questions of a survey's draft: add, edit, move up/down, remove; library
instruments inserted as a block. Every write goes through the authoring services, so
errors come back with the same codes and paths as a JSON import.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys import services
from surveys.authoring.views.common import BUILDERS, loc_field, posted, survey_or_404, title_of, url
from surveys.authoring.views.forms import (
    EXTRA_ROWS,
    OPS,
    FormErrors,
    condition_rows,
    logic_targets,
    parse_question,
    parse_section,
    question_defaults,
    simple_conditions,
    skip_rows,
)
from surveys.enums import QuestionType, SurveyKind
from surveys.instruments import INSTRUMENTS
from surveys.models import Survey
from surveys.selectors.builder import draft_document, notice_version_of, translations_stale
from surveys.services.content import CodeNotFound
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import FieldError, ServiceValidationError

Write = Callable[[], Any]


def _try(request: HttpRequest, write: Write, done: str) -> FormErrors:
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


def _earlier_questions(doc: dict[str, Any], *, section: int, question: int | None) -> list[Any]:
    """Questions before position (`section`, `question`); None: before the section."""
    out = []
    for si, s in enumerate(doc["sections"]):
        for qi, q in enumerate(s["questions"]):
            if si < section or (si == section and question is not None and qi < question):
                out.append(q)
    return out


def _types(doc: dict[str, Any]) -> dict[str, str]:
    return {q["code"]: q["type"] for s in doc["sections"] for q in s["questions"]}


def _logic_context(logic: Any, targets: list[Any], posted_json: str = "") -> dict[str, Any]:
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


def _purposes(survey: Survey) -> list[tuple[str, str]]:
    version = notice_version_of(survey)
    if version is None:
        return []
    out = []
    for p in version.purposes:
        title = p.get("title") or {}
        out.append((p["id"], f"{p['id']} – {title.get(survey.default_locale) or ''}".strip()))
    return out


def _back(studio: Studio, survey: Survey, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(url("survey", studio, pk=survey.pk) + anchor)


# Sections ---------------------------------------------------------------------------


def _section_page(
    request: HttpRequest,
    studio: Studio,
    survey: Survey,
    doc: dict[str, Any],
    data: dict[str, Any],
    index: int,
    errors: FormErrors,
    *,
    is_new: bool,
    advanced: tuple[str, str] = ("", ""),
    original: str = "",
) -> HttpResponse:
    locales = list(doc["locales"])
    by_key = errors.by_key
    targets = logic_targets(_earlier_questions(doc, section=index, question=None), "")
    here = (
        doc["sections"][index]["questions"] if not is_new and index < len(doc["sections"]) else []
    )
    skip_targets = logic_targets(
        _earlier_questions(doc, section=index, question=None) + list(here), survey.default_locale
    )
    later = [s["code"] for s in doc["sections"][index + 1 :]]
    rows = None if advanced[1] else skip_rows(data.get("skip_logic"))
    stale = translations_stale(survey=survey) if original else {}
    import json

    return render(
        request,
        "studio/builder/section_edit.html",
        {
            "studio": studio,
            "survey": survey,
            "survey_title": title_of(survey),
            "is_new": is_new,
            "original": original,
            "data": data,
            "errors": errors,
            "by_key": by_key,
            "title_field": loc_field(
                "title",
                _("Title"),
                data.get("title"),
                locales,
                errors=by_key,
                stale=stale.get(f"sections[{original}].title", []),
            ),
            "description_field": loc_field(
                "description",
                _("Description"),
                data.get("description"),
                locales,
                textarea=True,
                errors=by_key,
                stale=stale.get(f"sections[{original}].description", []),
            ),
            "logic": _logic_context(data.get("display_logic"), targets, advanced[0]),
            "skip_targets": skip_targets,
            "skip_rows": rows,
            "skip_json": advanced[1]
            or ("" if rows is not None else json.dumps(data.get("skip_logic"), indent=2)),
            "later_sections": later,
            "ops": OPS,
        },
        status=400 if errors else 200,
    )


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def section_new(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    index = len(doc["sections"])
    data: dict[str, Any] = {"code": f"s{index + 1}", "title": {}}
    errors = FormErrors()
    if request.method == "POST":
        post = posted(request)
        problems: list[FieldError] = []
        data = parse_section(post, locales=doc["locales"], types=_types(doc), errors=problems)
        if problems:
            errors.items = problems
        else:
            errors = _try(
                request,
                lambda: services.section_add(survey=survey, section=data),
                _("Section added."),
            )
            if not errors:
                return _back(studio, survey, f"#section-{data['code']}")
        advanced = (str(post.get("logic_json") or ""), str(post.get("skip_json") or ""))
        return _section_page(
            request, studio, survey, doc, data, index, errors, is_new=True, advanced=advanced
        )
    return _section_page(request, studio, survey, doc, data, index, errors, is_new=True)


def _section_index(doc: dict[str, Any], code: str) -> int:
    for i, s in enumerate(doc["sections"]):
        if s["code"] == code:
            return i
    raise Http404("No such section.")


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, studio: Studio, pk: int, code: str) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    index = _section_index(doc, code)
    data = {k: v for k, v in doc["sections"][index].items() if k != "questions"}
    errors = FormErrors()
    if request.method == "POST":
        post = posted(request)
        problems: list[FieldError] = []
        data = parse_section(post, locales=doc["locales"], types=_types(doc), errors=problems)
        if problems:
            errors.items = problems
        else:
            errors = _try(
                request,
                lambda: services.section_change(survey=survey, code=code, changes=data),
                _("Section saved."),
            )
            if not errors:
                return _back(studio, survey, f"#section-{data['code']}")
        advanced = (str(post.get("logic_json") or ""), str(post.get("skip_json") or ""))
        return _section_page(
            request,
            studio,
            survey,
            doc,
            data,
            index,
            errors,
            is_new=False,
            advanced=advanced,
            original=code,
        )
    return _section_page(
        request, studio, survey, doc, data, index, errors, is_new=False, original=code
    )


@studio_view(roles=BUILDERS, section="surveys")
@require_POST
def section_move(request: HttpRequest, studio: Studio, pk: int, code: str) -> HttpResponse:
    """Move a section one place up or down (`direction`)."""
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    index = _section_index(doc, code)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(doc["sections"]):
        errors = _try(
            request,
            lambda: services.section_change(survey=survey, code=code, changes={}, position=target),
            _("Section %(code)s moved.") % {"code": code},
        )
        for e in errors.items:
            messages.error(request, f"{e.field}: {e.message}")
    return _back(studio, survey, f"#section-{code}")


@studio_view(roles=BUILDERS, section="surveys")
@require_POST
def section_delete(request: HttpRequest, studio: Studio, pk: int, code: str) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    errors = _try(
        request,
        lambda: services.section_remove(survey=survey, code=code),
        _("Section %(code)s removed.") % {"code": code},
    )
    for e in errors.items:
        messages.error(request, f"{e.field}: {e.message}")
    return _back(studio, survey)


# Questions --------------------------------------------------------------------------


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
    stale = translations_stale(survey=survey) if original else {}
    here = f"sections[{section_code}].questions[{original}]"
    qtype = data.get("type", "")
    settings = data.get("settings") or {}
    targets = logic_targets(
        _earlier_questions(doc, section=position[0], question=position[1]), survey.default_locale
    )
    choices = []
    for i, c in enumerate([*(data.get("choices") or []), *([{}] * EXTRA_ROWS)]):
        choices.append(
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
        )
    rows = []
    for i, r in enumerate([*(settings.get("rows") or []), *([{}] * EXTRA_ROWS)]):
        rows.append(
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
        )

    def loc(key: str, label: str, textarea: bool = False) -> Any:
        return loc_field(
            f"set_{key}", label, settings.get(key), locales, textarea=textarea, errors=by_key
        )

    uses_choices = qtype in (
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.SCALE,
        QuestionType.MATRIX,
        QuestionType.RANKING,
        QuestionType.ATTENTION_CHECK,
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
            "text_field": loc_field(
                "text",
                _("Question text"),
                data.get("text"),
                locales,
                textarea=True,
                required=True,
                errors=by_key,
                stale=stale.get(f"{here}.text", []),
            ),
            "help_field": loc_field(
                "help_text",
                _("Help text"),
                data.get("help_text"),
                locales,
                errors=by_key,
                stale=stale.get(f"{here}.help_text", []),
            ),
            "settings": settings,
            "other_label": loc("other_label", _("Label of “Other”")),
            "low_label": loc("low_label", _("Label of the lowest point")),
            "high_label": loc("high_label", _("Label of the highest point")),
            "unit": loc("unit", _("Unit")),
            "placeholder": loc("placeholder", _("Placeholder")),
            "uses_choices": uses_choices,
            "choices": choices,
            "rows": rows,
            "logic": _logic_context(data.get("display_logic"), targets, advanced),
            "purposes": _purposes(survey),
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
    si = _section_index(doc, section)
    position = (si, len(doc["sections"][si]["questions"]))
    qtype = str(request.GET.get("type") or request.POST.get("type") or "")
    if qtype not in QuestionType.values:
        qtype = QuestionType.SINGLE_CHOICE
    taken = set(_types(doc))
    n = sum(len(s["questions"]) for s in doc["sections"]) + 1
    while f"q{n}" in taken:
        n += 1
    data = question_defaults(qtype, f"q{n}")
    purposes = _purposes(survey)
    if purposes:
        data["purpose"] = purposes[0][0]
    errors = FormErrors()
    advanced = ""
    if request.method == "POST":
        post = posted(request)
        problems: list[FieldError] = []
        data = parse_question(post, locales=doc["locales"], types=_types(doc), errors=problems)
        advanced = str(post.get("logic_json") or "")
        if problems:
            errors.items = problems
        else:
            errors = _try(
                request,
                lambda: services.question_add(survey=survey, section_code=section, question=data),
                _("Question %(code)s added.") % {"code": data.get("code", "")},
            )
            if not errors:
                return _back(studio, survey, f"#question-{data['code']}")
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


def _question_changes(parsed: dict[str, Any]) -> dict[str, Any]:
    """Every field of the editor replaces the question's (a cleared field goes empty)."""
    return {key: parsed.get(key, empty) for key, empty in QUESTION_FIELDS}


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
        parsed = parse_question(post, locales=doc["locales"], types=_types(doc), errors=problems)
        advanced = str(post.get("logic_json") or "")
        changes = _question_changes(parsed)
        data = parsed
        if problems:
            errors.items = problems
        else:
            errors = _try(
                request,
                lambda: services.question_change(survey=survey, code=code, changes=changes),
                _("Question %(code)s saved.") % {"code": parsed.get("code", code)},
            )
            if not errors:
                return _back(studio, survey, f"#question-{parsed.get('code', code)}")
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
        errors = _try(
            request,
            lambda: services.question_change(
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
    return _back(studio, survey, f"#question-{code}")


@studio_view(roles=BUILDERS, section="surveys")
@require_POST
def question_delete(request: HttpRequest, studio: Studio, pk: int, code: str) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    errors = _try(
        request,
        lambda: services.question_remove(survey=survey, code=code),
        _("Question %(code)s removed.") % {"code": code},
    )
    for e in errors.items:
        messages.error(request, f"{e.field}: {e.message}")
    return _back(studio, survey)


# Instruments ------------------------------------------------------------------------


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def instruments(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    """Validated instruments from the library, each inserted as a section of its own."""
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    errors = FormErrors()
    if request.method == "POST":
        post = posted(request)
        after = str(post.get("after_section") or "") or None
        errors = _try(
            request,
            lambda: services.instrument_insert(
                survey=survey,
                instrument=str(post.get("instrument") or ""),
                prefix=str(post.get("prefix") or "").strip(),
                after_section=after,
                purpose=str(post.get("purpose") or "") or None,
                actor=request.user,  # type: ignore[arg-type]
            ),
            _("Instrument inserted as a new section."),
        )
        if not errors:
            return _back(studio, survey)
    return render(
        request,
        "studio/builder/instruments.html",
        {
            "studio": studio,
            "survey": survey,
            "survey_title": title_of(survey),
            "instruments": [
                i for i in INSTRUMENTS.values() if not i.quiz_only or survey.kind == "quiz"
            ],
            "sections": [s["code"] for s in doc["sections"]],
            "purposes": _purposes(survey),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# Validation as you go -----------------------------------------------------------------


@studio_view(roles=BUILDERS, section="surveys")
@require_POST
def check(request: HttpRequest, studio: Studio, pk: int) -> JsonResponse:
    """What saving the posted question or section editor would report; saves nothing.

    The builder's script posts the editor here as the author types
    (``kind`` "question" or "section", ``original`` the code being edited,
    empty for a new one, ``section`` the section a new question goes to). The
    edit runs through the same authoring service as the real save inside a
    transaction that is always rolled back, so the errors are exactly the
    ones saving would give: ``{"errors": [{"field", "code", "message"}]}``.
    """
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    post = posted(request)
    kind = post.get("kind")
    original = str(post.get("original") or "")
    problems: list[FieldError] = []
    write: Write
    if kind == "question":
        data = parse_question(post, locales=doc["locales"], types=_types(doc), errors=problems)
        if original:
            write = lambda: services.question_change(  # noqa: E731
                survey=survey, code=original, changes=_question_changes(data)
            )
        else:
            write = lambda: services.question_add(  # noqa: E731
                survey=survey, section_code=str(post.get("section") or ""), question=data
            )
    elif kind == "section":
        data = parse_section(post, locales=doc["locales"], types=_types(doc), errors=problems)
        if original:
            write = lambda: services.section_change(survey=survey, code=original, changes=data)  # noqa: E731
        else:
            write = lambda: services.section_add(survey=survey, section=data)  # noqa: E731
    else:
        return JsonResponse(
            {
                "errors": [
                    {"field": "kind", "code": "invalid_choice", "message": "question or section"}
                ]
            },
            status=400,
        )
    if not problems:
        try:
            with transaction.atomic():
                write()
                transaction.set_rollback(True)
        except ServiceValidationError as exc:
            problems = exc.errors
        except CodeNotFound:
            raise Http404("No such section or question.") from None
    return JsonResponse({"errors": [e.as_dict() for e in problems]})
