"""Two-factor recovery codes: issued with two-factor, shown once, stored hashed, used once."""

import hashlib
import re
from datetime import timedelta

import pyotp
import pytest
from django.utils import timezone

from surveys.accounts.selectors import recovery_codes_remaining
from surveys.accounts.services.recovery import recovery_code_use
from surveys.models import AuditEvent, RecoveryCode, TotpDevice
from surveys.two_factor import SESSION_KEY
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-passphrase"
CODE = re.compile(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>")


def set_up_two_factor(client, user):
    """Turn two-factor on through the setup page; the codes that page shows."""
    client.force_login(user)
    client.get("/accounts/2fa/")
    device = TotpDevice.objects.get(user=user)
    page = client.post("/accounts/2fa/", {"code": pyotp.TOTP(device.secret).now()})
    assert page.status_code == 200
    return CODE.findall(page.content.decode())


def sign_in_to_code_step(client, user):
    client.logout()
    user.set_password(PASSWORD)
    user.save()
    res = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert res["Location"] == "/accounts/2fa/verify/"


def test_setting_up_two_factor_shows_ten_codes_once_and_stores_only_hashes(client, org, users):
    admin = users["admin"]
    codes = set_up_two_factor(client, admin)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(user=admin).values_list("code_hash", flat=True))
    plain = {c.replace("-", "") for c in codes}
    assert stored == {hashlib.sha256(c.encode()).hexdigest() for c in plain}
    for row in RecoveryCode.objects.filter(user=admin).values():
        assert all(c not in str(row) for c in codes + list(plain))
    # Not shown again: the two-factor page only counts them.
    page = client.get("/accounts/2fa/").content.decode()
    assert "10 unused recovery codes left." in page
    assert CODE.findall(page) == []
    event = AuditEvent.objects.get(action="account.recovery_codes_issued")
    assert (event.target_id, event.data) == (str(admin.pk), {"count": 10})


def test_a_recovery_code_signs_in_once(client, org, users):
    analyst = users["analyst"]
    codes = set_up_two_factor(client, analyst)
    sign_in_to_code_step(client, analyst)
    res = client.post("/accounts/2fa/verify/", {"recovery_code": codes[3].lower()})
    assert res["Location"] == "/studio/"
    assert client.session[SESSION_KEY] == analyst.pk
    event = AuditEvent.objects.get(action="account.recovery_code_used")
    assert (event.target_id, event.data) == (str(analyst.pk), {"remaining": 9})
    # The same code a second time: refused, and the member is not signed in.
    sign_in_to_code_step(client, analyst)
    again = client.post("/accounts/2fa/verify/", {"recovery_code": codes[3]})
    assert again.status_code == 400
    assert "That recovery code is not right, or it has been used already." in again.content.decode()
    assert "_auth_user_id" not in client.session
    # Another code (typed with spaces and a letter O for the digit 0) still works.
    spaced = " ".join(codes[4].split("-")).replace("0", "O")
    assert client.post("/accounts/2fa/verify/", {"recovery_code": spaced})["Location"] == "/studio/"
    assert recovery_codes_remaining(analyst) == 8
    assert AuditEvent.objects.filter(action="account.recovery_code_used").count() == 2


def test_new_codes_replace_the_old_ones(client, org, users):
    author = users["author"]
    old = set_up_two_factor(client, author)
    login_verified(client, author)
    page = client.post("/accounts/2fa/", {"action": "recovery_codes"})
    new = CODE.findall(page.content.decode())
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert recovery_code_use(user=author, code=old[0]) is False
    assert recovery_code_use(user=author, code=new[0]) is True
    assert recovery_code_use(user=author, code=new[0]) is False
    assert AuditEvent.objects.filter(action="account.recovery_codes_issued").count() == 2


def test_new_codes_need_a_verified_session(client, org, users):
    author = users["author"]
    set_up_two_factor(client, author)
    before = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    client.logout()
    client.force_login(author)  # signed in, but no code given in this session
    res = client.post("/accounts/2fa/", {"action": "recovery_codes"})
    assert res.status_code == 400
    assert CODE.findall(res.content.decode()) == []
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)) == before


def test_one_members_code_does_not_sign_in_another(client, org, users):
    codes = set_up_two_factor(client, users["author"])
    set_up_two_factor(client, users["analyst"])
    assert recovery_code_use(user=users["analyst"], code=codes[0]) is False
    assert recovery_code_use(user=users["author"], code=codes[0]) is True


def test_turning_two_factor_off_voids_the_codes(client, org, users):
    analyst = users["analyst"]
    codes = set_up_two_factor(client, analyst)
    client.post("/accounts/2fa/", {"action": "disable"})
    assert RecoveryCode.objects.filter(user=analyst).count() == 0
    assert recovery_code_use(user=analyst, code=codes[0]) is False


def test_wrong_recovery_codes_count_towards_the_code_limit(client, org, users):
    analyst = users["analyst"]
    set_up_two_factor(client, analyst)
    sign_in_to_code_step(client, analyst)
    for _ in range(4):
        res = client.post("/accounts/2fa/verify/", {"recovery_code": "AAAA-BBBB-CCCC-DDDD"})
        assert res.status_code == 400
    res = client.post("/accounts/2fa/verify/", {"recovery_code": "AAAA-BBBB-CCCC-DDDD"})
    assert res["Location"] == "/accounts/login/"


def test_a_totp_code_still_works_beside_the_recovery_form(client, org, users):
    analyst = users["analyst"]
    set_up_two_factor(client, analyst)
    sign_in_to_code_step(client, analyst)
    page = client.get("/accounts/2fa/verify/").content.decode()
    assert 'name="recovery_code"' in page
    device = TotpDevice.objects.get(user=analyst)
    later = pyotp.TOTP(device.secret).at(timezone.now() + timedelta(seconds=30))
    assert client.post("/accounts/2fa/verify/", {"code": later})["Location"] == "/studio/"
    assert recovery_codes_remaining(analyst) == 10
