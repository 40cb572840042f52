"""Two-factor recovery codes: one-time codes for a member who has lost their authenticator.

A set of ``TWO_FACTOR_RECOVERY_CODES`` codes is issued when two-factor is
turned on and whenever the member asks for new ones (the old set is then void).
The codes are shown once; only their SHA-256 is stored. Each code signs in
once: using it marks it spent in the same conditional update that accepts it.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ...enums import AuditAction
from ...models import RecoveryCode, User
from ..selectors import recovery_codes_remaining
from .totp import _audit_account

# Crockford's base32: no I, L, O or U; 16 characters make 80 random bits.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _normalize(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum()).translate(_READ_AS)


def _hash(code: str) -> str:
    return hashlib.sha256(_normalize(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """A new set of codes for `user` (the previous set stops working); shown once."""
    codes = [_new_code() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(c)) for c in codes)
    _audit_account(user, AuditAction.RECOVERY_CODES_ISSUED, {"count": len(codes)})
    return codes


@transaction.atomic
def recovery_code_use(*, user: User, code: str) -> bool:
    """Whether `code` is an unused recovery code of `user`; if so it is now spent."""
    if len(_normalize(code)) != CODE_LENGTH:
        return False
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if spent != 1:
        return False
    _audit_account(
        user, AuditAction.RECOVERY_CODE_USED, {"remaining": recovery_codes_remaining(user)}
    )
    return True
