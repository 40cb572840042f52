"""OpenAPI pieces shared by every endpoint: the one error shape and its responses."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .serializers import ErrorSerializer

DESCRIPTIONS = {
    400: "Invalid input; nothing was written. Every error has the path of its field.",
    401: "No credentials, or invalid ones (session, or `Authorization: Bearer tp_…`).",
    403: "Authenticated, but the role or the API key's scope does not allow this.",
    404: "No such object in the caller's organizations.",
    409: "The object's state does not allow this.",
    413: "The body is too large.",
    415: "The body must be JSON.",
    422: "The Idempotency-Key was used before with a different body.",
    429: "Too many requests: wait for the number of seconds in Retry-After.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses (all in the `Error` shape) for `extend_schema(responses=...)`."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code]) for code in codes
    }


READ = (401, 403, 404)
WRITE = (400, 401, 403, 404, 415, 429)

DRY_RUN = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    description="Only validate: report every error (or ok) and write nothing.",
)
