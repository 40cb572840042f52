"""Synthetic responses of one demo survey, finished as real ones are and written in bulk.

Generated answers go through `clean_answers` (the same validation as a real
submission) and are stored with `answer_rows`, so their shape is exactly what
`response_submit` would write. Quality flags, the speeder rule, the quiz
result and the disclosure behaviour come from `response_finish`, the one
function every real completion takes them from; the speeder median it needs
is kept running here in submission order. Rows are written with `bulk_create`.
"""

from __future__ import annotations

import math
import random
import zoneinfo
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import F

from ..answers import CleanedAnswers, answer_rows, clean_answers
from ..enums import AuditAction, Channel, CollectionMethod, ResponseStatus
from ..models import (
    Answer,
    AuditEvent,
    BehaviourEvent,
    ConsentCounter,
    ConsentNoticeVersion,
    ConsentRecord,
    Organization,
    Respondent,
    Response,
    Survey,
    SurveyVersion,
)
from ..responses.services.finish import (
    SPEEDER_WINDOW,
    Finished,
    duration_median,
    finished_apply,
    measured_seconds,
    response_finish,
)
from ..selectors import version_question_ids
from ..spec import VersionSpec
from .population import (
    Calibration,
    Person,
    behaviour_events,
    consent_purposes,
    consent_screen,
    person_draw,
    pick_weighted,
    response_moments,
)

RUSHERS = 0.03  # share of respondents who click through in a fifth of the usual time


LOCALES = (("en", 0.7), ("zh-Hant", 0.3))


CHANNELS = (
    (Channel.WEB, 0.38),
    (Channel.EMAIL, 0.24),
    (Channel.IN_APP, 0.18),
    (Channel.QR, 0.12),
    (Channel.KIOSK, 0.08),
)


AnswerFn = Callable[[random.Random, Person, str], list[dict[str, Any]]]


class SeedError(Exception):
    """The database holds something that stops the demo from being seeded."""


@dataclass(frozen=True, kw_only=True)
class Notice:
    version: ConsentNoticeVersion
    hashes: dict[str, str]  # locale → hash of the exact text shown

    @property
    def optional(self) -> list[str]:
        return [p for p in self.version.purpose_ids if p not in self.version.required_ids]


@dataclass(kw_only=True)
class Generated:
    responses: list[Response]
    events: list[BehaviourEvent]
    consents: int


@dataclass(kw_only=True)
class _Rows:
    """Everything generated for one survey, written at the end in bulk."""

    respondents: list[Respondent] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    started_at: list[datetime] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    events: list[BehaviourEvent] = field(default_factory=list)
    consents: list[ConsentRecord] = field(default_factory=list)
    audits: list[AuditEvent] = field(default_factory=list)
    counters: dict[date, list[int]] = field(default_factory=dict)  # day → shown, declined, given


@dataclass(frozen=True, kw_only=True)
class _Context:
    rng: random.Random
    survey: Survey
    version: SurveyVersion
    spec: VersionSpec
    notice: Notice | None
    answers_for: AnswerFn
    calibration: Calibration
    now: datetime
    question_ids: dict[str, int]


class RunningMedian:
    """The speeder median of `speeder_median` (write.py), kept in submission order.

    Over the survey's latest 200 earlier complete responses with a measured
    duration; seeding starts from the survey's stored responses, if any.
    """

    def __init__(self, survey: Survey):
        rows = (
            Response.objects.filter(
                survey=survey,
                status=ResponseStatus.COMPLETE,
                submitted_at__isnull=False,
                submitted_at__gt=F("started_at"),
            )
            .order_by("-submitted_at")
            .values_list("started_at", "submitted_at")[:SPEEDER_WINDOW]
        )
        self.window: deque[float] = deque(
            reversed([(b - a).total_seconds() for a, b in rows]), maxlen=SPEEDER_WINDOW
        )

    def median(self) -> float | None:
        return duration_median(self.window)

    def add(self, started: datetime, submitted: datetime) -> None:
        seconds = measured_seconds(started, submitted)
        if seconds is not None:
            self.window.append(seconds)


def refs_new(rng: random.Random, n: int) -> list[str]:
    refs: list[str] = []
    seen: set[str] = set()
    while len(refs) < n:
        ref = f"r_{rng.getrandbits(64):016x}"
        if ref not in seen:
            seen.add(ref)
            refs.append(ref)
    taken = set(
        Respondent.objects.filter(respondent_ref__in=refs).values_list("respondent_ref", flat=True)
    )
    if taken:
        extra = iter(refs_new(rng, len(taken) + 8))
        refs = [next(r for r in extra if r not in taken) if ref in taken else ref for ref in refs]
    return refs


def _answers(ctx: _Context, person: Person, locale: str, granted: list[str]) -> CleanedAnswers:
    """One person's answers, cleaned; none to questions whose purpose was not granted."""
    spec = ctx.spec
    raw_items = ctx.answers_for(ctx.rng, person, locale)
    withheld = spec.withheld(granted if ctx.notice is not None else None)
    raw_items = [a for a in raw_items if a["question"] not in withheld]
    raw = {a["question"]: a["value"] for a in raw_items}
    other = {a["question"]: a["other"] for a in raw_items if "other" in a}
    cleaned = clean_answers(spec, raw, other, withheld=withheld)
    if not cleaned.ok:  # a generator bug: never seed invalid data
        raise SeedError(f"generated an invalid {ctx.survey.slug} response: {cleaned.problems}")
    return cleaned


def _started(ctx: _Context, submitted: datetime) -> datetime:
    typical = 240 if ctx.spec.kind == "survey" else 90
    if ctx.rng.random() < RUSHERS:  # clicks through: a speeder against the running median
        typical /= 5
    return submitted - timedelta(seconds=ctx.rng.lognormvariate(math.log(typical), 0.45))


def _consented(
    ctx: _Context,
    rows: _Rows,
    person: Person,
    response: Response,
    granted: list[str],
    finished: Finished,
    started: datetime,
) -> None:
    """The consent record, its audit event, the day's counters and the behaviour events."""
    notice = ctx.notice
    assert notice is not None
    respondent, locale = response.respondent, response.locale
    screen = consent_screen(ctx.rng, person)
    given = started + timedelta(milliseconds=screen[1])
    made = behaviour_events(
        ctx.rng,
        person,
        response_id=str(response.pk),
        ref=respondent.respondent_ref,
        screen=screen,
        granted=granted,
        optional=notice.optional,
        consent_at=given,
        submitted=finished.submitted_at,
        now=ctx.now,
        calibration=ctx.calibration,
        disclosure={code: bool(value) for code, value in finished.disclosed},
        brand_channels=ctx.spec.kind == "survey",
    )
    record = ConsentRecord(
        respondent=respondent,
        response=response,
        notice_version=notice.version,
        text_hash=notice.hashes[locale],
        locale=locale,
        purposes_granted=granted,
        collection_method=CollectionMethod.WEB_FORM,
        given_at=given,
    )
    rows.consents.append(record)
    rows.audits.append(
        AuditEvent(
            organization=ctx.survey.organization,
            actor_label="respondent",
            action=AuditAction.CONSENT_GIVEN,
            target_type="consentrecord",
            data={
                "receipt_id": str(record.receipt_id),
                "purposes": granted,
                "notice_version": notice.version.number,
            },
        )
    )
    day = rows.counters.setdefault(given.astimezone(UTC).date(), [0, 0, 0])
    declined = 1 if ctx.rng.random() < 0.08 else 0
    day[0] += 1 + declined
    day[1] += declined
    day[2] += 1
    rows.events.extend(
        BehaviourEvent(
            organization=ctx.survey.organization,
            respondent=respondent,
            response=response if ev.linked else None,
            kind=ev.kind,
            value=ev.value,
            occurred_at=ev.at,
            source=ev.source,
            idempotency_id=ev.key,
        )
        for ev in made
    )


def _one(
    ctx: _Context, rows: _Rows, ref: str, submitted: datetime, speeders: RunningMedian
) -> None:
    """Generate one complete response (and its consent) into `rows`."""
    rng, spec, organization = ctx.rng, ctx.spec, ctx.survey.organization
    person = person_draw(rng, ctx.calibration.latent_r)
    locale = pick_weighted(rng, LOCALES)
    channel = pick_weighted(rng, CHANNELS)
    notice = ctx.notice
    granted = consent_purposes(rng, person, notice.version.purpose_ids) if notice else []
    cleaned = _answers(ctx, person, locale, granted)
    started = _started(ctx, submitted)
    finished = response_finish(
        spec,
        cleaned.values,
        path=cleaned.path,
        granted=granted,
        started_at=started,
        submitted_at=submitted,
        median_seconds=speeders.median(),
    )
    speeders.add(started, submitted)
    respondent = Respondent(organization=organization, respondent_ref=ref)
    response = Response(
        respondent=respondent,
        survey=ctx.survey,
        version=ctx.version,
        locale=locale,
        channel=channel,
        section_path=cleaned.path,
    )
    finished_apply(response, finished)
    rows.respondents.append(respondent)
    rows.responses.append(response)
    rows.started_at.append(started)
    for code, value in cleaned.values.items():
        q = spec.question(code)
        assert q is not None
        for row in answer_rows(q, value, cleaned.other.get(code, "")):
            rows.answers.append(
                Answer(
                    response=response, question_id=ctx.question_ids[code], question_code=code, **row
                )
            )
    if notice is not None:
        _consented(ctx, rows, person, response, granted, finished, started)


def _write(rows: _Rows, notice: Notice | None) -> None:
    Respondent.objects.bulk_create(rows.respondents, batch_size=1000)
    Response.objects.bulk_create(rows.responses, batch_size=1000)
    # started_at/updated_at are auto fields that bulk_create sets to "now".
    for response, started in zip(rows.responses, rows.started_at, strict=True):
        response.started_at = started
        response.updated_at = response.submitted_at
    Response.objects.bulk_update(rows.responses, ["started_at", "updated_at"], batch_size=500)
    Answer.objects.bulk_create(rows.answers, batch_size=2000)
    ConsentRecord.objects.bulk_create(rows.consents, batch_size=1000)
    for record, audit in zip(rows.consents, rows.audits, strict=True):
        audit.target_id = str(record.pk)
    AuditEvent.objects.bulk_create(rows.audits, batch_size=1000)
    BehaviourEvent.objects.bulk_create(rows.events, batch_size=2000)
    if notice is not None:
        _count_consents(notice.version, rows.counters)


def generate(
    *,
    rng: random.Random,
    survey: Survey,
    version: SurveyVersion,
    spec: VersionSpec,
    notice: Notice | None,
    count: int,
    answers_for: AnswerFn,
    calibration: Calibration,
    now: datetime,
) -> Generated:
    """Generate and write `count` complete responses of `survey` (see the module docstring)."""
    organization: Organization = survey.organization
    ctx = _Context(
        rng=rng,
        survey=survey,
        version=version,
        spec=spec,
        notice=notice,
        answers_for=answers_for,
        calibration=calibration,
        now=now,
        question_ids=version_question_ids(version),
    )
    moments = response_moments(rng, count, now, zoneinfo.ZoneInfo(organization.timezone))
    refs = refs_new(rng, count)
    rows = _Rows()
    speeders = RunningMedian(survey)
    for i in range(count):
        _one(ctx, rows, refs[i], moments[i], speeders)
    _write(rows, notice)
    return Generated(responses=rows.responses, events=rows.events, consents=len(rows.consents))


def _count_consents(version: ConsentNoticeVersion, counters: dict[date, list[int]]) -> None:
    """Add the seeded consents to the anonymous per-day counters of the notice."""
    for day, (shown, declined, consented) in sorted(counters.items()):
        counter, created = ConsentCounter.objects.get_or_create(
            notice_version=version,
            day=day,
            defaults={"shown": shown, "declined": declined, "consented": consented},
        )
        if not created:
            ConsentCounter.objects.filter(pk=counter.pk).update(
                shown=F("shown") + shown,
                declined=F("declined") + declined,
                consented=F("consented") + consented,
            )
