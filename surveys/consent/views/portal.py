"""The respondent's own pages, reached with the private portal token alone.

``/me/<token>/``                    everything held, what it is for, when it goes
``/me/<token>/data.json``           all of it as JSON (GDPR Art. 15 and 20)
``/me/<token>/withdraw/``           withdraw all consent (one confirmation)
``/me/<token>/withdraw/<purpose>/`` withdraw one optional purpose (one confirmation)
``/me/<token>/delete/``             erase everything (Art. 17, one confirmation)
``/r/<token>/receipt/<id>/``        the consent receipt, printable HTML
``/r/<token>/receipt/<id>.json``    the same receipt as Kantara CR v1.1 JSON

The token is the respondent's proof of identity: a receipt of someone else
(token/receipt mismatch) or a forged token is a 404. Once a respondent is
erased, the token still answers, with "nothing is held about you".

Every page is ``Cache-Control: no-store``. Pages without a form send
``Referrer-Policy: no-referrer``; the confirmation pages, which post a form,
send ``strict-origin`` instead: Chromium sends ``Origin: null`` from a
no-referrer page, which fails Django's CSRF origin check, while
``strict-origin`` keeps the Origin header and still never sends the path
(the token) anywhere. Language links on these pages are plain GET links for
the same reason. Error responses are marked as logged, so Django's request
log never writes their path, and no log line here carries a token.
"""

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from surveys.consent.selectors import portal_lookup
from surveys.consent.services.consent import consent_receipt
from surveys.consent.services.rights import (
    consent_withdraw,
    portal_viewed,
    respondent_data,
    respondent_erase,
)
from surveys.consent.views.privacy import (
    NoticeView,
    PurposeView,
    action_label,
    event_value_text,
    kind_label,
    no_store,
    parse_time,
    purpose_titles,
    titles,
)
from surveys.integrations.selectors import withdrawal_propagation
from surveys.models import ConsentRecord, Respondent, Tombstone
from surveys.responses.views.display import (
    bcp47,
    join_list,
    language_options,
)
from trustpulse.validation import ServiceValidationError

from .portal_content import consent_records, consent_views, notice_of, response_views

View = Callable[..., HttpResponse]


def _switch_language(request: HttpRequest) -> HttpResponse | None:
    """``?lang=<code>``: remember the language (as set_language does) and reload."""
    code = request.GET.get("lang", "")
    if not code:
        return None
    response = HttpResponseRedirect(request.path)
    if code in {c for c, _name in settings.LANGUAGES}:
        translation.activate(code)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def token_page(referrer: str = "no-referrer") -> Callable[[View], View]:
    """No caching, no referrer, GET language links, and no token in the request log."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = _switch_language(request) if request.method == "GET" else None
            if response is None:
                response = view(request, *args, **kwargs)
            if response.status_code >= 400:
                # Django's request logger writes the path of 4xx/5xx responses.
                response._has_been_logged = True  # type: ignore[attr-defined]
            return no_store(response, referrer)

        return wrapped

    return decorate


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "languages": language_options(),
        "lang_links": True,
        "content_lang": "",
        "html_lang": bcp47(request.LANGUAGE_CODE),
    }
    data.update(extra)
    return data


def _render_local(
    request: HttpRequest, template: str, context: dict[str, Any], zone: str
) -> HttpResponse:
    """Render with times in the organization's time zone (`zone`), which the page names."""
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        return render(request, template, {**context, "zone": zone})


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/portal/not_found.html", _context(request), status=404)


def _tombstone_page(
    request: HttpRequest, tombstone: Tombstone, *, done: str = "", status: int = 200
) -> HttpResponse:
    context = _context(
        request,
        tombstone=tombstone,
        done=done,
        organization=tombstone.organization.name,
        told=withdrawal_propagation(tombstone=tombstone),
    )
    return render(request, "surveys/portal/tombstone.html", context, status=status)


def _portal_url(token: str, **query: str) -> str:
    url = reverse("surveys:portal", args=[token])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


@token_page()
@require_http_methods(["GET"])
def portal(request: HttpRequest, token: str) -> HttpResponse:
    """Everything held about the respondent, and what they can do about it."""
    found = portal_lookup(token=token)
    if found.tombstone is not None:
        return _tombstone_page(request, found.tombstone, done=request.GET.get("done", ""))
    respondent = found.respondent
    if respondent is None:
        return _not_found(request)
    portal_viewed(respondent=respondent)
    data = respondent_data(respondent=respondent)
    records = consent_records(respondent)
    consents = consent_views(token, records)
    names: dict[str, str] = {}
    for c in consents:
        names.update(titles(c.notice.purposes))
    events = [
        {
            "kind": kind_label(e["kind"]),
            "value": event_value_text(e["kind"], e["value"], names),
            "at": parse_time(e["occurred_at"]),
            "purpose": names.get(e["purpose"], e["purpose"]),
        }
        for e in data["behaviour_events"]
    ]
    history = [
        {"action": action_label(h["action"], h.get("reason", "")), "at": parse_time(h["at"])}
        for h in data["history"]
    ]
    withdrawn = [p for p in request.GET.get("withdrawn", "").split(",") if p in names]
    context = _context(
        request,
        organization=respondent.organization.name,
        respondent=respondent,
        consents=consents,
        responses=response_views(respondent, records, names, bcp47(request.LANGUAGE_CODE)),
        events=events,
        history=history,
        answer_count=sum(len(r["answers"]) for r in data["responses"]),
        token=token,
        download_url=reverse("surveys:portal_download", args=[token]),
        withdraw_url=reverse("surveys:portal_withdraw", args=[token]),
        delete_url=reverse("surveys:portal_delete", args=[token]),
        withdrawn=join_list([names[p] for p in withdrawn]),
        told=withdrawal_propagation(respondent=respondent),
    )
    return _render_local(
        request, "surveys/portal/portal.html", context, respondent.organization.timezone
    )


@token_page()
@require_http_methods(["GET"])
def download(request: HttpRequest, token: str) -> HttpResponse:
    """All of it as one JSON file (Art. 15 access, Art. 20 portability)."""
    found = portal_lookup(token=token)
    if found.tombstone is not None:
        return _tombstone_page(request, found.tombstone)
    respondent = found.respondent
    if respondent is None:
        return _not_found(request)
    data = respondent_data(respondent=respondent)
    portal_viewed(respondent=respondent, downloaded=True)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"trustpulse-{respondent.respondent_ref}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _confirm(
    request: HttpRequest,
    token: str,
    *,
    what: str,
    notice: NoticeView | None = None,
    purpose: PurposeView | None = None,
    organization: str,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = _context(
        request,
        what=what,
        notice=notice,
        purpose=purpose,
        organization=organization,
        error=error,
        cancel_url=reverse("surveys:portal", args=[token]),
    )
    return render(request, "surveys/portal/confirm.html", context, status=status)


@token_page(referrer="strict-origin")
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """Withdraw all consent: one click here (after one on the portal or thank-you page)."""
    return _erase_everything(
        request,
        token,
        what="withdraw",
        done="withdrawn",
        act=lambda r: consent_withdraw(respondent=r, purposes=None),
    )


def _erase_everything(
    request: HttpRequest, token: str, *, what: str, done: str, act: Callable[[Any], object]
) -> HttpResponse:
    """Confirm (GET) then erase (POST) everything held about the token's respondent."""
    found = portal_lookup(token=token)
    if found.tombstone is not None:
        # Already withdrawn (or erased): say so, change nothing.
        return _tombstone_page(request, found.tombstone, done="already")
    respondent = found.respondent
    if respondent is None:
        return _not_found(request)
    if request.method == "POST":
        act(respondent)
        return HttpResponseRedirect(_portal_url(token, done=done))
    return _confirm(request, token, what=what, organization=respondent.organization.name)


@token_page(referrer="strict-origin")
@require_http_methods(["GET", "POST"])
def withdraw_purpose(request: HttpRequest, token: str, purpose: str) -> HttpResponse:
    """Withdraw one optional purpose; a required one means withdrawing everything."""
    found = portal_lookup(token=token)
    if found.tombstone is not None:
        return _tombstone_page(request, found.tombstone, done="already")
    respondent = found.respondent
    if respondent is None:
        return _not_found(request)
    records = consent_records(respondent)
    record = next((r for r in records if purpose in r.notice_version.purpose_ids), None)
    if record is None:
        return _not_found(request)
    if purpose in record.notice_version.required_ids:
        return HttpResponseRedirect(reverse("surveys:portal_withdraw", args=[token]))
    notice = notice_of(record)
    view = next(p for p in notice.purposes if p.id == purpose)
    org = respondent.organization.name
    active = {p for r in records for p in r.active_purposes}
    if purpose not in active:
        when = next((parse_time(r.purposes_withdrawn.get(purpose)) for r in records), None) or next(
            (parse_time(r.purposes_expired.get(purpose)) for r in records), None
        )
        return _confirm(
            request,
            token,
            what="inactive",
            notice=notice,
            purpose=view,
            organization=org,
            error=_already(view, when),
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        try:
            consent_withdraw(respondent=respondent, purposes=[purpose])
        except ServiceValidationError:
            return _confirm(
                request,
                token,
                what="inactive",
                notice=notice,
                purpose=view,
                organization=org,
                error=_already(view, None),
                status=409,
            )
        return HttpResponseRedirect(_portal_url(token, withdrawn=purpose))
    return _confirm(request, token, what="purpose", notice=notice, purpose=view, organization=org)


def _already(purpose: PurposeView, when: dt.datetime | None) -> str:
    if when is None:
        return _("You are not giving consent to “%(purpose)s”: there is nothing to withdraw.") % {
            "purpose": purpose.title_plain
        }
    return _(
        "You already withdrew consent to “%(purpose)s” on %(date)s. There is nothing more to do."
    ) % {"purpose": purpose.title_plain, "date": _date(when)}


def _date(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "DATE_FORMAT")


@token_page(referrer="strict-origin")
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    """Erase everything (Art. 17): one click here after one on the portal."""
    return _erase_everything(
        request,
        token,
        what="delete",
        done="erased",
        act=lambda r: respondent_erase(respondent=r),
    )


def _receipt_record(respondent: Respondent, receipt_id: UUID) -> ConsentRecord | None:
    return (
        ConsentRecord.objects.select_related(
            "notice_version__notice", "respondent", "response__survey"
        )
        .filter(respondent=respondent, receipt_id=receipt_id)
        .first()
    )


@token_page()
@require_http_methods(["GET"])
def receipt(request: HttpRequest, token: str, receipt_id: UUID) -> HttpResponse:
    """The consent receipt, for people (and printers)."""
    found = portal_lookup(token=token)
    if found.tombstone is not None and str(receipt_id) in found.tombstone.receipt_ids:
        return _tombstone_page(request, found.tombstone)
    record = _receipt_record(found.respondent, receipt_id) if found.respondent else None
    if record is None:
        return _not_found(request)
    [consent] = consent_views(token, [record])
    context = _context(
        request,
        organization=record.respondent.organization.name,
        consent=consent,
        notice=consent.notice,
        receipt=consent_receipt(record),
        purposes_withdrawn=purpose_titles(consent.notice, list(record.purposes_withdrawn)),
        portal_url=request.build_absolute_uri(reverse("surveys:portal", args=[token])),
    )
    return _render_local(
        request, "surveys/portal/receipt.html", context, record.respondent.organization.timezone
    )


@token_page()
@require_http_methods(["GET"])
def receipt_json(request: HttpRequest, token: str, receipt_id: UUID) -> HttpResponse:
    """The consent receipt as Kantara Consent Receipt v1.1 JSON."""
    found = portal_lookup(token=token)
    if found.tombstone is not None and str(receipt_id) in found.tombstone.receipt_ids:
        body = {"error": "withdrawn", "withdrawn_at": found.tombstone.withdrawn_at.isoformat()}
        return _json(body, status=410)
    record = _receipt_record(found.respondent, receipt_id) if found.respondent else None
    if record is None:
        return _json({"error": "not_found"}, status=404)
    return _json(consent_receipt(record))


def _json(data: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/json", status=status)


__all__ = [
    "delete",
    "download",
    "portal",
    "receipt",
    "receipt_json",
    "withdraw",
    "withdraw_purpose",
]
