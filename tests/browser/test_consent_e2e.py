"""Consent, receipt, portal and withdrawal in Debian's Chromium, keyboard only, with axe.

The walk the issue asks for: consent (opening the full notice), answer by
keyboard, withdraw from the thank-you page in at most two clicks, then the
private portal link says nothing is held. axe-core runs on the consent
step, the full notice (inline and on its own page), the receipt, the portal
and the confirmation and tombstone pages: no serious or critical violation.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from surveys.models import BehaviourEvent, ConsentRecord, Respondent, Tombstone
from tests.browser.helpers import assert_accessible, group, press
from tests.factories import OrganizationFactory, live_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREE = "I agree: Understand what customers think about privacy"
MEASURE = "Measure how people use privacy choices"


def test_consent_answer_withdraw_in_two_clicks_then_nothing_is_held(page: Page, live_server):
    org = OrganizationFactory()
    quiz = live_survey(org, "privacy_quiz")
    base = live_server.url

    # Layer one: the privacy label and the choices; optional purposes start unticked.
    page.goto(f"{base}/s/{quiz.slug}/")
    expect(page.get_by_role("heading", name="Your privacy at a glance")).to_be_visible()
    expect(page.get_by_role("checkbox", name=MEASURE)).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Send you our privacy newsletter")).not_to_be_checked()
    assert_accessible(page, "consent step")

    # Layer two, in place: the link became a disclosure button.
    toggle = page.get_by_role("button", name="Read the full privacy notice")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    press(toggle, "Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    notice = page.get_by_role("region", name="Full privacy notice")
    expect(notice).to_be_visible()
    expect(notice).to_be_focused()
    expect(notice.get_by_text("Keizersgracht 1, 1015 CC Amsterdam")).to_be_visible()
    assert_accessible(page, "consent step with the full notice open")
    page.wait_for_timeout(300)  # some reading time

    press(page.get_by_role("checkbox", name=AGREE))
    press(page.get_by_role("checkbox", name=MEASURE))
    expect(page.get_by_role("checkbox", name=MEASURE)).to_be_checked()
    press(page.get_by_role("button", name="Agree and start"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/quiz1/$"))

    # What the consent step recorded (only because measurement was granted).
    record = ConsentRecord.objects.get()
    assert record.purposes_granted == ["survey_research", "behavioural_measurement"]
    kinds = dict(
        BehaviourEvent.objects.values_list("kind", "value").exclude(kind="optional_field_disclosed")
    )
    assert kinds["notice_opened"] is True
    assert 300 <= kinds["notice_dwell_ms"] < 60_000
    assert "terms_accepted_unread" not in kinds

    # Answer by keyboard.
    press(page.get_by_role("radio", name="Yes, free of charge"))
    cookies = group(page, "Do analytics cookies need your consent in the EU?")
    press(cookies.get_by_role("radio", name="No", exact=True))
    press(page.get_by_role("button", name="Next"), "Enter")
    press(page.get_by_role("checkbox", name="An email address"))
    press(page.get_by_role("radio", name="A password plus a second factor"))
    press(page.get_by_role("button", name="Submit"), "Enter")
    expect(page).to_have_url(re.compile(r"/thanks/$"))

    # Thanks: the private link (shown once), the receipt, and withdrawal.
    privacy = page.get_by_role("region", name="Your data, your choice")
    expect(privacy).to_be_visible()
    assert_accessible(page, "thanks with the privacy box")
    portal_url = privacy.locator(".resume-link a").get_attribute("href")
    assert re.fullmatch(rf"{re.escape(base)}/me/[\w-]{{32}}/", portal_url)
    receipt_url = privacy.get_by_role("link", name="view it").get_attribute("href")

    # Receipt and portal in a second tab (the thank-you page is shown once).
    other = page.context.new_page()
    other.goto(f"{base}{receipt_url}")
    expect(other.get_by_role("heading", level=1)).to_have_text("Your consent to Acme Privacy Co.")
    expect(other.get_by_text(str(record.receipt_id)).first).to_be_visible()
    expect(other.get_by_role("button", name="Print")).to_be_visible()
    assert_accessible(other, "receipt")
    other.goto(portal_url)
    expect(other.get_by_role("heading", level=1)).to_have_text(f"Your data at {org.name}")
    expect(other.get_by_text("Opened the full privacy notice")).to_be_visible()
    assert_accessible(other, "portal")
    # The language links work on pages whose address holds the token.
    press(other.get_by_role("link", name="繁體中文"), "Enter")
    expect(other.get_by_role("heading", level=1)).to_have_text(f"您在 {org.name} 的資料")
    assert_accessible(other, "portal in Chinese")
    press(other.get_by_role("link", name="English"), "Enter")
    # Withdraw one optional purpose from the portal: one click, one confirmation.
    expect(other.get_by_role("heading", level=1)).to_have_text(f"Your data at {org.name}")
    press(other.get_by_role("link", name=f"Withdraw: {MEASURE}"), "Enter")
    expect(other.get_by_role("heading", level=1)).to_have_text(f"Withdraw consent to “{MEASURE}”?")
    assert_accessible(other, "withdraw one purpose: confirmation")
    press(other.get_by_role("button", name="Yes, withdraw this consent"), "Enter")
    expect(other.get_by_role("status")).to_contain_text("Done: you withdrew your consent")
    assert BehaviourEvent.objects.filter(kind__startswith="notice").count() == 0
    other.close()

    # Withdraw everything from the thank-you page: click 1, then click 2.
    press(privacy.get_by_role("link", name="Withdraw my consent"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw all your consent?")
    assert_accessible(page, "withdraw all: confirmation")
    press(page.get_by_role("button", name="Yes, withdraw and erase"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been erased")
    assert_accessible(page, "withdrawn")
    assert Respondent.objects.count() == 0
    assert Tombstone.objects.get().receipt_ids == [str(record.receipt_id)]

    # The private link still answers: nothing is held.
    page.goto(portal_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nothing is held about you")
    assert_accessible(page, "tombstone")
    page.goto(f"{base}/me/not-a-real-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible(page, "unknown portal link")


def test_full_notice_page_and_no_thanks(page: Page, live_server):
    org = OrganizationFactory()
    survey = live_survey(org)
    base = live_server.url
    page.goto(f"{base}/s/{survey.slug}/notice/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How Acme Privacy Co. uses your answers"
    )
    assert_accessible(page, "full notice page")
    press(page.get_by_role("link", name="Back to your choices"), "Enter")
    expect(page).to_have_url(re.compile(r"#choices$"))
    press(page.get_by_role("button", name="No thanks"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "No problem, thank you for considering it"
    )
    assert_accessible(page, "declined")
    assert Respondent.objects.count() == 0


def test_delete_everything_from_the_portal(page: Page, live_server):
    org = OrganizationFactory()
    quiz = live_survey(org, "privacy_quiz")
    base = live_server.url
    page.goto(f"{base}/s/{quiz.slug}/")
    press(page.get_by_role("checkbox", name=AGREE))
    press(page.get_by_role("button", name="Agree and start"), "Enter")
    press(page.get_by_role("radio", name="Yes, free of charge"))
    cookies = group(page, "Do analytics cookies need your consent in the EU?")
    press(cookies.get_by_role("radio", name="No", exact=True))
    press(page.get_by_role("button", name="Next"), "Enter")
    press(page.get_by_role("checkbox", name="An email address"))
    press(page.get_by_role("radio", name="A password plus a second factor"))
    press(page.get_by_role("button", name="Submit"), "Enter")
    portal_url = page.locator(".privacy-box .resume-link a").get_attribute("href")
    page.goto(portal_url)
    press(page.get_by_role("link", name=re.compile("^Delete everything")), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete everything held about you?")
    assert_accessible(page, "delete: confirmation")
    press(page.get_by_role("button", name="Yes, delete everything"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Everything has been deleted")
    assert Respondent.objects.count() == 0
    assert Tombstone.objects.get().reason == "erased"
