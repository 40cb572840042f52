"""The builder's section pages: add, edit, move, delete."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys.authoring.selectors.builder import draft_document, translations_stale
from surveys.authoring.services.content import section_add, section_change, section_remove
from surveys.authoring.views.common import BUILDERS, loc_field, posted, survey_or_404, title_of
from surveys.authoring.views.forms import (
    OPS,
    FormErrors,
    logic_targets,
    parse_section,
    skip_rows,
)
from surveys.models import Survey
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import FieldError

from .editing import (
    back_to_survey,
    earlier_questions,
    logic_context,
    question_types,
    section_index,
    try_write,
)


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
    targets = logic_targets(earlier_questions(doc, section=index, question=None), "")
    here = (
        doc["sections"][index]["questions"] if not is_new and index < len(doc["sections"]) else []
    )
    skip_targets = logic_targets(
        earlier_questions(doc, section=index, question=None) + list(here), survey.default_locale
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
            "logic": logic_context(data.get("display_logic"), targets, advanced[0]),
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
        data = parse_section(
            post, locales=doc["locales"], types=question_types(doc), errors=problems
        )
        if problems:
            errors.items = problems
        else:
            errors = try_write(
                request,
                lambda: section_add(survey=survey, section=data),
                _("Section added."),
            )
            if not errors:
                return back_to_survey(studio, survey, f"#section-{data['code']}")
        advanced = (str(post.get("logic_json") or ""), str(post.get("skip_json") or ""))
        return _section_page(
            request, studio, survey, doc, data, index, errors, is_new=True, advanced=advanced
        )
    return _section_page(request, studio, survey, doc, data, index, errors, is_new=True)


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, studio: Studio, pk: int, code: str) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    index = section_index(doc, code)
    data = {k: v for k, v in doc["sections"][index].items() if k != "questions"}
    errors = FormErrors()
    if request.method == "POST":
        post = posted(request)
        problems: list[FieldError] = []
        data = parse_section(
            post, locales=doc["locales"], types=question_types(doc), errors=problems
        )
        if problems:
            errors.items = problems
        else:
            errors = try_write(
                request,
                lambda: section_change(survey=survey, code=code, changes=data),
                _("Section saved."),
            )
            if not errors:
                return back_to_survey(studio, survey, f"#section-{data['code']}")
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
    index = section_index(doc, code)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(doc["sections"]):
        errors = try_write(
            request,
            lambda: section_change(survey=survey, code=code, changes={}, position=target),
            _("Section %(code)s moved.") % {"code": code},
        )
        for e in errors.items:
            messages.error(request, f"{e.field}: {e.message}")
    return back_to_survey(studio, survey, f"#section-{code}")


@studio_view(roles=BUILDERS, section="surveys")
@require_POST
def section_delete(request: HttpRequest, studio: Studio, pk: int, code: str) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    errors = try_write(
        request,
        lambda: section_remove(survey=survey, code=code),
        _("Section %(code)s removed.") % {"code": code},
    )
    for e in errors.items:
        messages.error(request, f"{e.field}: {e.message}")
    return back_to_survey(studio, survey)
