"""Demo data for `manage.py seed_demo`: an organization, its people, two live surveys,
synthetic responses and behaviour events with a visible privacy paradox.

Everything is get-or-create keyed by slugs, usernames and the API key's name,
so seeding twice creates nothing new (setup.py). Responses are generated only
for a demo survey that has none yet (generate.py: finished by the same
`response_finish` as real responses, written in bulk). The synthetic
population model is described in the docstring of
`surveys/management/commands/seed_demo.py`.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .. import signals
from ..accounts.services.accounts import organization_create
from ..consent.selectors import notice_current_version
from ..consent.services.consent import notice_text_hash
from ..enums import ResponseStatus
from ..models import ApiKey, ConsentNoticeVersion, Organization, Survey, User
from ..selectors import version_spec
from .generate import LOCALES, Generated, Notice, SeedError, generate
from .population import (
    Calibration,
    comfort_answers,
    default_dataset_path,
    load_calibration,
    quiz_answers,
)
from .setup import (
    DEMO_USERS,
    Login,
    ensure_api_key,
    ensure_notice,
    ensure_survey,
    ensure_users,
)
from .touchpoints import demo_touchpoints

__all__ = ["DEFAULT_RESPONSES", "SeedError", "SeedResult", "load_calibration", "seed_demo"]

SEED = 20261129


DEFAULT_RESPONSES = 2000


QUIZ_SHARE = 0.15  # quiz responses per survey response, unless given


ORG_NAME = "Acme Privacy Co."


ORG_SLUG = "acme-privacy"


ORG_TIMEZONE = "Europe/Amsterdam"


DEMO_SURVEYS = (("privacy_comfort", "privacy-comfort"), ("privacy_quiz", "privacy-quiz"))


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


@dataclass(frozen=True, kw_only=True)
class _Made:
    seed: SurveySeed
    events: int
    consents: int


def _seed_survey(
    organization: Organization,
    name: str,
    slug: str,
    author: User,
    *,
    rng: random.Random,
    count: int,
    calibration: Calibration,
    now: datetime,
) -> _Made:
    """Find or create one demo survey; generate its responses if it has none yet."""
    survey, created = ensure_survey(organization, name, slug, author)
    done = survey.responses.filter(status=ResponseStatus.COMPLETE)
    is_quiz = name == "privacy_quiz"
    made = events = consents = 0
    version = survey.live_version
    if version is not None and count > 0 and not done.exists():
        current = notice_current_version(survey.consent_notice)
        notice = None
        if current is not None:
            hashes = {loc: notice_text_hash(current, loc) for loc, _ in LOCALES}
            notice = Notice(version=current, hashes=hashes)
        generated = generate(
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
        events, consents = len(generated.events), generated.consents
        _announce(survey, generated)
    seed = SurveySeed(
        slug=survey.slug,
        kind=survey.kind,
        title=survey.title_for(survey.default_locale),
        status=survey.status,
        created=created,
        responses_created=made,
        responses_total=done.count(),
    )
    return _Made(seed=seed, events=events, consents=consents)


def _announce(survey: Survey, generated: Generated) -> None:
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
        logins, author = ensure_users(organization, password)
        admin = User.objects.get(username=DEMO_USERS[0].username)
        key, plaintext = ensure_api_key(organization, admin, new_api_key)
        notice_version = ensure_notice(organization, admin)
        made = [
            _seed_survey(
                organization,
                name,
                slug,
                author,
                rng=rng,
                count=quiz_responses if name == "privacy_quiz" else responses,
                calibration=calibration,
                now=now,
            )
            for name, slug in DEMO_SURVEYS
        ]
    return SeedResult(
        organization=organization,
        organization_created=org_created,
        logins=logins,
        surveys=[m.seed for m in made],
        api_key=key,
        api_key_plaintext=plaintext,
        events_created=sum(m.events for m in made),
        consents_created=sum(m.consents for m in made),
        notice=notice_version,
        calibration=calibration,
        seconds=time.perf_counter() - t0,
    )
