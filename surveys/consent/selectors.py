"""Reads of consent data: the published version of a notice."""

from ..enums import VersionStatus
from ..models import ConsentNotice, ConsentNoticeVersion


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
