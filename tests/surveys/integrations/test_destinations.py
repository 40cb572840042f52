"""SSRF: where webhooks may not go, at save time and at send time (DNS rebinding)."""

import socket

import pytest
from django.test import override_settings

from surveys.integrations import services as webhooks
from surveys.integrations import transport
from surveys.integrations.destinations import DestinationRefused, destination_resolve
from surveys.models import WebhookDelivery
from tests.factories import OrganizationFactory
from trustpulse.validation import ServiceValidationError

PRODUCTION = override_settings(WEBHOOK_ALLOW_LOOPBACK=False)


def _dns(monkeypatch, *answers: str):
    """Make getaddrinfo answer with `answers`, one call after another (the last repeats)."""
    calls: list[str] = []

    def fake(host, port, *args, **kwargs):
        calls.append(host)
        ip = answers[min(len(calls), len(answers)) - 1]
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return calls


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.10", "private"),
        ("100.64.0.1", "private"),  # carrier-grade NAT
        ("fd00::1", "private"),
        ("169.254.169.254", "link_local"),  # cloud metadata
        ("fe80::1", "link_local"),
        ("::ffff:10.0.0.1", "private"),  # IPv6-mapped IPv4
        ("::ffff:169.254.169.254", "link_local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "reserved"),
        ("224.0.0.1", "reserved"),
    ],
)
def test_non_public_addresses_are_refused_in_production(monkeypatch, address, reason):
    _dns(monkeypatch, address)
    with PRODUCTION, pytest.raises(DestinationRefused) as exc:
        destination_resolve("https://hooks.example.com/in")
    assert exc.value.code == reason


def test_literal_ip_urls_are_checked_too():
    with PRODUCTION, pytest.raises(DestinationRefused) as exc:
        destination_resolve("https://[::ffff:a9fe:a9fe]/latest/meta-data")
    assert exc.value.code == "link_local"


def test_one_private_address_among_public_ones_refuses(monkeypatch):
    def fake(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with PRODUCTION, pytest.raises(DestinationRefused):
        destination_resolve("https://hooks.example.com/in")


def test_public_https_is_allowed_and_pinned(monkeypatch):
    _dns(monkeypatch, "93.184.216.34")
    with PRODUCTION:
        d = destination_resolve("https://hooks.example.com:8443/in?x=1")
    assert (d.scheme, d.host, d.port, d.path, d.address) == (
        "https",
        "hooks.example.com",
        8443,
        "/in?x=1",
        "93.184.216.34",
    )


def test_plain_http_is_refused_except_to_loopback_in_development(monkeypatch):
    _dns(monkeypatch, "93.184.216.34")
    with pytest.raises(DestinationRefused) as exc:
        destination_resolve("http://hooks.example.com/in")
    assert exc.value.code == "https_required"
    with PRODUCTION, pytest.raises(DestinationRefused):
        destination_resolve("http://hooks.example.com/in")
    assert destination_resolve("http://127.0.0.1:8765/in").address == "127.0.0.1"
    with PRODUCTION, pytest.raises(DestinationRefused) as exc:
        destination_resolve("http://127.0.0.1:8765/in")
    assert exc.value.code == "loopback"


def test_urls_with_credentials_or_other_schemes_are_refused():
    for url in ("ftp://example.com/", "https://user:pw@example.com/", "file:///etc/passwd"):
        with pytest.raises(DestinationRefused):
            destination_resolve(url)


@pytest.mark.django_db
def test_saving_a_private_destination_is_a_field_error(monkeypatch):
    _dns(monkeypatch, "192.168.0.7")
    with pytest.raises(ServiceValidationError) as exc:
        webhooks.endpoint_create(
            organization=OrganizationFactory(),
            actor=None,
            url="https://crm.internal.example/hooks",
            event_types=["consent.withdrawn"],
        )
    assert [(e.field, e.code) for e in exc.value.errors] == [("url", "private")]


@pytest.mark.django_db
def test_dns_rebinding_is_refused_at_send_time_and_nothing_connects(monkeypatch):
    """Public when saved, 127.0.0.1 when sent: refused, and no socket is opened."""
    calls = _dns(monkeypatch, "93.184.216.34", "127.0.0.1")
    org = OrganizationFactory()
    with PRODUCTION:
        endpoint, _ = webhooks.endpoint_create(
            organization=org,
            actor=None,
            url="https://rebind.example.com/hooks",
            event_types=["survey.closed"],
        )
        event = webhooks.outbox.write(organization=org, type_="survey.closed", data={})
        connected: list[object] = []
        monkeypatch.setattr(
            socket, "create_connection", lambda *a, **k: connected.append(a) or None
        )
        delivery = WebhookDelivery.objects.get(event=event, endpoint=endpoint)
        assert webhooks.delivery_attempt(delivery_id=delivery.pk).state == "retry"
    delivery.refresh_from_db()
    assert connected == []
    assert "loopback" in delivery.error
    assert calls == ["rebind.example.com", "rebind.example.com"]


def test_the_sender_connects_to_the_checked_address_not_a_new_lookup(monkeypatch):
    """The connection goes to the address checked, whatever DNS says afterwards."""
    _dns(monkeypatch, "93.184.216.34", "10.0.0.1")
    with PRODUCTION:
        d = destination_resolve("https://hooks.example.com/in")
    opened: list[tuple] = []

    def refuse(address, *args, **kwargs):
        opened.append(address)
        raise ConnectionRefusedError("test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    result = transport.post(d, headers={}, body=b"{}")
    assert opened == [("93.184.216.34", 443)]
    assert result.ok is False


def test_redirects_are_not_followed(receiver_redirect):
    from surveys.integrations.destinations import destination_resolve as resolve

    result = transport.post(resolve(receiver_redirect), headers={}, body=b"{}")
    assert (result.ok, result.status, result.error) == (False, 302, "redirect not followed")


@pytest.fixture
def receiver_redirect():
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    hits: list[str] = []

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(302)
            self.send_header("location", "http://169.254.169.254/latest/meta-data")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/in"
    server.shutdown()
    server.server_close()
    assert hits == ["/in"]


@pytest.fixture
def raw_server():
    """A loopback TCP server whose behaviour the test sets: ("silent" | "flood")."""
    import threading

    mode = {"value": "silent"}
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    conns = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conns.append(conn)
            conn.recv(65536)
            if mode["value"] == "flood":
                head = b"HTTP/1.1 200 OK\r\ncontent-length: 10000000\r\n\r\n"
                try:
                    conn.sendall(head + b"x" * 1_000_000)
                except OSError:
                    pass

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], mode
    listener.close()
    for c in conns:
        c.close()


def test_a_receiver_that_never_answers_times_out(raw_server, settings):
    port, mode = raw_server
    settings.WEBHOOK_READ_TIMEOUT = 0.5
    result = transport.post(
        destination_resolve(f"http://127.0.0.1:{port}/in"), headers={}, body=b"{}"
    )
    assert result.ok is False
    assert "timed out" in result.error
    assert 400 <= result.latency_ms < 5000


def test_only_the_first_64_kib_of_an_answer_is_read(raw_server, settings, monkeypatch):
    import http.client

    port, mode = raw_server
    mode["value"] = "flood"
    settings.WEBHOOK_READ_TIMEOUT = 2.0
    asked: list[int | None] = []
    real_read = http.client.HTTPResponse.read

    def read(self, amt=None):
        asked.append(amt)
        return real_read(self, amt)

    monkeypatch.setattr(http.client.HTTPResponse, "read", read)
    result = transport.post(
        destination_resolve(f"http://127.0.0.1:{port}/in"), headers={}, body=b"{}"
    )
    assert (result.ok, result.status) == (True, 200)
    assert asked == [64 * 1024]
