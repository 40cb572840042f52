"""Organizations, members and their roles, API keys."""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import ApiScope, RetentionAction, Role


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value}, code="invalid")


class User(AbstractUser):
    """A staff person of a brand (respondents never have accounts)."""

    class Meta:
        db_table = "surveys_user"


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # Smallest group an analyst may see for this organization (never below 5;
    # null: the SUPPRESSION_MIN_CELL setting).
    suppression_min_cell = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5)]
    )
    # What the retention purge does with data past its purpose's retention period.
    retention_action = models.CharField(
        max_length=10, choices=RetentionAction.choices, default=RetentionAction.DELETE
    )
    # Key of the HMAC that signs links carrying the brand's external respondent
    # id (distribution); generated on first use, rotatable by an admin.
    link_signing_key = models.CharField(max_length=64, blank=True, default="")
    # Origins allowed to frame the survey pages (CSP frame-ancestors).
    frame_ancestors = models.JSONField(default=list, blank=True)
    # The consent notice new surveys start with.
    default_notice = models.ForeignKey(
        "surveys.ConsentNotice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Publish the organization's transparency reports at a public address (opt-in).
    transparency_report_public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suppression_min_cell__isnull=True)
                | models.Q(suppression_min_cell__gte=5),
                name="suppression_min_cell_at_least_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def min_cell(self) -> int:
        """The suppression threshold in force for this organization (≥ 5)."""
        from django.conf import settings

        return max(5, self.suppression_min_cell or settings.SUPPRESSION_MIN_CELL)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="uniq_membership"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class ApiKey(models.Model):
    """An organization's API key. Only a SHA-256 of the secret is stored.

    The full key (`tp_<prefix>_<secret>`) is shown once, at creation.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: ApiScope | str) -> bool:
        return str(scope) in self.scopes
