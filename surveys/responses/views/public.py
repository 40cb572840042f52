"""The respondent flow: one page per section, thanks, resume (the consent step
that starts it is in `consent`).

Server-rendered and complete without JavaScript. The session remembers, per
survey slug, the respondent's response id, resume token and portal token
(the tokens are shown to that respondent only: the "continue later" link and,
once, on the thank-you page, the private portal link); the response itself
lives in the database and is changed only through the services.
"""

import functools
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from surveys import selectors
from surveys.answers import AnswerError, AnswerProblem, clean_answers, clean_question, feedback
from surveys.authoring.selectors.builder import look_for
from surveys.consent.services.rights import portal_token_issue
from surveys.enums import ResponseStatus
from surveys.forms import FieldState, parse_page, posted_state, stored_states
from surveys.logic import evaluate, next_section, section_path
from surveys.models import Response, Survey, SurveyVersion
from surveys.responses import selectors as response_selectors
from surveys.responses.selectors import (
    Availability,
    response_receipt_id,
    response_resume,
    response_state,
    response_values,
    with_consents,
)
from surveys.responses.services.response_flow import (
    quiz_score_text,
    response_complete,
    response_save_section,
)
from surveys.responses.views.display import (
    Texts,
    bcp47,
    content_locale,
    language_options,
    quiz_feedback,
)
from surveys.responses.views.fragments import mark_follow_ups, render_questions, with_follow_ups
from surveys.responses.views.questions import build_questions, ordered_questions
from surveys.selectors import public_survey_get
from surveys.spec import VersionSpec
from surveys.touchpoints.views import thanks_context
from trustpulse.compiled import CompiledSelect
from trustpulse.validation import ServiceValidationError

SESSION_KEY = "trustpulse_flow"
TEST_KEY = "trustpulse_test"  # slugs opened through a valid test link in this session
# What stops an in-progress respondent (a quota filling up does not).
BLOCKS_IN_PROGRESS = {"not_published", "closed"}


# --- session -------------------------------------------------------------


def _flow(request: HttpRequest, slug: str) -> dict[str, Any]:
    return dict(request.session.get(SESSION_KEY, {}).get(slug) or {})


def flow_set(request: HttpRequest, slug: str, entry: dict[str, Any] | None) -> None:
    flows = dict(request.session.get(SESSION_KEY, {}))
    if entry is None:
        flows.pop(slug, None)
    else:
        flows[slug] = entry
    request.session[SESSION_KEY] = flows


@functools.cache
def _session_rows() -> QuerySet[Response]:
    """The session response's query, its annotation resolved once per process."""
    return with_consents(Response.objects.select_related("respondent"))


def _session_row(pk: UUID, survey_id: int) -> QuerySet[Response]:
    return _session_rows().filter(pk=pk, survey_id=survey_id).order_by("pk")[:1]


def _session_row_locked(pk: UUID, survey_id: int) -> QuerySet[Response]:
    return _session_row(pk, survey_id).select_for_update(of=("self",))


# Every request of the flow reads its response: compiled to SQL once (trustpulse.compiled).
_PLACEHOLDERS = (UUID(int=0x7E57), -0x7E57)
SESSION_ROW = CompiledSelect(_session_row, _PLACEHOLDERS)
SESSION_ROW_LOCKED = CompiledSelect(_session_row_locked, _PLACEHOLDERS)


def session_response(
    request: HttpRequest, survey: Survey, key: str, *, lock: bool = False
) -> Response | None:
    """The session's response of `survey` (one query; `lock`: FOR UPDATE, in a transaction).

    Its survey is `survey`, and its version the survey's live one when it is
    that (the usual case): neither is read again.
    """
    value = _flow(request, survey.slug).get(key)
    try:
        pk = UUID(str(value))
    except ValueError:
        return None
    response = (SESSION_ROW_LOCKED if lock else SESSION_ROW).first(pk, survey.pk)
    if response is not None:
        response.survey = survey
        live = survey.live_version
        if live is not None and response.version_id == live.pk:
            response.version = live
    return response


def in_test_mode(request: HttpRequest, slug: str) -> bool:
    """Whether this session opened survey `slug` through its test link."""
    return slug in (request.session.get(TEST_KEY) or [])


# --- shared context ------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SurveyContext:
    survey: Survey
    version: SurveyVersion
    spec: VersionSpec
    texts: Texts
    # Questions under a purpose the respondent has not granted: never shown.
    withheld: frozenset[str] = frozenset()

    @property
    def locale(self) -> str:
        return self.texts.locale


def survey_context(survey: Survey, version: SurveyVersion | None = None) -> SurveyContext:
    version = version or survey.live_version
    assert version is not None
    spec = selectors.version_spec(version)
    locale = content_locale(spec.locales, spec.default_locale)
    return SurveyContext(
        survey=survey, version=version, spec=spec, texts=Texts(locale, spec.default_locale)
    )


def base_context(request: HttpRequest, ctx: SurveyContext | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "languages": language_options(ctx.spec.locales if ctx else None),
        "next_url": request.get_full_path(),
        "content_lang": "",
        "html_lang": bcp47(request.LANGUAGE_CODE),
    }
    if ctx is not None:
        content_lang = bcp47(ctx.locale)
        ui_lang = bcp47(request.LANGUAGE_CODE)
        data.update(
            survey=ctx.survey,
            spec=ctx.spec,
            survey_title=ctx.texts.title(ctx.spec.title),
            survey_title_plain=ctx.texts.title(ctx.spec.title),
            content_lang=content_lang if content_lang != ui_lang else "",
            is_quiz=ctx.spec.kind == "quiz",
            look=look_for(survey=ctx.survey),
            test_mode=in_test_mode(request, ctx.survey.slug),
        )
    return data


def unavailable(
    request: HttpRequest,
    survey: Survey | None,
    reason: str,
    status: int,
) -> HttpResponse:
    ctx = survey_context(survey) if survey is not None and survey.live_version else None
    context = base_context(request, ctx)
    opens_at = survey.opens_at if survey is not None and reason == "not_yet_open" else None
    context.update(reason=reason, opens_at=opens_at)
    return render(request, "surveys/unavailable.html", context, status=status)


def availability(survey: Survey | None) -> Availability:
    if survey is None:
        return Availability(ok=False, reason="not_found", status=404)
    return response_selectors.availability(survey)


def page_url(survey: Survey, section: str) -> str:
    return reverse("surveys:page", kwargs={"slug": survey.slug, "section": section})


def _resume_url(request: HttpRequest, survey: Survey, token: str) -> str:
    path = reverse("surveys:resume", kwargs={"slug": survey.slug, "token": token})
    return request.build_absolute_uri(path)


# --- one section per page ---------------------------------------------------


def _page_problems(
    spec: VersionSpec,
    code: str,
    raw: dict[str, Any],
    other: dict[str, str],
    withheld: frozenset[str] = frozenset(),
) -> list[AnswerProblem]:
    """What clean_answers would say about this page (used when the page is not saved)."""
    cleaned = clean_answers(spec, raw, other, sections=[code], withheld=withheld)
    page = {q.code for s in spec.sections if s.code == code for q in s.questions}
    return [p for p in cleaned.problems if p.question in page]


def cleaned_page(
    questions: list[Any], raw: dict[str, Any], other: dict[str, str]
) -> dict[str, Any]:
    """The page's answers that are valid on their own (for display logic on the page)."""
    out: dict[str, Any] = {}
    for q in questions:
        if q.code not in raw:
            continue
        try:
            value = clean_question(q, raw[q.code], other.get(q.code))
        except AnswerError:
            continue
        if value is not None:
            out[q.code] = value
    return out


@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    """One section: its visible questions, Back and Next (Submit on the last page).

    A POST holds its response locked for the request: it is read once, with
    its consent and answers, and saved (and submitted) from that reading.
    """
    if request.method == "POST":
        with transaction.atomic():
            return _page(request, slug, section)
    return _page(request, slug, section)


def _page(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    survey = public_survey_get(slug=slug)
    avail = availability(survey)
    if survey is None or (not avail.ok and avail.reason in BLOCKS_IN_PROGRESS):
        return unavailable(request, survey, avail.reason, avail.status)
    response = session_response(request, survey, "response", lock=request.method == "POST")
    if response is None:
        if request.method == "POST":
            from surveys.consent.views.consent import before_consent

            return before_consent(request, survey)
        return HttpResponseRedirect(reverse("surveys:landing", kwargs={"slug": slug}))
    if response.status == ResponseStatus.COMPLETE:
        return HttpResponseRedirect(reverse("surveys:thanks", kwargs={"slug": slug}))
    path = list(response.section_path)
    if section not in path:
        return HttpResponseRedirect(page_url(survey, response.current_section or path[-1]))
    ctx = survey_context(survey, response.version)
    # Questions under a purpose not granted are never shown, taken or stored.
    state = response_state(response, ctx.spec)
    ctx = replace(ctx, withheld=state.withheld)
    spec, withheld = ctx.spec, ctx.withheld
    section_spec = spec.section(section)
    assert section_spec is not None
    seed = str(response.pk)
    stored, stored_other = state.values, state.other
    stored = {k: v for k, v in stored.items() if k not in withheld}
    page_codes = {q.code for q in section_spec.questions}
    questions = [q for q in ordered_questions(section_spec, seed) if q.code not in withheld]
    problems: list[AnswerProblem] = []
    notice = ""

    if request.method == "POST":
        raw, other = parse_page(questions, request.POST)
        earlier = {k: v for k, v in stored.items() if k not in page_codes}
        logic_values = {**earlier, **cleaned_page(questions, raw, other)}
        visible = [q for q in questions if evaluate(q.display_logic, logic_values)]
        shown_before = set(request.POST.getlist("shown"))
        appeared = [q for q in visible if q.display_logic and q.code not in shown_before]
        visible_codes = {q.code for q in visible}
        raw = {k: v for k, v in raw.items() if k in visible_codes}
        other = {k: v for k, v in other.items() if k in visible_codes}
        states = {q.code: posted_state(q, request.POST) for q in visible}
        if appeared:
            # An answer on this page brought up a follow-up question: show it
            # before saving, so it is never skipped unseen (no JavaScript needed).
            appeared_codes = {q.code for q in appeared}
            problems = [
                p
                for p in _page_problems(spec, section, raw, other, withheld)
                if p.question not in appeared_codes
            ]
            notice = _("Your answer added a question to this page. Please look at it below.")
            return _render_page(
                request, ctx, response, section, visible, states, stored, problems, notice, appeared
            )
        result = response_save_section(
            response=response, section_code=section, raw=raw, other=other, state=state
        )
        if result.problems:
            return _render_page(
                request, ctx, response, section, visible, states, stored, result.problems
            )
        if result.next_section is not None:
            return HttpResponseRedirect(page_url(survey, result.next_section))
        return _submit(request, ctx, response, section, result)

    visible = [q for q in questions if evaluate(q.display_logic, stored)]
    states = stored_states(visible, stored, stored_other)
    return _render_page(request, ctx, response, section, visible, states, stored, problems)


def _submit(
    request: HttpRequest, ctx: SurveyContext, response: Response, section: str, result: Any
) -> HttpResponse:
    """The last page saved: submit the response, then thanks (or back to a page to fix)."""
    survey, spec, slug = ctx.survey, ctx.spec, ctx.survey.slug
    try:
        response_complete(response=response, state=result.state)
    except ServiceValidationError as exc:
        # An answer on an earlier page no longer holds: back to that page
        # (its answers are kept), where saving it again shows the problem.
        response.refresh_from_db()
        target = next(
            (q.section for e in exc.errors if (q := spec.question(e.field)) is not None),
            response.section_path[0] if response.section_path else section,
        )
        return HttpResponseRedirect(page_url(survey, target))
    entry = _flow(request, slug)
    flow_set(request, slug, {"done": entry.get("response"), "portal": entry.get("portal")})
    return HttpResponseRedirect(reverse("surveys:thanks", kwargs={"slug": slug}))


def _render_page(
    request: HttpRequest,
    ctx: SurveyContext,
    response: Response,
    section: str,
    visible: list[Any],
    states: dict[str, FieldState],
    stored: dict[str, Any],
    problems: list[AnswerProblem],
    notice: str = "",
    appeared: list[Any] | None = None,
) -> HttpResponse:
    spec = ctx.spec
    section_spec = spec.section(section)
    assert section_spec is not None
    seed = str(response.pk)
    # Follow-ups on this page's answers come along hidden, for the page's script.
    page = [q for q in ordered_questions(section_spec, seed) if q.code not in ctx.withheld]
    sent, conditions = with_follow_ups(page, visible, stored)
    views, error_links = build_questions(sent, states, ctx.texts, seed=seed, problems=problems)
    mark_follow_ups(views, conditions, (q.code for q in visible))
    appeared_codes = {q.code for q in appeared or []}
    for view in views:
        if view.code in appeared_codes:
            view.autofocus = True  # the first question that just appeared takes focus
            break
    render_questions(views, appeared_codes)
    path = list(response.section_path)
    position = path.index(section) + 1
    # Pages still to come as far as the answers so far tell (skip logic may change it).
    rules = spec.rules(ctx.withheld)
    predicted = section_path(rules, stored)
    remaining = len(predicted) - predicted.index(section) - 1 if section in predicted else 0
    total = position + max(remaining, 0)
    is_last = next_section(rules, section, stored) is None
    previous = path[position - 2] if position > 1 else ""
    entry = _flow(request, ctx.survey.slug)
    context = base_context(request, ctx)
    context.update(
        section=section_spec,
        section_title=ctx.texts.title(section_spec.title),
        section_title_plain=ctx.texts.title(section_spec.title),
        section_description=ctx.texts.html(section_spec.description),
        questions=views,
        error_links=error_links,
        notice=notice,
        appeared=appeared_codes,
        follow_ups=bool(conditions),
        position=position,
        total=total,
        is_last=is_last,
        back_url=page_url(ctx.survey, previous) if previous else "",
        resume_url=_resume_url(request, ctx.survey, entry["token"]) if entry.get("token") else "",
    )
    return render(request, "surveys/page.html", context)


# --- thanks and resume ------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """The end: thanks; for a quiz the score, the outcome and feedback per answer."""
    survey = public_survey_get(slug=slug)
    if survey is None:
        return unavailable(request, None, "not_found", 404)
    response = session_response(request, survey, "done")
    if response is not None and response.status != ResponseStatus.COMPLETE:
        response = None
    if response is None and survey.live_version is None:
        return unavailable(request, survey, "not_published", 404)
    ctx = survey_context(survey, response.version if response else None)
    context = base_context(request, ctx)
    context.update(thanks_text=ctx.texts.html(ctx.spec.texts.get("thanks")), result=None)
    if response is not None and ctx.spec.kind == "quiz":
        values, _other = response_values(response)
        outcome = None
        if response.outcome_index is not None and response.outcome_index < len(ctx.spec.outcomes):
            o = ctx.spec.outcomes[response.outcome_index]
            outcome = {"title": ctx.texts.title(o.title), "text": ctx.texts.html(o.text)}
        context["result"] = {
            "score": quiz_score_text(response.score),
            "max_score": quiz_score_text(response.max_score),
            "outcome": outcome,
            "feedback": quiz_feedback(feedback(ctx.spec, values), values, ctx.texts),
        }
    if response is not None:
        context["privacy"] = _thanks_privacy(request, response, _flow(request, slug).get("portal"))
        context["touchpoints"] = thanks_context(response)
        # Shown once: a reload (or the next person on a shared device) sees plain thanks.
        flow_set(request, slug, None)
    return render(request, "surveys/thanks.html", context)


def _thanks_privacy(request: HttpRequest, response: Response, portal: str | None) -> dict[str, Any]:
    """The receipt links, the private portal link and the way to withdraw.

    The portal token's plaintext lives only in this session (from the consent
    step) and is shown once, here. A respondent who resumed on another device
    has none in this session: a new one is issued (the first was never shown).
    """
    if not portal:
        portal = portal_token_issue(respondent=response.respondent)
    receipt_id = response_receipt_id(response)
    links: dict[str, Any] = {
        "portal_url": request.build_absolute_uri(reverse("surveys:portal", args=[portal])),
        "withdraw_url": reverse("surveys:portal_withdraw", args=[portal]),
    }
    if receipt_id is not None:
        links["receipt_url"] = reverse("surveys:receipt", args=[portal, receipt_id])
        links["receipt_json_url"] = reverse("surveys:receipt_json", args=[portal, receipt_id])
        links["receipt_id"] = receipt_id
    return links


@never_cache
@require_http_methods(["GET"])
def resume(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The "continue later" link: back to the page where the respondent stopped."""
    survey = public_survey_get(slug=slug)
    response = response_resume(token=token) if survey is not None else None
    if survey is None or response is None or response.survey_id != survey.pk:
        return unavailable(request, survey, "bad_resume_link", 404)
    avail = response_selectors.availability(survey)
    if not avail.ok and avail.reason in BLOCKS_IN_PROGRESS:
        return unavailable(request, survey, avail.reason, avail.status)
    request.session.cycle_key()
    flow_set(request, slug, {"response": str(response.pk), "token": token})
    path = list(response.section_path)
    return HttpResponseRedirect(page_url(survey, response.current_section or path[-1]))


@require_http_methods(["GET"])
def logo(request: HttpRequest, pk: int, stamp: int) -> HttpResponse:
    """A brand's logo (the address changes with every new logo, so it caches for long)."""
    from surveys.authoring.selectors.builder import logo_get

    branding = logo_get(pk=pk)
    if branding is None or branding.logo is None:
        return HttpResponse(status=404)
    response = HttpResponse(bytes(branding.logo), content_type=branding.logo_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
