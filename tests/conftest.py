"""Top-level pytest configuration: availability of outside services.

The rule for every service a test needs (Redis, Chromium, PostgreSQL):
on a developer machine a missing service skips the test with a reason;
with CI=true it fails, so CI can never go green by skipping.

Shared fixtures live in tests/fixtures.py (imported below when it exists).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil

import pytest

if importlib.util.find_spec("tests.fixtures") is not None:
    from tests.fixtures import *  # noqa: F403


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
    """Under CI the suite must run on PostgreSQL, never silently on SQLite."""
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
