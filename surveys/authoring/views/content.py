"""Sections and questions of a survey's draft: add, edit, move up/down, remove; library
instruments inserted as a block. Every write goes through the authoring services, so
errors come back with the same codes and paths as a JSON import.
"""

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys.authoring.selectors.builder import draft_document
from surveys.authoring.services.content import (
    CodeNotFound,
    question_add,
    question_change,
    section_add,
    section_change,
)
from surveys.authoring.services.instruments import instrument_insert
from surveys.authoring.views.common import BUILDERS, posted, survey_or_404, title_of
from surveys.authoring.views.forms import (
    FormErrors,
    parse_question,
    parse_section,
)
from surveys.instruments import INSTRUMENTS
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import FieldError, ServiceValidationError

from .editing import (
    Write,
    back_to_survey,
    consent_purposes,
    question_changes,
    question_types,
    try_write,
)


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
        errors = try_write(
            request,
            lambda: instrument_insert(
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
            return back_to_survey(studio, survey)
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
            "purposes": consent_purposes(survey),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


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
        data = parse_question(
            post, locales=doc["locales"], types=question_types(doc), errors=problems
        )
        if original:
            write = lambda: question_change(  # noqa: E731
                survey=survey, code=original, changes=question_changes(data)
            )
        else:
            write = lambda: question_add(  # noqa: E731
                survey=survey, section_code=str(post.get("section") or ""), question=data
            )
    elif kind == "section":
        data = parse_section(
            post, locales=doc["locales"], types=question_types(doc), errors=problems
        )
        if original:
            write = lambda: section_change(survey=survey, code=original, changes=data)  # noqa: E731
        else:
            write = lambda: section_add(survey=survey, section=data)  # noqa: E731
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
