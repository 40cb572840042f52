"""The builder's survey pages: the new-survey form, the survey overview (its settings,
sections and questions with move up/down, what publishing still needs, missing
translations) and the texts around the questions with a quiz's score bands.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from surveys.authoring.selectors.builder import (
    draft_document,
    notice_choices,
    publish_problems,
    translation_gaps,
    translations_stale,
    translations_stale_list,
)
from surveys.authoring.services import authoring as authoring_services
from surveys.authoring.services.authoring import survey_update
from surveys.authoring.services.builder import survey_content_update
from surveys.authoring.views.common import (
    BUILDERS,
    language_choices,
    loc_field,
    posted,
    posted_locales,
    survey_or_404,
    title_of,
    url,
)
from surveys.authoring.views.forms import EXTRA_ROWS, FormErrors, localized, number
from surveys.enums import QuestionType, SurveyKind, VersionStatus
from surveys.models import Survey
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import FieldError, ServiceValidationError


def _locales(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest, studio: Studio) -> HttpResponse:
    """A new survey or quiz: title, kind, locales and consent notice; then the builder."""
    errors = FormErrors()
    data: dict[str, Any] = {
        "kind": SurveyKind.SURVEY,
        "locales": "en",
        "default_locale": "en",
        "title": "",
        "notice": "",
    }
    notices = notice_choices(organization=studio.organization)
    if notices and len(notices) == 1:
        data["notice"] = notices[0].slug
    if request.method == "POST":
        post = posted(request)
        locales = _locales(posted_locales(request))
        default = str(post.get("default_locale") or "").strip() or (locales[:1] or ["en"])[0]
        title = str(post.get("title") or "").strip()
        data = {
            "kind": post.get("kind") or SurveyKind.SURVEY,
            "locales": ", ".join(locales),
            "default_locale": default,
            "title": title,
            "notice": post.get("consent_notice") or "",
        }
        try:
            survey = authoring_services.survey_new(
                organization=studio.organization,
                title={default: title} if title else {},
                kind=str(data["kind"]),
                default_locale=default,
                locales=locales or [default],
                consent_notice=str(data["notice"]) or None,
                actor=request.user,  # type: ignore[arg-type]
            )
        except ServiceValidationError as exc:
            errors.items = exc.errors
        else:
            messages.success(request, _("Survey created. Add its first section."))
            return HttpResponseRedirect(url("survey", studio, pk=survey.pk))
    return render(
        request,
        "studio/builder/survey_new.html",
        {
            "studio": studio,
            "data": data,
            "errors": errors,
            "kinds": SurveyKind.choices,
            "notices": notices,
            "languages": language_choices(_locales(str(data["locales"]))),
        },
        status=400 if errors else 200,
    )


def _local_input(value: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if value else ""


def _settings_changes(
    post: dict[str, Any], survey: Any, tz: zoneinfo.ZoneInfo, errors: list[FieldError]
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    locales = _locales(str(post.get("locales") or ""))
    if locales != survey.locales:
        changes["locales"] = locales
    default = str(post.get("default_locale") or "").strip()
    if default != survey.default_locale:
        changes["default_locale"] = default
    title = localized(post, "title", list(dict.fromkeys(survey.locales + locales)))
    if title != survey.title:
        changes["title"] = title
    notice = str(post.get("consent_notice") or "") or None
    current = survey.consent_notice.slug if survey.consent_notice else None
    if notice != current:
        changes["consent_notice"] = notice
    quota_text = str(post.get("response_quota") or "").strip()
    quota = number(quota_text) if quota_text else None
    if quota != survey.response_quota:
        changes["response_quota"] = quota
    for key in ("opens_at", "closes_at"):
        text = str(post.get(key) or "").strip()
        value: Any = None
        if text:
            try:
                value = dt.datetime.fromisoformat(text).replace(tzinfo=tz)
            except ValueError:
                errors.append(
                    FieldError(field=key, code="invalid_format", message=_("A date and time."))
                )
                continue
        if value != getattr(survey, key):
            changes[key] = value
    return changes


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    """The builder's home for one survey: settings, sections and questions, checks."""
    survey = survey_or_404(studio, pk)
    tz = zoneinfo.ZoneInfo(studio.organization.timezone)
    errors = FormErrors()
    post: dict[str, Any] | None = None
    if request.method == "POST":
        post = posted(request)
        post["locales"] = posted_locales(request)
        problems: list[FieldError] = []
        changes = _settings_changes(post, survey, tz, problems)
        try:
            if problems:
                raise ServiceValidationError(problems)
            if changes:
                survey_update(
                    survey=survey,
                    changes=changes,
                    actor=request.user,  # type: ignore[arg-type]
                )
        except ServiceValidationError as exc:
            errors.items = exc.errors
            survey.refresh_from_db()
        else:
            messages.success(request, _("Settings saved."))
            return HttpResponseRedirect(url("survey", studio, pk=survey.pk))
    doc = draft_document(survey=survey)
    locales = list(doc["locales"])
    by_key = errors.by_key
    settings_data = _settings_data(post or {}, survey, tz)
    title_value = localized(post, "title", locales) if post else survey.title
    gaps = translation_gaps(doc)
    draft = survey.versions.filter(status=VersionStatus.DRAFT).values_list("number", flat=True)
    return render(
        request,
        "studio/builder/survey_edit.html",
        {
            "studio": studio,
            "survey": survey,
            "survey_title": title_of(survey),
            "settings": settings_data,
            "languages": language_choices(
                _locales(str(settings_data["locales"])), extra=survey.locales
            ),
            "title_field": loc_field(
                "title",
                _("Title"),
                title_value,
                locales,
                required=True,
                errors=by_key,
                stale=translations_stale(survey=survey).get("title", []),
            ),
            "errors": errors,
            "by_key": by_key,
            "notices": notice_choices(organization=studio.organization),
            "sections": _outline(doc, survey.default_locale),
            "question_types": QuestionType.choices,
            "problems": publish_problems(survey=survey, doc=doc),
            "gaps": gaps,
            "stale": translations_stale_list(survey=survey),
            "timezone": studio.organization.timezone,
            "is_quiz": survey.kind == SurveyKind.QUIZ,
            "draft_number": next(iter(draft), None),
            "live_number": survey.live_version.number if survey.live_version else None,
        },
        status=400 if errors else 200,
    )


def _settings_data(post: dict[str, Any], survey: Survey, tz: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """The settings form's values: as posted, else the survey's."""
    return {
        "locales": post.get("locales", ", ".join(survey.locales)),
        "default_locale": post.get("default_locale", survey.default_locale),
        "consent_notice": post.get(
            "consent_notice", survey.consent_notice.slug if survey.consent_notice else ""
        ),
        "response_quota": post.get("response_quota", survey.response_quota or ""),
        "opens_at": post.get("opens_at", _local_input(survey.opens_at, tz)),
        "closes_at": post.get("closes_at", _local_input(survey.closes_at, tz)),
    }


def _outline(doc: dict[str, Any], default_locale: str) -> list[dict[str, Any]]:
    """The overview's sections and questions, with what moving them up or down allows."""
    locales = list(doc["locales"])
    sections = doc["sections"]
    last_section = len(sections) - 1
    return [
        {
            "code": s["code"],
            "index": si,
            "title": loc_field("t", "", s.get("title"), locales).values,
            "has_logic": bool(s.get("display_logic") or s.get("skip_logic")),
            "first": si == 0,
            "last": si == last_section,
            "questions": [
                {
                    "code": q["code"],
                    "type": QuestionType(q["type"]).label
                    if q["type"] in QuestionType.values
                    else q["type"],
                    "text": q.get("text", {}).get(default_locale)
                    or next(iter(q.get("text", {}).values()), ""),
                    "purpose": q.get("purpose", ""),
                    "required": q.get("required", False),
                    "has_logic": bool(q.get("display_logic")),
                    "points": q.get("points"),
                    "first": si == 0 and qi == 0,
                    "last": si == last_section and qi == len(s["questions"]) - 1,
                }
                for qi, q in enumerate(s["questions"])
            ],
        }
        for si, s in enumerate(sections)
    ]


def _band_rows(outcomes: list[Any], locales: list[str]) -> list[dict[str, Any]]:
    rows = []
    for i, o in enumerate([*outcomes, *([{}] * EXTRA_ROWS)]):
        rows.append(
            {
                "index": i,
                "min": o.get("min", ""),
                "max": o.get("max", ""),
                "title": loc_field(f"o-{i}-title", _("Title"), o.get("title"), locales),
                "text": loc_field(f"o-{i}-text", _("Text"), o.get("text"), locales, textarea=True),
            }
        )
    return rows


def _parse_outcomes(post: dict[str, Any], locales: list[str]) -> list[dict[str, Any]]:
    out = []
    i = 0
    while f"o-{i}-min" in post:
        lo, hi = str(post.get(f"o-{i}-min") or "").strip(), str(post.get(f"o-{i}-max") or "")
        title = localized(post, f"o-{i}-title", locales)
        text = localized(post, f"o-{i}-text", locales)
        if lo or hi.strip() or title or text:
            band: dict[str, Any] = {"min": number(lo), "max": number(hi), "title": title}
            if text:
                band["text"] = text
            out.append(band)
        i += 1
    return out


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def survey_texts(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    """The introduction and thank-you texts; for a quiz, its score bands (outcomes)."""
    survey = survey_or_404(studio, pk)
    doc = draft_document(survey=survey)
    locales = list(doc["locales"])
    errors = FormErrors()
    texts = doc.get("texts") or {}
    outcomes = doc.get("outcomes") or []
    if request.method == "POST":
        post = posted(request)
        texts = {
            key: value for key in ("intro", "thanks") if (value := localized(post, key, locales))
        }
        changes: dict[str, Any] = {"texts": texts}
        if survey.kind == SurveyKind.QUIZ:
            outcomes = _parse_outcomes(post, locales)
            changes["outcomes"] = outcomes
        try:
            survey_content_update(
                survey=survey,
                changes=changes,
                actor=request.user,  # type: ignore[arg-type]
            )
        except ServiceValidationError as exc:
            errors.items = exc.errors
        else:
            messages.success(request, _("Texts saved."))
            return HttpResponseRedirect(url("texts", studio, pk=survey.pk))
    by_key = errors.by_key
    return render(
        request,
        "studio/builder/texts.html",
        {
            "studio": studio,
            "survey": survey,
            "survey_title": title_of(survey),
            "errors": errors,
            "by_key": by_key,
            "intro": loc_field(
                "intro",
                _("Introduction (before the consent choices)"),
                texts.get("intro"),
                locales,
                textarea=True,
                errors=by_key,
            ),
            "thanks": loc_field(
                "thanks",
                _("Thank-you text (at the end)"),
                texts.get("thanks"),
                locales,
                textarea=True,
                errors=by_key,
            ),
            "bands": _band_rows(list(outcomes), locales) if survey.kind == SurveyKind.QUIZ else [],
            "is_quiz": survey.kind == SurveyKind.QUIZ,
        },
        status=400 if errors else 200,
    )
