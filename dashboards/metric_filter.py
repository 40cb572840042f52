"""The metric filter: the one place query parameters become a MetricFilter.

The metrics API and the dashboard pages read the same parameters through
`MetricFilterSerializer`, so a rule (a date's format, the first day not after
the last, the 64-character cap on a segment value, which attributes a survey
declares) holds in both. `FILTER_PARAMS` documents them in the OpenAPI schema.

Quality-flagged responses are left out of every published figure
(docs/DISCLOSURE.md, rule 7): `quality=clean` and `include_flagged=false` are
accepted as the only values, for API clients that send them; `quality=all`
and `include_flagged=true` are refused with a field error that says so.
"""

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from surveys.models import Survey

from .selectors.filters import SEGMENTS, MetricFilter, declared_attributes

MAX_VALUE = 64
ATTRIBUTE = re.compile(r"^([a-z][a-z0-9_]{0,31}):(.{1,64})$", re.DOTALL)
QUALITY = ("clean",)
TRUE, FALSE = ("true", "1"), ("false", "0", "")
FLAGGED_LEFT_OUT = _(
    "Quality-flagged responses are left out of every published figure; the researchers'"
    " export lists them with their flags."
)


class _Date(serializers.DateField):
    default_error_messages = {"invalid": _("Enter a date as YYYY-MM-DD.")}


class _Segment(serializers.CharField):
    """A segment value: at most 64 characters, none of them NUL (PostgreSQL text cannot hold it)."""

    def __init__(self) -> None:
        super().__init__(required=False, allow_blank=True, trim_whitespace=False)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if "\x00" in value or len(value) > MAX_VALUE:
            raise serializers.ValidationError(_("This value is not allowed."), code="invalid")
        return str(value)


class MetricFilterSerializer(serializers.Serializer):
    """Reads `from`, `to`, `version`, `quality`/`include_flagged`, the segments and `attribute`.

    Context: `survey` (required); `default_from` and `default_to`, the first and
    last day when `from` or `to` is absent (the pages' period), checked like given ones.
    """

    version = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False
    )
    quality = serializers.CharField(required=False, trim_whitespace=False)
    include_flagged = serializers.CharField(required=False, trim_whitespace=False)
    attribute = serializers.ListField(
        child=serializers.CharField(trim_whitespace=False), required=False
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        declared = super().get_fields()  # "from" is a keyword: the dates are added here
        dates = {"from": _Date(required=False), "to": _Date(required=False)}
        return {**dates, **declared, **{name: _Segment() for name in SEGMENTS}}

    def validate_version(self, value: list[str]) -> list[int]:
        if any(v and not (v.isascii() and v.isdigit() and len(v) < 10) for v in value):
            raise serializers.ValidationError(_("Version numbers are whole numbers."))
        return [int(v) for v in value if v]

    def validate_quality(self, value: str) -> str:
        if value not in QUALITY:
            raise serializers.ValidationError(FLAGGED_LEFT_OUT, code="invalid")
        return value

    def validate_include_flagged(self, value: str) -> bool:
        if value.lower() not in TRUE + FALSE:
            raise serializers.ValidationError(_("true or false."))
        if value.lower() in TRUE:
            raise serializers.ValidationError(FLAGGED_LEFT_OUT, code="invalid")
        return False

    def validate_attribute(self, value: list[str]) -> dict[str, str]:
        attributes: dict[str, str] = {}
        for raw in value:
            match = ATTRIBUTE.match(raw)
            if match is None or "\x00" in raw:
                raise serializers.ValidationError(_("As name:value, e.g. region:north."))
            if match.group(1) in attributes:
                raise serializers.ValidationError(
                    _("%(name)s is given twice.") % {"name": match.group(1)}
                )
            attributes[match.group(1)] = match.group(2)
        if attributes:
            unknown = sorted(set(attributes) - set(declared_attributes(self.survey)))
            if unknown:
                raise serializers.ValidationError(
                    _("Not declared by this survey: %(names)s.") % {"names": ", ".join(unknown)}
                )
        return attributes

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        date_from = attrs.get("from") or self.context.get("default_from")
        date_to = attrs.get("to") or self.context.get("default_to")
        if date_from and date_to and date_from > date_to:
            raise serializers.ValidationError(
                {"to": [_("The last day comes before the first day.")]}, code="before_from"
            )
        attrs["from"], attrs["to"] = date_from, date_to
        return attrs

    @property
    def survey(self) -> Survey:
        survey: Survey = self.context["survey"]
        return survey

    def metric_filter(self) -> MetricFilter:
        """The filter the valid parameters describe (call `is_valid()` first)."""
        data = self.validated_data
        date_from: dt.date | None = data.get("from")
        return MetricFilter(
            survey=self.survey,
            versions=data.get("version") or None,
            date_from=date_from,
            date_to=data.get("to"),
            segments={s: data[s] for s in SEGMENTS if data.get(s)},
            attributes=data.get("attribute", {}),
        )


def field_errors(errors: Any) -> list[dict[str, str]]:
    """`serializer.errors` as the error list the pages show: {field, code, message}."""
    return [
        {"field": name, "code": detail.code or "invalid", "message": str(detail)}
        for name, details in errors.items()
        for detail in details
    ]


SEGMENT_VALUE = {"type": "string", "maxLength": MAX_VALUE, "pattern": r"^[^\x00]*$"}

FILTER_PARAMS = [
    OpenApiParameter(
        "from",
        dt.date,
        description="First day (organization's time zone); moved back to the first day of its"
        " month (docs/DISCLOSURE.md, rule 7).",
    ),
    OpenApiParameter(
        "to",
        dt.date,
        description="Last day, inclusive, not before `from`; moved on to the last day of its"
        " month. The range used is in the TrustPulse-Date-Range header.",
    ),
    OpenApiParameter(
        "version",
        {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 999_999_999}},
        style="form",
        explode=True,
        description="Survey version numbers.",
    ),
    OpenApiParameter(
        "quality",
        str,
        enum=list(QUALITY),
        description="`clean`, the only value: quality-flagged responses are left out of every"
        " published figure (docs/DISCLOSURE.md).",
    ),
    OpenApiParameter(
        "include_flagged",
        bool,
        description="`false`, the only value accepted (quality-flagged responses are left out).",
    ),
    *[OpenApiParameter(s, SEGMENT_VALUE, description=f"Only this {s}.") for s in SEGMENTS],
    OpenApiParameter(
        "attribute",
        str,
        many=True,
        pattern=r"^[a-z][a-z0-9_]{0,31}:[^\x00]{1,64}$",
        description="Only respondents with this declared attribute value, as name:value "
        "(e.g. region:north), a name this survey declares, each name once; repeat for several.",
    ),
]
