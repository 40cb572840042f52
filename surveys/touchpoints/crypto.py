"""Contact emails at rest: Fernet (AES-128-CBC + HMAC-SHA256) under MultiFernet.

Keys come from ``CONTACT_EMAIL_KEYS`` (newest first: it encrypts, all of them
decrypt, so keys rotate without a migration). Without keys (development and
and tests; `check --deploy` warns in production) one is derived from SECRET_KEY.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.CONTACT_EMAIL_KEYS if k.strip()]
    if not keys:
        digest = hashlib.sha256(b"contact-email:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(address: str) -> str:
    return _fernet().encrypt(address.encode()).decode()


def decrypt(ciphertext: str) -> str | None:
    """The address, or None when no configured key opens it (a retired key)."""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return None
