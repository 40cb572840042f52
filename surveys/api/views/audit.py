"""The audit log of an organization, for its admins (read-only: it is append-only)."""

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from trustpulse.api.schema import READ, errors
from trustpulse.api.views import ApiView

from ...enums import AuditAction
from ...models import AuditEvent
from .accounts import administered


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "action", "actor", "target_type", "target_id", "data"]
        read_only_fields = fields


class AuditEventListView(ApiView):
    @extend_schema(
        operation_id="audit_events_list",
        summary="The organization's audit log, newest first (organization admins)",
        parameters=[
            OpenApiParameter("action", str, enum=AuditAction.values, description="Only this."),
            OpenApiParameter("since", dt.date, description="From this day (UTC)."),
            OpenApiParameter("until", dt.date, description="Up to this day, inclusive (UTC)."),
        ],
        responses={200: AuditEventSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, org_id: int) -> Response:
        org = administered(self.actor, org_id)
        qs = AuditEvent.objects.filter(organization=org).order_by("-created_at", "-id")
        q = request.query_params
        problems: dict[str, list[str]] = {}
        if q.get("action"):
            if q["action"] not in AuditAction.values:
                problems["action"] = ["Not an audit action."]
            qs = qs.filter(action=q["action"])
        for name, lookup in (
            ("since", "created_at__date__gte"),
            ("until", "created_at__date__lte"),
        ):
            if q.get(name):
                try:
                    qs = qs.filter(**{lookup: dt.date.fromisoformat(q[name])})
                except ValueError:
                    problems[name] = ["A date as YYYY-MM-DD."]
        if problems:
            raise ValidationError(problems)
        return self.paginated(qs, AuditEventSerializer)
