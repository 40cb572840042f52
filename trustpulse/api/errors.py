"""One error shape everywhere: {"errors": [{"field", "code", "message"}]}."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from trustpulse.validation import FieldError, ServiceValidationError, path_join


def _flatten(detail: Any, path: list[str | int]) -> list[FieldError]:
    if isinstance(detail, dict):
        out: list[FieldError] = []
        for key, value in detail.items():
            sub = [] if key in ("non_field_errors", "detail") else [key]
            out.extend(_flatten(value, path + sub))
        return out
    if isinstance(detail, list):
        if all(isinstance(d, exceptions.ErrorDetail | str) for d in detail):
            return [_one(d, path) for d in detail]
        out = []
        for i, d in enumerate(detail):
            if d:
                out.extend(_flatten(d, path + [i]))
        return out
    return [_one(detail, path)]


def _one(detail: Any, path: list[str | int]) -> FieldError:
    code = getattr(detail, "code", "invalid") or "invalid"
    return FieldError(field=path_join(path) or "$", code=str(code), message=str(detail))


def error_response(errors: list[FieldError], status_code: int = 400, **kw: Any) -> Response:
    return Response({"errors": [e.as_dict() for e in errors]}, status=status_code, **kw)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceValidationError):
        return error_response(exc.errors)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail, [])
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        errors = [FieldError(field="$", code=str(code), message=str(detail))]
    response.data = {"errors": [e.as_dict() for e in errors]}
    return response
