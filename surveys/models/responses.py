"""Respondents, responses, answers, behaviour events and idempotency records."""

import uuid

from django.db import models
from django.db.models import Q

from ..enums import Channel, EventSource, ResponseStatus
from .accounts import Organization
from .definitions import Question, Survey, SurveyVersion


class Respondent(models.Model):
    """A pseudonymous person answering for one organization.

    ``respondent_ref`` is non-secret (the brand may keep it); an external id
    from the brand is stored only as a keyed HMAC; the portal token (for the
    respondent alone) only as a SHA-256.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="respondents"
    )
    respondent_ref = models.CharField(max_length=32, unique=True)
    external_id_hmac = models.CharField(max_length=64, null=True, blank=True)
    portal_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id_hmac"],
                condition=Q(external_id_hmac__isnull=False),
                name="uniq_respondent_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.respondent_ref


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="responses")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.PARTIAL
    )
    locale = models.CharField(max_length=16, default="en")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # The channel link that brought the respondent, if any.
    channel_link = models.ForeignKey(
        "surveys.ChannelLink",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    is_test = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Web flow: where the respondent is, and a hashed resume token.
    current_section = models.CharField(max_length=64, blank=True)
    section_path = models.JSONField(default=list, blank=True)
    resume_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Quiz result.
    score = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    outcome_index = models.IntegerField(null=True, blank=True)
    quality_flags = models.JSONField(default=list, blank=True)
    aggregated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["survey", "status", "submitted_at"]),
            # What aggregation claims next: small, whatever the number stored.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(aggregated_at__isnull=True, status=ResponseStatus.COMPLETE),
                name="response_unaggregated",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ResponseStatus.PARTIAL) | Q(submitted_at__isnull=False),
                name="complete_response_has_submitted_at",
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)


class Answer(models.Model):
    """One typed value of a response, so SQL can aggregate it.

    One row per single answer; a multiple choice or ranking has one row per
    selected choice (ranking: ``number`` is the rank), a matrix one row per
    row item (``item`` is the row code).
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    question_code = models.CharField(max_length=64)
    item = models.CharField(max_length=64, blank=True, default="")
    choice = models.CharField(max_length=64, blank=True, default="")
    number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    text = models.TextField(blank=True, default="")
    date = models.DateField(null=True, blank=True)
    boolean = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question_code", "item", "choice"], name="uniq_answer_cell"
            ),
        ]
        indexes = [models.Index(fields=["question_code", "choice"])]

    def __str__(self) -> str:
        return f"{self.question_code}[{self.item}]"


class BehaviourEvent(models.Model):
    """Something a respondent *did* (the enacted half of the privacy paradox)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="behaviour_events"
    )
    respondent = models.ForeignKey(
        Respondent, on_delete=models.CASCADE, related_name="behaviour_events"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=64)
    value = models.JSONField(null=True, blank=True)
    occurred_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=EventSource.choices)
    idempotency_id = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_id"], name="uniq_event_idempotency"
            ),
        ]
        indexes = [models.Index(fields=["respondent", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}@{self.occurred_at:%Y-%m-%d}"


class IdempotencyRecord(models.Model):
    """The stored result of a write made with an ``Idempotency-Key`` header."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "scope", "key"], name="uniq_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
