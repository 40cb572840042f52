"""The studio shell: sign-in, organization scoping, role checks and navigation."""

import pytest
from django.core.exceptions import PermissionDenied

from surveys.enums import Role
from surveys.models import Membership
from tests.fixtures import login_verified
from trustpulse import studio as shell
from trustpulse.studio import NavEntry, nav_register, studio_view

pytestmark = pytest.mark.django_db


def test_studio_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/studio/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/studio/"


def test_signing_in_lands_a_single_membership_on_its_organization(client, org, users):
    users["analyst"].set_password("a-long-test-passphrase")
    users["analyst"].save()
    response = client.post(
        "/accounts/login/",
        {"username": users["analyst"].username, "password": "a-long-test-passphrase"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/studio/"
    response = client.get("/studio/")
    assert response["Location"] == f"/studio/{org.slug}/"


def test_a_wrong_password_is_refused_on_the_page(client, users):
    response = client.post(
        "/accounts/login/", {"username": users["admin"].username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_the_organization_page_lists_its_surveys(client, org, survey, users):
    client.force_login(users["author"])
    response = client.get(f"/studio/{org.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/s/{survey.slug}/" in body
    assert response["Cache-Control"] == "private, no-store"
    assert [link.key for link in response.context["studio"].nav][0] == "surveys"


def test_another_organization_answers_404(client, org, other_org, users):
    client.force_login(users["admin"])
    assert client.get(f"/studio/{other_org.slug}/").status_code == 404


def test_a_member_of_several_organizations_picks_one(client, org, other_org, users):
    Membership.objects.create(user=users["admin"], organization=other_org, role=Role.ANALYST)
    client.force_login(users["admin"])
    response = client.get("/studio/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/studio/{org.slug}/"' in body
    assert f'href="/studio/{other_org.slug}/"' in body


def test_a_role_outside_the_view_roles_gets_403(rf, org, users):
    @studio_view(roles={Role.ADMIN})
    def admin_only(request, studio):  # pragma: no cover - never reached
        raise AssertionError

    request = rf.get("/")
    request.user = users["researcher"]
    with pytest.raises(PermissionDenied):
        admin_only(request, org=org.slug)


def test_nav_lists_only_entries_the_role_may_open(client, org, users):
    nav_register(
        NavEntry(
            key="zz-admins",
            label="Admins only",
            url_name="studio:org",
            roles=frozenset({Role.ADMIN}),
            order=999,
        )
    )
    try:
        client.force_login(users["analyst"])
        keys = [n.key for n in client.get(f"/studio/{org.slug}/").context["studio"].nav]
        assert "zz-admins" not in keys
        login_verified(client, users["admin"])
        keys = [n.key for n in client.get(f"/studio/{org.slug}/").context["studio"].nav]
        assert "zz-admins" in keys
    finally:
        shell._NAV.pop("zz-admins")


def test_the_surveys_address_leads_to_the_survey_list(client, org, users):
    client.force_login(users["author"])
    response = client.get(f"/studio/{org.slug}/surveys/")
    assert (response.status_code, response["Location"]) == (302, f"/studio/{org.slug}/")
