"""Survey definitions: create, import, draft, publish, close.

Inserting an instrument of the library is `instruments.py`; what publishing
checks is `surveys/authoring/checks.py`.
"""

import copy
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ...definition import definition_errors, parse_datetime
from ...enums import AuditAction, SurveyKind, SurveyStatus, VersionStatus, WebhookEventType
from ...integrations import outbox
from ...models import (
    Choice,
    ConsentNotice,
    Organization,
    Question,
    Section,
    Survey,
    SurveyVersion,
    User,
)
from ...selectors import definition_export, to_plain
from ...services.audit import audit_log
from ...spec import choice_fields, question_fields
from ...text import plain_localized, sanitize_localized
from ..checks import publish_errors


def _titled(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The parts of a document that carry a title: itself, its outcomes and sections."""
    return [doc, *doc.get("outcomes", []), *doc.get("sections", [])]


def titles_from_markup(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with titles that came through `sanitize` (the importers') as plain text."""
    doc = copy.deepcopy(doc)
    for d in _titled(doc):
        if isinstance(d.get("title"), dict):
            d["title"] = {k: to_plain(str(v)) for k, v in d["title"].items()}
    return doc


def _sanitize(doc: dict[str, Any]) -> dict[str, Any]:
    """Titles as plain text, every other localized text sanitized (surveys.text)."""

    def loc(d: dict[str, Any], *keys: str) -> None:
        for k in keys:
            if k in d:
                d[k] = sanitize_localized(d[k])

    for d in _titled(doc):
        if "title" in d:
            d["title"] = plain_localized(d["title"])
    for k in list(doc.get("texts", {})):
        doc["texts"][k] = sanitize_localized(doc["texts"][k])
    for o in doc.get("outcomes", []):
        loc(o, "text")
    for s in doc["sections"]:
        loc(s, "description")
        for q in s["questions"]:
            loc(q, "text", "help_text")
            for key in ("low_label", "high_label", "placeholder", "other_label", "unit"):
                loc(q.get("settings", {}), key)
            for row in q.get("settings", {}).get("rows", []):
                loc(row, "text")
            for c in q.get("choices", []):
                loc(c, "label", "feedback")
    return doc


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:60] or "survey"
    if len(slug) < 2:
        slug = f"survey-{slug}"
    candidate = slug
    while Survey.objects.filter(slug=candidate).exists():
        candidate = f"{slug}-{secrets.token_hex(3)}"
    return candidate


def _write_content(version: SurveyVersion, doc: dict[str, Any]) -> None:
    """Replace a draft version's sections, questions and choices with `doc`'s."""
    version.sections.all().delete()
    sections = Section.objects.bulk_create(
        [
            Section(
                version=version,
                code=s["code"],
                position=i,
                title=s.get("title", {}),
                description=s.get("description", {}),
                display_logic=s.get("display_logic"),
                skip_logic=s.get("skip_logic", []),
                randomize_questions=s.get("randomize_questions", False),
            )
            for i, s in enumerate(doc["sections"])
        ]
    )
    questions: list[Question] = []
    q_docs: list[dict[str, Any]] = []
    for section, s in zip(sections, doc["sections"], strict=True):
        for i, q in enumerate(s["questions"]):
            questions.append(
                Question(version=version, section=section, position=i, **question_fields(q))
            )
            q_docs.append(q)
    questions = Question.objects.bulk_create(questions)
    Choice.objects.bulk_create(
        [
            Choice(question=question, position=i, **choice_fields(c))
            for question, q in zip(questions, q_docs, strict=True)
            for i, c in enumerate(q.get("choices", []))
        ]
    )
    version.texts = doc.get("texts", {})
    version.outcomes = doc.get("outcomes", [])
    version.analysis = doc.get("analysis", {})
    version.save(update_fields=["texts", "outcomes", "analysis"])


def _apply_survey_fields(survey: Survey, doc: dict[str, Any]) -> None:
    survey.kind = doc["kind"]
    survey.title = doc["title"]
    survey.default_locale = doc["default_locale"]
    survey.locales = doc["locales"]
    survey.opens_at = parse_datetime(doc.get("opens_at"))
    survey.closes_at = parse_datetime(doc.get("closes_at"))
    survey.response_quota = doc.get("response_quota")
    slug = doc.get("consent_notice")
    survey.consent_notice = (
        ConsentNotice.objects.get(organization_id=survey.organization_id, slug=slug)
        if slug
        else None
    )


@transaction.atomic
def definition_import(
    *,
    organization: Organization,
    document: Any,
    actor: User | None = None,
    survey: Survey | None = None,
) -> SurveyVersion:
    """Import a definition: a new survey, or the draft of `survey`. All or nothing.

    Every error is reported with its path; nothing is written when any exists.
    Returns the draft version holding the imported content.
    """
    errors = definition_errors(document)
    slug = document.get("slug") if isinstance(document, dict) else None
    if not errors and slug:
        taken = Survey.objects.filter(slug=slug)
        if survey is not None:
            taken = taken.exclude(pk=survey.pk)
        if taken.exists():
            errors.append(
                FieldError(field="slug", code="duplicate", message=gettext("already used"))
            )
    notice_slug = document.get("consent_notice") if isinstance(document, dict) else None
    if not errors and notice_slug:
        if not ConsentNotice.objects.filter(organization=organization, slug=notice_slug).exists():
            errors.append(
                FieldError(
                    field="consent_notice",
                    code="invalid_reference",
                    message=gettext("No consent notice with this id in the organization."),
                )
            )
    if survey is not None and not errors and survey.kind != document["kind"]:
        if survey.versions.filter(status=VersionStatus.PUBLISHED).exists():
            errors.append(
                FieldError(
                    field="kind",
                    code="immutable",
                    message=gettext("cannot change after publishing"),
                )
            )
    if errors:
        raise ServiceValidationError(errors)
    doc = _sanitize(copy.deepcopy(document))
    if survey is None:
        survey = Survey(
            organization=organization,
            slug=slug or _unique_slug(next(iter(doc["title"].values()))),
            created_by=actor,
        )
        _apply_survey_fields(survey, doc)
        survey.save()
        version = SurveyVersion.objects.create(survey=survey, number=1)
    else:
        if slug:
            survey.slug = slug
        _apply_survey_fields(survey, doc)
        survey.save()
        version = survey_draft_version(survey=survey, copy=False)
    _write_content(version, doc)
    audit_log(
        organization=organization,
        action=AuditAction.DEFINITION_IMPORTED,
        actor=actor,
        target=survey,
        data={"version": version.number},
    )
    return version


@transaction.atomic
def survey_create(
    *,
    organization: Organization,
    title: dict[str, str],
    kind: str = SurveyKind.SURVEY,
    default_locale: str = "en",
    locales: list[str] | None = None,
    slug: str | None = None,
    actor: User | None = None,
) -> Survey:
    """An empty draft survey (sections and questions are added to its draft)."""
    locales = locales or [default_locale]
    errors = []
    if kind not in SurveyKind.values:
        errors.append(
            FieldError(field="kind", code="invalid_choice", message=gettext("survey or quiz"))
        )
    if default_locale not in locales:
        errors.append(
            FieldError(
                field="default_locale", code="unknown_locale", message=gettext("must be in locales")
            )
        )
    if not title or not any(str(v).strip() for v in title.values()):
        errors.append(FieldError(field="title", code="required", message=gettext("required")))
    if slug and Survey.objects.filter(slug=slug).exists():
        errors.append(FieldError(field="slug", code="duplicate", message=gettext("already used")))
    if errors:
        raise ServiceValidationError(errors)
    title = plain_localized(title)
    survey = Survey.objects.create(
        organization=organization,
        kind=kind,
        slug=slug or _unique_slug(next(iter(title.values()))),
        title=title,
        default_locale=default_locale,
        locales=locales,
        created_by=actor,
    )
    SurveyVersion.objects.create(survey=survey, number=1)
    return survey


def _copy_version(source: SurveyVersion, target: SurveyVersion) -> None:
    doc = definition_export(version=source)
    _write_content(target, doc)
    if source.stale_translations:  # translations still out of date stay marked
        target.stale_translations = dict(source.stale_translations)
        target.save(update_fields=["stale_translations"])


@transaction.atomic
def survey_draft_version(*, survey: Survey, copy: bool = True) -> SurveyVersion:
    """The survey's draft version; editing a published survey starts a new one.

    The new draft starts as a copy of the latest version (unless `copy` is
    false, when the caller replaces its content anyway).
    """
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    draft = survey.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = survey.versions.order_by("-number").first()
    number = (latest.number + 1) if latest else 1
    draft = SurveyVersion.objects.create(survey=survey, number=number)
    if copy and latest is not None:
        _copy_version(latest, draft)
    return draft


@transaction.atomic
def survey_publish(*, survey: Survey, actor: User | None = None) -> SurveyVersion:
    """Freeze the draft version and make it the live one."""
    draft = survey.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise ServiceValidationError(
            [
                FieldError(
                    field="version",
                    code="no_draft",
                    message=gettext("There is no draft to publish."),
                )
            ]
        )
    if survey.status == SurveyStatus.CLOSED:
        raise ServiceValidationError(
            [
                FieldError(
                    field="status",
                    code="closed",
                    message=gettext("A closed survey cannot publish."),
                )
            ]
        )
    doc = definition_export(version=draft)
    errors = publish_errors(survey=survey, doc=doc)
    if errors:
        raise ServiceValidationError(errors)
    # Drafts may also be edited in the Django admin: sanitize again what freezes.
    doc = _sanitize(copy.deepcopy(doc))
    draft.status = VersionStatus.PUBLISHED
    draft.snapshot = doc
    draft.published_at = timezone.now()
    draft.save(update_fields=["status", "snapshot", "published_at"])
    survey.live_version = draft
    survey.status = SurveyStatus.LIVE
    survey.save(update_fields=["live_version", "status", "updated_at"])
    audit_log(
        organization=survey.organization,
        action=AuditAction.SURVEY_PUBLISHED,
        actor=actor,
        target=survey,
        data={"version": draft.number},
    )
    outbox.survey_event(survey, WebhookEventType.SURVEY_PUBLISHED)
    return draft


@transaction.atomic
def survey_close(*, survey: Survey, actor: User | None = None) -> Survey:
    if survey.status != SurveyStatus.LIVE:
        raise ServiceValidationError(
            [
                FieldError(
                    field="status",
                    code="not_live",
                    message=gettext("Only a live survey can close."),
                )
            ]
        )
    survey.status = SurveyStatus.CLOSED
    survey.save(update_fields=["status", "updated_at"])
    audit_log(
        organization=survey.organization,
        action=AuditAction.SURVEY_CLOSED,
        actor=actor,
        target=survey,
    )
    outbox.survey_event(survey, WebhookEventType.SURVEY_CLOSED)
    return survey
