import pytest

from surveys.accounts.services.accounts import (
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
    membership_set,
)
from surveys.enums import Role
from surveys.models import ApiKey, AuditEvent
from tests.factories import UserFactory
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db


def test_api_key_is_shown_once_and_stored_hashed(org):
    key, plaintext = api_key_create(organization=org, name="kiosk", scopes=["responses:write"])
    assert plaintext.startswith(f"tp_{key.prefix}_")
    stored = ApiKey.objects.get(pk=key.pk)
    assert plaintext not in (stored.key_hash, stored.prefix, stored.name)
    assert api_key_authenticate(plaintext) == key
    assert api_key_authenticate(plaintext + "x") is None
    assert api_key_authenticate("nonsense") is None
    api_key_revoke(key=key)
    assert api_key_authenticate(plaintext) is None
    assert list(
        AuditEvent.objects.exclude(action="notice.published")
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "api_key.created",
        "api_key.revoked",
    ]


def test_api_key_scopes_are_checked(org):
    with pytest.raises(ServiceValidationError) as err:
        api_key_create(organization=org, name=" ", scopes=["root"])
    assert [e.field for e in err.value.errors] == ["name", "scopes"]
    assert ApiKey.objects.count() == 0


def test_role_change_is_audited(org):
    user = UserFactory()
    membership_set(organization=org, user=user, role=Role.ANALYST)
    membership_set(organization=org, user=user, role=Role.RESEARCHER)
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert (event.action, event.data) == (
        "membership.role_changed",
        {"from": "analyst", "to": "researcher"},
    )
