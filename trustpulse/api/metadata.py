"""OPTIONS answers: DRF's metadata, for views with and without a serializer class."""

from typing import TYPE_CHECKING, Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module while it loads
    from rest_framework.views import APIView


class Metadata(SimpleMetadata):
    """Name, description, media types; the writable fields only where a serializer says them.

    Many views read and validate their bodies through services, with no
    ``serializer_class`` (their shapes are in the OpenAPI schema): DRF's
    metadata would ask them for a serializer and fail.
    """

    def determine_actions(self, request: Request, view: "APIView") -> dict[str, Any]:
        if not _has_serializer(view):
            return {}
        return super().determine_actions(request, view)


def _has_serializer(view: "APIView") -> bool:
    from rest_framework.generics import GenericAPIView

    if getattr(view, "serializer_class", None) is not None:
        return True
    get_class = getattr(type(view), "get_serializer_class", None)
    return get_class is not None and get_class is not GenericAPIView.get_serializer_class
