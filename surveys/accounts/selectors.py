"""Reads of accounts and team data: members, open invitations, an invitation by its token,
API keys, two-factor state.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from ..models import (
    ApiKey,
    MemberInvitation,
    Membership,
    Organization,
    RecoveryCode,
    TotpDevice,
    User,
)
from ..tokens import token_hash


def member_list(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user", "user__totp_device")
        .order_by("user__username")
    )


def member_invitation_open_list(*, organization: Organization) -> QuerySet[MemberInvitation]:
    return (
        MemberInvitation.objects.filter(
            organization=organization,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def member_invitation_get(token: str) -> MemberInvitation | None:
    """The open (not accepted, revoked or expired) invitation of a token, or None."""
    return (
        MemberInvitation.objects.select_related("organization")
        .filter(
            token_hash=token_hash(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def api_key_list(*, organization_id: int) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(organization_id=organization_id)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def two_factor_required(user: User) -> bool:
    """Whether `user` must use two-factor authentication (by role, in any organization)."""
    roles = settings.TWO_FACTOR_REQUIRED_ROLES
    return bool(roles) and Membership.objects.filter(user=user, role__in=roles).exists()


def totp_device_confirmed(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def recovery_codes_remaining(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
