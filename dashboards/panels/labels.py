"""Labels, never codes: what a person reads for a segment value, a purpose or an answer bucket.

Rollups and filters key on codes (``a18_29``, ``zh-Hant``, ``in_app``,
``behavioural_measurement``, ``_other``); charts, filter options and tables
show their labels in the page's language: the survey's own choice texts for
the age band, the consent notice's purpose titles, Django's language names,
the channel names of ``surveys.enums.Channel``. The codes stay in the URL,
the CSV's code column and the API.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from surveys.enums import Channel
from surveys.models import ConsentNoticeVersion, Survey
from surveys.selectors import OTHER

from .base import survey_spec, text

UNKNOWN = "unknown"
WESTIN: dict[str, Promise] = {
    "fundamentalist": gettext_lazy("Privacy fundamentalists"),
    "pragmatist": gettext_lazy("Privacy pragmatists"),
    "unconcerned": gettext_lazy("Privacy unconcerned"),
}
NOT_KNOWN: dict[str, Promise] = {
    "westin_segment": gettext_lazy("Not classified (Westin items unanswered)"),
    "age_band": gettext_lazy("Age not given"),
    "locale": gettext_lazy("Language not known"),
    "channel": gettext_lazy("Channel not known"),
}


def language_name(code: str) -> str:
    """``zh-Hant`` → "Traditional Chinese" (in the page's language); an unknown code as it is."""
    try:
        return str(get_language_info(code.lower())["name_translated"])
    except KeyError:
        base = code.split("-")[0].lower()
        try:
            return str(get_language_info(base)["name_translated"])
        except KeyError:
            return code


def channel_name(code: str) -> str:
    return str(Channel(code).label) if code in Channel.values else code


@dataclass(frozen=True, kw_only=True)
class Labels:
    """The labels of one survey's codes in one language."""

    locale: str
    age_bands: dict[str, str] = field(default_factory=dict)
    purposes: dict[str, str] = field(default_factory=dict)

    def segment(self, dimension: str, key: str) -> str:
        if key in ("", UNKNOWN):
            return str(NOT_KNOWN.get(dimension, _("Not known")))
        if dimension == "westin_segment":
            return str(WESTIN[key]) if key in WESTIN else key
        if dimension == "age_band":
            return self.age_bands.get(key, key)
        if dimension == "locale":
            return language_name(key)
        if dimension == "channel":
            return channel_name(key)
        return key

    def purpose(self, key: str) -> str:
        return self.purposes.get(key) or key.replace("_", " ").capitalize()


def bucket_label(key: str) -> str:
    """An answer bucket no choice names: "Other" for the free "other" answer."""
    return _("Other") if key == OTHER else key


def purpose_titles(survey: Survey, locale: str) -> dict[str, str]:
    """Purpose id → its title, from the survey's consent notice (newest version last wins)."""
    if survey.consent_notice_id is None:
        return {}
    return _titles(ConsentNoticeVersion.objects.filter(notice_id=survey.consent_notice_id), locale)


def organization_purpose_titles(organization_id: int, locale: str) -> dict[str, str]:
    """Purpose id → its title across every consent notice of the organization (one query)."""
    return _titles(
        ConsentNoticeVersion.objects.filter(notice__organization_id=organization_id), locale
    )


def _titles(versions: QuerySet[ConsentNoticeVersion], locale: str) -> dict[str, str]:
    titles: dict[str, str] = {}
    for purposes in versions.order_by("notice_id", "number").values_list("purposes", flat=True):
        for p in purposes or []:
            title = text(p.get("title") or {}, locale)
            if title:
                titles[p["id"]] = title
    return titles


def survey_labels(survey: Survey, locale: str, *, purposes: bool = False) -> Labels:
    """Labels for `survey` in `locale` (the purposes' titles cost one query: ask for them)."""
    spec = survey_spec(survey)
    ages: dict[str, str] = {}
    if spec is not None:
        for q in spec.questions:
            if q.segment_attribute == "age_band" or (not ages and q.code == "age_band"):
                ages = {c.code: text(c.label, locale) or c.code for c in q.choices}
    return Labels(
        locale=locale,
        age_bands=ages,
        purposes=purpose_titles(survey, locale) if purposes else {},
    )
