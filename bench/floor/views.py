"""The benchmark floor: `POST /api/v1/bench/floor/` (only with BENCH_FLOOR_ENABLED).

It goes through the same stack as the real submission endpoint (middleware,
DRF, API-key authentication, JSON parsing) and then does the least a write can
do: the raw JSON body becomes one BenchFloorRecord row, unvalidated. bench/submit.py
compares the real endpoint's throughput with this floor's. Deliberately no
service layer and no schema entry: it is a measuring stick, not a feature.
"""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from surveys.enums import ApiScope
from trustpulse.api.auth import ApiKeyAuthentication

from .models import BenchFloorRecord


class HasResponsesWriteKey(BasePermission):
    """An API key with responses:write, like the submission endpoint asks for."""

    def has_permission(self, request: Request, view: Any) -> bool:
        key = getattr(request.user, "api_key", None)
        return key is not None and key.has_scope(ApiScope.RESPONSES_WRITE)


@extend_schema(exclude=True)
class BenchFloorView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasResponsesWriteKey]
    parser_classes = [JSONParser]
    throttle_classes: list[Any] = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Disabled: the endpoint does not exist (checked before authentication).
        if not settings.BENCH_FLOOR_ENABLED:
            raise exceptions.NotFound()
        super().initial(request, *args, **kwargs)

    def post(self, request: Request) -> Response:
        record = BenchFloorRecord.objects.create(payload=request.data)
        return Response({"id": record.pk}, status=status.HTTP_201_CREATED)
