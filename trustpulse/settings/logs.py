"""Logging: one console handler whose filter keeps private tokens out of the logs."""

from .env import env

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Private tokens in request paths (portal, receipts, resume) never reach the logs.
    "filters": {"redact_tokens": {"()": "trustpulse.log_filters.RedactTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO").upper()},
    # django-axes reports each failed sign-in at INFO; lockouts are in the audit log.
    "loggers": {"axes": {"level": "WARNING"}},
}
