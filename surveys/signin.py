"""Sign-in throttling glue for django-axes (settings ``AXES_*``, docs/SECURITY.md).

``client_ip`` is the address a lockout is keyed by; ``lockout_response`` is
the page a locked-out sign-in gets (every path: the studio's and the Django
admin's sign-in forms); ``locked_out`` records a lockout in the audit log of
the account's organizations (connected in ``SurveysConfig.ready()``).
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with ``SIGNIN_PROXY_COUNT`` trusted proxies
    in front, the entry of X-Forwarded-For the outermost trusted proxy appended.
    """
    proxies: int = settings.SIGNIN_PROXY_COUNT
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies and forwarded:
        hops: list[str] = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    remote = request.META.get("REMOTE_ADDR")
    return str(remote) if remote else None


def locked_out(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    """axes' ``user_locked_out``: audit the moment of lockout (not each refused retry)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # a retry while locked out: not counted, not audited again
    from .accounts.services.signin import signin_lockout_logged

    signin_lockout_logged(username=username or "", path=request.path)


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """429 with a page that says what happened, for how long, and what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
