"""Two-factor authentication: required for admins, offered to everyone, asked at sign-in."""

from datetime import timedelta

import pyotp
import pytest
from django.utils import timezone

from surveys.accounts.services.totp import totp_device_confirm, totp_device_start, totp_verify
from surveys.models import AuditEvent, TotpDevice
from surveys.two_factor import SESSION_KEY
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-passphrase"


def code_for(device, when=None):
    return pyotp.TOTP(device.secret).at(when or timezone.now())


def with_device(user):
    device = totp_device_start(user=user)
    return totp_device_confirm(device=device, code=code_for(device))


def sign_in(client, user, next_url=""):
    user.set_password(PASSWORD)
    user.save()
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def test_an_admin_without_a_device_cannot_open_studio_pages(client, org, users):
    client.force_login(users["admin"])
    for path in (f"/studio/{org.slug}/", f"/studio/{org.slug}/team/"):
        res = client.get(path)
        assert res.status_code == 302
        assert res["Location"] == f"/accounts/2fa/?next={path.replace('/', '%2F')}"


def test_signing_in_as_an_admin_leads_to_setup_and_then_in(client, org, users):
    admin = users["admin"]
    res = sign_in(client, admin)
    assert res["Location"] == "/accounts/2fa/?next=%2Fstudio%2F"
    page = client.get("/accounts/2fa/?next=/studio/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Your role requires two-factor authentication" in body
    assert "<svg" in body
    device = TotpDevice.objects.get(user=admin)
    wrong = client.post("/accounts/2fa/", {"code": "000000", "next": "/studio/"})
    assert wrong.status_code == 400
    assert TotpDevice.objects.get(user=admin).confirmed_at is None
    ok = client.post("/accounts/2fa/", {"code": code_for(device), "next": "/studio/"})
    assert ok.status_code == 200  # the recovery codes, shown once, then on to the studio
    assert '<a class="button button-primary" href="/studio/">' in ok.content.decode()
    assert client.get(f"/studio/{org.slug}/").status_code == 200
    assert AuditEvent.objects.filter(action="account.two_factor_enabled", actor=admin).count() == 1


def test_a_member_with_a_device_gives_a_code_before_being_signed_in(client, org, users):
    analyst = users["analyst"]
    device = with_device(analyst)
    res = sign_in(client, analyst, next_url=f"/studio/{org.slug}/")
    assert res["Location"] == "/accounts/2fa/verify/"
    # Not signed in until the code is given.
    assert "_auth_user_id" not in client.session
    assert client.get(f"/studio/{org.slug}/").status_code == 302
    assert client.post("/accounts/2fa/verify/", {"code": "123456"}).status_code == 400
    later = timezone.now() + timedelta(seconds=30)
    res = client.post("/accounts/2fa/verify/", {"code": code_for(device, later)})
    assert res["Location"] == f"/studio/{org.slug}/"
    assert client.session[SESSION_KEY] == analyst.pk
    assert client.get(f"/studio/{org.slug}/").status_code == 200


def test_a_code_is_accepted_only_once(users):
    device = with_device(users["author"])
    code = code_for(device, timezone.now() + timedelta(seconds=30))
    assert totp_verify(device=device, code=code) is True
    assert totp_verify(device=device, code=code) is False


def test_codes_far_from_now_are_refused(users):
    device = with_device(users["author"])
    old = code_for(device, timezone.now() - timedelta(minutes=5))
    assert totp_verify(device=device, code=old) is False


def test_others_can_use_the_studio_without_two_factor_and_opt_in(client, org, users):
    client.force_login(users["researcher"])
    assert client.get(f"/studio/{org.slug}/").status_code == 200
    page = client.get("/accounts/2fa/")
    assert "Protect your account with a code" in page.content.decode()
    device = TotpDevice.objects.get(user=users["researcher"])
    res = client.post("/accounts/2fa/", {"code": code_for(device)})
    assert res.status_code == 200
    assert "Save your recovery codes" in res.content.decode()
    assert TotpDevice.objects.get(user=users["researcher"]).confirmed_at is not None


def test_a_device_added_elsewhere_asks_this_session_for_a_code(client, org, users):
    with_device(users["author"])
    client.force_login(users["author"])
    res = client.get(f"/studio/{org.slug}/")
    assert res["Location"].startswith("/accounts/2fa/verify/?next=")


def test_turning_it_off_sends_an_admin_back_to_setup(client, org, users):
    admin = users["admin"]
    with_device(admin)
    login_verified(client, admin)
    assert client.get(f"/studio/{org.slug}/").status_code == 200
    client.post("/accounts/2fa/", {"action": "disable"})
    assert not TotpDevice.objects.filter(user=admin).exists()
    assert client.get(f"/studio/{org.slug}/")["Location"].startswith("/accounts/2fa/?next=")
    assert AuditEvent.objects.filter(action="account.two_factor_disabled").count() == 1


def test_the_verify_page_does_not_redirect_off_site(client, users):
    device = with_device(users["analyst"])
    client.force_login(users["analyst"])
    later = timezone.now() + timedelta(seconds=30)
    res = client.post(
        "/accounts/2fa/verify/?next=https://evil.example/", {"code": code_for(device, later)}
    )
    assert res["Location"] == "/studio/"


def test_the_verified_helper_lets_admin_tests_in(client, org, users):
    login_verified(client, users["admin"])
    assert client.get(f"/studio/{org.slug}/").status_code == 200


def test_the_django_admin_asks_an_admin_for_two_factor_too(client, org, users):
    admin = users["admin"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    res = client.get("/admin/surveys/auditevent/")
    assert res["Location"] == "/accounts/2fa/?next=%2Fadmin%2Fsurveys%2Fauditevent%2F"
    login_verified(client, admin)
    assert client.get("/admin/surveys/auditevent/").status_code == 200


def test_five_wrong_codes_sign_the_session_out(client, org, users):
    analyst = users["analyst"]
    with_device(analyst)
    sign_in(client, analyst)
    for _ in range(4):
        assert client.post("/accounts/2fa/verify/", {"code": "000000"}).status_code == 400
    res = client.post("/accounts/2fa/verify/", {"code": "000000"})
    assert res["Location"] == "/accounts/login/"
    # The pending sign-in is gone: a right code no longer helps.
    assert client.get("/accounts/2fa/verify/")["Location"] == "/accounts/login/"


def test_the_api_holds_a_session_to_the_same_rule(client, org, users):
    """Session calls to the REST API: admins must have passed two-factor, like the studio."""
    admin = users["admin"]
    client.force_login(admin)  # password only
    res = client.get("/api/v1/surveys/")
    assert res.status_code == 403
    [error] = res.json()["errors"]
    assert error["code"] == "two_factor_required"
    assert "/accounts/2fa/" in error["message"]
    login_verified(client, admin)
    assert client.get("/api/v1/surveys/").status_code == 200


def test_the_api_asks_a_member_with_an_authenticator_for_the_code(client, org, users):
    author = users["author"]
    client.force_login(author)
    assert client.get("/api/v1/surveys/").status_code == 200  # no device, not required
    with_device(author)
    res = client.get("/api/v1/surveys/")
    assert res.status_code == 403
    assert "/accounts/2fa/verify/" in res.json()["errors"][0]["message"]
