"""Idempotent writes: the same key returns the same result, never a duplicate.

A key is scoped per organization (and per endpoint scope) and remembered for
at least ``IDEMPOTENCY_TTL_HOURS``. Only successful results are stored: a
request refused with 400 wrote nothing, so it may be corrected and retried
with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ...models import IdempotencyRecord, Organization


class IdempotencyConflict(Exception):
    """The key was used before with a different request body."""


@dataclass(frozen=True, kw_only=True)
class IdempotentResult:
    status: int
    body: Any
    replayed: bool


def request_hash(payload: Any) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


def _lookup(organization: Organization, scope: str, key: str) -> IdempotencyRecord | None:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    return IdempotencyRecord.objects.filter(
        organization=organization, scope=scope, key=key, created_at__gte=cutoff
    ).first()


def _replay(record: IdempotencyRecord, digest: str) -> IdempotentResult:
    if record.request_hash != digest:
        raise IdempotencyConflict()
    return IdempotentResult(status=record.status_code, body=record.body, replayed=True)


def idempotent_call(
    *,
    organization: Organization,
    scope: str,
    key: str,
    payload: Any,
    call: Callable[[], tuple[int, Any]],
) -> IdempotentResult:
    """Run `call` once per key: its write and the record commit together."""
    digest = request_hash(payload)
    record = _lookup(organization, scope, key)
    if record is not None:
        return _replay(record, digest)
    try:
        with transaction.atomic():
            status, body = call()
            IdempotencyRecord.objects.filter(
                organization=organization, scope=scope, key=key
            ).delete()  # an expired record of the same key
            IdempotencyRecord.objects.create(
                organization=organization,
                scope=scope,
                key=key,
                request_hash=digest,
                status_code=status,
                body=body,
            )
    except IntegrityError:
        # A concurrent request with the same key won; its result is the result.
        record = _lookup(organization, scope, key)
        if record is None:
            raise
        return _replay(record, digest)
    return IdempotentResult(status=status, body=body, replayed=False)


def idempotency_records_purge() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
