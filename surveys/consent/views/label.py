"""The consent step's privacy label and full notice, built and rendered once per process.

A published notice version never changes, so what the label shows of it (in
one content locale and one UI language) is the same for every respondent:
its view (`notice_view`) and the HTML of the label section are kept per
process, keyed by the version, its publication, the locales and the
notice's address. Drafts (the builder's preview) are built every time.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from surveys.consent.views.privacy import NoticeView, notice_view
from surveys.models import ConsentNoticeVersion

CACHE_MAX = 1024
_VIEWS: dict[tuple[int, str, str, str], NoticeView] = {}
_SECTIONS: dict[tuple[int, str, str, str, str], SafeString] = {}


def _bounded(cache: dict, key: object, value: object) -> None:
    if len(cache) >= CACHE_MAX:
        cache.clear()
    cache[key] = value


def landing_notice(version: ConsentNoticeVersion, locale: str) -> NoticeView:
    """`notice_view(version, locale)`, kept while the version is published."""
    if not version.is_frozen:
        return notice_view(version, locale)
    key = (version.pk, str(version.published_at), locale, get_language() or "")
    found = _VIEWS.get(key)
    if found is None:
        found = notice_view(version, locale)
        _bounded(_VIEWS, key, found)
    return found


def privacy_section(notice: NoticeView, notice_url: str) -> SafeString:
    """The HTML of the landing page's privacy label with the full notice inside."""
    key = (notice.version.pk, notice.text_hash, notice.locale, get_language() or "", notice_url)
    found = _SECTIONS.get(key) if notice.version.is_frozen else None
    if found is None:
        context = {"notice": notice, "notice_url": notice_url}
        found = mark_safe(render_to_string("surveys/_privacy_section.html", context))  # noqa: S308 - a template's output
        if notice.version.is_frozen:
            _bounded(_SECTIONS, key, found)
    return found
