"""Organizations, memberships and API keys."""

import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ...enums import ApiScope, AuditAction, Role
from ...models import ApiKey, Membership, Organization, User
from ...services.audit import audit_log
from ...tokens import token_hash

KEY_PREFIX = "tp"


@transaction.atomic
def organization_create(*, name: str, slug: str, timezone_name: str = "UTC") -> Organization:
    org = Organization(name=name, slug=slug, timezone=timezone_name)
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def membership_set(
    *, organization: Organization, user: User, role: Role, actor: User | None = None
) -> Membership:
    if role not in Role.values:
        raise ServiceValidationError(
            [FieldError(field="role", code="invalid_choice", message=gettext("Unknown role."))]
        )
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_log(
            organization=organization,
            action=AuditAction.ROLE_CHANGED,
            actor=actor,
            target=membership,
            data={"from": old, "to": str(role)},
        )
    return membership


@transaction.atomic
def api_key_create(
    *, organization: Organization, name: str, scopes: list[str], actor: User | None = None
) -> tuple[ApiKey, str]:
    """Create a key; returns it with the plaintext, which is never stored or shown again."""
    errors = []
    if not name.strip():
        errors.append(
            FieldError(field="name", code="required", message=gettext("A name is required."))
        )
    unknown = [s for s in scopes if s not in ApiScope.values]
    if unknown or not scopes:
        errors.append(
            FieldError(
                field="scopes",
                code="invalid_choice",
                message=gettext("Choose scopes from: %(scopes)s")
                % {"scopes": ", ".join(ApiScope.values)},
            )
        )
    if errors:
        raise ServiceValidationError(errors)
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    plaintext = f"{KEY_PREFIX}_{prefix}_{secret}"
    key = ApiKey.objects.create(
        organization=organization,
        name=name.strip(),
        prefix=prefix,
        key_hash=token_hash(plaintext),
        scopes=sorted(set(scopes)),
        created_by=actor,
    )
    audit_log(
        organization=organization,
        action=AuditAction.API_KEY_CREATED,
        actor=actor,
        target=key,
        data={"scopes": key.scopes, "prefix": prefix},
    )
    return key, plaintext


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The active key for a presented secret, or None."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = (
        ApiKey.objects.select_related("organization")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.key_hash, token_hash(raw)):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: User | None = None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_log(
            organization=key.organization,
            action=AuditAction.API_KEY_REVOKED,
            actor=actor,
            target=key,
            data={"prefix": key.prefix},
        )
    return key
