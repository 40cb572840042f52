"""The consent step at ``/s/<slug>/``: a layered notice, then agree or decline.

Layer one is the privacy label (what we collect, why, how long, who sees it,
your rights) and one checkbox per purpose: the required ones must be ticked
to start, the optional ones start unticked. Layer two, the full notice, is
one tap away at ``/s/<slug>/notice/``; visiting it marks the notice as opened
in the session, so ``notice_opened`` works without JavaScript. With
JavaScript the same text opens inline and the time it stays open is sent as
``notice_dwell_ms``. Behaviour at this step is stored only when the
respondent grants ``behavioural_measurement`` (the service decides).

Nothing about the person is written before "Agree and start": the session
holds only anonymous flags (counted as shown, declined, notice opened) per
notice version, and declining writes nothing but the day's counter.
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from surveys.authoring.services.builder import test_link_valid
from surveys.consent.selectors import notice_current_version
from surveys.consent.services.consent import consent_counter_bump
from surveys.consent.services.response_consent import ConsentInput
from surveys.consent.views.label import landing_notice, privacy_section
from surveys.consent.views.privacy import NoticeView, PurposeView, notice_view
from surveys.enums import Channel, ResponseStatus
from surveys.logic import section_path
from surveys.models import ConsentNoticeVersion, Survey
from surveys.responses import selectors as response_selectors
from surveys.responses.services.response_flow import response_start
from surveys.responses.views.arrival import arrival_for, remember_query, start_kwargs, started
from surveys.responses.views.display import join_list
from surveys.responses.views.public import (
    TEST_KEY,
    SurveyContext,
    availability,
    base_context,
    flow_set,
    in_test_mode,
    page_url,
    session_response,
    survey_context,
    unavailable,
)
from surveys.selectors import flow_cache, public_survey_get
from trustpulse.validation import ServiceValidationError

CONSENT_KEY = "trustpulse_consent"  # notice version pk → {"shown", "declined", "opened"}

MAX_DWELL_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True, kw_only=True)
class ConsentError:
    href: str
    message: str
    purpose: str = ""  # the purpose whose checkbox shows the error


@dataclass(frozen=True, kw_only=True)
class PurposeChoice:
    purpose: PurposeView
    checked: bool
    error: str = ""
    # The questions asked only under this purpose (plain text, survey locale).
    unlocks: tuple[str, ...] = ()

    @property
    def describedby(self) -> str:
        ids = [f"{self.purpose.dom_id}-desc"]
        if self.error:
            ids.insert(0, f"{self.purpose.dom_id}-error")
        return " ".join(ids)


# --- session flags (anonymous: no one is identified by them) ---------------------


def _flags(request: HttpRequest, version: ConsentNoticeVersion) -> dict[str, bool]:
    return dict(request.session.get(CONSENT_KEY, {}).get(str(version.pk)) or {})


def _flag_set(request: HttpRequest, version: ConsentNoticeVersion, **flags: bool) -> None:
    store = dict(request.session.get(CONSENT_KEY, {}))
    store[str(version.pk)] = {**store.get(str(version.pk), {}), **flags}
    request.session[CONSENT_KEY] = store


def _count_once(request: HttpRequest, version: ConsentNoticeVersion, field: str, slug: str) -> None:
    """Bump the day's `field` counter at most once per session and notice version.

    Test mode counts nothing: a tester is not a respondent.
    """
    if _flags(request, version).get(field) or in_test_mode(request, slug):
        return
    consent_counter_bump(version=version, field=field)
    _flag_set(request, version, **{field: True})


def current_notice(survey: Survey) -> ConsentNoticeVersion | None:
    """The notice version respondents are shown, cached per process (`flow_cache`)."""
    if survey.consent_notice_id is None:
        return None
    return flow_cache.cached(
        "notice", survey.consent_notice_id, lambda: notice_current_version(survey.consent_notice)
    )


def gpc_signal(request: HttpRequest) -> bool:
    """Whether the browser sent Global Privacy Control (``Sec-GPC: 1``)."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def _unlocks(ctx: SurveyContext, purpose_id: str) -> tuple[str, ...]:
    """The texts of the questions asked only with consent to `purpose_id`."""
    return tuple(ctx.texts.plain(q.text) for q in ctx.spec.questions if q.purpose == purpose_id)


# --- the consent step ------------------------------------------------------------


def _channel(request: HttpRequest) -> str:
    channel = request.POST.get("channel") or request.GET.get("channel") or Channel.WEB
    if channel not in Channel.values or channel == Channel.API:
        return Channel.WEB
    return channel


def _dwell(value: str | None) -> int | None:
    """The inline notice's open time from the page's script (an enhancement: else None)."""
    value = (value or "").strip()
    if not value.isdigit():
        return None
    return min(int(value), MAX_DWELL_MS)


def render_step(
    request: HttpRequest,
    ctx: SurveyContext,
    version: ConsentNoticeVersion,
    *,
    errors: list[ConsentError] | None = None,
    ticked: set[str] | None = None,
    problem: str = "",
    status: int = 200,
    preview_url: str = "",
) -> HttpResponse:
    """The consent screen (also shown, with `problem`, when answers come before consent).

    With `preview_url` (the builder's preview) nothing is counted and the form
    posts there instead of starting a response.
    """
    survey = ctx.survey
    current = None if preview_url else session_response(request, survey, "response")
    in_progress = current if current and current.status == ResponseStatus.PARTIAL else None
    notice = landing_notice(version, ctx.locale)
    if in_progress is None and not preview_url:
        _count_once(request, version, "shown", survey.slug)
    errors = errors or []
    by_purpose = {e.purpose: e.message for e in errors if e.purpose}
    gpc = gpc_signal(request)
    shared = [p for p in notice.optional if p.recipients]
    ticked = set(ticked or ())
    if gpc:
        # Global Privacy Control: what shares data with others is never pre-set,
        # not even when the screen comes back with an error.
        ticked -= {p.id for p in shared}
    choices = [
        PurposeChoice(
            purpose=p,
            checked=p.id in ticked,
            error=by_purpose.get(p.id, ""),
            unlocks=() if p.required else _unlocks(ctx, p.id),
        )
        for p in notice.purposes
    ]
    context = base_context(request, ctx)
    notice_url = reverse("surveys:notice", kwargs={"slug": survey.slug})
    context.update(
        intro=ctx.texts.html(ctx.spec.texts.get("intro")),
        notice_url=notice_url,
        privacy_section="" if in_progress else privacy_section(notice, notice_url),
        notice=notice,
        required_choices=[c for c in choices if c.purpose.required],
        optional_choices=[c for c in choices if not c.purpose.required],
        errors=errors,
        problem=problem,
        channel=_channel(request),
        in_progress=in_progress,
        continue_url=page_url(survey, in_progress.current_section) if in_progress else "",
        page_count=len(section_path(ctx.spec.rules(), {})),
        action_url=preview_url or reverse("surveys:landing", kwargs={"slug": survey.slug}),
        gpc=gpc,
        gpc_shared=join_list([p.title_plain for p in shared]),
    )
    response = render(request, "surveys/landing.html", context, status=status)
    patch_vary_headers(response, ["Sec-GPC"])
    return response


def _choice_errors(notice: NoticeView, posted: list[str]) -> list[ConsentError]:
    errors = []
    known = {p.id for p in notice.purposes}
    if any(p not in known for p in posted):
        first = notice.purposes[0].dom_id
        errors.append(
            ConsentError(
                href=f"#{first}",
                message=_(
                    "Some of the choices sent were not on this page. "
                    "Please tick your choices again."
                ),
            )
        )
    for p in notice.required:
        if p.id not in posted:
            errors.append(
                ConsentError(
                    href=f"#{p.dom_id}",
                    message=_("Tick “%(purpose)s” to take part: the survey needs it.")
                    % {"purpose": p.title_plain},
                    purpose=p.id,
                )
            )
    return errors


@never_cache
@require_http_methods(["GET", "POST"])
def landing(request: HttpRequest, slug: str) -> HttpResponse:
    """The public link: title, intro, the privacy label and the consent choices."""
    survey = public_survey_get(slug=slug)
    avail = availability(survey)
    if survey is None or not avail.ok:
        return unavailable(request, survey, avail.reason, avail.status)
    version = current_notice(survey)
    if version is None:
        # Publishing requires a notice; without a published one nobody can consent.
        return unavailable(request, survey, "not_published", 404)
    ctx = survey_context(survey)
    if request.method == "GET":
        remember_query(request, survey)
        return render_step(request, ctx, version)
    current = session_response(request, survey, "response")
    if current is not None and current.status == ResponseStatus.PARTIAL:
        return HttpResponseRedirect(page_url(survey, current.current_section))
    # Whoever posts here saw the screen, perhaps in an earlier session.
    _count_once(request, version, "shown", slug)
    if request.POST.get("action") == "decline":
        _count_once(request, version, "declined", slug)
        return HttpResponseRedirect(reverse("surveys:declined", kwargs={"slug": slug}))
    notice = landing_notice(version, ctx.locale)
    posted = [p for p in request.POST.getlist("purposes") if isinstance(p, str)]
    known = {p.id for p in notice.purposes}
    ticked = {p for p in posted if p in known}
    errors = _choice_errors(notice, posted)
    if errors:
        return render_step(request, ctx, version, errors=errors, ticked=ticked)
    flags = _flags(request, version)
    opened = bool(flags.get("opened")) or request.POST.get("notice_opened_inline") == "1"
    consent = ConsentInput(
        version=version,
        purposes=[p for p in version.purpose_ids if p in ticked],
        locale=ctx.locale,
        notice_opened=opened,
        notice_dwell_ms=_dwell(request.POST.get("notice_dwell_ms")),
    )
    arrival = arrival_for(request, survey)
    try:
        response, token = response_start(
            survey=survey,
            locale=ctx.locale,
            channel=arrival.channel or _channel(request),
            consent=consent,
            is_test=in_test_mode(request, slug),
            **start_kwargs(arrival, consent.purposes),
        )
    except ServiceValidationError as exc:
        if any(e.field == "survey" for e in exc.errors):
            avail = response_selectors.availability(survey)
            return unavailable(request, survey, avail.reason, avail.status)
        message = _("This survey cannot be started here. Please try again later.")
        return render_step(
            request, ctx, version, errors=[ConsentError(href="#choices", message=message)]
        )
    started(request, survey, arrival, response)
    request.session.cycle_key()
    flow_set(
        request,
        slug,
        {
            "response": str(response.pk),
            "token": token,
            "portal": getattr(response, "portal_token", ""),
        },
    )
    return HttpResponseRedirect(page_url(survey, response.current_section))


@never_cache
@require_http_methods(["GET"])
def test_start(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A survey's test link: this session answers in test mode (responses marked test).

    A tampered or expired token is a plain 404: nothing about the survey is told.
    """
    survey = public_survey_get(slug=slug)
    if survey is None or not test_link_valid(survey=survey, token=token):
        return unavailable(request, None, "not_found", 404)
    slugs = set(request.session.get(TEST_KEY) or [])
    slugs.add(slug)
    request.session[TEST_KEY] = sorted(slugs)
    # A response already started in this session was not a test: start afresh.
    flow_set(request, slug, None)
    return HttpResponseRedirect(reverse("surveys:landing", kwargs={"slug": slug}))


@never_cache
@require_http_methods(["GET"])
def notice(request: HttpRequest, slug: str) -> HttpResponse:
    """The full notice (layer two). Visiting it counts as opening it, without JavaScript."""
    survey = public_survey_get(slug=slug)
    avail = availability(survey)
    if survey is None or not avail.ok:
        return unavailable(request, survey, avail.reason, avail.status)
    version = current_notice(survey)
    if version is None:
        return unavailable(request, survey, "not_published", 404)
    ctx = survey_context(survey)
    _flag_set(request, version, opened=True)
    context = base_context(request, ctx)
    context.update(
        notice=notice_view(version, ctx.locale),
        back_url=reverse("surveys:landing", kwargs={"slug": slug}) + "#choices",
    )
    return render(request, "surveys/notice.html", context)


@never_cache
@require_http_methods(["GET"])
def declined(request: HttpRequest, slug: str) -> HttpResponse:
    """After "No thanks": nothing was stored."""
    survey = public_survey_get(slug=slug)
    if survey is None:
        return unavailable(request, None, "not_found", 404)
    ctx = survey_context(survey) if survey.live_version else None
    context = base_context(request, ctx)
    context["back_url"] = reverse("surveys:landing", kwargs={"slug": slug})
    return render(request, "surveys/declined.html", context)


def before_consent(request: HttpRequest, survey: Survey) -> HttpResponse:
    """Answers posted without a started response: nothing is saved; consent comes first."""
    version = current_notice(survey)
    if version is None or survey.live_version is None:
        return HttpResponseRedirect(reverse("surveys:landing", kwargs={"slug": survey.slug}))
    ctx = survey_context(survey)
    return render_step(
        request,
        ctx,
        version,
        problem=_(
            "Your answers were not saved: the survey has not started yet. "
            "Choose what you agree to below, then start."
        ),
    )


__all__ = [
    "before_consent",
    "declined",
    "in_test_mode",
    "landing",
    "notice",
    "render_step",
    "test_start",
]
