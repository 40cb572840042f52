"""Running a research export (the Celery task's one service): read the rows in
chunks, anonymize, write the files and the bundle, report progress, honour a cancel."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import shutil
import tempfile
import zipfile
import zoneinfo
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from surveys import signals
from surveys.enums import AuditAction
from surveys.models import Survey
from surveys.responses.services.inbox import inbox_flush
from surveys.selectors.exports import export_response_chunks, export_responses
from surveys.services import audit_log

from ..enums import (
    FINISHED_STATUSES,
    ExportFormat,
    ExportLayout,
    ExportStatus,
)
from ..models import DPRelease, ExportJob, SurveyExportSettings
from .anonymization import AnonymityPlan, plan_anonymity, pseudonymizer
from .codebooks import ExportMeta, datapackage, ddi_codebook, markdown_codebook
from .formats import DATA_FILE, open_writer, r_script, stata_names
from .services import audit_params, export_settings_get, survey_questions, versions_for
from .table import RESPONSE_FIELDS, TableSpec, hierarchy_for

log = logging.getLogger(__name__)


CSV_FILE = DATA_FILE[ExportFormat.CSV]  # in every download; datapackage.json describes it


CHUNK = 1000


# Small exports still report progress in about this many steps per pass.
PROGRESS_STEPS = 20


MIN_CHUNK = 50


class ExportCancelled(Exception):
    pass


def _progress(job_id: Any, *, done: int, total: int, start: int, span: int) -> None:
    pct = start + (span * done // total if total else span)
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        progress=min(pct, 99), rows_written=done if start else 0
    )


def _chunk_size(total: int) -> int:
    """CHUNK rows at a time, fewer for a small export so its progress moves in steps."""
    return max(MIN_CHUNK, min(CHUNK, total // PROGRESS_STEPS))


def _check_cancel(job_id: Any) -> None:
    if ExportJob.objects.filter(pk=job_id, status=ExportStatus.CANCELLED).exists():
        raise ExportCancelled


def _salt(job: ExportJob) -> bytes:
    if job.study_key_hmac:
        return hmac.new(
            settings.SECRET_KEY.encode(), f"salt:{job.study_key_hmac}".encode(), hashlib.sha256
        ).digest()
    return secrets.token_bytes(32)  # never stored: this export's pseudonyms join nothing


def survey_locale(survey: Survey, language: str) -> str:
    """The survey's locale for a site language (`zh-hant` → `zh-Hant`), else its default."""
    wanted = language.lower()
    return next((x for x in survey.locales if x.lower() == wanted), survey.default_locale)


def table_spec(job: ExportJob, cfg: SurveyExportSettings) -> TableSpec:
    survey = job.survey
    versions = versions_for(survey, job.versions)
    questions = survey_questions(survey, versions)
    if job.columns:
        questions = [q for q in questions if q.code in job.columns]
    fields = [f for f in RESPONSE_FIELDS if not job.columns or f in job.columns]
    included = {q.code for q in questions} | set(fields)
    by_code = {q.code: q for q in questions}
    locale = survey_locale(survey, job.language)
    quasi = [
        hierarchy_for(name, by_code.get(name), base=cfg.time_granularity, locale=locale)
        for name in cfg.quasi_identifiers
        if name in included
    ]
    sensitive = (
        [by_code[c] for c in cfg.sensitive_attributes if c in by_code] if job.l_diversity else []
    )
    return TableSpec(
        questions=questions,
        quasi=quasi,
        fields=fields,
        include_text=cfg.include_free_text,
        locale=locale,
        tz=zoneinfo.ZoneInfo(survey.organization.timezone),
        time_base=cfg.time_granularity,
        version_numbers={v.pk: v.number for v in versions},
        sensitive=sensitive,
    )


def export_run(*, job_id: Any) -> ExportJob | None:
    """Run one export to the end (or until cancelled). Safe to call twice: a finished job stays."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update()
            .select_related("survey__organization")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status in FINISHED_STATUSES:
            return job
        job.status = ExportStatus.RUNNING
        job.started_at = timezone.now()
        job.progress = 0
        job.save(update_fields=["status", "started_at", "progress"])
    # API submissions accepted but not yet written out belong in the export too.
    inbox_flush(organization_ids=[job.survey.organization_id])
    tmp = Path(tempfile.mkdtemp(prefix="tp-export-"))
    try:
        with translation.override(job.language):  # the codebooks speak the requester's language
            _run(job, tmp)
    except ExportCancelled:
        log.info("export %s cancelled", job.pk)
    except Exception as exc:
        log.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).exclude(status=ExportStatus.CANCELLED).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            error=_failed(type(exc).__name__, job.language),
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    job.refresh_from_db()
    return job


def _failed(error: str, language: str) -> str:
    with translation.override(language):
        return gettext("%(error)s: the export could not be written.") % {"error": error}


def _run(job: ExportJob, tmp: Path) -> None:
    """Both passes over the responses, the bundle, then the job marked succeeded."""
    cfg = export_settings_get(survey=job.survey)
    spec = table_spec(job, cfg)
    total = export_responses(survey=job.survey, version_ids=list(spec.version_numbers)).count()
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    plan = _plan(job, spec, total)
    variables = spec.variables(plan, long=job.layout == ExportLayout.LONG)
    data_name = DATA_FILE[ExportFormat(job.format)]
    written = _write_rows(job, spec, plan, variables, tmp / data_name, total)
    _check_cancel(job.pk)
    report = {
        **plan.as_report(),
        "quasi_identifiers": spec.quasi_fields,
        "sensitive": [q.code for q in spec.sensitive],
        "free_text": spec.include_text,
        "rows_written": written,
    }
    bundle = _bundle(job, spec, plan, variables, report, tmp, data_name)
    _complete(job, cfg, bundle, report, written)


def _plan(job: ExportJob, spec: TableSpec, total: int) -> AnonymityPlan:
    """Pass 1 (progress 0–20 %): count the quasi-identifier combinations (and the
    sensitive values per combination), then plan the generalization and suppression."""
    qi_codes = [h.field for h in spec.quasi if h.field not in RESPONSE_FIELDS]
    qi_codes += [q.code for q in spec.sensitive]
    counts: Counter[tuple] = Counter()
    sensitive: dict[tuple, list[Counter]] = {}
    seen = 0
    for chunk in export_response_chunks(
        survey=job.survey,
        version_ids=list(spec.version_numbers),
        question_codes=qi_codes,
        chunk_size=_chunk_size(total),
    ):
        _check_cancel(job.pk)
        for r in chunk:
            key = spec.quasi_key(r)
            counts[key] += 1
            if spec.sensitive:
                per = sensitive.setdefault(key, [Counter() for _ in spec.sensitive])
                for j, v in enumerate(spec.sensitive_values(r)):
                    per[j][v] += 1
        seen += len(chunk)
        _progress(job.pk, done=seen, total=total, start=0, span=20)
    return plan_anonymity(
        counts=counts,
        hierarchies=spec.quasi,
        k=job.k,
        l_diversity=job.l_diversity,
        sensitive=sensitive if spec.sensitive else None,
        max_suppression=float(job.max_suppression),
    )


def _write_rows(
    job: ExportJob,
    spec: TableSpec,
    plan: AnonymityPlan,
    variables: list[Any],
    data_path: Path,
    total: int,
) -> int:
    """Pass 2 (progress 20–95 %): write the anonymized rows to the data file; returns how
    many rows were written (suppressed responses have none)."""
    long = job.layout == ExportLayout.LONG
    writer = open_writer(job.format, data_path, variables, bom=job.excel_bom)
    # Every download also carries the table as CSV, which datapackage.json describes
    # (streamed beside the main file, so memory stays flat).
    companion = (
        None
        if data_path.name == CSV_FILE
        else open_writer(
            ExportFormat.CSV, data_path.parent / CSV_FILE, variables, bom=job.excel_bom
        )
    )
    pseudonym = pseudonymizer(_salt(job))
    written = seen = 0
    try:
        for chunk in export_response_chunks(
            survey=job.survey, version_ids=list(spec.version_numbers), chunk_size=_chunk_size(total)
        ):
            _check_cancel(job.pk)
            rows: list[dict[str, Any]] = []
            for r in chunk:
                final = plan.mapping.get(spec.quasi_key(r))
                if final is None:
                    continue
                if long:
                    rows.extend(spec.long_rows(r, final, plan, pseudonym))
                else:
                    rows.append(spec.wide_row(r, final, plan, pseudonym))
            writer.write(rows)
            if companion is not None:
                companion.write(rows)
            written += len(rows)
            seen += len(chunk)
            _progress(job.pk, done=seen, total=total, start=20, span=75)
    finally:
        writer.close()
        if companion is not None:
            companion.close()
    return written


def _complete(
    job: ExportJob,
    cfg: SurveyExportSettings,
    bundle: Path,
    report: dict[str, Any],
    written: int,
) -> None:
    """Store the bundle and mark the job succeeded, audited and announced (export_ready)
    in one transaction; a job cancelled meanwhile keeps no file."""
    storage = storages["exports"]
    with open(bundle, "rb") as f:
        name = storage.save(f"{job.organization.slug}/{job.pk}.zip", File(f))
    size = storage.size(name)
    now = timezone.now()
    with transaction.atomic():
        updated = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.SUCCEEDED,
            progress=100,
            rows_written=written,
            file_name=name,
            file_size=size,
            report=report,
            finished_at=now,
            expires_at=now + dt.timedelta(days=settings.EXPORT_FILE_DAYS),
        )
        if not updated:  # cancelled at the last moment
            storage.delete(name)
            raise ExportCancelled
        audit_log(
            organization=job.organization,
            action=AuditAction.EXPORT_CREATED,
            actor=job.created_by,
            actor_label=job.created_by.get_username() if job.created_by else "export",
            target=job,
            data={"stage": "completed", **audit_params(job, cfg), "guarantees": report},
        )
        signals.export_ready.send(
            sender="dashboards",
            organization_id=job.organization_id,
            export_id=str(job.pk),
            survey_id=job.survey_id,
            format=job.format,
            expires_at=now + dt.timedelta(days=settings.EXPORT_FILE_DAYS),
        )


def _dp_summaries(survey: Survey) -> list[dict[str, Any]]:
    return [
        {
            "id": d.pk,
            "created_at": d.created_at.isoformat(),
            "mechanism": d.mechanism,
            "epsilon": str(d.epsilon),
            "delta": d.delta,
            "noise": d.noise,
        }
        for d in DPRelease.objects.filter(survey=survey).order_by("created_at")
    ]


def _bundle(
    job: ExportJob,
    spec: TableSpec,
    plan: AnonymityPlan,
    variables: list[Any],
    report: dict[str, Any],
    tmp: Path,
    data_name: str,
) -> Path:
    meta = ExportMeta(
        export_id=str(job.pk),
        title=job.survey.title_for(spec.locale) or job.survey.slug,
        organization=job.organization.name,
        survey_slug=job.survey.slug,
        versions=sorted(spec.version_numbers.values()),
        format=job.format,
        layout=job.layout,
        data_file=data_name,
        csv_file=CSV_FILE,
        created_at=job.created_at.isoformat(),
        purpose=job.purpose,
        locale=spec.locale,
        report=report,
        dp_releases=_dp_summaries(job.survey),
        bom=job.excel_bom,
    )
    renames = stata_names([v.name for v in variables]) if job.format == ExportFormat.DTA else {}
    path = tmp / "bundle.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        z.write(tmp / data_name, data_name)
        if data_name != CSV_FILE:
            z.write(tmp / CSV_FILE, CSV_FILE)
        z.writestr(
            "datapackage.json",
            json.dumps(datapackage(meta, variables), ensure_ascii=False, indent=2),
        )
        z.writestr("codebook.xml", ddi_codebook(meta, variables))
        z.writestr("codebook.md", markdown_codebook(meta, variables, renames))
        if job.format == ExportFormat.R:
            z.writestr("labels.R", r_script(variables, data_name))
    return path


ProgressCallback = Callable[[int], None]
