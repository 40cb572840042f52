"""What a transparency report counts, read from the audit log (raw counts: suppress before showing).

Everything comes from append-only audit events, which outlive the data they
describe (an erased respondent's consent still counts as given, then
withdrawn). Respondent requests are self-service in the respondent portal
and fulfilled within the request; an event may carry ``requested_at`` (ISO)
when a request was received elsewhere and fulfilled later, and then the time
to fulfil is measured from it.
"""

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from ..enums import AuditAction
from ..integrations.selectors import propagated_withdrawals
from ..models import AuditEvent, Organization

ACTIONS = [
    AuditAction.CONSENT_GIVEN,
    AuditAction.CONSENT_WITHDRAWN,
    AuditAction.DATA_DOWNLOADED,
    AuditAction.DATA_DELETED,
    AuditAction.EXPORT_CREATED,
    AuditAction.RETENTION_PURGED,
]
ALL_PURPOSES = "all"


@dataclass(frozen=True, kw_only=True)
class TransparencyCounts:
    consents_given: Counter[str] = field(default_factory=Counter)  # purpose → consents
    consents_withdrawn: Counter[str] = field(default_factory=Counter)  # purpose or "all"
    access_requests: int = 0
    deletion_requests: int = 0
    access_fulfil_seconds: float | None = None  # median
    deletion_fulfil_seconds: float | None = None
    exports: Counter[str] = field(default_factory=Counter)  # stated purpose → exports
    purges: Counter[str] = field(default_factory=Counter)  # purpose → records purged
    # Withdrawals delivered to at least one of the brand's systems (webhooks).
    withdrawals_propagated: int = 0


def _fulfil_seconds(event: AuditEvent) -> float:
    raw = (event.data or {}).get("requested_at")
    if not raw:
        return 0.0
    try:
        requested = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        return 0.0
    return max(0.0, (event.created_at - requested).total_seconds())


def transparency_counts(
    *, organization: Organization, start: dt.datetime, end: dt.datetime
) -> TransparencyCounts:
    """Counts of the organization's audit events in [start, end) (two queries: the audit
    log, and the webhook deliveries of withdrawals)."""
    given: Counter[str] = Counter()
    withdrawn: Counter[str] = Counter()
    exports: Counter[str] = Counter()
    purges: Counter[str] = Counter()
    access: list[float] = []
    deletion: list[float] = []
    events = AuditEvent.objects.filter(
        organization=organization, action__in=ACTIONS, created_at__gte=start, created_at__lt=end
    ).only("action", "data", "created_at")
    for e in events.iterator(chunk_size=2000):
        data = e.data or {}
        if e.action == AuditAction.CONSENT_GIVEN:
            given.update(str(p) for p in data.get("purposes") or [])
        elif e.action == AuditAction.CONSENT_WITHDRAWN:
            purposes = data.get("purposes")
            if purposes == ALL_PURPOSES or not purposes:
                withdrawn[ALL_PURPOSES] += 1
            else:
                withdrawn.update(str(p) for p in purposes)
        elif e.action == AuditAction.DATA_DOWNLOADED:
            access.append(_fulfil_seconds(e))
        elif e.action == AuditAction.DATA_DELETED:
            deletion.append(_fulfil_seconds(e))
        elif e.action == AuditAction.EXPORT_CREATED:
            exports[str(data.get("purpose") or "not stated")] += 1
        elif e.action == AuditAction.RETENTION_PURGED:
            purges.update(str(p) for p in data.get("purposes") or ["unspecified"])
    return TransparencyCounts(
        consents_given=given,
        consents_withdrawn=withdrawn,
        access_requests=len(access),
        deletion_requests=len(deletion),
        access_fulfil_seconds=statistics.median(access) if access else None,
        deletion_fulfil_seconds=statistics.median(deletion) if deletion else None,
        exports=exports,
        purges=purges,
        withdrawals_propagated=propagated_withdrawals(
            organization_id=organization.pk, start=start, end=end
        ),
    )
