"""Error pages: JSON in the API's one error shape under /api/, Django's pages elsewhere.

Django answers errors raised outside a DRF view (an address that matches no
route, a request it refuses before any view runs, a crash) with these views
(``handler400`` … ``handler500`` in ``trustpulse/urls.py``).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"
CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found", 500: "server_error"}
MESSAGES = {
    400: "The request is malformed.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "The server failed to answer; the request may be retried.",
}


def _api(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse | None:
    if not request.path.startswith(API_PREFIX):
        return None
    body = {"errors": [{"field": "$", "code": code, "message": message}]}
    return JsonResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api(request, 400, "bad_request", "The request is malformed.") or defaults.bad_request(
        request, exception
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = "You do not have permission to perform this action."
    return _api(request, 403, "permission_denied", message) or defaults.permission_denied(
        request, exception
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api(request, 404, "not_found", "Not found.") or defaults.page_not_found(
        request, exception
    )


def server_error(request: HttpRequest) -> HttpResponse:
    message = "The server failed to answer; the request may be retried."
    return _api(request, 500, "server_error", message) or defaults.server_error(request)


class ApiErrorsMiddleware:
    """Under /api/, an HTML error page becomes the JSON error shape.

    With DEBUG on (`make run`), Django answers an unknown address or a crash
    with its technical HTML pages instead of the handlers above; API clients
    get JSON either way.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if status in CODES and response.get("Content-Type", "").startswith("text/html"):
            return _api(request, status, CODES[status], MESSAGES[status]) or response
        return response
