"""Reads the aggregation side needs from raw data (ids in, plain rows out)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet, Sum

from ..enums import ResponseStatus
from ..models import (
    Answer,
    BehaviourEvent,
    ConsentCounter,
    ConsentRecord,
    Question,
    Response,
    Survey,
    SurveyVersion,
)


def responses_unaggregated() -> QuerySet[Response]:
    """Completed, non-test responses not yet taken into the rollups (oldest first)."""
    return Response.objects.filter(
        status=ResponseStatus.COMPLETE, aggregated_at__isnull=True, is_test=False
    ).order_by("submitted_at", "id")


def responses_aggregated(version_ids: Iterable[int]) -> QuerySet[Response]:
    return Response.objects.filter(
        version_id__in=list(version_ids),
        status=ResponseStatus.COMPLETE,
        aggregated_at__isnull=False,
        is_test=False,
    )


def response_rows(response_ids: list[Any]) -> list[dict[str, Any]]:
    """The dimensions of each response (with its organization's time zone)."""
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in Response.objects.filter(pk__in=response_ids).values(
            "id",
            "respondent_id",
            "version_id",
            "submitted_at",
            "locale",
            "channel",
            "quality_flags",
            "score",
            "survey__organization_id",
            "survey__organization__timezone",
        )
    ]
    return rows


ANSWER_COLUMNS = (
    "response_id",
    "question_code",
    "item",
    "choice",
    "number",
    "text",
    "date",
    "boolean",
)


def answer_rows(response_ids: list[Any]) -> list[dict[str, Any]]:
    """The answers of the given responses as plain dicts (ANSWER_COLUMNS)."""
    if connection.vendor == "postgresql":
        # One array parameter instead of a placeholder per id, no model layer:
        # a batch reads ~20 rows per response, this is the aggregation's bulk read.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(ANSWER_COLUMNS)} FROM {Answer._meta.db_table} "
                "WHERE response_id = ANY(%s::uuid[])",
                [[str(r) for r in response_ids]],
            )
            return [dict(zip(ANSWER_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return [
        dict(r) for r in Answer.objects.filter(response_id__in=response_ids).values(*ANSWER_COLUMNS)
    ]


def segment_questions(version_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """version id → {segment attribute: question code} (e.g. {"age_band": "age"})."""
    out: dict[int, dict[str, str]] = {}
    for version_id, attribute, code in (
        Question.objects.filter(version_id__in=list(version_ids))
        .exclude(segment_attribute="")
        .values_list("version_id", "segment_attribute", "code")
    ):
        out.setdefault(version_id, {})[attribute] = code
    return out


def respondent_events(respondent_ids: Iterable[Any]) -> dict[Any, list[tuple[str, Any]]]:
    """respondent id → [(kind, value), …] of their behaviour events."""
    out: dict[Any, list[tuple[str, Any]]] = {}
    for respondent_id, kind, value in BehaviourEvent.objects.filter(
        respondent_id__in=list(respondent_ids)
    ).values_list("respondent_id", "kind", "value"):
        out.setdefault(respondent_id, []).append((kind, value))
    return out


def versions_by_id(version_ids: Iterable[int]) -> list[SurveyVersion]:
    return list(
        SurveyVersion.objects.filter(pk__in=list(version_ids)).select_related(
            "survey__organization"
        )
    )


def consent_rows(response_ids: Iterable[Any]) -> dict[Any, tuple[list[str], list[str]]]:
    """response id → (optional purposes of its notice, those still granted)."""
    out: dict[Any, tuple[list[str], list[str]]] = {}
    records = ConsentRecord.objects.filter(response_id__in=list(response_ids)).select_related(
        "notice_version"
    )
    for record in records:
        version = record.notice_version
        optional = [p for p in version.purpose_ids if p not in version.required_ids]
        active = [p for p in record.active_purposes if p in optional]
        out[record.response_id] = (optional, active)
    return out


def _consent_counters(
    survey_id: int, date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[ConsentCounter]:
    notice_id = Survey.objects.filter(pk=survey_id).values_list("consent_notice_id", flat=True)
    qs = ConsentCounter.objects.filter(notice_version__notice_id__in=notice_id)
    if date_from:
        qs = qs.filter(day__gte=date_from)
    if date_to:
        qs = qs.filter(day__lte=date_to)
    return qs


CONSENT_SUMS = {"shown": Sum("shown"), "declined": Sum("declined"), "consented": Sum("consented")}


def consent_funnel_counts(
    *, survey_id: int, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, int]:
    """Anonymous counts of the survey's consent notice: {"shown", "declined", "consented"}.

    From ConsentCounter (per notice version and day), over every version of
    the notice the survey uses; zeros when it has none.
    """
    sums = _consent_counters(survey_id, date_from, date_to).aggregate(**CONSENT_SUMS)
    return {k: int(v or 0) for k, v in sums.items()}


def consent_funnel_days(
    *, survey_id: int, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[dt.date, dict[str, int]]:
    """``consent_funnel_counts`` per day with any count, in one grouped query."""
    rows = (
        _consent_counters(survey_id, date_from, date_to)
        .order_by()
        .values("day")
        .annotate(**CONSENT_SUMS)
    )
    return {r["day"]: {k: int(r[k] or 0) for k in CONSENT_SUMS} for r in rows}
