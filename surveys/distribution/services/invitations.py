"""Email invitations to a survey: CSV addresses, sending, unsubscribe, reminders.

An address is kept only until its email is sent, then blanked; the keyed
HMAC of the address stays, to match reminders and unsubscribes
(docs/DISTRIBUTION.md).
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError, required_text

from ...enums import AuditAction, ResponseStatus, SurveyStatus
from ...models import EmailSuppression, InvitationBatch, InvitationRecipient, Response, Survey, User
from ...responses.services.respondents import external_id_hmac
from ...services.audit import audit_log
from .links import absolute

MAX_ADDRESSES = 10_000
MAX_CSV_BYTES = 2_000_000
INVITATION_SALT = "trustpulse.invitation"
UNSUBSCRIBE_SALT = "trustpulse.unsubscribe"


def email_hmac(address: str) -> str:
    """Keyed HMAC of a normalized address (the address itself is not kept)."""
    return external_id_hmac("email:" + address.strip().lower())


@dataclass(frozen=True, kw_only=True)
class ParsedAddresses:
    addresses: list[str]
    errors: list[FieldError]


def invitation_addresses_parse(data: bytes) -> ParsedAddresses:
    """Addresses from a CSV (an ``email`` column, else the first column); duplicates dropped.

    Errors name the row: ``file.rows[3].email`` (rows counted from 1, header included).
    """
    if len(data) > MAX_CSV_BYTES:
        return ParsedAddresses(
            addresses=[],
            errors=[
                FieldError(
                    field="file",
                    code="too_large",
                    message=f"The file is larger than {MAX_CSV_BYTES // 1_000_000} MB.",
                )
            ],
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParsedAddresses(
            addresses=[],
            errors=[
                FieldError(field="file", code="encoding", message=gettext("Save the CSV as UTF-8."))
            ],
        )
    rows = list(csv.reader(io.StringIO(text)))
    column, start = 0, 0
    if rows:
        header = [cell.strip().lower() for cell in rows[0]]
        if "email" in header:
            column, start = header.index("email"), 1
    addresses: list[str] = []
    seen: set[str] = set()
    errors: list[FieldError] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        value = row[column].strip() if len(row) > column else ""
        if not value:
            continue
        try:
            validate_email(value)
        except ValidationError:
            errors.append(
                FieldError(
                    field=f"file.rows[{number}].email",
                    code="invalid",
                    message=f"Row {number}: not an email address.",
                )
            )
            continue
        if value.lower() not in seen:
            seen.add(value.lower())
            addresses.append(value)
    if not addresses and not errors:
        errors.append(
            FieldError(field="file", code="empty", message=gettext("The file has no addresses."))
        )
    if len(addresses) > MAX_ADDRESSES:
        errors.append(
            FieldError(
                field="file", code="too_many", message=f"At most {MAX_ADDRESSES} addresses at once."
            )
        )
    return ParsedAddresses(addresses=addresses, errors=errors)


def _survey_sendable(survey: Survey) -> list[FieldError]:
    if survey.status != SurveyStatus.LIVE or survey.live_version_id is None:
        return [
            FieldError(
                field="survey",
                code="not_live",
                message=gettext("Publish the survey before inviting people to it."),
            )
        ]
    return []


@transaction.atomic
def invitation_batch_create(
    *,
    survey: Survey,
    addresses: Iterable[str],
    subject: str,
    message: str = "",
    actor: User | None = None,
) -> InvitationBatch:
    """Store the addresses until sent and queue the emails (after commit)."""
    addresses = list(addresses)
    errors = _survey_sendable(survey)
    subject, problems = required_text(
        subject, field="subject", max_length=200, required="Give a subject."
    )
    errors.extend(problems)
    if len(message) > 5000:
        errors.append(
            FieldError(
                field="message", code="max_length", message=gettext("At most 5000 characters.")
            )
        )
    by_hmac: dict[str, str] = {}
    for i, address in enumerate(addresses):
        try:
            validate_email(address)
        except ValidationError:
            errors.append(
                FieldError(
                    field=f"addresses[{i}]",
                    code="invalid",
                    message=gettext("Not an email address."),
                )
            )
            continue
        by_hmac.setdefault(email_hmac(address), address.strip())
    if not by_hmac and not errors:
        errors.append(
            FieldError(
                field="addresses", code="required", message=gettext("Give at least one address.")
            )
        )
    if len(by_hmac) > MAX_ADDRESSES:
        errors.append(
            FieldError(
                field="addresses", code="too_many", message=f"At most {MAX_ADDRESSES} at once."
            )
        )
    if errors:
        raise ServiceValidationError(errors)
    batch = InvitationBatch.objects.create(
        survey=survey,
        subject=subject,
        message=message.strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    InvitationRecipient.objects.bulk_create(
        InvitationRecipient(batch=batch, email=address, email_hmac=digest)
        for digest, address in by_hmac.items()
    )
    audit_log(
        organization=survey.organization,
        action=AuditAction.INVITATIONS_SENT,
        actor=actor,
        target=batch,
        data={"survey": survey.pk, "recipients": len(by_hmac), "reminder": False},
    )
    _queue_send(batch.pk)
    return batch


def _queue_send(batch_id: int) -> None:
    from ...tasks import invitations_send

    transaction.on_commit(lambda: invitations_send.delay(batch_id))


@transaction.atomic
def invitation_remind(
    *, batch: InvitationBatch, addresses: Iterable[str], actor: User | None = None
) -> int:
    """Queue reminders to the given addresses of `batch` that have not responded.

    The addresses were deleted after the first email, so the list is uploaded
    again; only those invited in this batch, sent to, not unsubscribed and
    without a completed response get a reminder. Returns how many.
    """
    errors = _survey_sendable(batch.survey)
    if errors:
        raise ServiceValidationError(errors)
    wanted = {email_hmac(a): a.strip() for a in addresses}
    waiting = list(
        InvitationRecipient.objects.select_for_update(of=("self",))
        .filter(
            batch=batch,
            email_hmac__in=list(wanted),
            sent_at__isnull=False,
            unsubscribed_at__isnull=True,
        )
        .exclude(response__status=ResponseStatus.COMPLETE)
    )
    for recipient in waiting:
        recipient.email = wanted[recipient.email_hmac]
    InvitationRecipient.objects.bulk_update(waiting, ["email"])
    audit_log(
        organization=batch.survey.organization,
        action=AuditAction.INVITATIONS_SENT,
        actor=actor,
        target=batch,
        data={"survey": batch.survey_id, "recipients": len(waiting), "reminder": True},
    )
    if waiting:
        _queue_send(batch.pk)
    return len(waiting)


def invitation_token(recipient: InvitationRecipient) -> str:
    return signing.dumps(recipient.pk, salt=INVITATION_SALT, compress=True)


def unsubscribe_token(recipient: InvitationRecipient) -> str:
    return signing.dumps(recipient.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def _recipient_of(token: str, salt: str) -> InvitationRecipient | None:
    try:
        pk = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return (
        InvitationRecipient.objects.select_related("batch__survey__organization")
        .filter(pk=pk)
        .first()
    )


def invitation_recipient(token: str) -> InvitationRecipient | None:
    return _recipient_of(token, INVITATION_SALT)


def unsubscribe_recipient(token: str) -> InvitationRecipient | None:
    return _recipient_of(token, UNSUBSCRIBE_SALT)


def invitations_send(*, batch_id: int) -> int:
    """Send every waiting email of a batch, blanking each address once sent. Idempotent.

    A recipient already sent to gets a reminder. Each recipient is sent and
    blanked in its own transaction, so a retry never emails anyone twice (an
    address already blank is skipped).
    """
    batch = (
        InvitationBatch.objects.select_related("survey__organization").filter(pk=batch_id).first()
    )
    if batch is None:
        return 0
    survey = batch.survey
    suppressed = set(
        EmailSuppression.objects.filter(organization=survey.organization).values_list(
            "email_hmac", flat=True
        )
    )
    sent = 0
    ids = list(
        InvitationRecipient.objects.filter(batch=batch)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            recipient = (
                InvitationRecipient.objects.select_for_update(of=("self",))
                .filter(pk=pk)
                .exclude(email="")
                .first()
            )
            if recipient is None:
                continue
            address = recipient.email
            recipient.email = ""
            if recipient.email_hmac in suppressed or recipient.unsubscribed_at:
                recipient.skipped = "unsubscribed"
                recipient.save(update_fields=["email", "skipped"])
                continue
            reminder = recipient.sent_at is not None
            _send_one(batch, recipient, address, reminder=reminder)
            if reminder:
                recipient.reminded_at = timezone.now()
            else:
                recipient.sent_at = timezone.now()
            recipient.save(update_fields=["email", "sent_at", "reminded_at"])
            sent += 1
    return sent


def _send_one(
    batch: InvitationBatch, recipient: InvitationRecipient, address: str, *, reminder: bool
) -> None:
    survey = batch.survey
    link = absolute(reverse("surveys:landing", kwargs={"slug": survey.slug}))
    link += "?channel=email&inv=" + invitation_token(recipient)
    unsubscribe = absolute(
        reverse("surveys:unsubscribe", kwargs={"token": unsubscribe_token(recipient)})
    )
    title = survey.title.get(survey.default_locale) or next(iter(survey.title.values()), "")
    context = {
        "organization": survey.organization.name,
        "survey_title": title,
        "message": batch.message,
        "link": link,
        "unsubscribe": unsubscribe,
        "reminder": reminder,
    }
    # Written in the survey's default language, as the survey first greets them.
    with translation.override(survey.default_locale):
        body = render_to_string("studio/distribution/invitation_email.txt", context)
        subject = (
            gettext("Reminder: %(subject)s") % {"subject": batch.subject}
            if reminder
            else batch.subject
        )
    email = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.send()


@transaction.atomic
def invitation_unsubscribe(*, recipient: InvitationRecipient) -> None:
    """No more invitations from this organization to this address (any batch)."""
    organization = recipient.batch.survey.organization
    EmailSuppression.objects.get_or_create(
        organization=organization, email_hmac=recipient.email_hmac
    )
    InvitationRecipient.objects.filter(
        batch__survey__organization=organization,
        email_hmac=recipient.email_hmac,
        unsubscribed_at__isnull=True,
    ).update(unsubscribed_at=timezone.now(), email="")


def invitation_responded(*, recipient_id: int, response: Response) -> None:
    """Link a response to the invitation that brought it (same survey only)."""
    InvitationRecipient.objects.filter(
        pk=recipient_id, batch__survey_id=response.survey_id, response__isnull=True
    ).update(response=response)
