"""Webhooks end to end: a real Celery worker (and beat) on a Redis of the test's own,
PostgreSQL, and the reference receiver (`manage.py webhook_receiver`) on loopback.

* The receiver is down when a respondent withdraws: once it is back, the
  `consent.withdrawn` event arrives exactly once per endpoint, and the
  receiver verified its signature with the `standardwebhooks` library.
* Redis is stopped during a burst of 200 completions: every event is
  delivered once Redis is back (the outbox rows were committed with the
  responses; the beat sweep queues what the broker never got), and no
  response is announced under two different event ids.
"""

import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from surveys.consent.services.rights import consent_withdraw
from surveys.enums import DeliveryStatus
from surveys.integrations import services as webhooks
from surveys.models import WebhookDelivery, WebhookEvent
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, OrganizationFactory, live_survey

from .test_aggregation_faults import free_port, queue, start_redis, start_worker, stop  # noqa: F401
from .test_celery_worker import use_broker, wait_for

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class ReceiverProcess:
    """`manage.py webhook_receiver` as a separate process; its log file outlives restarts."""

    def __init__(self, port: int, secrets: list[str], log: Path) -> None:
        self.port, self.secrets, self.log = port, secrets, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        args = [sys.executable, "manage.py", "webhook_receiver", "--port", str(self.port)]
        for s in self.secrets:
            args += ["--secret", s]
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="trustpulse.settings.test")
        self.proc = subprocess.Popen(
            [*args, "--log", str(self.log)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert wait_for(self._listening, timeout=20), "the receiver did not start"

    def _listening(self) -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.3):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def records(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


@pytest.fixture
def stack(queue, tmp_path, monkeypatch):  # noqa: F811 - the fixture imported above
    """A private Redis, a worker with beat (1 s webhook sweep) and a receiver port."""
    monkeypatch.setenv("WEBHOOK_SWEEP_SECONDS", "1")
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis = {"proc": start_redis(port)}
    use_broker(broker)
    worker = start_worker(broker, queue, beat=True, name="hooks")
    receivers: list[ReceiverProcess] = []

    def receiver(port: int, secrets: list[str]) -> ReceiverProcess:
        r = ReceiverProcess(port, secrets, tmp_path / f"received-{len(receivers)}.jsonl")
        receivers.append(r)
        return r

    yield {"redis": redis, "redis_port": port, "receiver": receiver}
    for r in receivers:
        r.stop()
    stop(worker)
    redis["proc"].terminate()
    redis["proc"].wait(timeout=10)


def test_withdrawal_reaches_every_endpoint_once_after_the_receiver_comes_back(stack):
    org = OrganizationFactory()
    survey = live_survey(org)
    response = response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS)
    port = free_port()
    endpoints, secrets = [], []
    for name in ("crm", "warehouse"):
        endpoint, secret = webhooks.endpoint_create(
            organization=org,
            actor=None,
            url=f"http://127.0.0.1:{port}/{name}",
            event_types=["consent.withdrawn"],
        )
        endpoints.append(endpoint)
        secrets.append(secret)
    receiver = stack["receiver"](port, secrets)  # the endpoints' port; nothing listens yet

    consent_withdraw(respondent=response.respondent)
    event = WebhookEvent.objects.get(type="consent.withdrawn")
    # Both endpoints fail at least once while nobody listens.
    assert wait_for(
        lambda: (
            all(
                d.attempts >= 1 and d.status == DeliveryStatus.PENDING
                for d in WebhookDelivery.objects.filter(event=event)
            )
            and WebhookDelivery.objects.filter(event=event).count() == 2
        ),
        timeout=30,
    ), "the worker never tried the endpoints"

    receiver.start()
    assert wait_for(
        lambda: (
            WebhookDelivery.objects.filter(event=event, status=DeliveryStatus.SUCCEEDED).count()
            == 2
        ),
        timeout=90,
    ), list(WebhookDelivery.objects.values("status", "attempts", "error"))
    time.sleep(3)  # anything sent twice would have arrived by now
    got = [r for r in receiver.records() if r["type"] == "consent.withdrawn"]
    assert sorted((r["path"], r["id"], r["verified"]) for r in got) == [
        ("/crm", event.public_id, True),
        ("/warehouse", event.public_id, True),
    ]
    assert got[0]["payload"]["data"]["respondent_ref"] == response.respondent.respondent_ref
    assert {d.attempts >= 2 for d in WebhookDelivery.objects.filter(event=event)} == {True}


@pytest.mark.timeout(900)
def test_redis_outage_during_200_completions_delivers_every_event_once(stack):
    org = OrganizationFactory()
    survey = live_survey(org)
    port = free_port()
    endpoint, secret = webhooks.endpoint_create(
        organization=org,
        actor=None,
        url=f"http://127.0.0.1:{port}/in",
        event_types=["response.completed"],
    )
    receiver = stack["receiver"](port, [secret])
    receiver.start()

    redis = stack["redis"]
    saved = []
    for i in range(200):
        if i == 50:
            redis["proc"].terminate()
            redis["proc"].wait(timeout=10)
        if i == 150:
            redis["proc"] = start_redis(stack["redis_port"])
        saved.append(response_submit(consent=CONSENT, survey=survey, answers=COMFORT_ANSWERS))
    assert WebhookEvent.objects.filter(type="response.completed").count() == 200

    def all_delivered() -> bool:
        return (
            WebhookDelivery.objects.filter(
                endpoint=endpoint, status=DeliveryStatus.SUCCEEDED
            ).count()
            == 200
        )

    assert wait_for(all_delivered, timeout=240), WebhookDelivery.objects.exclude(
        status=DeliveryStatus.SUCCEEDED
    ).count()
    time.sleep(3)
    got = [r for r in receiver.records() if r["type"] == "response.completed"]
    assert all(r["verified"] for r in got)
    ids_by_response = defaultdict(set)
    for r in got:
        ids_by_response[r["payload"]["data"]["response_id"]].add(r["id"])
    assert set(ids_by_response) == {str(r.pk) for r in saved}
    # One event id per response, however many times it arrived.
    assert {len(ids) for ids in ids_by_response.values()} == {1}
    expected = set(
        WebhookEvent.objects.filter(type="response.completed").values_list("uid", flat=True)
    )
    assert {r["id"] for r in got} == {f"evt_{u.hex}" for u in expected}
