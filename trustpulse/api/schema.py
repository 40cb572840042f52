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


# Answers any operation may give, whatever its own documentation lists: no or bad
# credentials, a scope or role that does not allow it, an unknown id or address,
# a malformed request, the rate limit; and for a body, one too large or not JSON.
ANY_OPERATION = (400, 401, 403, 404, 429)
WITH_BODY = (413, 415)
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def add_error_responses(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular postprocessing hook: every operation documents the errors it can give."""
    for path, methods in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in methods.values():
            codes = ANY_OPERATION + (WITH_BODY if "requestBody" in operation else ())
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    str(code),
                    {
                        "content": {"application/json": {"schema": ERROR_REF}},
                        "description": DESCRIPTIONS[code],
                    },
                )
    return result
