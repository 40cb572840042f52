"""Touchpoint writes: follow-ups (authoring), deliveries and rewards, contact
emails, privacy reports."""

from .contact import contact_email_give, contact_emails_purge, email_purposes, purposes_withdrawn
from .deliveries import (
    condition_context,
    deliveries_prepare,
    deliveries_send,
    deliveries_sweep,
    delivery_send,
    reward_issue,
    reward_link,
    unsubscribe_token,
    unsubscribe_withdraw,
)
from .followups import follow_up_save, reward_codes_upload

__all__ = [
    "condition_context",
    "contact_email_give",
    "contact_emails_purge",
    "deliveries_prepare",
    "deliveries_send",
    "deliveries_sweep",
    "delivery_send",
    "email_purposes",
    "follow_up_save",
    "purposes_withdrawn",
    "reward_codes_upload",
    "reward_issue",
    "reward_link",
    "unsubscribe_token",
    "unsubscribe_withdraw",
]
