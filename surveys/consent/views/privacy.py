"""What the consent, receipt and portal pages show about a notice and its purposes.

Everything is built from `notice_text(version, locale)`, the canonical text
whose hash is stored with each consent, so the layered summary (the privacy
label), the full notice and the receipt all show exactly what was agreed to.
Only the page's own wording (headings, units, the names of legal bases and
of the usual data categories) comes from the translation catalogue.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, pgettext

from surveys.consent.services.consent import notice_text, notice_text_hash
from surveys.models import ConsentNoticeVersion
from surveys.responses.views.display import join_list
from surveys.selectors.texts import to_plain

LEGAL_BASES = {
    "consent": gettext_noop("Your consent"),
    "contract": gettext_noop("A contract with you"),
    "legal_obligation": gettext_noop("A legal obligation"),
    "vital_interests": gettext_noop("Protecting someone's vital interests"),
    "public_task": gettext_noop("A task in the public interest"),
    "legitimate_interests": gettext_noop("Our legitimate interests"),
}


def _category(name: str) -> str:
    """The data categories of the bundled notices in the page's language (others as written)."""
    known = {
        "survey answers": pgettext("data category", "survey answers"),
        "language": pgettext("data category", "language"),
        "time of response": pgettext("data category", "time of response"),
        "interaction events": pgettext("data category", "interaction events"),
        "newsletter preference": pgettext("data category", "newsletter preference"),
    }
    return known.get(name, name)


def days_text(days: int) -> str:
    """A retention period: "365 days" (and, for whole years, "1 year")."""
    text = ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    if days >= 365 and days % 365 == 0:
        years = days // 365
        text = ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    return text


@dataclass(frozen=True, kw_only=True)
class PurposeView:
    id: str
    title: SafeString  # sanitized when the notice was saved (surveys.text)
    title_plain: str
    description: SafeString
    required: bool
    legal_basis: str
    data_categories: list[str]
    retention_days: int
    recipients: list[str]

    @property
    def data_text(self) -> str:
        return join_list(self.data_categories)

    @property
    def retention_text(self) -> str:
        return days_text(self.retention_days)

    @property
    def recipients_text(self) -> str:
        return join_list(self.recipients)

    @property
    def dom_id(self) -> str:
        return f"purpose-{self.id}"


@dataclass(frozen=True, kw_only=True)
class NoticeView:
    """A notice version in one locale, ready for the templates."""

    version: ConsentNoticeVersion
    locale: str
    controller: Mapping[str, str]
    policy_url: str
    full_text: SafeString
    purposes: list[PurposeView]
    text_hash: str

    @property
    def required(self) -> list[PurposeView]:
        return [p for p in self.purposes if p.required]

    @property
    def optional(self) -> list[PurposeView]:
        return [p for p in self.purposes if not p.required]

    @property
    def controller_name(self) -> str:
        return self.controller.get("name", "")

    @property
    def contact_email(self) -> str:
        return self.controller.get("dpo_email") or self.controller.get("contact_email", "")

    @property
    def all_data(self) -> str:
        seen: list[str] = []
        for p in self.purposes:
            seen.extend(c for c in p.data_categories if c not in seen)
        return join_list(seen)

    @property
    def shortest_days(self) -> int:
        return min(p.retention_days for p in self.purposes)

    @property
    def longest_days(self) -> int:
        return max(p.retention_days for p in self.purposes)

    @property
    def retention_range(self) -> str:
        lo, hi = self.shortest_days, self.longest_days
        if lo == hi:
            return days_text(hi)
        return _("%(lo)s to %(hi)s") % {"lo": days_text(lo), "hi": days_text(hi)}

    @property
    def recipients(self) -> str:
        names: list[str] = []
        for p in self.purposes:
            names.extend(r for r in p.recipients if r not in names)
        return join_list(names)

    @property
    def label(self) -> str:
        """The notice and version, e.g. ``privacy-notice@1``."""
        return f"{self.version.notice.slug}@{self.version.number}"


def _safe(sanitized: str) -> SafeString:
    # Notice texts were sanitized when the notice was saved: em, strong, a, br only.
    return mark_safe(sanitized)  # noqa: S308


def notice_view(version: ConsentNoticeVersion, locale: str) -> NoticeView:
    text = notice_text(version, locale)
    purposes = [
        PurposeView(
            id=p["id"],
            title=_safe(p["title"]),
            title_plain=to_plain(p["title"]),
            description=_safe(p["description"]),
            required=bool(p["required"]),
            legal_basis=_(LEGAL_BASES.get(p["legal_basis"], p["legal_basis"])),
            data_categories=[_category(c) for c in p["data_categories"]],
            retention_days=int(p["retention_days"]),
            recipients=list(p.get("recipients") or []),
        )
        for p in text["purposes"]
    ]
    return NoticeView(
        version=version,
        locale=locale,
        controller=text["controller"],
        policy_url=text["policy_url"],
        full_text=_safe(text["full_text"]),
        purposes=purposes,
        text_hash=notice_text_hash(version, locale),
    )


# --- the portal's words for behaviour kinds and audit actions -------------------

KIND_LABELS = {
    "notice_opened": gettext_noop("Opened the full privacy notice"),
    "notice_dwell_ms": gettext_noop("Time spent reading the notice"),
    "optional_purpose_granted": gettext_noop("Agreed to an optional purpose"),
    "terms_accepted_unread": gettext_noop("Agreed without opening the full notice"),
    "optional_field_disclosed": gettext_noop("Optional personal question"),
    "marketing_opt_out": gettext_noop("Opted out of marketing"),
    "ad_blocker_detected": gettext_noop("Ad blocker detected"),
    "data_access_request": gettext_noop("Asked for a copy of their data"),
    "account_deleted": gettext_noop("Deleted an account"),
    "content_posted_words": gettext_noop("Words posted publicly"),
}

ACTION_LABELS = {
    "consent.given": gettext_noop("You gave your consent"),
    "consent.withdrawn": gettext_noop("You withdrew consent"),
    "portal.viewed": gettext_noop("You viewed this page"),
    "data.downloaded": gettext_noop("You downloaded your data"),
    "data.deleted": gettext_noop("Your data was deleted"),
    "retention.purged": gettext_noop("Data past its retention period was deleted"),
    "data.deleted:purpose_not_granted": gettext_noop(
        "Answers kept for a purpose you had not agreed to were deleted"
    ),
}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def action_label(action: str, reason: str = "") -> str:
    """An audit action as the respondent reads it (some actions say why, by `reason`)."""
    action = f"{action}:{reason}" if f"{action}:{reason}" in ACTION_LABELS else action
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def event_value_text(kind: str, value: Any, purposes: Mapping[str, str]) -> str:
    """An event's value as a person reads it."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if kind == "notice_dwell_ms" and isinstance(value, int):
        seconds = value / 1000
        return _("%(s)s seconds") % {"s": f"{seconds:.1f}".rstrip("0").rstrip(".")}
    if kind == "optional_purpose_granted" and isinstance(value, str):
        return purposes.get(value, value)
    if kind == "optional_field_disclosed":
        return _("Answered") if value else _("Left blank")
    if value is None or value == "":
        return "—"
    return str(value)


@dataclass(kw_only=True)
class PurposeStatus:
    purpose: PurposeView
    granted: bool
    withdrawn_at: dt.datetime | None = None
    expired_at: dt.datetime | None = None
    delete_by: dt.date | None = None
    actions: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.granted and self.withdrawn_at is None and self.expired_at is None


def parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def no_store(response: HttpResponse, referrer: str = "no-referrer") -> HttpResponse:
    """Never cached anywhere, and the token in the address never sent as a referrer."""
    response["Cache-Control"] = "no-store, private"
    response["Pragma"] = "no-cache"
    response["Referrer-Policy"] = referrer
    return response


def titles(purposes: Iterable[PurposeView]) -> dict[str, str]:
    return {p.id: p.title_plain for p in purposes}


def purpose_titles(view: NoticeView, ids: Sequence[str]) -> str:
    names = titles(view.purposes)
    return join_list([names.get(i, i) for i in ids])
