"""Signing (Standard Webhooks) and the one HTTP request a delivery makes.

Headers: ``webhook-id`` (the event id, the same on every retry),
``webhook-timestamp`` (seconds) and ``webhook-signature`` (``v1,<base64
HMAC-SHA256 of "id.timestamp.body">``; two signatures while a rotated
secret's overlap lasts). The request goes to the address the destination
check approved (no second DNS lookup), follows no redirects, has connect and
read timeouts, and reads at most ``WEBHOOK_MAX_RESPONSE_BYTES`` of the answer.
"""

import base64
import hashlib
import hmac
import http.client
import secrets
import socket
import ssl
import time
from dataclasses import dataclass

from django.conf import settings

from .destinations import Destination

SECRET_PREFIX = "whsec_"
USER_AGENT = "TrustPulse-Webhooks/1"


def secret_new() -> str:
    """A fresh signing secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<signature>`` of one message under one secret."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(
    secrets_: list[str], *, msg_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": " ".join(
            signature(s, msg_id=msg_id, timestamp=ts, body=body) for s in secrets_ if s
        ),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


@dataclass(frozen=True, kw_only=True)
class SendResult:
    ok: bool
    status: int | None
    latency_ms: int
    error: str = ""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a fixed, already-checked address whatever the Host header says."""

    def __init__(self, destination: Destination, *, connect_timeout: float, read_timeout: float):
        super().__init__(destination.host, destination.port, timeout=connect_timeout)
        self._destination = destination
        self._read_timeout = read_timeout

    def _raw_socket(self) -> socket.socket:
        sock = socket.create_connection(
            (self._destination.address, self._destination.port), timeout=self.timeout
        )
        sock.settimeout(self._read_timeout)
        return sock

    def connect(self) -> None:
        self.sock = self._raw_socket()


def tls_context() -> ssl.SSLContext:
    """Certificates checked against the system's CAs, for the URL's host name."""
    return ssl.create_default_context()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    def connect(self) -> None:
        context = tls_context()
        self.sock = context.wrap_socket(self._raw_socket(), server_hostname=self._destination.host)


def post(destination: Destination, *, headers: dict[str, str], body: bytes) -> SendResult:
    """POST `body` once; 2xx is success, anything else (redirects too) a failure."""
    cls = _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    conn = cls(
        destination,
        connect_timeout=settings.WEBHOOK_CONNECT_TIMEOUT,
        read_timeout=settings.WEBHOOK_READ_TIMEOUT,
    )
    started = time.monotonic()
    try:
        conn.request("POST", destination.path, body=body, headers=headers)
        answer = conn.getresponse()
        answer.read(settings.WEBHOOK_MAX_RESPONSE_BYTES)  # capped; the rest is dropped
        status = answer.status
    except (OSError, http.client.HTTPException) as exc:
        return SendResult(
            ok=False,
            status=None,
            latency_ms=int((time.monotonic() - started) * 1000),
            error=f"{type(exc).__name__}: {exc}"[:200],
        )
    finally:
        conn.close()
    latency = int((time.monotonic() - started) * 1000)
    if 200 <= status < 300:
        return SendResult(ok=True, status=status, latency_ms=latency)
    error = "redirect not followed" if 300 <= status < 400 else f"HTTP {status}"
    return SendResult(ok=False, status=status, latency_ms=latency, error=error)
