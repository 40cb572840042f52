"""Members' two-factor authentication (TOTP, RFC 6238) and account audit entries.

Account changes (two-factor on or off, a password reset) are written to the
audit log of every organization the member belongs to.
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from trustpulse.validation import FieldError, ServiceValidationError

from ...enums import AuditAction
from ...models import Membership, RecoveryCode, TotpDevice, User
from ...services.audit import audit_log


def _audit_account(user: User, action: AuditAction, data: dict[str, Any] | None = None) -> None:
    for membership in Membership.objects.filter(user=user).select_related("organization"):
        audit_log(
            organization=membership.organization, action=action, actor=user, target=user, data=data
        )


@transaction.atomic
def totp_device_start(*, user: User, renew: bool = False) -> TotpDevice:
    """The device being set up for `user`: the unconfirmed one (or a new one); a confirmed
    device is returned as it is. `renew` gives an unconfirmed device a new secret.
    """
    import pyotp

    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and (device.is_confirmed or not renew):
        return device
    if device is None:
        device = TotpDevice(user=user)
    device.secret = pyotp.random_base32(32)
    device.last_step = 0
    device.save()
    return device


def totp_provisioning_uri(device: TotpDevice) -> str:
    import pyotp

    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.get_username(), issuer_name="TrustPulse"
    )


def _accept(device: TotpDevice, code: str, *, now: Any = None) -> bool:
    import pyotp

    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(device.secret)
    moment = now or timezone.now()
    window = settings.TWO_FACTOR_VALID_WINDOW
    step = int(moment.timestamp()) // totp.interval
    for offset in range(-window, window + 1):
        candidate = step + offset
        if candidate <= device.last_step:
            continue
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            # Conditional update: a code is used once even under concurrent posts.
            used = TotpDevice.objects.filter(pk=device.pk, last_step__lt=candidate).update(
                last_step=candidate
            )
            device.last_step = candidate
            return used == 1
    return False


@transaction.atomic
def totp_device_confirm(*, device: TotpDevice, code: str, now: Any = None) -> TotpDevice:
    """Confirm a new device with a code from the app; two-factor is then on for the account."""
    if device.is_confirmed:
        return device
    if not _accept(device, code, now=now):
        raise ServiceValidationError(
            [
                FieldError(
                    field="code",
                    code="invalid",
                    message=gettext("That code is not right: try the current one."),
                )
            ]
        )
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    _audit_account(device.user, AuditAction.TWO_FACTOR_ENABLED)
    return device


def totp_verify(*, device: TotpDevice, code: str, now: Any = None) -> bool:
    """Whether `code` is a current, unused code of a confirmed device."""
    return device.is_confirmed and _accept(device, code, now=now)


@transaction.atomic
def totp_device_remove(*, user: User, actor: User | None = None) -> bool:
    """Turn two-factor off for `user` (an admin must set it up again before the studio)."""
    deleted, _ = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).delete()
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if deleted:
        _audit_account(
            user, AuditAction.TWO_FACTOR_DISABLED, {"by_self": actor is None or actor.pk == user.pk}
        )
    return bool(deleted)


def password_reset_logged(*, user: User) -> None:
    """Record a completed password reset in the member's organizations."""
    _audit_account(user, AuditAction.PASSWORD_RESET)
