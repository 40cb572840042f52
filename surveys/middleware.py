"""Who may frame the respondent pages: each organization's CSP frame-ancestors list.

Survey pages (``/s/<slug>/…`` and ``/l/<code>/``) of an organization with
allowed origins get ``frame-ancestors 'self' <origins>`` in their
Content-Security-Policy instead of ``X-Frame-Options: DENY``; every other page
keeps DENY (and the policy's ``frame-ancestors 'none'``), but for a view that
asks for ``X-Frame-Options: SAMEORIGIN`` (the studio's preview), whose
policy says ``frame-ancestors 'self'``.
"""

from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

from .selectors.surveys import frame_ancestors_for

# The respondent flow: survey pages, channel links, and the language switch they post to.
RESPONDENT_PREFIXES = ("/s/", "/l/", "/i18n/")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def is_respondent_path(path: str) -> bool:
    return path.startswith(RESPONDENT_PREFIXES)


class RespondentSessionMiddleware(SessionMiddleware):
    """Respondent pages keep a session of their own, whose cookie works in a cross-site frame.

    A survey embedded on a brand's site is a third-party frame: browsers send
    it only cookies marked ``SameSite=None; Secure`` (and, where third-party
    cookies are blocked, ``Partitioned``: a jar per embedding site). The
    respondent flow's session (``RESPONDENT_SESSION_COOKIE_NAME``; the CSRF
    secret lives in it, ``CSRF_USE_SESSIONS``) and its language cookie get
    those attributes over HTTPS (and on loopback hosts, which browsers treat
    as secure). Staff pages keep their own ``SameSite=Lax`` session, so a
    member's sign-in never becomes a cross-site cookie.

    The respondent session is kept in its signed cookie
    (``RESPONDENT_SESSION_ENGINE``): no SQL per request, and nothing held by
    a cache that could be lost on a restart. It holds only the flow's ids and
    tokens (the answers live in the database), and expires like any session
    (``SESSION_COOKIE_AGE``, checked when the cookie is read).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        super().__init__(get_response)
        self.RespondentStore = import_module(settings.RESPONDENT_SESSION_ENGINE).SessionStore

    def process_request(self, request: HttpRequest) -> None:
        if not is_respondent_path(request.path):
            super().process_request(request)
            return
        key = request.COOKIES.get(settings.RESPONDENT_SESSION_COOKIE_NAME)
        request.session = self.RespondentStore(key)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if not is_respondent_path(request.path):
            return response
        staff = response.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        if staff is not None:  # what SessionMiddleware set for this session, renamed
            response.set_cookie(
                settings.RESPONDENT_SESSION_COOKIE_NAME,
                staff.value,
                max_age=staff["max-age"] or None,
                expires=staff["expires"] or None,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                secure=settings.SESSION_COOKIE_SECURE or None,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        if _secure_context(request):
            for name in (settings.RESPONDENT_SESSION_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME):
                if name in response.cookies:
                    cookie = response.cookies[name]
                    cookie["secure"] = True
                    # http.cookies (before Python 3.14) knows no Partitioned flag:
                    # it rides on the SameSite attribute's value.
                    cookie["samesite"] = "None; Partitioned"
        return response


def _secure_context(request: HttpRequest) -> bool:
    if request.is_secure():
        return True
    try:
        host = request.get_host()
    except DisallowedHost:  # answered 400 already; leave its cookies alone
        return False
    return host.rsplit(":", 1)[0] in LOOPBACK_HOSTS


class FrameAncestorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.headers.get("X-Frame-Options") == "SAMEORIGIN":  # @xframe_options_sameorigin
            response._csp_replace = {"frame-ancestors": ["'self'"]}  # type: ignore[attr-defined]
            return response
        match = request.resolver_match
        if match is None or match.namespace != "surveys":
            return response
        if match.url_name == "channel_link":
            origins = frame_ancestors_for(link_code=match.kwargs.get("code", ""))
        elif match.kwargs.get("slug"):
            origins = frame_ancestors_for(slug=match.kwargs["slug"])
        else:
            return response
        if origins:
            # django-csp (the next middleware out) writes it into the page's one policy.
            response._csp_replace = {"frame-ancestors": ["'self'", *origins]}  # type: ignore[attr-defined]
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
