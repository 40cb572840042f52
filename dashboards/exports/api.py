"""The exports API (/api/v1/exports/): jobs, signed downloads, export settings, DP releases.

Exports are for signed-in admins and researchers of the survey's organization
(API keys have no export scope); another organization's objects are 404, a
member with another role gets 403.
"""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.files.storage import storages
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from surveys.models import Survey
from trustpulse.api.access import MAX_ID, require_session, survey_access
from trustpulse.api.schema import READ, WRITE, errors
from trustpulse.api.views import ApiView

from ..enums import DPMechanism, ExportFormat, ExportLayout, TimeGranularity
from ..models import DPRelease, ExportJob, SurveyExportSettings
from . import dp, selectors, services
from .selectors import EXPORT_ROLES, SETTINGS_EDIT_ROLES, SETTINGS_READ_ROLES
from .validation import MAX_K


class ExportJobSerializer(serializers.ModelSerializer):
    survey = serializers.IntegerField(source="survey_id")
    created_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    study_key = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "survey",
            "versions",
            "columns",
            "format",
            "layout",
            "excel_bom",
            "k",
            "l_diversity",
            "max_suppression",
            "purpose",
            "language",
            "study_key",
            "status",
            "progress",
            "rows_total",
            "rows_written",
            "file_size",
            "report",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_created_by(self, obj: ExportJob) -> str:
        return obj.created_by.get_username() if obj.created_by else ""

    def get_study_key(self, obj: ExportJob) -> bool:
        return bool(obj.study_key_hmac)

    def get_download_url(self, obj: ExportJob) -> str | None:
        """A signed link, valid EXPORT_LINK_MAX_AGE seconds, while the file exists."""
        if not services.export_downloadable(obj):
            return None
        url = reverse("exports-api:download", kwargs={"pk": obj.pk})
        return f"{url}?token={services.export_download_token(obj)}"


class ExportCreateSerializer(serializers.Serializer):
    survey = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    layout = serializers.ChoiceField(choices=ExportLayout.choices, default=ExportLayout.WIDE)
    purpose = serializers.CharField(max_length=2000, allow_blank=True)
    versions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=10**6), default=list, max_length=100
    )
    columns = serializers.ListField(
        child=serializers.CharField(max_length=64), default=list, max_length=2000
    )
    k = serializers.IntegerField(required=False, min_value=2, max_value=MAX_K)
    l_diversity = serializers.IntegerField(required=False, allow_null=True, min_value=2)
    max_suppression = serializers.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal("0.05")
    )
    excel_bom = serializers.BooleanField(default=False)
    study_key = serializers.CharField(max_length=200, default="", allow_blank=True)


def _survey(view: ApiView, survey_id: int, roles: set[str]) -> Survey:
    return survey_access(
        view.request,
        survey_id,
        scope=None,
        roles=roles,
        denied="Your role cannot do this.",
        session_only="Research exports",
    )


def _job(view: ApiView, pk: UUID) -> ExportJob:
    actor = view.actor
    require_session(actor, "Research exports")
    job = selectors.export_get_any_role(actor=actor, pk=pk)
    if job is None:
        raise NotFound("No such export.")
    if not actor.can(job.organization_id, roles=EXPORT_ROLES):
        raise PermissionDenied("Exports are for admins and researchers.")
    return job


class ExportListView(ApiView):
    @extend_schema(
        operation_id="exports_list",
        summary="Research exports of the caller's organizations, newest first",
        parameters=[OpenApiParameter("survey", int, description="Only this survey's exports.")],
        responses={200: ExportJobSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request) -> Response:
        require_session(self.actor, "Research exports")
        raw = request.query_params.get("survey", "")
        survey_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        if raw and survey_id is None:
            raise serializers.ValidationError({"survey": ["A survey id."]})
        return self.paginated(
            selectors.export_list(actor=self.actor, survey_id=survey_id), ExportJobSerializer
        )

    @extend_schema(
        operation_id="exports_create",
        summary="Start an anonymized export (admins and researchers); runs in the background",
        request=ExportCreateSerializer,
        responses={202: ExportJobSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request) -> Response:
        s = ExportCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(s.validated_data)
        survey = _survey(self, data.pop("survey"), EXPORT_ROLES)
        job = services.export_create(
            survey=survey, user=self.actor.user, language=get_language(), **data
        )
        job.refresh_from_db()
        return Response(ExportJobSerializer(job).data, status=202)


class ExportDetailView(ApiView):
    @extend_schema(
        operation_id="exports_retrieve",
        summary="One export: status, progress, anonymization report, signed download link",
        responses={200: ExportJobSerializer, **errors(*READ)},
    )
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(ExportJobSerializer(_job(self, pk)).data)


class ExportCancelView(ApiView):
    @extend_schema(
        operation_id="exports_cancel",
        summary="Cancel a queued or running export",
        request=None,
        responses={200: ExportJobSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: UUID) -> Response:
        job = services.export_cancel(job=_job(self, pk), user=self.actor.user)
        return Response(ExportJobSerializer(job).data)


class ExportDownloadView(ApiView):
    @extend_schema(
        operation_id="exports_download",
        summary="Download the export's zip (data file and codebooks) with a signed link",
        parameters=[
            OpenApiParameter("token", str, required=True, description="From download_url.")
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            410: OpenApiResponse(description="The file has expired and was deleted."),
            **errors(*READ),
        },
    )
    def get(self, request: Request, pk: UUID) -> Any:
        job = _job(self, pk)
        if not services.export_download_token_valid(job, request.query_params.get("token", "")):
            raise PermissionDenied("This download link is invalid or has expired.")
        if not services.export_downloadable(job):
            return Response(
                {"errors": [{"field": "$", "code": "gone", "message": "The file is gone."}]},
                status=410,
            )
        services.export_download_logged(job=job, user=self.actor.user)
        f = storages["exports"].open(job.file_name, "rb")
        name = f"trustpulse-{job.survey.slug}-{str(job.pk)[:8]}.zip"
        response = FileResponse(
            f, as_attachment=True, filename=name, content_type="application/zip"
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ExportSettingsSerializer(serializers.ModelSerializer):
    quasi_identifiers = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=50
    )
    sensitive_attributes = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=50
    )
    include_free_text = serializers.BooleanField()
    time_granularity = serializers.ChoiceField(choices=TimeGranularity.choices)
    epsilon_budget = serializers.DecimalField(max_digits=8, decimal_places=4)
    epsilon_spent = serializers.SerializerMethodField()

    class Meta:
        model = SurveyExportSettings
        fields = [
            "quasi_identifiers",
            "sensitive_attributes",
            "include_free_text",
            "time_granularity",
            "epsilon_budget",
            "epsilon_spent",
            "updated_at",
        ]
        read_only_fields = ["epsilon_spent", "updated_at"]

    def get_epsilon_spent(self, obj: SurveyExportSettings) -> str:
        return str(services.epsilon_spent(survey=obj.survey))


class ExportSettingsView(ApiView):
    @extend_schema(
        operation_id="export_settings_retrieve",
        summary="A survey's export settings: quasi-identifiers, sensitive attributes, free text",
        responses={200: ExportSettingsSerializer, **errors(*READ)},
    )
    def get(self, request: Request, survey_id: int) -> Response:
        survey = _survey(self, survey_id, SETTINGS_READ_ROLES)
        return Response(ExportSettingsSerializer(services.export_settings_get(survey=survey)).data)

    @extend_schema(
        operation_id="export_settings_update",
        summary="Replace a survey's export settings (admins and authors)",
        request=ExportSettingsSerializer,
        responses={200: ExportSettingsSerializer, **errors(*WRITE)},
    )
    def put(self, request: Request, survey_id: int) -> Response:
        survey = _survey(self, survey_id, SETTINGS_EDIT_ROLES)
        s = ExportSettingsSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        obj = services.export_settings_update(
            survey=survey, user=self.actor.user, **s.validated_data
        )
        return Response(ExportSettingsSerializer(obj).data)


class DPVariableSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    lower = serializers.FloatField()
    upper = serializers.FloatField()


class DPReleaseSerializer(serializers.ModelSerializer):
    variables = DPVariableSerializer(many=True)
    table = serializers.ListField(child=serializers.JSONField(), read_only=True)
    noise = serializers.JSONField(read_only=True)

    class Meta:
        model = DPRelease
        fields = [
            "id",
            "purpose",
            "mechanism",
            "epsilon",
            "delta",
            "segment_by",
            "variables",
            "table",
            "noise",
            "created_at",
        ]
        read_only_fields = ["id", "table", "noise", "created_at"]
        extra_kwargs = {"segment_by": {"required": False, "allow_blank": True}}


class DPReleaseListView(ApiView):
    @extend_schema(
        operation_id="dp_releases_list",
        summary="A survey's differential-privacy releases (admins and researchers)",
        responses={200: DPReleaseSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, survey_id: int) -> Response:
        survey = _survey(self, survey_id, EXPORT_ROLES)
        return self.paginated(selectors.dp_release_list(survey=survey), DPReleaseSerializer)

    @extend_schema(
        operation_id="dp_releases_create",
        summary="Release noised counts and means per segment, spending ε of the survey's budget",
        request=DPReleaseSerializer,
        responses={201: DPReleaseSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, survey_id: int) -> Response:
        survey = _survey(self, survey_id, EXPORT_ROLES)
        s = DPReleaseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if d["mechanism"] not in DPMechanism.values:  # pragma: no cover - ChoiceField checks
            raise serializers.ValidationError({"mechanism": ["laplace or gaussian."]})
        release = dp.dp_release_create(
            survey=survey,
            user=self.actor.user,
            purpose=d["purpose"],
            mechanism=d["mechanism"],
            epsilon=d["epsilon"],
            delta=d.get("delta"),
            segment_by=d.get("segment_by", ""),
            variables=[dp.DPVariable(**v) for v in d["variables"]],
        )
        return Response(DPReleaseSerializer(release).data, status=201)
