"""A draft's content, one section or question at a time: add, change, move, remove.

Each change edits the draft's definition document and writes it back through the
definition rules, so an edit obeys every rule an import does."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ...models import Survey, SurveyVersion
from ..selectors.authoring import version_document
from .authoring import draft_errors, has_published
from .definitions import _sanitize, _write_content, survey_draft_version
from .translations import stale_translations_record


class CodeNotFound(ObjectDoesNotExist):
    """No section or question with this code in the survey's working version."""


def _relative(errors: Sequence[FieldError], prefix: str) -> list[FieldError]:
    """Errors inside `prefix` (e.g. ``sections[1].questions[2]``) get paths relative to it."""
    out = []
    for e in errors:
        if e.field == prefix:
            out.append(FieldError(field="$", code=e.code, message=e.message))
        elif e.field.startswith(prefix + "."):
            out.append(FieldError(field=e.field[len(prefix) + 1 :], code=e.code, message=e.message))
        else:
            out.append(e)
    return out


def write_draft(draft: SurveyVersion, doc: dict[str, Any], relative_to: str | None = None) -> None:
    """Check the whole edited definition, then write it into the draft.

    Errors inside the edited object come back with paths relative to it
    (`relative_to`, e.g. ``sections[1].questions[0]``); nothing is written
    when any exists.
    """
    errors = draft_errors(doc)
    if relative_to is not None:
        errors = _relative(errors, relative_to)
    if errors:
        raise ServiceValidationError(errors)
    if draft.is_frozen:  # survey_draft_version never returns one; never write into it
        raise RuntimeError("A published version is never modified.")
    before = version_document(draft, draft.survey)
    clean = _sanitize(doc)
    _write_content(draft, clean)
    stale_translations_record(draft=draft, before=before, after=clean)


def _position(value: Any, field: str, errors: list[FieldError]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors.append(
            FieldError(
                field=field, code="invalid_type", message=gettext("A whole number, 0 or more.")
            )
        )
        return None
    return int(value)


def _object(value: Any, errors: list[FieldError]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        errors.append(
            FieldError(field="$", code="invalid_type", message=gettext("Must be an object."))
        )
        return {}
    return dict(value)


def _find_section(doc: dict[str, Any], code: str) -> int:
    for i, s in enumerate(doc["sections"]):
        if s["code"] == code:
            return i
    raise CodeNotFound(f"No section {code!r}.")


def _find_question(doc: dict[str, Any], code: str) -> tuple[int, int]:
    for si, s in enumerate(doc["sections"]):
        for qi, q in enumerate(s["questions"]):
            if q["code"] == code:
                return si, qi
    raise CodeNotFound(f"No question {code!r}.")


@transaction.atomic
def section_add(*, survey: Survey, section: Any, position: Any = None) -> tuple[SurveyVersion, str]:
    """Add a section (a definition section object) to the draft; returns it and the code."""
    errors: list[FieldError] = []
    data = _object(section, errors)
    data.setdefault("questions", [])
    at = _position(position, "position", errors)
    if errors:
        raise ServiceValidationError(errors)
    draft = survey_draft_version(survey=survey)
    doc = version_document(draft, survey)
    at = len(doc["sections"]) if at is None else min(at, len(doc["sections"]))
    doc["sections"].insert(at, data)
    write_draft(draft, doc, f"sections[{at}]")
    return draft, data["code"]


@transaction.atomic
def section_change(
    *, survey: Survey, code: str, changes: Any, position: Any = None
) -> tuple[SurveyVersion, str]:
    """Replace the fields of a section that `changes` names (and move it to `position`)."""
    errors: list[FieldError] = []
    data = _object(changes, errors)
    at = _position(position, "position", errors)
    if errors:
        raise ServiceValidationError(errors)
    draft = survey_draft_version(survey=survey)
    doc = version_document(draft, survey)
    index = _find_section(doc, code)
    section = {**doc["sections"].pop(index), **data}
    at = index if at is None else min(at, len(doc["sections"]))
    doc["sections"].insert(at, section)
    write_draft(draft, doc, f"sections[{at}]")
    return draft, section["code"]


@transaction.atomic
def section_remove(*, survey: Survey, code: str) -> SurveyVersion:
    """Remove a section and its questions from the draft (refused while logic refers to it)."""
    draft = survey_draft_version(survey=survey)
    doc = version_document(draft, survey)
    doc["sections"].pop(_find_section(doc, code))
    write_draft(draft, doc)
    return draft


@transaction.atomic
def question_add(
    *, survey: Survey, section_code: str, question: Any, position: Any = None
) -> tuple[SurveyVersion, str]:
    """Add a question (a definition question object, choices included) to a draft section."""
    errors: list[FieldError] = []
    data = _object(question, errors)
    at = _position(position, "position", errors)
    if errors:
        raise ServiceValidationError(errors)
    draft = survey_draft_version(survey=survey)
    doc = version_document(draft, survey)
    si = _find_section(doc, section_code)
    questions = doc["sections"][si]["questions"]
    at = len(questions) if at is None else min(at, len(questions))
    questions.insert(at, data)
    write_draft(draft, doc, f"sections[{si}].questions[{at}]")
    return draft, data["code"]


@transaction.atomic
def question_change(
    *,
    survey: Survey,
    code: str,
    changes: Any,
    section_code: Any = None,
    position: Any = None,
) -> tuple[SurveyVersion, str]:
    """Replace the fields of a question that `changes` names; `choices` are replaced whole.

    `section_code` and `position` move it. Its code cannot change once the
    survey has published a version: rollups, metrics and exports key on it.
    """
    errors: list[FieldError] = []
    data = _object(changes, errors)
    at = _position(position, "position", errors)
    if section_code is not None and not isinstance(section_code, str):
        errors.append(
            FieldError(field="section", code="invalid_type", message=gettext("A section code."))
        )
    if errors:
        raise ServiceValidationError(errors)
    draft = survey_draft_version(survey=survey)
    doc = version_document(draft, survey)
    si, qi = _find_question(doc, code)
    if "code" in data and data["code"] != code and has_published(survey):
        errors.append(
            FieldError(
                field="code",
                code="immutable",
                message=gettext(
                    "A question's code cannot change once the survey has been published."
                ),
            )
        )
    target = si
    if section_code is not None:
        try:
            target = _find_section(doc, section_code)
        except CodeNotFound:
            errors.append(
                FieldError(
                    field="section", code="invalid_reference", message=gettext("No such section.")
                )
            )
    if errors:
        raise ServiceValidationError(errors)
    question = {**doc["sections"][si]["questions"].pop(qi), **data}
    questions = doc["sections"][target]["questions"]
    if at is None:
        at = qi if target == si else len(questions)
    at = min(at, len(questions))
    questions.insert(at, question)
    write_draft(draft, doc, f"sections[{target}].questions[{at}]")
    return draft, question["code"]


@transaction.atomic
def question_remove(*, survey: Survey, code: str) -> SurveyVersion:
    """Remove a question from the draft (refused while logic refers to it)."""
    draft = survey_draft_version(survey=survey)
    doc = version_document(draft, survey)
    si, qi = _find_question(doc, code)
    doc["sections"][si]["questions"].pop(qi)
    write_draft(draft, doc)
    return draft
