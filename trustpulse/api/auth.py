"""API authentication: an organization API key in `Authorization: Bearer tp_…`."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from surveys.accounts.services.accounts import api_key_authenticate


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):  # type: ignore[no-untyped-def]
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <api key>'.")
        key = api_key_authenticate(parts[1])
        if key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        return (ApiKeyUser(key), key)

    def authenticate_header(self, request):  # type: ignore[no-untyped-def]
        return self.keyword


class TwoFactorSessionAuthentication(authentication.SessionAuthentication):
    """The browser session, held to the studio's two-factor rule.

    A signed-in member who owes a code (an admin without a verified session,
    or anyone with an authenticator who has not entered it) gets 403
    ``two_factor_required`` from every API endpoint, as the studio would send
    them to verify first.
    """

    def authenticate(self, request):  # type: ignore[no-untyped-def]
        result = super().authenticate(request)
        if result is None:
            return None
        from surveys.two_factor import pending_step

        step = pending_step(request._request)
        if step is not None:
            raise TwoFactorRequired(
                f"Two-factor verification is required for this session: complete it at {step} "
                "(or use an organization API key)."
            )
        return result


class TwoFactorRequired(exceptions.PermissionDenied):
    default_code = "two_factor_required"


class ApiKeyUser:
    """Stands for an API key where DRF expects a user."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, key):  # type: ignore[no-untyped-def]
        self.api_key = key
        self.pk = None
        self.id = None

    def get_username(self) -> str:
        return f"api-key:{self.api_key.prefix}"

    def __str__(self) -> str:
        return self.get_username()


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "trustpulse.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organization API key: `Authorization: Bearer tp_…`.",
        }


class TwoFactorSessionScheme(OpenApiAuthenticationExtension):
    target_class = "trustpulse.api.auth.TwoFactorSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "A studio session (two-factor passed where the member owes a code).",
        }
