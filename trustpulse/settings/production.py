"""Production: secrets and hosts must come from the environment.

Importing this module without SECRET_KEY or ALLOWED_HOSTS raises
ImproperlyConfigured, so a misconfigured process never starts.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False


def _required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return value


SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = [h for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
RESPONDENT_ID_HMAC_KEY = _required("RESPONDENT_ID_HMAC_KEY")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers probe each web process directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
WEBHOOK_ALLOW_LOOPBACK = False  # production never sends to its own network
