"""Behaviour events from a brand's own channels (the *actual* half of the paradox).

A batch is all or nothing: any bad event stores none, and every problem is
reported with its path (``events[3].kind``). An event id is accepted once per
organization: repeating it is not an error, it is simply not stored again.
Respondents are named by their non-secret ``respondent_ref`` or by the brand's
external id (HMAC'd on arrival) — never by a portal token.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from jsonschema import Draft202012Validator

from surveys import signals
from trustpulse.validation import FieldError, ServiceValidationError

from ...behaviour import BUILTIN_KINDS, TRANSFORM_SCHEMA
from ...enums import BEHAVIOURAL_MEASUREMENT, Direction, EventSource
from ...models import (
    BehaviourEvent,
    BehaviourKindDefinition,
    ConsentRecord,
    Organization,
    Respondent,
)
from ...selectors.behaviour import kinds_for
from .inbox import inbox_flush_refs
from .respondents import external_id_hmac

MAX_BATCH = 1000
EVENT_FIELDS = {"id", "kind", "value", "occurred_at", "respondent_ref", "external_id"}


@transaction.atomic
def behaviour_kind_create(
    *,
    organization: Organization,
    code: str,
    description: str,
    value_schema: Any,
    direction: str,
    transform: Any,
    purpose: str = BEHAVIOURAL_MEASUREMENT,
) -> BehaviourKindDefinition:
    errors = []
    if (
        code in BUILTIN_KINDS
        or BehaviourKindDefinition.objects.filter(organization=organization, code=code).exists()
    ):
        errors.append(FieldError(field="code", code="duplicate", message="already used"))
    if direction not in Direction.values:
        errors.append(
            FieldError(
                field="direction",
                code="invalid_choice",
                message="more_protective or less_protective",
            )
        )
    if not isinstance(value_schema, dict):
        errors.append(
            FieldError(
                field="value_schema", code="invalid_type", message="must be a JSON Schema object"
            )
        )
    else:
        try:
            Draft202012Validator.check_schema(value_schema)
        except Exception as exc:  # noqa: BLE001 - jsonschema's SchemaError
            errors.append(FieldError(field="value_schema", code="invalid", message=str(exc)[:200]))
    if not Draft202012Validator(TRANSFORM_SCHEMA).is_valid(transform):
        errors.append(
            FieldError(
                field="transform",
                code="invalid",
                message='{"op": "bool" | "nonempty"}, {"op": "cap", "cap": c} '
                'or {"op": "const", "value": v}',
            )
        )
    definition = BehaviourKindDefinition(
        organization=organization,
        code=code,
        description=description,
        value_schema=value_schema,
        direction=direction,
        transform=transform,
        purpose=purpose,
    )
    try:
        definition.full_clean(exclude=["organization", "value_schema", "transform", "direction"])
    except Exception as exc:  # noqa: BLE001 - Django's ValidationError
        for name, messages in getattr(exc, "message_dict", {}).items():
            errors.append(FieldError(field=name, code="invalid", message="; ".join(messages)))
    if errors:
        raise ServiceValidationError(errors)
    definition.save()
    return definition


@dataclass(frozen=True, kw_only=True)
class IngestResult:
    created: int
    duplicates: int
    event_ids: list[int]


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed > timezone.now() + timedelta(minutes=5):
        return None
    return parsed


def _consenting(organization: Organization, respondent_ids: set[Any]) -> dict[Any, set[str]]:
    """respondent id → purposes currently granted (not withdrawn, not expired)."""
    active: dict[Any, set[str]] = {}
    for record in ConsentRecord.objects.filter(
        respondent_id__in=respondent_ids, respondent__organization=organization
    ):
        active.setdefault(record.respondent_id, set()).update(record.active_purposes)
    return active


@dataclass(frozen=True, kw_only=True)
class _Respondents:
    """The respondents a batch names, and the purposes each has granted now."""

    by_ref: dict[str, Respondent]
    by_hmac: dict[str | None, Respondent]
    hmacs: dict[str, str]  # external id → its HMAC
    consent: dict[Any, set[str]]


def _respondents(organization: Organization, events: Sequence[Any]) -> _Respondents:
    refs: set[str] = set()
    hmacs: dict[str, str] = {}
    for e in events:
        if isinstance(e, Mapping):
            if isinstance(e.get("respondent_ref"), str):
                refs.add(e["respondent_ref"])
            if isinstance(e.get("external_id"), str) and e["external_id"]:
                hmacs[e["external_id"]] = external_id_hmac(e["external_id"])

    def by_refs() -> dict[str, Respondent]:
        return {
            r.respondent_ref: r
            for r in Respondent.objects.filter(organization=organization, respondent_ref__in=refs)
        }

    by_ref = by_refs()
    if refs - by_ref.keys() and inbox_flush_refs(
        organization_id=organization.pk, refs=refs - by_ref.keys()
    ):
        by_ref = by_refs()  # respondents of submissions accepted a moment ago, written out now
    by_hmac = {
        r.external_id_hmac: r
        for r in Respondent.objects.filter(
            organization=organization, external_id_hmac__in=list(hmacs.values())
        )
    }
    consent = _consenting(
        organization, {r.pk for r in by_ref.values()} | {r.pk for r in by_hmac.values()}
    )
    return _Respondents(by_ref=by_ref, by_hmac=by_hmac, hmacs=hmacs, consent=consent)


def _event_fields(
    path: str, e: Mapping[str, Any], kinds: Mapping[str, Any], errors: list[FieldError]
) -> tuple[Any, Any, datetime | None]:
    """The id, kind and time of one event (adds their errors)."""
    for key in sorted(set(e) - EVENT_FIELDS):
        errors.append(
            FieldError(field=f"{path}.{key}", code="unknown_field", message="unknown field")
        )
    event_id = e.get("id")
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= 128 or "\x00" in event_id:
        errors.append(
            FieldError(
                field=f"{path}.id", code="required", message="An event id of 1 to 128 characters."
            )
        )
    kind_code = e.get("kind")
    kind = kinds.get(kind_code) if isinstance(kind_code, str) else None
    if kind is None:
        errors.append(
            FieldError(
                field=f"{path}.kind",
                code="unknown_kind",
                message="Not a behaviour kind of this organization.",
            )
        )
    elif not Draft202012Validator(kind.value_schema).is_valid(e.get("value")):
        errors.append(
            FieldError(
                field=f"{path}.value",
                code="invalid_value",
                message=f"Not a valid value for {kind.code}.",
            )
        )
    occurred = _parse_time(e.get("occurred_at"))
    if occurred is None:
        errors.append(
            FieldError(
                field=f"{path}.occurred_at",
                code="invalid",
                message="An ISO 8601 time with a time zone, not in the future.",
            )
        )
    return event_id, kind, occurred


def _event_respondent(
    path: str, e: Mapping[str, Any], known: _Respondents, errors: list[FieldError]
) -> tuple[Respondent | None, str]:
    """The respondent one event names and the field naming it (adds its errors)."""
    has_ref, has_ext = "respondent_ref" in e, "external_id" in e
    if has_ref == has_ext:
        errors.append(
            FieldError(
                field=f"{path}.respondent_ref",
                code="required",
                message="Give respondent_ref or external_id (one of them).",
            )
        )
        return None, f"{path}.respondent_ref"
    if has_ref:
        field, ref = f"{path}.respondent_ref", e["respondent_ref"]
        respondent = known.by_ref.get(ref) if isinstance(ref, str) else None
    else:
        field, ext = f"{path}.external_id", e["external_id"]
        respondent = known.by_hmac.get(known.hmacs.get(ext, "")) if isinstance(ext, str) else None
    if respondent is None:
        errors.append(
            FieldError(
                field=field,
                code="unknown_respondent",
                message="No such respondent in this organization.",
            )
        )
    return respondent, field


def _event_row(
    organization: Organization,
    path: str,
    e: Any,
    kinds: Mapping[str, Any],
    known: _Respondents,
    errors: list[FieldError],
) -> BehaviourEvent | None:
    """One event checked: its row, or None with its errors added."""
    if not isinstance(e, Mapping):
        errors.append(FieldError(field=path, code="invalid_type", message="Must be an object."))
        return None
    event_id, kind, occurred = _event_fields(path, e, kinds, errors)
    respondent, field = _event_respondent(path, e, known, errors)
    if respondent is None or kind is None:
        return None
    if kind.purpose not in known.consent.get(respondent.pk, set()):
        errors.append(
            FieldError(
                field=field, code="no_consent", message=f"{kind.purpose} not granted, or withdrawn."
            )
        )
    if occurred is None or not isinstance(event_id, str):
        return None
    return BehaviourEvent(
        organization=organization,
        respondent=respondent,
        kind=kind.code,
        value=e.get("value"),
        occurred_at=occurred,
        source=EventSource.API,
        idempotency_id=event_id,
    )


def _store(organization: Organization, rows: list[BehaviourEvent]) -> IngestResult:
    """Store the checked rows whose event id is new; announce them after commit."""
    wanted = {r.idempotency_id for r in rows}
    existing = set(
        BehaviourEvent.objects.filter(
            organization=organization, idempotency_id__in=wanted
        ).values_list("idempotency_id", flat=True)
    )
    fresh: dict[str, BehaviourEvent] = {}
    for row in rows:
        if row.idempotency_id not in existing:
            fresh.setdefault(row.idempotency_id, row)
    created = BehaviourEvent.objects.bulk_create(list(fresh.values()), ignore_conflicts=True)
    ids = list(
        BehaviourEvent.objects.filter(
            organization=organization, idempotency_id__in=list(fresh)
        ).values_list("pk", flat=True)
    )
    if ids:
        signals.send_after_commit(
            signals.events_ingested, event_ids=ids, organization_id=organization.pk
        )
    return IngestResult(created=len(created), duplicates=len(rows) - len(fresh), event_ids=ids)


@transaction.atomic
def events_ingest(
    *, organization: Organization, events: Sequence[Mapping[str, Any]] | Any
) -> IngestResult:
    """Store a batch of behaviour events, all or nothing."""
    if not isinstance(events, list) or not events:
        raise ServiceValidationError(
            [FieldError(field="events", code="required", message="A non-empty list of events.")]
        )
    if len(events) > MAX_BATCH:
        raise ServiceValidationError(
            [FieldError(field="events", code="too_long", message=f"At most {MAX_BATCH} events.")]
        )
    kinds = kinds_for(organization)
    known = _respondents(organization, events)
    errors: list[FieldError] = []
    rows = [
        row
        for i, e in enumerate(events)
        if (row := _event_row(organization, f"events[{i}]", e, kinds, known, errors)) is not None
    ]
    if errors:
        raise ServiceValidationError(errors)
    return _store(organization, rows)
