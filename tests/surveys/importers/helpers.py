"""What the importer suites share: the fixture files, the report as tuples, refusals."""

from pathlib import Path

import pytest

from surveys.importers import import_file
from trustpulse.validation import ServiceValidationError

FIXTURES = Path(__file__).parent / "fixtures"
REAL_WORLD = FIXTURES / "real_world"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def report(result) -> list[tuple[str, str, str]]:
    return [(i.action, i.location, i.message) for i in result.items]


def questions(result) -> dict:
    return {q["code"]: q for s in result.document["sections"] for q in s["questions"]}


def refusal(raw: bytes, name: str) -> list[tuple[str, str]]:
    with pytest.raises(ServiceValidationError) as exc:
        import_file(raw, name)
    return [(e.field, e.code) for e in exc.value.errors]


def refusal_message(raw: bytes, name: str) -> str:
    with pytest.raises(ServiceValidationError) as exc:
        import_file(raw, name)
    return exc.value.errors[0].message


def file_error(raw: bytes, name: str = "") -> tuple[str, str]:
    """The file's error (a no_questions refusal is followed by the report that explains it)."""
    with pytest.raises(ServiceValidationError) as exc:
        import_file(raw, name)
    error = exc.value.errors[0]
    assert error.code == "no_questions" or len(exc.value.errors) == 1
    return error.field, error.code
