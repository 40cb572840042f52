"""The checks of a survey's export settings and of an export request, before any
write: each returns field errors with their paths (``quasi_identifiers[2]``), and
the service raises them together.

They take what the service has read (the survey's questions, its chosen versions,
the ε spent), so they read nothing themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from surveys.selectors import QuestionSpec
from trustpulse.validation import FieldError

from ..enums import ExportFormat, ExportLayout, TimeGranularity
from ..models import SurveyExportSettings
from .table import QI_TYPES, RESPONSE_FIELDS, SENSITIVE_TYPES

MAX_K = 1000


def err(field: str, code: str, message: str) -> FieldError:
    return FieldError(field=field, code=code, message=message)


def _one_of(field: str, values: Sequence[str]) -> FieldError:
    return err(field, "invalid", gettext("One of: %(choices)s.") % {"choices": ", ".join(values)})


def _question_error(
    path: str,
    code: str,
    questions: dict[str, QuestionSpec],
    types: Collection[str],
    unsupported: Callable[[QuestionSpec], str],
) -> FieldError | None:
    """An error at `path` unless `code` names one of the survey's questions of `types`."""
    q = questions.get(code)
    if q is None:
        return err(path, "unknown", f"No question {code!r}.")
    if q.type not in types:
        return err(path, "unsupported_type", unsupported(q))
    return None


def quasi_identifier_errors(
    quasi_identifiers: Sequence[str], questions: dict[str, QuestionSpec]
) -> list[FieldError]:
    """Each quasi-identifier is a response field or a question that can be generalized,
    named once."""
    errors = [
        error
        for i, code in enumerate(quasi_identifiers)
        if code not in RESPONSE_FIELDS
        and (
            error := _question_error(
                f"quasi_identifiers[{i}]",
                code,
                questions,
                QI_TYPES,
                lambda q: (
                    f"A {q.type} question cannot be generalized; quasi-identifiers are "
                    "single-choice, scale, yes/no, number, NPS, rating or date questions."
                ),
            )
        )
    ]
    if len(set(quasi_identifiers)) != len(quasi_identifiers):
        errors.append(err("quasi_identifiers", "duplicate", gettext("Each field once.")))
    return errors


def sensitive_attribute_errors(
    sensitive_attributes: Sequence[str],
    quasi_identifiers: Sequence[str],
    questions: dict[str, QuestionSpec],
) -> list[FieldError]:
    """Each sensitive attribute is a categorical question that is not a quasi-identifier."""
    errors: list[FieldError] = []
    for i, code in enumerate(sensitive_attributes):
        path = f"sensitive_attributes[{i}]"
        error = _question_error(
            path,
            code,
            questions,
            SENSITIVE_TYPES,
            lambda q: gettext(
                "Sensitive attributes are single-choice, scale, yes/no, NPS or rating questions."
            ),
        )
        if error is None and code in quasi_identifiers:
            error = err(path, "conflict", gettext("Already a quasi-identifier."))
        if error is not None:
            errors.append(error)
    return errors


def granularity_errors(time_granularity: str) -> list[FieldError]:
    if time_granularity not in TimeGranularity.values:
        return [_one_of("time_granularity", TimeGranularity.values)]
    return []


def budget_errors(epsilon_budget: Decimal, spent: Decimal) -> list[FieldError]:
    """The ε budget is in (0, 100] and not below what releases have spent."""
    if not (Decimal(0) < epsilon_budget <= Decimal(100)):
        return [err("epsilon_budget", "out_of_range", gettext("A number above 0 and at most 100."))]
    if epsilon_budget < spent:
        return [
            err(
                "epsilon_budget",
                "below_spent",
                gettext("Releases have already spent ε = %(spent)s; the budget cannot be lower.")
                % {"spent": spent},
            )
        ]
    return []


def purpose_errors(purpose: str) -> list[FieldError]:
    """A stated purpose (already stripped) of at most 2,000 characters."""
    if not purpose:
        return [err("purpose", "required", gettext("State what the data will be used for."))]
    if len(purpose) > 2000:
        return [err("purpose", "too_long", gettext("At most 2,000 characters."))]
    return []


def shape_errors(format: str, layout: str) -> list[FieldError]:
    """A known file format and layout."""
    errors = []
    if format not in ExportFormat.values:
        errors.append(_one_of("format", ExportFormat.values))
    if layout not in ExportLayout.values:
        errors.append(_one_of("layout", ExportLayout.values))
    return errors


def anonymity_errors(
    k: int, l_diversity: int | None, cfg: SurveyExportSettings
) -> list[FieldError]:
    """k within [EXPORT_K, MAX_K]; l in [2, 50] and only with sensitive attributes declared."""
    errors = []
    if not (settings.EXPORT_K <= k <= MAX_K):
        errors.append(
            err(
                "k",
                "out_of_range",
                gettext("k is at least %(min)s and at most %(max)s.")
                % {"min": settings.EXPORT_K, "max": MAX_K},
            )
        )
    if l_diversity is not None:
        if not (2 <= l_diversity <= 50):
            errors.append(err("l_diversity", "out_of_range", gettext("l is between 2 and 50.")))
        elif not cfg.sensitive_attributes:
            errors.append(
                err(
                    "l_diversity",
                    "no_sensitive_attributes",
                    gettext(
                        "Declare the survey's sensitive attributes in its export settings first."
                    ),
                )
            )
    return errors


def max_suppression_of(value: Decimal | float | str, errors: list[FieldError]) -> Decimal:
    """The share of records suppression may take, in [0, 0.5]; out of range or not a
    number adds an error to `errors` (and gives the default, 0.05)."""
    try:
        share = Decimal(str(value))
        if not (Decimal(0) <= share <= Decimal("0.5")):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(
            err("max_suppression", "out_of_range", gettext("A share of records between 0 and 0.5."))
        )
        return Decimal("0.05")
    return share


def selection_errors(
    *,
    versions: Sequence[int],
    chosen: Sequence[Any],
    columns: Sequence[str],
    codes: set[str],
    study_key: str,
) -> list[FieldError]:
    """The versions asked for are published (and some version is), the columns are the
    survey's questions or response fields, the study key is at most 200 characters."""
    errors = []
    known = {v.number for v in chosen}
    for i, n in enumerate(versions):
        if n not in known:
            message = gettext("No published version %(n)s.") % {"n": n}
            errors.append(err(f"versions[{i}]", "unknown", message))
    if not chosen and not versions:
        errors.append(err("versions", "none", gettext("The survey has no published version.")))
    for i, c in enumerate(columns):
        if c not in codes and c not in RESPONSE_FIELDS:
            message = gettext("No question or field %(code)s.") % {"code": repr(c)}
            errors.append(err(f"columns[{i}]", "unknown", message))
    if len(study_key) > 200:
        errors.append(err("study_key", "too_long", gettext("At most 200 characters.")))
    return errors
