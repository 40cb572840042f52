"""The first pass over a definition document: its JSON Schema (structure, types, unknown
fields), every error reported with its path in plain words."""

import functools
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from trustpulse.validation import FieldError, path_join

SCHEMA_VERSION = "1.0"
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "schemas" / "survey-definition.v1.schema.json"


@functools.cache
def definition_schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(definition_schema())


def _schema_message(err: SchemaError) -> tuple[str, str, str]:
    """(extra path, code, message) for a jsonschema error, in plain words."""
    v, val = err.validator, err.validator_value
    if v == "required":
        missing = [p for p in val if isinstance(err.instance, dict) and p not in err.instance]
        name = missing[0] if missing else "?"
        return f".{name}", "required", "required"
    if v == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return f".{extra[0]}" if extra else "", "unknown_field", "unknown field"
    if v == "minItems":
        return "", "too_short", f"at least {val} required"
    if v == "maxItems":
        return "", "too_long", f"at most {val} allowed"
    if v == "minProperties":
        return "", "required", "text in at least one locale required"
    if v in ("enum", "const"):
        options = val if isinstance(val, list) else [val]
        return "", "invalid_choice", "must be one of: " + ", ".join(map(str, options))
    if v == "type":
        kinds = val if isinstance(val, list) else [val]
        return "", "invalid_type", "must be " + " or ".join(kinds)
    if v == "pattern":
        return "", "invalid_format", f"does not match the pattern {val}"
    if v in ("minimum", "exclusiveMinimum"):
        return "", "out_of_range", f"must be at least {val}"
    if v == "maximum":
        return "", "out_of_range", f"must be at most {val}"
    if v == "maxLength":
        return "", "too_long", f"at most {val} characters"
    if v == "uniqueItems":
        return "", "duplicate", "items must be unique"
    if v == "propertyNames":
        return "", "invalid_locale", "keys must be locale codes such as en or zh-Hant"
    return "", "invalid", err.message


def schema_errors(doc: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    for err in sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.path))):
        # oneOf over conditions: report the best-matching branch's errors.
        leaf = err
        while leaf.validator in ("oneOf", "anyOf") and leaf.context:
            leaf = best_match(leaf.context)
        base = path_join(list(leaf.absolute_path))
        names = _every_name(leaf)
        if names:  # every missing or unknown property, not only the first
            code, message = _schema_message(leaf)[1:]
            for name in names:
                field = f"{base}.{name}".lstrip(".")
                errors.append(FieldError(field=field, code=code, message=message))
            continue
        extra, code, message = _schema_message(leaf)
        field = base + extra
        errors.append(FieldError(field=field.lstrip(".") or "$", code=code, message=message))
    return _dedupe(errors)


def _every_name(err: SchemaError) -> list[str]:
    """The properties a `required` or `additionalProperties` error is about, in order."""
    if not isinstance(err.instance, dict):
        return []
    if err.validator == "required":
        return [p for p in err.validator_value if p not in err.instance]
    if err.validator == "additionalProperties":
        return sorted(set(err.instance) - set(err.schema.get("properties", {})))
    return []


def _dedupe(errors: list[FieldError]) -> list[FieldError]:
    seen: dict[tuple[str, str, str], FieldError] = {}
    for e in errors:
        seen.setdefault((e.field, e.code, e.message), e)
    return list(seen.values())
