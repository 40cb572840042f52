"""Deliveries: which follow-ups a completed response triggers, the reward each
gets (a code issued at most once), and the email that says why it was sent.

Idempotent throughout: a delivery is unique per (follow-up, response), a code
belongs to one delivery, and a delivery is sent once (its row is locked and
its status checked in the transaction that sends it).
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from ... import logic
from ...consent.services.rights import consent_withdraw
from ...enums import AuditAction, DeliveryGroup, FollowUpStatus, ResponseStatus, RewardKind
from ...models import (
    BehaviourEvent,
    ConsentRecord,
    FollowUp,
    FollowUpDelivery,
    Respondent,
    Response,
    RewardCode,
)
from ...responses.selectors import response_values
from ...selectors import flow_cache, version_spec
from ...services.audit import audit_log
from ..crypto import decrypt
from ..holdout import held_out

UNSUBSCRIBE_SALT = "touchpoints.unsubscribe"


def absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def condition_context(response: Response) -> dict[str, Any]:
    """What a follow-up's condition reads: answers by question code, "$outcome"
    (the quiz outcome's number, from 1), "$score", and "event:<kind>" (the
    latest value of each behaviour event kind of the respondent; True when
    the event has no value)."""
    values, _other = response_values(response)
    ctx: dict[str, Any] = dict(values)
    if response.outcome_index is not None:
        ctx["$outcome"] = response.outcome_index + 1
    if response.score is not None:
        ctx["$score"] = response.score
    events = BehaviourEvent.objects.filter(respondent_id=response.respondent_id).order_by(
        "occurred_at", "pk"
    )
    for kind, value in events.values_list("kind", "value"):
        ctx[f"event:{kind}"] = True if value is None else value
    return ctx


def survey_follow_ups(survey_id: int) -> tuple[bool, bool]:
    """Whether the survey has follow-ups, and active ones (cached per process: `flow_cache`).

    A survey without them costs the thank-you page no follow-up query.
    """

    def load() -> tuple[bool, bool]:
        states = set(
            FollowUp.objects.filter(survey_id=survey_id).order_by().values_list("active", flat=True)
        )
        return bool(states), True in states

    return flow_cache.cached("follow_ups", survey_id, load)


def active_purposes(respondent_id: Any) -> set[str]:
    records = ConsentRecord.objects.filter(respondent_id=respondent_id)
    return {p for r in records for p in r.active_purposes}


def _number(value: Any) -> str:
    text = f"{value or 0:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _reason(response: Response, follow_up: FollowUp) -> dict[str, Any]:
    record = (
        ConsentRecord.objects.filter(respondent_id=response.respondent_id)
        .order_by("given_at")
        .first()
    )
    reason: dict[str, Any] = {"purpose": follow_up.purpose}
    if response.score is not None:
        reason["score"] = _number(response.score)
        reason["max_score"] = _number(response.max_score)
    if response.outcome_index is not None:
        reason["outcome"] = response.outcome_index
    if record is not None:
        reason["agreed_on"] = record.given_at.date().isoformat()
    return reason


def _delivery_for(response: Response, follow_up: FollowUp) -> tuple[FollowUpDelivery, bool]:
    """The delivery of `follow_up` for `response`, created once (True when new)."""
    existing = FollowUpDelivery.objects.filter(follow_up=follow_up, response=response).first()
    if existing is not None:
        return existing, False
    holdout = held_out(
        secret=follow_up.secret,
        respondent_ref=response.respondent.respondent_ref,
        percent=follow_up.holdout_percent,
    )
    if holdout:
        status = FollowUpStatus.HOLDOUT
    elif follow_up.has_message:
        status = FollowUpStatus.AWAITING_EMAIL
    else:
        status = FollowUpStatus.SHOWN
    try:
        with transaction.atomic():
            delivery = FollowUpDelivery.objects.create(
                follow_up=follow_up,
                response=response,
                respondent_key=response.respondent_id,
                group=DeliveryGroup.HOLDOUT if holdout else DeliveryGroup.TOUCHED,
                status=status,
                locale=response.locale,
                reason=_reason(response, follow_up),
            )
    except IntegrityError:  # a concurrent worker created it first
        return FollowUpDelivery.objects.get(follow_up=follow_up, response=response), False
    return delivery, True


def deliveries_prepare(
    *, response: Response, granted: set[str] | None = None
) -> list[FollowUpDelivery]:
    """The deliveries a completed response triggers (created once; idempotent).

    A follow-up applies when its purpose is granted and not withdrawn and its
    condition holds. A reward with no message is issued at once (the
    thank-you page shows it); a message waits for the respondent's email,
    and is sent at once when one is on file for its purpose. `granted`: the
    respondent's active purposes when the caller has read them already.
    """
    if response.status != ResponseStatus.COMPLETE or response.is_test:
        return []
    if not survey_follow_ups(response.survey_id)[1]:
        return []
    follow_ups = list(FollowUp.objects.filter(survey_id=response.survey_id, active=True))
    if not follow_ups:
        return []
    if granted is None:
        granted = active_purposes(response.respondent_id)
    ctx: dict[str, Any] | None = None
    out: list[FollowUpDelivery] = []
    for follow_up in follow_ups:
        if follow_up.purpose not in granted:
            continue
        if ctx is None:
            ctx = condition_context(response)
        if not logic.evaluate(follow_up.condition, ctx):
            continue
        delivery, _new = _delivery_for(response, follow_up)
        if delivery.status == FollowUpStatus.SHOWN and follow_up.reward_kind == RewardKind.CODE:
            reward_issue(delivery_id=delivery.pk)
            delivery.refresh_from_db()
        out.append(delivery)
    if any(d.status == FollowUpStatus.AWAITING_EMAIL for d in out):
        deliveries_send(respondent_id=response.respondent_id)
    return out


def reward_issue(*, delivery_id: int) -> RewardCode | None:
    """Give the delivery a code from its pool, once; None when the pool is empty.

    The delivery row is locked (a retry of the same delivery waits and then
    sees its code); free codes are claimed with SELECT … FOR UPDATE SKIP
    LOCKED, so concurrent workers each take a different code without waiting
    on one another. An empty pool marks the delivery `reward_unavailable`.
    """
    with transaction.atomic():
        delivery = FollowUpDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.reward_code_id is not None:
            return RewardCode.objects.get(pk=delivery.reward_code_id)
        code = (
            RewardCode.objects.select_for_update(skip_locked=True)
            .filter(follow_up_id=delivery.follow_up_id, issued_at__isnull=True)
            .order_by("pk")
            .first()
        )
        if code is None:
            if not delivery.reward_unavailable:
                delivery.reward_unavailable = True
                delivery.save(update_fields=["reward_unavailable"])
            return None
        code.issued_at = timezone.now()
        code.save(update_fields=["issued_at"])
        delivery.reward_code = code
        delivery.reward_unavailable = False
        delivery.save(update_fields=["reward_code", "reward_unavailable"])
        return code


def reward_link(delivery: FollowUpDelivery) -> str:
    """The follow-up's link, signed for this delivery (the brand checks the MAC)."""
    follow_up = delivery.follow_up
    mac = hmac.new(follow_up.secret.encode(), str(delivery.pk).encode(), hashlib.sha256)
    joiner = "&" if "?" in follow_up.reward_link else "?"
    return f"{follow_up.reward_link}{joiner}tp={delivery.pk}.{mac.hexdigest()[:32]}"


@dataclass(frozen=True, kw_only=True)
class Reward:
    code: str = ""
    link: str = ""
    unavailable: bool = False


def delivery_reward(delivery: FollowUpDelivery) -> Reward | None:
    kind = delivery.follow_up.reward_kind
    if kind == RewardKind.CODE:
        if delivery.reward_code_id is None:
            return Reward(unavailable=True)
        return Reward(code=RewardCode.objects.get(pk=delivery.reward_code_id).code)
    if kind == RewardKind.LINK:
        return Reward(link=reward_link(delivery))
    return None


def unsubscribe_token(*, respondent_id: Any, purpose: str) -> str:
    return signing.dumps({"r": str(respondent_id), "p": purpose}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[str, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return str(data["r"]), str(data["p"])


def unsubscribe_withdraw(*, respondent: Respondent, purpose: str) -> bool:
    """One-click unsubscribe: withdraw `purpose`, cascading like any withdrawal.

    False when it is no longer granted (a second click, or already withdrawn).
    """
    if purpose not in active_purposes(respondent.pk):
        return False
    consent_withdraw(respondent=respondent, purposes=[purpose])
    return True


def purpose_title(response: Response | None, purpose: str, locale: str) -> str:
    record = (
        ConsentRecord.objects.filter(respondent_id=response.respondent_id)
        .select_related("notice_version")
        .first()
        if response is not None
        else None
    )
    found = record.notice_version.purpose(purpose) if record is not None else None
    if not found:
        return purpose
    titles = found.get("title") or {}
    return str(titles.get(locale) or next(iter(titles.values()), purpose))


def _text(texts: dict[str, str], locale: str, default: str) -> str:
    return str(texts.get(locale) or texts.get(default) or next(iter(texts.values()), ""))


def message_context(delivery: FollowUpDelivery) -> dict[str, Any]:
    """What the email (and the thank-you page) says: the message, the reward, and why."""
    follow_up = delivery.follow_up
    survey = follow_up.survey
    locale = delivery.locale if delivery.locale in survey.locales else survey.default_locale
    response = delivery.response
    outcome = ""
    if response is not None and delivery.reason.get("outcome") is not None:
        outcomes = version_spec(response.version).outcomes
        index = delivery.reason["outcome"]
        if index < len(outcomes):
            outcome = _text(outcomes[index].title, locale, survey.default_locale)
    agreed = delivery.reason.get("agreed_on")
    return {
        "locale": locale,
        "organization": survey.organization.name,
        "survey_title": _text(survey.title, locale, survey.default_locale),
        "subject": _text(follow_up.subject, locale, survey.default_locale),
        "body": _text(follow_up.body, locale, survey.default_locale),
        "score": delivery.reason.get("score"),
        "max_score": delivery.reason.get("max_score"),
        "outcome": outcome,
        "purpose_title": purpose_title(response, follow_up.purpose, locale),
        "agreed_on": formats.date_format(dt.date.fromisoformat(agreed)) if agreed else "",
        "reward": delivery_reward(delivery),
    }


def delivery_send(*, delivery_id: int, address: str) -> bool:
    """Send one waiting delivery to `address`; False when it is not waiting."""
    with transaction.atomic():
        delivery = (
            FollowUpDelivery.objects.select_for_update(of=("self",))
            .select_related("follow_up__survey__organization", "response__version")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != FollowUpStatus.AWAITING_EMAIL:
            return False
        if delivery.respondent_key is None or delivery.follow_up.purpose not in active_purposes(
            delivery.respondent_key
        ):
            return False
        if delivery.follow_up.reward_kind == RewardKind.CODE:
            reward_issue(delivery_id=delivery.pk)
            delivery.refresh_from_db()
        token = unsubscribe_token(
            respondent_id=delivery.respondent_key, purpose=delivery.follow_up.purpose
        )
        unsubscribe = absolute(reverse("surveys:touchpoint_unsubscribe", args=[token]))
        with translation.override(delivery.locale):
            context = {**message_context(delivery), "unsubscribe": unsubscribe}
            body = render_to_string("touchpoints/follow_up_email.txt", context)
        email = EmailMultiAlternatives(
            subject=context["subject"],
            body=body,
            to=[address],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        email.send()
        delivery.status = FollowUpStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "sent_at"])
        audit_log(
            organization=delivery.follow_up.survey.organization,
            action=AuditAction.FOLLOW_UP_SENT,
            actor_label="system",
            target=delivery.follow_up,
            data={
                "respondent_id": str(delivery.respondent_key),
                "purpose": delivery.follow_up.purpose,
                "reward": delivery.follow_up.reward_kind,
                "reward_issued": delivery.reward_code_id is not None,
            },
        )
        return True


def deliveries_send(*, respondent_id: Any) -> int:
    """Send every waiting delivery of a respondent whose purpose their email covers."""
    from ...models import ContactEmail

    contact = ContactEmail.objects.filter(respondent_id=respondent_id).first()
    if contact is None:
        return 0
    address = decrypt(contact.ciphertext)
    if address is None:
        return 0
    waiting = FollowUpDelivery.objects.filter(
        respondent_key=respondent_id,
        status=FollowUpStatus.AWAITING_EMAIL,
        follow_up__purpose__in=contact.purposes,
    ).values_list("pk", flat=True)
    return sum(delivery_send(delivery_id=pk, address=address) for pk in list(waiting))


def deliveries_sweep() -> int:
    """Send what waits for an email already on file (a dispatch the broker lost)."""
    from ...models import ContactEmail

    respondents = (
        FollowUpDelivery.objects.filter(
            status=FollowUpStatus.AWAITING_EMAIL,
            respondent_key__in=ContactEmail.objects.values("respondent_id"),
        )
        .values_list("respondent_key", flat=True)
        .distinct()
    )
    return sum(deliveries_send(respondent_id=r) for r in list(respondents))
