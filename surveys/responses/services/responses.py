"""Responses submitted whole (the API, an import, the demo): validate, then write in one
transaction; and whether a survey takes responses now."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from surveys import signals
from trustpulse.validation import FieldError, ServiceValidationError

from ...answers import AnswerProblem, answer_rows, clean_answers, score
from ...consent.services.response_consent import (
    ConsentInput,
    consent_from_payload,
    disclosure_behaviour,
    record_consent,
)
from ...enums import Channel, ResponseStatus
from ...integrations import outbox
from ...models import Answer, Respondent, Response, Survey, SurveyVersion
from ...quality import quality_flags
from ...selectors.definitions import version_question_ids, version_spec
from ...spec import VersionSpec
from ..selectors import availability
from .respondents import new_ref, respondent_create

AVAILABILITY_MESSAGES = {
    "not_published": "This survey is not published.",
    "closed": "This survey is closed.",
    "not_yet_open": "This survey is not open yet.",
    "quota_reached": "This survey has received all the responses it needs.",
}


def write_answers(
    response: Response, spec: VersionSpec, values: Mapping[str, Any], other: Mapping[str, str]
) -> None:
    ids = version_question_ids(response.version)
    rows = []
    for code, value in values.items():
        q = spec.question(code)
        assert q is not None
        for row in answer_rows(q, value, other.get(code, "")):
            rows.append(Answer(response=response, question_id=ids[code], question_code=code, **row))
    Answer.objects.bulk_create(rows)


def _speeder(response: Response) -> bool:
    """Completed in under QUALITY_SPEEDER_FRACTION of the survey's running median.

    The median is over the latest 200 completed web responses of the survey
    (at least 20 are needed); responses without a measured duration (headless
    submissions) are never speeders. Decided once, at submission.
    """
    assert response.submitted_at is not None
    if response.started_at is None or response.submitted_at <= response.started_at:
        return False
    durations = sorted(
        (submitted - started).total_seconds()
        for started, submitted in Response.objects.filter(
            submitted_at__isnull=False,
            survey_id=response.survey_id,
            status=ResponseStatus.COMPLETE,
            submitted_at__gt=F("started_at"),
        )
        .exclude(pk=response.pk)
        .order_by("-submitted_at")
        .values_list("started_at", "submitted_at")[:200]
        if submitted is not None
    )
    if len(durations) < 20:
        return False
    mid = len(durations) // 2
    median = durations[mid] if len(durations) % 2 else (durations[mid - 1] + durations[mid]) / 2
    taken = (response.submitted_at - response.started_at).total_seconds()
    fraction = float(settings.QUALITY_SPEEDER_FRACTION)
    return taken < fraction * median


def finish_response(response: Response, spec: VersionSpec, values: Mapping[str, Any]) -> None:
    response.status = ResponseStatus.COMPLETE
    response.submitted_at = timezone.now()
    response.quality_flags = quality_flags(spec, values)
    if _speeder(response):
        response.quality_flags.append("speeder")
    if spec.kind == "quiz":
        response.score = score(spec, values)
        response.max_score = spec.max_score
        response.outcome_index = spec.outcome_for(response.score)
    signals.send_after_commit(
        signals.response_submitted,
        response_id=str(response.pk),
        survey_id=response.survey_id,
        organization_id=response.survey.organization_id,
    )
    outbox.response_completed_event(response)


def _problems_to_errors(
    problems: Sequence[AnswerProblem], index: Mapping[str, int]
) -> list[FieldError]:
    errors = []
    for p in problems:
        if p.question in index:
            field = f"answers[{index[p.question]}].{p.subfield}"
            if p.code == "unknown_question":
                field = f"answers[{index[p.question]}].question"
        else:
            field = "answers"
        message = p.message if p.question in index else f"{p.question}: {p.message}"
        errors.append(FieldError(field=field, code=p.code, message=message))
    return errors


@dataclass(frozen=True, kw_only=True)
class PreparedSubmission:
    """A headless submission that passed every check, ready to be written."""

    survey: Survey
    version: SurveyVersion
    spec: VersionSpec
    locale: str
    channel: str
    is_test: bool
    external_id: str | None
    values: dict[str, Any]
    other: dict[str, Any]
    path: list[str]
    consent: ConsentInput | None


def _answer_items(
    answers: Sequence[Mapping[str, Any]], errors: list[FieldError]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Raw values, 'other' texts and list index per question code (adds item errors)."""
    raw: dict[str, Any] = {}
    other: dict[str, Any] = {}
    index: dict[str, int] = {}
    for i, item in enumerate(answers):
        code = item.get("question")
        if not isinstance(code, str) or not code:
            errors.append(
                FieldError(field=f"answers[{i}].question", code="required", message="required")
            )
            continue
        if code in index:
            errors.append(
                FieldError(
                    field=f"answers[{i}].question",
                    code="duplicate",
                    message="This question is answered twice.",
                )
            )
            continue
        index[code] = i
        raw[code] = item.get("value")
        if item.get("other") is not None:
            other[code] = item.get("other")
    return raw, other, index


def submission_validate(
    *,
    survey: Survey,
    version: SurveyVersion,
    answers: Sequence[Mapping[str, Any]],
    locale: str | None = None,
    channel: str = Channel.API,
    external_id: str | None = None,
    is_test: bool = False,
    consent: Mapping[str, Any] | None = None,
    received_at: dt.datetime | None = None,
    drop_withheld: bool = False,
) -> PreparedSubmission:
    """Check a complete submission against `version`; raise with every error, write nothing.

    A consent without its own timestamp counts as given at `received_at`.
    An answer to a question whose consent purpose is not granted is refused
    (``answers[i].question``, code ``purpose_not_granted``); with
    `drop_withheld` (writing out a submission accepted earlier) it is left out.
    """
    errors: list[FieldError] = []
    spec = version_spec(version)
    locale = locale or survey.default_locale
    if locale not in spec.locales:
        errors.append(
            FieldError(
                field="locale",
                code="invalid_choice",
                message="Must be one of: " + ", ".join(spec.locales),
            )
        )
    if channel not in Channel.values:
        errors.append(
            FieldError(field="channel", code="invalid_choice", message="Unknown channel.")
        )
    raw, other, index = _answer_items(answers, errors)
    consent_input, consent_problems = consent_from_payload(survey, consent, locale)
    errors.extend(consent_problems)
    withheld = spec.withheld(
        consent_input.purposes if consent_input is not None and not consent_problems else None
    )
    if drop_withheld:
        raw = {k: v for k, v in raw.items() if k not in withheld}
        other = {k: v for k, v in other.items() if k not in withheld}
    cleaned = clean_answers(spec, raw, other, withheld=withheld)
    errors.extend(_problems_to_errors(cleaned.problems, index))
    if errors:
        raise ServiceValidationError(errors)
    if consent_input is not None and consent_input.given_at is None and received_at is not None:
        consent_input = replace(consent_input, given_at=received_at)
    return PreparedSubmission(
        survey=survey,
        version=version,
        spec=spec,
        locale=locale,
        channel=channel,
        is_test=is_test,
        external_id=external_id,
        values=dict(cleaned.values),
        other=dict(cleaned.other),
        path=list(cleaned.path),
        consent=consent_input,
    )


def submission_response(
    prepared: PreparedSubmission,
    *,
    respondent: Respondent,
    response_id: Any = None,
    submitted_at: dt.datetime | None = None,
) -> Response:
    """The complete (unsaved) response of `prepared`: quality flags and quiz result set.

    Pure: what the submitter is told can be computed before anything is written,
    and the row written later carries exactly the same values.
    """
    spec = prepared.spec
    response = Response(
        respondent=respondent,
        survey=prepared.survey,
        version=prepared.version,
        locale=prepared.locale,
        channel=prepared.channel,
        is_test=prepared.is_test,
        section_path=prepared.path,
        status=ResponseStatus.COMPLETE,
        submitted_at=submitted_at or timezone.now(),
    )
    if response_id is not None:
        response.pk = response_id
    response.quality_flags = quality_flags(spec, prepared.values)
    if spec.kind == "quiz":
        response.score = score(spec, prepared.values)
        response.max_score = spec.max_score
        response.outcome_index = spec.outcome_for(response.score)
    return response


def submission_write(
    prepared: PreparedSubmission,
    *,
    response_id: Any = None,
    respondent_ref: str | None = None,
    submitted_at: dt.datetime | None = None,
) -> Response:
    """Write a validated submission: respondent, response, answers, consent, behaviour.

    Call inside a transaction (the callers are atomic).
    """
    if prepared.external_id:
        respondent = respondent_create(
            organization=prepared.survey.organization, external_id=prepared.external_id
        )
    else:
        respondent = Respondent.objects.create(
            organization=prepared.survey.organization, respondent_ref=respondent_ref or new_ref()
        )
    response = submission_response(
        prepared, respondent=respondent, response_id=response_id, submitted_at=submitted_at
    )
    response.save(force_insert=True)
    signals.send_after_commit(
        signals.response_submitted,
        response_id=str(response.pk),
        survey_id=response.survey_id,
        organization_id=prepared.survey.organization_id,
    )
    write_answers(response, prepared.spec, prepared.values, prepared.other)
    record_consent(response, prepared.consent)
    outbox.response_completed_event(response)
    # The consent is known here: no need to read back the record just written.
    disclosure_behaviour(
        response,
        prepared.spec,
        prepared.values,
        granted=prepared.consent.purposes if prepared.consent else (),
    )
    return response


def survey_accepting(survey: Survey) -> None:
    """Raise `survey`-field errors unless it takes responses now (locks it under a quota)."""
    if survey.response_quota is not None:
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
    availability_check(survey)


def availability_check(survey: Survey) -> None:
    """Raise the `survey`-field error of why it takes no responses now (the one mapping)."""
    avail = availability(survey)
    if not avail.ok:
        raise ServiceValidationError(
            [
                FieldError(
                    field="survey", code=avail.reason, message=AVAILABILITY_MESSAGES[avail.reason]
                )
            ]
        )


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    answers: Sequence[Mapping[str, Any]],
    locale: str | None = None,
    channel: str = Channel.API,
    external_id: str | None = None,
    is_test: bool = False,
    consent: Mapping[str, Any] | None = None,
) -> Response:
    """Store one complete response in one call (apps, kiosks). All or nothing.

    `answers` is ``[{"question": code, "value": …, "other": "…"}, …]``;
    `consent` is ``{"notice_version": 3, "purposes": [...], "timestamp": "…"}``
    and required when the survey has a consent notice. Errors carry paths
    such as ``answers[3].value``; nothing is written when any exists.
    """
    survey_accepting(survey)
    assert survey.live_version is not None
    prepared = submission_validate(
        survey=survey,
        version=survey.live_version,
        answers=answers,
        locale=locale,
        channel=channel,
        external_id=external_id,
        is_test=is_test,
        consent=consent,
    )
    return submission_write(prepared)
