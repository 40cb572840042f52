"""Account pages under ``/accounts/``: sign-in with two-factor, TOTP setup, password
reset (Django's views with our templates), and joining an organization by invitation.
"""

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from surveys.accounts.selectors import (
    member_invitation_get,
    recovery_codes_remaining,
    totp_device_confirmed,
    two_factor_required,
)
from surveys.accounts.services.recovery import recovery_code_use, recovery_codes_issue
from surveys.accounts.services.team import (
    member_account_create,
    member_invitation_accept,
)
from surveys.accounts.services.totp import (
    password_reset_logged,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
    totp_provisioning_uri,
    totp_verify,
)
from surveys.models import User
from surveys.two_factor import PENDING_KEY, is_verified, mark_verified
from trustpulse.validation import ServiceValidationError

FAILURES_KEY = "trustpulse_2fa_failures"
MAX_CODE_FAILURES = 5


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Username and password; then, for a member with an authenticator, a code."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if totp_device_confirmed(user) is None:
            response = super().form_valid(form)
            if two_factor_required(user):
                return HttpResponseRedirect(
                    reverse("account:two_factor")
                    + "?"
                    + urlencode({"next": self.get_success_url()})
                )
            return response
        # Not signed in yet: the code comes first.
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
        }
        return HttpResponseRedirect(reverse("account:two_factor_verify"))


def _qr_svg(uri: str) -> str:
    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, title="", nl=False
    )
    return out.getvalue().decode()


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Enter a code: finishes a pending sign-in, or verifies a signed-in session."""
    pending = request.session.get(PENDING_KEY)
    if request.user.is_authenticated:
        user: User | None = request.user  # type: ignore[assignment]
        nxt = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
        if is_verified(request):
            return HttpResponseRedirect(nxt)
    elif pending:
        user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
        nxt = _safe_next(request, pending.get("next"))
    else:
        return redirect("login")
    device = totp_device_confirmed(user) if user is not None else None
    recovery = ""
    if user is None or device is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("account:two_factor" if request.user.is_authenticated else "login")
    error = ""
    if request.method == "POST":
        recovery = request.POST.get("recovery_code", "")
        if recovery:
            accepted = recovery_code_use(user=user, code=recovery)  # type: ignore[arg-type]
        else:
            accepted = totp_verify(device=device, code=request.POST.get("code", ""))
        if accepted:
            request.session.pop(FAILURES_KEY, None)
            if not request.user.is_authenticated:
                request.session.pop(PENDING_KEY, None)
                user.backend = pending["backend"]  # type: ignore[index]
                login(request, user)
            mark_verified(request)
            return HttpResponseRedirect(nxt)
        failures = request.session.get(FAILURES_KEY, 0) + 1
        request.session[FAILURES_KEY] = failures
        if failures >= MAX_CODE_FAILURES:
            # Too many wrong codes: start again from the password.
            logout(request)
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("login")
        if recovery:
            error = _("That recovery code is not right, or it has been used already.")
        else:
            error = _("That code is not right. Enter the 6-digit code your app shows now.")
    return render(
        request,
        "registration/two_factor_verify.html",
        {"error": error, "next": nxt, "recovery_error": bool(recovery and error)},
        status=400 if error else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator (scan, confirm with a code), or turn it off."""
    user: User = request.user  # type: ignore[assignment]
    nxt = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    required = two_factor_required(user)
    confirmed = totp_device_confirmed(user)
    error = ""
    if request.method == "POST" and request.POST.get("action") == "disable" and confirmed:
        if not is_verified(request) and not totp_verify(
            device=confirmed, code=request.POST.get("code", "")
        ):
            error = _("Enter a current code from your app to turn two-factor off.")
        else:
            totp_device_remove(user=user, actor=user)
            request.session.pop("trustpulse_2fa", None)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("account:two_factor")
    elif request.method == "POST" and not confirmed:
        device = totp_device_start(user=user)
        try:
            totp_device_confirm(device=device, code=request.POST.get("code", ""))
        except ServiceValidationError:
            error = _("That code is not right. Enter the 6-digit code your app shows now.")
        else:
            mark_verified(request)
            messages.success(request, _("Two-factor authentication is on."))
            return _recovery_codes_page(request, user, nxt)
    elif request.method == "POST" and request.POST.get("action") == "recovery_codes" and confirmed:
        if is_verified(request):
            return _recovery_codes_page(request, user, nxt)
        error = _("Enter a code from your app first.")
    context: dict[str, Any] = {
        "confirmed": confirmed,
        "verified": is_verified(request),
        "required": required,
        "error": error,
        "next": nxt,
        "recovery_remaining": recovery_codes_remaining(user) if confirmed else 0,
    }
    if confirmed is None:
        device = totp_device_start(user=user)
        uri = totp_provisioning_uri(device)
        context.update(secret=device.secret, qr_svg=_qr_svg(uri))
    return render(request, "registration/two_factor.html", context, status=400 if error else 200)


def _recovery_codes_page(request: HttpRequest, user: User, nxt: str) -> HttpResponse:
    """A new set of recovery codes, shown this once (never stored in the clear)."""
    codes = recovery_codes_issue(user=user)
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": nxt})


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("account:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("account:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_reset_logged(user=form.user)
        return response


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: join as the signed-in member, or create an account."""
    invitation = member_invitation_get(token)
    if invitation is None:
        return render(request, "registration/join_invalid.html", status=404)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                member_invitation_accept(invitation=invitation, user=request.user)  # type: ignore[arg-type]
            else:
                user, _m = member_account_create(
                    invitation=invitation,
                    username=request.POST.get("username", ""),
                    password=request.POST.get("password", ""),
                )
                user.backend = "django.contrib.auth.backends.ModelBackend"
                login(request, user)
        except ServiceValidationError as exc:
            for e in exc.errors:
                errors.setdefault(e.field, []).append(e.message)
        else:
            messages.success(
                request,
                _("You joined %(org)s as %(role)s.")
                % {"org": invitation.organization.name, "role": invitation.get_role_display()},
            )
            return redirect("studio:org", org=invitation.organization.slug)
    return render(
        request,
        "registration/join.html",
        {
            "invitation": invitation,
            "errors": errors,
            "username": request.POST.get("username", ""),
        },
        status=400 if errors else 200,
    )


__all__ = [
    "LoginView",
    "PasswordResetConfirmView",
    "PasswordResetView",
    "join",
    "two_factor",
    "two_factor_verify",
]
