"""Transparency report pages: studio (analysts, admins), generation, publishing, public pages."""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from surveys.consent.services.transparency import transparency_publish_set
from surveys.enums import Role
from surveys.models import Organization
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import ServiceValidationError

from ..models import TransparencyReport
from ..views.pages import DASHBOARD_ROLES
from .periods import parse_label, quarter_of
from .printing import pdf_languages
from .render import report_context
from .services import report_generate

ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def charts_json(charts: list[dict[str, Any]]) -> str:
    return json.dumps(charts).translate(ESCAPES)


def pdf_links(report: TransparencyReport, url_name: str, **kwargs: str) -> list[dict[str, str]]:
    """The report's printed PDFs, the viewer's language first: code, name (in itself), url."""
    from django.conf import settings

    names = dict(settings.LANGUAGES)
    current = translation.get_language() or settings.LANGUAGE_CODE
    links = [
        {
            "code": code,
            "name": str(names[code]),
            "url": reverse(url_name, kwargs={**kwargs, "language": code}),
        }
        for code in pdf_languages()
        if report.pdf_file(code)
    ]
    return sorted(links, key=lambda link: link["code"] != current)


def period_choices(today: Any) -> list[tuple[str, str]]:
    current = quarter_of(today)
    out = []
    p = current
    for _i in range(8):
        label = _("%(label)s (to date)") % {"label": p.label} if p == current else p.label
        out.append((p.label, label))
        p = p.previous()
    for year in (today.year, today.year - 1, today.year - 2):
        label = (
            _("Year %(y)d (to date)") % {"y": year}
            if year == today.year
            else _("Year %(y)d") % {"y": year}
        )
        out.append((str(year), label))
    return out


def _list(
    request: HttpRequest,
    studio: Studio,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    reports = TransparencyReport.objects.filter(organization=studio.organization).order_by(
        "-year", "-quarter"
    )
    choices = period_choices(today)
    errors = errors or []
    return render(
        request,
        "dashboards/reports.html",
        {
            "studio": studio,
            "reports": [
                {
                    "report": r,
                    "pdfs": pdf_links(
                        r, "dashboards:report_pdf", org=studio.organization.slug, label=r.label
                    ),
                }
                for r in reports
            ],
            "choices": choices,
            "selected": request.POST.get("period", choices[0][0]),
            "errors": errors,
            "field_errors": {e["field"]: e["message"] for e in errors},
            "can_publish": studio.role == Role.ADMIN,
            "public_index": request.build_absolute_uri(
                reverse("transparency:index", kwargs={"org": studio.organization.slug})
            ),
        },
        status=status,
    )


@studio_view(roles=DASHBOARD_ROLES, section="dashboards")
def report_list(request: HttpRequest, studio: Studio) -> HttpResponse:
    return _list(request, studio)


@require_POST
@studio_view(roles=DASHBOARD_ROLES, section="dashboards")
def report_generate_view(request: HttpRequest, studio: Studio) -> HttpResponse:
    period = parse_label(request.POST.get("period", ""))
    if period is None:
        return _list(
            request,
            studio,
            [
                {
                    "field": "period",
                    "code": "invalid",
                    "message": _("Choose a quarter or a year from the list."),
                }
            ],
            status=400,
        )
    try:
        report = report_generate(
            organization=studio.organization,
            period=period,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ServiceValidationError as exc:
        return _list(request, studio, [e.as_dict() for e in exc.errors], status=400)
    from ..tasks import report_pdf

    report_pdf.delay_on_commit(report.pk)
    messages.success(request, _("Report %(label)s generated.") % {"label": report.label})
    return redirect("dashboards:report", org=studio.organization.slug, label=report.label)


@require_POST
@studio_view(roles=DASHBOARD_ROLES, section="dashboards")
def report_publishing(request: HttpRequest, studio: Studio) -> HttpResponse:
    if studio.role != Role.ADMIN:
        raise PermissionDenied("Only admins publish reports.")
    public = request.POST.get("public") == "1"
    transparency_publish_set(organization=studio.organization, public=public, actor=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Reports are now public.") if public else _("Reports are no longer public."),
    )
    return redirect("dashboards:reports", org=studio.organization.slug)


def _report(organization: Organization, label: str) -> TransparencyReport:
    period = parse_label(label)
    report = (
        TransparencyReport.objects.filter(
            organization=organization, year=period.year, quarter=period.quarter
        )
        .select_related("organization")
        .first()
        if period is not None
        else None
    )
    if report is None:
        raise Http404("No such report.")
    return report


@studio_view(roles=DASHBOARD_ROLES, section="dashboards")
def report_detail(request: HttpRequest, studio: Studio, label: str) -> HttpResponse:
    report = _report(studio.organization, label)
    ctx = report_context(report)
    return render(
        request,
        "dashboards/report.html",
        {
            **ctx,
            "charts_json": charts_json(ctx["charts"]),
            "studio": studio,
            "pdfs": pdf_links(
                report, "dashboards:report_pdf", org=studio.organization.slug, label=label
            ),
            "public_url": request.build_absolute_uri(
                reverse(
                    "transparency:report", kwargs={"org": studio.organization.slug, "label": label}
                )
            ),
        },
    )


def _pdf_response(report: TransparencyReport, language: str | None) -> HttpResponse:
    """The PDF printed in ``language``; without one, the viewer's language (else any printed)."""
    if language is None:
        current = translation.get_language() or "en"
        printed = [code for code in pdf_languages() if report.pdf_file(code)]
        language = current if current in printed else (printed[0] if printed else "en")
    pdf = report.pdf_file(language) if language in pdf_languages() else None
    if pdf is None:
        raise Http404("No PDF in this language.")
    if not pdf:
        raise Http404(report.pdf_error or "The PDF is not ready yet.")
    with pdf.open("rb") as fh:
        response = HttpResponse(fh.read(), content_type="application/pdf")
    suffix = "" if language == "en" else f"-{language}"
    response["Content-Disposition"] = (
        f'inline; filename="{report.organization.slug}-transparency-{report.label}{suffix}.pdf"'
    )
    response["Content-Language"] = language
    return response


@studio_view(roles=DASHBOARD_ROLES, section="dashboards")
def report_pdf_view(
    request: HttpRequest, studio: Studio, label: str, language: str | None = None
) -> HttpResponse:
    return _pdf_response(_report(studio.organization, label), language)


# Public pages: only for organizations that opted in.


def _public_org(slug: str) -> Organization:
    org = Organization.objects.filter(slug=slug, transparency_report_public=True).first()
    if org is None:
        raise Http404("No published reports here.")
    return org


def public_index(request: HttpRequest, org: str) -> HttpResponse:
    organization = _public_org(org)
    reports = TransparencyReport.objects.filter(organization=organization).order_by(
        "-year", "-quarter"
    )
    return render(
        request,
        "dashboards/reports_public_index.html",
        {"organization": organization, "reports": list(reports)},
    )


def public_report(request: HttpRequest, org: str, label: str) -> HttpResponse:
    report = _report(_public_org(org), label)
    ctx = report_context(report)
    response = render(
        request,
        "dashboards/report_public.html",
        {
            **ctx,
            "charts_json": charts_json(ctx["charts"]),
            "pdfs": pdf_links(report, "transparency:pdf", org=org, label=label),
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def public_pdf(
    request: HttpRequest, org: str, label: str, language: str | None = None
) -> HttpResponse:
    return _pdf_response(_report(_public_org(org), label), language)
