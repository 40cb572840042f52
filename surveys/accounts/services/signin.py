"""Sign-in lockouts (django-axes) in the audit log, and unlocking.

A lockout, and an unlock by an operator, are written to the audit log of every
organization the account belongs to (an unknown username has none: its
attempts are visible to superusers in the admin's "Access attempts").
"""

from django.db import transaction

from ...enums import AuditAction
from ...models import User
from .totp import _audit_account


def signin_lockout_logged(*, username: str, path: str) -> None:
    """Record that `username` (or the address it was tried from) is now locked out."""
    from django.conf import settings

    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        return
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    _audit_account(
        user,
        AuditAction.LOCKED_OUT,
        {"failures": settings.AXES_FAILURE_LIMIT, "minutes": minutes, "path": path},
    )


@transaction.atomic
def signin_unlock(
    *, username: str = "", ip_address: str = "", actor: User | None = None, via: str = ""
) -> int:
    """Clear the failed attempts of `username` and of `ip_address`; the number cleared.

    Each account whose attempts were cleared gets an ``account.unlocked`` event.
    """
    from axes.models import AccessAttempt
    from axes.utils import reset

    attempts = AccessAttempt.objects.none()
    if username:
        attempts |= AccessAttempt.objects.filter(username=username)
    if ip_address:
        attempts |= AccessAttempt.objects.filter(ip_address=ip_address)
    names = set(attempts.exclude(username=None).values_list("username", flat=True))
    cleared = 0
    if username:
        cleared += reset(username=username)
    if ip_address:
        cleared += reset(ip=ip_address)
    for user in User.objects.filter(username__in=names):
        _audit_account(
            user,
            AuditAction.UNLOCKED,
            {"by": actor.get_username() if actor else "", "via": via},
        )
    return cleared
