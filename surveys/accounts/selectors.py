"""Reads of accounts and team data, one organization: members, open invitations, API keys."""

from django.db.models import QuerySet
from django.utils import timezone

from ..models import ApiKey, MemberInvitation, Membership, Organization


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


def api_key_list(*, organization_id: int) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(organization_id=organization_id)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
