"""The consent step's two answers weigh the same, on a phone and on a desktop.

docs/CONSENT.md: "Agree and start" and "No thanks" are equal-sized buttons.
Same width, same height, same colours (neither is filled), axe-clean.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import assert_accessible
from tests.factories import OrganizationFactory, live_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "consent"
STYLE = """b => {
  const s = getComputedStyle(b), r = b.getBoundingClientRect();
  return {w: Math.round(r.width), h: Math.round(r.height), bg: s.backgroundColor,
          fg: s.color, border: s.borderColor, weight: s.fontWeight, size: s.fontSize};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_agree_and_no_thanks_are_equal(page: Page, live_server, width):
    survey = live_survey(OrganizationFactory())
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/s/{survey.slug}/")
    agree = page.get_by_role("button", name="Agree and start")
    decline = page.get_by_role("button", name="No thanks")
    a, d = agree.evaluate(STYLE), decline.evaluate(STYLE)
    assert a == d
    assert_accessible(page, f"consent step at {width}px")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".actions-consent").screenshot(path=str(SHOTS / f"buttons-{width}.png"))
