"""Respondents: pseudonymous, created on a first response; keyed ids and token hashes."""

import hashlib
import hmac
import secrets

from django.conf import settings

from ...models import Organization, Respondent
from ...tokens import token_hash

__all__ = ["external_id_hmac", "new_ref", "respondent_create", "token_hash"]


def external_id_hmac(external_id: str) -> str:
    """Keyed HMAC of a brand's external respondent id; the raw id is never stored."""
    key = settings.RESPONDENT_ID_HMAC_KEY.encode() or settings.SECRET_KEY.encode()
    return hmac.new(key, external_id.encode(), hashlib.sha256).hexdigest()


def new_ref() -> str:
    return "r_" + secrets.token_hex(8)


def respondent_create(
    *,
    organization: Organization,
    external_id: str | None = None,
    external_id_digest: str | None = None,
) -> Respondent:
    """A new pseudonymous respondent (or the existing one of an external id).

    `external_id_digest` is an id already HMAC'd (a verified signed link).
    """
    if external_id or external_id_digest:
        digest = external_id_digest or external_id_hmac(external_id or "")
        respondent, _ = Respondent.objects.get_or_create(
            organization=organization,
            external_id_hmac=digest,
            defaults={"respondent_ref": new_ref()},
        )
        return respondent
    return Respondent.objects.create(organization=organization, respondent_ref=new_ref())
