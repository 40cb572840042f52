"""Demo activity for the transparency report: withdrawals, access and deletion requests, exports.

Runs after ``seed_demo`` (the command calls it when it seeds at least 1,000
responses), once: when the demo organization already has a withdrawal in its
audit log it does nothing.
Withdrawals, downloads and erasures go through the same services the
respondent portal uses, so rollups, consent records and the audit log agree;
research exports are recorded as the exports service records them
(``export.created`` with the stated purpose under ``purpose``).
"""

import random
from dataclasses import dataclass

from django.db import transaction

from ..consent.services.rights import consent_withdraw, portal_viewed, respondent_erase
from ..enums import AuditAction
from ..models import AuditEvent, Organization, Respondent
from ..services import audit_log

EXPORT_PURPOSES = [
    ("Academic study of the privacy paradox", 12),
    ("Product research on consent design", 10),
]


@dataclass(frozen=True, kw_only=True)
class ActivityResult:
    created: bool
    withdrawals_marketing: int = 0
    withdrawals_all: int = 0
    downloads: int = 0
    erasures: int = 0
    exports: int = 0


@transaction.atomic
def seed_transparency_activity(
    *, organization: Organization, seed: int = 20261130
) -> ActivityResult:
    if AuditEvent.objects.filter(
        organization=organization, action=AuditAction.CONSENT_WITHDRAWN
    ).exists():
        return ActivityResult(created=False)
    rng = random.Random(seed)
    people = list(
        Respondent.objects.filter(organization=organization, consent_records__isnull=False)
        .distinct()
        .order_by("pk")
    )
    rng.shuffle(people)
    with_marketing = [
        r
        for r in people[:400]
        if any("marketing" in c.active_purposes for c in r.consent_records.all())
    ]
    marketing = with_marketing[:36]
    rest = [r for r in people if r not in set(marketing)]
    full, downloads, erasures = rest[:14], rest[14:40], rest[40:52]
    for r in marketing:
        consent_withdraw(respondent=r, purposes=["marketing"])
    for r in full:
        consent_withdraw(respondent=r, purposes=None)
    for r in downloads:
        portal_viewed(respondent=r, downloaded=True)
    for r in erasures:
        respondent_erase(respondent=r)
    exports = 0
    for purpose, n in EXPORT_PURPOSES:
        for _ in range(n):
            audit_log(
                organization=organization,
                action=AuditAction.EXPORT_CREATED,
                actor_label="demo-researcher",
                data={"purpose": purpose, "format": "csv"},
            )
            exports += 1
    return ActivityResult(
        created=True,
        withdrawals_marketing=len(marketing),
        withdrawals_all=len(full),
        downloads=len(downloads),
        erasures=len(erasures),
        exports=exports,
    )
