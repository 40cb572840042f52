"""The studio's import page: upload a survey file, read the report, confirm, get a draft.

``/studio/<org>/import/`` (authors and admins). The preview shows every item
the importer approximated or skipped with its place in the source file; the
mapped result travels to the confirmation in a signed field, so what is
created is exactly what was previewed.
"""

from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _g

from trustpulse.studio import Studio, studio_view
from trustpulse.validation import FieldError, ServiceValidationError

from ..enums import ImportFormat, QuestionType, Role
from . import ImportResult, NoticeDraft, ReportItem
from .services import import_commit, import_preview

AUTHORING = frozenset({Role.ADMIN, Role.AUTHOR})
SALT = "surveys.import.preview"
MAX_AGE = 3600


def _pack(organization_id: int, result: ImportResult, filename: str) -> str:
    return signing.dumps(
        {
            "org": organization_id,
            "format": result.format,
            "filename": filename,
            "document": result.document,
            "items": [i.as_dict() for i in result.items],
            "sources": result.sources,
            "notice": (
                {"name": result.notice.name, "content": result.notice.content}
                if result.notice
                else None
            ),
        },
        salt=SALT,
        compress=True,
    )


def _unpack(token: str, organization_id: int) -> tuple[ImportResult, str] | None:
    try:
        data: dict[str, Any] = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("org") != organization_id:
        return None
    notice = data.get("notice")
    result = ImportResult(
        format=data["format"],
        document=data["document"],
        items=tuple(ReportItem(**i) for i in data["items"]),
        notice=NoticeDraft(**notice) if notice else None,
        sources=dict(data.get("sources") or {}),
    )
    return result, str(data.get("filename", ""))


def _page(request: HttpRequest, studio: Studio, **context: Any) -> HttpResponse:
    context.setdefault("errors", [])
    context["error_links"] = [
        {"href": "#file" if e.field == "file" else "#report", "message": f"{e.field}: {e.message}"}
        if e.field not in ("file", "confirm")
        else {"href": f"#{e.field}", "message": e.message}
        for e in context["errors"]
    ]
    context["max_mb"] = round(settings.IMPORT_MAX_BYTES / 1_000_000, 1)
    result = context.get("result")
    if result is not None:
        context["format_label"] = ImportFormat(result.format).label
        context["languages"] = ", ".join(map(_language_name, result.document.get("locales", [])))
        context["outline"] = [
            (s["code"], [(q["code"], _type_label(q["type"])) for q in s["questions"]])
            for s in result.document.get("sections", [])
        ]
    status = 400 if context["errors"] else 200
    return render(
        request, "studio/importers/import.html", {"studio": studio, **context}, status=status
    )


def _type_label(code: str) -> str:
    return str(QuestionType(code).label) if code in QuestionType.values else code


def _language_name(code: str) -> str:
    """`zh-Hant` → "Traditional Chinese" in the page's language; an unknown code as it is."""
    for candidate in (code.lower(), code.split("-")[0].lower()):
        try:
            return str(get_language_info(candidate)["name_translated"])
        except KeyError:
            continue
    return code


@studio_view(roles=AUTHORING, section="import")
def import_page(request: HttpRequest, studio: Studio) -> HttpResponse:
    """Upload → preview with the report → confirm → a draft survey."""
    org = studio.organization
    if request.method != "POST":
        return _page(request, studio)
    if request.POST.get("action") == "confirm":
        unpacked = _unpack(request.POST.get("payload", ""), org.pk)
        if unpacked is None:
            error = FieldError(
                field="file",
                code="expired",
                message=_g("This preview has expired or was changed: upload the file again."),
            )
            return _page(request, studio, errors=[error])
        result, filename = unpacked
        try:
            commit = import_commit(
                organization=org,
                result=result,
                confirm=request.POST.get("confirm") == "yes",
                actor=request.user,  # type: ignore[arg-type]
            )
        except ServiceValidationError as exc:
            return _page(
                request,
                studio,
                errors=exc.errors,
                result=result,
                filename=filename,
                payload=request.POST.get("payload", ""),
            )
        survey = commit.version.survey
        return _page(
            request,
            studio,
            created=survey,
            created_title=survey.title.get(survey.default_locale) or survey.slug,
            notice_slug=commit.notice_slug,
            result=result,
            links={
                "list": reverse("studio:org", kwargs={"org": org.slug}),
                "definition": reverse("api:survey-definition", kwargs={"pk": survey.pk}),
                "surveyjs": reverse("api:survey-definition-surveyjs", kwargs={"pk": survey.pk}),
                "xlsform": reverse("api:survey-definition-xlsform", kwargs={"pk": survey.pk}),
            },
        )
    upload = request.FILES.get("file")
    if upload is None:
        error = FieldError(field="file", code="required", message=_g("Choose a file to import."))
        return _page(request, studio, errors=[error])
    if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
        error = FieldError(
            field="file",
            code="too_large",
            message=_g("The file is larger than %(n)s bytes.") % {"n": settings.IMPORT_MAX_BYTES},
        )
        return _page(request, studio, errors=[error])
    filename = upload.name or ""
    try:
        preview = import_preview(organization=org, raw=upload.read(), filename=filename)
    except ServiceValidationError as exc:
        return _page(request, studio, errors=exc.errors, filename=filename)
    return _page(
        request,
        studio,
        errors=preview.errors,
        result=preview.result,
        filename=filename,
        payload=_pack(org.pk, preview.result, filename) if preview.ok else "",
    )
