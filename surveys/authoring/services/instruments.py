"""Inserting an instrument of the library (`surveys/instruments.py`) into a survey's draft."""

import copy
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ...consent.selectors import notice_current_version
from ...instruments import INSTRUMENTS
from ...models import Survey, SurveyVersion, User
from ...selectors import definition_export
from .definitions import definition_import, survey_draft_version


@transaction.atomic
def instrument_insert(
    *,
    survey: Survey,
    instrument: str,
    brand: str = "",
    prefix: str = "",
    after_section: str | None = None,
    purpose: str | None = None,
    actor: User | None = None,
) -> SurveyVersion:
    """Insert an instrument from the library as a new section of the survey's draft.

    Its questions fall under `purpose` (default: the first required purpose of
    the survey's consent notice).

    The whole definition is validated again (a code already used, for example,
    is reported with its path); nothing changes when anything is wrong.
    """
    spec = INSTRUMENTS.get(instrument)
    errors = []
    if spec is None:
        errors.append(
            FieldError(
                field="instrument",
                code="invalid_choice",
                message=gettext("One of: %(choices)s.")
                % {"choices": ", ".join(sorted(INSTRUMENTS))},
            )
        )
    elif spec.quiz_only and survey.kind != "quiz":
        errors.append(
            FieldError(
                field="instrument",
                code="quiz_only",
                message=gettext("This instrument scores points: add it to a quiz."),
            )
        )
    if prefix and not prefix.replace("_", "").isalnum():
        errors.append(
            FieldError(
                field="prefix",
                code="invalid_format",
                message=gettext("Letters, digits and underscores only."),
            )
        )
    if errors or spec is None:
        raise ServiceValidationError(errors)
    draft = survey_draft_version(survey=survey)
    doc = copy.deepcopy(definition_export(version=draft))
    section = spec.build(prefix, brand or survey.organization.name)
    # Keep only the survey's locales in the inserted texts.
    section = _keep_locales(section, set(doc["locales"]))
    if purpose is None:
        notice = notice_current_version(survey.consent_notice)
        purpose = notice.required_ids[0] if notice and notice.required_ids else ""
    if purpose:
        for question in section["questions"]:
            question["purpose"] = purpose
    codes = [s["code"] for s in doc["sections"]]
    at = codes.index(after_section) + 1 if after_section in codes else len(codes)
    doc["sections"].insert(at, section)
    return definition_import(
        organization=survey.organization, document=doc, actor=actor, survey=survey
    )


def _keep_locales(value: Any, locales: set[str]) -> Any:
    if isinstance(value, dict):
        if (
            value
            and all(k in ("en", "zh-Hant") for k in value)
            and all(isinstance(v, str) for v in value.values())
        ):
            kept = {k: v for k, v in value.items() if k in locales}
            return kept or {next(iter(locales)): value.get("en", "")}
        return {k: _keep_locales(v, locales) for k, v in value.items()}
    if isinstance(value, list):
        return [_keep_locales(v, locales) for v in value]
    return value
