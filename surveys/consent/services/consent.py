"""Consent notices, consent records and receipts.

The text a respondent is shown is a canonical rendering of the notice in one
locale (`notice_text`); its SHA-256 is stored with every consent, so a
receipt proves exactly what was agreed to.
"""

import copy
import datetime as dt
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from jsonschema import Draft202012Validator

from trustpulse.validation import FieldError, ServiceValidationError, path_join, path_sort_key

from ...enums import BEHAVIOURAL_MEASUREMENT, AuditAction, CollectionMethod, VersionStatus
from ...integrations import outbox
from ...models import (
    ConsentNotice,
    ConsentNoticeVersion,
    ConsentRecord,
    Organization,
    Respondent,
    Response,
    User,
)
from ...services.audit import audit_log
from ...text import sanitize_localized
from .counters import counter_bump

SCHEMA_DIR = Path(settings.BASE_DIR) / "docs" / "schemas"
COUNTER_FIELDS = ("shown", "declined", "consented")


@cache
def _schema(name: str) -> Draft202012Validator:
    with (SCHEMA_DIR / name).open(encoding="utf-8") as fh:
        return Draft202012Validator(json.load(fh))


def notice_content_errors(content: Any) -> list[FieldError]:
    """Every error of a notice version's content, with its path."""
    errors = [
        FieldError(
            field=path_join(list(e.absolute_path)) or "$",
            code=str(e.validator),
            message=e.message if e.validator != "additionalProperties" else "unknown field",
        )
        for e in _schema("consent-notice.v1.schema.json").iter_errors(content)
    ]
    if errors or not isinstance(content, dict):
        return sorted(errors, key=lambda e: path_sort_key(e.field))
    locales = content["locales"]
    seen: set[str] = set()
    for i, p in enumerate(content["purposes"]):
        path: list[str | int] = ["purposes", i]
        if p["id"] in seen:
            errors.append(
                FieldError(
                    field=path_join(path + ["id"]),
                    code="duplicate",
                    message=gettext("purpose id already used"),
                )
            )
        seen.add(p["id"])
        for key in ("title", "description"):
            for locale in locales:
                if not str(p[key].get(locale, "")).strip():
                    errors.append(
                        FieldError(
                            field=path_join(path + [key, locale]),
                            code="required",
                            message=gettext("missing translation"),
                        )
                    )
        if p["id"] == BEHAVIOURAL_MEASUREMENT and p["required"]:
            errors.append(
                FieldError(
                    field=path_join(path + ["required"]),
                    code="invalid",
                    message=f"{BEHAVIOURAL_MEASUREMENT} is always optional",
                )
            )
    if not any(p["required"] for p in content["purposes"]):
        errors.append(
            FieldError(
                field="purposes",
                code="invalid",
                message=gettext("at least one required purpose (the survey itself)"),
            )
        )
    return errors


def _sanitized(content: dict[str, Any]) -> dict[str, Any]:
    content = copy.deepcopy(content)
    content["full_text"] = sanitize_localized(content.get("full_text"))
    for p in content["purposes"]:
        p["title"] = sanitize_localized(p["title"])
        p["description"] = sanitize_localized(p["description"])
    return content


def _apply(version: ConsentNoticeVersion, content: dict[str, Any]) -> None:
    version.controller = content["controller"]
    version.policy_url = content.get("policy_url", "")
    version.jurisdiction = content.get("jurisdiction", "EU")
    version.locales = content["locales"]
    version.purposes = content["purposes"]
    version.full_text = content.get("full_text", {})


def notice_content(version: ConsentNoticeVersion) -> dict[str, Any]:
    """A version's content in the import format (round-trips through notice_save)."""
    content: dict[str, Any] = {
        "controller": version.controller,
        "locales": version.locales,
        "purposes": version.purposes,
        "jurisdiction": version.jurisdiction,
    }
    if version.policy_url:
        content["policy_url"] = version.policy_url
    if version.full_text:
        content["full_text"] = version.full_text
    return content


@transaction.atomic
def notice_save(
    *,
    organization: Organization,
    slug: str,
    name: str,
    content: Any,
    actor: User | None = None,
) -> ConsentNoticeVersion:
    """Create a notice, or replace the draft version of an existing one.

    A published version never changes: saving again after publishing starts
    the next version.
    """
    errors = notice_content_errors(content)
    if not name.strip():
        errors.insert(0, FieldError(field="name", code="required", message=gettext("required")))
    if errors:
        raise ServiceValidationError(errors)
    notice, _ = ConsentNotice.objects.get_or_create(
        organization=organization, slug=slug, defaults={"name": name.strip()}
    )
    if notice.name != name.strip():
        notice.name = name.strip()
        notice.save(update_fields=["name"])
    draft = notice.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        latest = notice.versions.order_by("-number").first()
        draft = ConsentNoticeVersion(notice=notice, number=(latest.number + 1) if latest else 1)
    _apply(draft, _sanitized(content))
    draft.save()
    return draft


@transaction.atomic
def notice_publish(
    *, version: ConsentNoticeVersion, actor: User | None = None
) -> ConsentNoticeVersion:
    if version.is_frozen:
        raise ServiceValidationError(
            [FieldError(field="version", code="published", message=gettext("Already published."))]
        )
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    audit_log(
        organization=version.notice.organization,
        action=AuditAction.NOTICE_PUBLISHED,
        actor=actor,
        target=version.notice,
        data={"version": version.number},
    )
    return version


def _loc(value: dict[str, str], locale: str, fallback: str) -> str:
    return str(value.get(locale) or value.get(fallback) or next(iter(value.values()), ""))


def notice_text(version: ConsentNoticeVersion, locale: str) -> dict[str, Any]:
    """Exactly what the notice shows in `locale` (the hashed, canonical form)."""
    fallback = version.locales[0] if version.locales else locale
    return {
        "notice": f"{version.notice.slug}@{version.number}",
        "locale": locale,
        "controller": version.controller,
        "policy_url": version.policy_url,
        "jurisdiction": version.jurisdiction,
        "purposes": [
            {
                "id": p["id"],
                "title": _loc(p["title"], locale, fallback),
                "description": _loc(p["description"], locale, fallback),
                "required": p["required"],
                "legal_basis": p["legal_basis"],
                "data_categories": p["data_categories"],
                "retention_days": p["retention_days"],
                "recipients": p.get("recipients", []),
            }
            for p in version.purposes
        ],
        "full_text": _loc(version.full_text, locale, fallback) if version.full_text else "",
    }


def notice_text_hash(version: ConsentNoticeVersion, locale: str) -> str:
    canonical = json.dumps(
        notice_text(version, locale), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def consent_counter_bump(*, version: ConsentNoticeVersion, field: str) -> None:
    """Count one anonymous event (shown, declined or consented) for today (`counters`)."""
    counter_bump(version_id=version.pk, field=field)


def consent_errors(
    *, version: ConsentNoticeVersion | None, purposes: Any, field: str = "purposes"
) -> list[FieldError]:
    """Why a set of granted purposes is not a valid consent to `version`."""
    if version is None or not version.is_frozen:
        return [
            FieldError(
                field="notice_version",
                code="invalid",
                message=gettext("Not a published version of this survey's notice."),
            )
        ]
    if not isinstance(purposes, list) or not all(isinstance(p, str) for p in purposes):
        return [
            FieldError(field=field, code="invalid_type", message=gettext("Must be a list of ids."))
        ]
    errors = []
    unknown = sorted(set(purposes) - set(version.purpose_ids))
    if unknown:
        errors.append(
            FieldError(
                field=field,
                code="invalid_choice",
                message="Unknown purposes: " + ", ".join(unknown),
            )
        )
    missing = [p for p in version.required_ids if p not in purposes]
    if missing:
        errors.append(
            FieldError(
                field=field,
                code="required_purpose",
                message="Required purposes must be accepted: " + ", ".join(missing),
            )
        )
    return errors


def consent_give(
    *,
    respondent: Respondent,
    version: ConsentNoticeVersion,
    locale: str,
    purposes: list[str],
    method: CollectionMethod,
    response: Response | None = None,
    given_at: dt.datetime | None = None,
) -> ConsentRecord:
    """Record one consent (call inside the transaction that stores the respondent)."""
    errors = consent_errors(version=version, purposes=purposes)
    if errors:
        raise ServiceValidationError(errors)
    record = ConsentRecord.objects.create(
        respondent=respondent,
        response=response,
        notice_version=version,
        text_hash=notice_text_hash(version, locale),
        locale=locale,
        purposes_granted=[p for p in version.purpose_ids if p in purposes],
        collection_method=method,
        given_at=given_at or timezone.now(),
    )
    audit_log(
        organization=version.notice.organization,
        action=AuditAction.CONSENT_GIVEN,
        actor_label="respondent",
        target=record,
        data={
            "receipt_id": str(record.receipt_id),
            "purposes": record.purposes_granted,
            "notice_version": version.number,
        },
    )
    outbox.consent_given_event(record)
    return record


def consent_receipt(record: ConsentRecord) -> dict[str, Any]:
    """The Kantara Consent Receipt v1.1 JSON of a consent record."""
    version = record.notice_version
    controller = version.controller
    fallback = version.locales[0] if version.locales else record.locale
    purposes = []
    for p in version.purposes:
        if p["id"] not in record.purposes_granted:
            continue
        purposes.append(
            {
                "purpose": _loc(p["title"], record.locale, fallback),
                "purposeCategory": [p.get("category") or p["id"]],
                "consentType": "EXPLICIT",
                "piiCategory": list(p["data_categories"]),
                "primaryPurpose": bool(p["required"]),
                "termination": f"Withdrawal at any time in the respondent portal; otherwise "
                f"erased {p['retention_days']} days after submission.",
                "thirdPartyDisclosure": bool(
                    p.get("third_party_disclosure") or p.get("recipients")
                ),
                **({"thirdPartyName": ", ".join(p["recipients"])} if p.get("recipients") else {}),
            }
        )
    receipt = {
        "version": "KI-CR-v1.1.0",
        "jurisdiction": version.jurisdiction,
        "consentTimestamp": int(record.given_at.timestamp()),
        "collectionMethod": record.get_collection_method_display(),
        "consentReceiptID": str(record.receipt_id),
        "language": record.locale,
        "piiPrincipalId": record.respondent.respondent_ref,
        "piiControllers": [
            {
                "piiController": controller.get("name", ""),
                "onBehalf": False,
                "contact": controller.get("dpo_email") or controller.get("contact_email", ""),
                "address": controller.get("address", ""),
                "email": controller.get("contact_email", ""),
                "phone": controller.get("phone", ""),
                **({"piiControllerUrl": controller["url"]} if controller.get("url") else {}),
            }
        ],
        "policyUrl": version.policy_url,
        "services": [{"service": version.notice.name, "purposes": purposes}],
        "sensitive": False,
        "spiCat": [],
        "trustpulse": {
            "noticeVersion": f"{version.notice.slug}@{version.number}",
            "noticeTextSha256": record.text_hash,
            "purposesGranted": record.purposes_granted,
            "purposesWithdrawn": record.purposes_withdrawn,
        },
    }
    return receipt


def consent_receipt_errors(receipt: Any) -> list[str]:
    return [e.message for e in _schema("consent-receipt.v1.schema.json").iter_errors(receipt)]
