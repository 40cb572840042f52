"""Studio pages and API of the webhooks: admins only, secret shown once, audited, portal."""

import pytest
from standardwebhooks import Webhook

from surveys.consent.services.rights import consent_withdraw, portal_token_issue
from surveys.models import AuditEvent, WebhookDelivery, WebhookEndpoint
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, live_survey
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


def test_studio_admin_adds_endpoint_sees_secret_once_tests_and_redelivers(
    client, org, users, receiver_factory, django_capture_on_commit_callbacks
):
    login_verified(client, users["admin"])
    base = f"/studio/{org.slug}/integrations/"
    page = client.get(base)
    assert page.status_code == 200
    assert "No endpoints yet" in page.content.decode()
    receiver = receiver_factory()
    created = client.post(
        base,
        {"url": receiver.url, "description": "CRM", "event_types": ["consent.withdrawn"]},
    )
    assert created.status_code == 201
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in created.content.decode()
    receiver.server.webhooks[:] = [Webhook(endpoint.secret)]
    detail = f"{base}{endpoint.pk}/"
    assert endpoint.secret not in client.get(detail).content.decode()  # shown once

    with django_capture_on_commit_callbacks(execute=True):
        res = client.post(f"{detail}test/")
    assert res.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded"
    log = client.get(detail).content.decode()
    assert "webhook.test" in log and delivery.event.public_id in log
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{detail}deliveries/{delivery.pk}/redeliver/")
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert [r.id for r in receiver.received] == [delivery.event.public_id] * 2
    assert all(r.verified for r in receiver.received)

    rotated = client.post(f"{detail}rotate-secret/")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode()
    assert endpoint.previous_secret and endpoint.previous_secret_expires_at
    client.post(detail, {"url": receiver.url, "event_types": ["consent.given"]})  # turns it off
    endpoint.refresh_from_db()
    assert (endpoint.event_types, endpoint.enabled) == (["consent.given"], False)
    client.post(f"{detail}delete/")
    assert WebhookEndpoint.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(action__startswith="webhook.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "webhook.created",
        "webhook.redelivered",
        "webhook.secret_rotated",
        "webhook.updated",
        "webhook.deleted",
    ]


def test_studio_refuses_a_private_url_with_a_field_error(client, org, users):
    login_verified(client, users["admin"])
    res = client.post(
        f"/studio/{org.slug}/integrations/",
        {"url": "https://10.0.0.8/hook", "event_types": ["consent.withdrawn"]},
    )
    assert res.status_code == 400
    assert "private address" in res.content.decode()
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize("role", ["author", "analyst", "researcher"])
def test_only_admins_open_the_integrations_pages(client, org, users, role):
    login_verified(client, users[role])
    assert client.get(f"/studio/{org.slug}/integrations/").status_code == 403


def test_navigation_lists_integrations_for_admins(client, org, users):
    login_verified(client, users["admin"])
    assert (
        f'href="/studio/{org.slug}/integrations/"'
        in client.get(f"/studio/{org.slug}/").content.decode()
    )


def test_api_creates_lists_and_logs(client, org, users, other_org):
    login_verified(client, users["admin"])
    base = f"/api/v1/organizations/{org.pk}/webhooks/"
    res = client.post(
        base,
        {"url": "http://127.0.0.1:9/in", "event_types": ["consent.withdrawn", "consent.given"]},
        content_type="application/json",
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["secret"].startswith("whsec_")
    assert body["event_types"] == ["consent.given", "consent.withdrawn"]
    listed = client.get(base).json()
    assert [e["id"] for e in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]
    test = client.post(f"{base}{body['id']}/test/")
    assert test.status_code == 202
    assert test.json()["event_type"] == "webhook.test"
    log = client.get(f"{base}{body['id']}/deliveries/").json()["results"]
    assert [d["event_type"] for d in log] == ["webhook.test"]
    bad = client.patch(
        f"{base}{body['id']}/", {"url": "https://169.254.169.254/"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "url"
    assert client.get(f"/api/v1/organizations/{other_org.pk}/webhooks/").status_code == 404


def test_api_is_for_admins_only(client, org, users):
    login_verified(client, users["author"])
    assert client.get(f"/api/v1/organizations/{org.pk}/webhooks/").status_code == 403


def test_portal_says_which_systems_were_told_of_the_withdrawal(
    client, org, receiver_factory, django_capture_on_commit_callbacks
):
    from surveys.integrations import services as webhooks

    survey = live_survey(org)
    receiver = receiver_factory()
    endpoint, secret = webhooks.endpoint_create(
        organization=org,
        actor=None,
        url=receiver.url,
        event_types=["consent.withdrawn"],
        recipient="Acme CRM",
    )
    receiver.server.webhooks[:] = [Webhook(secret)]
    response = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    token = portal_token_issue(respondent=response.respondent)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(respondent=response.respondent)
    page = client.get(f"/me/{token}/").content.decode()
    assert "Who was told of your withdrawal" in page
    assert "Acme CRM" in page
    assert "told on" in page


def test_transparency_counts_propagated_withdrawals(org, receiver_factory):
    import datetime as dt

    from django.utils import timezone

    from surveys.integrations import services as webhooks
    from surveys.selectors.transparency import transparency_counts

    survey = live_survey(org)
    receiver = receiver_factory()
    endpoint, secret = webhooks.endpoint_create(
        organization=org, actor=None, url=receiver.url, event_types=["consent.withdrawn"]
    )
    receiver.server.webhooks[:] = [Webhook(secret)]
    for _ in range(3):
        r = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
        consent_withdraw(respondent=r.respondent)
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    for d in deliveries[:2]:
        webhooks.delivery_attempt(delivery_id=d.pk)
    now = timezone.now()
    counts = transparency_counts(
        organization=org, start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=1)
    )
    assert counts.withdrawals_propagated == 2


def test_api_keys_cannot_manage_webhooks_and_other_orgs_endpoints_are_not_found(
    client, org, users, other_org, api_key
):
    from surveys.integrations import services as webhooks

    theirs, _ = webhooks.endpoint_create(
        organization=other_org,
        actor=None,
        url="http://127.0.0.1:9/x",
        event_types=["survey.closed"],
    )
    _, plaintext = api_key
    keyed = client.get(
        f"/api/v1/organizations/{org.pk}/webhooks/", HTTP_AUTHORIZATION=f"Bearer {plaintext}"
    )
    assert keyed.status_code == 403
    login_verified(client, users["admin"])
    base = f"/api/v1/organizations/{org.pk}/webhooks/{theirs.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(f"{base}test/").status_code == 404
    assert client.delete(base).status_code == 404
    assert client.get(f"/studio/{org.slug}/integrations/{theirs.pk}/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()


def test_the_transparency_report_shows_propagated_withdrawals(org, receiver_factory):
    from django.utils import timezone

    from dashboards.reports.periods import quarter_of
    from dashboards.reports.render import report_context
    from dashboards.reports.services import report_generate
    from surveys.integrations import services as webhooks

    survey = live_survey(org)
    receiver = receiver_factory()
    endpoint, secret = webhooks.endpoint_create(
        organization=org, actor=None, url=receiver.url, event_types=["consent.withdrawn"]
    )
    receiver.server.webhooks[:] = [Webhook(secret)]
    for _ in range(10):
        r = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
        consent_withdraw(respondent=r.respondent)
    for d in WebhookDelivery.objects.all():
        webhooks.delivery_attempt(delivery_id=d.pk)
    report = report_generate(organization=org, period=quarter_of(timezone.localdate()))
    assert report.data["requests"]["withdrawals_propagated"]["n"] == 10
    headline = dict(report_context(report)["headline"])
    assert headline["Withdrawals passed on to the brand's other systems"] == "10"
