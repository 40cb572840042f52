"""Reads of the survey builder: the draft as a document, what publishing would say,
what changed since the last published version, missing translations, and the
look (branding) of a survey's respondent pages.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from trustpulse.validation import FieldError

from ...branding import Look
from ...enums import ResponseStatus, VersionStatus
from ...models import (
    Branding,
    ConsentNotice,
    ConsentNoticeVersion,
    Organization,
    Survey,
    SurveyVersion,
)
from ...selectors import flow_cache
from ..checks import publish_errors
from .authoring import version_document, working_version


def builder_survey_list(*, organization: Organization) -> QuerySet[Survey]:
    """The organization's surveys with completed (non-test) and test response counts."""
    return (
        Survey.objects.filter(organization=organization)
        .annotate(
            completed=Count(
                "responses",
                filter=Q(responses__status=ResponseStatus.COMPLETE, responses__is_test=False),
            ),
            tests=Count("responses", filter=Q(responses__is_test=True)),
        )
        .order_by("-created_at", "-id")
    )


def builder_survey_get(*, organization: Organization, pk: int) -> Survey | None:
    """One survey of `organization` (None for another organization's: the view 404s)."""
    return (
        Survey.objects.filter(organization=organization, pk=pk)
        .select_related("organization", "live_version", "consent_notice")
        .first()
    )


def draft_document(*, survey: Survey) -> dict[str, Any]:
    """The definition document of the working version (the draft if any), with settings."""
    version = working_version(survey=survey)
    assert version is not None, "every survey is created with a first version"
    return version_document(version, survey)


def notice_choices(*, organization: Organization) -> list[ConsentNotice]:
    return list(ConsentNotice.objects.filter(organization=organization).order_by("slug"))


def notice_version_of(survey: Survey) -> ConsentNoticeVersion | None:
    from ...consent.selectors import notice_current_version

    return notice_current_version(survey.consent_notice)


def publish_problems(*, survey: Survey, doc: dict[str, Any]) -> list[FieldError]:
    """Every error publishing the draft would report now (writes nothing)."""
    return publish_errors(survey=survey, doc=doc)


# Missing translations ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Gap:
    path: str
    missing: list[str]


def _is_localized(value: Any, locales: set[str]) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(k in locales for k in value)
        and all(isinstance(v, str) for v in value.values())
    )


def translation_gaps(doc: dict[str, Any]) -> list[Gap]:
    """Localized texts that have some of the survey's locales but not all."""
    locales = [str(x) for x in doc.get("locales") or []]
    known = set(locales)
    gaps: list[Gap] = []

    def walk(value: Any, path: str) -> None:
        if _is_localized(value, known):
            missing = [lc for lc in locales if not str(value.get(lc) or "").strip()]
            if missing:
                gaps.append(Gap(path=path, missing=missing))
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in ("display_logic", "skip_logic"):
                    walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk({k: v for k, v in doc.items() if k not in ("locales",)}, "")
    return gaps


@dataclass(frozen=True, kw_only=True)
class StaleTranslation:
    path: str  # surveys/authoring/services/translations.py's key, e.g. sections[intro].title
    locales: list[str]


def translations_stale(*, survey: Survey) -> dict[str, list[str]]:
    """{text key: [locales]} whose translation predates the last change of its default text."""
    from .authoring import working_version

    version = working_version(survey=survey)
    marks = version.stale_translations if version is not None else {}
    locales = set(survey.locales)
    out = {key: [lc for lc in found if lc in locales] for key, found in (marks or {}).items()}
    return {key: found for key, found in out.items() if found}


def translations_stale_list(*, survey: Survey) -> list[StaleTranslation]:
    return [
        StaleTranslation(path=key, locales=found)
        for key, found in translations_stale(survey=survey).items()
    ]


# What changed since the last published version --------------------------------------


@dataclass(frozen=True, kw_only=True)
class Change:
    kind: str  # "added", "removed", "changed", "moved"
    what: str  # "section", "question" or "survey"
    code: str
    fields: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class PublishPreview:
    """What publishing the draft would freeze, and what differs from the live version."""

    draft_number: int | None
    previous_number: int | None
    sections: int
    questions: int
    locales: list[str]
    notice: str
    changes: list[Change]
    problems: list[FieldError]

    @property
    def ready(self) -> bool:
        return self.draft_number is not None and not self.problems


SURVEY_KEYS = ("title", "locales", "default_locale", "texts", "outcomes", "kind")


def _questions(doc: dict[str, Any]) -> dict[str, tuple[str, int, dict[str, Any]]]:
    return {
        q["code"]: (s["code"], qi, q)
        for s in doc.get("sections", [])
        for qi, q in enumerate(s.get("questions", []))
    }


def definition_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """Sections and questions added, removed, changed or moved (by code), and survey fields."""
    if old is None:
        return []
    changes = [
        Change(kind="changed", what="survey", code=key, fields=[key])
        for key in SURVEY_KEYS
        if old.get(key) != new.get(key)
    ]
    old_s = {s["code"]: (i, s) for i, s in enumerate(old.get("sections", []))}
    new_s = {s["code"]: (i, s) for i, s in enumerate(new.get("sections", []))}
    for code, (i, s) in new_s.items():
        if code not in old_s:
            changes.append(Change(kind="added", what="section", code=code))
            continue
        before = {k: v for k, v in old_s[code][1].items() if k != "questions"}
        after = {k: v for k, v in s.items() if k != "questions"}
        keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if keys:
            changes.append(Change(kind="changed", what="section", code=code, fields=keys))
        if old_s[code][0] != i:
            changes.append(Change(kind="moved", what="section", code=code))
    changes += [Change(kind="removed", what="section", code=c) for c in old_s if c not in new_s]
    old_q, new_q = _questions(old), _questions(new)
    for code, (section, position, q) in new_q.items():
        if code not in old_q:
            changes.append(Change(kind="added", what="question", code=code))
            continue
        was_section, was_position, was = old_q[code]
        keys = sorted(k for k in set(was) | set(q) if was.get(k) != q.get(k))
        if keys:
            changes.append(Change(kind="changed", what="question", code=code, fields=keys))
        if (was_section, was_position) != (section, position):
            changes.append(Change(kind="moved", what="question", code=code))
    changes += [Change(kind="removed", what="question", code=c) for c in old_q if c not in new_q]
    return changes


def publish_preview(*, survey: Survey) -> PublishPreview:
    draft = survey.versions.filter(status=VersionStatus.DRAFT).first()
    previous = survey.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    doc = draft_document(survey=survey)
    doc.pop("slug", None)
    old = dict(previous.snapshot or {}) if previous is not None else None
    if old is not None:
        old.pop("slug", None)
    notice = notice_version_of(survey)
    return PublishPreview(
        draft_number=draft.number if draft else None,
        previous_number=previous.number if previous else None,
        sections=len(doc.get("sections", [])),
        questions=sum(len(s.get("questions", [])) for s in doc.get("sections", [])),
        locales=list(doc.get("locales", [])),
        notice=f"{survey.consent_notice.slug} v{notice.number}"
        if survey.consent_notice and notice
        else "",
        changes=definition_diff(old, doc),
        problems=publish_problems(survey=survey, doc=doc) if draft else [],
    )


def version_history(*, survey: Survey) -> QuerySet[SurveyVersion]:
    return SurveyVersion.objects.filter(survey=survey).order_by("-number")


# Branding ---------------------------------------------------------------------------


def _look(branding: Branding, source: str) -> Look:
    logo_url = ""
    if branding.logo_type:
        logo_url = reverse(
            "surveys:logo",
            kwargs={"pk": branding.pk, "stamp": int(branding.updated_at.timestamp())},
        )
    return Look(
        accent=branding.accent,
        accent_text=branding.accent_text,
        text=branding.text,
        background=branding.background,
        font=branding.font,
        logo_url=logo_url,
        logo_alt=branding.logo_alt,
        source=source,
    )


def look_for(*, survey: Survey) -> Look:
    """The survey's own branding, else its organization's, else the default.

    One query, cached per process until a branding changes (`flow_cache`).
    """
    return flow_cache.cached(
        "look", (survey.pk, survey.organization_id), lambda: _look_load(survey)
    )


def _look_load(survey: Survey) -> Look:
    rows = list(
        Branding.objects.filter(Q(survey=survey) | Q(organization_id=survey.organization_id))
        .defer("logo")
        .order_by("survey_id")
    )
    own = next((b for b in rows if b.survey_id == survey.pk), None)
    if own is not None:
        return _look(own, "survey")
    org = next((b for b in rows if b.organization_id == survey.organization_id), None)
    return _look(org, "organization") if org is not None else Look()


def branding_of(*, organization: Organization, survey: Survey | None = None) -> Branding | None:
    rows = Branding.objects.defer("logo")
    if survey is not None:
        return rows.filter(survey=survey).first()
    return rows.filter(organization=organization).first()


def logo_get(*, pk: int) -> Branding | None:
    return Branding.objects.filter(pk=pk).exclude(logo_type="").first()
