"""Team management: invitations to join an organization, and TOTP devices."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import Role
from .accounts import Organization


class MemberInvitation(models.Model):
    """An invitation to join an organization with a role; the token is stored hashed."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="member_invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="member_invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.role})"


class TotpDevice(models.Model):
    """A member's authenticator app (RFC 6238 TOTP). Usable once confirmed with a code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step accepted: a code is never accepted twice.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"totp device {self.pk}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time code that stands in for an authenticator code (a lost phone).

    Issued in a set when two-factor is turned on (or renewed), shown once;
    only a SHA-256 of the code is stored, and `used_at` marks it spent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"
