"""Definition documents: import (a new survey, or a survey's draft) and export."""

import json
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from trustpulse.api.access import MAX_ID, audit_identity, require_scope, survey_for
from trustpulse.api.errors import error_response
from trustpulse.api.parsers import StrictJSONParser
from trustpulse.api.schema import DRY_RUN, READ, WRITE, errors
from trustpulse.api.views import ApiView, flag
from trustpulse.validation import FieldError

from ...authoring.selectors.authoring import version_get, working_version
from ...authoring.services.authoring import definition_check, definition_export_logged
from ...authoring.services.definitions import definition_import
from ...enums import ApiScope
from ...importers.exporters import definition_to_surveyjs, definition_to_xlsform
from ...importers.services import import_file_commit, import_preview
from ...models import Organization, Survey, SurveyVersion
from ..serializers import (
    DryRunSerializer,
    FileImportResultSerializer,
    ImportPreviewSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    VersionSerializer,
)
from .surveys import authoring_organization, survey_body

DEFINITION_REQUEST: dict[str, Any] = {
    "application/json": {
        "type": "object",
        "description": (
            "A survey definition document: see docs/schemas/survey-definition.v1.schema.json."
        ),
        "additionalProperties": True,
    }
}
IMPORT_REQUEST = {**DEFINITION_REQUEST, "multipart/form-data": ImportUploadSerializer}
CONFIRM = OpenApiParameter(
    "confirm",
    OpenApiTypes.BOOL,
    description="File uploads: the author has read the report and accepts its approximated"
    " and skipped items (required when the report lists any).",
)
DEFINITION_EXAMPLE = OpenApiExample(
    "Minimal survey",
    value={
        "schema_version": "1.0",
        "kind": "survey",
        "title": {"en": "Trust check"},
        "default_locale": "en",
        "locales": ["en"],
        "sections": [
            {
                "code": "main",
                "questions": [
                    {"code": "trust", "type": "rating", "text": {"en": "How much do you trust us?"}}
                ],
            }
        ],
    },
    request_only=True,
)
IMPORT_RESPONSES = {
    200: OpenApiResponse(DryRunSerializer, description="Dry run: the document is valid."),
    **errors(*WRITE, 413),
}
# Replacing the draft: the updated survey and version, or a dry run's verdict.
DEFINITION_RESPONSES = {
    **IMPORT_RESPONSES,
    200: OpenApiResponse(
        PolymorphicProxySerializer(
            component_name="DefinitionUpdated",
            serializers=[ImportResultSerializer, DryRunSerializer],
            resource_type_field_name=None,
        ),
        description="The survey and its new draft version; with `dry_run`, the verdict.",
    ),
}


MAX_VERSION = 2**31 - 1


def whole(raw: str) -> bool:
    """A whole number in ASCII digits (`"³".isdigit()` is true, but int() refuses it)."""
    return raw.isascii() and raw.isdigit()


def _too_large(request: Request, limit: int | None = None) -> Response | None:
    limit = limit or settings.DEFINITION_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:  # WSGI bodies are read up to CONTENT_LENGTH, never past it
        return error_response(
            [FieldError(field="$", code="too_large", message=f"At most {limit} bytes.")],
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return None


def _check(organization: Organization, document: Any, survey: Survey | None) -> Response:
    problems = definition_check(organization=organization, document=document, survey=survey)
    if problems:
        return error_response(problems)
    return Response({"ok": True, "errors": []})


def _imported(request: Request, version: SurveyVersion, code: int) -> Response:
    survey = survey_body(request, version.survey_id)
    body = {
        "survey": survey,
        "version": VersionSerializer(
            version, context={"live_version_id": version.survey.live_version_id}
        ).data,
    }
    return Response(body, status=code)


def _report(result: Any) -> list[dict[str, str]]:
    return [item.as_dict() for item in result.items]


class DefinitionImportView(ApiView):
    parser_classes = [StrictJSONParser, MultiPartParser]

    @extend_schema(
        operation_id="surveys_import",
        summary="Import a definition document or a survey file as a new draft survey",
        description=(
            "JSON body: a TrustPulse definition document. Multipart body (`file`): a SurveyJS"
            " JSON, LimeSurvey .lss, Qualtrics .qsf or XLSForm (.xlsx, .xls, .csv) file, its"
            " format detected from the content (docs/IMPORT.md). A file's dry run returns the"
            " import report (each approximated or skipped item with its source location) and"
            " the definition it maps to; committing a file whose report lists items needs"
            " `confirm=true`. Every error is listed with its path"
            " (`sections[1].questions[4].choices`, or `file` for an unreadable file) and"
            " nothing is written. `organization` is needed only by a member who authors in"
            " several organizations."
        ),
        parameters=[
            DRY_RUN,
            CONFIRM,
            OpenApiParameter("organization", OpenApiTypes.INT, description="Organization id."),
        ],
        request=IMPORT_REQUEST,
        examples=[DEFINITION_EXAMPLE],
        responses={
            201: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="ImportCreated",
                    serializers=[ImportResultSerializer, FileImportResultSerializer],
                    resource_type_field_name=None,
                ),
                description="The draft survey (a file import adds its format and report).",
            ),
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="ImportDryRun",
                    serializers=[DryRunSerializer, ImportPreviewSerializer],
                    resource_type_field_name=None,
                ),
                description="Dry run: valid (a file's dry run adds the report).",
            ),
            **errors(*WRITE, 413),
        },
    )
    def post(self, request: Request) -> Response:
        require_scope(self.actor, ApiScope.SURVEYS_WRITE)
        multipart = (request.content_type or "").startswith("multipart/")
        too_large = _too_large(request, settings.IMPORT_MAX_BYTES + 65536 if multipart else None)
        if too_large is not None:
            return too_large
        raw = request.query_params.get("organization")
        if raw is not None and not (whole(raw) and 0 < int(raw) <= MAX_ID):
            raise ValidationError({"organization": ["An organization id."]})
        organization = authoring_organization(
            self.actor, int(raw) if raw is not None else None, "organization"
        )
        if multipart:
            return self.file_import(request, organization)
        document = request.data
        if flag(request, "dry_run"):
            return _check(organization, document, None)
        version = definition_import(
            organization=organization, document=document, actor=self.actor.user
        )
        return _imported(request, version, status.HTTP_201_CREATED)

    def file_import(self, request: Request, organization: Organization) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            return error_response(
                [FieldError(field="file", code="required", message="Attach the file as `file`.")]
            )
        if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
            return error_response(
                [
                    FieldError(
                        field="file",
                        code="too_large",
                        message=f"At most {settings.IMPORT_MAX_BYTES} bytes.",
                    )
                ],
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        raw = upload.read()
        name = upload.name or ""
        confirm = flag(request, "confirm")
        if flag(request, "dry_run"):
            preview = import_preview(organization=organization, raw=raw, filename=name)
            if not preview.ok:
                return error_response(preview.errors)
            notice = preview.result.notice
            return Response(
                {
                    "ok": True,
                    "errors": [],
                    "format": preview.result.format,
                    "report": _report(preview.result),
                    "definition": preview.result.document,
                    "consent_notice": (
                        {"name": notice.name, "content": notice.content} if notice else None
                    ),
                }
            )
        commit = import_file_commit(
            organization=organization,
            raw=raw,
            filename=name,
            confirm=confirm,
            actor=self.actor.user,
        )
        response = _imported(request, commit.version, status.HTTP_201_CREATED)
        response.data["format"] = commit.result.format
        response.data["report"] = _report(commit.result)
        response.data["consent_notice"] = commit.notice_slug
        return response


def _export_version(request: Request, pk: int) -> SurveyVersion:
    survey = survey_for(request, pk, write=False)
    raw = request.query_params.get("version")
    if raw is None:
        version = working_version(survey=survey)
    elif whole(raw) and int(raw) <= MAX_VERSION:
        version = version_get(survey=survey, number=int(raw))
    else:
        raise ValidationError({"version": ["A version number."]})
    if version is None:
        raise NotFound("No such version.")
    return version


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VERSION_PARAM = OpenApiParameter("version", OpenApiTypes.INT, description="Version number.")


class SurveyJSExportView(ApiView):
    @extend_schema(
        operation_id="surveys_definition_surveyjs",
        summary="Export a version as SurveyJS JSON",
        description=(
            "Default: the working version. Standard SurveyJS JSON; what SurveyJS cannot say"
            " travels in `trustpulse` properties, so the file imports back unchanged."
        ),
        parameters=[VERSION_PARAM],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The SurveyJS survey JSON."),
            **errors(400, *READ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        version = _export_version(request, pk)
        doc = definition_export_logged(version=version, **audit_identity(self.actor))
        body = definition_to_surveyjs(doc)
        response = Response(body)
        response["Content-Disposition"] = (
            f'attachment; filename="{version.survey.slug}-v{version.number}.surveyjs.json"'
        )
        return response


class XLSXRenderer(BaseRenderer):
    """Lets a client ask for the workbook by its media type (errors stay JSON)."""

    media_type = XLSX
    format = "xlsx"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        if renderer_context and renderer_context.get("response") is not None:
            renderer_context["response"]["Content-Type"] = "application/json"
        return json.dumps(data).encode()


class XLSFormExportView(ApiView):
    renderer_classes = [JSONRenderer, XLSXRenderer]

    @extend_schema(
        operation_id="surveys_definition_xlsform",
        summary="Export a version as an XLSForm workbook (.xlsx)",
        description=(
            "Default: the working version. survey, choices and settings sheets; what XLSForm"
            " cannot say travels in a `trustpulse` column, so the file imports back unchanged."
        ),
        parameters=[VERSION_PARAM],
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook."),
            **errors(400, *READ),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        version = _export_version(request, pk)
        doc = definition_export_logged(version=version, **audit_identity(self.actor))
        response = HttpResponse(definition_to_xlsform(doc), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="{version.survey.slug}-v{version.number}.xlsx"'
        )
        return response


class SurveyDefinitionView(ApiView):
    @extend_schema(
        operation_id="surveys_definition_retrieve",
        summary="Export a version's definition document",
        description="Default: the working version (the draft, else the latest).",
        parameters=[OpenApiParameter("version", OpenApiTypes.INT, description="Version number.")],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The definition document (importable as it is).",
            ),
            **errors(400, *READ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        version = _export_version(request, pk)
        doc = definition_export_logged(version=version, **audit_identity(self.actor))
        return Response(doc)

    @extend_schema(
        operation_id="surveys_definition_update",
        summary="Replace the survey's draft with a definition document",
        description=(
            "Editing a live survey creates a new draft version; the live one is never"
            " modified. Every error is listed with its path and nothing is written."
        ),
        parameters=[DRY_RUN],
        request=DEFINITION_REQUEST,
        examples=[DEFINITION_EXAMPLE],
        responses=DEFINITION_RESPONSES,
    )
    def put(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        too_large = _too_large(request)
        if too_large is not None:
            return too_large
        document = request.data
        if flag(request, "dry_run"):
            return _check(survey.organization, document, survey)
        version = definition_import(
            organization=survey.organization,
            document=document,
            actor=self.actor.user,
            survey=survey,
        )
        return _imported(request, version, status.HTTP_200_OK)

    @extend_schema(
        operation_id="surveys_definition_replace",
        summary="Replace the survey's draft with a definition document (as PUT)",
        parameters=[DRY_RUN],
        request=DEFINITION_REQUEST,
        examples=[DEFINITION_EXAMPLE],
        responses=DEFINITION_RESPONSES,
    )
    def post(self, request: Request, pk: int) -> Response:
        return self.put(request, pk)
