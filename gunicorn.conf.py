"""Gunicorn settings, read from the environment (production defaults).

BIND            address to listen on; else 0.0.0.0:$PORT when PORT is set,
                else 127.0.0.1:8000 (gunicorn's own convention)
WEB_CONCURRENCY worker processes (default 2 x cores + 1)
GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT,
GUNICORN_MAX_REQUESTS, GUNICORN_KEEPALIVE
FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (default 127.0.0.1)
LOG_LEVEL       gunicorn's error log level (default info)

The access log goes to stdout without query strings or client addresses, and
with the private tokens in paths (/me/<token>/, /r/<token>/…, /resume/<token>/)
replaced by [token], so tokens and personal data never reach the logs.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

TOKEN_IN_PATH = re.compile(r"(/(?:me|r)/|/resume/)[^/\s?#\"']+")  # as trustpulse/log_filters.py


class RedactingLogger(Logger):
    """gunicorn's logger with the private tokens of request paths redacted."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):
            if isinstance(atoms.get(key), str):
                atoms[key] = TOKEN_IN_PATH.sub(r"\1[token]", atoms[key])
        return atoms


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


if os.environ.get("BIND"):
    bind = [b.strip() for b in os.environ["BIND"].split(",") if b.strip()]
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = ["127.0.0.1:8000"]

wsgi_app = "trustpulse.wsgi:application"
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so slow leaks never grow unbounded.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

logger_class = RedactingLogger
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# Heartbeat files in memory rather than on a possibly slow disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
