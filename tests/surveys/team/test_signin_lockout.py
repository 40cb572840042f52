"""Sign-in lockout (django-axes): by account and by client address, on every sign-in form."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import override_settings

from surveys.models import AuditEvent
from surveys.signin import client_ip
from tests.factories import UserFactory, member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-passphrase"
LOCKED = "Signing in failed 20 times in a row"


@pytest.fixture
def alice(org):
    user = member(org, "author")
    user.username = "alice"
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password, *, address="203.0.113.5", path="/accounts/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_twenty_wrong_passwords_lock_the_account_even_for_the_right_one(client, alice):
    for attempt in range(1, 20):
        res = sign_in(client, "alice", f"wrong-{attempt}")
        assert res.status_code == 200, attempt
        assert "Please enter a correct username and password" in res.content.decode()
    res = sign_in(client, "alice", "wrong-20")
    assert res.status_code == 429
    assert LOCKED in res.content.decode()
    assert "Try again in 30 minutes" in res.content.decode()
    assert res["Retry-After"] == "1800"
    right = sign_in(client, "alice", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "alice",
        "203.0.113.5",
        20,
    )
    assert "wrong-" not in attempt.post_data
    assert PASSWORD not in attempt.post_data
    events = AuditEvent.objects.filter(action="account.locked_out")
    assert [(e.target_id, e.data) for e in events] == [
        (str(alice.pk), {"failures": 20, "minutes": 30, "path": "/accounts/login/"})
    ]
    # The lockout ends after its time (attempts made while locked do not extend it).
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31)
    )
    assert sign_in(client, "alice", PASSWORD)["Location"] == "/studio/"


def test_the_account_is_locked_from_every_address(client, alice):
    for attempt in range(20):
        sign_in(client, "alice", "wrong", address=f"198.51.100.{attempt}")
    res = sign_in(client, "alice", PASSWORD, address="192.0.2.99")
    assert res.status_code == 429


def test_the_address_is_locked_for_every_account(client, org, alice):
    for attempt in range(20):
        sign_in(client, f"guess-{attempt}", "wrong", address="203.0.113.66")
    assert sign_in(client, "alice", PASSWORD, address="203.0.113.66").status_code == 429
    # Another address is not affected, and no audit event names a made-up username.
    assert sign_in(client, "alice", PASSWORD, address="203.0.113.67")["Location"] == "/studio/"
    assert AuditEvent.objects.filter(action="account.locked_out").count() == 0


def test_a_success_before_the_limit_starts_the_count_again(client, alice):
    for _ in range(19):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(19):
        assert sign_in(client, "alice", "wrong").status_code == 200
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_the_django_admin_sign_in_is_locked_too(client, alice):
    alice.is_staff = True
    alice.save()
    for _ in range(19):
        assert sign_in(client, "alice", "wrong", path="/admin/login/").status_code == 200
    res = sign_in(client, "alice", "wrong", path="/admin/login/")
    assert res.status_code == 429
    assert LOCKED in res.content.decode()
    assert sign_in(client, "alice", PASSWORD, path="/admin/login/").status_code == 429
    # The lock is the account's: the studio's form refuses it as well.
    assert sign_in(client, "alice", PASSWORD).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=5))
def test_the_limit_and_the_time_are_settings(client, alice):
    assert sign_in(client, "alice", "wrong").status_code == 200
    assert sign_in(client, "alice", "wrong").status_code == 200
    res = sign_in(client, "alice", "wrong")
    assert res.status_code == 429
    body = res.content.decode()
    assert "Signing in failed 3 times in a row" in body
    assert "Try again in 5 minutes" in body


def test_the_command_unlocks_and_audits(client, alice):
    for _ in range(20):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    call_command("signin_unlock", "--username", "alice")
    assert AccessAttempt.objects.count() == 0
    assert sign_in(client, "alice", PASSWORD)["Location"] == "/studio/"
    event = AuditEvent.objects.get(action="account.unlocked")
    assert (event.target_id, event.data) == (str(alice.pk), {"by": "", "via": "command"})


def test_a_superuser_unlocks_in_the_admin_and_staff_cannot(client, org, alice):
    for _ in range(20):
        sign_in(client, "alice", "wrong", address="203.0.113.8")
    attempt = AccessAttempt.objects.get()
    staff = member(org, "admin")
    staff.is_staff = True
    staff.save()
    login_verified(client, staff)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    operator = UserFactory(is_staff=True, is_superuser=True, username="operator")
    client.force_login(operator)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert [a.username for a in page.context["cl"].result_list] == ["alice"]
    res = client.post(
        "/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [attempt.pk]}
    )
    assert res.status_code == 302
    assert AccessAttempt.objects.count() == 0
    event = AuditEvent.objects.get(action="account.unlocked")
    assert event.data == {"by": "operator", "via": "admin"}
    client.logout()
    assert sign_in(client, "alice", PASSWORD, address="203.0.113.8")["Location"] == "/studio/"


def test_the_client_address_behind_trusted_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.SIGNIN_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.SIGNIN_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"
    settings.SIGNIN_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.SIGNIN_PROXY_COUNT = 3  # fewer hops than proxies: the header is not trusted
    assert client_ip(request) == "10.0.0.2"


def test_a_superuser_cleans_up_expired_attempts(client, alice):
    for address in ("203.0.113.20", "203.0.113.21"):
        sign_in(client, "alice", "wrong", address=address)
    old = AccessAttempt.objects.get(ip_address="203.0.113.20")
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=old.attempt_time - timedelta(minutes=31)
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    res = client.post(
        "/admin/axes/accessattempt/",
        {"action": "cleanup_expired_attempts", "_selected_action": [old.pk]},
    )
    assert res.status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.21"]
