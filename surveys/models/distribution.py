"""Distribution: channel links, email invitations and the unsubscribe list.

A channel link is a short address (``/l/<code>/``) that opens a survey and
records its channel (and the link) on the responses it brings. Email
invitations keep a recipient's address only until the email is sent; after
that only a keyed HMAC of it remains (to match reminders and unsubscribes).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import Channel
from .accounts import Organization
from .definitions import Survey


class ChannelLink(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="channel_links")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    label = models.CharField(max_length=100)
    code = models.CharField(max_length=16, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(channel=Channel.API), name="channel_link_not_api"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.channel})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class InvitationBatch(models.Model):
    """One upload of addresses invited to a survey by email."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitation_batches")
    subject = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.created_at:%Y-%m-%d})"


class InvitationRecipient(models.Model):
    """One invited address. ``email`` is blank except while an email waits to be sent."""

    batch = models.ForeignKey(InvitationBatch, on_delete=models.CASCADE, related_name="recipients")
    email = models.EmailField(blank=True)
    email_hmac = models.CharField(max_length=64)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    skipped = models.CharField(max_length=20, blank=True)  # "unsubscribed", "failed"
    response = models.ForeignKey(
        "surveys.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "email_hmac"], name="uniq_invitation_address"),
        ]

    def __str__(self) -> str:
        return f"recipient {self.pk}"


class EmailSuppression(models.Model):
    """An address (as a keyed HMAC) that unsubscribed from an organization's invitations."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="email_suppressions"
    )
    email_hmac = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email_hmac"], name="uniq_email_suppression"
            ),
        ]

    def __str__(self) -> str:
        return f"suppressed {self.pk}"
