"""Validation of survey definition documents (the JSON import format).

Two passes, both collecting *every* error with its path: the JSON Schema in
``docs/schemas/`` (structure, types, unknown fields; `schema.py`), then the
rules a schema cannot say (unique codes, choices per type, logic that points
backwards, quiz scoring, locales; `rules.py`). Nothing here touches the database.
"""

from typing import Any

from trustpulse.validation import FieldError, path_sort_key

from ..logic import condition_questions
from .rules import Checker, parse_date, parse_datetime
from .schema import SCHEMA_VERSION, definition_schema, schema_errors


def definition_errors(doc: Any) -> list[FieldError]:
    """Every error of a definition document, with its path; [] when it is valid."""
    errors = schema_errors(doc)
    if not errors:
        return Checker(doc).run()
    # The semantic rules also run on a structurally broken document, so one
    # import lists as much as it can; a rule that trips over the broken
    # structure stops the pass, keeping what it had found until then.
    checker = Checker(doc) if isinstance(doc, dict) else None
    if checker is not None:
        try:
            checker.run()
        except (KeyError, TypeError, AttributeError, ValueError, IndexError, ArithmeticError):
            pass
        seen = {e.field for e in errors}
        errors += [e for e in checker.errors if e.field not in seen]
    return sorted(errors, key=lambda e: path_sort_key(e.field))


__all__ = [
    "SCHEMA_VERSION",
    "condition_questions",
    "definition_errors",
    "definition_schema",
    "parse_date",
    "parse_datetime",
]
