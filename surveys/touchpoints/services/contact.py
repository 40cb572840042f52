"""The respondent's contact email: asked only for a granted purpose that needs
it, encrypted at rest, kept no longer than its own retention, and erased with
the last purpose it was given for."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ... import services
from ...enums import PRIVACY_REPORT, AuditAction, FollowUpStatus
from ...models import ContactEmail, FollowUpDelivery, Respondent, Response
from ..crypto import encrypt
from .deliveries import active_purposes, survey_follow_ups


def email_purposes(*, response: Response, granted: set[str] | None = None) -> list[str]:
    """The granted purposes for which this respondent's email would be used.

    A follow-up waiting for an email (its rule held, not held out), and the
    privacy report when it is granted. Empty: the email is not asked.
    `granted`: the respondent's active purposes when the caller has read them.
    """
    if granted is None:
        granted = active_purposes(response.respondent_id)
    waiting: set[str] = set()
    if survey_follow_ups(response.survey_id)[0]:
        waiting.update(
            FollowUpDelivery.objects.filter(
                response=response, status=FollowUpStatus.AWAITING_EMAIL
            ).values_list("follow_up__purpose", flat=True)
        )
    if PRIVACY_REPORT in granted:
        waiting.add(PRIVACY_REPORT)
    return sorted(waiting & granted)


@transaction.atomic
def contact_email_give(*, response: Response, address: str) -> ContactEmail:
    """Store the email for the purposes that need it; send what was waiting for it."""
    address = address.strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ServiceValidationError(
            [FieldError(field="email", code="invalid", message=gettext("Enter a valid email."))]
        ) from None
    purposes = email_purposes(response=response)
    if not purposes:
        raise ServiceValidationError(
            [
                FieldError(
                    field="email",
                    code="not_needed",
                    message=gettext("No purpose you agreed to needs your email."),
                )
            ]
        )
    respondent = Respondent.objects.select_for_update().get(pk=response.respondent_id)
    expires = timezone.now() + dt.timedelta(days=settings.CONTACT_EMAIL_RETENTION_DAYS)
    contact, _ = ContactEmail.objects.update_or_create(
        respondent=respondent,
        defaults={"ciphertext": encrypt(address), "purposes": purposes, "expires_at": expires},
    )
    services.audit_log(
        organization=respondent.organization,
        action=AuditAction.CONTACT_EMAIL_GIVEN,
        actor_label="respondent",
        target=respondent,
        data={"respondent_id": str(respondent.pk), "purposes": purposes},
    )
    respondent_id = respondent.pk
    transaction.on_commit(lambda: _send_waiting(respondent_id))
    return contact


def _send_waiting(respondent_id: Any) -> None:
    from trustpulse.dispatch import dispatch

    from .. import tasks

    dispatch(tasks.deliveries_send, str(respondent_id))


def _erase_contact(contact: ContactEmail, reason: str) -> None:
    services.audit_log(
        organization=contact.respondent.organization,
        action=AuditAction.CONTACT_EMAIL_ERASED,
        actor_label="system",
        target=contact.respondent,
        data={"respondent_id": str(contact.respondent_id), "reason": reason},
    )
    contact.delete()


@transaction.atomic
def purposes_withdrawn(*, respondent_id: str, purposes: list[str] | None) -> None:
    """The withdrawal cascade's touchpoint part (after the withdrawal commits).

    None: everything about the respondent went (the email went with them);
    their deliveries stay anonymous with the time of withdrawal, for the
    holdout comparison. Otherwise the email loses those purposes, and goes
    with the last one (a waiting delivery of a withdrawn purpose is never sent).
    """
    now = timezone.now()
    deliveries = FollowUpDelivery.objects.filter(respondent_key=respondent_id)
    if purposes is None:
        deliveries.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
        # Only the group and the times stay: nothing that points back at the person.
        deliveries.update(respondent_key=None, reason={}, locale="")
        return
    deliveries.filter(follow_up__purpose__in=purposes, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    contact = (
        ContactEmail.objects.select_for_update(of=("self",))
        .select_related("respondent__organization")
        .filter(respondent_id=respondent_id)
        .first()
    )
    if contact is None:
        return
    left = [p for p in contact.purposes if p not in purposes]
    if not left:
        _erase_contact(contact, "withdrawn")
    elif left != contact.purposes:
        contact.purposes = left
        contact.save(update_fields=["purposes"])


def contact_emails_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the contact emails past their own retention."""
    now = now or timezone.now()
    gone = 0
    for contact in ContactEmail.objects.select_related("respondent__organization").filter(
        expires_at__lte=now
    ):
        with transaction.atomic():
            _erase_contact(contact, "expired")
            gone += 1
    return gone
