"""Headless submissions (the API, the inbox): the full check, and the checked form stored.

`submission_validate` checks a complete submission and returns it cleaned
(`PreparedSubmission`) or raises with every error; nothing is written.
`submission_finish` decides what the submitter is told (finish.py).
`prepared_to_json`/`prepared_from_json` are the cleaned form a pending
inbox row stores, so the write-out rebuilds it without checking again.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from trustpulse.validation import FieldError, ServiceValidationError

from ...answers import AnswerProblem, clean_answers
from ...consent.services.response_consent import (
    ConsentInput,
    consent_from_payload,
    published_notice_version,
)
from ...enums import Channel
from ...enums import QuestionType as T
from ...models import Survey, SurveyVersion
from ...selectors.definitions import version_spec
from ...spec import VersionSpec
from .finish import Finished, finished_from_json, finished_to_json, response_finish

# The version of the cleaned form an inbox row stores (rows without it hold the
# request's answers and are checked at write-out, as they were when accepted).
PAYLOAD_FORMAT = 2


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


def submission_finish(prepared: PreparedSubmission, *, submitted_at: dt.datetime) -> Finished:
    """What a headless submission is told and written with (never a speeder: not timed)."""
    return response_finish(
        prepared.spec,
        prepared.values,
        path=prepared.path,
        granted=prepared.consent.purposes if prepared.consent else (),
        submitted_at=submitted_at,
    )


def _value_to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _value_to_json(v) for k, v in value.items()}
    return value


def _value_from_json(spec: VersionSpec, code: str, value: Any) -> Any:
    q = spec.question(code)
    if q is None:  # not of the row's version: a damaged row, kept for a person
        raise ServiceValidationError(
            [FieldError(field="answers", code="unknown_question", message=code)]
        )
    if q.type in (T.SCALE, T.NUMBER):
        return Decimal(value)
    if q.type == T.MATRIX:
        return {k: Decimal(v) for k, v in value.items()}
    if q.type == T.DATE:
        return dt.date.fromisoformat(value)
    return value


def _consent_to_json(consent: ConsentInput | None) -> dict[str, Any] | None:
    if consent is None:
        return None
    return {
        "notice": consent.version.notice_id,
        "number": consent.version.number,
        "purposes": list(consent.purposes),
        "locale": consent.locale,
        "method": str(consent.method),
        "given_at": consent.given_at.isoformat() if consent.given_at else None,
        "notice_opened": consent.notice_opened,
        "notice_dwell_ms": consent.notice_dwell_ms,
    }


def _consent_from_json(data: Mapping[str, Any] | None) -> ConsentInput | None:
    if data is None:
        return None
    version = published_notice_version(data["notice"], data["number"])
    if version is None:  # pragma: no cover - published versions are never removed
        raise ServiceValidationError(
            [FieldError(field="consent.notice_version", code="invalid", message="Not published.")]
        )
    given_at = data["given_at"]
    return ConsentInput(
        version=version,
        purposes=list(data["purposes"]),
        locale=data["locale"],
        method=data["method"],
        given_at=dt.datetime.fromisoformat(given_at) if given_at else None,
        notice_opened=data["notice_opened"],
        notice_dwell_ms=data["notice_dwell_ms"],
    )


def prepared_to_json(prepared: PreparedSubmission, finished: Finished) -> dict[str, Any]:
    """The cleaned submission and what it was told, as an inbox row stores them."""
    return {
        "format": PAYLOAD_FORMAT,
        "locale": prepared.locale,
        "channel": prepared.channel,
        "is_test": prepared.is_test,
        "external_id": prepared.external_id,
        "values": {code: _value_to_json(v) for code, v in prepared.values.items()},
        "other": dict(prepared.other),
        "path": list(prepared.path),
        "consent": _consent_to_json(prepared.consent),
        "finished": finished_to_json(finished),
    }


def prepared_from_json(
    data: Mapping[str, Any], *, survey: Survey, version: SurveyVersion
) -> tuple[PreparedSubmission, Finished]:
    """Rebuild what `prepared_to_json` stored (no check: it passed them when accepted)."""
    spec = version_spec(version)
    prepared = PreparedSubmission(
        survey=survey,
        version=version,
        spec=spec,
        locale=data["locale"],
        channel=data["channel"],
        is_test=bool(data["is_test"]),
        external_id=data["external_id"],
        values={code: _value_from_json(spec, code, v) for code, v in data["values"].items()},
        other=dict(data["other"]),
        path=list(data["path"]),
        consent=_consent_from_json(data["consent"]),
    )
    return prepared, finished_from_json(data["finished"])
