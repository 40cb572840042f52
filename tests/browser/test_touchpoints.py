"""Personalised follow-ups in Debian's Chromium: a respondent who grants
`personalised_offers` and finishes the quiz as a "Privacy pragmatist" is asked
for an email, receives the message for that outcome with a one-click
unsubscribe (RFC 8058) that withdraws the purpose; one who did not grant it is
never asked and receives nothing.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from surveys.enums import PERSONALISED_OFFERS
from surveys.models import ConsentRecord, ContactEmail
from surveys.touchpoints import services
from tests.browser.helpers import assert_accessible, group, press
from tests.factories import OrganizationFactory
from tests.surveys.touchpoints.helpers import follow_up_data, touchpoint_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREE = "I agree: Understand what customers think about privacy"
OFFERS = "Send you offers that fit your result"


def finish_quiz(page: Page, base: str, slug: str, *, offers: bool) -> None:
    page.goto(f"{base}/s/{slug}/")
    press(page.get_by_role("checkbox", name=AGREE))
    if offers:
        press(page.get_by_role("checkbox", name=OFFERS))
    press(page.get_by_role("button", name="Agree and start"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/\w+/$"))
    press(page.get_by_role("radio", name="Yes, free of charge"))
    cookies = group(page, "Do analytics cookies need your consent in the EU?")
    press(cookies.get_by_role("radio", name="No", exact=True))
    press(page.get_by_role("button", name="Next"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/quiz2/$"))
    press(page.get_by_role("checkbox", name="An email address"))
    press(page.get_by_role("checkbox", name="An IP address"))
    press(page.get_by_role("radio", name="A password plus a second factor"))
    press(page.get_by_role("button", name="Submit"), "Enter")
    expect(page.get_by_role("heading", name="Privacy pragmatist")).to_be_visible()


def test_the_follow_up_for_the_outcome_is_sent_and_unsubscribes_in_one_click(
    page: Page, live_server
):
    quiz = touchpoint_quiz(OrganizationFactory())
    follow_up = services.follow_up_save(survey=quiz, data=follow_up_data())
    services.reward_codes_upload(follow_up=follow_up, text="PRAG-001\nPRAG-002")
    base = live_server.url

    # Without the purpose: no email question, no message.
    finish_quiz(page, base, quiz.slug, offers=False)
    expect(page.get_by_role("textbox", name="Your email")).to_have_count(0)
    assert mail.outbox == []

    # With it: asked for the email on the thank-you page, then sent the pragmatist offer.
    page.context.clear_cookies()
    finish_quiz(page, base, quiz.slug, offers=True)
    email = page.get_by_role("textbox", name="Your email")
    expect(email).to_be_visible()
    assert_accessible(page, "quiz thanks asking for the email")
    email.fill("ann@example.org")
    press(page.get_by_role("button", name="Send it to me"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    assert message.subject == "Your pragmatist offer"
    assert "Your code: PRAG-001" in message.body
    assert "you scored 3 of 4 (Privacy pragmatist)" in message.body
    assert f"agreed to “{OFFERS}”" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(base) or "/t/unsubscribe/" in url

    # The mail client's one-click POST (no cookies, no CSRF token) withdraws the purpose.
    path = url[url.index("/t/unsubscribe/") :]
    answer = page.request.post(
        base + path,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 200
    # (JSON "contains" is PostgreSQL-only; the suite also runs on SQLite.)
    [record] = [r for r in ConsentRecord.objects.all() if PERSONALISED_OFFERS in r.purposes_granted]
    assert PERSONALISED_OFFERS in record.purposes_withdrawn
    assert not ContactEmail.objects.exists()

    # Opening the link later says it is done.
    page.goto(base + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert_accessible(page, "unsubscribed")


def test_the_privacy_report_page_in_both_languages_and_its_links(page: Page, live_server):
    from django.utils import timezone

    from surveys.enums import PRIVACY_REPORT
    from surveys.models import Respondent
    from surveys.responses.services.write import response_submit
    from surveys.touchpoints.reports import Quarter, report_token
    from tests.factories import QUIZ_ANSWERS

    quiz = touchpoint_quiz(OrganizationFactory())
    response = response_submit(
        survey=quiz,
        answers=QUIZ_ANSWERS,
        consent={"notice_version": 1, "purposes": ["survey_research", PRIVACY_REPORT]},
    )
    services.contact_email_give(response=response, address="hu@example.org")
    token = report_token(
        respondent_id=response.respondent_id, quarter=Quarter.of(timezone.localdate())
    )
    base = live_server.url
    page.goto(f"{base}/t/report/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your privacy report")
    expect(page.get_by_role("heading", name="What we hold")).to_be_visible()
    expect(page.locator("#held")).to_contain_text("answers to “How privacy-savvy are you?”")
    assert_accessible(page, "privacy report")
    press(page.get_by_role("link", name="繁體中文"), "Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("#held")).to_contain_text("每季寄送隱私報告給您")
    assert_accessible(page, "privacy report in Chinese")
    press(page.get_by_role("link", name="English"), "Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    download = page.request.get(f"{base}/t/report/{token}/data.json")
    assert download.status == 200
    assert download.json()["respondent_ref"] == response.respondent.respondent_ref

    press(page.get_by_role("link", name="Withdraw my consent"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw all your consent?")
    press(page.get_by_role("button", name="Yes, withdraw and erase"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nothing is held about you")
    assert not Respondent.objects.filter(pk=response.respondent_id).exists()
    assert not ContactEmail.objects.exists()


def test_an_author_adds_a_follow_up_and_its_codes(page: Page, live_server):
    from surveys.models import FollowUp
    from tests.browser.helpers import sign_in_verified
    from tests.factories import member

    org = OrganizationFactory()
    quiz = touchpoint_quiz(org)
    base = live_server.url
    sign_in_verified(page, base, member(org, "author"))
    page.goto(f"{base}/studio/{org.slug}/follow-ups/")
    expect(page.get_by_role("heading", name="No follow-ups yet")).to_be_visible()
    assert_accessible(page, "follow-ups page")
    page.get_by_role("combobox", name="Survey or quiz").select_option(str(quiz.pk))
    page.get_by_role("textbox", name="Name").fill("Pragmatist offer")
    page.get_by_role("combobox", name="Consent purpose that covers it").select_option(
        PERSONALISED_OFFERS
    )
    page.get_by_role("textbox", name="Rule (display-logic condition, JSON)").fill(
        '{"question": "$outcome", "op": "eq", "value": 2}'
    )
    page.locator("#id_subject_en").fill("Your offer")
    page.locator("#id_body_en").fill("Thanks for taking the quiz.")
    page.get_by_role("combobox", name="Reward").select_option("code")
    press(page.get_by_role("button", name="Add follow-up"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pragmatist offer")
    expect(page.locator("#pool-remaining")).to_contain_text("0 of 0 codes left.")
    page.get_by_role("textbox", name="Codes, one a line").fill("C-1\nC-2\nC-2")
    press(page.get_by_role("button", name="Upload codes"), "Enter")
    expect(page.locator("#pool-remaining")).to_contain_text("2 of 2 codes left.")
    assert_accessible(page, "follow-up page")
    assert FollowUp.objects.get().codes.count() == 2
