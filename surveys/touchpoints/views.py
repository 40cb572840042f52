"""The respondent's touchpoint pages: the email asked on the thank-you page,
one-click unsubscribe (RFC 8058), and what the thank-you page shows.

``/t/email/``                 POST: the email, for the purposes that need it
``/t/unsubscribe/<token>/``   GET: confirm; POST (also from the mail client): withdraw
"""

from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from trustpulse.validation import ServiceValidationError

from ..enums import FollowUpStatus
from ..models import ConsentRecord, Respondent, Response
from ..responses.views.display import bcp47
from ..selectors.texts import localized
from . import services
from .services.deliveries import message_context, purpose_title, unsubscribe_read

EMAIL_SALT = "touchpoints.email"
EMAIL_FORM_MAX_AGE = 24 * 3600


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A page in the request's language, its <html lang> saying so."""
    context = {"html_lang": bcp47(request.LANGUAGE_CODE), **context}
    return render(request, template, context, status=status)


def thanks_context(response: Response) -> dict[str, Any]:
    """What the thank-you page adds: rewards shown at once, and the email question.

    Prepares the response's deliveries here too (idempotent), so the page
    does not depend on a worker having run first. The respondent's active
    purposes are read once for both.
    """
    granted = services.deliveries.active_purposes(response.respondent_id)
    deliveries = services.deliveries_prepare(response=response, granted=granted)
    shown = [
        message_context(d)
        for d in deliveries
        if d.status == FollowUpStatus.SHOWN and d.follow_up.reward_kind != "none"
    ]
    purposes = services.email_purposes(response=response, granted=granted)
    token = signing.dumps(str(response.pk), salt=EMAIL_SALT) if purposes else ""
    return {
        "rewards": shown,
        "ask_email": bool(purposes),
        "email_token": token,
        # What the email is for, as the consent screen named it (the response's language).
        "email_for": [purpose_title(response, p, response.locale) for p in purposes],
    }


def _response_of(token: str) -> Response | None:
    try:
        pk = signing.loads(token, salt=EMAIL_SALT, max_age=EMAIL_FORM_MAX_AGE)
    except signing.BadSignature:
        return None
    return Response.objects.select_related("respondent__organization").filter(pk=pk).first()


@never_cache
# The thank-you page sends no referrer (its portal link is private), so Chromium
# posts `Origin: null`; the signed, short-lived response token in the form is the
# proof this post comes from that page (a forged post cannot carry one).
@csrf_exempt
@require_http_methods(["POST"])
def email(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    response = _response_of(token)
    if response is None:
        return _render(request, "touchpoints/email.html", {"invalid": True}, status=404)
    try:
        services.contact_email_give(response=response, address=request.POST.get("email", ""))
    except ServiceValidationError as exc:
        return _render(
            request,
            "touchpoints/email.html",
            {"errors": exc.errors, "email_token": token, "value": request.POST.get("email", "")},
            status=400,
        )
    return _render(request, "touchpoints/email.html", {"done": True})


def _purpose_name(respondent: Respondent, purpose: str) -> str:
    """The purpose's title in the page's language, as the consent screen showed it."""
    record = (
        ConsentRecord.objects.filter(respondent=respondent)
        .select_related("notice_version")
        .order_by("-given_at")
        .first()
    )
    found = record.notice_version.purpose(purpose) if record is not None else None
    return localized(found.get("title"), get_language() or "", "en") if found else ""


@never_cache
@csrf_exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click" without a CSRF token.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Withdraw the purpose the email was sent under (a withdrawal like any other)."""
    found = unsubscribe_read(token)
    respondent = (
        Respondent.objects.select_related("organization").filter(pk=found[0]).first()
        if found
        else None
    )
    if found is None:
        return _render(request, "touchpoints/unsubscribe.html", {"invalid": True}, status=404)
    if respondent is None:  # erased meanwhile: nothing is held, nothing will be sent
        return _render(request, "touchpoints/unsubscribe.html", {"done": True})
    purpose = found[1]
    context = {
        "organization": respondent.organization.name,
        "purpose": purpose,
        "purpose_title": _purpose_name(respondent, purpose),
    }
    if request.method == "POST":
        services.unsubscribe_withdraw(respondent=respondent, purpose=purpose)
        return _render(request, "touchpoints/unsubscribe.html", {**context, "done": True})
    active = purpose in services.deliveries.active_purposes(respondent.pk)
    return _render(
        request,
        "touchpoints/unsubscribe.html",
        {
            **context,
            "done": not active,
            "action": reverse("surveys:touchpoint_unsubscribe", args=[token]),
        },
    )
