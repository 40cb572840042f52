"""The one error shape of the platform: a list of field-level errors.

``{"errors": [{"field": "answers[3].value", "code": "out_of_range", "message": "…"}]}``
Paths use the same notation everywhere: ``sections[1].questions[4].choices``.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True, kw_only=True)
class FieldError:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class ServiceValidationError(Exception):
    """Raised by services when input is invalid; nothing has been written."""

    def __init__(self, errors: Sequence[FieldError]):
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    def by_field(self) -> dict[str, list[str]]:
        """Messages by top-level field (``event_types[2]`` counts as ``event_types``), for forms."""
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault(e.field.split("[")[0].split(".")[0], []).append(e.message)
        return out

    def as_payload(self) -> dict[str, list[dict[str, str]]]:
        return {"errors": [e.as_dict() for e in self.errors]}


def path_join(parts: Iterable[str | int]) -> str:
    """`["sections", 1, "questions", 4, "choices"]` → `sections[1].questions[4].choices`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def path_sort_key(field: str) -> list[tuple[int, int | str]]:
    """Order paths as they appear: sections[2] after sections[1], fields by name."""
    key: list[tuple[int, int | str]] = []
    for part in re.split(r"[.\[]", field):
        part = part.rstrip("]")
        key.append((0, int(part)) if part.isascii() and part.isdigit() else (1, part))
    return key


def required_text(
    value: str | None, *, field: str, max_length: int, required: str
) -> tuple[str, list[FieldError]]:
    """`value` stripped, with an error when it is empty (`required` says what to give)
    or longer than `max_length`."""
    value = (value or "").strip()
    if not value:
        return value, [FieldError(field=field, code="required", message=required)]
    if len(value) > max_length:
        message = f"At most {max_length} characters."
        return value, [FieldError(field=field, code="max_length", message=message)]
    return value, []
