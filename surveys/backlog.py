"""The work waiting for the workers: accepted submissions not written out, responses not aggregated.

`backlog` is the one reading of it, for monitoring (`/healthz/backlog`,
`manage.py backlog`) and for admins (the studio's processing page). Both
counts read partial indexes (`inbox_pending`, `response_unaggregated`), so
the cost follows the size of the backlog, not of the tables.

After a broker outage the workers catch the backlog up as soon as they are
reconnected (trustpulse/worker.py queues the write-out and aggregation on
every consumer start); these figures show it happening.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import SubmissionInbox
from .selectors.aggregation import responses_unaggregated


@dataclass(frozen=True, kw_only=True)
class Backlog:
    inbox_pending: int
    """Accepted API submissions not written out yet (failed ones included)."""
    inbox_failed: int
    """Of those, rows whose write-out failed at least once (kept for a person to look at)."""
    inbox_oldest_age_s: float | None
    unaggregated: int
    """Complete responses not yet counted in the rollups."""
    unaggregated_oldest_age_s: float | None
    measured_at: dt.datetime

    @property
    def empty(self) -> bool:
        return self.inbox_pending == 0 and self.unaggregated == 0

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["measured_at"] = self.measured_at.isoformat()
        data["empty"] = self.empty
        return data


def _age(now: dt.datetime, oldest: dt.datetime | None) -> float | None:
    return None if oldest is None else round(max(0.0, (now - oldest).total_seconds()), 1)


def backlog(*, organization_ids: Iterable[int] | None = None) -> Backlog:
    """The backlog of all organizations, or of these ones only."""
    now = timezone.now()
    inbox = SubmissionInbox.objects.filter(materialized_at__isnull=True)
    responses = responses_unaggregated().order_by()
    if organization_ids is not None:
        ids = list(organization_ids)
        inbox = inbox.filter(organization_id__in=ids)
        responses = responses.filter(survey__organization_id__in=ids)
    waiting = inbox.aggregate(
        n=Count("pk"), failed=Count("pk", filter=Q(attempts__gt=0)), oldest=Min("received_at")
    )
    counted = responses.aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    return Backlog(
        inbox_pending=waiting["n"],
        inbox_failed=waiting["failed"],
        inbox_oldest_age_s=_age(now, waiting["oldest"]),
        unaggregated=counted["n"],
        unaggregated_oldest_age_s=_age(now, counted["oldest"]),
        measured_at=now,
    )
