"""Top-level pytest configuration: outside services, the test database, isolation, timeouts.

The rule for every service a test needs (Redis, Chromium, PostgreSQL):
on a developer machine a missing service skips the test with a reason;
with CI=true it fails, so CI can never go green by skipping.

On SQLite the test database is a file (see `django_db_modify_db_settings`),
every test starts with the default language and an empty cache, and every
test has a time limit (pytest-timeout; see `pytest_collection_modifyitems`).

Shared fixtures live in tests/fixtures.py (imported below when it exists).
"""

from __future__ import annotations

import faulthandler
import functools
import importlib.util
import os
import shutil
import sys

import pytest

if importlib.util.find_spec("tests.fixtures") is not None:
    from tests.fixtures import *  # noqa: F403

# A duplicate of the terminal's stderr, for faulthandler's hard stop (below).
_stderr_fd: int | None = None


def in_ci() -> bool:
    """True when running under CI (CI=true, as .ci/run sets it)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_service(name: str, ok: bool, reason: str) -> None:
    """Do nothing when `ok`; else skip the test, or fail it under CI."""
    if ok:
        return
    message = f"{name} unavailable: {reason}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: every service must be present)", pytrace=False)
    pytest.skip(message)


@functools.cache
def _redis_problem(url: str) -> str | None:
    """Why Redis at `url` cannot be used, or None when it answers PING."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError) as exc:
        return f"no answer from Redis at REDIS_URL ({type(exc).__name__}: {exc})"
    return None


def check_redis() -> str:
    """Return REDIS_URL when Redis answers there; else skip (fail under CI)."""
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        require_service(
            "Redis",
            False,
            "REDIS_URL is not set (e.g. export REDIS_URL=redis://127.0.0.1:6379/0)",
        )
    problem = _redis_problem(url)
    require_service("Redis", problem is None, problem or "")
    return url


def check_chromium() -> str:
    """Return the path of Debian's Chromium; else skip (fail under CI)."""
    path = shutil.which("chromium")
    require_service(
        "Chromium",
        path is not None,
        "`chromium` is not on PATH (apt-get install chromium)",
    )
    assert path is not None
    return path


@pytest.fixture(scope="session")
def redis_url() -> str:
    """REDIS_URL of a Redis that answers (skips, or fails under CI, otherwise)."""
    return check_redis()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the Chromium binary (skips, or fails under CI, otherwise)."""
    return check_chromium()


def pytest_configure(config: pytest.Config) -> None:
    """Keep the terminal for hard stops; under CI, insist on PostgreSQL."""
    global _stderr_fd
    # Output capture is paused while plugins configure: fd 2 is the terminal.
    _stderr_fd = os.dup(sys.stderr.fileno())
    if not in_ci():
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(
            f"CI=true but the database engine is {engine!r}: set DATABASE_URL to "
            "PostgreSQL (e.g. postgres://postgres@127.0.0.1:5432/trustpulse)."
        )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Marked tests check their service even when they forget the fixture."""
    if item.get_closest_marker("integration") is not None:
        check_redis()
    if item.get_closest_marker("browser") is not None:
        check_chromium()


# --- the test database -------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file database that each thread opens for itself.

    Django's default SQLite test database lives in memory, and the live server
    (browser tests) then hands the test's one connection to every request
    thread. When two threads use that connection at once (the dashboards
    fetch their panels in parallel), one can hold SQLite's connection lock
    while it waits for the interpreter lock (to run one of the Python
    functions Django registers on the connection, e.g. the date truncation of
    a trend) as another holds the interpreter lock while it waits for the
    connection lock: the whole process hangs. A file gives every thread a
    connection of its own. Durability is not needed, so no fsync; WAL lets
    readers and a writer overlap; IMMEDIATE transactions wait for the write
    lock up front instead of failing on "database is locked".
    """
    from django.conf import settings

    for alias, db in settings.DATABASES.items():
        test = db.setdefault("TEST", {})
        if db["ENGINE"] != "django.db.backends.sqlite3" or test.get("NAME"):
            continue
        test["NAME"] = str(tmp_path_factory.mktemp("sqlite") / f"test_{alias}.sqlite3")
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            **db.get("OPTIONS", {}),
        }


# --- isolation between tests ---------------------------------------------------


def reset_process_state() -> None:
    """Back to the default language, with empty caches.

    A request through the test client leaves the language that
    LocaleMiddleware activated (e.g. zh-Hant) active in the thread, and the
    local-memory cache keeps throttle counters and cached values: both would
    reach the next test.
    """
    from django.core.cache import caches
    from django.utils import translation

    translation.deactivate()
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _isolated_process_state():
    """Every test starts, and leaves, the process in its default state."""
    reset_process_state()
    yield
    reset_process_state()


# --- time limits ---------------------------------------------------------------

# Seconds a test may take (setup and teardown included) before pytest-timeout
# fails it and prints every thread's stack. Browser, integration and slow tests
# get longer; a `@pytest.mark.timeout(n)` on a test wins over both.
TIMEOUT_MARKED = 900
LONG_MARKS = ("browser", "integration", "slow")
# Past its own limit plus this, a test that still holds the process (a thread
# stuck in C code while holding the interpreter lock, where the signal never
# gets handled) is ended by faulthandler: every thread's stack, then exit 1.
HARD_STOP_GRACE = 60


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("timeout") is not None:
            continue
        if any(item.get_closest_marker(name) is not None for name in LONG_MARKS):
            item.add_marker(pytest.mark.timeout(TIMEOUT_MARKED))


def _timeout_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    if marker is not None:
        value = marker.args[0] if marker.args else marker.kwargs.get("timeout", 0)
    else:
        value = item.config.getoption("timeout", None)
        if value is None:
            value = item.config.getini("timeout")
    return float(value or 0)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    seconds = _timeout_of(item)
    if seconds <= 0 or _stderr_fd is None or item.config.getoption("usepdb"):
        return (yield)
    faulthandler.dump_traceback_later(seconds + HARD_STOP_GRACE, exit=True, file=_stderr_fd)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()
