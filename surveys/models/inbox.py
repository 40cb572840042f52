"""Accepted headless submissions, one row each, until they are written out in full."""

import uuid

from django.db import models
from django.db.models import Q

from .accounts import Organization
from .definitions import Survey, SurveyVersion


class SubmissionInbox(models.Model):
    """One API submission: validated and acknowledged in the request, written out later.

    The request stores the submission as this one row (its id is the id of the
    response it becomes, `respondent_ref` the reference it was told) and a
    worker writes the respondent, response, answers, consent record and its
    audit event from it. The row is also the submission's idempotency record:
    the same key returns `result` again for IDEMPOTENCY_TTL_HOURS. Once written
    out, `payload` (the answers) is emptied, so erasure and retention of the
    response are not undone by this copy.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    respondent_ref = models.CharField(max_length=32)
    payload = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict)
    received_at = models.DateTimeField()
    materialized_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"], name="uniq_inbox_idempotency_key"
            ),
        ]
        indexes = [
            # What the workers write out next: small, whatever the number kept.
            models.Index(
                fields=["received_at"],
                condition=Q(materialized_at__isnull=True),
                name="inbox_pending",
            ),
            models.Index(fields=["materialized_at"], name="inbox_materialized"),
        ]

    def __str__(self) -> str:
        state = "written" if self.materialized_at else "pending"
        return f"submission {self.pk} ({state})"
