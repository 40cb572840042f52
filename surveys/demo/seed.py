"""Demo data for `manage.py seed_demo`: an organization, its people, two live surveys,
synthetic responses and behaviour events with a visible privacy paradox.

Everything is get-or-create keyed by slugs, usernames and the API key's name,
so seeding twice creates nothing new. Responses are generated only for a demo
survey that has none yet. The synthetic population model is described in the
docstring of `surveys/management/commands/seed_demo.py`.

Generated answers go through `clean_answers` (the same validation as a real
submission) and are stored with `answer_rows`, so their shape is exactly what
`response_submit` would write; rows are written with `bulk_create`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import random
import statistics
import time
import zoneinfo
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import signals
from ..accounts.services.accounts import (
    api_key_create,
    api_key_revoke,
    membership_set,
    organization_create,
)
from ..answers import answer_rows, clean_answers, score
from ..authoring.services.definitions import definition_import, survey_publish
from ..consent.selectors import notice_current_version
from ..consent.services.consent import notice_publish, notice_save, notice_text_hash
from ..enums import (
    ApiScope,
    AuditAction,
    Channel,
    CollectionMethod,
    ResponseStatus,
    Role,
    SurveyStatus,
)
from ..models import (
    Answer,
    ApiKey,
    AuditEvent,
    BehaviourEvent,
    ConsentCounter,
    ConsentNotice,
    ConsentNoticeVersion,
    ConsentRecord,
    Organization,
    Respondent,
    Response,
    Survey,
    SurveyVersion,
    User,
)
from ..quality import quality_flags
from ..selectors import version_question_ids, version_spec
from ..spec import VersionSpec
from .population import (
    Calibration,
    Person,
    behaviour_events,
    comfort_answers,
    consent_purposes,
    consent_screen,
    default_dataset_path,
    load_calibration,
    person_draw,
    pick_weighted,
    quiz_answers,
    response_moments,
)
from .touchpoints import demo_touchpoints

SEED = 20261129


DEFAULT_RESPONSES = 2000


QUIZ_SHARE = 0.15  # quiz responses per survey response, unless given


RUSHERS = 0.03  # share of respondents who click through in a fifth of the usual time


DEMO_DIR = Path(__file__).resolve().parent


ORG_NAME = "Acme Privacy Co."


ORG_SLUG = "acme-privacy"


ORG_TIMEZONE = "Europe/Amsterdam"


API_KEY_NAME = "Demo key (all scopes)"


NOTICE_SLUG = "privacy-notice"


NOTICE_NAME = "Acme privacy notice"


DEMO_SURVEYS = (("privacy_comfort", "privacy-comfort"), ("privacy_quiz", "privacy-quiz"))


# What an author edits in the Django admin.
AUTHOR_MODELS = ("survey", "surveyversion", "section", "question", "choice")


LOCALES = (("en", 0.7), ("zh-Hant", 0.3))


CHANNELS = (
    (Channel.WEB, 0.38),
    (Channel.EMAIL, 0.24),
    (Channel.IN_APP, 0.18),
    (Channel.QR, 0.12),
    (Channel.KIOSK, 0.08),
)


class SeedError(Exception):
    """The database holds something that stops the demo from being seeded."""


@dataclass(frozen=True, kw_only=True)
class DemoUser:
    username: str
    role: Role
    password: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = (
    DemoUser(
        username="demo-admin",
        role=Role.ADMIN,
        password="trustpulse-admin",
        is_staff=True,
        is_superuser=True,
    ),
    DemoUser(username="demo-author", role=Role.AUTHOR, password="trustpulse-author", is_staff=True),
    DemoUser(username="demo-analyst", role=Role.ANALYST, password="trustpulse-analyst"),
    DemoUser(username="demo-researcher", role=Role.RESEARCHER, password="trustpulse-researcher"),
)


@dataclass(frozen=True, kw_only=True)
class Login:
    username: str
    password: str
    role: str
    staff: bool
    superuser: bool
    created: bool


@dataclass(frozen=True, kw_only=True)
class SurveySeed:
    slug: str
    kind: str
    title: str
    status: str
    created: bool
    responses_created: int
    responses_total: int


@dataclass(frozen=True, kw_only=True)
class SeedResult:
    organization: Organization
    organization_created: bool
    logins: list[Login]
    surveys: list[SurveySeed]
    api_key: ApiKey
    api_key_plaintext: str | None
    events_created: int
    consents_created: int
    notice: ConsentNoticeVersion
    calibration: Calibration
    seconds: float


AnswerFn = Callable[[random.Random, Person, str], list[dict[str, Any]]]


def _refs(rng: random.Random, n: int) -> list[str]:
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
        extra = iter(_refs(rng, len(taken) + 8))
        refs = [next(r for r in extra if r not in taken) if ref in taken else ref for ref in refs]
    return refs


@dataclass(kw_only=True)
class _Generated:
    responses: list[Response]
    events: list[BehaviourEvent]
    consents: int


@dataclass(frozen=True, kw_only=True)
class _Notice:
    version: ConsentNoticeVersion
    hashes: dict[str, str]  # locale → hash of the exact text shown

    @property
    def optional(self) -> list[str]:
        return [p for p in self.version.purpose_ids if p not in self.version.required_ids]


def _generate(
    *,
    rng: random.Random,
    survey: Survey,
    version: SurveyVersion,
    spec: VersionSpec,
    notice: _Notice | None,
    count: int,
    answers_for: AnswerFn,
    calibration: Calibration,
    now: datetime,
) -> _Generated:
    organization = survey.organization
    tz = zoneinfo.ZoneInfo(organization.timezone)
    ids = version_question_ids(version)
    moments = response_moments(rng, count, now, tz)
    refs = _refs(rng, count)
    # Optional personal fields: their disclosure is recorded (see _disclosure_behaviour).
    optional_fields = [q.code for q in spec.questions if q.quasi_identifier and not q.required]
    brand_channels = spec.kind == "survey"
    respondents: list[Respondent] = []
    responses: list[Response] = []
    answers: list[Answer] = []
    events: list[BehaviourEvent] = []
    consents: list[ConsentRecord] = []
    audits: list[AuditEvent] = []
    counters: dict[date, list[int]] = {}  # UTC day → [shown, declined, consented]
    started_at: list[datetime] = []
    speeders = _RunningMedian(survey)
    for i in range(count):
        person = person_draw(rng, calibration.latent_r)
        locale = pick_weighted(rng, LOCALES)
        channel = pick_weighted(rng, CHANNELS)
        granted = consent_purposes(rng, person, notice.version.purpose_ids) if notice else []
        raw_items = answers_for(rng, person, locale)
        # No answers to questions whose purpose was not granted.
        withheld = spec.withheld(granted if notice is not None else None)
        raw_items = [a for a in raw_items if a["question"] not in withheld]
        raw = {a["question"]: a["value"] for a in raw_items}
        other = {a["question"]: a["other"] for a in raw_items if "other" in a}
        cleaned = clean_answers(spec, raw, other, withheld=withheld)
        if not cleaned.ok:  # a generator bug: never seed invalid data
            raise SeedError(f"generated an invalid {survey.slug} response: {cleaned.problems}")
        submitted = moments[i]
        typical = 240 if spec.kind == "survey" else 90
        if rng.random() < RUSHERS:  # clicks through: a speeder against the running median
            typical /= 5
        taken = rng.lognormvariate(math.log(typical), 0.45)
        started = submitted - timedelta(seconds=taken)
        flags = quality_flags(spec, cleaned.values)
        if speeders.check(taken):
            flags.append("speeder")
        respondent = Respondent(organization=organization, respondent_ref=refs[i])
        response = Response(
            respondent=respondent,
            survey=survey,
            version=version,
            status=ResponseStatus.COMPLETE,
            locale=locale,
            channel=channel,
            submitted_at=submitted,
            section_path=cleaned.path,
            quality_flags=flags,
        )
        if spec.kind == "quiz":
            response.score = score(spec, cleaned.values)
            response.max_score = spec.max_score
            response.outcome_index = spec.outcome_for(response.score)
        respondents.append(respondent)
        responses.append(response)
        started_at.append(started)
        for code, value in cleaned.values.items():
            q = spec.question(code)
            assert q is not None
            for row in answer_rows(q, value, cleaned.other.get(code, "")):
                answers.append(
                    Answer(response=response, question_id=ids[code], question_code=code, **row)
                )
        if notice is None:
            continue
        screen = consent_screen(rng, person)
        given = started + timedelta(milliseconds=screen[1])
        made = behaviour_events(
            rng,
            person,
            response_id=str(response.pk),
            ref=respondent.respondent_ref,
            screen=screen,
            granted=granted,
            optional=notice.optional,
            consent_at=given,
            submitted=submitted,
            now=now,
            calibration=calibration,
            disclosure={
                q.code: q.code in cleaned.values
                for q in spec.questions
                if q.code in optional_fields and q.section in cleaned.path
            },
            brand_channels=brand_channels,
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
        consents.append(record)
        audits.append(
            AuditEvent(
                organization=organization,
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
        day = counters.setdefault(given.astimezone(UTC).date(), [0, 0, 0])
        declined = 1 if rng.random() < 0.08 else 0
        day[0] += 1 + declined
        day[1] += declined
        day[2] += 1
        for ev in made:
            events.append(
                BehaviourEvent(
                    organization=organization,
                    respondent=respondent,
                    response=response if ev.linked else None,
                    kind=ev.kind,
                    value=ev.value,
                    occurred_at=ev.at,
                    source=ev.source,
                    idempotency_id=ev.key,
                )
            )
    Respondent.objects.bulk_create(respondents, batch_size=1000)
    Response.objects.bulk_create(responses, batch_size=1000)
    # started_at/updated_at are auto fields that bulk_create sets to "now".
    for response, started in zip(responses, started_at, strict=True):
        response.started_at = started
        response.updated_at = response.submitted_at
    Response.objects.bulk_update(responses, ["started_at", "updated_at"], batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=2000)
    ConsentRecord.objects.bulk_create(consents, batch_size=1000)
    for record, audit in zip(consents, audits, strict=True):
        audit.target_id = str(record.pk)
    AuditEvent.objects.bulk_create(audits, batch_size=1000)
    BehaviourEvent.objects.bulk_create(events, batch_size=2000)
    if notice is not None:
        _count_consents(notice.version, counters)
    return _Generated(responses=responses, events=events, consents=len(consents))


class _RunningMedian:
    """The speeder rule of `response_submit`, replayed in submission order.

    A response is a speeder when it took less than QUALITY_SPEEDER_FRACTION of
    the median duration of the survey's latest 200 earlier complete responses
    (from 20 on); seeding starts from the survey's stored responses, if any.
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
            .values_list("started_at", "submitted_at")[:200]
        )
        self.window: deque[float] = deque(
            reversed([(b - a).total_seconds() for a, b in rows]), maxlen=200
        )
        self.fraction = float(settings.QUALITY_SPEEDER_FRACTION)

    def check(self, seconds: float) -> bool:
        durations = sorted(self.window)
        self.window.append(seconds)
        if len(durations) < 20:
            return False
        return seconds < self.fraction * statistics.median(durations)


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


def _ensure_users(organization: Organization, password: str | None) -> tuple[list[Login], User]:
    author_perms = list(
        Permission.objects.filter(
            content_type__app_label="surveys", content_type__model__in=AUTHOR_MODELS
        )
    ) + list(
        Permission.objects.filter(content_type__app_label="surveys", codename="view_organization")
    )
    logins: list[Login] = []
    author: User | None = None
    for spec in DEMO_USERS:
        secret = password or spec.password
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if user is None:
            user = User(username=spec.username, email=f"{spec.username}@example.org")
            user.set_password(secret)
        elif not user.check_password(secret):
            user.set_password(secret)  # keep the printed login true
        user.is_active = True
        user.is_staff = spec.is_staff
        user.is_superuser = spec.is_superuser
        user.save()
        if spec.role == Role.AUTHOR:
            user.user_permissions.add(*author_perms)
            author = user
        membership_set(organization=organization, user=user, role=spec.role)
        logins.append(
            Login(
                username=spec.username,
                password=secret,
                role=str(spec.role),
                staff=spec.is_staff,
                superuser=spec.is_superuser,
                created=created,
            )
        )
    assert author is not None
    return logins, author


def _ensure_notice(organization: Organization, actor: User) -> ConsentNoticeVersion:
    """The demo consent notice (surveys/demo/consent_notice.json), published."""
    notice = ConsentNotice.objects.filter(organization=organization, slug=NOTICE_SLUG).first()
    current = notice_current_version(notice)
    if current is not None:
        return current
    content = json.loads((DEMO_DIR / "consent_notice.json").read_text(encoding="utf-8"))
    draft = notice_save(
        organization=organization, slug=NOTICE_SLUG, name=NOTICE_NAME, content=content, actor=actor
    )
    return notice_publish(version=draft, actor=actor)


def _ensure_survey(
    organization: Organization, name: str, slug: str, author: User
) -> tuple[Survey, bool]:
    survey = Survey.objects.filter(slug=slug).first()
    created = survey is None
    if survey is None:
        document = json.loads((DEMO_DIR / f"{name}.json").read_text(encoding="utf-8"))
        document.setdefault("consent_notice", NOTICE_SLUG)
        version = definition_import(organization=organization, document=document, actor=author)
        survey = version.survey
    elif survey.organization_id != organization.pk:
        raise SeedError(f"The survey slug {slug!r} is taken by another organization.")
    if survey.status == SurveyStatus.DRAFT:
        survey_publish(survey=survey, actor=author)
    survey.refresh_from_db()
    return survey, created


def _ensure_api_key(
    organization: Organization, actor: User, replace: bool
) -> tuple[ApiKey, str | None]:
    key = ApiKey.objects.filter(
        organization=organization, name=API_KEY_NAME, revoked_at__isnull=True
    ).first()
    if key is not None and replace:
        api_key_revoke(key=key, actor=actor)
        key = None
    if key is not None:
        return key, None
    return api_key_create(
        organization=organization, name=API_KEY_NAME, scopes=list(ApiScope.values), actor=actor
    )


def _announce(survey: Survey, generated: _Generated) -> None:
    """Tell the other side (dashboards) about the new rows, after commit, as submissions do.

    One ``response_submitted`` per seeded survey: the aggregation it triggers
    drains every response still waiting, so one per row would only queue
    thousands of empty tasks (with a broker, beat's pending sweep is the
    backstop either way).
    """
    if generated.responses:
        last = generated.responses[-1]
        signals.send_after_commit(
            signals.response_submitted,
            response_id=str(last.pk),
            survey_id=survey.pk,
            organization_id=survey.organization_id,
        )
    event_ids = [e.pk for e in generated.events if e.pk is not None]
    for i in range(0, len(event_ids), 1000):
        signals.send_after_commit(
            signals.events_ingested,
            event_ids=event_ids[i : i + 1000],
            organization_id=survey.organization_id,
        )


@contextlib.contextmanager
def _quiet_eager_tasks() -> Iterator[None]:
    """Keep Celery's per-task INFO lines (thousands, in eager mode) out of the output."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        trace.setLevel(level)


def seed_demo(
    *,
    responses: int = DEFAULT_RESPONSES,
    quiz_responses: int | None = None,
    password: str | None = None,
    new_api_key: bool = False,
    dataset: Path | None = None,
    now: datetime | None = None,
) -> SeedResult:
    """Create (or find) the whole demo; generate responses for demo surveys that have none."""
    t0 = time.perf_counter()
    now = now or timezone.now()
    if quiz_responses is None:
        quiz_responses = round(responses * QUIZ_SHARE)
    calibration = load_calibration(dataset if dataset is not None else default_dataset_path())
    rng = random.Random(SEED)
    with _quiet_eager_tasks(), transaction.atomic():
        organization = Organization.objects.filter(slug=ORG_SLUG).first()
        org_created = organization is None
        if organization is None:
            organization = organization_create(
                name=ORG_NAME, slug=ORG_SLUG, timezone_name=ORG_TIMEZONE
            )
        logins, author = _ensure_users(organization, password)
        admin = User.objects.get(username=DEMO_USERS[0].username)
        key, plaintext = _ensure_api_key(organization, admin, new_api_key)
        notice_version = _ensure_notice(organization, admin)
        seeds: list[SurveySeed] = []
        events_created = consents_created = 0
        for name, slug in DEMO_SURVEYS:
            survey, created = _ensure_survey(organization, name, slug, author)
            done = survey.responses.filter(status=ResponseStatus.COMPLETE)
            is_quiz = name == "privacy_quiz"
            count = quiz_responses if is_quiz else responses
            made = 0
            version = survey.live_version
            if version is not None and count > 0 and not done.exists():
                current = notice_current_version(survey.consent_notice)
                notice = None
                if current is not None:
                    hashes = {loc: notice_text_hash(current, loc) for loc, _ in LOCALES}
                    notice = _Notice(version=current, hashes=hashes)
                generated = _generate(
                    rng=rng,
                    survey=survey,
                    version=version,
                    spec=version_spec(version),
                    notice=notice,
                    count=count,
                    answers_for=quiz_answers if is_quiz else comfort_answers,
                    calibration=calibration,
                    now=now,
                )
                made = len(generated.responses) + (0 if is_quiz else demo_touchpoints(survey, now))
                events_created += len(generated.events)
                consents_created += generated.consents
                _announce(survey, generated)
            seeds.append(
                SurveySeed(
                    slug=survey.slug,
                    kind=survey.kind,
                    title=survey.title_for(survey.default_locale),
                    status=survey.status,
                    created=created,
                    responses_created=made,
                    responses_total=done.count(),
                )
            )
    return SeedResult(
        organization=organization,
        organization_created=org_created,
        logins=logins,
        surveys=seeds,
        api_key=key,
        api_key_plaintext=plaintext,
        events_created=events_created,
        consents_created=consents_created,
        notice=notice_version,
        calibration=calibration,
        seconds=time.perf_counter() - t0,
    )
