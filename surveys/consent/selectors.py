"""Reads of consent data: the published version of a notice."""

from dataclasses import dataclass

from ..enums import VersionStatus
from ..models import ConsentNotice, ConsentNoticeVersion, Respondent, Tombstone
from ..tokens import token_hash


def notice_current_version(notice: ConsentNotice | None) -> ConsentNoticeVersion | None:
    """The newest published version of a notice (what respondents are shown)."""
    if notice is None:
        return None
    return (
        notice.versions.filter(status=VersionStatus.PUBLISHED)
        .select_related("notice__organization")
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True, kw_only=True)
class PortalLookup:
    respondent: Respondent | None = None
    tombstone: Tombstone | None = None

    @property
    def found(self) -> bool:
        return self.respondent is not None or self.tombstone is not None


def portal_lookup(*, token: str) -> PortalLookup:
    """Who a portal token belongs to: a respondent, a tombstone, or no one."""
    if not token or len(token) > 200:
        return PortalLookup()
    digest = token_hash(token)
    respondent = (
        Respondent.objects.select_related("organization").filter(portal_token_hash=digest).first()
    )
    if respondent is not None:
        return PortalLookup(respondent=respondent)
    return PortalLookup(tombstone=Tombstone.objects.filter(portal_token_hash=digest).first())
