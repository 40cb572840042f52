"""Team management: invite, join, change roles, remove; password reset; org settings; audit."""

import re

import pytest
from django.core import mail

from surveys.accounts.services.team import member_invitation_accept, member_invite, member_remove
from surveys.authoring.services.authoring import survey_new
from surveys.enums import Role
from surveys.models import AuditEvent, MemberInvitation, Membership, Organization, User
from tests.factories import published_notice
from tests.fixtures import login_verified
from trustpulse.validation import ServiceValidationError

pytestmark = pytest.mark.django_db


def test_an_admin_invites_by_email_and_the_person_creates_an_account(
    client, org, users, django_capture_on_commit_callbacks
):
    login_verified(client, users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        res = client.post(
            f"/studio/{org.slug}/team/", {"email": "new.person@example.org", "role": "analyst"}
        )
    assert res.status_code == 302
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    link = re.search(r"http://testserver(/accounts/join/\S+/)", mail.outbox[0].body).group(1)
    invitation = MemberInvitation.objects.get()
    assert invitation.token_hash not in link  # only the hash is stored
    audit = AuditEvent.objects.get(action="membership.invited")
    assert audit.data == {"role": "analyst"}
    client.logout()
    page = client.get(link)
    assert "You are invited as Analyst." in page.content.decode()
    bad = client.post(link, {"username": "", "password": "short"})
    assert bad.status_code == 400
    assert User.objects.filter(email="new.person@example.org").count() == 0
    ok = client.post(link, {"username": "newperson", "password": "a-long-test-passphrase"})
    assert ok["Location"] == f"/studio/{org.slug}/"
    user = User.objects.get(username="newperson")
    assert user.email == "new.person@example.org"
    assert Membership.objects.get(user=user).role == "analyst"
    assert AuditEvent.objects.filter(action="membership.joined", actor=user).count() == 1
    # The link works once.
    assert client.get(link).status_code == 404


def test_a_signed_in_member_of_another_org_joins_with_their_account(org, other_org):
    from tests.factories import member

    person = member(other_org, Role.AUTHOR)
    invitation, token = member_invite(organization=org, email=person.email, role=Role.AUTHOR)
    member_invitation_accept(invitation=invitation, user=person)
    assert Membership.objects.get(user=person, organization=org).role == "author"
    with pytest.raises(ServiceValidationError) as exc:
        member_invitation_accept(invitation=invitation, user=person)
    assert exc.value.errors[0].code == "expired"


def test_invitations_are_checked(org, users):
    with pytest.raises(ServiceValidationError) as exc:
        member_invite(organization=org, email="nope", role="owner")
    assert [(e.field, e.code) for e in exc.value.errors] == [
        ("email", "invalid"),
        ("role", "invalid_choice"),
    ]
    with pytest.raises(ServiceValidationError) as exc:
        member_invite(organization=org, email=users["author"].email, role="author")
    assert exc.value.errors[0].code == "already_member"
    member_invite(organization=org, email="x@example.org", role="author")
    with pytest.raises(ServiceValidationError) as exc:
        member_invite(organization=org, email="X@example.org", role="admin")
    assert exc.value.errors[0].code == "already_invited"
    assert MemberInvitation.objects.count() == 1


def test_roles_change_and_members_go_but_one_admin_always_stays(client, org, users):
    admin = users["admin"]
    login_verified(client, admin)
    author = Membership.objects.get(user=users["author"])
    client.post(f"/studio/{org.slug}/team/members/{author.pk}/role/", {"role": "admin"})
    author.refresh_from_db()
    assert author.role == "admin"
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.data == {"from": "author", "to": "admin"}
    client.post(f"/studio/{org.slug}/team/members/{author.pk}/remove/")
    assert not Membership.objects.filter(pk=author.pk).exists()
    assert AuditEvent.objects.get(action="membership.removed").data == {
        "user": users["author"].pk,
        "role": "admin",
    }
    own = Membership.objects.get(user=admin)
    res = client.post(f"/studio/{org.slug}/team/members/{own.pk}/role/", {"role": "analyst"})
    assert res.status_code == 302
    own.refresh_from_db()
    assert own.role == "admin"
    page = client.get(f"/studio/{org.slug}/team/")
    assert "The organization needs at least one admin" in page.content.decode()
    with pytest.raises(ServiceValidationError):
        member_remove(membership=own)


def test_a_member_of_another_org_is_404_on_team_actions(client, org, other_org, users):
    from tests.factories import member

    stranger = Membership.objects.get(user=member(other_org, Role.AUTHOR))
    login_verified(client, users["admin"])
    assert client.post(f"/studio/{org.slug}/team/members/{stranger.pk}/remove/").status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()


def test_password_reset_by_email_and_audited(client, org, users):
    admin = users["admin"]
    res = client.post("/accounts/password/reset/", {"email": admin.email})
    assert res["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your TrustPulse password"
    path = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form = client.get(path.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"},
    )
    assert done["Location"] == "/accounts/password/reset/done/"
    admin.refresh_from_db()
    assert admin.check_password("another-long-passphrase")
    assert AuditEvent.objects.filter(action="account.password_reset", actor=admin).count() == 1
    # An unknown address is told the same and gets nothing.
    client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1


def test_org_settings_are_validated_and_nothing_is_written_on_error(client, org, users):
    login_verified(client, users["admin"])
    url = f"/studio/{org.slug}/settings/"
    res = client.post(
        url,
        {
            "name": "Renamed",
            "timezone": "Mars/Olympus",
            "suppression_min_cell": "4",
            "default_notice": "",
            "frame_ancestors": "https://ok.example.com\njavascript:alert(1)",
        },
    )
    assert res.status_code == 400
    body = res.content.decode()
    assert "Unknown time zone." in body
    assert "A whole number from 5 to 1000" in body
    assert "is not an origin" in body
    fresh = Organization.objects.get(pk=org.pk)
    assert (fresh.name, fresh.timezone, fresh.suppression_min_cell) == (
        org.name,
        "Europe/Amsterdam",
        None,
    )


def test_org_settings_change_and_are_audited(client, org, users):
    login_verified(client, users["admin"])
    notice = published_notice(org)
    res = client.post(
        f"/studio/{org.slug}/settings/",
        {
            "name": org.name,
            "timezone": "Asia/Taipei",
            "suppression_min_cell": "12",
            "default_notice": str(notice.notice_id),
            "frame_ancestors": "https://shop.example.com/",
        },
    )
    assert res.status_code == 302
    org.refresh_from_db()
    assert (org.timezone, org.suppression_min_cell, org.min_cell) == ("Asia/Taipei", 12, 12)
    assert org.default_notice_id == notice.notice_id
    assert org.frame_ancestors == ["https://shop.example.com"]
    event = AuditEvent.objects.get(action="organization.settings_changed")
    assert event.data["changed"] == [
        "default_notice",
        "frame_ancestors",
        "suppression_min_cell",
        "timezone",
    ]
    assert event.data["timezone"] == {"from": "Europe/Amsterdam", "to": "Asia/Taipei"}
    # New surveys start with the default notice.
    survey = survey_new(organization=org, title={"en": "New"})
    assert survey.consent_notice_id == notice.notice_id


def test_api_keys_page_creates_shows_once_and_revokes(client, org, users):
    login_verified(client, users["admin"])
    url = f"/studio/{org.slug}/team/api-keys/"
    bad = client.post(url, {"name": ""})
    assert bad.status_code == 400
    assert "A name is required." in bad.content.decode()
    res = client.post(url, {"name": "CRM", "scopes": ["events:write", "surveys:read"]})
    assert res.status_code == 200
    created = res.context["created"]
    assert created.startswith("tp_") and created in res.content.decode()
    key = org.api_keys.get()
    assert key.scopes == ["events:write", "surveys:read"]
    page = client.get(url).content.decode()
    assert created not in page
    assert f"tp_{key.prefix}_…" in page and "Never" in page
    client.post(f"{url}{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert [e.action for e in AuditEvent.objects.order_by("id")][-2:] == [
        "api_key.created",
        "api_key.revoked",
    ]
