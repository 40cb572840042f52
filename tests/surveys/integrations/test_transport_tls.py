"""HTTPS to a pinned address: the certificate is checked for the URL's host name."""

import http.server
import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from surveys.integrations import transport
from surveys.integrations.destinations import destination_resolve
from tests.conftest import require_service


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on loopback with a certificate for hooks.example.test only."""
    # The certificate is made by the openssl tool (.ci/run installs it; CI fails without it).
    require_service("openssl", shutil.which("openssl") is not None, "the openssl tool is missing")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=hooks.example.test",
            "-addext", "subjectAltName=DNS:hooks.example.test",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            seen.append(self.headers["host"])
            self.rfile.read(int(self.headers["content-length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], cert, seen
    server.shutdown()
    server.server_close()


def _resolve_to_loopback(monkeypatch):
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host.endswith(".example.test"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_https_goes_to_the_checked_address_and_verifies_the_host_name(monkeypatch, tls_server):
    port, cert, seen = tls_server
    _resolve_to_loopback(monkeypatch)
    trusted = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(transport, "tls_context", lambda: trusted)
    d = destination_resolve(f"https://hooks.example.test:{port}/in")
    result = transport.post(d, headers={"content-type": "application/json"}, body=b"{}")
    assert (result.ok, result.status) == (True, 204)
    assert seen == [f"hooks.example.test:{port}"]


def test_a_certificate_for_another_name_is_refused(monkeypatch, tls_server):
    port, cert, seen = tls_server
    _resolve_to_loopback(monkeypatch)
    trusted = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(transport, "tls_context", lambda: trusted)
    d = destination_resolve(f"https://other.example.test:{port}/in")
    result = transport.post(d, headers={}, body=b"{}")
    assert result.ok is False
    assert "CERTIFICATE_VERIFY_FAILED" in result.error or "hostname" in result.error.lower()
    assert seen == []


def test_an_untrusted_certificate_is_refused(monkeypatch, tls_server):
    port, _, seen = tls_server
    _resolve_to_loopback(monkeypatch)
    d = destination_resolve(f"https://hooks.example.test:{port}/in")
    result = transport.post(d, headers={}, body=b"{}")
    assert result.ok is False
    assert "CERTIFICATE_VERIFY_FAILED" in result.error
    assert seen == []
