"""Serializers every API shares: the error shape, and bodies that refuse unknown fields."""

from typing import Any

from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """Names every unknown field of the body as an error (a typo never passes silently)."""

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        errors = {
            key: [serializers.ErrorDetail("unknown field", code="unknown_field")] for key in unknown
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **errors}) from None
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="Path of the offending value, e.g. `answers[3].value`; `$` for the whole body."
    )
    code = serializers.CharField(help_text="Machine-readable reason, e.g. `out_of_range`.")
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    errors = ErrorItemSerializer(many=True)
