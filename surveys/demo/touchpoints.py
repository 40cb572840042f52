"""Demo touchpoints: a follow-up on the privacy-comfort survey, its holdout, and
later responses of the same people, so the dashboards' holdout panel has figures.

The follow-up (purpose ``marketing``, the demo notice's optional messaging
purpose) has run over the last three complete months and still runs (a new
respondent who grants the purpose is asked for an email on the thank-you
page); its code pool covered everyone it reached, with some codes left over.
Eligible respondents are split by the real draw (``holdout_percent`` 20 here,
so each month's held-out group passes the minimum cell). Three in five of
everyone eligible answer again 10 to 40 days later; the synthetic model builds
in a small effect (touched people answer the trust item one step higher a
little more often, and withdraw the purpose a little more often: messages also
annoy). Real data may show no
effect at all: that is what the holdout is for.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..answers import answer_rows, clean_answers, values_from_rows
from ..enums import AuditAction, DeliveryGroup, FollowUpStatus, ResponseStatus
from ..models import (
    Answer,
    AuditEvent,
    ConsentRecord,
    FollowUp,
    FollowUpDelivery,
    Response,
    RewardCode,
    Survey,
)
from ..quality import quality_flags
from ..selectors import version_question_ids, version_spec
from ..touchpoints.holdout import held_out

SEED = 20261130  # its own stream, beside the demo's
PURPOSE = "marketing"
NAME = "Thank-you tips for trusting readers"
HOLDOUT_PERCENT = 20
SPARE_CODES = 150  # left in the pool when it was switched off: every touched person got one
MONTHS = 3
LATER_SHARE = 0.6
WITHDRAW = {DeliveryGroup.TOUCHED: 0.14, DeliveryGroup.HOLDOUT: 0.11}
LIFT = {DeliveryGroup.TOUCHED: 0.30, DeliveryGroup.HOLDOUT: 0.10}  # chance of one step up
CONTENT = {
    "subject": {"en": "Five privacy tips, as promised", "zh-Hant": "五個隱私小技巧，如您所願"},
    "body": {
        "en": "Thank you for telling us how you feel about your data. Here are five tips.",
        "zh-Hant": "謝謝您告訴我們您對個人資料的感受。以下是五個小技巧。",
    },
}


def _month_start(moment: datetime, months_back: int) -> datetime:
    year, month = moment.year, moment.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return moment.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def _stepped(codes: list[str], value: Any, rng: random.Random, lift: float) -> Any:
    if value in codes and rng.random() < lift:
        return codes[min(codes.index(value) + 1, len(codes) - 1)]
    return value


@dataclass(kw_only=True)
class _Batch:
    follow_up: FollowUp
    spec: Any
    ids: dict[str, int]
    codes: list[str]
    marketing: set[str]
    deliveries: list[FollowUpDelivery] = field(default_factory=list)
    audits: list[AuditEvent] = field(default_factory=list)
    later: list[tuple[Response, datetime]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    consents: list[ConsentRecord] = field(default_factory=list)
    withdrawn: list[Any] = field(default_factory=list)  # first responses whose purpose went


def _follow_up(survey: Survey) -> FollowUp:
    follow_up = FollowUp.objects.create(
        survey=survey,
        name=NAME,
        purpose=PURPOSE,
        condition={"question": "trust_brand", "op": "answered"},
        reward_kind="code",
        holdout_percent=HOLDOUT_PERCENT,
        active=True,  # running since three months ago: a new respondent meets it too
        **CONTENT,
    )
    return follow_up


def _eligible(
    survey: Survey, now: datetime, tz: Any
) -> tuple[list[ConsentRecord], dict[Any, list[dict[str, Any]]]]:
    """Consents granting the purpose, of responses in the last complete months, and their rows."""
    local_now = now.astimezone(tz)
    start, end = _month_start(local_now, MONTHS), _month_start(local_now, 0)
    records = [
        r  # JSON "contains" is PostgreSQL-only; the demo also seeds SQLite
        for r in ConsentRecord.objects.filter(
            response__survey=survey,
            response__submitted_at__gte=start,
            response__submitted_at__lt=end,
        )
        .select_related("response", "respondent", "notice_version")
        .order_by("response__submitted_at")
        if PURPOSE in r.purposes_granted
    ]
    rows: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in Answer.objects.filter(response__in=[r.response_id for r in records]).values(
        "response_id", "question_code", "item", "choice", "number", "text", "date", "boolean"
    ):
        rows[row["response_id"]].append(row)
    return records, rows


def _deliver(b: _Batch, rng: random.Random, record: ConsentRecord, now: datetime) -> Any:
    """The delivery (or holdout) of one eligible person; the time they withdrew, if they did."""
    first = record.response
    assert first is not None and first.submitted_at is not None
    ref = record.respondent.respondent_ref
    held = held_out(secret=b.follow_up.secret, respondent_ref=ref, percent=HOLDOUT_PERCENT)
    group = DeliveryGroup.HOLDOUT if held else DeliveryGroup.TOUCHED
    sent = first.submitted_at + timedelta(minutes=rng.randrange(2, 30))
    withdrawn = None
    if rng.random() < WITHDRAW[group]:
        withdrawn = min(sent + timedelta(days=rng.uniform(1, 30)), now - timedelta(hours=1))
        record.purposes_withdrawn = {PURPOSE: withdrawn.isoformat()}
        b.withdrawn.append(first.pk)
    b.deliveries.append(
        FollowUpDelivery(
            follow_up=b.follow_up,
            response=first,
            respondent_key=record.respondent_id,
            group=group,
            status=FollowUpStatus.HOLDOUT if held else FollowUpStatus.SENT,
            locale=first.locale,
            reason={"purpose": PURPOSE, "agreed_on": record.given_at.date().isoformat()},
            sent_at=None if held else sent,
            withdrawn_at=withdrawn,
        )
    )
    if not held:
        b.audits.append(
            AuditEvent(
                organization=b.follow_up.survey.organization,
                actor_label="system",
                action=AuditAction.FOLLOW_UP_SENT,
                target_type="followup",
                target_id=str(b.follow_up.pk),
                data={
                    "respondent_id": str(record.respondent_id),
                    "purpose": PURPOSE,
                    "reward": "code",
                    "reward_issued": True,
                },
            )
        )
    return group, withdrawn


def _answer_again(
    b: _Batch,
    rng: random.Random,
    record: ConsentRecord,
    rows: list[dict[str, Any]],
    group: str,
    withdrawn: Any,
    again: datetime,
) -> None:
    """A later response of the same person: their answers, the trust item maybe a step up."""
    first = record.response
    assert first is not None
    values, other = values_from_rows(b.spec, rows)
    if "trust_brand" in values:
        values["trust_brand"] = _stepped(b.codes, values["trust_brand"], rng, LIFT[group])
    if withdrawn is not None:
        values = {k: v for k, v in values.items() if k not in b.marketing}
    cleaned = clean_answers(b.spec, values, other)
    if not cleaned.ok:
        return
    response = Response(
        respondent=record.respondent,
        survey=first.survey,
        version=first.version,
        status=ResponseStatus.COMPLETE,
        locale=first.locale,
        channel=first.channel,
        submitted_at=again,
        section_path=cleaned.path,
        quality_flags=quality_flags(b.spec, cleaned.values),
    )
    b.later.append((response, again - timedelta(minutes=rng.uniform(2, 6))))
    for code, value in cleaned.values.items():
        q = b.spec.question(code)
        assert q is not None
        for row in answer_rows(q, value, cleaned.other.get(code, "")):
            b.answers.append(
                Answer(response=response, question_id=b.ids[code], question_code=code, **row)
            )
    granted = [p for p in record.purposes_granted if not (withdrawn and p == PURPOSE)]
    b.consents.append(
        ConsentRecord(
            respondent=record.respondent,
            response=response,
            notice_version=record.notice_version,
            text_hash=record.text_hash,
            locale=record.locale,
            purposes_granted=granted,
            collection_method=record.collection_method,
            given_at=again - timedelta(minutes=8),
        )
    )


def _write_deliveries(b: _Batch, records: list[ConsentRecord], now: datetime) -> None:
    # The withdrawal cascade of the demo's withdrawals: their marketing answers go.
    Answer.objects.filter(response__in=b.withdrawn, question_code__in=b.marketing).delete()
    ConsentRecord.objects.bulk_update(
        [r for r in records if r.purposes_withdrawn], ["purposes_withdrawn"], batch_size=500
    )
    FollowUpDelivery.objects.bulk_create(b.deliveries, batch_size=1000)
    for d in b.deliveries:  # created_at is set to "now" by bulk_create
        d.created_at = d.sent_at or (d.response.submitted_at if d.response else now)
    FollowUpDelivery.objects.bulk_update(b.deliveries, ["created_at"], batch_size=1000)
    touched = [d for d in b.deliveries if d.group == DeliveryGroup.TOUCHED]
    # The pool the author uploaded: enough for everyone touched, some left over
    # (its own random stream, so the rest of the demo does not depend on its size).
    codes = random.Random(SEED + 1)
    RewardCode.objects.bulk_create(
        [
            RewardCode(follow_up=b.follow_up, code=f"TIPS-{codes.getrandbits(40):010X}")
            for _ in range(len(touched) + SPARE_CODES)
        ],
        batch_size=1000,
    )
    free = list(RewardCode.objects.filter(follow_up=b.follow_up).order_by("pk")[: len(touched)])
    for code, d in zip(free, touched, strict=True):
        code.issued_at = d.sent_at
        d.reward_code = code
    RewardCode.objects.bulk_update(free, ["issued_at"], batch_size=1000)
    FollowUpDelivery.objects.bulk_update(touched, ["reward_code"], batch_size=1000)
    AuditEvent.objects.bulk_create(b.audits, batch_size=1000)


def _write_later(b: _Batch, organization: Any) -> None:
    Response.objects.bulk_create([r for r, _ in b.later], batch_size=1000)
    for response, started in b.later:
        response.started_at = started
        response.updated_at = response.submitted_at
    Response.objects.bulk_update(
        [r for r, _ in b.later], ["started_at", "updated_at"], batch_size=500
    )
    Answer.objects.bulk_create(b.answers, batch_size=2000)
    ConsentRecord.objects.bulk_create(b.consents, batch_size=1000)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                organization=organization,
                actor_label="respondent",
                action=AuditAction.CONSENT_GIVEN,
                target_type="consentrecord",
                target_id=str(c.pk),
                data={
                    "receipt_id": str(c.receipt_id),
                    "purposes": c.purposes_granted,
                    "notice_version": c.notice_version.number,
                },
            )
            for c in b.consents
        ],
        batch_size=1000,
    )


def seed_touchpoints(*, rng: random.Random, survey: Survey, now: datetime, tz: Any) -> int:
    """The demo follow-up and its deliveries and later responses; how many later responses."""
    version = survey.live_version
    if FollowUp.objects.filter(survey=survey, name=NAME).exists() or version is None:
        return 0
    spec = version_spec(version)
    trust = spec.question("trust_brand")
    b = _Batch(
        follow_up=_follow_up(survey),
        spec=spec,
        ids=version_question_ids(version),
        codes=[c.code for c in sorted(trust.choices, key=lambda c: c.value or 0)] if trust else [],
        marketing={q.code for q in spec.questions if q.purpose == PURPOSE},
    )
    records, rows = _eligible(survey, now, tz)
    for record in records:
        group, withdrawn = _deliver(b, rng, record, now)
        assert record.response is not None and record.response.submitted_at is not None
        again = record.response.submitted_at + timedelta(days=rng.uniform(10, 40))
        if rng.random() < LATER_SHARE and again < now:
            _answer_again(b, rng, record, rows[record.response_id], group, withdrawn, again)
    _write_deliveries(b, records, now)
    _write_later(b, survey.organization)
    return len(b.later)


def demo_touchpoints(survey: Survey, now: datetime) -> int:
    """`seed_touchpoints` on its own random stream (the rest of the demo stays the same)."""
    import zoneinfo

    tz = zoneinfo.ZoneInfo(survey.organization.timezone)
    return seed_touchpoints(rng=random.Random(SEED), survey=survey, now=now, tz=tz)
