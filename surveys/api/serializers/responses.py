"""Shapes of submissions and of responses as the API reads them back."""

import re
from typing import Any

from rest_framework import serializers

from trustpulse.api.serializers import StrictSerializer

from ...enums import (
    Channel,
    ResponseStatus,
)
from ...models import (
    Answer,
    Response,
)

# Responses ---------------------------------------------------------------------------


class AnswerInSerializer(StrictSerializer):
    question = serializers.CharField(max_length=64, help_text="The question's code.")
    value = serializers.JSONField(
        required=False, allow_null=True, help_text="Typed per question type (see the docs)."
    )
    other = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=20000
    )


class ConsentInSerializer(serializers.Serializer):
    notice_version = serializers.IntegerField()
    purposes = serializers.ListField(child=serializers.CharField())
    timestamp = serializers.DateTimeField(required=False)


class SubmissionSerializer(StrictSerializer):
    answers = AnswerInSerializer(many=True, max_length=2000)
    locale = serializers.CharField(required=False, allow_null=True, max_length=16)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    external_id = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=255,
        help_text="The brand's id of the respondent; stored only as a keyed HMAC.",
    )
    is_test = serializers.BooleanField(default=False)
    consent = ConsentInSerializer(
        required=False,
        allow_null=True,
        help_text="Required when the survey has a consent notice.",
    )


_SUBMISSION_KEYS = frozenset({"answers", "locale", "channel", "external_id", "is_test", "consent"})
_ANSWER_KEYS = frozenset({"question", "value", "other"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain(value: Any, max_length: int, *, blank: bool = False) -> bool:
    """A string `serializers.CharField` keeps exactly as it is (no trimming, no error)."""
    return (
        isinstance(value, str)
        and len(value) <= max_length
        and (blank or value != "")
        and value == value.strip()
        and not _SURROGATE.search(value)
    )


def submission_fast(data: Any) -> dict[str, Any] | None:
    """`SubmissionSerializer(data=data).validated_data` for a plainly well-formed body.

    None for anything else: the serializer then runs and reports the errors.
    Only bodies the serializer accepts unchanged pass here (tests compare the
    two on generated bodies); submissions are the API's hottest path, and the
    serializer's nested field copies and per-item validation cost more than
    the rest of the request's Python.
    """
    if not isinstance(data, dict) or not data.keys() <= _SUBMISSION_KEYS:
        return None
    answers = data.get("answers")
    if not isinstance(answers, list) or len(answers) > 2000:
        return None
    for item in answers:
        if not isinstance(item, dict) or not item.keys() <= _ANSWER_KEYS:
            return None
        if not _plain(item.get("question"), 64):
            return None
        if (
            "other" in item
            and item["other"] is not None
            and not _plain(item["other"], 20000, blank=True)
        ):
            return None
    out: dict[str, Any] = {"answers": [dict(item) for item in answers]}
    if "locale" in data:
        if data["locale"] is not None and not _plain(data["locale"], 16):
            return None
        out["locale"] = data["locale"]
    channel = data.get("channel", Channel.API)
    if not isinstance(channel, str) or channel not in Channel.values:
        return None
    out["channel"] = channel
    if "external_id" in data:
        if data["external_id"] is not None and not _plain(data["external_id"], 255):
            return None
        out["external_id"] = data["external_id"]
    is_test = data.get("is_test", False)
    if not isinstance(is_test, bool):
        return None
    out["is_test"] = is_test
    if "consent" in data:
        consent = data["consent"]
        if consent is not None:
            if not isinstance(consent, dict):
                return None
            number, purposes = consent.get("notice_version"), consent.get("purposes")
            if isinstance(number, bool) or not isinstance(number, int) or abs(number) > 2**31:
                return None
            if not isinstance(purposes, list) or not all(_plain(p, 10**6) for p in purposes):
                return None
            if "timestamp" in consent:
                return None  # parsed by the serializer (a datetime in its validated data)
            consent = {"notice_version": number, "purposes": list(purposes)}
        out["consent"] = consent
    return out


class AnswerSerializer(serializers.ModelSerializer):
    number = serializers.DecimalField(
        max_digits=20, decimal_places=6, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = Answer
        fields = ["question_code", "item", "choice", "number", "text", "date", "boolean"]
        read_only_fields = fields


class SubmittedSerializer(serializers.ModelSerializer):
    """The result of a submission (stored with its idempotency key, replayed as is)."""

    id = serializers.CharField(read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    respondent_ref = serializers.CharField(source="respondent.respondent_ref", read_only=True)
    score = serializers.FloatField(allow_null=True, read_only=True)
    max_score = serializers.FloatField(allow_null=True, read_only=True)
    quality_flags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "survey",
            "version",
            "respondent_ref",
            "status",
            "locale",
            "channel",
            "is_test",
            "submitted_at",
            "score",
            "max_score",
            "outcome_index",
            "quality_flags",
        ]
        read_only_fields = fields


def submitted_body(response: Response) -> dict[str, Any]:
    """What `SubmittedSerializer` gives for `response`, built directly (the submission path
    answers hundreds of these a second; tests hold the two equal)."""
    submitted = response.submitted_at
    return {
        "id": str(response.pk),
        "survey": response.survey_id,
        "version": response.version.number,
        "respondent_ref": response.respondent.respondent_ref,
        "status": response.status,
        "locale": response.locale,
        "channel": response.channel,
        "is_test": response.is_test,
        "submitted_at": serializers.DateTimeField().to_representation(submitted)
        if submitted
        else None,
        "score": float(response.score) if response.score is not None else None,
        "max_score": float(response.max_score) if response.max_score is not None else None,
        "outcome_index": response.outcome_index,
        "quality_flags": [str(flag) for flag in response.quality_flags],
    }


class SurveyResponseSerializer(SubmittedSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(SubmittedSerializer.Meta):
        fields = [*SubmittedSerializer.Meta.fields, "started_at", "answers"]
        read_only_fields = fields


class ResponseFilterSerializer(serializers.Serializer):
    survey = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(choices=ResponseStatus.choices, required=False)
    submitted_after = serializers.DateTimeField(required=False)
    submitted_before = serializers.DateTimeField(required=False)
