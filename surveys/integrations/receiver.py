"""A small reference receiver: verifies Standard Webhooks signatures, records events.

Used by ``manage.py webhook_receiver`` and by the tests and the benchmark. It
verifies every request with the ``standardwebhooks`` library (what a brand's
own receiver would use), answers 204 when the signature holds and 400 when it
does not, and records one line per request: the event id, its type, whether
it verified, whether that id was seen before, and when it arrived.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

MAX_BODY = 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class Received:
    path: str
    id: str
    type: str
    verified: bool
    duplicate: bool
    received_at: float
    payload: dict[str, Any] | None


class ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        secrets: list[str],
        status: int = 204,
        on_event: Callable[[Received], None] | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        self.webhooks = [Webhook(s) for s in secrets]
        self.status = status
        self.on_event = on_event
        self.received: list[Received] = []
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
        for webhook in self.webhooks:
            try:
                return webhook.verify(body, headers)  # type: ignore[no-any-return]
            except WebhookVerificationError:
                continue
        return None


class _Handler(BaseHTTPRequestHandler):
    server: ReceiverServer

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(min(length, MAX_BODY))
        headers = {k.lower(): v for k, v in self.headers.items()}
        payload = self.server.verify(body, headers)
        msg_id = headers.get("webhook-id", "")
        with self.server.lock:
            key = f"{self.path} {msg_id}"  # one event goes once to each endpoint (path)
            duplicate = key in self.server.seen
            if payload is not None:
                self.server.seen.add(key)
            record = Received(
                path=self.path,
                id=msg_id,
                type=str((payload or {}).get("type", "")),
                verified=payload is not None,
                duplicate=duplicate,
                received_at=time.time(),
                payload=payload,
            )
            self.server.received.append(record)
        if self.server.on_event is not None:
            self.server.on_event(record)
        status = self.server.status if payload is not None else 400
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per event is printed by the caller instead


def serve(
    *,
    host: str,
    port: int,
    secrets: list[str],
    status: int = 204,
    on_event: Callable[[Received], None] | None = None,
) -> ReceiverServer:
    """A receiver listening on (host, port); call `serve_forever()` (or use a thread)."""
    return ReceiverServer((host, port), secrets=secrets, status=status, on_event=on_event)


def as_json_line(record: Received, *, with_payload: bool = False) -> str:
    data = asdict(record)
    if not with_payload:
        data.pop("payload")
    return json.dumps(data, separators=(",", ":"))
