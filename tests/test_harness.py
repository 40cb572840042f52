"""The test harness itself: database isolation, state reset and time limits (tests/conftest.py)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from tests.conftest import TIMEOUT_MARKED, reset_process_state


@pytest.mark.django_db(transaction=True)
def test_the_live_server_shares_no_database_connection_with_its_threads(live_server):
    # A connection shared by the request threads deadlocks SQLite under
    # parallel requests; every thread must open its own.
    assert live_server.thread.connections_override == {}
    assert not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def test_reset_restores_the_default_language_and_empties_the_cache():
    translation.activate("zh-Hant")
    cache.set("left-over", 1)
    reset_process_state()
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert cache.get("left-over") is None


@pytest.mark.slow
def test_marked_tests_get_the_longer_time_limit(request):
    assert request.node.get_closest_marker("timeout").args == (TIMEOUT_MARKED,)
