"""The one write of a finished response, for the web flow and headless submissions.

`response_write` stores what `response_finish` (finish.py) decided: the
response row (inserted for a submission made whole, updated for a web
response whose answers were saved page by page), the answers and consent
of a whole submission, the ``response_submitted`` signal, the webhook
outbox event and the disclosure behaviour rows. Callers are atomic.
`response_submit` checks and writes a whole submission in one call.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from surveys import signals

from ...answers import answer_rows
from ...consent.services.response_consent import ConsentInput, record_consent
from ...enums import Channel, EventSource, ResponseStatus
from ...integrations import outbox
from ...models import Answer, BehaviourEvent, Respondent, Response, Survey
from ...selectors.definitions import version_question_ids
from ...spec import VersionSpec
from .availability import survey_accepting
from .finish import (
    SPEEDER_MIN_DURATIONS,
    SPEEDER_WINDOW,
    Finished,
    duration_median,
    finished_apply,
    measured_seconds,
)
from .respondents import new_ref, respondent_create
from .submission import PreparedSubmission, submission_finish, submission_validate


def write_answers(
    response: Response, spec: VersionSpec, values: Mapping[str, Any], other: Mapping[str, str]
) -> None:
    ids = version_question_ids(response.version)
    rows = []
    for code, value in values.items():
        q = spec.question(code)
        assert q is not None
        for row in answer_rows(q, value, other.get(code, "")):
            rows.append(Answer(response=response, question_id=ids[code], question_code=code, **row))
    Answer.objects.bulk_create(rows)


def speeder_median(response: Response, submitted_at: dt.datetime) -> float | None:
    """The median duration `response_finish` compares with (None: not needed or too few).

    Over the survey's latest 200 completed responses with a measured duration,
    this one left out; read only when this response's own duration is measured.
    """
    if measured_seconds(response.started_at, submitted_at) is None:
        return None
    if connection.vendor == "postgresql":
        return _median_in_database(response)
    return _median_in_python(response)


def _median_in_python(response: Response) -> float | None:
    """`speeder_median` elsewhere: the window's durations, read and sorted here."""
    rows = (
        Response.objects.filter(
            submitted_at__isnull=False,
            survey_id=response.survey_id,
            status=ResponseStatus.COMPLETE,
            submitted_at__gt=F("started_at"),
        )
        .exclude(pk=response.pk)
        .order_by("-submitted_at")
        .values_list("started_at", "submitted_at")[:SPEEDER_WINDOW]
    )
    return duration_median(
        (submitted - started).total_seconds() for started, submitted in rows if submitted
    )


# The middle one or two of the same window, ranked in the database: the
# median below is then `duration_median`'s, on the same float seconds.
_MIDDLE_DURATIONS = """
SELECT d, n FROM (
  SELECT d, row_number() OVER (ORDER BY d) AS rn, count(*) OVER () AS n
  FROM (
    SELECT submitted_at - started_at AS d FROM {table}
    WHERE survey_id = %s AND status = %s AND submitted_at IS NOT NULL
      AND submitted_at > started_at AND id <> %s
    ORDER BY submitted_at DESC LIMIT %s
  ) latest
) ranked WHERE rn IN ((n + 1) / 2, n / 2 + 1)
"""


def _median_in_database(response: Response) -> float | None:
    """`speeder_median` on PostgreSQL: two rows come back instead of the window of 200."""
    sql = _MIDDLE_DURATIONS.format(table=connection.ops.quote_name(Response._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [response.survey_id, ResponseStatus.COMPLETE.value, response.pk, SPEEDER_WINDOW]
        )
        rows = cursor.fetchall()
    if not rows or rows[0][1] < SPEEDER_MIN_DURATIONS:
        return None
    seconds: list[float] = sorted(d.total_seconds() for d, _n in rows)
    return seconds[0] if len(seconds) == 1 else (seconds[0] + seconds[1]) / 2


def response_write(
    response: Response,
    finished: Finished,
    *,
    spec: VersionSpec,
    values: Mapping[str, Any] | None = None,
    other: Mapping[str, str] | None = None,
    consent: ConsentInput | None = None,
) -> Response:
    """Write `response` as `finished` decided it (see the module docstring).

    With `values` (a submission made whole) the row is inserted with its
    answers and `consent`; without, the row exists and its answers are stored.
    """
    finished_apply(response, finished)
    if values is None:
        response.save()
    else:
        response.save(force_insert=True)
    signals.send_after_commit(
        signals.response_submitted,
        response_id=str(response.pk),
        survey_id=response.survey_id,
        organization_id=response.survey.organization_id,
    )
    if values is not None:
        write_answers(response, spec, values, other or {})
        record_consent(response, consent)
    outbox.response_completed_event(response)
    if finished.disclosed:
        now = timezone.now()
        BehaviourEvent.objects.bulk_create(
            [
                BehaviourEvent(
                    organization_id=response.survey.organization_id,
                    respondent_id=response.respondent_id,
                    response=response,
                    kind="optional_field_disclosed",
                    value=value,
                    occurred_at=now,
                    source=EventSource.IN_SURVEY,
                    idempotency_id=f"{response.pk}:optional_field_disclosed:{code}",
                )
                for code, value in finished.disclosed
            ],
            ignore_conflicts=True,
        )
    return response


def submission_new_response(
    prepared: PreparedSubmission, *, respondent: Respondent, response_id: Any = None
) -> Response:
    """The unsaved response row of a headless submission (not yet finished)."""
    response = Response(
        respondent=respondent,
        survey=prepared.survey,
        version=prepared.version,
        locale=prepared.locale,
        channel=prepared.channel,
        is_test=prepared.is_test,
        section_path=prepared.path,
    )
    if response_id is not None:
        response.pk = response_id
    return response


def submission_write(
    prepared: PreparedSubmission,
    *,
    response_id: Any = None,
    respondent_ref: str | None = None,
    submitted_at: dt.datetime | None = None,
    finished: Finished | None = None,
) -> Response:
    """Write a checked submission: respondent, response, answers, consent, behaviour.

    `finished`: what the submitter was told, when it was decided earlier (the
    inbox); otherwise it is decided now. Call inside a transaction.
    """
    if prepared.external_id:
        respondent = respondent_create(
            organization=prepared.survey.organization, external_id=prepared.external_id
        )
    else:
        respondent = Respondent.objects.create(
            organization=prepared.survey.organization, respondent_ref=respondent_ref or new_ref()
        )
    response = submission_new_response(prepared, respondent=respondent, response_id=response_id)
    if finished is None:
        finished = submission_finish(prepared, submitted_at=submitted_at or timezone.now())
    return response_write(
        response,
        finished,
        spec=prepared.spec,
        values=prepared.values,
        other=prepared.other,
        consent=prepared.consent,
    )


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    answers: Sequence[Mapping[str, Any]],
    locale: str | None = None,
    channel: str = Channel.API,
    external_id: str | None = None,
    is_test: bool = False,
    consent: Mapping[str, Any] | None = None,
) -> Response:
    """Store one complete response in one call (apps, kiosks). All or nothing.

    `answers` is ``[{"question": code, "value": …, "other": "…"}, …]``;
    `consent` is ``{"notice_version": 3, "purposes": [...], "timestamp": "…"}``
    and required when the survey has a consent notice. Errors carry paths
    such as ``answers[3].value``; nothing is written when any exists.
    """
    survey_accepting(survey)
    assert survey.live_version is not None
    prepared = submission_validate(
        survey=survey,
        version=survey.live_version,
        answers=answers,
        locale=locale,
        channel=channel,
        external_id=external_id,
        is_test=is_test,
        consent=consent,
    )
    return submission_write(prepared)
