"""Who may frame the respondent pages: each organization's CSP frame-ancestors list.

Survey pages (``/s/<slug>/…`` and ``/l/<code>/``) of an organization with
allowed origins get ``Content-Security-Policy: frame-ancestors 'self' <origins>``
instead of ``X-Frame-Options: DENY``; every other page keeps DENY.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .models import Survey


class FrameAncestorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or match.namespace != "surveys":
            return response
        if match.url_name == "channel_link":
            surveys = Survey.objects.filter(channel_links__code=match.kwargs.get("code", ""))
        elif match.kwargs.get("slug"):
            surveys = Survey.objects.filter(slug=match.kwargs["slug"])
        else:
            return response
        origins = surveys.values_list("organization__frame_ancestors", flat=True).first()
        if origins:
            response.headers["Content-Security-Policy"] = "frame-ancestors 'self' " + " ".join(
                origins
            )
            response.xframe_options_exempt = True  # type: ignore[attr-defined]
        return response


class TwoFactorAdminMiddleware:
    """The Django admin asks for two-factor like the studio does (``surveys/two_factor.py``).

    Its own sign-in form takes only a password, so every admin page of a
    signed-in member who owes a code (an admin by role, or anyone with an
    authenticator) sends them to set up or verify first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.prefix:
            from django.urls import reverse

            self.prefix = reverse("admin:index")
        if (
            request.path.startswith(self.prefix)
            and not request.path.startswith(self.prefix + "logout/")
            and request.user.is_authenticated
        ):
            from .two_factor import gate

            redirect = gate(request)
            if redirect is not None:
                return redirect
        return self.get_response(request)
