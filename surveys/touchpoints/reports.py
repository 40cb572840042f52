"""Each person's privacy report, per quarter: built from records and the audit log.

What is held about them; which purposes used it in the quarter (aggregates
computed, research exports of the surveys they answered, follow-ups sent,
systems told by webhooks); what was deleted, and when the rest will be; the
quarter's audit events about them. Never hand-written: every line comes from
a row. Sent by beat once a quarter to those who granted ``privacy_report``
(and gave an email for it), with a link to the same report as a page.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from .. import services
from ..consent.services.rights import respondent_data
from ..enums import PRIVACY_REPORT, AuditAction, DeliveryStatus, ResponseStatus
from ..models import AuditEvent, ContactEmail, Respondent, Survey, WebhookDelivery
from .crypto import decrypt
from .services.deliveries import absolute, active_purposes

REPORT_SALT = "touchpoints.report"


@dataclass(frozen=True, kw_only=True)
class Quarter:
    year: int
    number: int  # 1–4

    @property
    def starts(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def ends(self) -> dt.date:  # exclusive
        if self.number == 4:
            return dt.date(self.year + 1, 1, 1)
        return dt.date(self.year, 3 * self.number + 1, 1)

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @classmethod
    def of(cls, day: dt.date) -> "Quarter":
        return cls(year=day.year, number=(day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, label: str) -> "Quarter":
        year, q = label.split("-Q")
        return cls(year=int(year), number=int(q))

    def previous(self) -> "Quarter":
        return Quarter(
            year=self.year - (self.number == 1), number=4 if self.number == 1 else self.number - 1
        )


@dataclass(frozen=True, kw_only=True)
class Use:
    purpose: str  # purpose id
    what: str  # aggregate / export / follow_up / webhook
    survey: str = ""
    at: dt.datetime | None = None
    count: int = 1
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class PrivacyReport:
    organization: str
    respondent_ref: str
    quarter: Quarter
    held: dict[str, Any]  # responses, answers, events, purposes, contact email
    uses: list[Use]
    deleted: list[dict[str, Any]]  # what, at
    deletes_next: list[dict[str, Any]]  # purpose, survey, on
    activity: list[dict[str, Any]]  # the quarter's audit events about them: action, at
    min_cell: int = 10
    zone: str = "UTC"
    extra: dict[str, Any] = field(default_factory=dict)


def _bounds(quarter: Quarter, zone: Any) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(quarter.starts, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(quarter.ends, dt.time(), tzinfo=zone)
    return start, end


def respondent_audit(respondent: Respondent, start: dt.datetime, end: dt.datetime) -> Any:
    """The audit events about a respondent (by their receipts or their id) in [start, end)."""
    receipts = [str(r) for r in respondent.consent_records.values_list("receipt_id", flat=True)]
    return AuditEvent.objects.filter(
        Q(data__receipt_id__in=receipts)
        | Q(data__respondent_id=str(respondent.pk))
        | Q(target_type="respondent", target_id=str(respondent.pk)),
        organization_id=respondent.organization_id,
        created_at__gte=start,
        created_at__lt=end,
    ).order_by("created_at", "id")


def _uses(respondent: Respondent, start: dt.datetime, end: dt.datetime) -> list[Use]:
    uses: list[Use] = []
    responses = list(
        respondent.responses.filter(status=ResponseStatus.COMPLETE).select_related("survey")
    )
    for r in responses:
        if r.aggregated_at is not None and start <= r.aggregated_at < end:
            uses.append(
                Use(
                    purpose="survey_research",
                    what="aggregate",
                    survey=r.survey.slug,
                    at=r.aggregated_at,
                )
            )
    survey_ids = {r.survey_id: r for r in responses}
    exports = AuditEvent.objects.filter(
        organization_id=respondent.organization_id,
        action=AuditAction.EXPORT_CREATED,
        data__stage="completed",
        created_at__gte=start,
        created_at__lt=end,
    ).order_by("created_at")
    for e in exports:
        answered = survey_ids.get(e.data.get("survey"))
        if (
            answered is not None
            and answered.submitted_at is not None
            and answered.submitted_at < e.created_at
        ):
            uses.append(
                Use(
                    purpose="survey_research",
                    what="export",
                    survey=answered.survey.slug,
                    at=e.created_at,
                    detail=str(e.data.get("format", "")),
                )
            )
    for e in AuditEvent.objects.filter(
        organization_id=respondent.organization_id,
        action=AuditAction.FOLLOW_UP_SENT,
        data__respondent_id=str(respondent.pk),
        created_at__gte=start,
        created_at__lt=end,
    ).order_by("created_at"):
        uses.append(Use(purpose=str(e.data.get("purpose", "")), what="follow_up", at=e.created_at))
    told = (
        WebhookDelivery.objects.filter(
            event__organization_id=respondent.organization_id,
            event__respondent_ref=respondent.respondent_ref,
            status=DeliveryStatus.SUCCEEDED,
            delivered_at__gte=start,
            delivered_at__lt=end,
        )
        .select_related("endpoint", "event")
        .order_by("delivered_at")
    )
    for d in told:
        name = d.endpoint.recipient or d.endpoint.description or d.endpoint.url.split("/")[2]
        uses.append(
            Use(purpose="", what="webhook", at=d.delivered_at, detail=f"{name}: {d.event.type}")
        )
    return uses


def _deleted(respondent: Respondent, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for record in respondent.consent_records.all():
        for kind, stamps in (
            ("withdrawn", record.purposes_withdrawn),
            ("expired", record.purposes_expired),
        ):
            for purpose, iso in stamps.items():
                at = dt.datetime.fromisoformat(iso)
                if start <= at < end:
                    out.append({"what": kind, "purpose": purpose, "at": at})
    for e in respondent_audit(respondent, start, end).filter(
        action__in=[
            AuditAction.CONTACT_EMAIL_ERASED,
            AuditAction.RETENTION_PURGED,
            AuditAction.DATA_DELETED,
        ]
    ):
        out.append({"what": e.action, "purpose": "", "at": e.created_at})
    return sorted(out, key=lambda d: d["at"])


def privacy_report(*, respondent: Respondent, quarter: Quarter) -> PrivacyReport:
    """The report of `quarter` for `respondent` (the quarter's bounds in the org's time zone)."""
    import zoneinfo

    org = respondent.organization
    zone = zoneinfo.ZoneInfo(org.timezone)
    start, end = _bounds(quarter, zone)
    data = respondent_data(respondent=respondent)
    contact = ContactEmail.objects.filter(respondent=respondent).first()
    purposes = sorted(active_purposes(respondent.pk))
    held: dict[str, Any] = {
        "responses": [
            {"survey": r["survey"], "answers": len(r["answers"]), "submitted_at": r["submitted_at"]}
            for r in data["responses"]
        ],
        "answers": sum(len(r["answers"]) for r in data["responses"]),
        "events": len(data["behaviour_events"]),
        "purposes": purposes,
        "contact_email": (
            {"purposes": contact.purposes, "until": contact.expires_at.date()} if contact else None
        ),
    }
    deletes_next = sorted(
        (
            {"survey": r["survey"], "purpose": p, "on": dt.date.fromisoformat(day)}
            for r in data["responses"]
            for p, day in r["deleted_by"].items()
            if p in purposes
        ),
        key=lambda d: (d["on"], d["survey"], d["purpose"]),
    )
    activity = [
        {"action": e.action, "at": e.created_at, "reason": e.data.get("reason", "")}
        for e in respondent_audit(respondent, start, end)
    ]
    return PrivacyReport(
        organization=org.name,
        respondent_ref=respondent.respondent_ref,
        quarter=quarter,
        held=held,
        uses=_uses(respondent, start, end),
        deleted=_deleted(respondent, start, end),
        deletes_next=deletes_next,
        activity=activity,
        min_cell=org.min_cell,
        zone=org.timezone,
    )


def report_token(*, respondent_id: Any, quarter: Quarter) -> str:
    return signing.dumps({"r": str(respondent_id), "q": quarter.label}, salt=REPORT_SALT)


def report_read(token: str) -> tuple[str, Quarter] | None:
    try:
        data = signing.loads(
            token, salt=REPORT_SALT, max_age=settings.PRIVACY_REPORT_LINK_DAYS * 86400
        )
        return str(data["r"]), Quarter.parse(str(data["q"]))
    except (signing.BadSignature, KeyError, ValueError):
        return None


def _locale(respondent: Respondent) -> str:
    latest = respondent.responses.order_by("-started_at").values_list("locale", flat=True).first()
    return latest or "en"


def privacy_report_send(*, respondent: Respondent, quarter: Quarter) -> bool:
    """Email one respondent their report of `quarter`, once (the audit log remembers)."""
    if PRIVACY_REPORT not in active_purposes(respondent.pk):
        return False
    contact = ContactEmail.objects.filter(respondent=respondent).first()
    if contact is None or PRIVACY_REPORT not in contact.purposes:
        return False
    already = AuditEvent.objects.filter(
        organization_id=respondent.organization_id,
        action=AuditAction.PRIVACY_REPORT_SENT,
        data__respondent_id=str(respondent.pk),
        data__quarter=quarter.label,
    ).exists()
    address = decrypt(contact.ciphertext)
    if already or address is None:
        return False
    token = report_token(respondent_id=respondent.pk, quarter=quarter)
    link = absolute(reverse("surveys:privacy_report", args=[token]))
    report = privacy_report(respondent=respondent, quarter=quarter)
    with translation.override(_locale(respondent)):
        body = render_to_string("touchpoints/report_email.txt", {"report": report, "link": link})
        subject = gettext("Your privacy report for %(quarter)s from %(org)s") % {
            "quarter": quarter.label,
            "org": report.organization,
        }
    unsubscribe = absolute(
        reverse(
            "surveys:touchpoint_unsubscribe",
            args=[services_unsubscribe_token(respondent.pk)],
        )
    )
    EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()
    services.audit_log(
        organization=respondent.organization,
        action=AuditAction.PRIVACY_REPORT_SENT,
        actor_label="system",
        target=respondent,
        data={"respondent_id": str(respondent.pk), "quarter": quarter.label},
    )
    return True


def services_unsubscribe_token(respondent_id: Any) -> str:
    from .services import unsubscribe_token

    return unsubscribe_token(respondent_id=respondent_id, purpose=PRIVACY_REPORT)


def privacy_reports_send(*, now: dt.datetime | None = None) -> int:
    """Send the last complete quarter's report to everyone who asked for one (idempotent)."""
    quarter = Quarter.of(timezone.localdate(now or timezone.now())).previous()
    # JSON "contains" is PostgreSQL-only: the purposes are checked here (SQLite too).
    asked = [
        respondent_id
        for respondent_id, purposes in ContactEmail.objects.values_list("respondent_id", "purposes")
        if PRIVACY_REPORT in purposes
    ]
    respondents = Respondent.objects.filter(pk__in=asked).select_related("organization")
    return sum(privacy_report_send(respondent=r, quarter=quarter) for r in respondents)


def report_surveys(report: PrivacyReport) -> dict[str, str]:
    """Survey slug → title in the active language (for the page)."""
    slugs = {r["survey"] for r in report.held["responses"]} | {u.survey for u in report.uses}
    from ..responses.views.display import bcp47

    lang = bcp47(translation.get_language() or "en")
    return {
        s.slug: s.title.get(lang) or s.title.get(s.default_locale) or s.slug
        for s in Survey.objects.filter(slug__in=slugs)
    }
