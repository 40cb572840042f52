"""Preview: the draft rendered by the respondent templates, in each locale, at phone
and desktop width. Nothing is stored: "Next" only follows the survey's logic from
the answers on the page shown.

The choices ticked at the preview's consent step are remembered for the
preview (in the author's session): a question under a purpose not ticked is
hidden, as respondents would not see it, and the page says why. Until the
consent step is used every purpose counts as granted.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from surveys import selectors
from surveys.authoring.selectors.authoring import working_version
from surveys.authoring.views.common import BUILDERS, survey_or_404, title_of, url
from surveys.consent.views.consent import current_notice, render_step
from surveys.consent.views.privacy import notice_view
from surveys.forms import parse_page, posted_state, stored_states
from surveys.logic import evaluate, next_section, section_path
from surveys.responses.views.display import Texts
from surveys.responses.views.fragments import render_questions
from surveys.responses.views.public import SurveyContext, base_context, cleaned_page
from surveys.responses.views.questions import build_questions, ordered_questions
from trustpulse.studio import Studio, studio_view

WIDTHS = (("phone", 390), ("desktop", 1024))
CONSENT_STEP = "_consent"  # not a section code: those start with a letter
PURPOSES_KEY = "trustpulse_preview_purposes"  # survey pk → purposes ticked in the preview


@dataclass(frozen=True, kw_only=True)
class HiddenQuestion:
    """A question the preview does not show, and the purpose it waits for."""

    text: str
    purpose: str


def _granted(request: HttpRequest, survey: Any) -> list[str] | None:
    """The purposes ticked at the preview's consent step (None: not used yet)."""
    found = (request.session.get(PURPOSES_KEY) or {}).get(str(survey.pk))
    return list(found) if isinstance(found, list) else None


def _hidden(ctx: SurveyContext, section_spec: Any, withheld: frozenset[str]) -> list[Any]:
    """Why each withheld question of the page is hidden: the purpose not granted."""
    version = current_notice(ctx.survey)
    purposes = notice_view(version, ctx.locale).purposes if version is not None else []
    titles = {p.id: p.title_plain for p in purposes}
    return [
        HiddenQuestion(text=ctx.texts.plain(q.text), purpose=titles.get(q.purpose, q.purpose))
        for q in section_spec.questions
        if q.code in withheld
    ]


def _locale(request: HttpRequest, locales: list[str], default: str) -> str:
    wanted = str(request.GET.get("locale") or "")
    return wanted if wanted in locales else default


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET"])
def preview(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    """Phone and desktop frames of one page of the draft, with locale and page pickers."""
    survey = survey_or_404(studio, pk)
    version = working_version(survey=survey)
    assert version is not None
    spec = selectors.version_spec(version)
    locale = _locale(request, list(spec.locales), spec.default_locale)
    sections = [s.code for s in spec.sections]
    section = str(request.GET.get("section") or "")
    if section not in sections and section != CONSENT_STEP:
        section = sections[0] if sections else ""
    src = url("preview_frame", studio, pk=survey.pk, locale=locale, section=section or "-")
    return render(
        request,
        "studio/builder/preview.html",
        {
            "studio": studio,
            "survey": survey,
            "survey_title": title_of(survey),
            "version": version,
            "locales": list(spec.locales),
            "locale": locale,
            "sections": sections,
            "section": section,
            "consent_step": CONSENT_STEP,
            "frames": [{"name": name, "width": width, "src": src} for name, width in WIDTHS],
        },
    )


@xframe_options_sameorigin
@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def preview_frame(
    request: HttpRequest, studio: Studio, pk: int, locale: str, section: str
) -> HttpResponse:
    """One page of the draft exactly as the respondent page renders it (nothing saved).

    `section` "-" is the end of the survey (its thank-you page).
    """
    survey = survey_or_404(studio, pk)
    version = working_version(survey=survey)
    assert version is not None
    spec = selectors.version_spec(version)
    if locale not in spec.locales:
        locale = spec.default_locale
    # The respondent pages speak the survey's language: so does the preview.
    ui = next((code for code, _name in settings.LANGUAGES if code.lower() == locale.lower()), "")
    with translation.override(ui or translation.get_language()):
        request.LANGUAGE_CODE = translation.get_language()
        return _frame(request, studio, survey, version, spec, locale, section)


def _frame(
    request: HttpRequest,
    studio: Studio,
    survey: Any,
    version: Any,
    spec: Any,
    locale: str,
    section: str,
) -> HttpResponse:
    ctx = SurveyContext(
        survey=survey, version=version, spec=spec, texts=Texts(locale, spec.default_locale)
    )
    context: dict[str, Any] = base_context(request, ctx)
    context.update(languages=[], test_mode=False)
    if request.LANGUAGE_CODE.lower() != locale.lower():
        context["content_lang"] = locale

    def to(code: str | None) -> str:
        return url("preview_frame", studio, pk=survey.pk, locale=locale, section=code or "-")

    if section == CONSENT_STEP:
        return _consent_step(request, ctx, context, to)
    section_spec = spec.section(section) if section != "-" else None

    if section_spec is None:
        context.update(thanks_text=ctx.texts.html(spec.texts.get("thanks")), result=None)
        return render(request, "surveys/thanks.html", context)
    withheld = spec.withheld(_granted(request, survey))
    rules = spec.rules(withheld)
    questions = [q for q in ordered_questions(section_spec, "preview") if q.code not in withheld]
    values: dict[str, Any] = {}
    problems: list[Any] = []
    states = {}
    if request.method == "POST":
        raw, other = parse_page(questions, request.POST)
        values = cleaned_page(questions, raw, other)
        if request.POST.get("nav") == "next":
            return HttpResponseRedirect(to(next_section(rules, section_spec.code, values)))
        states = {q.code: posted_state(q, request.POST) for q in questions}
    visible = [q for q in questions if evaluate(q.display_logic, values)]
    if not states:
        states = stored_states(visible, {}, {})
    views, error_links = build_questions(
        visible, states, ctx.texts, seed="preview", problems=problems
    )
    render_questions(views)
    path = section_path(rules, {})
    position = path.index(section_spec.code) + 1 if section_spec.code in path else 1
    previous = path[position - 2] if position > 1 and section_spec.code in path else ""
    context.update(
        section=section_spec,
        section_title=ctx.texts.title(section_spec.title),
        section_title_plain=ctx.texts.title(section_spec.title),
        section_description=ctx.texts.html(section_spec.description),
        questions=views,
        error_links=error_links,
        notice="",
        appeared=set(),
        position=position,
        total=max(len(path), position),
        is_last=next_section(rules, section_spec.code, {}) is None,
        back_url=to(previous) if previous else "",
        resume_url="",
        hidden_questions=_hidden(ctx, section_spec, withheld),
        consent_step_url=to(CONSENT_STEP),
    )
    return render(request, "surveys/page.html", context)


def _consent_step(
    request: HttpRequest, ctx: SurveyContext, context: dict[str, Any], to: Any
) -> HttpResponse:
    """The consent step as respondents see it first; agreeing goes to the first page."""
    version = current_notice(ctx.survey)
    if version is None:
        context.update(reason="not_published", opens_at=None)
        return render(request, "surveys/unavailable.html", context)
    if request.method == "POST":
        known = set(version.purpose_ids)
        ticked = {p for p in request.POST.getlist("purposes") if p in known}
        granted = [p for p in version.purpose_ids if p in ticked or p in version.required_ids]
        store = dict(request.session.get(PURPOSES_KEY) or {})
        store[str(ctx.survey.pk)] = granted
        request.session[PURPOSES_KEY] = store
        rules = ctx.spec.rules(ctx.spec.withheld(granted))
        return HttpResponseRedirect(to(next_section(rules, None, {})))
    granted = _granted(request, ctx.survey)
    return render_step(
        request,
        ctx,
        version,
        preview_url=to(CONSENT_STEP),
        ticked=set(granted) if granted is not None else None,
    )
