"""Responses: headless submission (API keys) and raw-response lists (admins, authors).

Analysts and researchers never see raw answers: they get 403 here and read
suppressed aggregates from the metrics API instead. Every look at raw
responses is recorded in the audit log.
"""

import re
import uuid
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from trustpulse.api.access import AUTHORING, MAX_ID, audit_identity, require_scope
from trustpulse.api.errors import error_response
from trustpulse.api.schema import READ, WRITE, errors
from trustpulse.api.views import ApiView
from trustpulse.validation import FieldError, ServiceValidationError

from ...authoring.selectors.authoring import response_list_with_answers
from ...authoring.services.authoring import responses_viewed
from ...enums import ApiScope, ResponseStatus
from ...responses.services.idempotency import IdempotencyConflict
from ...responses.services.inbox import inbox_flush, inbox_flush_response, submission_accept
from ...selectors import Actor, survey_get
from ...selectors.surveys import survey_for_submission
from ..serializers import (
    ResponseFilterSerializer,
    SubmissionSerializer,
    SubmittedSerializer,
    SurveyResponseSerializer,
    submission_fast,
    submitted_body,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")

FILTER_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=ResponseStatus.values),
    OpenApiParameter(
        "submitted_after", OpenApiTypes.DATETIME, description="Submitted at or after."
    ),
    OpenApiParameter("submitted_before", OpenApiTypes.DATETIME, description="Submitted before."),
]


def _reader(actor: Actor) -> None:
    """Raw responses: admins and authors, or keys with responses:read."""
    require_scope(actor, ApiScope.RESPONSES_READ)
    if actor.api_key is None and not actor.organization_ids(AUTHORING):
        raise PermissionDenied("Raw responses are for admins and authors.")


def _filters(request: Request) -> dict[str, Any]:
    data = ResponseFilterSerializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    return {
        "survey_id": values.get("survey"),
        "status": values.get("status"),
        "submitted_after": values.get("submitted_after"),
        "submitted_before": values.get("submitted_before"),
    }


class RawResponsesView(ApiView):
    def listed(self, queryset: Any, organization_ids: list[int], data: dict) -> Response:
        """A page of responses with their answers; the look is recorded in the audit log.

        Submissions accepted but not yet written out are written out first, so a
        list never misses a response its submitter was told about.
        """
        inbox_flush(organization_ids=organization_ids)
        page = self.paginate_queryset(queryset)
        assert page is not None
        body = SurveyResponseSerializer(page, many=True).data
        responses_viewed(
            organization_ids=organization_ids,
            data={**data, "count": len(page)},
            **audit_identity(self.actor),
        )
        return self.get_paginated_response(body)


class ResponseListView(RawResponsesView):
    @extend_schema(
        operation_id="responses_list",
        summary="Raw responses with their answers (admins, authors; keys: responses:read)",
        description="Every call is recorded in the audit log (responses.viewed).",
        parameters=[
            OpenApiParameter("survey", OpenApiTypes.INT, description="Only this survey's."),
            *FILTER_PARAMETERS,
        ],
        responses={200: SurveyResponseSerializer(many=True), **errors(400, *READ)},
    )
    def get(self, request: Request) -> Response:
        actor = self.actor
        _reader(actor)
        filters = _filters(request)
        queryset = response_list_with_answers(actor=actor, roles=AUTHORING, **filters)
        return self.listed(
            queryset, actor.organization_ids(AUTHORING), {"survey": filters["survey_id"]}
        )


class ResponseDetailView(ApiView):
    @extend_schema(
        operation_id="responses_retrieve",
        summary="One raw response with its answers",
        responses={200: SurveyResponseSerializer, **errors(*READ)},
    )
    def get(self, request: Request, pk: uuid.UUID) -> Response:
        actor = self.actor
        _reader(actor)
        queryset = response_list_with_answers(actor=actor, roles=AUTHORING).filter(pk=pk)
        response = queryset.first()
        if response is None and inbox_flush_response(
            response_id=pk, organization_ids=actor.organization_ids(AUTHORING)
        ):
            response = queryset.first()  # accepted, and written out just now
        if response is None:
            raise NotFound("No such response.")
        responses_viewed(
            organization_ids=[response.survey.organization_id],
            data={"response": str(response.pk), "count": 1},
            **audit_identity(actor),
        )
        return Response(SurveyResponseSerializer(response).data)


def _idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if not key:
        raise ServiceValidationError(
            [
                FieldError(
                    field=IDEMPOTENCY_HEADER,
                    code="required",
                    message="Send a unique Idempotency-Key header with every submission.",
                )
            ]
        )
    if not _KEY_PATTERN.match(key):
        raise ServiceValidationError(
            [
                FieldError(
                    field=IDEMPOTENCY_HEADER,
                    code="invalid",
                    message="1 to 255 visible ASCII characters.",
                )
            ]
        )
    return key


class SurveyResponsesView(RawResponsesView):
    @extend_schema(
        operation_id="surveys_responses_list",
        summary="Raw responses of one survey (admins, authors; keys: responses:read)",
        description="Every call is recorded in the audit log (responses.viewed).",
        parameters=FILTER_PARAMETERS,
        responses={200: SurveyResponseSerializer(many=True), **errors(400, *READ)},
    )
    def get(self, request: Request, pk: int) -> Response:
        actor = self.actor
        _reader(actor)
        survey = survey_get(actor=actor, pk=pk) if pk <= MAX_ID else None
        if survey is None:
            raise NotFound("No such survey.")
        if actor.api_key is None and not actor.can(survey.organization_id, roles=AUTHORING):
            raise PermissionDenied("Raw responses are for admins and authors.")
        filters = {**_filters(request), "survey_id": survey.pk}
        queryset = response_list_with_answers(actor=actor, roles=AUTHORING, **filters)
        return self.listed(queryset, [survey.organization_id], {"survey": survey.pk})

    @extend_schema(
        operation_id="surveys_responses_create",
        summary="Submit one complete response (API keys with responses:write)",
        description=(
            "Validated in full (errors carry paths such as `answers[3].value`) and stored in"
            " one transaction. The `Idempotency-Key` header is required and scoped to the"
            " organization: the same key with the same body returns the stored result again"
            " (with `Idempotent-Replayed: true`) and never a duplicate; with a different body,"
            " 422 `idempotency_key_reused`. Keys are remembered for at least 24 hours."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="A unique key per submission (1 to 255 visible ASCII characters).",
            )
        ],
        request=SubmissionSerializer,
        responses={
            201: OpenApiResponse(
                SubmittedSerializer,
                description="Stored (or replayed: header Idempotent-Replayed: true).",
            ),
            **errors(*WRITE, 409, 422),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        actor = self.actor
        if actor.api_key is None:
            raise PermissionDenied("Submitting responses needs an API key with responses:write.")
        require_scope(actor, ApiScope.RESPONSES_WRITE)
        survey = survey_for_submission(actor=actor, pk=pk) if pk <= MAX_ID else None
        if survey is None:
            raise NotFound("No such survey.")
        key = _idempotency_key(request)
        payload = request.data
        values = submission_fast(payload)
        if values is None:  # not plainly well-formed: the serializer says what is wrong
            data = SubmissionSerializer(data=payload)
            data.is_valid(raise_exception=True)
            values = data.validated_data
        try:
            result = submission_accept(
                survey=survey,
                key=key,
                body=payload,
                answers=values["answers"],
                locale=values.get("locale"),
                channel=values["channel"],
                external_id=values.get("external_id"),
                is_test=values["is_test"],
                consent=payload.get("consent"),
                serialize=submitted_body,
            )
        except IdempotencyConflict:
            return error_response(
                [
                    FieldError(
                        field=IDEMPOTENCY_HEADER,
                        code="idempotency_key_reused",
                        message="This key was used with a different request body.",
                    )
                ],
                status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        except ServiceValidationError as exc:
            if any(e.field == "survey" for e in exc.errors):  # closed, not open, quota reached
                return error_response(exc.errors, status.HTTP_409_CONFLICT)
            raise
        response = Response(result.body, status=result.status)
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response
