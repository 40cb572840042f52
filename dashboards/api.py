"""The metrics API: aggregates for analysts and researchers, never raw answers.

Everything leaves through the suppression service (dashboards.services.metrics).
"""

import datetime as dt
from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from surveys.enums import ApiScope, Role
from surveys.selectors import actor_for_api_key, actor_for_user, survey_get
from surveys.selectors.access import Actor

from .services import MetricFilter, distribution, nps, overview, paradox
from .services.metrics import SEGMENTS
from .services.trends import GRANULARITIES, trends

METRIC_ROLES = {Role.ADMIN, Role.ANALYST, Role.RESEARCHER}

FIGURE = inline_serializer(
    "Figure",
    {
        "n": serializers.IntegerField(allow_null=True),
        "value": serializers.FloatField(allow_null=True),
        "ci_low": serializers.FloatField(allow_null=True),
        "ci_high": serializers.FloatField(allow_null=True),
        "suppressed": serializers.BooleanField(),
    },
)
FILTER_PARAMS = [
    OpenApiParameter("from", dt.date, description="First day (organization's time zone)."),
    OpenApiParameter("to", dt.date, description="Last day, inclusive."),
    OpenApiParameter("version", int, many=True, description="Survey version numbers."),
    OpenApiParameter("include_flagged", bool, description="Count quality-flagged responses."),
    *[OpenApiParameter(s, str, description=f"Only this {s}.") for s in SEGMENTS],
]


def _actor(request: Request) -> Actor:
    key = getattr(request.user, "api_key", None)
    if key is not None:
        if ApiScope.METRICS_READ not in key.scopes:
            raise PermissionDenied("This API key lacks the metrics:read scope.")
        return actor_for_api_key(key)
    return actor_for_user(request.user)  # type: ignore[arg-type]


def _filter(request: Request, survey_id: int) -> MetricFilter:
    actor = _actor(request)
    survey = survey_get(actor=actor, pk=survey_id)
    if survey is None:
        raise NotFound()
    if actor.api_key is None and not actor.can(survey.organization_id, roles=METRIC_ROLES):
        raise PermissionDenied("Metrics are for admins, analysts and researchers.")
    q = request.query_params
    errors: dict[str, Any] = {}
    dates: dict[str, dt.date | None] = {}
    for name in ("from", "to"):
        try:
            dates[name] = dt.date.fromisoformat(q[name]) if q.get(name) else None
        except ValueError:
            errors[name] = ["A date as YYYY-MM-DD."]
    versions: list[int] = []
    for v in q.getlist("version"):
        if not (v.isascii() and v.isdigit() and len(v) < 10):
            errors["version"] = ["Version numbers are whole numbers."]
        else:
            versions.append(int(v))
    flagged = q.get("include_flagged", "false").lower()
    if flagged not in ("true", "false", "1", "0"):
        errors["include_flagged"] = ["true or false."]
    for name in SEGMENTS:
        if "\x00" in q.get(name, ""):  # PostgreSQL text cannot hold it
            errors[name] = ["Contains characters that are not allowed."]
    if errors:
        raise ValidationError(errors)
    return MetricFilter(
        survey=survey,
        versions=versions or None,
        date_from=dates["from"],
        date_to=dates["to"],
        include_flagged=flagged in ("true", "1"),
        segments={s: q[s] for s in SEGMENTS if q.get(s)},
    )


class ParadoxView(APIView):
    @extend_schema(
        operation_id="metrics_paradox",
        summary="Privacy-paradox gap (stated minus enacted protection)",
        parameters=[
            *FILTER_PARAMS,
            OpenApiParameter("by", str, enum=list(SEGMENTS), description="Group by a segment."),
        ],
        responses=inline_serializer(
            "ParadoxReport",
            {
                "by": serializers.CharField(allow_null=True),
                "min_cell": serializers.IntegerField(),
                "excluded_flagged": serializers.IntegerField(allow_null=True),
                "groups": inline_serializer(
                    "ParadoxGroup",
                    {
                        "key": serializers.CharField(),
                        "respondents": FIGURE,
                        "stated": FIGURE,
                        "enacted": FIGURE,
                        "gap": FIGURE,
                        "paradoxical_share": FIGURE,
                        "correlation": FIGURE,
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request: Request, survey_id: int) -> Response:
        flt = _filter(request, survey_id)
        by = request.query_params.get("by")
        if by and by not in SEGMENTS:
            raise ValidationError({"by": [f"One of: {', '.join(SEGMENTS)}."]})
        return Response(asdict(paradox(flt, by=by)))


class DistributionView(APIView):
    @extend_schema(
        operation_id="metrics_question_distribution",
        summary="Answer counts per choice or value of one question (never free text)",
        parameters=[
            *FILTER_PARAMS,
            OpenApiParameter("item", str, description="Matrix row code."),
        ],
        responses=inline_serializer(
            "Distribution",
            {
                "question": serializers.CharField(),
                "item": serializers.CharField(),
                "min_cell": serializers.IntegerField(),
                "total": FIGURE,
                "buckets": serializers.ListField(child=serializers.JSONField()),
                "mean": FIGURE,
                "excluded_flagged": serializers.IntegerField(allow_null=True),
                "nps": FIGURE,
            },
        ),
    )
    def get(self, request: Request, survey_id: int, code: str) -> Response:
        flt = _filter(request, survey_id)
        version = flt.survey.live_version
        question = version.questions.filter(code=code).first() if version else None
        if question is None:
            raise NotFound("No such question in the live version.")
        if question.type in ("short_text", "long_text"):
            raise ValidationError({"question": ["Free text is never aggregated for analysts."]})
        data = asdict(distribution(flt, question=code, item=request.query_params.get("item", "")))
        data["buckets"] = [{"bucket": b, **f} for b, f in data["buckets"]]
        data["nps"] = asdict(nps(flt, question=code)) if question.type == "nps" else None
        return Response(data)


class OverviewView(APIView):
    @extend_schema(
        operation_id="metrics_overview",
        summary="Headline figures: responses, Trust Index, Privacy Concern, gap, shares",
        parameters=FILTER_PARAMS,
        responses=inline_serializer(
            "Overview",
            {
                "min_cell": serializers.IntegerField(),
                "responses": FIGURE,
                "trust_index": FIGURE,
                "privacy_concern_index": FIGURE,
                "paradox_gap": FIGURE,
                "paradoxical_share": FIGURE,
                "privacy_actives_share": FIGURE,
                "westin": serializers.ListField(child=serializers.JSONField()),
                "opt_in": serializers.ListField(
                    child=serializers.JSONField(),
                    help_text="Per optional purpose: share of respondents who granted it.",
                ),
                "excluded_flagged": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request, survey_id: int) -> Response:
        data = asdict(overview(_filter(request, survey_id)))
        data["westin"] = [{"segment": s, **f} for s, f in data["westin"]]
        data["opt_in"] = [{"purpose": p, **f} for p, f in data["opt_in"]]
        return Response(data)


PERIOD = inline_serializer(
    "TrendPeriod",
    {
        "start": serializers.DateField(allow_null=True),
        "label": serializers.CharField(),
        "responses": FIGURE,
        "trust_index": FIGURE,
        "privacy_concern_index": FIGURE,
        "paradox_gap": FIGURE,
        "paradoxical_share": FIGURE,
        "privacy_actives_share": FIGURE,
    },
)


class TrendsView(APIView):
    @extend_schema(
        operation_id="metrics_trends",
        summary="Headline figures per ISO week, month or quarter (each suppressed on its own)",
        parameters=[
            *FILTER_PARAMS,
            OpenApiParameter(
                "granularity",
                str,
                enum=list(GRANULARITIES),
                description="Period length (default month). Weeks are ISO weeks, Monday first.",
            ),
        ],
        responses=inline_serializer(
            "Trends",
            {
                "granularity": serializers.ChoiceField(choices=list(GRANULARITIES)),
                "min_cell": serializers.IntegerField(),
                "periods": PERIOD.__class__(many=True),
                "total": PERIOD,
            },
        ),
    )
    def get(self, request: Request, survey_id: int) -> Response:
        flt = _filter(request, survey_id)
        granularity = request.query_params.get("granularity", "month")
        if granularity not in GRANULARITIES:
            raise ValidationError({"granularity": [f"One of: {', '.join(GRANULARITIES)}."]})
        data = asdict(trends(flt, granularity=granularity))
        data["total"]["start"] = None
        return Response(data)
