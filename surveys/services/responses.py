"""Respondents and responses: the web flow (page by page) and headless submission."""

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from trustpulse.validation import FieldError, ServiceValidationError

from .. import signals
from ..answers import (
    AnswerProblem,
    answer_rows,
    clean_answers,
    score,
    values_from_rows,
)
from ..enums import (
    BEHAVIOURAL_MEASUREMENT,
    Channel,
    CollectionMethod,
    EventSource,
    ResponseStatus,
    SurveyStatus,
    VersionStatus,
)
from ..integrations import outbox
from ..models import (
    Answer,
    BehaviourEvent,
    ConsentNoticeVersion,
    ConsentRecord,
    Organization,
    Respondent,
    Response,
    Survey,
    SurveyVersion,
)
from ..quality import quality_flags
from ..selectors.definitions import version_question_ids, version_spec
from ..spec import VersionSpec
from .consent import consent_counter_bump, consent_errors, consent_give


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def external_id_hmac(external_id: str) -> str:
    """Keyed HMAC of a brand's external respondent id; the raw id is never stored."""
    key = settings.RESPONDENT_ID_HMAC_KEY.encode() or settings.SECRET_KEY.encode()
    return hmac.new(key, external_id.encode(), hashlib.sha256).hexdigest()


def new_ref() -> str:
    return "r_" + secrets.token_hex(8)


def respondent_create(
    *,
    organization: Organization,
    external_id: str | None = None,
    external_id_digest: str | None = None,
) -> Respondent:
    """A new pseudonymous respondent (or the existing one of an external id).

    `external_id_digest` is an id already HMAC'd (a verified signed link).
    """
    if external_id or external_id_digest:
        digest = external_id_digest or external_id_hmac(external_id or "")
        respondent, _ = Respondent.objects.get_or_create(
            organization=organization,
            external_id_hmac=digest,
            defaults={"respondent_ref": new_ref()},
        )
        return respondent
    return Respondent.objects.create(organization=organization, respondent_ref=new_ref())


@dataclass(frozen=True, kw_only=True)
class Availability:
    """Whether a survey takes responses now; if not, why (and the HTTP status to use)."""

    ok: bool
    reason: str = ""
    status: int = 200


def availability(survey: Survey, *, now: Any = None) -> Availability:
    now = now or timezone.now()
    if survey.status == SurveyStatus.DRAFT or survey.live_version_id is None:
        return Availability(ok=False, reason="not_published", status=404)
    if survey.status == SurveyStatus.CLOSED:
        return Availability(ok=False, reason="closed", status=410)
    if survey.opens_at and now < survey.opens_at:
        return Availability(ok=False, reason="not_yet_open", status=403)
    if survey.closes_at and now >= survey.closes_at:
        return Availability(ok=False, reason="closed", status=410)
    if survey.response_quota is not None:
        done = survey.responses.filter(status=ResponseStatus.COMPLETE, is_test=False).count()
        if done >= survey.response_quota:
            return Availability(ok=False, reason="quota_reached", status=403)
    return Availability(ok=True)


@dataclass(frozen=True, kw_only=True)
class ConsentInput:
    """What the respondent agreed to at the consent step, and how they got there."""

    version: ConsentNoticeVersion
    purposes: list[str]
    locale: str
    method: str = CollectionMethod.WEB_FORM
    given_at: dt.datetime | None = None
    notice_opened: bool | None = None
    notice_dwell_ms: int | None = None


AVAILABILITY_MESSAGES = {
    "not_published": "This survey is not published.",
    "closed": "This survey is closed.",
    "not_yet_open": "This survey is not open yet.",
    "quota_reached": "This survey has received all the responses it needs.",
}


def _write_answers(
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


def _finish(response: Response, spec: VersionSpec, values: Mapping[str, Any]) -> None:
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
    _write_answers(response, prepared.spec, prepared.values, prepared.other)
    _record_consent(response, prepared.consent)
    outbox.response_completed_event(response)
    # The consent is known here: no need to read back the record just written.
    _disclosure_behaviour(
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


# Published notice versions never change (nor stop being published): kept per process.
# Any save of a notice version empties it (ids can come back in a test database).
_NOTICE_VERSIONS: dict[tuple[int, int], ConsentNoticeVersion] = {}


@receiver(post_save, sender=ConsentNoticeVersion, dispatch_uid="notice-version-cache")
def _forget_notice_versions(**kwargs: Any) -> None:
    _NOTICE_VERSIONS.clear()


def published_notice_version(notice_id: int, number: int) -> ConsentNoticeVersion | None:
    """The published version `number` of a notice (cached once found; misses are not)."""
    found = _NOTICE_VERSIONS.get((notice_id, number))
    if found is None:
        found = (
            ConsentNoticeVersion.objects.filter(
                notice_id=notice_id, number=number, status=VersionStatus.PUBLISHED
            )
            .select_related("notice__organization")
            .first()
        )
        if found is not None:
            if len(_NOTICE_VERSIONS) >= 1024:
                _NOTICE_VERSIONS.clear()
            _NOTICE_VERSIONS[(notice_id, number)] = found
    return found


def consent_from_payload(
    survey: Survey, data: Any, locale: str
) -> tuple[ConsentInput | None, list[FieldError]]:
    """Parse the consent object of a headless submission (errors under ``consent.*``)."""
    if data is None:
        return None, _check_consent(survey, None)
    if not isinstance(data, Mapping):
        return None, [
            FieldError(field="consent", code="invalid_type", message="Must be an object.")
        ]
    errors: list[FieldError] = []
    unknown = sorted(set(data) - {"notice_version", "purposes", "timestamp"})
    for key in unknown:
        errors.append(
            FieldError(field=f"consent.{key}", code="unknown_field", message="unknown field")
        )
    number = data.get("notice_version")
    version = None
    if isinstance(number, bool) or not isinstance(number, int):
        errors.append(
            FieldError(
                field="consent.notice_version",
                code="required",
                message="The number of the notice version shown.",
            )
        )
    elif survey.consent_notice_id is not None:
        version = published_notice_version(survey.consent_notice_id, number)
        if version is None:
            errors.append(
                FieldError(
                    field="consent.notice_version",
                    code="invalid",
                    message="Not a published version of this survey's notice.",
                )
            )
    given_at = None
    if data.get("timestamp") is not None:
        stamp = data["timestamp"]
        try:
            given_at = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        except ValueError:
            given_at = None
        if (
            given_at is None
            or given_at.tzinfo is None
            or given_at > timezone.now() + dt.timedelta(minutes=5)
        ):
            errors.append(
                FieldError(
                    field="consent.timestamp",
                    code="invalid",
                    message="An ISO 8601 time with a time zone, not in the future.",
                )
            )
    if survey.consent_notice_id is None:
        errors.append(
            FieldError(
                field="consent", code="not_allowed", message="This survey has no consent notice."
            )
        )
    if errors or version is None:
        return None, errors
    consent = ConsentInput(
        version=version,
        purposes=data.get("purposes"),  # type: ignore[arg-type]
        locale=locale,
        method=CollectionMethod.API,
        given_at=given_at,
    )
    return consent, _check_consent(survey, consent)


def _consent_behaviour(response: Response, consent: ConsentInput) -> None:
    """The consent step is a privacy decision: record it, only with consent to do so."""
    if BEHAVIOURAL_MEASUREMENT not in consent.purposes:
        return
    at = consent.given_at or timezone.now()
    events: list[tuple[str, Any, str]] = []
    if consent.notice_opened is not None:
        events.append(("notice_opened", bool(consent.notice_opened), ""))
        if not consent.notice_opened:
            events.append(("terms_accepted_unread", True, ""))
    if consent.notice_dwell_ms is not None:
        events.append(("notice_dwell_ms", max(0, int(consent.notice_dwell_ms)), ""))
    optional = [p for p in consent.version.purpose_ids if p not in consent.version.required_ids]
    for purpose in optional:
        if purpose in consent.purposes:
            events.append(("optional_purpose_granted", purpose, purpose))
    BehaviourEvent.objects.bulk_create(
        [
            BehaviourEvent(
                organization_id=response.survey.organization_id,
                respondent_id=response.respondent_id,
                response=response,
                kind=kind,
                value=value,
                occurred_at=at,
                source=EventSource.IN_SURVEY,
                idempotency_id=f"{response.pk}:{kind}:{suffix}",
            )
            for kind, value, suffix in events
        ]
    )


def _section_questions(spec: VersionSpec, code: str) -> tuple[Any, ...]:
    section = spec.section(code)
    return section.questions if section else ()


def _disclosure_behaviour(
    response: Response,
    spec: VersionSpec,
    values: Mapping[str, Any],
    *,
    granted: Collection[str] | None = None,
) -> None:
    """Optional personal fields disclosed or left blank (with behavioural consent only).

    `granted`: the purposes consented to in the same call, when known (headless
    submission); otherwise the response's stored consent records decide.
    """
    if granted is None:
        # Active now: a purpose withdrawn while the response was in progress does not count.
        records = ConsentRecord.objects.filter(response=response)
        granted = {p for r in records for p in r.active_purposes}
    if BEHAVIOURAL_MEASUREMENT not in granted:
        return
    now = timezone.now()
    withheld = spec.withheld(granted)
    shown = {
        q.code
        for code in response.section_path
        for q in _section_questions(spec, code)
        if q.code not in withheld
    }
    BehaviourEvent.objects.bulk_create(
        [
            BehaviourEvent(
                organization_id=response.survey.organization_id,
                respondent_id=response.respondent_id,
                response=response,
                kind="optional_field_disclosed",
                value=q.code if q.code in values else "",
                occurred_at=now,
                source=EventSource.IN_SURVEY,
                idempotency_id=f"{response.pk}:optional_field_disclosed:{q.code}",
            )
            for q in spec.questions
            if q.quasi_identifier and not q.required and q.code in shown
        ],
        ignore_conflicts=True,
    )


def _check_consent(survey: Survey, consent: ConsentInput | None) -> list[FieldError]:
    if survey.consent_notice_id is None:
        return []
    if consent is None:
        return [
            FieldError(
                field="consent",
                code="required",
                message="Consent to the survey's notice is required first.",
            )
        ]
    if consent.version.notice_id != survey.consent_notice_id:
        return [
            FieldError(
                field="consent.notice_version",
                code="invalid",
                message="Not a version of this survey's consent notice.",
            )
        ]
    return [
        FieldError(field=f"consent.{e.field}", code=e.code, message=e.message)
        for e in consent_errors(version=consent.version, purposes=consent.purposes)
    ]


def _record_consent(response: Response, consent: ConsentInput | None) -> None:
    if consent is None:
        return
    consent_give(
        respondent=response.respondent,
        version=consent.version,
        locale=consent.locale,
        purposes=consent.purposes,
        method=CollectionMethod(consent.method),
        response=response,
        given_at=consent.given_at,
    )
    if not response.is_test:  # test mode leaves the consent funnel's counters alone
        consent_counter_bump(version=consent.version, field="consented")
    _consent_behaviour(response, consent)


def response_start(
    *,
    survey: Survey,
    locale: str,
    channel: str = Channel.WEB,
    is_test: bool = False,
    consent: ConsentInput | None = None,
    channel_link_id: int | None = None,
    external_id_digest: str | None = None,
) -> tuple[Response, str]:
    """Begin a web response at the consent step; returns it and its resume token.

    With a consent notice on the survey, `consent` is required; the consent
    record, the consent-step behaviour and a portal token (returned as the
    unsaved attribute ``response.portal_token``, for the respondent alone)
    are created with it. Nothing is stored without consent.
    `channel_link_id` records the channel link that brought the respondent
    (ignored unless it is this survey's); `external_id_digest` (the keyed
    HMAC of a verified external id) joins the respondent of that id.
    """
    with transaction.atomic():
        return _response_start(
            survey, locale, channel, is_test, consent, channel_link_id, external_id_digest
        )


def _response_start(
    survey: Survey,
    locale: str,
    channel: str,
    is_test: bool,
    consent: ConsentInput | None,
    channel_link_id: int | None = None,
    external_id_digest: str | None = None,
) -> tuple[Response, str]:
    avail = availability(survey)
    if not avail.ok:
        raise ServiceValidationError(
            [
                FieldError(
                    field="survey", code=avail.reason, message=AVAILABILITY_MESSAGES[avail.reason]
                )
            ]
        )
    version = survey.live_version
    assert version is not None
    spec = version_spec(version)
    errors = _check_consent(survey, consent)
    if errors:
        raise ServiceValidationError(errors)
    token = secrets.token_urlsafe(24)
    respondent = respondent_create(
        organization=survey.organization, external_id_digest=external_id_digest
    )
    if channel_link_id is not None and not survey.channel_links.filter(pk=channel_link_id).exists():
        channel_link_id = None
    first = spec.sections[0].code
    from ..logic import next_section

    withheld = spec.withheld(consent.purposes if consent is not None else None)
    first = next_section(spec.rules(withheld), None, {}) or first
    response = Response.objects.create(
        respondent=respondent,
        survey=survey,
        version=version,
        locale=locale if locale in spec.locales else survey.default_locale,
        channel=channel if channel in Channel.values else Channel.WEB,
        channel_link_id=channel_link_id,
        is_test=is_test,
        current_section=first,
        section_path=[first],
        resume_token_hash=token_hash(token),
    )
    _record_consent(response, consent)
    portal = secrets.token_urlsafe(24)
    Respondent.objects.filter(pk=respondent.pk).update(portal_token_hash=token_hash(portal))
    response.portal_token = portal  # type: ignore[attr-defined]
    return response, token


def response_resume(*, token: str) -> Response | None:
    """The partial response of a resume token, or None."""
    return (
        Response.objects.select_related("survey", "version", "survey__organization")
        .filter(resume_token_hash=token_hash(token), status=ResponseStatus.PARTIAL)
        .first()
    )


def response_withheld(response: Response, spec: VersionSpec | None = None) -> frozenset[str]:
    """The questions of `response` under a purpose its respondent has not granted now.

    Decided by the response's consent records (a purpose withdrawn in the
    portal counts as not granted); a response without any has nothing withheld.
    """
    records = list(ConsentRecord.objects.filter(response_id=response.pk))
    if not records:
        return frozenset()
    granted = {p for r in records for p in r.active_purposes}
    return (spec or version_spec(response.version)).withheld(granted)


def response_values(response: Response) -> tuple[dict[str, Any], dict[str, str]]:
    """The cleaned values (and 'other' texts) stored so far for a response."""
    spec = version_spec(response.version)
    rows = list(
        response.answers.order_by("id").values(
            "question_code", "item", "choice", "number", "text", "date", "boolean"
        )
    )
    return values_from_rows(spec, rows)


@dataclass(frozen=True, kw_only=True)
class PageResult:
    problems: list[AnswerProblem]
    next_section: str | None  # None: the end


@transaction.atomic
def response_save_section(
    *,
    response: Response,
    section_code: str,
    raw: Mapping[str, Any],
    other: Mapping[str, Any] | None = None,
) -> PageResult:
    """Validate and save one page of a web response; say which page comes next.

    Nothing is written when the page has problems. A page saved again
    replaces its earlier answers (the respondent went back).
    """
    from ..logic import next_section

    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.status != ResponseStatus.PARTIAL:
        raise ServiceValidationError(
            [FieldError(field="response", code="complete", message="Already submitted.")]
        )
    spec = version_spec(response.version)
    section = spec.section(section_code)
    if section is None:
        raise ServiceValidationError(
            [FieldError(field="section", code="invalid", message="No such section.")]
        )
    withheld = response_withheld(response, spec)
    stored, stored_other = response_values(response)
    page_codes = {q.code for q in section.questions}
    earlier = {k: v for k, v in stored.items() if k not in page_codes and k not in withheld}
    merged_raw: dict[str, Any] = dict(earlier)
    merged_raw.update({k: v for k, v in raw.items() if k in page_codes})
    merged_other = {k: v for k, v in stored_other.items() if k not in page_codes}
    merged_other.update(other or {})
    cleaned = clean_answers(
        spec, merged_raw, merged_other, sections=[section_code], withheld=withheld
    )
    problems = [p for p in cleaned.problems if p.question in page_codes]
    if problems:
        return PageResult(problems=problems, next_section=section_code)
    response.answers.filter(question_code__in=page_codes).delete()
    page_values = {k: v for k, v in cleaned.values.items() if k in page_codes}
    _write_answers(response, spec, page_values, cleaned.other)
    following = next_section(spec.rules(withheld), section_code, cleaned.values)
    path = list(response.section_path)
    if section_code in path:
        path = path[: path.index(section_code) + 1]
    else:
        path.append(section_code)
    if following is not None:
        path.append(following)
    response.section_path = path
    response.current_section = following or ""
    response.save(update_fields=["section_path", "current_section", "updated_at"])
    return PageResult(problems=[], next_section=following)


@transaction.atomic
def response_complete(*, response: Response) -> Response:
    """Check the whole response along its path and submit it."""
    response = (
        Response.objects.select_for_update().select_related("survey", "version").get(pk=response.pk)
    )
    if response.status == ResponseStatus.COMPLETE:
        return response
    spec = version_spec(response.version)
    values, other = response_values(response)
    cleaned = clean_answers(spec, values, other, withheld=response_withheld(response, spec))
    # Answers on a branch the respondent no longer takes, or under a purpose
    # withdrawn meanwhile, are not submitted.
    dropped = ("not_shown", "purpose_not_granted")
    off_path = [p.question for p in cleaned.problems if p.code in dropped]
    problems = [p for p in cleaned.problems if p.code not in dropped]
    if problems:
        raise ServiceValidationError(
            [FieldError(field=p.question, code=p.code, message=p.message) for p in problems]
        )
    if off_path:
        response.answers.filter(question_code__in=off_path).delete()
    values = {k: v for k, v in cleaned.values.items() if k not in off_path}
    response.section_path = cleaned.path
    response.current_section = ""
    response.resume_token_hash = None
    _finish(response, spec, values)
    response.save()
    _disclosure_behaviour(response, spec, values)
    return response


def quiz_score_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == value.to_integral_value() else str(value)
