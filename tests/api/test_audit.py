import pytest

from surveys.accounts.services.accounts import api_key_create
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


def test_admins_read_and_filter_the_audit_log(client, org, other_org):
    admin = member(org, "admin")
    api_key_create(organization=org, name="k", scopes=["metrics:read"], actor=admin)
    login_verified(client, admin)
    body = client.get(f"/api/v1/organizations/{org.pk}/audit-events/").json()
    assert [e["action"] for e in body["results"]] == ["api_key.created", "notice.published"]
    assert body["results"][0]["actor"] == admin.username
    body = client.get(
        f"/api/v1/organizations/{org.pk}/audit-events/?action=notice.published"
    ).json()
    assert body["count"] == 1
    r = client.get(f"/api/v1/organizations/{org.pk}/audit-events/?action=x&since=soon")
    assert sorted(e["field"] for e in r.json()["errors"]) == ["action", "since"]
    assert client.get(f"/api/v1/organizations/{other_org.pk}/audit-events/").status_code == 404


@pytest.mark.parametrize("role", ["author", "analyst", "researcher"])
def test_other_roles_may_not(client, org, role):
    client.force_login(member(org, role))
    assert client.get(f"/api/v1/organizations/{org.pk}/audit-events/").status_code == 403


def test_no_write_methods(client, org):
    login_verified(client, member(org, "admin"))
    url = f"/api/v1/organizations/{org.pk}/audit-events/"
    assert client.post(url, {}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
