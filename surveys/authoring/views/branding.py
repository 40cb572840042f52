"""Branding pages: the organization's look, and a survey's own (or back to the
organization's). Colours under WCAG AA contrast are refused with the pair and ratio."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from surveys.authoring.selectors.builder import branding_of, look_for
from surveys.authoring.services.builder import branding_reset, branding_save
from surveys.authoring.views.common import BUILDERS, posted, survey_or_404, title_of, url
from surveys.authoring.views.forms import FormErrors
from surveys.branding import CARD, COLOUR, CONTRAST_PAIRS, Look, contrast
from surveys.enums import BrandFont, Role
from surveys.models import Survey
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import ServiceValidationError

FIELDS = (
    ("accent", gettext_lazy("Accent (links, buttons, progress)")),
    ("accent_text", gettext_lazy("Text on buttons")),
    ("text", gettext_lazy("Text")),
    ("background", gettext_lazy("Page background")),
)
MAX_UPLOAD = 400_000


def _contrasts(values: dict[str, Any]) -> list[dict[str, Any]]:
    if not all(isinstance(values.get(k), str) and COLOUR.match(values[k]) for k, _l in FIELDS):
        return []
    out = []
    for fg, bg, what in CONTRAST_PAIRS:
        ratio = contrast(values[fg], values.get(bg, CARD) if bg != CARD else CARD)
        out.append(
            {
                "what": _(what),
                "fg": values[fg],
                "bg": values.get(bg, CARD) if bg != CARD else CARD,
                "ratio": f"{ratio:.2f}",
                "ok": ratio >= 4.5,
            }
        )
    return out


def _save(
    request: HttpRequest, studio: Studio, survey: Survey | None
) -> tuple[FormErrors, dict[str, Any]]:
    post = posted(request)
    values = {k: str(post.get(k) or "").strip() for k, _l in FIELDS}
    values["font"] = str(post.get("font") or "")
    values["logo_alt"] = str(post.get("logo_alt") or "")
    errors = FormErrors()
    upload = request.FILES.get("logo")
    logo = None
    if upload is not None:
        logo = upload.read(MAX_UPLOAD + 1)
    try:
        branding_save(
            organization=studio.organization,
            survey=survey,
            values=values,
            logo=logo,
            remove_logo=post.get("remove_logo") == "on",
            actor=request.user,  # type: ignore[arg-type]
        )
    except ServiceValidationError as exc:
        errors.items = exc.errors
    return errors, values


def _page(
    request: HttpRequest,
    studio: Studio,
    survey: Survey | None,
    values: dict[str, Any],
    errors: FormErrors,
    sample: Look,
) -> HttpResponse:
    current = look_for(survey=survey) if survey is not None else _org_look(studio)
    return render(
        request,
        "studio/builder/branding.html",
        {
            "studio": studio,
            "survey": survey,
            "survey_title": title_of(survey) if survey else "",
            "fields": [
                {"name": k, "label": label, "value": values.get(k, "")} for k, label in FIELDS
            ],
            "values": values,
            "fonts": BrandFont.choices,
            "contrasts": _contrasts(values),
            "errors": errors,
            "by_key": errors.by_key,
            "sample": sample,
            "current": current,
        },
        status=400 if errors else 200,
    )


def _values(look: Look) -> dict[str, Any]:
    return {
        "accent": look.accent,
        "accent_text": look.accent_text,
        "text": look.text,
        "background": look.background,
        "font": look.font,
        "logo_alt": look.logo_alt,
    }


@studio_view(roles={Role.ADMIN}, section="surveys")
@require_http_methods(["GET", "POST"])
def organization_branding(request: HttpRequest, studio: Studio) -> HttpResponse:
    """The organization's look: every survey without its own uses it."""
    if request.method == "POST":
        errors, values = _save(request, studio, None)
        if not errors:
            messages.success(request, _("Branding saved."))
            return HttpResponseRedirect(url("org_branding", studio))
    else:
        errors = FormErrors()
        values = _values(_org_look(studio))
    return _page(request, studio, None, values, errors, _preview_look(values))


def _org_look(studio: Studio) -> Look:
    row = branding_of(organization=studio.organization)
    return Look() if row is None else _look_of(row)


def _look_of(row: Any) -> Look:
    return Look(
        accent=row.accent,
        accent_text=row.accent_text,
        text=row.text,
        background=row.background,
        font=row.font,
        logo_alt=row.logo_alt,
        source="organization",
    )


def _preview_look(values: dict[str, Any]) -> Look:
    """The sample shows the palette typed only when every pair passes (else the default)."""
    contrasts = _contrasts(values)
    if contrasts and all(c["ok"] for c in contrasts) and values.get("font") in BrandFont.values:
        return Look(
            **{k: values[k] for k in ("accent", "accent_text", "text", "background")},
            font=values["font"],
            source="preview",
        )
    return Look()


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def survey_branding(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    """A survey's own look (overriding the organization's), or reset to the organization's."""
    survey = survey_or_404(studio, pk)
    if request.method == "POST" and request.POST.get("action") == "reset":
        branding_reset(survey=survey, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("This survey uses the organization's branding again."))
        return HttpResponseRedirect(url("branding", studio, pk=survey.pk))
    if request.method == "POST":
        errors, values = _save(request, studio, survey)
        if not errors:
            messages.success(request, _("Branding saved."))
            return HttpResponseRedirect(url("branding", studio, pk=survey.pk))
    else:
        errors = FormErrors()
        values = _values(look_for(survey=survey))
    response = _page(request, studio, survey, values, errors, _preview_look(values))
    return response
