"""The studio's follow-ups page (authors): ``/studio/<org>/follow-ups/``.

The list (pool remaining, sent, waiting, held out, codes that ran out), a
form to add one, and one page per follow-up to edit it and upload codes.
"""

import json
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trustpulse.studio import Studio, studio_view
from trustpulse.validation import FieldError, ServiceValidationError

from ..consent.selectors import notice_current_version
from ..enums import PRIVACY_REPORT, RewardKind, Role
from ..models import FollowUp, Survey
from ..selectors.texts import localized
from . import selectors, services

AUTHORING = frozenset({Role.ADMIN.value, Role.AUTHOR.value})
LOCALES = ("en", "zh-Hant")
MAX_CODES_FILE_BYTES = 4 * 1024 * 1024


def _form_values(request: HttpRequest) -> dict[str, Any]:
    raw = request.POST.get("condition", "").strip()
    try:
        condition = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        condition = raw  # reported as invalid by the service
    percent = request.POST.get("holdout_percent", "10")
    return {
        "name": request.POST.get("name", ""),
        "purpose": request.POST.get("purpose", ""),
        "condition": condition,
        "condition_text": raw,
        "subject": {loc: request.POST.get(f"subject_{loc}", "") for loc in LOCALES},
        "body": {loc: request.POST.get(f"body_{loc}", "") for loc in LOCALES},
        "reward_kind": request.POST.get("reward_kind", RewardKind.NONE),
        "reward_link": request.POST.get("reward_link", ""),
        "holdout_percent": int(percent) if percent.isdigit() else -1,
        "active": request.POST.get("active") == "on",
    }


def _initial(follow_up: FollowUp | None) -> dict[str, Any]:
    if follow_up is None:
        from django.conf import settings

        return {"holdout_percent": settings.TOUCHPOINT_HOLDOUT_PERCENT, "active": True}
    return {
        "name": follow_up.name,
        "purpose": follow_up.purpose,
        "condition_text": json.dumps(follow_up.condition, ensure_ascii=False)
        if follow_up.condition
        else "",
        "subject": follow_up.subject,
        "body": follow_up.body,
        "reward_kind": follow_up.reward_kind,
        "reward_link": follow_up.reward_link,
        "holdout_percent": follow_up.holdout_percent,
        "active": follow_up.active,
    }


def _purpose_titles(survey: Survey) -> dict[str, str]:
    """The optional purposes of the survey's current notice, by id, titled in the reader's
    language (the notice's titles, as the consent screen shows them)."""
    version = notice_current_version(survey.consent_notice)
    if version is None:
        return {}
    lang = get_language() or ""
    return {
        p["id"]: localized(p.get("title"), lang, survey.default_locale) or p["id"]
        for p in version.purposes
        if not p.get("required") and p["id"] != PRIVACY_REPORT
    }


def _purposes(surveys: list[Survey]) -> dict[str, str]:
    """Every optional purpose of the organization's notices, id -> title."""
    seen: dict[str, str] = {}
    for survey in surveys:
        for pid, title in _purpose_titles(survey).items():
            seen.setdefault(pid, title)
    return seen


def _page(
    request: HttpRequest,
    studio: Studio,
    *,
    follow_up: FollowUp | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    template = "studio/touchpoints/detail.html" if follow_up else "studio/touchpoints/index.html"
    surveys = list(selectors.survey_choices(organization_id=studio.organization.pk))
    purposes = _purposes(surveys)
    follow_ups = list(selectors.follow_up_list(organization_id=studio.organization.pk))
    for f in [*follow_ups, *([follow_up] if follow_up else [])]:
        f.purpose_title = purposes.get(f.purpose, f.purpose)  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "studio": studio,
            "follow_up": follow_up,
            "follow_ups": follow_ups,
            "surveys": surveys,
            "purposes": purposes,
            "reward_kinds": RewardKind.choices,
            "locales": LOCALES,
            "form": form if form is not None else _initial(follow_up),
            "errors": errors or {},
        },
        status=status,
    )


@studio_view(roles=AUTHORING, section="follow_ups")
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, studio: Studio) -> HttpResponse:
    if request.method == "GET":
        return _page(request, studio)
    form = _form_values(request)
    survey = (
        selectors.survey_choices(organization_id=studio.organization.pk)
        .filter(pk=request.POST.get("survey") or 0)
        .first()
    )
    try:
        if survey is None:
            raise ServiceValidationError(
                [FieldError(field="survey", code="required", message=_("Choose a survey."))]
            )
        follow_up = services.follow_up_save(
            survey=survey,
            data=form,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ServiceValidationError as exc:
        return _page(request, studio, form=form, errors=exc.by_field(), status=400)
    messages.success(request, _("Follow-up saved."))
    return redirect("follow_ups:detail", org=studio.organization.slug, pk=follow_up.pk)


def _get(studio: Studio, pk: int) -> FollowUp:
    follow_up = selectors.follow_up_get(organization_id=studio.organization.pk, pk=pk)
    if follow_up is None:
        raise Http404("No such follow-up.")
    return follow_up


@studio_view(roles=AUTHORING, section="follow_ups")
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    follow_up = _get(studio, pk)
    if request.method == "GET":
        return _page(request, studio, follow_up=follow_up)
    form = _form_values(request)
    try:
        services.follow_up_save(
            survey=follow_up.survey,
            data=form,
            follow_up=follow_up,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ServiceValidationError as exc:
        return _page(
            request, studio, follow_up=follow_up, form=form, errors=exc.by_field(), status=400
        )
    messages.success(request, _("Follow-up saved."))
    return redirect("follow_ups:detail", org=studio.organization.slug, pk=follow_up.pk)


def _codes_file_text(upload: UploadedFile, typed: str) -> tuple[str, str]:
    """The uploaded file's text (after any typed codes), and the field its errors go to.

    Refused whole, never cut short: a file over ``MAX_CODES_FILE_BYTES`` or
    not UTF-8 text.
    """

    def refuse(code: str, message: str) -> ServiceValidationError:
        return ServiceValidationError([FieldError(field="codes_file", code=code, message=message)])

    if (upload.size or 0) > MAX_CODES_FILE_BYTES:
        raise refuse("too_large", _("The file is larger than 4 MB: split it in parts."))
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse(
            "invalid",
            _("The file is not a text file (UTF-8): upload a .txt or .csv with one code a line."),
        ) from None
    return (f"{typed}\n{text}", "codes") if typed.strip() else (text, "codes_file")


@studio_view(roles=AUTHORING, section="follow_ups")
@require_POST
def upload_codes(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    follow_up = _get(studio, pk)
    text = request.POST.get("codes", "")
    upload = request.FILES.get("codes_file")
    field = "codes"
    try:
        if upload is not None:
            text, field = _codes_file_text(upload, text)
        added = services.reward_codes_upload(
            follow_up=follow_up,
            text=text,
            actor=request.user,  # type: ignore[arg-type]
            field=field,
        )
    except ServiceValidationError as exc:
        return _page(request, studio, follow_up=follow_up, errors=exc.by_field(), status=400)
    messages.success(request, _("%(n)s new codes added.") % {"n": added})
    return redirect("follow_ups:detail", org=studio.organization.slug, pk=follow_up.pk)
