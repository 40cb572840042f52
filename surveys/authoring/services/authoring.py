"""Authoring through the API: survey settings, and the sections and questions of its draft.

Sections and questions are addressed by their codes: codes are stable across
versions, while row ids change with every new draft. Every edit works on the
survey's draft version (editing a live survey starts a new draft, a copy of the
latest version, through `survey_draft_version`); a published version is never
touched. An edit is checked as the whole definition document it produces, by the
same rules as an import, so its errors are the import's: with paths relative to
the section or question sent when they fall inside it, full paths otherwise
(``sections[2].questions[0].display_logic.question`` when a later question still
refers to a deleted one). Only what a draft may still lack (no sections, a
section without questions, a quiz without a scored question) waits for
publishing, which checks everything.
"""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ...definition import SCHEMA_VERSION, definition_errors
from ...enums import AuditAction, VersionStatus
from ...models import ConsentNotice, Organization, Survey, SurveyVersion, User
from ...selectors import definition_export
from ...services.audit import audit_log
from ...text import plain_localized
from ..selectors.authoring import version_document, working_version
from .definitions import survey_create, survey_draft_version
from .translations import stale_translations_record

# Largest value of a PositiveIntegerField on every database backend.
MAX_QUOTA = 2_147_483_647


SURVEY_FIELDS = (
    "title",
    "default_locale",
    "locales",
    "opens_at",
    "closes_at",
    "response_quota",
    "consent_notice",
)


_QUESTIONS_PATH = re.compile(r"^sections\[\d+\]\.questions$")


def _incomplete(error: FieldError) -> bool:
    """An error that only says the draft is not finished yet (checked at publishing)."""
    if error.field == "sections" and error.code in ("too_short", "invalid"):
        return True
    return error.code == "too_short" and bool(_QUESTIONS_PATH.match(error.field))


def draft_errors(doc: Any) -> list[FieldError]:
    return [e for e in definition_errors(doc) if not _incomplete(e)]


def _notice(organization_id: int, slug: Any, errors: list[FieldError]) -> ConsentNotice | None:
    """The organization's consent notice of `slug` (None for None), or an error."""
    if slug is None:
        return None
    notice = (
        ConsentNotice.objects.filter(organization_id=organization_id, slug=slug).first()
        if isinstance(slug, str)
        else None
    )
    if notice is None:
        errors.append(
            FieldError(
                field="consent_notice",
                code="invalid_reference",
                message=gettext("No consent notice with this id in the organization."),
            )
        )
    return notice


def has_published(survey: Survey) -> bool:
    return survey.versions.filter(status=VersionStatus.PUBLISHED).exists()


@transaction.atomic
def survey_new(
    *,
    organization: Organization,
    title: Any,
    kind: str = "survey",
    default_locale: str = "en",
    locales: list[str] | None = None,
    slug: str | None = None,
    consent_notice: str | None = None,
    actor: User | None = None,
) -> Survey:
    """An empty draft survey, its settings checked by the definition rules first.

    `consent_notice` is the slug of one of the organization's consent notices
    (publishing needs one); without it, the organization's default notice.
    """
    locales = locales or [default_locale]
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": kind,
        "title": title,
        "default_locale": default_locale,
        "locales": locales,
        "sections": [],
    }
    if slug is not None:
        doc["slug"] = slug
    errors = draft_errors(doc)
    notice = _notice(organization.pk, consent_notice, errors)
    if consent_notice is None and organization.default_notice_id is not None:
        notice = organization.default_notice
    if errors:
        raise ServiceValidationError(errors)
    survey = survey_create(
        organization=organization,
        title=title,
        kind=kind,
        default_locale=default_locale,
        locales=locales,
        slug=slug,
        actor=actor,
    )
    if notice is not None:
        survey.consent_notice = notice
        survey.save(update_fields=["consent_notice", "updated_at"])
    audit_log(
        organization=organization,
        action=AuditAction.SURVEY_CREATED,
        actor=actor,
        target=survey,
        data={"kind": kind},
    )
    return survey


@transaction.atomic
def survey_update(
    *, survey: Survey, changes: Mapping[str, Any], actor: User | None = None
) -> Survey:
    """Change a survey's title, locales, dates, quota or consent notice (keys of `changes`).

    Checked against the content of its working version (a locale still used by
    a text cannot go); versions themselves are not touched.
    """
    errors = [
        FieldError(field=key, code="unknown_field", message=gettext("unknown field"))
        for key in changes
        if key not in SURVEY_FIELDS
    ]
    quota = changes.get("response_quota")
    if quota is not None and (
        isinstance(quota, bool) or not isinstance(quota, int) or not 1 <= quota <= MAX_QUOTA
    ):
        errors.append(
            FieldError(
                field="response_quota",
                code="out_of_range",
                message=gettext("A whole number from 1 to %(max)s, or null.") % {"max": MAX_QUOTA},
            )
        )
    for key in ("opens_at", "closes_at"):
        value = changes.get(key)
        if value is not None and (not isinstance(value, dt.datetime) or value.tzinfo is None):
            errors.append(
                FieldError(
                    field=key, code="invalid_format", message=gettext("A date-time with a zone.")
                )
            )
    if "consent_notice" in changes:
        notice = _notice(survey.organization_id, changes["consent_notice"], errors)
    if errors:
        raise ServiceValidationError(errors)
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    doc = version_document(
        working_version(survey=survey) or survey_draft_version(survey=survey), survey
    )
    for key, value in changes.items():
        doc[key] = value.isoformat() if isinstance(value, dt.datetime) else value
    errors = draft_errors(doc)
    if errors:
        raise ServiceValidationError(errors)
    version = working_version(survey=survey)
    if version is not None and not version.is_frozen and "title" in changes:
        stale_translations_record(
            draft=version, before=version_document(version, survey), after=doc
        )
    for key, value in changes.items():
        if key == "consent_notice":
            survey.consent_notice = notice
        else:
            setattr(survey, key, plain_localized(value) if key == "title" else value)
    survey.save()
    audit_log(
        organization=survey.organization,
        action=AuditAction.SURVEY_UPDATED,
        actor=actor,
        target=survey,
        data={"fields": sorted(changes)},
    )
    return survey


@transaction.atomic
def survey_delete(*, survey: Survey) -> None:
    """Delete a survey that has no responses (test responses included)."""
    if survey.responses.exists():
        raise ServiceValidationError(
            [
                FieldError(
                    field="survey",
                    code="has_responses",
                    message=gettext("A survey with responses cannot be deleted; close it instead."),
                )
            ]
        )
    survey.delete()


def definition_check(
    *, organization: Organization, document: Any, survey: Survey | None = None
) -> list[FieldError]:
    """Every error `definition_import` would report for `document`; writes nothing."""
    errors = definition_errors(document)
    if errors or not isinstance(document, dict):
        return errors
    slug = document.get("slug")
    if slug:
        taken = Survey.objects.filter(slug=slug)
        if survey is not None:
            taken = taken.exclude(pk=survey.pk)
        if taken.exists():
            errors.append(
                FieldError(field="slug", code="duplicate", message=gettext("already used"))
            )
    notice = document.get("consent_notice")
    if notice and not ConsentNotice.objects.filter(organization=organization, slug=notice).exists():
        errors.append(
            FieldError(
                field="consent_notice",
                code="invalid_reference",
                message=gettext("No consent notice with this id in the organization."),
            )
        )
    if survey is not None and survey.kind != document["kind"] and has_published(survey):
        errors.append(
            FieldError(
                field="kind", code="immutable", message=gettext("cannot change after publishing")
            )
        )
    return errors


def definition_export_logged(
    *, version: SurveyVersion, actor: User | None = None, actor_label: str = ""
) -> dict[str, Any]:
    """The definition document of a version, with an audit event saying who took it."""
    doc = definition_export(version=version)
    audit_log(
        organization=version.survey.organization,
        action=AuditAction.DEFINITION_EXPORTED,
        actor=actor,
        actor_label=actor_label,
        target=version.survey,
        data={"version": version.number},
    )
    return doc


def responses_viewed(
    *,
    organization_ids: Sequence[int],
    actor: User | None = None,
    actor_label: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """Audit a look at raw responses: one event per organization whose rows were in scope."""
    for organization in Organization.objects.filter(pk__in=list(organization_ids)):
        audit_log(
            organization=organization,
            action=AuditAction.RESPONSES_VIEWED,
            actor=actor,
            actor_label=actor_label,
            data=data or {},
        )


__all__ = [
    "definition_check",
    "definition_export_logged",
    "responses_viewed",
    "survey_delete",
    "survey_new",
    "survey_update",
]
