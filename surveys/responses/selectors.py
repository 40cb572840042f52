"""Reads of responses: a partial response by its resume token, its values, what it withholds."""

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import JSONObject
from django.utils import timezone

from trustpulse.compiled import CompiledSelect

from ..answers import values_from_rows
from ..enums import ResponseStatus, SurveyStatus
from ..models import Answer, ConsentRecord, Response, Survey
from ..selectors.definitions import version_spec
from ..spec import VersionSpec
from ..tokens import token_hash


def response_resume(*, token: str) -> Response | None:
    """The partial response of a resume token, or None."""
    return (
        Response.objects.select_related("survey", "version", "survey__organization")
        .filter(resume_token_hash=token_hash(token), status=ResponseStatus.PARTIAL)
        .first()
    )


def response_withheld(response: Response, spec: VersionSpec | None = None) -> frozenset[str]:
    """The questions of `response` under a purpose its respondent has not granted now.

    Decided by the response's consent records (a purpose withdrawn in the
    portal counts as not granted); a response without any has nothing withheld.
    """
    records = list(ConsentRecord.objects.filter(response_id=response.pk))
    if not records:
        return frozenset()
    granted = {p for r in records for p in r.active_purposes}
    return (spec or version_spec(response.version)).withheld(granted)


@dataclass(frozen=True, kw_only=True)
class ResponseState:
    """What a request of the web flow needs of a response, read once: consent and answers."""

    granted: frozenset[str] | None  # the purposes granted now; None: no consent records
    withheld: frozenset[str]  # questions under a purpose not granted
    values: dict[str, Any]  # the cleaned values stored so far (withheld ones included)
    other: dict[str, str]


def with_consents(rows: QuerySet[Response]) -> QuerySet[Response]:
    """On PostgreSQL, each response's consent records ride along in its row.

    As ``consent_rows`` (oldest first: purposes granted, withdrawn, expired,
    receipt id), read by `response_state` and `response_receipt_id` instead
    of a query of their own. Elsewhere the rows are returned as they are.
    """
    if connection.vendor != "postgresql":
        return rows
    from django.contrib.postgres.expressions import ArraySubquery

    records = (
        ConsentRecord.objects.filter(response_id=OuterRef("pk"))
        .order_by("given_at", "id")
        .values(
            json=JSONObject(
                granted="purposes_granted",
                withdrawn="purposes_withdrawn",
                expired="purposes_expired",
                receipt="receipt_id",
            )
        )
    )
    return rows.annotate(consent_rows=ArraySubquery(records))


def _consent_records(response: Response) -> list[ConsentRecord]:
    rows = getattr(response, "consent_rows", None)
    if rows is None:
        return list(
            ConsentRecord.objects.filter(response_id=response.pk).order_by("given_at", "id")
        )
    out = []
    for row in rows:
        data = json.loads(row) if isinstance(row, str) else row
        out.append(
            ConsentRecord(
                response_id=response.pk,
                purposes_granted=data["granted"],
                purposes_withdrawn=data["withdrawn"],
                purposes_expired=data["expired"],
                receipt_id=data["receipt"],
            )
        )
    return out


def response_receipt_id(response: Response) -> str | None:
    """The receipt id of the response's first consent record (None without one)."""
    records = _consent_records(response)
    return str(records[0].receipt_id) if records else None


def _answer_rows(response_id: Any) -> QuerySet[Answer]:
    return (
        Answer.objects.filter(response_id=response_id)
        .order_by("id")
        .values(  # type: ignore[return-value]
            "question_code", "item", "choice", "number", "text", "date", "boolean"
        )
    )


# Read on every page of the web flow: compiled to SQL once (trustpulse.compiled).
ANSWER_ROWS = CompiledSelect(_answer_rows, [UUID(int=0x7E57)])


def response_state(response: Response, spec: VersionSpec) -> ResponseState:
    """A response's consent and stored answers (one query, or two without `with_consents`)."""
    records = _consent_records(response)
    granted = frozenset(p for r in records for p in r.active_purposes) if records else None
    values, other = values_from_rows(spec, ANSWER_ROWS.values(response.pk))
    return ResponseState(
        granted=granted,
        withheld=spec.withheld(granted) if granted is not None else frozenset(),
        values=values,
        other=other,
    )


def response_values(response: Response) -> tuple[dict[str, Any], dict[str, str]]:
    """The cleaned values (and 'other' texts) stored so far for a response."""
    spec = version_spec(response.version)
    rows = list(
        response.answers.order_by("id").values(
            "question_code", "item", "choice", "number", "text", "date", "boolean"
        )
    )
    return values_from_rows(spec, rows)


@dataclass(frozen=True, kw_only=True)
class Availability:
    """Whether a survey takes responses now; if not, why (and the HTTP status to use)."""

    ok: bool
    reason: str = ""
    status: int = 200


def availability(survey: Survey, *, now: Any = None) -> Availability:
    now = now or timezone.now()
    if survey.status == SurveyStatus.DRAFT or survey.live_version_id is None:
        return Availability(ok=False, reason="not_published", status=404)
    if survey.status == SurveyStatus.CLOSED:
        return Availability(ok=False, reason="closed", status=410)
    if survey.opens_at and now < survey.opens_at:
        return Availability(ok=False, reason="not_yet_open", status=403)
    if survey.closes_at and now >= survey.closes_at:
        return Availability(ok=False, reason="closed", status=410)
    if survey.response_quota is not None:
        done = survey.responses.filter(status=ResponseStatus.COMPLETE, is_test=False).count()
        if done >= survey.response_quota:
            return Availability(ok=False, reason="quota_reached", status=403)
    return Availability(ok=True)
