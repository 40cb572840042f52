"""Purpose-bound collection in Debian's Chromium: refuse the newsletter purpose, and the
newsletter question is never shown, the portal holds no answer for it, and the API
refuses such an answer with a field-level error and writes nothing.
"""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from surveys.accounts.services.accounts import api_key_create
from surveys.enums import ApiScope
from surveys.models import Answer, ConsentRecord, Respondent, Response, SubmissionInbox
from tests.browser.helpers import assert_accessible, group, press
from tests.factories import COMFORT_ANSWERS, OrganizationFactory, live_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREE = "I agree: Understand what customers think about privacy"
NEWSLETTER_PURPOSE = "Send you our privacy newsletter"
NEWSLETTER = "Would you like our privacy newsletter?"
ROWS = {
    "I worry about what happens to my data online.": "Agree",
    "I want control over who sees my personal information.": "Strongly agree",
    "I have no concerns about sharing data with companies.": "Disagree",
    "I read privacy notices before I agree to them.": "Disagree",
}


def answer_up_to_the_last_page(page: Page) -> None:
    for row, choice in ROWS.items():
        press(group(page, row).get_by_role("radio", name=choice, exact=True))
    trust = group(page, "I trust this brand to use my personal data responsibly.")
    press(trust.get_by_role("radio", name="Neither", exact=True))
    press(page.get_by_role("button", name="Next"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/habits/$"))
    press(page.get_by_role("radio", name="Sometimes", exact=True))
    press(page.get_by_role("checkbox", name="Used an ad or tracker blocker"))
    press(page.get_by_role("button", name="Next"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/recommend/\??$"))
    press(group(page, "How likely are you to recommend us").get_by_role("radio", name="9"))
    press(page.get_by_role("radio", name="Blue", exact=True))
    press(page.get_by_role("button", name="Next"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/about_you/$"))


def test_a_refused_purpose_is_never_asked_held_or_taken(page: Page, live_server):
    org = OrganizationFactory()
    survey = live_survey(org)
    base = live_server.url

    # The consent step says which question the newsletter purpose would add.
    page.goto(f"{base}/s/{survey.slug}/")
    newsletter = page.get_by_role("checkbox", name=NEWSLETTER_PURPOSE)
    expect(newsletter).not_to_be_checked()
    expect(newsletter).to_have_accessible_description(re.compile(re.escape(NEWSLETTER)))
    assert_accessible(page, "consent step listing the questions of each purpose")
    press(page.get_by_role("checkbox", name=AGREE))
    press(page.get_by_role("button", name="Agree and start"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/attitudes/$"))
    answer_up_to_the_last_page(page)

    # The last page: only the age question; going back and forth changes nothing.
    expect(page.get_by_role("radio", name="30–44")).to_be_visible()
    expect(page.get_by_text(NEWSLETTER)).to_have_count(0)
    press(page.get_by_role("button", name="Back"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/recommend/\??$"))
    press(page.get_by_role("button", name="Next"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/about_you/$"))
    expect(page.get_by_text(NEWSLETTER)).to_have_count(0)
    press(page.get_by_role("radio", name="30–44"))
    press(page.get_by_role("button", name="Submit"), "Enter")
    expect(page).to_have_url(re.compile(r"/thanks/$"))
    assert not Answer.objects.filter(question_code="shared_newsletter").exists()

    # The portal: the age answer is held, nothing under the refused purpose.
    privacy = page.get_by_role("region", name="Your data, your choice")
    page.goto(privacy.locator(".resume-link a").get_attribute("href"))
    answers = page.get_by_role("region", name="Your answers")
    expect(answers.get_by_text("Your age")).to_be_visible()
    expect(answers.get_by_text(NEWSLETTER)).to_have_count(0)
    expect(answers.get_by_text(f"For: {NEWSLETTER_PURPOSE}")).to_have_count(0)
    expect(page.get_by_text("Not agreed: nothing is used for it.").first).to_be_visible()
    assert_accessible(page, "portal")

    # The API: an answer under the ungranted purpose is refused, field by field.
    _, key = api_key_create(organization=org, name="e2e", scopes=ApiScope.values)
    counts = (Response.objects.count(), Respondent.objects.count(), Answer.objects.count())
    consents = ConsentRecord.objects.count()
    reply = page.request.post(
        f"{base}/api/v1/surveys/{survey.pk}/responses/",
        headers={
            "Authorization": f"Bearer {key}",
            "Idempotency-Key": "e2e-newsletter",
            "Content-Type": "application/json",
        },
        data=json.dumps(
            {
                "answers": [*COMFORT_ANSWERS, {"question": "shared_newsletter", "value": True}],
                "locale": "en",
                "consent": {"notice_version": 1, "purposes": ["survey_research"]},
            }
        ),
    )
    assert reply.status == 400
    assert reply.json() == {
        "errors": [
            {
                "field": f"answers[{len(COMFORT_ANSWERS)}].question",
                "code": "purpose_not_granted",
                "message": "This question is asked only with consent to the purpose "
                "“marketing”, which was not given.",
            }
        ]
    }
    assert (Response.objects.count(), Respondent.objects.count(), Answer.objects.count()) == (
        counts
    )
    assert ConsentRecord.objects.count() == consents
    assert not SubmissionInbox.objects.filter(idempotency_key="e2e-newsletter").exists()
