"""Definition documents: import (a new survey, or a survey's draft) and export."""

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ... import services
from ...enums import ApiScope
from ...errors import FieldError
from ...models import Organization, Survey, SurveyVersion
from ...selectors.authoring import version_get, working_version
from ..access import MAX_ID, audit_identity, require_scope, survey_for
from ..errors import error_response
from ..schema import DRY_RUN, READ, WRITE, errors
from ..serializers import DryRunSerializer, ImportResultSerializer, VersionSerializer
from .base import ApiView, flag
from .surveys import authoring_organization, survey_body

DEFINITION_REQUEST = {
    "application/json": {
        "type": "object",
        "description": (
            "A survey definition document: see docs/schemas/survey-definition.v1.schema.json."
        ),
        "additionalProperties": True,
    }
}
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


MAX_VERSION = 2**31 - 1


def whole(raw: str) -> bool:
    """A whole number in ASCII digits (`"³".isdigit()` is true, but int() refuses it)."""
    return raw.isascii() and raw.isdigit()


def _too_large(request: Request) -> Response | None:
    limit = settings.DEFINITION_MAX_BYTES
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
    problems = services.definition_check(
        organization=organization, document=document, survey=survey
    )
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


class DefinitionImportView(ApiView):
    @extend_schema(
        operation_id="surveys_import",
        summary="Import a definition document as a new draft survey",
        description=(
            "Every error is listed with its path (`sections[1].questions[4].choices`) and"
            " nothing is written. `organization` is needed only by a member who authors in"
            " several organizations."
        ),
        parameters=[
            DRY_RUN,
            OpenApiParameter("organization", OpenApiTypes.INT, description="Organization id."),
        ],
        request=DEFINITION_REQUEST,
        examples=[DEFINITION_EXAMPLE],
        responses={201: ImportResultSerializer, **IMPORT_RESPONSES},
    )
    def post(self, request: Request) -> Response:
        require_scope(self.actor, ApiScope.SURVEYS_WRITE)
        too_large = _too_large(request)
        if too_large is not None:
            return too_large
        raw = request.query_params.get("organization")
        if raw is not None and not (whole(raw) and 0 < int(raw) <= MAX_ID):
            raise ValidationError({"organization": ["An organization id."]})
        organization = authoring_organization(
            self.actor, int(raw) if raw is not None else None, "organization"
        )
        document = request.data
        if flag(request, "dry_run"):
            return _check(organization, document, None)
        version = services.definition_import(
            organization=organization, document=document, actor=self.actor.user
        )
        return _imported(request, version, status.HTTP_201_CREATED)


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
        doc = services.definition_export_logged(version=version, **audit_identity(self.actor))
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
        responses={200: ImportResultSerializer, **IMPORT_RESPONSES},
    )
    def put(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        too_large = _too_large(request)
        if too_large is not None:
            return too_large
        document = request.data
        if flag(request, "dry_run"):
            return _check(survey.organization, document, survey)
        version = services.definition_import(
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
        responses={200: ImportResultSerializer, **IMPORT_RESPONSES},
    )
    def post(self, request: Request, pk: int) -> Response:
        return self.put(request, pk)
