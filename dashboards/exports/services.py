"""Research exports: settings, jobs, the run itself, cancellation and signed download links.

Writes validate first and write in one transaction; the run is a Celery task
(dashboards.tasks.export_run) that reads the survey twice through
surveys.selectors.exports (constant memory), anonymizes with
dashboards.exports.anonymization and writes a zip bundle (data file and
codebooks) to the "exports" storage.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_supported_language_variant, gettext

from surveys.enums import AuditAction, VersionStatus
from surveys.models import Answer, Survey, SurveyVersion, User
from surveys.selectors import QuestionSpec, version_spec
from surveys.selectors.exports import export_responses
from surveys.services import audit_log
from trustpulse.validation import FieldError, ServiceValidationError

from ..enums import (
    FINISHED_STATUSES,
    ExportFormat,
    ExportLayout,
    ExportStatus,
    TimeGranularity,
)
from ..models import DPRelease, ExportJob, SurveyExportSettings
from .formats import XLSX_MAX_ROWS
from .table import QI_TYPES, RESPONSE_FIELDS
from .validation import (
    anonymity_errors,
    budget_errors,
    err,
    granularity_errors,
    max_suppression_of,
    purpose_errors,
    quasi_identifier_errors,
    selection_errors,
    sensitive_attribute_errors,
    shape_errors,
)

DOWNLOAD_SALT = "dashboards.exports.download"


def survey_questions(
    survey: Survey, versions: Sequence[SurveyVersion] | None = None
) -> list[QuestionSpec]:
    """Questions of the given (default: all published) versions by code, newest definition first."""
    if versions is None:
        versions = list(survey.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number"))
    seen: dict[str, QuestionSpec] = {}
    order: list[str] = []
    for v in sorted(versions, key=lambda v: -v.number):
        for q in version_spec(v).questions:
            if q.code not in seen:
                seen[q.code] = q
                order.append(q.code)
    # Keep the newest version's question order, older-only questions after.
    return [seen[c] for c in order]


def export_settings_defaults(survey: Survey) -> dict[str, Any]:
    questions = survey_questions(survey)
    return {
        "quasi_identifiers": [
            q.code for q in questions if q.quasi_identifier and q.type in QI_TYPES
        ]
        + list(RESPONSE_FIELDS),
        "sensitive_attributes": [],
        "include_free_text": False,
        "time_granularity": TimeGranularity.MONTH,
    }


def export_settings_get(*, survey: Survey) -> SurveyExportSettings:
    """The survey's export settings, created with the defaults on first use."""
    obj = SurveyExportSettings.objects.filter(survey=survey).first()
    if obj is None:
        obj, _ = SurveyExportSettings.objects.get_or_create(
            survey=survey, defaults=export_settings_defaults(survey)
        )
    return obj


def epsilon_spent(*, survey: Survey) -> Decimal:
    total = DPRelease.objects.filter(survey=survey).aggregate(s=Sum("epsilon"))["s"]
    return Decimal(total or 0)


@transaction.atomic
def export_settings_update(
    *,
    survey: Survey,
    user: User | None,
    quasi_identifiers: Sequence[str],
    sensitive_attributes: Sequence[str],
    include_free_text: bool,
    time_granularity: str,
    epsilon_budget: Decimal,
) -> SurveyExportSettings:
    """Validate and store a survey's export settings (audited as a survey update)."""
    questions = {q.code: q for q in survey_questions(survey)}
    errors = [
        *quasi_identifier_errors(quasi_identifiers, questions),
        *sensitive_attribute_errors(sensitive_attributes, quasi_identifiers, questions),
        *granularity_errors(time_granularity),
        *budget_errors(epsilon_budget, epsilon_spent(survey=survey)),
    ]
    if errors:
        raise ServiceValidationError(errors)
    obj = export_settings_get(survey=survey)
    SurveyExportSettings.objects.select_for_update().filter(pk=obj.pk).first()
    obj.quasi_identifiers = list(quasi_identifiers)
    obj.sensitive_attributes = list(sensitive_attributes)
    obj.include_free_text = include_free_text
    obj.time_granularity = time_granularity
    obj.epsilon_budget = epsilon_budget
    obj.updated_by = user
    obj.save()
    audit_log(
        organization=survey.organization,
        action=AuditAction.SURVEY_UPDATED,
        actor=user,
        target=survey,
        data={
            "export_settings": {
                "quasi_identifiers": obj.quasi_identifiers,
                "sensitive_attributes": obj.sensitive_attributes,
                "include_free_text": include_free_text,
                "time_granularity": time_granularity,
                "epsilon_budget": str(epsilon_budget),
            }
        },
    )
    return obj


def versions_for(survey: Survey, numbers: Sequence[int]) -> list[SurveyVersion]:
    qs = survey.versions.filter(status=VersionStatus.PUBLISHED)
    if numbers:
        qs = qs.filter(number__in=list(numbers))
    return list(qs.order_by("number"))


@transaction.atomic
def export_create(
    *,
    survey: Survey,
    user: User | None,
    format: str,
    purpose: str,
    layout: str = ExportLayout.WIDE,
    versions: Sequence[int] = (),
    columns: Sequence[str] = (),
    k: int | None = None,
    l_diversity: int | None = None,
    excel_bom: bool = False,
    study_key: str = "",
    max_suppression: Decimal | float | str = Decimal("0.05"),
    language: str = "",
) -> ExportJob:
    """Validate an export request, record it (and its audit event) and queue the run.

    `language` is the requester's: the codebooks are written in it."""
    purpose = (purpose or "").strip()
    k = settings.EXPORT_K if k is None else k
    cfg = export_settings_get(survey=survey)
    errors = [*purpose_errors(purpose), *shape_errors(format, layout)]
    errors += anonymity_errors(k, l_diversity, cfg)
    max_supp = max_suppression_of(max_suppression, errors)
    chosen = versions_for(survey, versions)
    codes = {q.code for q in survey_questions(survey, chosen)} if chosen else set()
    errors += selection_errors(
        versions=versions, chosen=chosen, columns=columns, codes=codes, study_key=study_key
    )
    if not errors:
        errors += _row_limit_errors(survey, chosen, format, layout, columns)
    if errors:
        raise ServiceValidationError(errors)
    job = ExportJob.objects.create(
        organization=survey.organization,
        survey=survey,
        versions=[v.number for v in chosen] if versions else [],
        columns=list(columns),
        format=format,
        layout=layout,
        excel_bom=excel_bom,
        k=k,
        l_diversity=l_diversity,
        max_suppression=max_supp,
        purpose=purpose,
        study_key_hmac=_study_key_hmac(survey, study_key),
        language=_language(language),
        created_by=user,
    )
    audit_log(
        organization=survey.organization,
        action=AuditAction.EXPORT_CREATED,
        actor=user,
        target=job,
        data={"stage": "requested", **audit_params(job, cfg)},
    )
    from .. import tasks

    job_id = str(job.pk)
    transaction.on_commit(lambda: tasks.export_run.delay(job_id))
    return job


def _study_key_hmac(survey: Survey, study_key: str) -> str:
    """What is kept of a researcher's study key (it salts the pseudonymous ids)."""
    if not study_key:
        return ""
    return hmac.new(
        settings.SECRET_KEY.encode(),
        f"study-key:{survey.organization_id}:{study_key}".encode(),
        hashlib.sha256,
    ).hexdigest()


def _language(language: str) -> str:
    """A code of LANGUAGES for `language` (`zh-TW` → `zh-hant`), else the site's default."""
    try:
        return get_supported_language_variant(language) if language else settings.LANGUAGE_CODE
    except LookupError:
        return str(settings.LANGUAGE_CODE)


def _row_limit_errors(
    survey: Survey,
    chosen: Sequence[SurveyVersion],
    format: str,
    layout: str,
    columns: Sequence[str],
) -> list[FieldError]:
    """Excel, SPSS and Stata files hold a limited number of rows: refuse an export
    that would have more, up front (counted, not written)."""
    if format not in (ExportFormat.XLSX, ExportFormat.SAV, ExportFormat.DTA):
        return []
    rows = _row_estimate(survey, [v.pk for v in chosen], layout, columns)
    limit = XLSX_MAX_ROWS if format == ExportFormat.XLSX else settings.EXPORT_STATS_MAX_ROWS
    if rows <= limit:
        return []
    if format == ExportFormat.XLSX:
        text = gettext(
            "Excel can hold at most %(limit)s rows and this export has %(rows)s. "
            "Choose Parquet or CSV, which have no row limit."
        )
    else:
        text = gettext(
            "SPSS and Stata files can hold at most %(limit)s rows here and this export "
            "has %(rows)s. Choose Parquet or CSV, which have no row limit."
        )
    return [err("format", "too_many_rows", text % {"limit": f"{limit:,}", "rows": f"{rows:,}"})]


def _row_estimate(
    survey: Survey, version_ids: list[int], layout: str, columns: Sequence[str]
) -> int:
    responses = export_responses(survey=survey, version_ids=version_ids)
    if layout == ExportLayout.WIDE:
        return responses.count()
    qs = Answer.objects.filter(response__in=responses)
    if columns:
        qs = qs.filter(question_code__in=list(columns))
    return qs.count()


def audit_params(job: ExportJob, cfg: SurveyExportSettings) -> dict[str, Any]:
    return {
        "survey": job.survey_id,
        "format": job.format,
        "layout": job.layout,
        "versions": job.versions,
        "columns": job.columns,
        "k": job.k,
        "l": job.l_diversity,
        "max_suppression": str(job.max_suppression),
        "purpose": job.purpose,
        "study_key": bool(job.study_key_hmac),
        "quasi_identifiers": cfg.quasi_identifiers,
        "sensitive_attributes": cfg.sensitive_attributes,
        "free_text": cfg.include_free_text,
    }


@transaction.atomic
def export_cancel(*, job: ExportJob, user: User | None) -> ExportJob:
    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    if job.status in FINISHED_STATUSES:
        raise ServiceValidationError(
            [
                err(
                    "status",
                    "finished",
                    gettext("The export is already %(status)s.")
                    % {"status": job.get_status_display()},
                )
            ]
        )
    job.status = ExportStatus.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    audit_log(
        organization=job.organization,
        action=AuditAction.EXPORT_CANCELLED,
        actor=user,
        target=job,
        data={"progress": job.progress},
    )
    return job


def export_download_token(job: ExportJob) -> str:
    return signing.dumps(str(job.pk), salt=DOWNLOAD_SALT)


def export_download_token_valid(job: ExportJob, token: str) -> bool:
    try:
        value = signing.loads(token, salt=DOWNLOAD_SALT, max_age=settings.EXPORT_LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return False
    return bool(value == str(job.pk))


def export_downloadable(job: ExportJob) -> bool:
    return (
        job.status == ExportStatus.SUCCEEDED
        and bool(job.file_name)
        and (job.expires_at is None or job.expires_at > timezone.now())
    )


def export_download_logged(*, job: ExportJob, user: User | None) -> None:
    audit_log(
        organization=job.organization,
        action=AuditAction.EXPORT_DOWNLOADED,
        actor=user,
        target=job,
        data={"file": job.file_name.rsplit("/", 1)[-1], "size": job.file_size},
    )


def exports_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of expired exports (beat, hourly); the job rows and audit stay."""
    now = now or timezone.now()
    storage = storages["exports"]
    done = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(file_name=""):
        storage.delete(job.file_name)
        ExportJob.objects.filter(pk=job.pk).update(file_name="")
        done += 1
    return done
