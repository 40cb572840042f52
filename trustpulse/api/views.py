"""The base of every API view: strict JSON, throttled writes, the caller as an Actor."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from surveys.selectors import Actor

from .access import actor_of
from .parsers import StrictJSONParser
from .throttles import WriteThrottle


class ApiView(generics.GenericAPIView):
    parser_classes = [StrictJSONParser]
    throttle_classes = [WriteThrottle]

    @property
    def actor(self) -> Actor:
        return actor_of(self.request)

    def paginated(self, queryset: QuerySet, serializer_class: type, **context: Any) -> Response:
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context={"request": self.request, **context}).data
        return self.get_paginated_response(data)


def flag(request: Request, name: str) -> bool:
    """A boolean query parameter (true/false/1/0; absent: false)."""
    raw = request.query_params.get(name, "false").strip().lower()
    if raw not in ("true", "false", "1", "0", ""):
        raise ValidationError({name: ["true or false."]})
    return raw in ("true", "1")


def body_object(request: Request) -> dict[str, Any]:
    """The JSON body, which must be an object (a copy: callers may pop keys)."""
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["The body must be a JSON object."]})
    return dict(data)
