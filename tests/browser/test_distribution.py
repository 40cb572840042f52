"""Distribution and team pages in Debian's Chromium: an admin signs in with two-factor,
makes a QR channel link, looks at its QR code, and a respondent arrives through it.

axe-core runs on every new page: no serious or critical violation. Screenshots go
to var/screenshots/team/.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import Page, expect

from surveys.models import ChannelLink, ConsentRecord, Response, TotpDevice
from tests.browser.helpers import assert_accessible, press, sign_in_verified, wait_until
from tests.factories import OrganizationFactory, live_survey, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "team"
PASSWORD = "a-long-test-passphrase"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_admin_signs_in_with_two_factor_and_distributes_through_a_qr_link(
    page: Page, live_server, settings
):
    settings.SITE_URL = live_server.url
    org = OrganizationFactory()
    survey = live_survey(org)
    admin = member(org, "admin")
    admin.set_password(PASSWORD)
    admin.save()
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # Sign in: an admin without an authenticator is asked to set one up first.
    page.goto(f"{base}/accounts/login/")
    assert_accessible(page, "sign-in")
    page.get_by_label("Username").fill(admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    press(page.get_by_role("button", name="Sign in"), "Enter")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    assert_accessible(page, "two-factor setup")
    shot(page, "01-two-factor-setup")
    secret = page.locator(".totp-secret").inner_text()
    assert secret == TotpDevice.objects.get(user=admin).secret
    page.get_by_label("Enter the 6-digit code the app shows").fill(pyotp.TOTP(secret).now())
    press(page.get_by_role("button", name="Turn on two-factor"), "Enter")
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    press(page.get_by_role("link", name="I have saved them: continue"), "Enter")
    expect(page.get_by_role("heading", name="Surveys")).to_be_visible()

    # Distribute: make a QR link by keyboard.
    page.get_by_role("link", name="Distribute").click()
    expect(page.get_by_role("heading", name="Distribute", exact=True)).to_be_visible()
    assert_accessible(page, "distribute index")
    page.get_by_role("link", name=re.compile("^Links and embed")).click()
    assert_accessible(page, "survey distribution (empty)")
    page.get_by_label("Name", exact=True).fill("Store poster")
    page.get_by_label("Channel", exact=True).select_option("qr")
    press(page.get_by_role("button", name="Create link"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Link “Store poster” created.")
    link = ChannelLink.objects.get()
    row = page.locator(f"#link-{link.pk}")
    expect(row).to_contain_text(f"{base}/l/{link.code}/")
    row.get_by_text("Show").click()
    qr = row.get_by_role("img", name="QR code of the link Store poster")
    expect(qr).to_be_visible()
    wait_until(page, "img => img.complete && img.naturalWidth > 0", qr.element_handle())
    assert_accessible(page, "survey distribution with a link and its QR code")
    shot(page, "02-channel-link-and-qr")
    qr.screenshot(path=str(SHOTS / "03-qr-code.png"))

    # The invitations, team, API keys and settings pages.
    page.get_by_role("link", name="Email invitations").first.click()
    expect(page.get_by_role("heading", name=re.compile("^Email invitations to"))).to_be_visible()
    assert_accessible(page, "invitations")
    shot(page, "04-invitations")
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    assert_accessible(page, "team")
    shot(page, "05-team")
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("CRM")
    page.get_by_role("checkbox", name="events:write").check()
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("heading", name="Your new key")).to_be_visible()
    assert_accessible(page, "API keys")
    shot(page, "06-api-keys")
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Organization settings")).to_be_visible()
    assert_accessible(page, "settings")
    shot(page, "07-settings")

    # A respondent scans the QR code: the link opens the survey and records its channel.
    page.goto(f"{base}/l/{link.code}/")
    expect(page).to_have_url(re.compile(rf"/s/{survey.slug}/\?channel=qr$"))
    press(page.get_by_role("checkbox", name=re.compile("^I agree")))
    press(page.get_by_role("button", name="Agree and start"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/"))
    response = Response.objects.get()
    assert (response.channel, response.channel_link_id) == ("qr", link.pk)


def test_account_pages_are_accessible(page: Page, live_server):
    org = OrganizationFactory()
    base = live_server.url
    page.goto(f"{base}/accounts/password/reset/")
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page, "password reset")
    analyst = member(org, "analyst")
    sign_in_verified(page, base, analyst)
    page.goto(f"{base}/accounts/2fa/")
    expect(page.get_by_text("Protect your account with a code")).to_be_visible()
    assert_accessible(page, "two-factor opt-in")
    page.goto(f"{base}/u/not-a-token/")
    assert_accessible(page, "unsubscribe (bad link)")


def _serve(html: str):
    """Another site: a one-page HTTP server on 127.0.0.1 (a real local address, since
    Chromium refuses frames from a public page into a local one)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_embed_grows_to_the_survey_and_only_allowed_sites_may_frame_it(
    page: Page, live_server, settings
):
    settings.SITE_URL = live_server.url
    org = OrganizationFactory()
    survey = live_survey(org)
    link = ChannelLink.objects.create(survey=survey, channel="in_app", label="App", code="embedme")
    base = live_server.url
    snippet = (
        f'<iframe src="{base}/l/{link.code}/" title="Survey" '
        'style="width:100%;border:0;min-height:480px" data-trustpulse-embed></iframe>'
        f'<script src="{base}/static/js/embed.js"></script>'
    )
    server = _serve(
        f"<!doctype html><html lang=en><title>Shop</title><h1>Shop</h1>{snippet}</html>"
    )
    shop = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        # Not on the allow-list: the browser refuses to show the survey in the frame.
        page.goto(f"{shop}/")
        page.wait_for_timeout(1500)
        frame = page.frame_locator("iframe[data-trustpulse-embed]")
        expect(frame.get_by_role("button", name="Agree and start")).to_have_count(0)

        # Allowed: the survey shows and the frame grows to its height.
        org.frame_ancestors = [shop]
        org.save(update_fields=["frame_ancestors"])
        page.goto(f"{shop}/")
        expect(frame.get_by_role("button", name="Agree and start")).to_be_attached()
        iframe = page.locator("iframe[data-trustpulse-embed]")
        wait_until(page, "el => el.getBoundingClientRect().height > 600", iframe.element_handle())
        # It settles (no feedback between the frame's height and its page's).
        height = iframe.evaluate("el => el.getBoundingClientRect().height")
        page.wait_for_timeout(1000)
        assert iframe.evaluate("el => el.getBoundingClientRect().height") == height
        assert 600 < height < 6000
        shot(page, "08-embedded-survey")

        # The shop (127.0.0.1) and the platform (localhost) are different sites:
        # the frame is third-party, and the respondent still consents and answers.
        assert urlsplit(shop).hostname != urlsplit(base).hostname
        frame.get_by_role(
            "checkbox", name="I agree: Understand what customers think about privacy"
        ).check()
        frame.get_by_role("button", name="Agree and start").click()
        expect(frame.get_by_role("button", name=re.compile("Next|Submit"))).to_be_visible()
        assert Response.objects.filter(survey=survey, channel="in_app").count() == 1
        assert ConsentRecord.objects.filter(response__survey=survey).count() == 1
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / "09-embedded-survey-answering.png"))
    finally:
        server.shutdown()
