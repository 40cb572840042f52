"""Generate a transparency report: figures from the audit log, suppressed, stored as one row.

What a report holds (all counts below the organization's minimum cell are
withheld, and complementary cells with them, so a total never gives one away):
consents given and withdrawn per purpose, access and deletion requests with
the median time to fulfil, research exports with their stated purpose,
retention purges, responses collected, and the safeguards in force. A
quarter's counts are also protected as parts of the year's (the year's report
minus the other quarters' would give a withheld one back; docs/DISCLOSURE.md).
"""

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from surveys.enums import AuditAction
from surveys.models import Organization, User
from surveys.selectors.transparency import ALL_PURPOSES, transparency_counts
from surveys.services.audit import audit_log
from trustpulse.validation import FieldError, ServiceValidationError

from ..models import ResponseRollup, TransparencyReport
from ..services.disclosure import WITHHELD, Figure, protect_line, suppress, total_beside
from ..services.suppression import protect_parts, protect_table
from .periods import ReportPeriod


def _fig(f: Figure) -> dict[str, Any]:
    return asdict(f)


def _count(n: int, min_cell: int, hidden: bool = False) -> dict[str, Any]:
    """A count of events: zero is shown (nobody), 1 to min_cell − 1 withheld."""
    if hidden:
        return _fig(WITHHELD)
    return _fig(Figure(n=0, value=0.0) if n == 0 else suppress(n, min_cell, float(n)))


def _flat(organization: Organization, period: ReportPeriod) -> dict[str, int]:
    """Every count a report of `period` shows, by name (the same queries as the report)."""
    start, end = period.bounds(organization.timezone)
    counts = transparency_counts(organization=organization, start=start, end=end)
    out = {
        "responses": _responses(organization, period),
        "access": counts.access_requests,
        "deletion": counts.deletion_requests,
        "propagated": counts.withdrawals_propagated,
    }
    for prefix, counter in (
        ("given", counts.consents_given),
        ("withdrawn", counts.consents_withdrawn),
        ("export", counts.exports),
        ("purge", counts.purges),
    ):
        out.update({f"{prefix}:{k}": int(v) for k, v in counter.items()})
    return out


def quarter_hidden(organization: Organization, period: ReportPeriod) -> set[str]:
    """Counts of a quarter's report withheld because the year's report gives them away.

    The year's count is the sum of its quarters' (disclosure rule 4): each
    count is protected as a line across the four quarters against the year.
    """
    if not period.quarter:
        return set()
    year_of = period.year
    quarters = [_flat(organization, ReportPeriod(year=year_of, quarter=q)) for q in (1, 2, 3, 4)]
    year = _flat(organization, ReportPeriod(year=period.year, quarter=0))
    hidden = set()
    for key in set(year).union(*quarters):
        parts = [q.get(key, 0) for q in quarters]
        line = protect_line(parts, min_cell=organization.min_cell, total=year.get(key, 0))
        if line[period.quarter - 1]:
            hidden.add(key)
    return hidden


def _responses_by_survey(organization: Organization, period: ReportPeriod) -> list[int]:
    """Responses collected in `period` per survey, clean or flagged, and month: each
    one a count the metrics API also publishes (a month's clean responses, or its
    responses left out for quality)."""
    rows = (
        ResponseRollup.objects.filter(
            version__survey__organization=organization,
            day__gte=period.first_day,
            day__lte=period.last_day,
        )
        .order_by()
        .values("version__survey_id", "flagged", month=TruncMonth("day"))
        .annotate(n=Sum("n"))
    )
    return [int(r["n"] or 0) for r in rows]


def _responses(organization: Organization, period: ReportPeriod) -> int:
    return sum(_responses_by_survey(organization, period))


def _parts(
    counts: dict[str, int], min_cell: int, hidden: set[str] | None = None, prefix: str = ""
) -> dict[str, Any]:
    keys = sorted(counts)
    gone = {i for i, k in enumerate(keys) if f"{prefix}:{k}" in (hidden or set())}
    table = protect_parts(
        [counts[k] for k in keys], min_cell=min_cell, zeros_visible=True, withheld=gone
    )
    return {
        "rows": [[k, _fig(f)] for k, f in zip(keys, table.cells[0], strict=True)],
        "total": _fig(table.total) if keys else _fig(Figure(n=0, value=0.0)),
    }


def safeguards(organization: Organization) -> list[dict[str, str]]:
    """The protections in force, from the organization's settings and the platform's."""
    from surveys.enums import RetentionAction

    return [
        {
            "key": "min_cell",
            "label": gettext_noop("Smallest group ever shown"),
            "value": f"{organization.min_cell} people",
        },
        {
            "key": "export_k",
            "label": gettext_noop("Research exports are k-anonymous"),
            "value": f"k = {settings.EXPORT_K}",
        },
        {
            "key": "retention",
            "label": gettext_noop("After the retention period"),
            "value": gettext_noop("data is deleted")
            if organization.retention_action == RetentionAction.DELETE
            else gettext_noop("data is anonymized"),
        },
        {
            "key": "pseudonymous",
            "label": gettext_noop("Respondents"),
            "value": gettext_noop("pseudonymous: a random reference, never a name or email"),
        },
        {
            "key": "self_service",
            "label": gettext_noop("Access, download, withdrawal and deletion"),
            "value": gettext_noop("self-service from the private link every respondent receives"),
        },
        {
            "key": "consent_receipts",
            "label": gettext_noop("Consent"),
            "value": gettext_noop("per purpose, versioned, with a Kantara-format receipt"),
        },
        {
            "key": "public",
            "label": gettext_noop("This report"),
            "value": gettext_noop("published openly")
            if organization.transparency_report_public
            else gettext_noop("shared on request"),
        },
    ]


def report_figures(*, organization: Organization, period: ReportPeriod) -> dict[str, Any]:
    """The report's figures for `period` (suppressed), as JSON-ready data."""
    start, end = period.bounds(organization.timezone)
    counts = transparency_counts(organization=organization, start=start, end=end)
    min_cell = organization.min_cell
    hidden = quarter_hidden(organization, period)
    purposes = sorted(set(counts.consents_given) | set(counts.consents_withdrawn))
    consent = (
        protect_table(
            [[counts.consents_given[p], counts.consents_withdrawn[p]] for p in purposes],
            min_cell=min_cell,
            zeros_visible=True,
            withheld={
                (i, j)
                for i, p in enumerate(purposes)
                for j, prefix in enumerate(("given", "withdrawn"))
                if f"{prefix}:{p}" in hidden
            },
        )
        if purposes
        else None
    )
    per_survey = _responses_by_survey(organization, period)
    responses = sum(per_survey)
    # Each survey's count per month (clean, or left out for quality) is the
    # metrics API's to read: the report's total minus those shown there must
    # not give a small one away (rule 8).
    if total_beside(per_survey, min_cell=min_cell):
        hidden.add("responses")
    today = timezone.localdate()
    return {
        "period": {
            "label": period.label,
            "first_day": period.first_day.isoformat(),
            "last_day": period.last_day.isoformat(),
            "to_date": period.last_day >= today,
        },
        "min_cell": min_cell,
        "responses": _count(responses, min_cell, "responses" in hidden),
        "consents": {
            "purposes": purposes,
            "all_purposes_key": ALL_PURPOSES,
            "given": [_fig(r[0]) for r in consent.cells] if consent else [],
            "withdrawn": [_fig(r[1]) for r in consent.cells] if consent else [],
            "given_total": _fig(consent.column_totals[0]) if consent else _fig(Figure(n=0)),
            "withdrawn_total": _fig(consent.column_totals[1]) if consent else _fig(Figure(n=0)),
        },
        "requests": {
            "access": _count(counts.access_requests, min_cell, "access" in hidden),
            "deletion": _count(counts.deletion_requests, min_cell, "deletion" in hidden),
            "withdrawals_propagated": _count(
                counts.withdrawals_propagated, min_cell, "propagated" in hidden
            ),
            "access_median_seconds": counts.access_fulfil_seconds
            if counts.access_requests >= min_cell and "access" not in hidden
            else None,
            "deletion_median_seconds": counts.deletion_fulfil_seconds
            if counts.deletion_requests >= min_cell and "deletion" not in hidden
            else None,
        },
        "exports": _parts(dict(counts.exports), min_cell, hidden, "export"),
        "purges": _parts(dict(counts.purges), min_cell, hidden, "purge"),
        "safeguards": safeguards(organization),
    }


@transaction.atomic
def report_generate(
    *, organization: Organization, period: ReportPeriod, actor: User | None = None
) -> TransparencyReport:
    """Compute and store (or refresh) the report of `period`; the PDF is printed after commit."""
    if period.year < 2000 or period.first_day > timezone.localdate():
        raise ServiceValidationError(
            [
                FieldError(
                    field="period",
                    code="future",
                    message=gettext("This period has not started yet."),
                )
            ]
        )
    data = report_figures(organization=organization, period=period)
    report, _created = TransparencyReport.objects.update_or_create(
        organization=organization,
        year=period.year,
        quarter=period.quarter,
        defaults={
            "starts_on": period.first_day,
            "ends_on": period.last_day,
            "data": data,
            "generated_at": timezone.now(),
        },
    )
    audit_log(
        organization=organization,
        action=AuditAction.REPORT_GENERATED,
        actor=actor,
        actor_label="" if actor is not None else "schedule",
        target=report,
        data={"period": period.label},
    )
    return report


def reports_refresh_due() -> list[int]:
    """Refresh every organization's due reports (see `due_periods`); returns their ids."""
    ids = []
    for organization in Organization.objects.order_by("pk"):
        for period in due_periods(timezone.localdate()):
            ids.append(report_generate(organization=organization, period=period).pk)
    return ids


def due_periods(today: dt.date) -> list[ReportPeriod]:
    """What the schedule keeps fresh: this quarter to date, the last quarter, last year."""
    from .periods import quarter_of

    current = quarter_of(today)
    return [current, current.previous(), ReportPeriod(year=today.year - 1, quarter=0)]
