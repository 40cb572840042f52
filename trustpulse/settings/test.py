"""Test settings: fast hashing, eager Celery unless a test asks for a worker."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
RESPONDENT_ID_HMAC_KEY = "test-hmac-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": STORAGES["exports"],
}
# Throttling is exercised by its own tests through override_settings.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process: the respondent flow's lookups need no local-memory expiry (flow_cache).
FLOW_CACHE_LOCAL_SECONDS = 3600.0
# Consent counters on their rows (their Redis path has its own tests).
CONSENT_COUNTERS_IN_REDIS = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
# Sign-in lockout as in production (SIGNIN_FAILURE_LIMIT wrong passwords per
# username and per address): failures are database rows, rolled back or flushed
# with each test, so a test only meets a lockout it provokes.
# Development receivers listen on loopback over plain HTTP.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=True)
# The benchmark floor's app, so its tests have its table (the endpoint stays off).
if "bench.floor" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "bench.floor"]  # noqa: F405
