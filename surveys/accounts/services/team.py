"""Team management: member invitations, roles, removal, organization settings.

Every change is written to the audit log of the organization it concerns.
Audit data never holds an email address or a secret. Two-factor
authentication and password-reset auditing are in ``totp.py``.
"""

import secrets
import zoneinfo
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ...enums import AuditAction, Role
from ...models import ConsentNotice, MemberInvitation, Membership, Organization, User
from ...services.audit import audit_log
from ...tokens import token_hash
from .accounts import membership_set

MAX_FRAME_ANCESTORS = 20


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


# --- members -------------------------------------------------------------------


@transaction.atomic
def member_invite(
    *, organization: Organization, email: str, role: str, actor: User | None = None
) -> tuple[MemberInvitation, str]:
    """Invite `email` to join with `role`; emails the link (after commit). Returns the token."""
    errors = []
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors.append(
            FieldError(field="email", code="invalid", message=gettext("Enter an email address."))
        )
    if role not in Role.values:
        errors.append(
            FieldError(field="role", code="invalid_choice", message=gettext("Choose a role."))
        )
    if (
        not errors
        and Membership.objects.filter(organization=organization, user__email__iexact=email).exists()
    ):
        errors.append(
            FieldError(
                field="email",
                code="already_member",
                message=gettext("This person is already a member."),
            )
        )
    if (
        not errors
        and MemberInvitation.objects.filter(
            organization=organization,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).exists()
    ):
        errors.append(
            FieldError(
                field="email",
                code="already_invited",
                message=gettext("This address has an open invitation: revoke it to invite again."),
            )
        )
    if errors:
        raise ServiceValidationError(errors)
    token = secrets.token_urlsafe(32)
    invitation = MemberInvitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=_actor(actor),
        expires_at=timezone.now() + timedelta(days=settings.MEMBER_INVITATION_DAYS),
    )
    audit_log(
        organization=organization,
        action=AuditAction.MEMBER_INVITED,
        actor=actor,
        target=invitation,
        data={"role": role},
    )
    link = settings.SITE_URL.rstrip("/") + reverse("account:join", kwargs={"token": token})
    body = render_to_string(
        "studio/team/invitation_email.txt",
        {
            "organization": organization.name,
            "role": Role(role).label,
            "link": link,
            "inviter": actor.get_username() if actor is not None else "",
            "days": settings.MEMBER_INVITATION_DAYS,
        },
    )
    subject = f"Join {organization.name} on TrustPulse"
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation, token


@transaction.atomic
def member_invitation_accept(*, invitation: MemberInvitation, user: User) -> Membership:
    invitation = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise ServiceValidationError(
            [
                FieldError(
                    field="token",
                    code="expired",
                    message=gettext("This invitation is no longer valid."),
                )
            ]
        )
    if Membership.objects.filter(organization=invitation.organization, user=user).exists():
        raise ServiceValidationError(
            [
                FieldError(
                    field="user",
                    code="already_member",
                    message=gettext("You are already a member."),
                )
            ]
        )
    membership = Membership.objects.create(
        organization=invitation.organization, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_log(
        organization=invitation.organization,
        action=AuditAction.MEMBER_JOINED,
        actor=user,
        target=membership,
        data={"role": invitation.role, "invitation": invitation.pk},
    )
    return membership


@transaction.atomic
def member_account_create(
    *, invitation: MemberInvitation, username: str, password: str
) -> tuple[User, Membership]:
    """A new account for the invited address, joined to the organization. All or nothing."""
    from django.contrib.auth.password_validation import validate_password

    errors: list[FieldError] = []
    username = (username or "").strip()
    probe = User(username=username, email=invitation.email)
    try:
        probe.clean_fields(exclude=["password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.extend(FieldError(field=field, code="invalid", message=str(m)) for m in messages)
    if username and User.objects.filter(username__iexact=username).exists():
        errors.append(
            FieldError(field="username", code="taken", message=gettext("This username is taken."))
        )
    try:
        validate_password(password, user=probe)
    except ValidationError as exc:
        errors.extend(
            FieldError(field="password", code="invalid", message=str(m)) for m in exc.messages
        )
    if errors:
        raise ServiceValidationError(errors)
    user = User.objects.create_user(username=username, email=invitation.email, password=password)
    return user, member_invitation_accept(invitation=invitation, user=user)


@transaction.atomic
def member_invitation_revoke(*, invitation: MemberInvitation, actor: User | None = None) -> None:
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_log(
            organization=invitation.organization,
            action=AuditAction.MEMBER_REMOVED,
            actor=actor,
            target=invitation,
            data={"invitation_revoked": True, "role": invitation.role},
        )


def _last_admin(membership: Membership) -> bool:
    return (
        membership.role == Role.ADMIN
        and not Membership.objects.filter(organization=membership.organization, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def member_role_change(
    *, membership: Membership, role: str, actor: User | None = None
) -> Membership:
    """Change a member's role; the organization always keeps at least one admin."""
    # One change at a time per organization, so two admins never demote each other to none.
    Organization.objects.select_for_update().filter(pk=membership.organization_id).first()
    if role not in Role.values:
        raise ServiceValidationError(
            [FieldError(field="role", code="invalid_choice", message=gettext("Choose a role."))]
        )
    if role != Role.ADMIN and _last_admin(membership):
        raise ServiceValidationError(
            [
                FieldError(
                    field="role",
                    code="last_admin",
                    message=(
                        gettext(
                            "The organization needs at least one admin: "
                            "make someone else admin first."
                        )
                    ),
                )
            ]
        )
    return membership_set(
        organization=membership.organization, user=membership.user, role=Role(role), actor=actor
    )


@transaction.atomic
def member_remove(*, membership: Membership, actor: User | None = None) -> None:
    """Remove a member from the organization (their account stays); never the last admin."""
    # One change at a time per organization, so two admins never demote each other to none.
    Organization.objects.select_for_update().filter(pk=membership.organization_id).first()
    if _last_admin(membership):
        raise ServiceValidationError(
            [
                FieldError(
                    field="member",
                    code="last_admin",
                    message=gettext("The organization needs at least one admin."),
                )
            ]
        )
    audit_log(
        organization=membership.organization,
        action=AuditAction.MEMBER_REMOVED,
        actor=actor,
        target=membership,
        data={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()


# --- organization settings ---------------------------------------------------------


def _origin_errors(origins: Sequence[str]) -> tuple[list[str], list[FieldError]]:
    clean: list[str] = []
    errors: list[FieldError] = []
    if len(origins) > MAX_FRAME_ANCESTORS:
        errors.append(
            FieldError(
                field="frame_ancestors",
                code="too_many",
                message=f"At most {MAX_FRAME_ANCESTORS} origins.",
            )
        )
    for i, raw in enumerate(origins):
        value = raw.strip().rstrip("/")
        if not value:
            continue
        parts = urlsplit(value)
        host = parts.hostname or ""
        wildcard_ok = host.startswith("*.") and "*" not in host[2:]
        ok = (
            parts.scheme in ("https", "http")
            and host
            and (("*" not in host) or wildcard_ok)
            and not parts.path
            and not parts.query
            and not parts.fragment
            and not parts.username
            and all(c.isalnum() or c in "-.*:[]" for c in parts.netloc)
        )
        if parts.scheme == "http" and host not in ("localhost", "127.0.0.1"):
            ok = False
        if not ok:
            errors.append(
                FieldError(
                    field=f"frame_ancestors[{i}]",
                    code="invalid",
                    message=f"“{raw.strip()}” is not an origin such as https://shop.example.com.",
                )
            )
            continue
        if value.lower() not in clean:
            clean.append(value.lower())
    return clean, errors


def _name_setting(value: Any, organization: Organization) -> tuple[Any, list[FieldError]]:
    name = (value or "").strip()
    if not name or len(name) > 200:
        return name, [
            FieldError(field="name", code="invalid", message=gettext("1 to 200 characters."))
        ]
    return name, []


def _timezone_setting(value: Any, organization: Organization) -> tuple[Any, list[FieldError]]:
    tz = value or ""
    if tz not in zoneinfo.available_timezones():
        return tz, [
            FieldError(
                field="timezone", code="invalid_choice", message=gettext("Unknown time zone.")
            )
        ]
    return tz, []


def _min_cell_setting(value: Any, organization: Organization) -> tuple[Any, list[FieldError]]:
    if value is not None and (
        not isinstance(value, int) or isinstance(value, bool) or value < 5 or value > 1000
    ):
        return value, [
            FieldError(
                field="suppression_min_cell",
                code="min_value",
                message=gettext("A whole number from 5 to 1000 (or empty for the default)."),
            )
        ]
    return value, []


def _notice_setting(value: Any, organization: Organization) -> tuple[Any, list[FieldError]]:
    if value is not None and (
        not isinstance(value, ConsentNotice) or value.organization_id != organization.pk
    ):
        return value, [
            FieldError(
                field="default_notice", code="invalid_choice", message=gettext("No such notice.")
            )
        ]
    return value, []


def _frame_ancestors_setting(
    value: Any, organization: Organization
) -> tuple[Any, list[FieldError]]:
    return _origin_errors(list(value or []))


# Each setting: its check, which returns the value to store and its errors (in this order).
ORGANIZATION_SETTINGS: dict[str, Callable[[Any, Organization], tuple[Any, list[FieldError]]]] = {
    "name": _name_setting,
    "timezone": _timezone_setting,
    "suppression_min_cell": _min_cell_setting,
    "default_notice": _notice_setting,
    "frame_ancestors": _frame_ancestors_setting,
}


@transaction.atomic
def organization_settings_update(
    *,
    organization: Organization,
    actor: User | None = None,
    **changes: Any,
) -> list[str]:
    """Change any of: name, timezone, suppression_min_cell (≥ 5 or None), default_notice
    (a notice of this organization, or None), frame_ancestors (origins). Returns what changed.
    """
    errors = [
        FieldError(field=field, code="unknown", message=gettext("Not a setting."))
        for field in sorted(set(changes) - set(ORGANIZATION_SETTINGS))
    ]
    values: dict[str, Any] = {}
    for field, check in ORGANIZATION_SETTINGS.items():
        if field in changes:
            values[field], problems = check(changes[field], organization)
            errors.extend(problems)
    if errors:
        raise ServiceValidationError(errors)
    changed = {}
    for field, value in values.items():
        old = getattr(organization, field)
        if old != value:
            changed[field] = (old, value)
            setattr(organization, field, value)
    if not changed:
        return []
    organization.save(update_fields=list(changed))

    def shown(value: Any) -> Any:
        return value.pk if isinstance(value, ConsentNotice) else value

    audit_log(
        organization=organization,
        action=AuditAction.ORG_SETTINGS_CHANGED,
        actor=actor,
        target=organization,
        data={
            "changed": sorted(changed),
            **{f: {"from": shown(a), "to": shown(b)} for f, (a, b) in changed.items()},
        },
    )
    return sorted(changed)
