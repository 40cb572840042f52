"""Team pages (admins): members and roles, invitations, API keys, organization settings.

``/studio/<org>/team/`` and ``/studio/<org>/settings/``. Every change goes
through a service that writes the audit log.
"""

import zoneinfo
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from surveys.accounts.selectors import api_key_list, member_invitation_open_list, member_list
from surveys.accounts.services import accounts as accounts_services
from surveys.accounts.services import team as team_services
from surveys.accounts.services.accounts import api_key_create
from surveys.accounts.services.team import (
    member_invitation_revoke,
    member_invite,
    member_role_change,
    organization_settings_update,
)
from surveys.distribution.services.links import link_key, link_key_rotate
from surveys.enums import ApiScope, Role
from surveys.models import ApiKey, ConsentNotice, MemberInvitation, Membership
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import ServiceValidationError

ADMIN = frozenset({Role.ADMIN.value})


def _errors(exc: ServiceValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in exc.errors:
        out.setdefault(e.field.split("[")[0], []).append(e.message)
    return out


def _team_page(
    request: HttpRequest,
    studio: Studio,
    *,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "studio": studio,
        "members": list(member_list(organization=studio.organization)),
        "invitations": list(member_invitation_open_list(organization=studio.organization)),
        "roles": Role.choices,
        "errors": errors or {},
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "studio/team/index.html", context, status=status)


@studio_view(roles=ADMIN, section="team")
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, studio: Studio) -> HttpResponse:
    """Members with their roles and two-factor status; invite someone by email."""
    if request.method == "POST":
        try:
            member_invite(
                organization=studio.organization,
                email=request.POST.get("email", ""),
                role=request.POST.get("role", ""),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ServiceValidationError as exc:
            return _team_page(request, studio, errors=_errors(exc), status=400)
        messages.success(request, _("Invitation sent."))
        return redirect("team:index", org=studio.organization.slug)
    return _team_page(request, studio)


def _membership(studio: Studio, member_id: int) -> Membership:
    membership = (
        Membership.objects.filter(organization=studio.organization, pk=member_id)
        .select_related("user", "organization")
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


@studio_view(roles=ADMIN, section="team")
@require_POST
def member_role(request: HttpRequest, studio: Studio, member_id: int) -> HttpResponse:
    membership = _membership(studio, member_id)
    try:
        member_role_change(
            membership=membership,
            role=request.POST.get("role", ""),
            actor=request.user,  # type: ignore[arg-type]
        )
    except ServiceValidationError as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": membership.user.get_username(), "role": Role(membership.role).label},
        )
    return redirect("team:index", org=studio.organization.slug)


@studio_view(roles=ADMIN, section="team")
@require_POST
def member_remove(request: HttpRequest, studio: Studio, member_id: int) -> HttpResponse:
    membership = _membership(studio, member_id)
    name = membership.user.get_username()
    try:
        team_services.member_remove(membership=membership, actor=request.user)  # type: ignore[arg-type]
    except ServiceValidationError as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(request, _("%(user)s was removed.") % {"user": name})
    return redirect("team:index", org=studio.organization.slug)


@studio_view(roles=ADMIN, section="team")
@require_POST
def invitation_revoke(request: HttpRequest, studio: Studio, invitation_id: int) -> HttpResponse:
    invitation = MemberInvitation.objects.filter(
        organization=studio.organization, pk=invitation_id
    ).first()
    if invitation is None:
        raise Http404("No such invitation.")
    member_invitation_revoke(invitation=invitation, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Invitation revoked."))
    return redirect("team:index", org=studio.organization.slug)


@studio_view(roles=ADMIN, section="team")
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest, studio: Studio) -> HttpResponse:
    """API keys: create (shown once), scopes, last used, revoke."""
    errors: dict[str, list[str]] = {}
    created = ""
    if request.method == "POST":
        try:
            key, created = api_key_create(
                organization=studio.organization,
                name=request.POST.get("name", ""),
                scopes=request.POST.getlist("scopes"),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ServiceValidationError as exc:
            errors = _errors(exc)
    keys = list(api_key_list(organization_id=studio.organization.pk))
    return render(
        request,
        "studio/team/api_keys.html",
        {
            "studio": studio,
            "keys": keys,
            "scopes": ApiScope.values,
            "errors": errors,
            "created": created,
            "form": request.POST if errors else {},
            "checked": request.POST.getlist("scopes") if errors else [],
        },
        status=400 if errors else 200,
    )


@studio_view(roles=ADMIN, section="team")
@require_POST
def api_key_revoke(request: HttpRequest, studio: Studio, key_id: int) -> HttpResponse:
    key = ApiKey.objects.filter(organization=studio.organization, pk=key_id).first()
    if key is None:
        raise Http404("No such API key.")
    accounts_services.api_key_revoke(key=key, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": key.name})
    return redirect("team:api_keys", org=studio.organization.slug)


# --- organization settings -----------------------------------------------------------


@studio_view(roles=ADMIN, section="settings")
@require_http_methods(["GET", "POST"])
def org_settings(request: HttpRequest, studio: Studio) -> HttpResponse:
    """Time zone, suppression threshold, default notice, embedding origins; the link key."""
    organization = studio.organization
    notices = list(ConsentNotice.objects.filter(organization=organization).order_by("name"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and request.POST.get("action") == "rotate_key":
        link_key_rotate(organization=organization, actor=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _("A new link key was made; links signed with the old one no longer carry ids."),
        )
        return redirect("org_settings:index", org=organization.slug)
    if request.method == "POST":
        changes: dict[str, Any] = {
            "name": request.POST.get("name", ""),
            "timezone": request.POST.get("timezone", ""),
            "frame_ancestors": request.POST.get("frame_ancestors", "").split(),
        }
        cell = request.POST.get("suppression_min_cell", "").strip()
        if cell == "":
            changes["suppression_min_cell"] = None
        elif cell.isdigit():
            changes["suppression_min_cell"] = int(cell)
        else:
            errors["suppression_min_cell"] = [_("A whole number from 5 to 1000, or empty.")]
        notice_id = request.POST.get("default_notice", "")
        if notice_id == "":
            changes["default_notice"] = None
        else:
            notice = next((n for n in notices if str(n.pk) == notice_id), None)
            if notice is None:
                errors["default_notice"] = [_("Choose a notice from the list.")]
            else:
                changes["default_notice"] = notice
        if not errors:
            try:
                changed = organization_settings_update(
                    organization=organization,
                    actor=request.user,
                    **changes,  # type: ignore[arg-type]
                )
            except ServiceValidationError as exc:
                errors = _errors(exc)
                organization.refresh_from_db()
            else:
                if changed:
                    messages.success(request, _("Settings saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("org_settings:index", org=organization.slug)
    return render(
        request,
        "studio/settings/index.html",
        {
            "studio": studio,
            "organization": organization,
            "notices": notices,
            "timezones": sorted(zoneinfo.available_timezones()),
            "errors": errors,
            "form": request.POST if errors else None,
            "link_key": link_key(organization),
        },
        status=400 if errors else 200,
    )
