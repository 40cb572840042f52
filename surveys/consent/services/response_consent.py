"""The consent given with a response: reading it (web or API body), checking it,
recording it, and the behaviour events the consent step itself yields."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from trustpulse.validation import FieldError

from ...enums import BEHAVIOURAL_MEASUREMENT, CollectionMethod, EventSource, VersionStatus
from ...models import BehaviourEvent, ConsentNoticeVersion, Response, Survey
from .consent import consent_counter_bump, consent_errors, consent_give


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
        return None, check_consent(survey, None)
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
    return consent, check_consent(survey, consent)


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


def check_consent(survey: Survey, consent: ConsentInput | None) -> list[FieldError]:
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


def record_consent(response: Response, consent: ConsentInput | None) -> None:
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
