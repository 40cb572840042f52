"""The metrics API: aggregates for analysts and researchers, never raw answers.

Every figure leaves through the disclosure rule (dashboards.services.disclosure).
"""

import copy
from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from surveys.enums import ApiScope, Role
from trustpulse.api.access import survey_access

from .metric_filter import FILTER_PARAMS, MetricFilterSerializer
from .selectors.counts import excluded_flagged
from .selectors.crosstab import CrossTabError, crosstab, declared_pairs, segment_dimensions
from .selectors.distributions import distribution, nps
from .selectors.filters import MetricFilter, declared_attributes
from .selectors.funnel import data_request_rate, funnel, policy_reading, withdrawal_rate
from .selectors.metrics import overview
from .selectors.paradox import paradox
from .selectors.quiz import quiz_score_distribution
from .selectors.trends import GRANULARITIES, trends

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


def figures() -> serializers.ListField:
    """A list of Figures (each list gets its own copy of the child serializer)."""
    return serializers.ListField(child=copy.deepcopy(FIGURE))


DATE_RANGE_HEADER = "TrustPulse-Date-Range"


class MetricsView(APIView):
    """A metrics endpoint; a dated answer names the range it covers in a header.

    Ranges are widened to whole grid cells (disclosure rule 7), so the range
    used may be wider than the one asked for: ``2026-10-26/2026-11-30``, an
    open end written ``..``.
    """

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        flt = getattr(request, "_metric_filter", None)
        if flt is not None and (flt.date_from or flt.date_to):
            ends = [d.isoformat() if d else ".." for d in (flt.date_from, flt.date_to)]
            response[DATE_RANGE_HEADER] = "/".join(ends)
        return response


def _filter(request: Request, survey_id: int) -> MetricFilter:
    survey = survey_access(
        request,
        survey_id,
        scope=ApiScope.METRICS_READ,
        roles=METRIC_ROLES,
        denied="Metrics are for admins, analysts and researchers.",
    )
    metric = MetricFilterSerializer(data=request.query_params, context={"survey": survey})
    metric.is_valid(raise_exception=True)
    request._metric_filter = flt = metric.metric_filter()  # type: ignore[attr-defined]
    return flt


class ParadoxView(MetricsView):
    @extend_schema(
        operation_id="metrics_paradox",
        summary="Privacy-paradox gap (stated minus enacted protection)",
        parameters=[
            *FILTER_PARAMS,
            OpenApiParameter(
                "by",
                str,
                description="Group by a segment (westin_segment, age_band, locale, channel) "
                "or a declared attribute.",
            ),
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
        if by:
            allowed = segment_dimensions(flt.survey)
            if by not in allowed:
                raise ValidationError({"by": [f"One of: {', '.join(allowed)}."]})
        return Response(asdict(paradox(flt, by=by)))


class DistributionView(MetricsView):
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


# One scale per figure, documented once (docs/DASHBOARDS.md, "Units").
UNITS = (
    "Units: `trust_index` and `privacy_concern_index` are means on 0–1 and `paradox_gap` "
    "is stated minus enacted protection on −1…1; the dashboards, their CSVs and the "
    "transparency report show these three ×100 (0–100, and points of 100). Every "
    "`*_share` and `opt_in` value is a share in 0–1 (shown as %). `responses` and every "
    "`n` are counts of people."
)


class OverviewView(MetricsView):
    @extend_schema(
        operation_id="metrics_overview",
        summary="Headline figures: responses, Trust Index, Privacy Concern, gap, shares",
        description=UNITS,
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


class FunnelView(MetricsView):
    @extend_schema(
        operation_id="metrics_funnel",
        summary="Consent funnel (notice shown → consented → completed → withdrawn) and rates",
        parameters=FILTER_PARAMS,
        responses=inline_serializer(
            "Funnel",
            {
                "min_cell": serializers.IntegerField(),
                "shown": FIGURE,
                "consented": FIGURE,
                "completed": FIGURE,
                "withdrawn": FIGURE,
                "withdrawal_rate": FIGURE,
                "data_request_rate": FIGURE,
                "excluded_flagged": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request, survey_id: int) -> Response:
        flt = _filter(request, survey_id)
        data = asdict(funnel(flt))
        data["withdrawal_rate"] = asdict(withdrawal_rate(flt))
        data["data_request_rate"] = asdict(data_request_rate(flt))
        data["excluded_flagged"] = excluded_flagged(flt)
        return Response(data)


class PolicyReadingView(MetricsView):
    @extend_schema(
        operation_id="metrics_policy_reading",
        summary="Stated policy reading (always) against actual notice opening",
        parameters=FILTER_PARAMS,
        responses=inline_serializer(
            "PolicyReading",
            {
                "min_cell": serializers.IntegerField(),
                "stated_always_read": FIGURE,
                "opened_notice": FIGURE,
                "excluded_flagged": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request, survey_id: int) -> Response:
        flt = _filter(request, survey_id)
        data = asdict(policy_reading(flt))
        data["excluded_flagged"] = excluded_flagged(flt)
        return Response(data)


class QuizScoresView(MetricsView):
    @extend_schema(
        operation_id="metrics_quiz_scores",
        summary="Quiz score distribution (responses per score bucket)",
        parameters=FILTER_PARAMS,
        responses=inline_serializer(
            "QuizScores",
            {
                "min_cell": serializers.IntegerField(),
                "buckets": serializers.ListField(
                    child=serializers.JSONField(),
                    help_text="Ordered by score: {bucket, n, value, ci_low, ci_high, suppressed}.",
                ),
                "excluded_flagged": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request, survey_id: int) -> Response:
        flt = _filter(request, survey_id)
        if flt.survey.kind != "quiz":
            raise ValidationError({"survey": ["Only quizzes have scores."]})
        buckets = [{"bucket": b, **asdict(f)} for b, f in quiz_score_distribution(flt)]
        return Response(
            {
                "min_cell": flt.min_cell,
                "buckets": buckets,
                "excluded_flagged": excluded_flagged(flt),
            }
        )


class CrossTabView(MetricsView):
    @extend_schema(
        operation_id="metrics_crosstab",
        summary="Cross-tab of a question by a segment dimension or a declared question",
        parameters=[
            *FILTER_PARAMS,
            OpenApiParameter(
                "row", str, required=True, pattern=r"^[\s\S]+$", description="Question code."
            ),
            OpenApiParameter("row_item", str, description="Matrix row code (matrix questions)."),
            OpenApiParameter(
                "column",
                str,
                required=True,
                pattern=r"^[\s\S]+$",
                description='"segment:<dimension>" or a question declared with row in '
                "analysis.crosstabs.",
            ),
        ],
        responses=inline_serializer(
            "CrossTab",
            {
                "row": serializers.CharField(),
                "column": serializers.CharField(),
                "rows": serializers.ListField(child=serializers.CharField()),
                "columns": serializers.ListField(child=serializers.CharField()),
                "cells": serializers.ListField(child=figures(), help_text="cells[row][column]"),
                "row_totals": figures(),
                "column_totals": figures(),
                "total": FIGURE,
                "min_cell": serializers.IntegerField(),
                "excluded_flagged": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request, survey_id: int) -> Response:
        flt = _filter(request, survey_id)
        q = request.query_params
        missing = {k: ["required"] for k in ("row", "column") if not q.get(k)}
        if missing:
            raise ValidationError(missing)
        try:
            table = crosstab(flt, row=q["row"], column=q["column"], row_item=q.get("row_item", ""))
        except CrossTabError as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc
        data = asdict(table)
        data["excluded_flagged"] = excluded_flagged(flt)
        return Response(data)


class DimensionsView(MetricsView):
    @extend_schema(
        operation_id="metrics_dimensions",
        summary="What a survey can be split by: segment dimensions and declared cross-tab pairs",
        responses=inline_serializer(
            "Dimensions",
            {
                "segments": serializers.ListField(
                    child=serializers.CharField(),
                    help_text="Built-in dimensions, then declared attributes.",
                ),
                "attributes": serializers.ListField(child=serializers.CharField()),
                "crosstabs": serializers.ListField(
                    child=serializers.JSONField(), help_text="[{row, column}] declared pairs."
                ),
                "paradox_thresholds": serializers.JSONField(
                    help_text="{stated_min, enacted_max} of the live version."
                ),
            },
        ),
    )
    def get(self, request: Request, survey_id: int) -> Response:
        from surveys.selectors import version_spec

        from .scoring import DEFAULT_THRESHOLDS, paradox_thresholds

        survey = _filter(request, survey_id).survey
        live = survey.live_version
        thresholds = paradox_thresholds(version_spec(live)) if live else DEFAULT_THRESHOLDS
        return Response(
            {
                "segments": segment_dimensions(survey),
                "attributes": declared_attributes(survey),
                "crosstabs": [{"row": r, "column": c} for r, c in declared_pairs(survey)],
                "paradox_thresholds": {
                    "stated_min": float(thresholds.stated_min),
                    "enacted_max": float(thresholds.enacted_max),
                },
            }
        )


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


class TrendsView(MetricsView):
    @extend_schema(
        operation_id="metrics_trends",
        summary="Headline figures per ISO week, month or quarter (each suppressed on its own)",
        description=UNITS
        + " The first and last periods may be partial (the range, or today, cuts them "
        "short): `start` is the period's first day, and a partial period is not comparable "
        "with a complete one (the dashboards mark it and compare complete periods only).",
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
