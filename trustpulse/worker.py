"""Worker-side catch-up after a broker outage (docs/DEPLOYMENT.md, docs/PERFORMANCE.md).

While Redis is down, nothing can be queued: accepted submissions wait in the
inbox and written-out responses wait for aggregation (the database keeps
them). Two things make the workers catch up at full speed as soon as the
broker answers again, instead of at the beat sweeps' pace:

* `Consumer` retries the broker connection every second or two (Celery's
  default backs off to 30 s between attempts, so a worker could notice a
  20 s outage ten seconds late), and never gives up.
* `CatchUp`, a consumer bootstep, runs each time the consumer (re)connects
  (start, and every reconnection after a lost connection) and queues one
  inbox write-out and one aggregation per pool process. Write-outs claim
  rows with SKIP LOCKED and drain until nothing is left; aggregation batches
  chain themselves while full; so the whole pool works the backlog in
  parallel, and the tasks are no-ops when nothing waits.
"""

import logging
from typing import Any

from celery import bootsteps
from celery.worker.consumer import Consumer as CeleryConsumer
from celery.worker.consumer.tasks import Tasks
from celery.worker.state import maybe_shutdown
from django.conf import settings

log = logging.getLogger(__name__)

CATCH_UP_TASKS = ("surveys.tasks.inbox_drain", "dashboards.tasks.aggregate")


class Consumer(CeleryConsumer):
    """Celery's consumer, reconnecting to the broker at a short, steady interval."""

    def ensure_connected(self, conn: Any) -> Any:
        first: bool = getattr(self, "first_connection_attempt", True)
        if first and not self.app.conf.broker_connection_retry_on_startup:
            return super().ensure_connected(conn)
        step = float(getattr(settings, "BROKER_RECONNECT_SECONDS", 1))

        def _error(exc: Exception, interval: float) -> None:
            log.warning("broker unreachable (%s); retrying in %.0f s", type(exc).__name__, interval)

        conn = conn.ensure_connection(
            _error,
            self.app.conf.broker_connection_max_retries,
            interval_start=step,
            interval_step=0,
            interval_max=step,
            callback=maybe_shutdown,
        )
        self.first_connection_attempt = False
        return conn


class CatchUp(bootsteps.StartStopStep):
    """On every (re)connection, queue the backlog's write-out and aggregation (see above)."""

    requires = (Tasks,)

    def start(self, c: Any) -> None:
        processes = max(1, int(getattr(c.controller, "concurrency", 1) or 1))
        try:
            for name in CATCH_UP_TASKS:
                for _ in range(processes):
                    c.app.send_task(name)
        except Exception as exc:  # noqa: BLE001 - the beat sweeps remain the backstop
            log.warning("could not queue the catch-up (%s)", type(exc).__name__)
            return
        log.info("connected: queued the backlog catch-up on %d process(es)", processes)
