"""JSON bodies that every database can store, refused with field paths otherwise.

Standard JSON can carry what PostgreSQL refuses (a NUL character in text or
jsonb, an integer past bigint, a number that overflows to infinity): those
would surface as server errors deep in a write. They are refused here, before
anything runs, with the path of each offending value.
"""

import math
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from trustpulse.validation import FieldError, ServiceValidationError, path_join

MAX_INT = 2**63 - 1
MAX_DEPTH = 32
MAX_ERRORS = 50


def value_errors(data: Any) -> list[FieldError]:
    """Values of a parsed JSON document that no database column should receive."""
    errors: list[FieldError] = []
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    while stack and len(errors) < MAX_ERRORS:
        value, path = stack.pop()
        field = path_join(path) or "$"
        if len(path) > MAX_DEPTH:
            errors.append(FieldError(field=field, code="too_deep", message="Nested too deeply."))
        elif isinstance(value, str):
            if "\x00" in value:
                errors.append(
                    FieldError(
                        field=field,
                        code="invalid_characters",
                        message="Contains characters that are not allowed.",
                    )
                )
        elif isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int):
            if abs(value) > MAX_INT:
                errors.append(FieldError(field=field, code="out_of_range", message="Too large."))
        elif isinstance(value, float):
            if not math.isfinite(value):
                errors.append(FieldError(field=field, code="out_of_range", message="Too large."))
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if "\x00" in key:
                    errors.append(
                        FieldError(
                            field=field,
                            code="invalid_characters",
                            message="A key contains characters that are not allowed.",
                        )
                    )
                else:
                    stack.append((item, [*path, key]))
        elif isinstance(value, list):
            for i in reversed(range(len(value))):
                stack.append((value[i], [*path, i]))
    return errors


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        errors = value_errors(data)
        if errors:
            raise ServiceValidationError(errors)
        return data
