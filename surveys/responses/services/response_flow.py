"""The web flow of a response, page by page: start, save a section, resume, complete."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from trustpulse.validation import FieldError, ServiceValidationError

from ...answers import AnswerProblem, clean_answers
from ...consent.services.response_consent import ConsentInput, check_consent, record_consent
from ...enums import Channel, ResponseStatus
from ...models import Respondent, Response, Survey
from ...selectors.definitions import version_spec
from ..selectors import ResponseState, response_state
from .availability import availability_check
from .finish import response_finish
from .respondents import respondent_create, token_hash
from .write import response_write, speeder_median, write_answers


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
    availability_check(survey)
    version = survey.live_version
    assert version is not None
    spec = version_spec(version)
    errors = check_consent(survey, consent)
    if errors:
        raise ServiceValidationError(errors)
    token = secrets.token_urlsafe(24)
    respondent = respondent_create(
        organization=survey.organization, external_id_digest=external_id_digest
    )
    if channel_link_id is not None and not survey.channel_links.filter(pk=channel_link_id).exists():
        channel_link_id = None
    first = spec.sections[0].code
    from ...logic import next_section

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
    record_consent(response, consent)
    portal = secrets.token_urlsafe(24)
    Respondent.objects.filter(pk=respondent.pk).update(portal_token_hash=token_hash(portal))
    response.portal_token = portal  # type: ignore[attr-defined]
    return response, token


@dataclass(frozen=True, kw_only=True)
class PageResult:
    problems: list[AnswerProblem]
    next_section: str | None  # None: the end
    # The response's state after the save (for `response_complete` in the same request).
    state: ResponseState | None = None


def response_save_section(
    *,
    response: Response,
    section_code: str,
    raw: Mapping[str, Any],
    other: Mapping[str, Any] | None = None,
    state: ResponseState | None = None,
) -> PageResult:
    """Validate and save one page of a web response; say which page comes next.

    Nothing is written when the page has problems. A page saved again
    replaces its earlier answers (the respondent went back). With `state`,
    the caller has locked the response (``select_for_update``, in its
    transaction) and read its state: nothing is read again.
    """
    from ...logic import next_section

    if state is None:
        with transaction.atomic():
            response = (
                Response.objects.select_for_update().select_related("version").get(pk=response.pk)
            )
            spec = version_spec(response.version)
            return response_save_section(
                response=response,
                section_code=section_code,
                raw=raw,
                other=other,
                state=response_state(response, spec),
            )
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
    withheld = state.withheld
    stored, stored_other = state.values, state.other
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
    page_values = {k: v for k, v in cleaned.values.items() if k in page_codes}
    following = next_section(spec.rules(withheld), section_code, cleaned.values)
    path = list(response.section_path)
    if section_code in path:
        path = path[: path.index(section_code) + 1]
    else:
        path.append(section_code)
    if following is not None:
        path.append(following)
    with transaction.atomic(savepoint=False):
        if page_codes & (set(stored) | set(stored_other)):
            response.answers.filter(question_code__in=page_codes).delete()
        write_answers(response, spec, page_values, cleaned.other)
        response.section_path = path
        response.current_section = following or ""
        response.save(update_fields=["section_path", "current_section", "updated_at"])
    after = replace(
        state,
        values={**{k: v for k, v in stored.items() if k not in page_codes}, **page_values},
        other={
            **{k: v for k, v in stored_other.items() if k not in page_codes},
            **{k: v for k, v in cleaned.other.items() if k in page_codes},
        },
    )
    return PageResult(problems=[], next_section=following, state=after)


def response_complete(*, response: Response, state: ResponseState | None = None) -> Response:
    """Check the whole response along its path and submit it.

    With `state`, the caller holds the response locked and its state read
    (as `response_save_section` left it): nothing is read again.
    """
    if state is None:
        with transaction.atomic():
            response = (
                Response.objects.select_for_update()
                .select_related("survey", "version")
                .get(pk=response.pk)
            )
            if response.status == ResponseStatus.COMPLETE:
                return response
            spec = version_spec(response.version)
            return response_complete(response=response, state=response_state(response, spec))
    if response.status == ResponseStatus.COMPLETE:
        return response
    spec = version_spec(response.version)
    cleaned = clean_answers(spec, state.values, state.other, withheld=state.withheld)
    # Answers on a branch the respondent no longer takes, or under a purpose
    # withdrawn meanwhile, are not submitted.
    dropped = ("not_shown", "purpose_not_granted")
    off_path = [p.question for p in cleaned.problems if p.code in dropped]
    problems = [p for p in cleaned.problems if p.code not in dropped]
    if problems:
        raise ServiceValidationError(
            [FieldError(field=p.question, code=p.code, message=p.message) for p in problems]
        )
    values = {k: v for k, v in cleaned.values.items() if k not in off_path}
    submitted_at = timezone.now()
    finished = response_finish(
        spec,
        values,
        path=cleaned.path,
        granted=state.granted or frozenset(),
        started_at=response.started_at,
        submitted_at=submitted_at,
        median_seconds=speeder_median(response, submitted_at),
    )
    with transaction.atomic(savepoint=False):
        if off_path:
            response.answers.filter(question_code__in=off_path).delete()
        response.section_path = cleaned.path
        response.current_section = ""
        response.resume_token_hash = None
        response_write(response, finished, spec=spec)
    return response


def quiz_score_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == value.to_integral_value() else str(value)
