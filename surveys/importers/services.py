"""Importing survey files from other tools (SurveyJS, LimeSurvey, Qualtrics, XLSForm).

The importers (`surveys/importers/`) map a file into the definition document
and a report; here the document goes through the same checks and the same
service as the JSON import (`definition_check`, `definition_import`). A file
whose report lists approximated or skipped items needs the author's
confirmation before anything is written.
"""

from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trustpulse.validation import FieldError, ServiceValidationError

from ..authoring.services.authoring import definition_check
from ..authoring.services.definitions import definition_import, titles_from_markup
from ..consent.services.consent import notice_content_errors, notice_save
from ..enums import ReportAction
from ..models import ConsentNotice, Organization, Survey, SurveyVersion, User
from . import ImportResult, ReportItem, import_file

NOTICE_PURPOSE = "survey_research"


@dataclass(frozen=True, kw_only=True)
class ImportPreview:
    """What an import would create: the result, and every error of its definition."""

    result: ImportResult
    errors: list[FieldError]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, kw_only=True)
class ImportCommit:
    version: SurveyVersion
    result: ImportResult
    notice_slug: str | None


def _with_notice(document: dict[str, Any], slug: str | None) -> dict[str, Any]:
    """The document pointing at the notice drafted from the source (purposes filled in).

    The importers hand every text sanitized; titles are plain text (surveys.text).
    """
    doc = titles_from_markup(document)
    if slug is None:
        return doc
    doc["consent_notice"] = slug
    for section in doc.get("sections", []):
        for question in section.get("questions", []):
            question.setdefault("purpose", NOTICE_PURPOSE)
    return doc


def _fit(organization: Organization, result: ImportResult) -> ImportResult:
    """Drop a slug already taken and a consent notice the organization lacks (reported)."""
    doc = result.document
    items = list(result.items)
    slug = doc.get("slug")
    if isinstance(slug, str) and Survey.objects.filter(slug=slug).exists():
        doc = {k: v for k, v in doc.items() if k != "slug"}
        items.append(
            ReportItem(
                action=ReportAction.APPROXIMATED,
                location="slug",
                message=_("the link %(slug)s is already used: a new one is made from the title")
                % {"slug": repr(slug)},
            )
        )
    notice = doc.get("consent_notice")
    if (
        isinstance(notice, str)
        and result.notice is None
        and not ConsentNotice.objects.filter(organization=organization, slug=notice).exists()
    ):
        doc = {k: v for k, v in doc.items() if k != "consent_notice"}
        items.append(
            ReportItem(
                action=ReportAction.SKIPPED,
                location="consent_notice",
                message=_(
                    "no consent notice %(slug)s in this organization: attach one before publishing"
                )
                % {"slug": repr(notice)},
            )
        )
    if doc is result.document:
        return result
    return replace(result, document=doc, items=tuple(items))


def import_preview(*, organization: Organization, raw: bytes, filename: str = "") -> ImportPreview:
    """Map a file and check the result as the JSON import would; writes nothing.

    Raises ServiceValidationError (field `file`) when the file cannot be read.
    """
    result = _fit(organization, import_file(raw, filename))
    document = _with_notice(result.document, None)
    if result.notice is not None:
        document.pop("consent_notice", None)
    errors = result.locate(definition_check(organization=organization, document=document))
    if result.notice is not None:
        errors += _prefixed(notice_content_errors(result.notice.content))
    return ImportPreview(result=result, errors=errors)


def _prefixed(errors: list[FieldError]) -> list[FieldError]:
    return [
        FieldError(field=f"consent_notice.{e.field}", code=e.code, message=e.message)
        for e in errors
    ]


def _notice_slug(organization: Organization, name: str) -> str:
    base = (slugify(name)[:50] or "imported-notice").strip("-") or "imported-notice"
    slug, n = base, 2
    while ConsentNotice.objects.filter(organization=organization, slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def import_commit(
    *,
    organization: Organization,
    result: ImportResult,
    confirm: bool,
    actor: User | None = None,
) -> ImportCommit:
    """Create the draft survey (and the consent notice draft) of an import. All or nothing."""
    if result.items and not confirm:
        raise ServiceValidationError(
            [
                FieldError(
                    field="confirm",
                    code="confirmation_required",
                    message=ngettext(
                        "The import approximated or skipped %(n)s item: review the report and"
                        " confirm.",
                        "The import approximated or skipped %(n)s items: review the report and"
                        " confirm.",
                        len(result.items),
                    )
                    % {"n": len(result.items)},
                )
            ]
        )
    slug = None
    if result.notice is not None:
        slug = _notice_slug(organization, result.notice.name)
        try:
            notice_save(
                organization=organization,
                slug=slug,
                name=result.notice.name,
                content=result.notice.content,
                actor=actor,
            )
        except ServiceValidationError as exc:
            raise ServiceValidationError(_prefixed(exc.errors)) from None
    try:
        version = definition_import(
            organization=organization, document=_with_notice(result.document, slug), actor=actor
        )
    except ServiceValidationError as exc:  # pointed at the source file, not the definition
        raise ServiceValidationError(result.locate(exc.errors)) from None
    return ImportCommit(version=version, result=result, notice_slug=slug)


def import_file_commit(
    *,
    organization: Organization,
    raw: bytes,
    filename: str = "",
    confirm: bool,
    actor: User | None = None,
) -> ImportCommit:
    """Map a file and create its draft survey (see `import_commit`)."""
    result = _fit(organization, import_file(raw, filename))
    return import_commit(organization=organization, result=result, confirm=confirm, actor=actor)
