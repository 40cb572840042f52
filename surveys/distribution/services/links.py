"""Distribution: channel links and signed links with an external id.

- A channel link (``/l/<code>/``) opens a survey and records its channel and
  the link on the responses it brings.
- A signed link carries the brand's external respondent id (``xid``), an
  expiry (``exp``, Unix seconds) and ``sig``, an HMAC-SHA256 under the
  organization's link key of ``<survey slug>|<xid>|<exp>``. Only a valid,
  unexpired signature lets the id through, and only as its keyed HMAC;
  the respondent flow joins it to the respondent only when
  ``behavioural_measurement`` is granted.

Email invitations are in ``invitations.py``.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from surveys.selectors.flow_cache import generation_bump
from trustpulse.validation import FieldError, ServiceValidationError, required_text

from ...enums import LINK_CHANNELS, AuditAction
from ...models import ChannelLink, Organization, Survey, User
from ...responses.services.respondents import external_id_hmac
from ...services.audit import audit_log

MAX_EXTERNAL_ID = 200


# --- the organization's link key and signed links ------------------------------


def link_key(organization: Organization) -> str:
    """The organization's link-signing key (created on first use)."""
    if not organization.link_signing_key:
        key = secrets.token_hex(32)
        Organization.objects.filter(pk=organization.pk, link_signing_key="").update(
            link_signing_key=key
        )
        organization.refresh_from_db(fields=["link_signing_key"])
        generation_bump()  # the respondent flow's cached organization has no key yet
    return organization.link_signing_key


@transaction.atomic
def link_key_rotate(*, organization: Organization, actor: User | None = None) -> str:
    """Replace the link key: every link signed with the old one stops carrying its id."""
    organization.link_signing_key = secrets.token_hex(32)
    organization.save(update_fields=["link_signing_key"])
    audit_log(
        organization=organization,
        action=AuditAction.ORG_SETTINGS_CHANGED,
        actor=actor,
        target=organization,
        data={"changed": ["link_signing_key"]},
    )
    return organization.link_signing_key


def link_signature(*, key: str, slug: str, external_id: str, expires: int) -> str:
    message = f"{slug}|{external_id}|{expires}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True, kw_only=True)
class SignedLink:
    external_id: str
    expires: int
    signature: str

    def query(self) -> dict[str, str]:
        return {"xid": self.external_id, "exp": str(self.expires), "sig": self.signature}


def signed_link_make(*, survey: Survey, external_id: str, expires_at: datetime) -> SignedLink:
    """Sign `external_id` for `survey` until `expires_at` (what a brand's server does)."""
    errors = _external_id_errors(external_id)
    if expires_at <= timezone.now():
        errors.append(
            FieldError(
                field="expires_at", code="in_past", message=gettext("Choose a time in the future.")
            )
        )
    if errors:
        raise ServiceValidationError(errors)
    expires = int(expires_at.timestamp())
    key = link_key(survey.organization)
    return SignedLink(
        external_id=external_id,
        expires=expires,
        signature=link_signature(
            key=key, slug=survey.slug, external_id=external_id, expires=expires
        ),
    )


def _external_id_errors(external_id: str) -> list[FieldError]:
    if not external_id or not external_id.strip():
        return [
            FieldError(
                field="external_id", code="required", message=gettext("Give an external id.")
            )
        ]
    if len(external_id) > MAX_EXTERNAL_ID or not external_id.isprintable():
        return [
            FieldError(
                field="external_id",
                code="invalid",
                message=gettext("At most %(n)s printable characters.") % {"n": MAX_EXTERNAL_ID},
            )
        ]
    return []


def signed_external_id(
    *, survey: Survey, external_id: str, expires: str, signature: str, now: float | None = None
) -> str | None:
    """The keyed HMAC of a correctly signed, unexpired external id; else None (ignored)."""
    if _external_id_errors(external_id) or not expires.isdigit() or len(expires) > 12:
        return None
    key = survey.organization.link_signing_key
    if not key:
        return None
    expected = link_signature(
        key=key, slug=survey.slug, external_id=external_id, expires=int(expires)
    )
    if not hmac.compare_digest(expected, signature.lower()):
        return None
    if int(expires) <= (now if now is not None else time.time()):
        return None
    return external_id_hmac(external_id)


# --- channel links ---------------------------------------------------------------


@transaction.atomic
def channel_link_create(
    *, survey: Survey, channel: str, label: str, actor: User | None = None
) -> ChannelLink:
    errors = []
    if channel not in LINK_CHANNELS:
        errors.append(
            FieldError(
                field="channel",
                code="invalid_choice",
                message=gettext("Choose one of: %(choices)s")
                % {"choices": ", ".join(LINK_CHANNELS)},
            )
        )
    label, problems = required_text(
        label, field="label", max_length=100, required="Give the link a name."
    )
    errors.extend(problems)
    if errors:
        raise ServiceValidationError(errors)
    link = ChannelLink.objects.create(
        survey=survey,
        channel=channel,
        label=label,
        code=secrets.token_urlsafe(8)[:10],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_log(
        organization=survey.organization,
        action=AuditAction.CHANNEL_LINK_CREATED,
        actor=actor,
        target=link,
        data={"survey": survey.pk, "channel": channel},
    )
    return link


@transaction.atomic
def channel_link_revoke(*, link: ChannelLink, actor: User | None = None) -> ChannelLink:
    """Stop a link from opening its survey (at once; it cannot be undone)."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_log(
            organization=link.survey.organization,
            action=AuditAction.CHANNEL_LINK_REVOKED,
            actor=actor,
            target=link,
            data={"survey": link.survey_id, "channel": link.channel},
        )
    return link


def channel_link_url(link: ChannelLink) -> str:
    return reverse("surveys:channel_link", kwargs={"code": link.code})


def absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path
