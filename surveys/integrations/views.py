"""Studio pages of the webhooks (admins): ``/studio/<org>/integrations/``.

The list with a form to add an endpoint (its secret is shown once, on the
page that answers the form), and one page per endpoint: its settings, "Send
test event", secret rotation, the delivery log with "Redeliver". Every
change goes through a service that writes the audit log.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trustpulse.studio import Studio, studio_view
from trustpulse.validation import ServiceValidationError

from ..enums import Role, VersionStatus
from ..models import ConsentNoticeVersion, WebhookEndpoint
from . import selectors, services

ADMIN = frozenset({Role.ADMIN.value})


def _purposes(organization_id: int) -> list[dict[str, Any]]:
    """The purposes of the organization's published notices: id, title, recipients."""
    seen: dict[str, dict[str, Any]] = {}
    versions = ConsentNoticeVersion.objects.filter(
        notice__organization_id=organization_id, status=VersionStatus.PUBLISHED
    ).order_by("-number")
    for version in versions:
        for p in version.purposes:
            entry = seen.setdefault(
                p["id"],
                {"id": p["id"], "title": (p.get("title") or {}).get("en", p["id"]), "to": set()},
            )
            entry["to"].update(p.get("recipients") or [])
    return [{**p, "to": sorted(p["to"])} for p in seen.values()]


def _form_values(request: HttpRequest) -> dict[str, Any]:
    return {
        "url": request.POST.get("url", ""),
        "description": request.POST.get("description", ""),
        "event_types": request.POST.getlist("event_types"),
        "recipient": request.POST.get("recipient", ""),
        "answer_purposes": request.POST.getlist("answer_purposes"),
    }


def _endpoint(studio: Studio, endpoint_id: int) -> WebhookEndpoint:
    endpoint = selectors.endpoint_get(organization_id=studio.organization.pk, pk=endpoint_id)
    if endpoint is None:
        raise Http404("No such webhook endpoint.")
    endpoint.organization = studio.organization
    return endpoint


def _back(studio: Studio, endpoint: WebhookEndpoint) -> HttpResponse:
    return redirect("integrations:detail", org=studio.organization.slug, endpoint_id=endpoint.pk)


@studio_view(roles=ADMIN, section="integrations")
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, studio: Studio) -> HttpResponse:
    """The endpoints, and a form to add one."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            endpoint, secret = services.endpoint_create(
                organization=studio.organization,
                actor=request.user,  # type: ignore[arg-type]
                **_form_values(request),
            )
        except ServiceValidationError as exc:
            errors = exc.by_field()
        else:
            return _detail_page(request, studio, endpoint, secret=secret, status=201)
    return render(
        request,
        "studio/integrations/index.html",
        {
            "studio": studio,
            "endpoints": list(selectors.endpoint_list(organization_id=studio.organization.pk)),
            "event_types": services.SUBSCRIBABLE,
            "purposes": _purposes(studio.organization.pk),
            "errors": errors,
            "form": _form_values(request) if errors else {"event_types": []},
        },
        status=400 if errors else 200,
    )


def _detail_page(
    request: HttpRequest,
    studio: Studio,
    endpoint: WebhookEndpoint,
    *,
    secret: str = "",
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = Paginator(selectors.delivery_list(endpoint=endpoint), 50).get_page(
        request.GET.get("page")
    )
    form = (
        _form_values(request)
        if errors
        else {
            "url": endpoint.url,
            "description": endpoint.description,
            "event_types": endpoint.event_types,
            "recipient": endpoint.recipient,
            "answer_purposes": endpoint.answer_purposes,
        }
    )
    return render(
        request,
        "studio/integrations/detail.html",
        {
            "studio": studio,
            "endpoint": endpoint,
            "secret": secret,
            "deliveries": page,
            "event_types": services.SUBSCRIBABLE,
            "purposes": _purposes(studio.organization.pk),
            "errors": errors or {},
            "form": form,
        },
        status=status,
    )


@studio_view(roles=ADMIN, section="integrations")
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, studio: Studio, endpoint_id: int) -> HttpResponse:
    """One endpoint: its settings (POST changes them) and its delivery log."""
    endpoint = _endpoint(studio, endpoint_id)
    if request.method == "POST":
        try:
            changed = services.endpoint_update(
                endpoint=endpoint,
                actor=request.user,  # type: ignore[arg-type]
                enabled=request.POST.get("enabled") == "on",
                **_form_values(request),
            )
        except ServiceValidationError as exc:
            return _detail_page(request, studio, endpoint, errors=exc.by_field(), status=400)
        messages.success(request, _("Endpoint saved.") if changed else _("Nothing changed."))
        return redirect(
            "integrations:detail", org=studio.organization.slug, endpoint_id=endpoint.pk
        )
    return _detail_page(request, studio, endpoint)


@studio_view(roles=ADMIN, section="integrations")
@require_POST
def send_test(request: HttpRequest, studio: Studio, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(studio, endpoint_id)
    services.endpoint_test_send(endpoint=endpoint, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("A test event was sent; its delivery is in the log below."))
    return _back(studio, endpoint)


@studio_view(roles=ADMIN, section="integrations")
@require_POST
def rotate_secret(request: HttpRequest, studio: Studio, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(studio, endpoint_id)
    secret = services.endpoint_secret_rotate(endpoint=endpoint, actor=request.user)  # type: ignore[arg-type]
    endpoint.refresh_from_db()
    return _detail_page(request, studio, endpoint, secret=secret)


@studio_view(roles=ADMIN, section="integrations")
@require_POST
def delete(request: HttpRequest, studio: Studio, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(studio, endpoint_id)
    url = endpoint.url
    services.endpoint_delete(endpoint=endpoint, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The endpoint %(url)s was deleted.") % {"url": url})
    return redirect("integrations:index", org=studio.organization.slug)


@studio_view(roles=ADMIN, section="integrations")
@require_POST
def redeliver(
    request: HttpRequest, studio: Studio, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    endpoint = _endpoint(studio, endpoint_id)
    delivery = selectors.delivery_list(endpoint=endpoint).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such delivery.")
    delivery.endpoint = endpoint
    try:
        services.delivery_redeliver(delivery=delivery, actor=request.user)  # type: ignore[arg-type]
    except ServiceValidationError as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(
            request,
            _("Event %(id)s is being sent again, with the same id.")
            % {"id": delivery.event.public_id},
        )
    return _back(studio, endpoint)
