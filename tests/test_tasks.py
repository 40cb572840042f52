"""Celery tasks: one naming rule, worker logging through the web's filters, one debouncer."""

import logging

import pytest

from trustpulse import dispatch
from trustpulse.celery import app, worker_logging

OUR_APPS = ("surveys.", "dashboards.")


def test_every_task_is_named_by_its_module_and_function():
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if name.startswith(OUR_APPS)}
    assert len(ours) >= 12
    for name, task in ours.items():
        run = task.run
        assert name == f"{run.__module__}.{run.__name__}"


def test_workers_log_through_the_token_redacting_filter():
    root = logging.getLogger()
    saved = root.handlers[:]
    try:
        root.handlers = []
        worker_logging()
        [handler] = root.handlers
        record = logging.LogRecord("x", logging.INFO, "", 0, "GET %s", ("/me/secret-token/",), None)
        assert all(f.filter(record) for f in handler.filters)
        assert record.getMessage() == "GET /me/[token]/"
    finally:
        root.handlers = saved


class FakeTask:
    name = "fake"

    def __init__(self, fail: bool = False):
        self.queued: list[dict] = []
        self.ran = 0
        self.fail = fail

    def apply_async(self, **kw):
        if self.fail:
            raise ConnectionError("broker down")
        self.queued.append(kw)

    def delay(self, *args):
        self.ran += 1


@pytest.fixture
def queued(settings, monkeypatch):
    from django.core.cache import cache

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete("test:debounce")
    monkeypatch.setattr(dispatch, "_taken", {})
    return FakeTask()


def test_debounce_queues_once_per_window_across_processes(queued, monkeypatch):
    assert dispatch.dispatch_debounced(queued, key="test:debounce") is True
    assert dispatch.dispatch_debounced(queued, key="test:debounce") is False
    monkeypatch.setattr(dispatch, "_taken", {})  # another process: the shared guard holds
    assert dispatch.dispatch_debounced(queued, key="test:debounce") is False
    assert queued.queued == [{"countdown": 1}]


def test_debounce_without_a_cache_queues_every_time(queued, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kw):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", down)
    assert dispatch.dispatch_debounced(queued, key="test:debounce") is True
    monkeypatch.setattr(dispatch, "_taken", {})
    assert dispatch.dispatch_debounced(queued, key="test:debounce") is True
    assert len(queued.queued) == 2


def test_debounce_survives_a_broker_outage(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(dispatch, "_taken", {})
    from django.core.cache import cache

    cache.delete("test:debounce")
    assert dispatch.dispatch_debounced(FakeTask(fail=True), key="test:debounce") is False


def test_eager_mode_runs_every_time(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    task = FakeTask()
    dispatch.dispatch_debounced(task, key="test:debounce")
    dispatch.dispatch_debounced(task, key="test:debounce")
    assert (task.ran, task.queued) == (2, [])
