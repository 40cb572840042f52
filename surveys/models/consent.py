"""Consent notices (versioned), consent records, counters and tombstones.

A notice belongs to an organization and is attached to surveys. Its content
lives in versions: a published version is frozen, and every consent points at
the exact version and at the hash of the text the respondent was shown.
"""

import uuid

from django.db import models
from django.db.models import Q

from ..enums import CollectionMethod, VersionStatus
from .accounts import Organization
from .responses import Respondent, Response


class ConsentNotice(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="consent_notices"
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="uniq_notice_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class ConsentNoticeVersion(models.Model):
    """One version of a notice: controller, purposes and texts per locale.

    ``purposes`` is a list of objects: id, title and description per locale,
    required, legal_basis, data_categories, retention_days, recipients,
    category (see docs/schemas/consent-notice.v1.schema.json).
    """

    notice = models.ForeignKey(ConsentNotice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    controller = models.JSONField(default=dict)
    policy_url = models.URLField(blank=True)
    jurisdiction = models.CharField(max_length=16, default="EU")
    locales = models.JSONField(default=list)
    purposes = models.JSONField(default=list)
    # Free text per locale shown in full below the layered summary.
    full_text = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notice_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "number"], name="uniq_notice_version"),
        ]

    def __str__(self) -> str:
        return f"{self.notice.slug} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def purpose(self, purpose_id: str) -> dict | None:
        return next((p for p in self.purposes if p["id"] == purpose_id), None)

    @property
    def purpose_ids(self) -> list[str]:
        return [p["id"] for p in self.purposes]

    @property
    def required_ids(self) -> list[str]:
        return [p["id"] for p in self.purposes if p.get("required")]


class ConsentRecord(models.Model):
    """Proof of one consent: who (pseudonymous), to what exact text, when, how."""

    receipt_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    respondent = models.ForeignKey(
        Respondent, on_delete=models.CASCADE, related_name="consent_records"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    notice_version = models.ForeignKey(
        ConsentNoticeVersion, on_delete=models.PROTECT, related_name="records"
    )
    text_hash = models.CharField(max_length=64)
    locale = models.CharField(max_length=16)
    purposes_granted = models.JSONField(default=list)
    # purpose id → ISO timestamp of its withdrawal
    purposes_withdrawn = models.JSONField(default=dict, blank=True)
    # purpose id → ISO timestamp when its retention period ended and its data went
    purposes_expired = models.JSONField(default=dict, blank=True)
    collection_method = models.CharField(max_length=20, choices=CollectionMethod.choices)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return str(self.receipt_id)

    @property
    def active_purposes(self) -> list[str]:
        gone = set(self.purposes_withdrawn) | set(self.purposes_expired)
        return [p for p in self.purposes_granted if p not in gone]


class ConsentCounter(models.Model):
    """Anonymous counts per notice version and day: shown, declined, consented."""

    notice_version = models.ForeignKey(
        ConsentNoticeVersion, on_delete=models.CASCADE, related_name="counters"
    )
    day = models.DateField()
    shown = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    consented = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["notice_version", "day"], name="uniq_counter_day"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_version} {self.day}"


class Tombstone(models.Model):
    """What remains after a respondent withdrew entirely or erased their data.

    Only the receipt ids, the time and the portal token hash, so the portal
    link still answers with "nothing is held about you".
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    receipt_ids = models.JSONField(default=list)
    portal_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    withdrawn_at = models.DateTimeField()
    reason = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=["withdrawn", "erased", "expired"]),
                name="tombstone_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"tombstone {self.pk} ({self.reason})"
