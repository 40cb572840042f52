"""Shared by the browser tests: Chromium's flags, axe, and keyboard-only helpers.

The `page` fixture (tests/browser/conftest.py) opens a phone-sized page in
Debian's Chromium; controls are found by role and accessible name.
"""

import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING = {"serious", "critical"}


_AXE = Axe()


def assert_accessible(page: Page, what: str) -> None:
    page.wait_for_load_state()
    results = _AXE.run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]
    assert blocking == [], f"axe on {what}:\n" + "\n".join(blocking)


def wait_until(page: Page, expression: str, arg=None, timeout_ms: int = 10_000) -> None:
    """Like ``page.wait_for_function``, which the pages' CSP blocks (it compiles with eval).

    Polls ``page.evaluate`` instead (run through the DevTools protocol, outside the policy).
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def press(locator, key: str = "Space") -> None:
    """Give `locator` keyboard focus, then press `key` (no mouse anywhere)."""
    locator.focus()
    expect(locator).to_be_focused()
    locator.page.keyboard.press(key)


def group(page: Page, name: str):
    return page.get_by_role("group", name=name)


def sign_in_verified(page: Page, base_url: str, user) -> None:
    """Give the browser a signed-in session of `user` with two-factor passed (no form)."""
    from django.conf import settings
    from django.test import Client

    from tests.fixtures import login_verified

    client = login_verified(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )
