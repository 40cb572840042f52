"""Headless submissions: checked and acknowledged in the request, written out by a worker.

`submission_accept` is the API's submission path. It validates the body in
full (the same checks as `response_submit`; errors are the same), works out
what the submitter is told (response id, respondent reference, quiz result,
quality flags) without writing it, and stores the submission as ONE row of
`SubmissionInbox`, which is also its idempotency record. The request then
answers 201. `inbox_drain` (a Celery task, dispatched at most once a second
and swept by beat) writes the rows out as respondent, response, answers,
consent record, audit event and behaviour events, with the id and reference
the submitter was given. The row holds the submission as checked (cleaned
values, path, consent: `prepared_to_json`) and the result the submitter was
told (`response_finish`), so the write-out writes exactly that and does not
check it again; a row stored before that form holds the request's answers
and is checked at write-out, as before.

Written out at once, in the request, instead (`Accepted.deferred` false):
with Celery in eager mode (the embedded default and the tests), for a
survey with a response quota (the quota needs the count under a lock), and
for a submission carrying an `external_id` (the respondent it joins may
already exist, and the reference returned must be theirs).

Nothing accepted is lost: the row is committed before the 201 is sent; a
broker outage only delays the write-out until the sweep; a write-out that
fails keeps the row (with `attempts` and the error code) for the next sweep.
Reads that must see a submission at once write it out on demand:
`inbox_flush_response` (one response by id) and `inbox_flush` (all pending
rows of some organizations: the raw-response lists, the events API when a
reference is unknown, aggregation).
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from trustpulse.dispatch import dispatch_debounced
from trustpulse.validation import ServiceValidationError

from ...models import Respondent, Response, SubmissionInbox, Survey
from .availability import survey_accepting
from .finish import finished_apply
from .idempotency import IdempotencyConflict, request_hash
from .respondents import new_ref
from .submission import (
    PAYLOAD_FORMAT,
    PreparedSubmission,
    prepared_from_json,
    prepared_to_json,
    submission_finish,
    submission_validate,
)
from .write import submission_new_response, submission_write

log = logging.getLogger(__name__)

DISPATCH_GUARD_KEY = "surveys:inbox:drain-dispatched"
BATCH = 100


@dataclass(frozen=True, kw_only=True)
class Accepted:
    status: int
    body: Any
    replayed: bool
    deferred: bool


def _deferrable(survey: Survey, external_id: str | None) -> bool:
    return (
        settings.SUBMISSION_DEFERRED_WRITE
        and not settings.CELERY_TASK_ALWAYS_EAGER
        and survey.response_quota is None
        and not external_id
    )


def _replay(survey: Survey, key: str, digest: str) -> Accepted:
    row = (
        SubmissionInbox.objects.filter(organization_id=survey.organization_id, idempotency_key=key)
        .only("request_hash", "result")
        .first()
    )
    if row is None:  # purged between the insert and this read: nothing to replay
        raise IdempotencyConflict()
    if row.request_hash != digest:
        raise IdempotencyConflict()
    return Accepted(status=201, body=row.result, replayed=True, deferred=False)


def _clear_expired(survey: Survey, key: str) -> bool:
    """Forget an expired, written-out record of `key`; True if there was one."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = SubmissionInbox.objects.filter(
        organization_id=survey.organization_id,
        idempotency_key=key,
        received_at__lt=cutoff,
        materialized_at__isnull=False,
    ).delete()
    return deleted > 0


def _insert(row: SubmissionInbox) -> bool:
    """INSERT `row`; False if its key is taken. Outside a transaction this is one statement."""
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                row.save(force_insert=True)
        else:
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def submission_accept(
    *,
    survey: Survey,
    key: str,
    body: Mapping[str, Any],
    answers: list[Mapping[str, Any]],
    locale: str | None,
    channel: str,
    external_id: str | None,
    is_test: bool,
    consent: Mapping[str, Any] | None,
    serialize: Callable[[Response], dict[str, Any]],
) -> Accepted:
    """Accept one complete submission under an idempotency key (see the module docstring).

    `body` is the request body as sent (its hash decides replay or conflict);
    `serialize` turns the response into the body answered and replayed.
    Raises ServiceValidationError (nothing stored) or IdempotencyConflict.
    """
    digest = request_hash({"survey": survey.pk, "body": body})
    fields = {
        "answers": answers,
        "locale": locale,
        "channel": channel,
        "external_id": external_id,
        "is_test": is_test,
        "consent": consent,
    }
    accept = _accept_later if _deferrable(survey, external_id) else _accept_now
    try:
        return accept(survey=survey, key=key, digest=digest, fields=fields, serialize=serialize)
    except ServiceValidationError:
        # A retry of a submission accepted earlier (the survey may have closed or
        # moved on to a new version since) is answered with the stored result.
        if SubmissionInbox.objects.filter(
            organization_id=survey.organization_id, idempotency_key=key
        ).exists():
            return _replay(survey, key, digest)
        raise


def _accept_later(
    *,
    survey: Survey,
    key: str,
    digest: str,
    fields: dict[str, Any],
    serialize: Callable[[Response], dict[str, Any]],
) -> Accepted:
    """Validate, store one row, answer; a worker writes the rest (see the module docstring)."""
    survey_accepting(survey)
    version = survey.live_version
    assert version is not None
    received_at = timezone.now()
    prepared = submission_validate(
        survey=survey, version=version, received_at=received_at, **fields
    )
    respondent = Respondent(organization=survey.organization, respondent_ref=new_ref())
    response = submission_new_response(prepared, respondent=respondent)
    finished = submission_finish(prepared, submitted_at=received_at)
    finished_apply(response, finished)
    result = serialize(response)
    row = SubmissionInbox(
        id=response.pk,
        organization_id=survey.organization_id,
        survey=survey,
        version=version,
        idempotency_key=key,
        request_hash=digest,
        respondent_ref=respondent.respondent_ref,
        # The cleaned submission and its result: written out without checking again.
        payload=prepared_to_json(prepared, finished),
        result=result,
        received_at=received_at,
    )
    if not _insert(row) and not (_clear_expired(survey, key) and _insert(row)):
        return _replay(survey, key, digest)
    transaction.on_commit(inbox_dispatch)
    return Accepted(status=201, body=result, replayed=False, deferred=True)


def _accept_now(
    *,
    survey: Survey,
    key: str,
    digest: str,
    fields: dict[str, Any],
    serialize: Callable[[Response], dict[str, Any]],
) -> Accepted:
    """Validate and write everything in the request (eager mode, quota, external id)."""
    existing = (
        SubmissionInbox.objects.filter(organization_id=survey.organization_id, idempotency_key=key)
        .only("received_at", "materialized_at")
        .first()
    )
    if existing is not None and not _clear_expired(survey, key):
        return _replay(survey, key, digest)
    try:
        with transaction.atomic():
            survey_accepting(survey)
            assert survey.live_version is not None
            received_at = timezone.now()
            prepared = submission_validate(
                survey=survey, version=survey.live_version, received_at=received_at, **fields
            )
            response = submission_write(prepared, submitted_at=received_at)
            result = serialize(response)
            SubmissionInbox.objects.create(
                id=response.pk,
                organization_id=survey.organization_id,
                survey=survey,
                version=survey.live_version,
                idempotency_key=key,
                request_hash=digest,
                respondent_ref=response.respondent.respondent_ref,
                result=result,
                received_at=received_at,
                materialized_at=received_at,
            )
    except IntegrityError:
        # A concurrent request with the same key won; its result is the result.
        return _replay(survey, key, digest)
    return Accepted(status=201, body=result, replayed=False, deferred=False)


def inbox_dispatch() -> None:
    """Queue one write-out at most once a second; never fail the request over the broker.

    The write-out runs a second later, so it also writes out what arrives meanwhile.
    """
    from surveys import tasks

    dispatch_debounced(tasks.inbox_drain, key=DISPATCH_GUARD_KEY)


def _claim(
    qs: QuerySet[SubmissionInbox], *, skip_locked: bool, limit: int
) -> list[SubmissionInbox]:
    """Lock up to `limit` pending rows of `qs`, oldest first (inside a transaction)."""
    return list(
        qs.filter(materialized_at__isnull=True)
        .select_for_update(skip_locked=skip_locked, of=("self",))
        .select_related("survey__organization", "version")
        .order_by("received_at")[:limit]
    )


def _validated_again(row: SubmissionInbox) -> PreparedSubmission:
    """A row stored before the cleaned form (it holds the request's answers): check it now."""
    data = row.payload
    return submission_validate(
        survey=row.survey,
        version=row.version,
        answers=data.get("answers") or [],
        locale=data.get("locale"),
        channel=data.get("channel") or "api",
        is_test=bool(data.get("is_test")),
        consent=data.get("consent"),
        received_at=row.received_at,
        # Accepted before answers were bound to their purpose: never
        # stored now, and the rest of the submission is not lost.
        drop_withheld=True,
    )


def _write(row: SubmissionInbox) -> Response:
    """Write out one row as it was accepted (raises on a failure; the caller keeps the row).

    The row holds the submission as checked and what its submitter was told
    (`prepared_to_json`): it is written as it is, not checked again.
    """
    if row.payload.get("format") == PAYLOAD_FORMAT:
        prepared, finished = prepared_from_json(row.payload, survey=row.survey, version=row.version)
    else:
        prepared, finished = _validated_again(row), None
    return submission_write(
        prepared,
        response_id=row.pk,
        respondent_ref=row.respondent_ref,
        submitted_at=row.received_at,
        finished=finished,
    )


def _write_out(row: SubmissionInbox) -> Response | None:
    """Write out one locked row in a savepoint; a failure is recorded on the row, kept.

    The caller marks the row written (`_mark_written`).
    """
    try:
        with transaction.atomic():
            response = _write(row)
    except (ServiceValidationError, IntegrityError) as exc:
        # Kept for the next sweep and for a person to look at; never dropped.
        row.attempts += 1
        row.last_error = type(exc).__name__
        row.save(update_fields=["attempts", "last_error"])
        log.error("inbox row %s could not be written out (%s)", row.pk, type(exc).__name__)
        return None
    return response


def _write_batch(rows: list[SubmissionInbox]) -> bool:
    """Write out locked rows under one savepoint (not one each); False: none was written.

    Rows are written once checked and rarely fail, so the savepoint per row
    (two statements each) is paid only after a batch failed: then it is
    rolled back whole and each row is written out on its own (`_write_out`).
    """
    try:
        with transaction.atomic():
            for row in rows:
                _write(row)
    except (ServiceValidationError, IntegrityError):
        return False
    return True


def _mark_written(ids: list[Any]) -> None:
    """Mark rows written out, in one statement; their answers now live in one place only."""
    if ids:
        SubmissionInbox.objects.filter(pk__in=ids).update(
            materialized_at=timezone.now(), payload={}, last_error=""
        )


@transaction.atomic
def inbox_materialize(*, row_id: Any, wait: bool = False) -> Response | None:
    """Write out one pending row (None if written already or being written elsewhere)."""
    rows = _claim(SubmissionInbox.objects.filter(pk=row_id), skip_locked=not wait, limit=1)
    response = _write_out(rows[0]) if rows else None
    if response is not None:
        _mark_written([rows[0].pk])
    return response


def _drain(qs: QuerySet[SubmissionInbox], *, skip_locked: bool) -> int:
    """Write out the pending rows of `qs` in batches, one transaction (one commit) each."""
    written = 0
    failed: set[Any] = set()
    if not qs.filter(materialized_at__isnull=True).exists():
        return 0  # the usual case for a read: one cheap query, no transaction
    while True:
        with transaction.atomic():
            rows = _claim(qs.exclude(pk__in=failed), skip_locked=skip_locked, limit=BATCH)
            if not rows:
                return written
            if _write_batch(rows):
                done = [row.pk for row in rows]
            else:
                done = []
                for row in rows:
                    if _write_out(row) is None:
                        failed.add(row.pk)
                    else:
                        done.append(row.pk)
            _mark_written(done)
            written += len(done)


def inbox_drain() -> int:
    """Write out pending rows, oldest first (rows another worker holds are skipped)."""
    return _drain(SubmissionInbox.objects.all(), skip_locked=True)


def inbox_flush(*, organization_ids: Iterable[int]) -> int:
    """Write out every pending row of these organizations now (for reads that need them)."""
    return _drain(
        SubmissionInbox.objects.filter(organization_id__in=list(organization_ids)),
        skip_locked=False,
    )


def inbox_flush_response(*, response_id: Any, organization_ids: Iterable[int]) -> bool:
    """Write out the submission that becomes `response_id`, if it is pending there."""
    if not SubmissionInbox.objects.filter(
        pk=response_id, organization_id__in=list(organization_ids), materialized_at__isnull=True
    ).exists():
        return False
    return inbox_materialize(row_id=response_id, wait=True) is not None


def inbox_purge() -> int:
    """Forget written-out rows older than IDEMPOTENCY_TTL_HOURS (their keys expire)."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = SubmissionInbox.objects.filter(
        materialized_at__isnull=False, received_at__lt=cutoff
    ).delete()
    return deleted


def inbox_flush_refs(*, organization_id: int, refs: Iterable[str]) -> int:
    """Write out the pending submissions of these respondent references (events API)."""
    ids = list(
        SubmissionInbox.objects.filter(
            organization_id=organization_id,
            respondent_ref__in=list(refs),
            materialized_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    return sum(inbox_materialize(row_id=i, wait=True) is not None for i in ids)
