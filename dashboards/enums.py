"""Enumerations of the dashboards domain (insight out)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (UTF-8)")
    XLSX = "xlsx", _("Excel (.xlsx)")
    PARQUET = "parquet", _("Parquet")
    JSONL = "jsonl", _("JSON Lines")
    SAV = "sav", _("SPSS (.sav)")
    DTA = "dta", _("Stata (.dta)")
    R = "r", _("R bundle (CSV + labels script)")


class ExportLayout(models.TextChoices):
    WIDE = "wide", _("Wide: one row per response")
    LONG = "long", _("Long: one row per answer")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATUSES = frozenset({ExportStatus.SUCCEEDED, ExportStatus.FAILED, ExportStatus.CANCELLED})


class TimeGranularity(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("ISO week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class DPMechanism(models.TextChoices):
    LAPLACE = "laplace", _("Laplace (pure ε-DP)")
    GAUSSIAN = "gaussian", _("Gaussian ((ε, δ)-DP via zCDP)")
