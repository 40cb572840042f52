"""Local development: DEBUG on, a fixed development secret, localhost only."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
RESPONDENT_ID_HMAC_KEY = env("RESPONDENT_ID_HMAC_KEY", default="local-hmac-key-not-secret")
# Development receivers listen on loopback over plain HTTP.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=True)
