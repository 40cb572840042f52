"""Behaviour events from a brand's own channels: `POST /api/v1/events/`.

An organization API key with `events:write`. A batch of up to 1,000 events
is stored all or nothing (every problem reported with its path, e.g.
`events[3].kind`); an event id is accepted once. Respondents are named by
their `respondent_ref` or the brand's `external_id` — never a portal token.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from trustpulse.api.access import actor_of, require_scope
from trustpulse.api.schema import errors
from trustpulse.api.views import ApiView, body_object

from ..enums import ApiScope
from ..responses.services.events import events_ingest
from ..selectors.behaviour import kinds_for

EVENTS = serializers.ListField(
    child=inline_serializer(
        "BehaviourEventIn",
        {
            "id": serializers.CharField(max_length=128, help_text="Your id: accepted once."),
            "kind": serializers.CharField(help_text="A kind from GET /api/v1/events/kinds/."),
            "value": serializers.JSONField(help_text="Valid under the kind's value schema."),
            "occurred_at": serializers.DateTimeField(help_text="ISO 8601 with a time zone."),
            "respondent_ref": serializers.CharField(required=False),
            "external_id": serializers.CharField(required=False),
        },
    ),
    min_length=1,
    max_length=1000,
    help_text="Up to 1,000 events.",
)


def _organization(request: Request):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    if actor.api_key is None:
        raise PermissionDenied("Behaviour events come from an organization API key.")
    require_scope(actor, ApiScope.EVENTS_WRITE)
    return actor.api_key.organization


class EventBatchView(ApiView):
    @extend_schema(
        operation_id="events_ingest",
        summary="Store a batch of behaviour events (all or nothing)",
        request=inline_serializer("BehaviourEventBatch", {"events": EVENTS}),
        responses={
            201: inline_serializer(
                "BehaviourEventBatchResult",
                {
                    "created": serializers.IntegerField(),
                    "duplicates": serializers.IntegerField(
                        help_text="Events whose id was already stored (not stored again)."
                    ),
                },
            ),
            **errors(400, 401, 403, 415, 429),
        },
    )
    def post(self, request: Request) -> Response:
        organization = _organization(request)
        body = body_object(request)
        result = events_ingest(organization=organization, events=body.get("events"))
        return Response({"created": result.created, "duplicates": result.duplicates}, status=201)


class EventKindListView(ApiView):
    @extend_schema(
        operation_id="events_kinds",
        summary="The behaviour kinds this organization accepts",
        responses={
            200: inline_serializer(
                "BehaviourKind",
                {
                    "code": serializers.CharField(),
                    "description": serializers.CharField(),
                    "value_schema": serializers.JSONField(),
                    "direction": serializers.CharField(),
                    "transform": serializers.JSONField(),
                    "purpose": serializers.CharField(),
                },
                many=True,
            ),
            **errors(401, 403),
        },
    )
    def get(self, request: Request) -> Response:
        organization = _organization(request)
        kinds = [
            {
                "code": k.code,
                "description": k.description,
                "value_schema": k.value_schema,
                "direction": str(k.direction),
                "transform": k.transform,
                "purpose": k.purpose,
            }
            for k in sorted(kinds_for(organization).values(), key=lambda k: k.code)
        ]
        return self.get_paginated_response(self.paginate_queryset(kinds))  # type: ignore[arg-type]
