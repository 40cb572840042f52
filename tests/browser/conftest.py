"""Browser test fixtures: a phone-sized page in Debian's Chromium."""

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from tests.browser.helpers import CHROMIUM_ARGS

# Milliseconds Playwright waits for a page, an element or an action, and for an
# `expect` to come true. Playwright's own defaults (10 s set here before, 5 s)
# failed first loads on a busy two-core machine; a test that passes is not
# slowed by a longer limit, and pytest-timeout still bounds the whole test.
ACTION_TIMEOUT_MS = 30_000
EXPECT_TIMEOUT_MS = 15_000


@pytest.fixture
def page(chromium_path, monkeypatch):
    # Sync Playwright runs an event loop in this thread; the test's own ORM
    # calls are still plain synchronous calls (only for this test: the
    # variable must not leak into other tests' subprocesses).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        expect.set_options(timeout=EXPECT_TIMEOUT_MS)
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # The test's ORM calls ran while Playwright's loop was up, on a
            # connection of their own: close it, or PostgreSQL cannot drop
            # the test database at the end of the session.
            connections.close_all()
