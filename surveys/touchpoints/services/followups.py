"""Authoring follow-ups and their code pools (validate first, one transaction)."""

import unicodedata
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ... import services
from ...consent.selectors import notice_current_version
from ...enums import AuditAction, RewardKind
from ...logic import OPS
from ...models import FollowUp, RewardCode, Survey, User

MAX_CODES_PER_UPLOAD = 100_000


def optional_purposes(survey: Survey) -> list[str]:
    """The optional purposes of the survey's current notice: what a follow-up may name."""
    version = notice_current_version(survey.consent_notice)
    if version is None:
        return []
    return [p["id"] for p in version.purposes if not p.get("required")]


def condition_errors(cond: Any, path: str = "condition") -> list[FieldError]:
    """Structural errors of a condition (the display-logic language)."""
    if cond in (None, {}):
        return []
    if not isinstance(cond, dict):
        return [FieldError(field=path, code="invalid", message=gettext("must be an object"))]
    for key in ("all", "any"):
        if key in cond:
            if not isinstance(cond[key], list):
                return [FieldError(field=f"{path}.{key}", code="invalid", message="list")]
            return [
                e
                for i, c in enumerate(cond[key])
                for e in condition_errors(c, f"{path}.{key}[{i}]")
            ]
    if "not" in cond:
        return condition_errors(cond["not"], f"{path}.not")
    errors = []
    if not isinstance(cond.get("question"), str) or not cond["question"]:
        errors.append(FieldError(field=f"{path}.question", code="required", message="required"))
    if cond.get("op") not in OPS:
        errors.append(
            FieldError(field=f"{path}.op", code="invalid", message="one of " + ", ".join(OPS))
        )
    return errors


def _errors(survey: Survey, data: Mapping[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    if not str(data.get("name", "")).strip():
        errors.append(FieldError(field="name", code="required", message=gettext("required")))
    if data.get("purpose") not in optional_purposes(survey):
        errors.append(
            FieldError(
                field="purpose",
                code="invalid",
                message=gettext("Choose an optional purpose of the survey's consent notice."),
            )
        )
    errors += condition_errors(data.get("condition"))
    kind = data.get("reward_kind", RewardKind.NONE)
    if kind not in RewardKind.values:
        errors.append(FieldError(field="reward_kind", code="invalid", message="invalid"))
    if kind == RewardKind.LINK and not str(data.get("reward_link", "")).startswith("https://"):
        errors.append(
            FieldError(field="reward_link", code="required", message=gettext("An https:// link."))
        )
    body = data.get("body") or {}
    if kind == RewardKind.NONE and not any(str(v).strip() for v in body.values()):
        errors.append(
            FieldError(
                field="body",
                code="required",
                message=gettext("A follow-up needs a message, a reward or both."),
            )
        )
    for locale, subject in (data.get("subject") or {}).items():
        if "\n" in str(subject) or "\r" in str(subject) or len(str(subject)) > 200:
            errors.append(
                FieldError(
                    field=f"subject.{locale}",
                    code="invalid",
                    message=gettext("One line, at most 200 characters."),
                )
            )
    for locale, text in body.items():
        if str(text).strip() and not str((data.get("subject") or {}).get(locale, "")).strip():
            errors.append(
                FieldError(field=f"subject.{locale}", code="required", message=gettext("required"))
            )
    percent = data.get("holdout_percent", 10)
    if not isinstance(percent, int) or not 0 <= percent <= 90:
        errors.append(
            FieldError(field="holdout_percent", code="invalid", message=gettext("0 to 90"))
        )
    return errors


@transaction.atomic
def follow_up_save(
    *,
    survey: Survey,
    data: Mapping[str, Any],
    follow_up: FollowUp | None = None,
    actor: User | None = None,
) -> FollowUp:
    """Create or update a follow-up of `survey` from `data` (field-level errors)."""
    errors = _errors(survey, data)
    if errors:
        raise ServiceValidationError(errors)
    follow_up = follow_up or FollowUp(survey=survey)
    follow_up.name = str(data["name"]).strip()
    follow_up.purpose = str(data["purpose"])
    follow_up.condition = dict(data.get("condition") or {})
    follow_up.subject = {k: str(v).strip() for k, v in (data.get("subject") or {}).items()}
    follow_up.body = {k: str(v).strip() for k, v in (data.get("body") or {}).items()}
    follow_up.reward_kind = data.get("reward_kind", RewardKind.NONE)
    follow_up.reward_link = str(data.get("reward_link", ""))
    follow_up.holdout_percent = int(data.get("holdout_percent", 10))
    follow_up.active = bool(data.get("active", True))
    follow_up.save()
    services.audit_log(
        organization=survey.organization,
        action=AuditAction.FOLLOW_UP_SAVED,
        actor=actor,
        target=follow_up,
        data={"survey_id": survey.pk, "purpose": follow_up.purpose},
    )
    return follow_up


@transaction.atomic
def reward_codes_upload(
    *, follow_up: FollowUp, text: str, actor: User | None = None, field: str = "codes"
) -> int:
    """Add the codes in `text` (one a line; blanks and duplicates skipped); how many were new.

    A line with a control character (a binary file) or over 128 characters
    refuses the whole upload, its line named in the error on `field`.
    """
    lines = text.splitlines()
    codes = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
    errors = []
    if not codes:
        errors.append(FieldError(field=field, code="required", message=gettext("No codes.")))
    if len(codes) > MAX_CODES_PER_UPLOAD:
        errors.append(FieldError(field=field, code="too_many", message=gettext("Too many codes.")))
    for number, line in enumerate(lines, start=1):
        code = line.strip()
        if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in code):
            message = gettext("Line %(n)s has a control character: is it a text file?")
            errors.append(FieldError(field=field, code="invalid", message=message % {"n": number}))
            break
        if len(code) > 128:
            message = gettext("Line %(n)s is longer than 128 characters.")
            errors.append(FieldError(field=field, code="too_long", message=message % {"n": number}))
            break
    if errors:
        raise ServiceValidationError(errors)
    before = follow_up.codes.count()
    RewardCode.objects.bulk_create(
        [RewardCode(follow_up=follow_up, code=c) for c in codes],
        ignore_conflicts=True,
        batch_size=1000,
    )
    added = follow_up.codes.count() - before
    services.audit_log(
        organization=follow_up.survey.organization,
        action=AuditAction.REWARD_CODES_UPLOADED,
        actor=actor,
        target=follow_up,
        data={"added": added},
    )
    return added
