"""API keys (organization admins) and /me/."""

import pytest
from rest_framework.test import APIClient

from surveys.enums import AuditAction
from surveys.models import ApiKey, AuditEvent

from .helpers import errors_of

pytestmark = pytest.mark.django_db


def test_create_list_revoke(as_role, org, users):
    admin = as_role("admin")
    base = f"/api/v1/organizations/{org.pk}/api-keys/"
    response = admin.post(base, {"name": "Kiosk", "scopes": ["responses:write"]}, format="json")
    assert response.status_code == 201
    created = response.json()
    plaintext = created.pop("key")
    key = ApiKey.objects.get()
    assert plaintext.startswith(f"tp_{key.prefix}_")
    assert created == {
        "id": key.pk,
        "name": "Kiosk",
        "prefix": key.prefix,
        "scopes": ["responses:write"],
        "created_at": created["created_at"],
        "created_by": users["admin"].get_username(),
        "last_used_at": None,
        "revoked_at": None,
        "is_active": True,
    }
    # The key works, and says who it is.
    keyed = APIClient()
    keyed.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    me = keyed.get("/api/v1/me/").json()
    assert me == {
        "user": None,
        "memberships": [],
        "api_key": {
            "name": "Kiosk",
            "prefix": key.prefix,
            "scopes": ["responses:write"],
            "organization": {"id": org.pk, "name": org.name, "slug": org.slug},
        },
    }
    # Listed without the secret, with its last use.
    listed = admin.get(base).json()
    assert listed["count"] == 1
    assert "key" not in listed["results"][0]
    assert listed["results"][0]["last_used_at"] is not None
    response = admin.post(f"{base}{key.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert keyed.get("/api/v1/me/").status_code == 401
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.API_KEY_CREATED, AuditAction.API_KEY_REVOKED} <= actions


def test_create_validates(as_role, org):
    response = as_role("admin").post(
        f"/api/v1/organizations/{org.pk}/api-keys/",
        {"name": "", "scopes": ["everything"], "ttl": 3},
        format="json",
    )
    assert response.status_code == 400
    assert sorted(errors_of(response)) == [
        ("name", "blank"),
        ("scopes[0]", "invalid_choice"),
        ("ttl", "unknown_field"),
    ]
    assert ApiKey.objects.count() == 0


def test_me_for_a_member(as_role, org, users):
    body = as_role("researcher").get("/api/v1/me/").json()
    assert body == {
        "user": {
            "id": users["researcher"].pk,
            "username": users["researcher"].get_username(),
            "email": users["researcher"].email,
        },
        "memberships": [
            {
                "organization": {"id": org.pk, "name": org.name, "slug": org.slug},
                "role": "researcher",
            }
        ],
        "api_key": None,
    }
