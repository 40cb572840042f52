"""Reads behind research exports: eligible responses, streamed in chunks.

Eligible means: complete, not a test response, and its respondent still
consents (a consent record of the response that was withdrawn in full keeps
it out; full withdrawal and erasure delete the rows anyway, and withdrawn or
expired optional purposes have already had their answers deleted, see
docs/CONSENT.md). Nothing here holds more than one chunk in memory: the
response ids come from a server-side cursor (``QuerySet.iterator``) and each
chunk's answers are read with one query.
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, QuerySet

from ..enums import ResponseStatus
from ..models import Answer, ConsentRecord, Response, Survey
from .aggregation import ANSWER_COLUMNS


class ExportAnswer(NamedTuple):
    """One stored answer cell (a named tuple: millions are built per export)."""

    question_code: str
    item: str
    choice: str
    number: Decimal | None
    text: str
    date: dt.date | None
    boolean: bool | None


class ExportResponse(NamedTuple):
    """One eligible response with the answers asked for (no identifiers beyond the ids)."""

    id: Any
    respondent_id: Any
    version_id: int
    submitted_at: dt.datetime
    locale: str
    channel: str
    answers: list[ExportAnswer]


def export_responses(*, survey: Survey, version_ids: Sequence[int] | None = None) -> QuerySet:
    """The survey's responses an export may contain (see the module docstring)."""
    withdrawn = ConsentRecord.objects.filter(response_id=OuterRef("pk"), withdrawn_at__isnull=False)
    qs = Response.objects.filter(
        survey=survey, status=ResponseStatus.COMPLETE, is_test=False, submitted_at__isnull=False
    ).exclude(Exists(withdrawn))
    if version_ids:
        qs = qs.filter(version_id__in=list(version_ids))
    return qs


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def export_response_chunks(
    *,
    survey: Survey,
    version_ids: Sequence[int] | None = None,
    question_codes: Sequence[str] | None = None,
    chunk_size: int = 2000,
) -> Iterator[list[ExportResponse]]:
    """Eligible responses in submission order, `chunk_size` at a time, with their answers.

    `question_codes` limits the answers read (None: all; []: none). Two
    queries per chunk at most, whatever the number of responses.
    """
    rows = (
        export_responses(survey=survey, version_ids=version_ids)
        .order_by("submitted_at", "id")
        .values_list("id", "respondent_id", "version_id", "submitted_at", "locale", "channel")
        .iterator(chunk_size=chunk_size)
    )
    for chunk in _chunks(rows, chunk_size):
        answers: dict[Any, list[ExportAnswer]] = {r[0]: [] for r in chunk}
        if question_codes is None or question_codes:
            qs = Answer.objects.filter(response_id__in=list(answers))
            if question_codes is not None:
                qs = qs.filter(question_code__in=list(question_codes))
            # No ORDER BY: rows are grouped by response here (a sort of every chunk's
            # answers would cost the database more than it saves).
            for a in qs.order_by().values_list(*ANSWER_COLUMNS):
                answers[a[0]].append(
                    ExportAnswer(
                        question_code=a[1],
                        item=a[2],
                        choice=a[3],
                        number=a[4],
                        text=a[5],
                        date=a[6],
                        boolean=a[7],
                    )
                )
        yield [
            ExportResponse(
                id=r[0],
                respondent_id=r[1],
                version_id=r[2],
                submitted_at=r[3],
                locale=r[4],
                channel=r[5],
                answers=answers[r[0]],
            )
            for r in chunk
        ]
