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
import csv
import json
import logging
import math
import random
import statistics
import time
import zoneinfo
from collections import deque
from collections.abc import Callable, Iterator, Sequence
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
from ..answers import answer_rows, clean_answers, score
from ..enums import (
    BEHAVIOURAL_MEASUREMENT,
    ApiScope,
    AuditAction,
    Channel,
    CollectionMethod,
    EventSource,
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
from ..services import (
    api_key_create,
    api_key_revoke,
    definition_import,
    membership_set,
    notice_current_version,
    notice_publish,
    notice_save,
    organization_create,
    survey_publish,
    version_question_ids,
    version_spec,
)
from ..services.consent import notice_text_hash
from ..spec import OTHER, VersionSpec

SEED = 20261129
DEFAULT_RESPONSES = 2000
QUIZ_SHARE = 0.15  # quiz responses per survey response, unless given
RUSHERS = 0.03  # share of respondents who click through in a fifth of the usual time
DAYS = 90
# Weak correlation of the latent "stated concern" and "enacted protection";
# replaced by the one measured in the calibration data set when it is present.
DEFAULT_LATENT_R = 0.15

DEMO_DIR = Path(__file__).resolve().parent
DATASET_NAME = "privacy_calc_exp.csv"

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
# Local hour of day (organization time zone) → relative weight.
HOUR_WEIGHTS = (
    (0, 0.3),
    (1, 0.15),
    (2, 0.1),
    (3, 0.05),
    (4, 0.05),
    (5, 0.1),
    (6, 0.4),
    (7, 0.9),
    (8, 1.3),
    (9, 1.2),
    (10, 1.0),
    (11, 1.0),
    (12, 1.4),
    (13, 1.3),
    (14, 0.9),
    (15, 0.9),
    (16, 1.0),
    (17, 1.1),
    (18, 1.2),
    (19, 1.6),
    (20, 1.8),
    (21, 1.6),
    (22, 1.0),
    (23, 0.6),
)

SWITCHED_WHY = {
    "en": [
        "They sold my data to advertisers.",
        "A data breach, and they told us weeks later.",
        "The new terms let them share my location.",
        "Too many marketing emails after I said no.",
        "A competitor explained clearly what they keep.",
    ],
    "zh-Hant": [
        "他們把我的資料賣給廣告商。",
        "發生資料外洩，幾週後才通知我們。",
        "新條款允許他們分享我的位置。",
        "我拒絕後仍收到太多行銷郵件。",
        "另一家公司清楚說明了他們保存哪些資料。",
    ],
}
IMPROVE = {
    "en": [
        "Tell me what you keep and for how long.",
        "Make it easy to delete my account.",
        "Stop sharing data with partners.",
        "Shorter privacy notices in plain language.",
        "Ask before using my data for ads.",
        "Let me download my data.",
    ],
    "zh-Hant": [
        "告訴我你們保存什麼、保存多久。",
        "讓刪除帳號更容易。",
        "停止與合作夥伴分享資料。",
        "用淺白的語言寫更短的隱私權聲明。",
        "在用我的資料投放廣告前先問我。",
        "讓我能下載自己的資料。",
    ],
}
OTHER_ACTIONS = {
    "en": ["Used a VPN", "Turned off location history", "Used a privacy-friendly browser"],
    "zh-Hant": ["使用 VPN", "關閉位置紀錄", "使用注重隱私的瀏覽器"],
}

_NORMAL = statistics.NormalDist()


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
class Calibration:
    """How the synthetic stated/enacted relationship was set."""

    latent_r: float
    source: str
    # Empirical distribution (sorted) of words posted in a week, or None.
    words: tuple[int, ...] | None = None
    rows: int = 0
    spearman: float | None = None


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


# Calibration ---------------------------------------------------------------


def default_dataset_path() -> Path:
    """`../shared/datasets/privacy_calc_exp.csv`, beside the repository (may be absent)."""
    return Path(settings.BASE_DIR).parent / "shared" / "datasets" / DATASET_NAME


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def load_calibration(path: Path | None) -> Calibration:
    """Calibrate from the privacy-calculus field experiment when its CSV is present.

    Stated concern is the mean of PC01_01…PC01_07 (item 3 reversed on its
    7-point scale); enacted protection is the negative of the words a person
    actually posted during the study week. Their Spearman correlation becomes
    the latent Pearson correlation through the Gaussian-copula relation
    r = 2·sin(π·ρ/6); the words column gives the distribution of
    `content_posted_words`. Without the file: r = DEFAULT_LATENT_R.
    """
    fallback = Calibration(latent_r=DEFAULT_LATENT_R, source="built-in default")
    if path is None or not path.is_file():
        return fallback
    concern: list[float] = []
    words: list[float] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                try:
                    items = [float(row[f"PC01_0{i}"]) for i in range(1, 8)]
                    posted = float(row["words"])
                except (KeyError, TypeError, ValueError):
                    continue  # NA or a missing column: leave the row out
                items[2] = 8 - items[2]
                concern.append(sum(items) / len(items))
                words.append(posted)
    except (OSError, UnicodeDecodeError, csv.Error):
        return fallback
    if len(concern) < 30 or len(set(words)) < 2 or len(set(concern)) < 2:
        return fallback
    rho = statistics.correlation(_ranks(concern), _ranks([-w for w in words]))
    r = 2 * math.sin(math.pi * rho / 6)
    r = max(-0.3, min(0.6, r))
    return Calibration(
        latent_r=r,
        source=f"{path.name} (n={len(concern)})",
        words=tuple(sorted(int(w) for w in words)),
        rows=len(concern),
        spearman=rho,
    )


# The synthetic population --------------------------------------------------


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _point(x: float, lo: int = 1, hi: int = 5) -> int:
    return max(lo, min(hi, int(round(x))))


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    values = [v for v, _ in weighted]
    weights = [w for _, w in weighted]
    return rng.choices(values, weights=weights, k=1)[0]


@dataclass(frozen=True, kw_only=True)
class Person:
    """One synthetic respondent: latent traits, standard normal each."""

    concern: float  # stated privacy concern
    protection: float  # enacted protection (what they do)
    knowledge: float  # privacy knowledge (quiz)


def person_draw(rng: random.Random, r: float) -> Person:
    concern = rng.gauss(0, 1)
    protection = r * concern + math.sqrt(1 - r * r) * rng.gauss(0, 1)
    knowledge = 0.3 * concern + math.sqrt(1 - 0.09) * rng.gauss(0, 1)
    return Person(concern=concern, protection=protection, knowledge=knowledge)


def comfort_answers(rng: random.Random, p: Person, locale: str) -> list[dict[str, Any]]:
    """A complete privacy-comfort response (API shape) that follows the survey's logic."""
    c, e = p.concern, p.protection
    reads = _point(3.3 + 0.75 * c + 0.25 * e + rng.gauss(0, 0.8))
    trust = _point(3.3 - 0.35 * c + rng.gauss(0, 0.9))
    answers: list[dict[str, Any]] = [
        {
            "question": "concern",
            "value": {
                "worry": _point(3.85 + 0.85 * c + rng.gauss(0, 0.5)),
                "control": _point(4.1 + 0.7 * c + rng.gauss(0, 0.5)),
                "no_concern": _point(2.3 - 0.8 * c + rng.gauss(0, 0.6)),
                "reads_terms": reads,
            },
        },
        {"question": "trust_brand", "value": trust},
    ]
    habit = reads + rng.gauss(0, 0.7)
    if habit >= 4.6:
        reading = "always"
    elif habit >= 3.5:
        reading = "often"
    elif habit >= 2.3:
        reading = "sometimes"
    else:
        reading = "never"
    answers.append({"question": "policy_reading", "value": reading})
    # Stated protective actions follow stated concern more than actual habits.
    actions = [
        code
        for code, x in (
            ("ad_blocker", -0.5 + 0.5 * c + 0.6 * e),
            ("deleted_account", -1.3 + 0.5 * c + 0.3 * e),
            ("switched", -2.0 + 0.5 * c + 0.3 * e),
        )
        if rng.random() < _sigmoid(x)
    ]
    other = ""
    if rng.random() < 0.03:
        actions.append(OTHER)
        other = rng.choice(OTHER_ACTIONS[locale])
    if not actions and rng.random() < 0.85:
        actions = ["none"]
    if actions:
        item: dict[str, Any] = {"question": "protective_actions", "value": actions}
        if other:
            item["other"] = other
        answers.append(item)
    if "switched" in actions and rng.random() < 0.8:
        answers.append({"question": "switched_why", "value": rng.choice(SWITCHED_WHY[locale])})
    nps = _point(6.3 + 1.3 * (trust - 3) + rng.gauss(0, 1.8), 0, 10)
    answers.append({"question": "nps", "value": nps})
    attention = "blue" if rng.random() < 0.96 else rng.choice(["red", "green"])
    answers.append({"question": "attention", "value": attention})
    if nps < 9 and rng.random() < 0.45:  # the "improve" section is skipped when nps ≥ 9
        answers.append({"question": "improve_text", "value": rng.choice(IMPROVE[locale])})
    if rng.random() < 0.93:
        band = _pick(rng, (("a18_29", 0.27), ("a30_44", 0.3), ("a45_59", 0.25), ("a60", 0.18)))
        answers.append({"question": "age_band", "value": band})
    if rng.random() < 0.8:
        wants = rng.random() < _sigmoid(-0.3 - 0.5 * e)
        answers.append({"question": "shared_newsletter", "value": wants})
    return answers


def quiz_answers(rng: random.Random, p: Person, locale: str) -> list[dict[str, Any]]:
    """A complete privacy-quiz response (API shape); better scores with more knowledge."""
    k = p.knowledge
    pii_options = (
        (["email", "ip"], _sigmoid(0.0 + 0.9 * k)),
        (["email"], 0.45),
        (["ip"], 0.08),
        (["email", "ip", "weather"], 0.12),
    )
    correct = rng.random() < pii_options[0][1]
    pii = pii_options[0][0] if correct else _pick(rng, [(v, w) for v, w in pii_options[1:]])
    access = "yes" if rng.random() < _sigmoid(0.9 + 0.8 * k) else rng.choice(["fee", "no"])
    cookies = "yes" if rng.random() < _sigmoid(0.2 + 0.8 * k) else "no"
    if rng.random() < _sigmoid(0.6 + 0.9 * k):
        password = "mfa"
    else:
        password = _pick(rng, (("long", 0.7), ("same", 0.3)))
    return [
        {"question": "q_access", "value": access},
        {"question": "q_cookies", "value": cookies},
        {"question": "q_pii", "value": pii},
        {"question": "q_password", "value": password},
    ]


def _words(calibration: Calibration, protection: float, rng: random.Random) -> int:
    """Words posted in a week: few for the protective (quantile at Φ(−protection))."""
    u = _NORMAL.cdf(-protection)
    if calibration.words:
        data = calibration.words
        return data[min(len(data) - 1, int(u * len(data)))]
    if u < 0.55:
        return 0
    return int(math.exp(3.2 + 1.3 * _NORMAL.inv_cdf(min(0.999, (u - 0.55) / 0.45))))


@dataclass(frozen=True, kw_only=True)
class Event:
    kind: str
    value: Any
    source: str
    at: datetime
    key: str  # idempotency id (unique per organization)
    linked: bool  # attached to the response (captured in the survey flow)


def consent_purposes(rng: random.Random, p: Person, purpose_ids: Sequence[str]) -> list[str]:
    """What a person grants on the consent screen: optional purposes, mostly yes."""
    e = p.protection
    chance = {
        BEHAVIOURAL_MEASUREMENT: _sigmoid(1.7 - 0.5 * e),
        "marketing": _sigmoid(0.3 - 0.8 * e),
    }
    granted = []
    for pid in purpose_ids:
        if pid not in chance or rng.random() < chance[pid]:
            granted.append(pid)
    return granted


def consent_screen(rng: random.Random, p: Person) -> tuple[bool, int]:
    """Whether the full notice was opened, and the milliseconds spent on the screen."""
    e = p.protection
    opened = rng.random() < _sigmoid(-1.6 + 0.9 * e)
    if opened:
        return True, int(rng.lognormvariate(math.log(9000) + 0.4 * e, 0.7))
    return False, int(rng.lognormvariate(math.log(1200), 0.6))


def behaviour_events(
    rng: random.Random,
    p: Person,
    *,
    response_id: str,
    ref: str,
    screen: tuple[bool, int],
    granted: Sequence[str],
    optional: Sequence[str],
    consent_at: datetime,
    submitted: datetime,
    now: datetime,
    calibration: Calibration,
    disclosure: dict[str, bool],
    brand_channels: bool,
) -> list[Event]:
    """What one person did, recorded only with consent to behavioural measurement.

    The consent step and disclosure events have the shapes (kinds, values,
    idempotency ids) that `response_start`/`response_submit` write; the
    brand's own channels (``api``) add the later ones.
    """
    if BEHAVIOURAL_MEASUREMENT not in granted:
        return []
    e = p.protection
    opened, dwell = screen
    events: list[Event] = []

    def in_survey(kind: str, value: Any, suffix: str = "", at: datetime = consent_at) -> None:
        key = f"{response_id}:{kind}:{suffix}"
        events.append(
            Event(kind=kind, value=value, source=EventSource.IN_SURVEY, at=at, key=key, linked=True)
        )

    in_survey("notice_opened", opened)
    if not opened:
        in_survey("terms_accepted_unread", True)
    in_survey("notice_dwell_ms", dwell)
    for purpose in optional:
        if purpose in granted:
            in_survey("optional_purpose_granted", purpose, purpose)
    for code, answered in disclosure.items():
        in_survey("optional_field_disclosed", code if answered else "", code, submitted)
    if not brand_channels:
        return events

    def later(kind: str, value: Any) -> None:
        when = submitted + timedelta(hours=rng.uniform(2, 24 * 21))
        if when >= now:
            when = now - timedelta(minutes=rng.uniform(5, 600))
        when = max(when, submitted)
        key = f"demo:{ref}:{kind}"
        events.append(
            Event(kind=kind, value=value, source=EventSource.API, at=when, key=key, linked=False)
        )

    later("ad_blocker_detected", rng.random() < _sigmoid(-1.5 + 0.9 * e))
    if rng.random() < _sigmoid(-2.2 + 0.9 * e):
        later("marketing_opt_out", True)
    if rng.random() < _sigmoid(-3.5 + 0.9 * e):
        later("data_access_request", True)
    if rng.random() < _sigmoid(-4.0 + 0.8 * e):
        later("account_deleted", True)
    later("content_posted_words", _words(calibration, e, rng))
    return events


def _moments(rng: random.Random, n: int, now: datetime, tz: zoneinfo.ZoneInfo) -> list[datetime]:
    """`n` submission times over the last DAYS days: growing, quieter at weekends and nights."""
    today = now.astimezone(tz).date()
    days = []
    for d in range(DAYS):
        day = today - timedelta(days=d)
        weight = (1 + 0.6 * (1 - d / DAYS)) * (0.75 if day.weekday() >= 5 else 1.0)
        days.append((day, weight))
    out = []
    for _ in range(n):
        day = _pick(rng, days)
        hour = _pick(rng, HOUR_WEIGHTS)
        local = datetime(
            day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=tz
        )
        moment = local.astimezone(UTC)
        if moment >= now:
            moment -= timedelta(days=1)
        out.append(moment)
    return sorted(out)


# Writing -------------------------------------------------------------------

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
    moments = _moments(rng, count, now, tz)
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
        locale = _pick(rng, LOCALES)
        channel = _pick(rng, CHANNELS)
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
                made = len(generated.responses)
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
