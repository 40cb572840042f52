"""Deployment check: contact emails should have keys of their own."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def contact_email_keys(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if any(k.strip() for k in settings.CONTACT_EMAIL_KEYS):
        return []
    return [
        Warning(
            "CONTACT_EMAIL_KEYS is not set: contact emails are encrypted under a key "
            "derived from SECRET_KEY, and changing SECRET_KEY makes them unreadable.",
            hint="Set CONTACT_EMAIL_KEYS to one or more Fernet keys (docs/TOUCHPOINTS.md).",
            id="touchpoints.W001",
        )
    ]
