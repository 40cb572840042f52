"""Sign-in protection in Debian's Chromium: a recovery code instead of the app's code,
and the lockout page after too many wrong passwords (axe-core on both pages).
"""

import re
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from surveys.accounts.selectors import recovery_codes_remaining
from surveys.accounts.services.recovery import recovery_codes_issue
from surveys.accounts.services.totp import totp_device_confirm, totp_device_start
from surveys.models import AuditEvent
from tests.browser.helpers import assert_accessible, press
from tests.factories import OrganizationFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-passphrase"


def fill_sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # Wait for the form's answer: a goto while it is pending would abort it.
    with page.expect_navigation():
        press(page.get_by_role("button", name="Sign in"), "Enter")


def test_a_recovery_code_signs_in_and_too_many_wrong_passwords_lock(
    page: Page, live_server, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    analyst = member(OrganizationFactory(), "analyst")
    analyst.set_password(PASSWORD)
    analyst.save()
    device = totp_device_start(user=analyst)
    totp_device_confirm(device=device, code=pyotp.TOTP(device.secret).now())
    codes = recovery_codes_issue(user=analyst)
    base = live_server.url

    fill_sign_in(page, base, analyst.username, PASSWORD)
    expect(page.get_by_role("heading", name="Lost your authenticator?")).to_be_visible()
    assert_accessible(page, "two-factor code with the recovery form")
    page.get_by_label("Recovery code").fill(codes[0].lower())
    press(page.get_by_role("button", name="Use a recovery code"), "Enter")
    page.wait_for_url(re.compile(r"/studio/"))
    assert recovery_codes_remaining(analyst) == 9

    page.context.clear_cookies()
    for attempt in range(3):
        fill_sign_in(page, base, analyst.username, f"wrong-{attempt}")
    expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Signing in failed 3 times in a row")
    expect(page.get_by_text("Try again in 15 minutes.")).to_be_visible()
    assert_accessible(page, "sign-in locked")
    fill_sign_in(page, base, analyst.username, PASSWORD)
    expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()
    assert AuditEvent.objects.filter(action="account.locked_out").count() == 1
