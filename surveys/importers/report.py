"""What an import produced: the definition document, the report, a consent notice draft."""

import re
from dataclasses import dataclass, field
from typing import Any

from trustpulse.validation import FieldError, ServiceValidationError

from ..enums import ReportAction


@dataclass(frozen=True, kw_only=True)
class ReportItem:
    """One item of the source that was approximated or skipped, and where it is."""

    action: str  # ReportAction
    location: str  # in the source's own terms, e.g. "pages[1].elements[3] (q4)"
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"action": self.action, "location": self.location, "message": self.message}


@dataclass(frozen=True, kw_only=True)
class NoticeDraft:
    """A consent notice draft made from the source's data-policy notice."""

    name: str
    content: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class ImportResult:
    format: str  # ImportFormat
    document: dict[str, Any]
    items: tuple[ReportItem, ...] = ()
    notice: NoticeDraft | None = None
    # definition path ("sections[1]", "sections[1].questions[0]") → where it is in the source
    sources: dict[str, str] = field(default_factory=dict)

    def locate(self, errors: list[FieldError]) -> list[FieldError]:
        """Errors of the mapped definition, pointed at their place in the source file."""
        return [self._locate(e) for e in errors]

    def _locate(self, error: FieldError) -> FieldError:
        m = re.match(r"^(sections\[\d+\](?:\.questions\[\d+\])?)(?:\.(.*))?$", error.field)
        where = self.sources.get(m.group(1)) if m else None
        if m is None or where is None:
            return error
        part = re.sub(r"\[\d+\]", "", m.group(2) or "").replace("_", " ").replace(".", " ")
        message = f"{part}: {error.message}" if part else error.message
        return FieldError(field=where, code=error.code, message=message)

    @property
    def approximated(self) -> list[ReportItem]:
        return [i for i in self.items if i.action == ReportAction.APPROXIMATED]

    @property
    def skipped(self) -> list[ReportItem]:
        return [i for i in self.items if i.action == ReportAction.SKIPPED]


def file_error(code: str, message: str, field: str = "file") -> ServiceValidationError:
    """An error about the uploaded file as a whole (nothing is written)."""
    return ServiceValidationError([FieldError(field=field, code=code, message=message)])
