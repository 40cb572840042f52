"""Follow-up questions revealed on the same page by the page's script (Chromium).

The demo survey's "What made you switch?" depends on an answer on its own
page. With JavaScript it appears as soon as "Switched company…" is ticked,
without a page load, and hides again when it is unticked; what it held
then is not posted, and the server (which checks everything again) stores
nothing for it.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from surveys.models import Answer
from tests.browser.helpers import assert_accessible
from tests.factories import OrganizationFactory, live_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREE = "I agree: Understand what customers think about privacy"
SWITCHED = "Switched company over its data practices"


def to_page_two(page: Page, base: str, slug: str) -> None:
    page.goto(f"{base}/s/{slug}/")
    page.get_by_role("checkbox", name=AGREE).check()
    page.get_by_role("button", name="Agree and start").click()
    expect(page).to_have_url(re.compile(r"/p/attitudes/$"))
    for row in (
        "I worry about what happens to my data online.",
        "I want control over who sees my personal information.",
        "I have no concerns about sharing data with companies.",
        "I read privacy notices before I agree to them.",
    ):
        page.get_by_role("group", name=row).get_by_role("radio", name="Agree", exact=True).check()
    trust = page.get_by_role(
        "group", name="I trust this brand to use my personal data responsibly."
    )
    trust.get_by_role("radio", name="Neither", exact=True).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Page 2 of 5")).to_be_visible()


def test_follow_up_appears_on_the_same_page_and_is_not_stored_once_hidden(page: Page, live_server):
    survey = live_survey(OrganizationFactory())
    to_page_two(page, live_server.url, survey.slug)
    page.get_by_role("radio", name="Sometimes", exact=True).check()
    follow_up = page.get_by_role("textbox", name="What made you switch?")
    expect(follow_up).to_be_hidden()
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url))

    # Ticking "switched" shows the follow-up at once: no request, no page load.
    page.get_by_role("checkbox", name=SWITCHED).check()
    expect(follow_up).to_be_visible()
    expect(follow_up).to_be_enabled()
    expect(page.get_by_role("status")).to_contain_text("Your answer added a question")
    assert_accessible(page, "page 2 with a revealed follow-up")
    follow_up.fill("They sold my data.")

    # Unticking hides it again (its controls disabled): its text is not posted.
    page.get_by_role("checkbox", name=SWITCHED).uncheck()
    expect(follow_up).to_be_hidden()
    assert loads == []
    page.get_by_role("checkbox", name="Used an ad or tracker blocker").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Page 3 of 5")).to_be_visible()
    codes = set(Answer.objects.values_list("question_code", flat=True))
    assert "protective_actions" in codes
    assert "switched_why" not in codes


def test_a_revealed_follow_up_is_saved_with_its_page(page: Page, live_server):
    survey = live_survey(OrganizationFactory())
    to_page_two(page, live_server.url, survey.slug)
    page.get_by_role("radio", name="Sometimes", exact=True).check()
    page.get_by_role("checkbox", name=SWITCHED).check()
    page.get_by_role("textbox", name="What made you switch?").fill("They sold my data.")
    page.get_by_role("button", name="Next").click()
    # Shown before the POST, so the server does not stop to show it again.
    expect(page.get_by_text("Page 3 of 5")).to_be_visible()
    stored = Answer.objects.get(question_code="switched_why")
    assert stored.text == "They sold my data."
