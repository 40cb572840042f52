"""Data-subject rights: the portal token, access and portability, withdrawal,
erasure, and the retention purge.

Withdrawal of a required purpose (or of everything) erases the respondent:
every row about them goes and a tombstone keeps only the receipt ids, the
time and the portal token hash. Withdrawal of optional purposes erases the
answers and behaviour events those purposes cover. Either way the
`respondent_erased` signal tells the aggregation side after commit.
"""

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from surveys import signals
from trustpulse.validation import FieldError, ServiceValidationError

from ...behaviour import BUILTIN_KINDS
from ...enums import AuditAction, RetentionAction
from ...integrations import outbox
from ...models import (
    Answer,
    AuditEvent,
    BehaviourEvent,
    ConsentRecord,
    Organization,
    Respondent,
    Response,
    Tombstone,
)
from ...services.audit import audit_log
from ...tokens import token_hash
from .consent import consent_receipt


def portal_token_issue(*, respondent: Respondent) -> str:
    """A new portal token (192 random bits) for the respondent; only its hash is kept."""
    token = secrets.token_urlsafe(24)
    Respondent.objects.filter(pk=respondent.pk).update(portal_token_hash=token_hash(token))
    respondent.portal_token_hash = token_hash(token)
    return token


def kind_purpose(kind: str) -> str:
    spec = BUILTIN_KINDS.get(kind)
    return spec.purpose if spec else "behavioural_measurement"


def _purpose_of_answers(purposes: Iterable[str]) -> Q:
    return Q(question__purpose__in=list(purposes))


def _events_of(organization: Organization, purposes: Iterable[str]) -> list[str]:
    """The behaviour kinds (built-in and the organization's own) under `purposes`."""
    from ...selectors.behaviour import kinds_for

    wanted = set(purposes)
    return [code for code, k in kinds_for(organization).items() if k.purpose in wanted]


def respondent_data(*, respondent: Respondent) -> dict[str, Any]:
    """Everything held about a respondent (GDPR Art. 15 and 20), JSON-ready."""
    records = list(
        respondent.consent_records.select_related("notice_version__notice").order_by("given_at")
    )
    retention: dict[str, int] = {}
    for r in records:
        for p in r.notice_version.purposes:
            retention[p["id"]] = p["retention_days"]
    responses = []
    for resp in respondent.responses.select_related("survey").order_by("started_at"):
        answers = [
            {
                "question": a.question_code,
                "item": a.item or None,
                "choice": a.choice or None,
                "number": str(a.number) if a.number is not None else None,
                "text": a.text or None,
                "date": a.date.isoformat() if a.date else None,
                "boolean": a.boolean,
                "purpose": a.question.purpose or None,
            }
            for a in resp.answers.select_related("question").order_by("id")
        ]
        submitted = resp.submitted_at
        responses.append(
            {
                "survey": resp.survey.slug,
                "status": resp.status,
                "started_at": resp.started_at.isoformat(),
                "submitted_at": submitted.isoformat() if submitted else None,
                "locale": resp.locale,
                "channel": resp.channel,
                "answers": answers,
                "deleted_by": {
                    p: (submitted + dt.timedelta(days=d)).date().isoformat()
                    for p, d in retention.items()
                    if submitted
                },
            }
        )
    events = [
        {
            "kind": e.kind,
            "value": e.value,
            "occurred_at": e.occurred_at.isoformat(),
            "source": e.source,
            "purpose": kind_purpose(e.kind),
        }
        for e in respondent.behaviour_events.order_by("occurred_at", "id")
    ]
    receipt_ids = [str(r.receipt_id) for r in records]
    history = [
        {
            "action": a.action,
            "at": a.created_at.isoformat(),
            "by": a.actor_label or "staff",
            **({"reason": a.data["reason"]} if a.data.get("reason") else {}),
        }
        for a in AuditEvent.objects.filter(
            organization=respondent.organization, data__receipt_id__in=receipt_ids
        ).order_by("created_at", "id")
    ]
    return {
        "respondent_ref": respondent.respondent_ref,
        "organization": respondent.organization.name,
        "consents": [consent_receipt(r) for r in records],
        "responses": responses,
        "behaviour_events": events,
        "history": history,
    }


def _audit(respondent: Respondent, action: AuditAction, data: dict[str, Any]) -> None:
    audit_log(
        organization=respondent.organization, action=action, actor_label="respondent", data=data
    )


def portal_viewed(*, respondent: Respondent, downloaded: bool = False) -> None:
    receipt = respondent.consent_records.values_list("receipt_id", flat=True).first()
    _audit(
        respondent,
        AuditAction.DATA_DOWNLOADED if downloaded else AuditAction.PORTAL_VIEWED,
        {"receipt_id": str(receipt) if receipt else None},
    )
    if downloaded:
        outbox.data_request_event(respondent=respondent, kind="access")


@dataclass(frozen=True, kw_only=True)
class WithdrawalResult:
    erased_everything: bool
    purposes: list[str]
    answers_deleted: int = 0
    events_deleted: int = 0
    tombstone: Tombstone | None = None
    receipt_ids: list[str] = field(default_factory=list)


def _buckets(responses: Any) -> list[list[Any]]:
    """[version id, submitted_at ISO] of submitted responses: what rollups counted."""
    return [
        [version_id, submitted.isoformat()]
        for version_id, submitted in responses.filter(submitted_at__isnull=False).values_list(
            "version_id", "submitted_at"
        )
    ]


def _erase(respondent: Respondent, reason: str, now: dt.datetime) -> WithdrawalResult:
    records = list(respondent.consent_records.all())
    receipt_ids = [str(r.receipt_id) for r in records]
    response_ids = [str(pk) for pk in respondent.responses.values_list("pk", flat=True)]
    buckets = _buckets(respondent.responses.all())
    answers = Answer.objects.filter(response__respondent=respondent).count()
    events = respondent.behaviour_events.count()
    tombstone = Tombstone.objects.create(
        organization=respondent.organization,
        receipt_ids=receipt_ids,
        portal_token_hash=respondent.portal_token_hash,
        withdrawn_at=now,
        reason=reason,
    )
    org_id, respondent_id = respondent.organization_id, str(respondent.pk)
    outbox.respondent_erased_event(
        respondent=respondent,
        receipt_ids=receipt_ids,
        response_ids=response_ids,
        reason=reason,
        at=now,
        tombstone=tombstone,
    )
    respondent.delete()  # cascades: responses, answers, behaviour events, consent records
    signals.send_after_commit(
        signals.respondent_erased,
        respondent_id=respondent_id,
        organization_id=org_id,
        response_ids=response_ids,
        purposes=None,
        buckets=buckets,
        reason=reason,
    )
    return WithdrawalResult(
        erased_everything=True,
        purposes=sorted({p for r in records for p in r.purposes_granted}),
        answers_deleted=answers,
        events_deleted=events,
        tombstone=tombstone,
        receipt_ids=receipt_ids,
    )


def _withdrawal_errors(purposes: list[str] | None, active: set[str]) -> list[FieldError]:
    """Why `purposes` cannot be withdrawn: none chosen, or one not currently granted."""
    if purposes is None:
        return []
    if not purposes:
        return [FieldError(field="purposes", code="required", message=gettext("Choose a purpose."))]
    not_active = sorted(set(purposes) - active)
    if not_active:
        return [
            FieldError(
                field="purposes",
                code="already_withdrawn",
                message="Not currently granted: " + ", ".join(not_active),
            )
        ]
    return []


@transaction.atomic
def consent_withdraw(
    *, respondent: Respondent, purposes: list[str] | None = None
) -> WithdrawalResult:
    """Withdraw consent to `purposes` (None: all of them) and erase what they cover."""
    respondent = Respondent.objects.select_for_update().get(pk=respondent.pk)
    records = list(respondent.consent_records.select_related("notice_version"))
    active = {p for r in records for p in r.active_purposes}
    required = {p for r in records for p in r.notice_version.required_ids}
    errors = _withdrawal_errors(purposes, active)
    if errors:
        raise ServiceValidationError(errors)
    now = timezone.now()
    if purposes is not None and not set(purposes) & required:
        return _withdraw_optional(respondent, records, purposes, now)
    outbox.consent_withdrawn_event(
        respondent=respondent,
        purposes=sorted(active),
        receipt_ids=[str(r.receipt_id) for r in records],
        erased=True,
        at=now,
    )
    result = _erase(respondent, "withdrawn", now)
    _audit(
        respondent,
        AuditAction.CONSENT_WITHDRAWN,
        {"receipt_ids": result.receipt_ids, "purposes": "all", "erased": True},
    )
    return result


def _withdraw_optional(
    respondent: Respondent, records: list[ConsentRecord], purposes: list[str], now: dt.datetime
) -> WithdrawalResult:
    """Withdraw optional purposes: erase the answers and events they cover, mark the records."""
    answers, _ = Answer.objects.filter(
        Q(response__respondent=respondent) & _purpose_of_answers(purposes)
    ).delete()
    events, _ = respondent.behaviour_events.filter(
        kind__in=_events_of(respondent.organization, purposes)
    ).delete()
    for r in records:
        touched = [p for p in purposes if p in r.active_purposes]
        if touched:
            r.purposes_withdrawn = {**r.purposes_withdrawn, **{p: now.isoformat() for p in touched}}
            r.save(update_fields=["purposes_withdrawn"])
    receipt_ids = [str(r.receipt_id) for r in records]
    _audit(
        respondent,
        AuditAction.CONSENT_WITHDRAWN,
        {
            # receipt_id: the respondent's history (respondent_data) finds it by this key.
            "receipt_id": receipt_ids[0] if receipt_ids else None,
            "receipt_ids": receipt_ids,
            "purposes": sorted(purposes),
            "erased": False,
        },
    )
    outbox.consent_withdrawn_event(
        respondent=respondent, purposes=purposes, receipt_ids=receipt_ids, erased=False, at=now
    )
    signals.send_after_commit(
        signals.respondent_erased,
        respondent_id=str(respondent.pk),
        organization_id=respondent.organization_id,
        response_ids=[str(pk) for pk in respondent.responses.values_list("pk", flat=True)],
        purposes=sorted(purposes),
        buckets=_buckets(respondent.responses.all()),
        reason="purposes_withdrawn",
    )
    return WithdrawalResult(
        erased_everything=False,
        purposes=sorted(purposes),
        answers_deleted=answers,
        events_deleted=events,
        receipt_ids=receipt_ids,
    )


@transaction.atomic
def respondent_erase(*, respondent: Respondent) -> WithdrawalResult:
    """Delete everything about a respondent (GDPR Art. 17), keeping a tombstone."""
    respondent = Respondent.objects.select_for_update().get(pk=respondent.pk)
    result = _erase(respondent, "erased", timezone.now())
    _audit(respondent, AuditAction.DATA_DELETED, {"receipt_ids": result.receipt_ids})
    return result


@dataclass(frozen=True, kw_only=True)
class PurgeItem:
    organization: str
    receipt_id: str
    purposes: list[str]
    whole_response: bool
    answers: int
    events: int


def _expired(record: ConsentRecord, submitted: dt.datetime, now: dt.datetime) -> list[str]:
    out = []
    for p in record.notice_version.purposes:
        pid = p["id"]
        if (
            pid in record.active_purposes
            and submitted + dt.timedelta(days=p["retention_days"]) <= now
        ):
            out.append(pid)
    return out


def purge_expired(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[PurgeItem]:
    """Delete (or anonymize, per organization) data whose retention period has passed.

    Each purpose's period runs from the response's submission. When a required
    purpose expires the whole response goes (or, with the anonymize setting,
    loses its free text, its behaviour events and every link to the person).
    """
    now = now or timezone.now()
    items: list[PurgeItem] = []
    records = (
        ConsentRecord.objects.select_related(
            "notice_version", "response", "respondent__organization"
        )
        .filter(response__submitted_at__isnull=False)
        .order_by("pk")
    )
    for record in records.iterator(chunk_size=500):
        if not dry_run and not ConsentRecord.objects.filter(pk=record.pk).exists():
            continue  # erased with an earlier record of the same respondent
        response = record.response
        assert response is not None and response.submitted_at is not None
        expired = _expired(record, response.submitted_at, now)
        if not expired:
            continue
        required = set(record.notice_version.required_ids)
        whole = bool(set(expired) & required)
        org = record.respondent.organization
        answers_q = Answer.objects.filter(response=response)
        events_q = BehaviourEvent.objects.filter(respondent=record.respondent)
        if not whole:
            answers_q = answers_q.filter(_purpose_of_answers(expired))
            events_q = events_q.filter(kind__in=_events_of(org, expired))
        anonymize = whole and org.retention_action == RetentionAction.ANONYMIZE
        if anonymize:
            answers_q = answers_q.exclude(text="")
        item = PurgeItem(
            organization=org.slug,
            receipt_id=str(record.receipt_id),
            purposes=expired,
            whole_response=whole,
            answers=answers_q.count(),
            events=events_q.count(),
        )
        items.append(item)
        if dry_run:
            continue
        _purge_one(record, expired, whole, anonymize, answers_q, events_q, now)
    return items


@transaction.atomic
def _purge_one(record, expired, whole, anonymize, answers_q, events_q, now):  # type: ignore[no-untyped-def]
    respondent = record.respondent
    org = respondent.organization
    response_ids = [str(record.response_id)]
    if whole and not anonymize:
        if respondent.responses.count() <= 1:
            _erase(respondent, "expired", now)
        else:
            gone = Response.objects.filter(pk=record.response_id)
            signals.send_after_commit(
                signals.respondent_erased,
                respondent_id=str(respondent.pk),
                organization_id=org.pk,
                response_ids=response_ids,
                purposes=expired,
                buckets=_buckets(gone),
                reason="expired",
            )
            gone.delete()
    else:
        answers_q.delete()
        events_q.delete()
        if anonymize:
            Respondent.objects.filter(pk=respondent.pk).update(
                external_id_hmac=None, portal_token_hash=None
            )
        record.purposes_expired = {
            **record.purposes_expired,
            **{p: now.isoformat() for p in expired},
        }
        record.save(update_fields=["purposes_expired"])
        signals.send_after_commit(
            signals.respondent_erased,
            respondent_id=str(respondent.pk),
            organization_id=org.pk,
            response_ids=response_ids,
            purposes=expired,
            buckets=_buckets(Response.objects.filter(pk=record.response_id)),
            reason="expired",
        )
    audit_log(
        organization=org,
        action=AuditAction.RETENTION_PURGED,
        actor_label="retention",
        data={"receipt_id": str(record.receipt_id), "purposes": expired, "anonymized": anonymize},
    )


__all__ = [
    "PurgeItem",
    "WithdrawalResult",
    "consent_withdraw",
    "portal_token_issue",
    "portal_viewed",
    "purge_expired",
    "respondent_data",
    "respondent_erase",
]
