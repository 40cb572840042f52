"""Integrations in Debian's Chromium: an admin adds a webhook endpoint, copies its secret,
sends a test event, finds it in the delivery log and redelivers it.

The endpoint is the reference receiver on loopback (verifying with the
`standardwebhooks` library); axe-core runs on each page. Screenshots go to
var/screenshots/integrations/.
"""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from standardwebhooks import Webhook

from surveys.integrations.receiver import serve
from surveys.models import WebhookDelivery, WebhookEndpoint
from tests.browser.helpers import assert_accessible, press, sign_in_verified
from tests.factories import OrganizationFactory, member, published_notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "integrations"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def receiver():
    server = serve(host="127.0.0.1", port=0, secrets=["whsec_" + "A" * 32])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_admin_adds_an_endpoint_sends_a_test_event_and_redelivers_it(
    page: Page, live_server, receiver
):
    org = OrganizationFactory()
    published_notice(org)
    admin = member(org, "admin")
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_verified(page, base, admin)

    page.goto(f"{base}/studio/{org.slug}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", name="Integrations", exact=True)).to_be_visible()
    assert_accessible(page, "integrations")

    url = f"http://127.0.0.1:{receiver.server_address[1]}/hooks"
    page.get_by_label("URL").fill(url)
    page.get_by_label("Description").fill("Acme CRM")
    page.get_by_role("checkbox", name="consent.withdrawn").check()
    page.get_by_role("checkbox", name="respondent.erased").check()
    with page.expect_navigation():
        press(page.get_by_role("button", name="Add endpoint"), "Enter")
    expect(page.get_by_role("heading", name="Acme CRM")).to_be_visible()
    secret = page.get_by_label("Signing secret").input_value()
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret and secret.startswith("whsec_")
    receiver.webhooks[:] = [Webhook(secret)]
    assert_accessible(page, "new endpoint")
    shot(page, "01-endpoint-created")

    with page.expect_navigation():
        press(page.get_by_role("button", name="Send test event"), "Enter")
    expect(page.get_by_text("A test event was sent")).to_be_visible()
    delivery = WebhookDelivery.objects.get()
    log = page.get_by_role("table", name="Deliveries to this endpoint, newest first")
    row = log.get_by_role("row").filter(has_text=delivery.event.public_id)
    expect(row).to_contain_text("webhook.test")
    expect(row).to_contain_text("Delivered")
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")  # attempts
    expect(row).to_contain_text("204")
    shot(page, "02-test-event-delivered")
    assert [(r.id, r.verified) for r in receiver.received] == [(delivery.event.public_id, True)]

    with page.expect_navigation():
        press(row.get_by_role("button", name=f"Redeliver {delivery.event.public_id}"), "Enter")
    expect(page.get_by_text("is being sent again, with the same id")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=delivery.event.public_id)
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    assert_accessible(page, "delivery log")
    shot(page, "03-redelivered")
    assert [(r.id, r.verified) for r in receiver.received] == [
        (delivery.event.public_id, True),
        (delivery.event.public_id, True),
    ]
