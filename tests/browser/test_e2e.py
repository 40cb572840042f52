"""The respondent flow in Debian's Chromium, with the keyboard only, checked by axe-core.

Controls are found the way assistive technology finds them (role and
accessible name), focused, and operated with Space, the arrow keys and
Enter. axe-core runs on every page type; serious or critical violations
fail the test.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from surveys.authoring.services.definitions import survey_close
from surveys.responses.selectors import response_values
from tests.browser.every_type import every_type_survey
from tests.browser.helpers import assert_accessible, group, press
from tests.factories import OrganizationFactory, live_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREE = "I agree: Understand what customers think about privacy"


def start(page: Page, base: str, slug: str) -> None:
    page.goto(f"{base}/s/{slug}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    agree = page.get_by_role("checkbox", name=AGREE)
    press(agree)
    expect(agree).to_be_checked()
    press(page.get_by_role("button", name="Agree and start"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/\w+/$"))


def test_survey_by_keyboard_with_axe_on_every_page(page: Page, live_server):
    org = OrganizationFactory()
    survey = live_survey(org)
    base = live_server.url

    # The consent step, then its error state: agree without the required purpose.
    page.goto(f"{base}/s/{survey.slug}/")
    expect(page).to_have_title("How comfortable are you sharing your data?")
    assert_accessible(page, "consent step")
    press(page.get_by_role("button", name="Agree and start"), "Enter")
    expect(page.get_by_role("alert")).to_contain_text("to take part: the survey needs it")
    expect(page.get_by_role("checkbox", name=AGREE)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "consent step with an error")
    start(page, base, survey.slug)

    # Page 1: first an error state (nothing answered), then the matrix and the scale.
    expect(page).to_have_url(re.compile(r"/p/attitudes/$"))
    expect(page.get_by_text("Page 1 of 5")).to_be_visible()
    assert_accessible(page, "page 1")
    press(page.get_by_role("button", name="Next"), "Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    assert_accessible(page, "page 1 with errors")
    # The error summary links to the first control of the question.
    press(summary.get_by_role("link", name=re.compile("How much do you agree")), "Enter")
    expect(page.get_by_role("radio", name="Strongly disagree").first).to_be_focused()

    rows = {
        "I worry about what happens to my data online.": "Agree",
        "I want control over who sees my personal information.": "Strongly agree",
        "I have no concerns about sharing data with companies.": "Disagree",
        "I read privacy notices before I agree to them.": "Disagree",
    }
    first_row = group(page, "I worry about what happens to my data online.")
    press(first_row.get_by_role("radio", name="Strongly disagree", exact=True))
    for _ in range(3):  # arrow keys move the choice along the row
        page.keyboard.press("ArrowRight")
    expect(first_row.get_by_role("radio", name="Agree", exact=True)).to_be_checked()
    for row, choice in list(rows.items())[1:]:
        radio = group(page, row).get_by_role("radio", name=choice, exact=True)
        press(radio)
        expect(radio).to_be_checked()
    trust = group(page, "I trust this brand to use my personal data responsibly.")
    press(trust.get_by_role("radio", name="Neither", exact=True))
    press(page.get_by_role("button", name="Next"), "Enter")

    # Page 2: choosing "switched" brings up the follow-up question at once (test_follow_ups.py).
    expect(page.get_by_text("Page 2 of 5")).to_be_visible()
    assert_accessible(page, "page 2")
    press(page.get_by_role("radio", name="Sometimes", exact=True))
    press(page.get_by_role("checkbox", name="Switched company over its data practices"))
    follow_up = page.get_by_role("textbox", name="What made you switch?")
    expect(page.get_by_role("status")).to_contain_text("Your answer added a question")
    assert_accessible(page, "page 2 with a follow-up question")
    press(follow_up, "End")
    page.keyboard.type("They sold my data.")
    press(page.get_by_role("button", name="Next"), "Enter")

    # Page 3: NPS 9 skips page 4 ("improve").
    expect(page.get_by_text("Page 3 of 5")).to_be_visible()
    assert_accessible(page, "page 3")
    press(group(page, "How likely are you to recommend us").get_by_role("radio", name="9"))
    press(page.get_by_role("radio", name="Blue", exact=True))
    press(page.get_by_role("button", name="Next"), "Enter")

    expect(page.get_by_text("Page 4 of 4")).to_be_visible()
    assert_accessible(page, "last page")
    # Back (a button) returns to page 3 with its answers kept.
    press(page.get_by_role("button", name="Back"), "Enter")
    expect(page.get_by_text("Page 3 of 4")).to_be_visible()  # NPS 9 skips a page
    expect(page.get_by_role("radio", name="Blue", exact=True)).to_be_checked()
    press(page.get_by_role("button", name="Next"), "Enter")

    press(page.get_by_role("radio", name="30–44"))
    # Asked only with the (optional) newsletter purpose, which was not ticked.
    expect(group(page, "Would you like our privacy newsletter?")).to_have_count(0)
    press(page.get_by_role("button", name="Submit"), "Enter")

    expect(page).to_have_url(re.compile(r"/thanks/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers submitted")
    assert_accessible(page, "survey thanks")
    response = survey.responses.get()
    assert response.status == "complete"
    assert response.section_path == ["attitudes", "habits", "recommend", "about_you"]

    # Unavailable pages.
    survey_close(survey=survey)
    page.goto(f"{base}/s/{survey.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey has closed")
    assert_accessible(page, "closed survey")
    page.goto(f"{base}/s/no-such-survey/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Survey not found")
    assert_accessible(page, "unknown survey")


def test_quiz_by_keyboard_shows_the_result(page: Page, live_server):
    org = OrganizationFactory()
    quiz = live_survey(org, "privacy_quiz")
    base = live_server.url
    start(page, base, quiz.slug)

    assert_accessible(page, "quiz page 1")
    press(page.get_by_role("radio", name="Yes, free of charge"))
    cookies = group(page, "Do analytics cookies need your consent in the EU?")
    press(cookies.get_by_role("radio", name="Yes", exact=True))
    page.keyboard.press("ArrowDown")  # moves to "No" within the group
    expect(cookies.get_by_role("radio", name="No", exact=True)).to_be_checked()
    press(page.get_by_role("button", name="Next"), "Enter")

    expect(page).to_have_url(re.compile(r"/p/quiz2/$"))
    assert_accessible(page, "quiz page 2")
    press(page.get_by_role("checkbox", name="An email address"))
    press(page.get_by_role("checkbox", name="An IP address"))
    press(page.get_by_role("radio", name="A password plus a second factor"))
    press(page.get_by_role("button", name="Submit"), "Enter")

    expect(page.get_by_text("You scored 3 of 4")).to_be_visible()
    expect(page.get_by_role("heading", name="Privacy pragmatist")).to_be_visible()
    expect(page.get_by_text("They do: only strictly necessary cookies are exempt.")).to_be_visible()
    assert_accessible(page, "quiz thanks")


def test_every_question_type_by_keyboard_in_chinese(page: Page, live_server):
    org = OrganizationFactory()
    survey = every_type_survey(org)
    base = live_server.url
    page.goto(f"{base}/s/{survey.slug}/")
    # The language switch is a form posting to set_language.
    press(page.get_by_role("button", name="繁體中文"), "Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    assert_accessible(page, "consent step in Chinese")
    press(page.get_by_role("checkbox", name="我同意：了解顧客對隱私的看法"))
    press(page.get_by_role("button", name="同意並開始"), "Enter")
    expect(page).to_have_url(re.compile(r"/p/numbers/$"))

    expect(page.get_by_text("第 1 頁，共 2 頁")).to_be_visible()
    assert_accessible(page, "numbers page in Chinese")
    press(page.get_by_role("radio", name="4", exact=True))
    press(page.get_by_role("spinbutton", name=re.compile("您手機上有多少個應用程式")))
    page.keyboard.type("12")
    slider = page.get_by_role("slider", name=re.compile("您每天上網的時數"))
    press(slider, "ArrowRight")
    expect(slider).to_have_value("9")
    expect(page.locator("#q-hours-output")).to_have_text("9")
    press(page.get_by_role("button", name="下一頁"), "Enter")

    expect(page.get_by_text("第 2 頁，共 2 頁")).to_be_visible()
    assert_accessible(page, "choices page in Chinese")
    for n, label in ((1, "隱私"), (2, "價格"), (3, "功能")):
        rank = page.get_by_role("combobox", name=f"第 {n} 名")
        # The choices are shuffled per response: count the arrow presses from the list.
        steps = rank.locator("option").all_inner_texts().index(label)
        rank.focus()
        for _ in range(steps):
            page.keyboard.press("ArrowDown")
        expect(rank.locator("option:checked")).to_have_text(label)
    press(page.get_by_role("checkbox", name="手機"))
    press(page.get_by_role("radio", name="否", exact=True))
    press(page.get_by_role("checkbox", name="我誠實回答了這些問題。"))
    press(page.get_by_role("button", name="送出"), "Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("回答已送出")
    values, _ = response_values(survey.responses.get())
    assert values["priorities"] == ["privacy", "price", "features"]
    assert values["hours"] == 9 and values["apps"] == 12 and values["vpn"] is False
    survey.opens_at = timezone.now() + timezone.timedelta(days=1)
    survey.save()
    page.goto(f"{base}/s/{survey.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("這份問卷尚未開放")
    assert_accessible(page, "not-yet-open page in Chinese")
