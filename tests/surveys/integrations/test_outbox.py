"""The outbox: events written with the change, signed deliveries, retries, ordering."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from surveys.enums import AuditAction, DeliveryStatus, Role
from surveys.integrations import services as webhooks
from surveys.integrations.tasks import webhooks_sweep
from surveys.models import AuditEvent, WebhookDelivery, WebhookEndpoint, WebhookEvent
from surveys.responses.services.write import response_submit
from tests.factories import (
    COMFORT_ANSWERS,
    CONSENT,
    OrganizationFactory,
    live_survey,
    member,
)

pytestmark = pytest.mark.django_db


def _endpoint(org, url, types, **kw):
    return webhooks.endpoint_create(organization=org, actor=None, url=url, event_types=types, **kw)


def _listening(org, receiver, types, **kw):
    """An endpoint at `receiver`, which verifies with the endpoint's secret."""
    endpoint, secret = _endpoint(org, receiver.url, types, **kw)
    receiver.server.webhooks[:] = [Webhook(secret)]
    return endpoint


def _submit(survey, capture):
    with capture(execute=True):
        return response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)


def test_completion_is_signed_and_delivered_once(
    receiver_factory, django_capture_on_commit_callbacks
):
    org = OrganizationFactory()
    survey = live_survey(org)
    receiver = receiver_factory()
    _listening(org, receiver, ["response.completed"])

    response = _submit(survey, django_capture_on_commit_callbacks)

    event = WebhookEvent.objects.get(type="response.completed")
    [got] = receiver.received
    assert got.verified is True
    assert got.id == event.public_id
    assert got.payload["data"]["response_id"] == str(response.pk)
    assert got.payload["data"]["respondent_ref"] == response.respondent.respondent_ref
    assert "answers" not in got.payload["data"]
    assert "portal" not in str(got.payload)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.SUCCEEDED,
        1,
        204,
    )


def test_no_endpoint_writes_no_event(django_capture_on_commit_callbacks):
    survey = live_survey(OrganizationFactory())
    _submit(survey, django_capture_on_commit_callbacks)
    assert WebhookEvent.objects.count() == 0


def test_rolled_back_change_leaves_no_event(receiver_factory):
    org = OrganizationFactory()
    survey = live_survey(org)
    receiver = receiver_factory()
    _endpoint(org, receiver.url, ["response.completed"])
    with pytest.raises(RuntimeError), transaction.atomic():
        response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
        assert WebhookEvent.objects.count() == 1
        raise RuntimeError("the change fails after the event was written")
    assert (WebhookEvent.objects.count(), WebhookDelivery.objects.count()) == (0, 0)


def test_failed_delivery_is_retried_with_backoff_then_delivered(
    receiver_factory, django_capture_on_commit_callbacks
):
    org = OrganizationFactory()
    survey = live_survey(org)
    receiver = receiver_factory(status=503)
    endpoint = _listening(org, receiver, ["response.completed"])
    _submit(survey, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts >= 1
    assert delivery.response_status == 503
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert 3.0 <= wait <= 6.5 * 4 ** (delivery.attempts - 1)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None

    receiver.server.status = 204
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=1))
    webhooks_sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    ids = [r.id for r in receiver.received]
    assert len(set(ids)) == 1  # every attempt carried the same event id
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_retry_delay_grows_exponentially_with_jitter():
    import random

    rng = random.Random(7)
    delays = [webhooks.retry_delay(n, rng=rng) for n in range(1, 9)]
    assert 3.75 <= delays[0] <= 6.25
    assert 15 <= delays[1] <= 25
    assert all(d <= 10 * 3600 * 1.25 for d in delays)
    assert delays[5] > delays[2] > delays[0]


def test_endpoint_failing_three_days_is_disabled_and_admins_emailed(
    django_capture_on_commit_callbacks,
):
    org = OrganizationFactory()
    admin = member(org, Role.ADMIN)
    admin.email = "admin@example.org"
    admin.save()
    survey = live_survey(org)
    endpoint, _ = _endpoint(org, "http://127.0.0.1:9/down", ["response.completed"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - dt.timedelta(days=3, minutes=1)
    )
    _submit(survey, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    assert AuditEvent.objects.filter(action=AuditAction.WEBHOOK_DISABLED).count() == 1
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
    assert "127.0.0.1:9/down" in mail.outbox[0].body


def test_delivery_gives_up_after_the_retry_window(receiver_factory, settings):
    org = OrganizationFactory()
    endpoint, _ = _endpoint(org, "http://127.0.0.1:9/down", ["survey.closed"])
    event = webhooks.outbox.write(organization=org, type_="survey.closed", data={})
    delivery = WebhookDelivery.objects.get(event=event)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=settings.WEBHOOK_RETRY_HOURS, minutes=1)
    )
    assert webhooks.delivery_attempt(delivery_id=delivery.pk).state == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


def test_events_of_one_respondent_go_out_in_order(receiver_factory):
    org = OrganizationFactory()
    receiver = receiver_factory(status=503)
    _listening(org, receiver, ["survey.closed"])
    first = webhooks.outbox.write(
        organization=org, type_="survey.closed", data={"n": 1}, respondent_ref="R1"
    )
    second = webhooks.outbox.write(
        organization=org, type_="survey.closed", data={"n": 2}, respondent_ref="R1"
    )
    d1 = WebhookDelivery.objects.get(event=first)
    d2 = WebhookDelivery.objects.get(event=second)
    assert webhooks.delivery_attempt(delivery_id=d1.pk).state == "retry"
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    # The second waits while the first is still open, even though it is due.
    assert webhooks.delivery_attempt(delivery_id=d2.pk).state == "waiting"
    receiver.server.status = 204
    outcome = webhooks.delivery_attempt(delivery_id=d1.pk)
    assert (outcome.state, outcome.next_delivery_id) == ("delivered", d2.pk)
    assert webhooks.delivery_attempt(delivery_id=d2.pk).state == "delivered"
    assert [r.payload["data"]["n"] for r in receiver.received if r.payload and r.verified][-2:] == [
        1,
        2,
    ]


def test_two_workers_never_send_one_delivery_twice(receiver_factory):
    org = OrganizationFactory()
    receiver = receiver_factory()
    _listening(org, receiver, ["survey.closed"])
    event = webhooks.outbox.write(organization=org, type_="survey.closed", data={})
    delivery = WebhookDelivery.objects.get(event=event)
    assert webhooks.delivery_attempt(delivery_id=delivery.pk).state == "delivered"
    assert webhooks.delivery_attempt(delivery_id=delivery.pk).state == "not_due"
    assert len(receiver.received) == 1
