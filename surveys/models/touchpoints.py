"""Consented touchpoints: follow-ups (a message, a reward or both), reward code
pools, the deliveries that say who got what (or was held out), and the
respondent's contact email, stored encrypted for the purposes that need it.

See docs/TOUCHPOINTS.md.
"""

import secrets

from django.db import models
from django.db.models import Q

from ..enums import DeliveryGroup, FollowUpStatus, RewardKind
from .definitions import Survey
from .responses import Respondent, Response


def _secret() -> str:
    return secrets.token_hex(32)


class FollowUp(models.Model):
    """What an author attaches to a survey or quiz: sent when its rule holds and
    its consent purpose is granted (and not withdrawn)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="follow_ups")
    name = models.CharField(max_length=200)
    purpose = models.CharField(max_length=64)  # a purpose id of the survey's consent notice
    # The display-logic condition language (surveys/logic.py) over the answers,
    # plus "$outcome" (the quiz outcome's number, from 1), "$score" and
    # "event:<kind>" (the value of the respondent's latest behaviour event).
    condition = models.JSONField(default=dict, blank=True)
    subject = models.JSONField(default=dict, blank=True)  # locale → text
    body = models.JSONField(default=dict, blank=True)  # locale → text; empty: no email
    reward_kind = models.CharField(max_length=10, choices=RewardKind.choices, default="none")
    reward_link = models.URLField(blank=True)  # base of the signed link (reward_kind link)
    holdout_percent = models.PositiveSmallIntegerField(default=10)
    # Keys the holdout draw and the signed reward links; never shown.
    secret = models.CharField(max_length=64, default=_secret, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey_id", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(holdout_percent__lte=90), name="follow_up_holdout_percent_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_message(self) -> bool:
        return any(str(v).strip() for v in self.body.values())


class RewardCode(models.Model):
    """One code of a follow-up's pool; issued to at most one delivery."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=128)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "code"], name="uniq_reward_code"),
        ]
        indexes = [models.Index(fields=["follow_up", "issued_at"], name="reward_code_free")]

    def __str__(self) -> str:
        return f"code {self.pk}"


class FollowUpDelivery(models.Model):
    """One follow-up for one response: sent, waiting for an email, held out, ...

    Unique per (follow-up, response), so a retried or duplicated task never
    sends twice; a code is tied to one delivery (one-to-one). When the
    respondent is erased the row stays, anonymous (no response, no key), with
    the time of the withdrawal: the holdout comparison counts it.
    """

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="deliveries")
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    respondent_key = models.UUIDField(null=True, blank=True, db_index=True)
    group = models.CharField(max_length=10, choices=DeliveryGroup.choices)
    status = models.CharField(max_length=20, choices=FollowUpStatus.choices)
    reward_code = models.OneToOneField(
        RewardCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="delivery"
    )
    reward_unavailable = models.BooleanField(default=False)
    locale = models.CharField(max_length=16, default="en")
    # Why the person got it: score, outcome number, purpose (no answer values).
    reason = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "response"], name="uniq_follow_up_delivery"
            ),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"


class ContactEmail(models.Model):
    """The respondent's email, asked only for a granted follow-up purpose.

    Encrypted at rest (Fernet, keys from CONTACT_EMAIL_KEYS); deleted when
    every purpose it was given for is withdrawn, or when it expires.
    """

    respondent = models.OneToOneField(
        Respondent, on_delete=models.CASCADE, related_name="contact_email"
    )
    ciphertext = models.TextField()
    purposes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"contact email {self.pk}"
