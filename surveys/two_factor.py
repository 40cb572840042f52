"""Two-factor state of a signed-in session, and the gate in front of studio pages.

A session is *verified* once its member has entered a code from their
authenticator app (at sign-in, or on the verify page). A member with a
confirmed device is asked for a code at sign-in; a member whose role
requires two-factor (``TWO_FACTOR_REQUIRED_ROLES``, admins by default) and
who has no device is sent to set one up before any studio page opens.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

SESSION_KEY = "trustpulse_2fa"  # the verified user's pk
PENDING_KEY = "trustpulse_2fa_pending"  # {"user", "backend", "next"} between password and code


def mark_verified(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = request.user.pk


def is_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated) and request.session.get(SESSION_KEY) == user.pk


def pending_step(request: HttpRequest) -> str | None:
    """The page this signed-in session must pass first ("verify" or "set up"), or None."""
    from .accounts.selectors import totp_device_confirmed, two_factor_required

    if is_verified(request):
        return None
    user = request.user
    if totp_device_confirmed(user) is not None:  # type: ignore[arg-type]
        return reverse("account:two_factor_verify")
    if two_factor_required(user):  # type: ignore[arg-type]
        return reverse("account:two_factor")
    return None


def gate(request: HttpRequest) -> HttpResponse | None:
    """A redirect to set up or verify two-factor when this session needs it; else None."""
    step = pending_step(request)
    if step is None:
        return None
    return HttpResponseRedirect(step + "?" + urlencode({"next": request.get_full_path()}))
