"""The privacy report's pages, reached with the report link alone.

``/t/report/<token>/``            the quarter's report (en or zh-Hant: ``?lang=``)
``/t/report/<token>/data.json``   everything held, as JSON (as the portal's download)
``/t/report/<token>/withdraw/``   withdraw all consent (one confirmation)
``/t/report/<token>/delete/``     erase everything (one confirmation)

The token is signed and expires (PRIVACY_REPORT_LINK_DAYS); it is not the
portal token, which is shown once and never stored in clear.
"""

import json
import zoneinfo
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from ..consent.services import rights
from ..consent.views.portal import token_page
from ..consent.views.privacy import action_label
from ..models import ConsentRecord, Respondent
from ..responses.views.display import bcp47, language_options
from .reports import PrivacyReport, privacy_report, report_read, report_surveys

ACTION_LABELS = {
    "follow_up.sent": gettext_noop("A follow-up was sent to you"),
    "contact_email.given": gettext_noop("You gave your email"),
    "contact_email.erased": gettext_noop("Your email was erased"),
    "privacy_report.sent": gettext_noop("Your privacy report was sent"),
}
DELETED_LABELS = {
    "withdrawn": gettext_noop("You withdrew “%(purpose)s”: what it covered was deleted"),
    "expired": gettext_noop(
        "“%(purpose)s” reached its retention period: what it covered was deleted"
    ),
    "contact_email.erased": gettext_noop("Your email was erased"),
    "retention.purged": gettext_noop("Data past its retention period was deleted"),
    "data.deleted": gettext_noop("Your data was deleted"),
}


def _purpose_names(respondent: Respondent, lang: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for record in ConsentRecord.objects.filter(respondent=respondent).select_related(
        "notice_version"
    ):
        for p in record.notice_version.purposes:
            title = p.get("title") or {}
            names[p["id"]] = title.get(lang) or title.get("en") or p["id"]
    return names


def _use_text(use: Any, names: dict[str, str], surveys: dict[str, str], min_cell: int) -> str:
    survey = surveys.get(use.survey, use.survey)
    if use.what == "aggregate":
        return _(
            "Your answers to “%(survey)s” were counted in its aggregate figures "
            "(each figure covers at least %(n)s people)."
        ) % {"survey": survey, "n": min_cell}
    if use.what == "export":
        return _(
            "A research export of “%(survey)s” (%(format)s) included your answers as one "
            "anonymised row, under a pseudonym made for that export alone."
        ) % {"survey": survey, "format": use.detail}
    if use.what == "follow_up":
        return _("A follow-up was sent to you, because you agreed to “%(purpose)s”.") % {
            "purpose": names.get(use.purpose, use.purpose)
        }
    return _("Another system was told of a change (webhook): %(what)s.") % {"what": use.detail}


def _view(report: PrivacyReport, respondent: Respondent, lang: str) -> dict[str, Any]:
    names = _purpose_names(respondent, lang)
    surveys = report_surveys(report)
    counts = {
        w: sum(1 for u in report.uses if u.what == w)
        for w in ("aggregate", "export", "follow_up", "webhook")
    }
    return {
        "report": report,
        "purposes": [names.get(p, p) for p in report.held["purposes"]],
        "responses": [
            {**r, "title": surveys.get(r["survey"], r["survey"])} for r in report.held["responses"]
        ],
        "uses": [
            {"at": u.at, "text": _use_text(u, names, surveys, report.min_cell), "what": u.what}
            for u in report.uses
        ],
        "use_counts": counts,
        "use_max": max([1, *counts.values()]),
        "deleted": [
            {
                "at": d["at"],
                "text": _(DELETED_LABELS.get(d["what"], d["what"]))
                % {"purpose": names.get(d["purpose"], d["purpose"])},
            }
            for d in report.deleted
        ],
        "deletes_next": [
            {
                **d,
                "purpose": names.get(d["purpose"], d["purpose"]),
                "title": surveys.get(d["survey"], d["survey"]),
            }
            for d in report.deletes_next
        ],
        "activity": [
            {
                "at": a["at"],
                "text": _(ACTION_LABELS[a["action"]])
                if a["action"] in ACTION_LABELS
                else action_label(a["action"], a["reason"]),
            }
            for a in report.activity
        ],
        "contact_purposes": [
            names.get(p, p) for p in (report.held["contact_email"] or {}).get("purposes", [])
        ],
    }


def _found(token: str) -> tuple[Respondent | None, Any]:
    found = report_read(token)
    if found is None:
        return None, None
    respondent = Respondent.objects.select_related("organization").filter(pk=found[0]).first()
    return respondent, found[1]


def _gone(request: HttpRequest, status: int = 404) -> HttpResponse:
    return render(request, "touchpoints/report_gone.html", _base(request), status=status)


def _base(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "languages": language_options(),
        "lang_links": True,
        "content_lang": "",
        "html_lang": bcp47(request.LANGUAGE_CODE),
        **extra,
    }


@token_page()
@require_http_methods(["GET"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    respondent, quarter = _found(token)
    if respondent is None:
        return _gone(request)
    data = privacy_report(respondent=respondent, quarter=quarter)
    context = _base(
        request,
        **_view(data, respondent, bcp47(request.LANGUAGE_CODE)),
        download_url=reverse("surveys:privacy_report_download", args=[token]),
        withdraw_url=reverse("surveys:privacy_report_withdraw", args=[token]),
        delete_url=reverse("surveys:privacy_report_delete", args=[token]),
    )
    with timezone.override(zoneinfo.ZoneInfo(data.zone)):
        return render(request, "touchpoints/report.html", context)


@token_page()
@require_http_methods(["GET"])
def download(request: HttpRequest, token: str) -> HttpResponse:
    respondent, _quarter = _found(token)
    if respondent is None:
        return _gone(request)
    rights.portal_viewed(respondent=respondent, downloaded=True)
    body = json.dumps(rights.respondent_data(respondent=respondent), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


def _confirm(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    respondent, _quarter = _found(token)
    if respondent is None:
        return _gone(request)
    if request.method == "POST":
        if kind == "withdraw":
            rights.consent_withdraw(respondent=respondent)
        else:
            rights.respondent_erase(respondent=respondent)
        return redirect("surveys:privacy_report", token=token)
    return render(
        request,
        "surveys/portal/confirm.html",
        _base(
            request,
            what=kind,
            organization=respondent.organization.name,
            cancel_url=reverse("surveys:privacy_report", args=[token]),
        ),
    )


@token_page(referrer="strict-origin")
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    return _confirm(request, token, "withdraw")


@token_page(referrer="strict-origin")
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    return _confirm(request, token, "delete")
