"""Distribution pages of the studio (``/studio/<org>/distribute/``) and the public
channel-link and unsubscribe addresses (``/l/<code>/``, ``/u/<token>/``).

Authors and admins create a link per channel (each with its QR code), make
signed links carrying the brand's external id, copy the embed snippet, and
send email invitations from a CSV with reminders to non-responders.
"""

import html
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from surveys.distribution.selectors import (
    channel_link_active,
    channel_link_list,
    distribution_survey_get,
    distribution_surveys,
    invitation_batch_list,
)
from surveys.distribution.services import invitations as invitations_services
from surveys.distribution.services.invitations import (
    MAX_CSV_BYTES,
    invitation_addresses_parse,
    invitation_batch_create,
    invitation_unsubscribe,
    unsubscribe_recipient,
)
from surveys.distribution.services.links import (
    LINK_CHANNELS,
    absolute,
    channel_link_create,
    channel_link_revoke,
    channel_link_url,
    signed_link_make,
)
from surveys.enums import Channel, Role
from surveys.models import ChannelLink, InvitationBatch, Survey
from surveys.qr import QR_KINDS, qr_code
from surveys.responses.views.arrival import remember_link
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import FieldError, ServiceValidationError

ROLES = frozenset({Role.ADMIN.value, Role.AUTHOR.value})
BATCHES_PER_PAGE = 25
MAX_SIGN_DAYS = 365


def _title(survey: Survey) -> str:
    return survey.title.get(survey.default_locale) or next(iter(survey.title.values()), survey.slug)


def _errors(exc: ServiceValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in exc.errors:
        out.setdefault(e.field.split(".")[0].split("[")[0], []).append(e.message)
    return out


def _survey(studio: Studio, survey_id: int) -> Survey:
    survey = distribution_survey_get(organization=studio.organization, pk=survey_id)
    if survey is None:
        raise Http404("No such survey.")
    return survey


@studio_view(roles=ROLES, section="distribute")
def index(request: HttpRequest, studio: Studio) -> HttpResponse:
    surveys = list(distribution_surveys(organization=studio.organization))
    rows = [{"survey": s, "title": _title(s)} for s in surveys]
    return render(request, "studio/distribution/index.html", {"studio": studio, "rows": rows})


def _embed_snippet(url: str, title: str) -> str:
    return (
        f'<iframe src="{url}" title="{html.escape(title)}" '
        'style="width:100%;border:0;min-height:480px" '
        'loading="lazy" data-trustpulse-embed></iframe>\n'
        f'<script src="{absolute(static("js/embed.js"))}" async></script>'
    )


def _survey_page(
    request: HttpRequest,
    studio: Studio,
    survey: Survey,
    *,
    link_errors: dict[str, list[str]] | None = None,
    sign_errors: dict[str, list[str]] | None = None,
    signed_url: str = "",
    status: int = 200,
) -> HttpResponse:
    links = list(channel_link_list(survey=survey))
    for link in links:
        link.url = absolute(channel_link_url(link))  # type: ignore[attr-defined]
    active = [link for link in links if link.is_active]
    embed_link = next((link for link in active if link.channel == Channel.IN_APP), None)
    embed_url = (
        absolute(channel_link_url(embed_link))
        if embed_link
        else absolute(reverse("surveys:landing", kwargs={"slug": survey.slug})) + "?channel=in_app"
    )
    context: dict[str, Any] = {
        "studio": studio,
        "survey": survey,
        "title": _title(survey),
        "links": links,
        "channels": [(c, Channel(c).label) for c in LINK_CHANNELS],
        "link_errors": link_errors or {},
        "sign_errors": sign_errors or {},
        "signed_url": signed_url,
        "form": request.POST if request.method == "POST" else {},
        "public_url": absolute(reverse("surveys:landing", kwargs={"slug": survey.slug})),
        "embed_snippet": _embed_snippet(embed_url, _title(survey)),
        "embed_link": embed_link,
        "frame_ancestors": studio.organization.frame_ancestors,
        "is_admin": studio.role == Role.ADMIN,
        "max_sign_days": MAX_SIGN_DAYS,
    }
    return render(request, "studio/distribution/survey.html", context, status=status)


@studio_view(roles=ROLES, section="distribute")
@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, studio: Studio, survey_id: int) -> HttpResponse:
    """A survey's channel links (create, QR, revoke), the signed-link generator, the embed."""
    survey = _survey(studio, survey_id)
    if request.method == "GET":
        return _survey_page(request, studio, survey)
    action = request.POST.get("action")
    if action == "create_link":
        try:
            link = channel_link_create(
                survey=survey,
                channel=request.POST.get("channel", ""),
                label=request.POST.get("label", ""),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ServiceValidationError as exc:
            return _survey_page(request, studio, survey, link_errors=_errors(exc), status=400)
        messages.success(request, _("Link “%(label)s” created.") % {"label": link.label})
        return redirect(request.path + f"#link-{link.pk}")
    if action == "sign":
        return _sign(request, studio, survey)
    return _survey_page(
        request, studio, survey, link_errors={"action": [_("Unknown action.")]}, status=400
    )


def _sign(request: HttpRequest, studio: Studio, survey: Survey) -> HttpResponse:
    raw_days = request.POST.get("days", "").strip()
    days = int(raw_days) if raw_days.isdigit() else 0
    try:
        if not 1 <= days <= MAX_SIGN_DAYS:
            raise ServiceValidationError(
                [
                    FieldError(
                        field="days",
                        code="out_of_range",
                        message=_("Between 1 and %(max)d days.") % {"max": MAX_SIGN_DAYS},
                    )
                ]
            )
        signed = signed_link_make(
            survey=survey,
            external_id=request.POST.get("external_id", ""),
            expires_at=timezone.now() + timedelta(days=days),
        )
    except ServiceValidationError as exc:
        return _survey_page(request, studio, survey, sign_errors=_errors(exc), status=400)
    url = absolute(reverse("surveys:landing", kwargs={"slug": survey.slug}))
    return _survey_page(request, studio, survey, signed_url=url + "?" + urlencode(signed.query()))


def _link(survey: Survey, link_id: int) -> ChannelLink:
    link = ChannelLink.objects.filter(survey=survey, pk=link_id).select_related("survey").first()
    if link is None:
        raise Http404("No such link.")
    return link


@studio_view(roles=ROLES, section="distribute")
@require_POST
def link_revoke(request: HttpRequest, studio: Studio, survey_id: int, link_id: int) -> HttpResponse:
    survey = _survey(studio, survey_id)
    link = _link(survey, link_id)
    channel_link_revoke(link=link, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Link “%(label)s” revoked.") % {"label": link.label})
    return redirect("distribution:survey", org=studio.organization.slug, survey_id=survey.pk)


@studio_view(roles=ROLES, section="distribute")
@require_http_methods(["GET"])
def link_qr(
    request: HttpRequest, studio: Studio, survey_id: int, link_id: int, kind: str
) -> HttpResponse:
    """The QR code of a link, as PNG or SVG (``?download=1`` saves it as a file)."""
    survey = _survey(studio, survey_id)
    link = _link(survey, link_id)
    if kind not in QR_KINDS:
        raise Http404("No such format.")
    response = HttpResponse(
        qr_code(absolute(channel_link_url(link)), kind=kind), content_type=QR_KINDS[kind]
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="{survey.slug}-{link.channel}-{link.code}.{kind}"'
        )
    return response


def _read(upload: Any) -> bytes:
    """An uploaded file's bytes; one over the limit is cut there (and then refused as too large)."""
    if upload is None:
        return b""
    return bytes(upload.read(MAX_CSV_BYTES + 1))


@studio_view(roles=ROLES, section="distribute")
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, studio: Studio, survey_id: int) -> HttpResponse:
    """Email invitations: upload a CSV of addresses, see what was sent, remind."""
    survey = _survey(studio, survey_id)
    errors: dict[str, list[str]] = {}
    row_errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        parsed = invitation_addresses_parse(_read(upload))
        if upload is None:
            errors["file"] = [_("Choose a CSV file of email addresses.")]
        elif parsed.errors:
            errors["file"] = [_("The file has problems: nothing was sent.")]
            row_errors = [e.message for e in parsed.errors[:50]]
        else:
            try:
                batch = invitation_batch_create(
                    survey=survey,
                    addresses=parsed.addresses,
                    subject=request.POST.get("subject", ""),
                    message=request.POST.get("message", ""),
                    actor=request.user,  # type: ignore[arg-type]
                )
            except ServiceValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(
                    request,
                    _("%(n)d invitations are being sent; the addresses are deleted once sent.")
                    % {"n": len(parsed.addresses)},
                )
                return redirect(
                    reverse(
                        "distribution:invitations",
                        kwargs={"org": studio.organization.slug, "survey_id": survey.pk},
                    )
                    + f"#batch-{batch.pk}"
                )
    batches = Paginator(invitation_batch_list(survey=survey), BATCHES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "studio/distribution/invitations.html",
        {
            "studio": studio,
            "survey": survey,
            "title": _title(survey),
            "batches": batches,
            "errors": errors,
            "row_errors": row_errors,
            "form": request.POST if request.method == "POST" else {},
            "live": survey.live_version_id is not None and survey.status == "live",
        },
        status=400 if errors else 200,
    )


@studio_view(roles=ROLES, section="distribute")
@require_POST
def invitation_remind(
    request: HttpRequest, studio: Studio, survey_id: int, batch_id: int
) -> HttpResponse:
    survey = _survey(studio, survey_id)
    batch = (
        InvitationBatch.objects.filter(survey=survey, pk=batch_id).select_related("survey").first()
    )
    if batch is None:
        raise Http404("No such batch.")
    back = reverse(
        "distribution:invitations",
        kwargs={"org": studio.organization.slug, "survey_id": survey.pk},
    )
    upload = request.FILES.get("file")
    parsed = invitation_addresses_parse(_read(upload))
    if upload is None or parsed.errors:
        messages.error(
            request,
            _("Upload the same CSV again to remind (the addresses were deleted after sending)."),
        )
        return redirect(back + f"#batch-{batch.pk}")
    try:
        count = invitations_services.invitation_remind(
            batch=batch,
            addresses=parsed.addresses,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ServiceValidationError as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(
            request,
            _("%(n)d reminders are being sent to people who have not responded.") % {"n": count},
        )
    return redirect(back + f"#batch-{batch.pk}")


# --- public addresses -------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def channel_link(request: HttpRequest, code: str) -> HttpResponse:
    """A channel link: remember it (and its channel), then open the survey."""
    link = channel_link_active(code=code)
    if link is None:
        return render(
            request,
            "surveys/link_unavailable.html",
            status=410 if ChannelLink.objects.filter(code=code).exists() else 404,
        )
    remember_link(request, link)
    query = {"channel": link.channel}
    for key in ("xid", "exp", "sig", "lang"):
        if key in request.GET:
            query[key] = request.GET[key]
    url = reverse("surveys:landing", kwargs={"slug": link.survey.slug}) + "?" + urlencode(query)
    return HttpResponseRedirect(url)


@never_cache
@csrf_exempt  # RFC 8058 one-click unsubscribe posts from the mail client, without a token.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop invitations from this organization to the address the email went to."""
    recipient = unsubscribe_recipient(token)
    if recipient is None:
        return render(request, "surveys/unsubscribe.html", {"invalid": True}, status=404)
    organization = recipient.batch.survey.organization
    if request.method == "POST":
        invitation_unsubscribe(recipient=recipient)
        return render(
            request, "surveys/unsubscribe.html", {"done": True, "organization": organization}
        )
    return render(
        request,
        "surveys/unsubscribe.html",
        {"organization": organization, "done": recipient.unsubscribed_at is not None},
    )
