"""The survey builder in Debian's Chromium, keyboard only, with axe on every page.

An author signs in, creates a survey in two languages, adds a section and two
questions (the second shown by display logic picked from the first), previews
it in both languages at phone and desktop width, brands it, publishes it,
makes a QR-code channel link for it, and a respondent answers through that
link. Each step is saved as a screenshot under var/screenshots/builder/.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from surveys.enums import ResponseStatus, Role
from surveys.models import ChannelLink, Membership, Response, Survey, User
from surveys.responses.selectors import response_values
from tests.browser.helpers import assert_accessible, group, press, sign_in_verified, wait_until
from tests.factories import OrganizationFactory, live_survey, published_notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "builder"
PASSWORD = "a-long-test-passphrase"
AGREE = "I agree: Understand what customers think about privacy"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def type_into(locator, text: str) -> None:
    """Focus a text input by keyboard focus and replace its text by typing."""
    locator.focus()
    expect(locator).to_be_focused()
    locator.page.keyboard.press("Control+A")
    locator.page.keyboard.press("Delete")
    if text:
        locator.page.keyboard.type(text)


def choose(select, label: str) -> None:
    """Pick an option of a closed <select> by typing the start of its label."""
    select.focus()
    expect(select).to_be_focused()
    select.page.keyboard.type(label, delay=20)


def sign_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    type_into(page.get_by_label("Username"), user.username)
    type_into(page.get_by_label("Password"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Surveys")).to_be_visible()


def author_of(org) -> User:
    user = User.objects.create_user("author", password=PASSWORD)
    Membership.objects.create(user=user, organization=org, role=Role.AUTHOR)
    return user


def test_build_preview_brand_publish_and_answer_by_keyboard(page: Page, live_server, settings):
    settings.SITE_URL = live_server.url  # the address links and QR codes carry
    org = OrganizationFactory(name="Acme Bank")
    published_notice(org)
    user = author_of(org)
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, user)
    assert_accessible(page, "survey list (empty)")
    shot(page, "01-survey-list-empty")

    # A new survey in two languages.
    press(page.get_by_role("link", name="Create the first survey"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("New survey")
    type_into(page.get_by_label("Title"), "Privacy habits")
    languages = page.get_by_role("group", name="Languages")
    expect(languages.get_by_role("checkbox", name="English (en)")).to_be_checked()
    press(languages.get_by_role("checkbox", name="繁體中文 (zh-Hant)"), "Space")
    assert_accessible(page, "new survey")
    shot(page, "02-new-survey")
    press(page.get_by_role("button", name="Create survey"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Survey created")
    survey = Survey.objects.get()
    assert survey.locales == ["en", "zh-Hant"] and survey.consent_notice.slug == "privacy-notice"

    # A section with a title in both languages.
    press(page.get_by_role("link", name="Add section"), "Enter")
    type_into(page.get_by_role("textbox", name="Code", exact=True), "habits")
    type_into(page.get_by_label("Title en"), "Your habits")
    type_into(page.get_by_label("Title zh-Hant"), "您的習慣")
    assert_accessible(page, "new section")
    shot(page, "03-new-section")
    press(page.get_by_role("button", name="Add section"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Section added")

    # Question 1: yes/no, required, with its consent purpose.
    choose(page.get_by_label("New question in habits: type"), "Yes")
    press(page.get_by_role("button", name="Add question to habits"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("New question in habits")
    type_into(page.get_by_role("textbox", name="Code", exact=True), "reads")
    type_into(page.get_by_label("Question text en"), "Do you read privacy policies?")
    type_into(page.get_by_label("Question text zh-Hant"), "您會閱讀隱私權政策嗎？")
    press(page.get_by_role("checkbox", name="An answer is required"))
    expect(page.get_by_label("Consent purpose that covers this question")).to_have_value(
        "survey_research"
    )
    assert_accessible(page, "new question (yes/no)")
    shot(page, "04-question-yes-no")
    press(page.get_by_role("button", name="Add question"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Question reads added")

    # Question 2: short text shown only when question 1 is answered "no".
    choose(page.get_by_label("New question in habits: type"), "Short")
    press(page.get_by_role("button", name="Add question to habits"), "Enter")
    # Checked as you type: a code already used is reported before saving.
    type_into(page.get_by_role("textbox", name="Code", exact=True), "reads")
    live = page.locator("[data-live-check]")
    expect(live).to_contain_text("(duplicate)")
    shot(page, "05a-live-check")
    type_into(page.get_by_role("textbox", name="Code", exact=True), "why_not")
    type_into(page.get_by_label("Question text en"), "Why not?")
    type_into(page.get_by_label("Question text zh-Hant"), "為什麼不？")
    choose(page.get_by_label("Condition 1: question"), "reads")
    expect(page.get_by_label("Condition 1: question")).to_have_value("reads")
    type_into(page.get_by_label("Condition 1: value"), "false")
    expect(live).to_contain_text("no problems so far")
    assert_accessible(page, "new question with display logic")
    shot(page, "05-question-with-logic")
    press(page.get_by_role("button", name="Add question"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Question why_not added")

    # The overview: Chinese title still missing, everything else ready.
    gaps = page.get_by_role("complementary").get_by_role("region", name="Missing translations")
    expect(gaps).to_contain_text("title: zh-Hant")
    type_into(page.get_by_label("Title zh-Hant"), "隱私習慣")
    press(page.get_by_role("button", name="Save settings"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Settings saved")
    expect(gaps).to_contain_text("Every text is in every language.")
    expect(page.get_by_text("Ready to publish: every check passes.")).to_be_visible()
    assert_accessible(page, "survey overview")
    shot(page, "06-overview")

    # Reorder by keyboard: move why_not up, then back down (logic forbids it first).
    press(page.get_by_role("button", name="Move up question why_not"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("display_logic")
    shot(page, "07-move-refused")

    # Preview in both languages, phone and desktop frames.
    press(page.get_by_role("link", name="Preview", exact=True), "Enter")
    phone = page.frame_locator("iframe[title='Preview at phone width']")
    expect(phone.get_by_text("Do you read privacy policies?")).to_be_visible()
    assert_accessible(page, "preview (en)")
    shot(page, "08-preview-en")
    choose(page.get_by_label("Language"), "zh")
    press(page.get_by_role("button", name="Show"), "Enter")
    expect(phone.get_by_text("您會閱讀隱私權政策嗎？")).to_be_visible()
    desktop = page.frame_locator("iframe[title='Preview at desktop width']")
    expect(desktop.get_by_text("您會閱讀隱私權政策嗎？")).to_be_visible()
    shot(page, "09-preview-zh")

    # Branding: a contrast too low is refused, then a good palette is saved.
    press(page.get_by_role("link", name="Branding"), "Enter")
    type_into(page.get_by_label("Accent (links, buttons, progress)"), "#9fc5e8")
    press(page.get_by_role("button", name="Save branding"), "Enter")
    expect(page.get_by_role("alert")).to_contain_text("WCAG AA needs at least 4.5:1")
    assert_accessible(page, "branding with contrast errors")
    shot(page, "10-branding-refused")
    type_into(page.get_by_label("Accent (links, buttons, progress)"), "#7a1f5c")
    type_into(page.get_by_label("Page background"), "#fbf7f2")
    choose(page.get_by_label("Font"), "Serif")
    press(page.get_by_role("button", name="Save branding"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Branding saved")
    shot(page, "11-branding-saved")

    # Publish: what freezes, then the button.
    press(page.get_by_role("link", name="Publish"), "Enter")
    expect(page.get_by_text("This is the first version: everything is new.")).to_be_visible()
    assert_accessible(page, "publish")
    shot(page, "12-publish")
    press(page.get_by_role("button", name="Publish version 1"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Version 1 is published and live")
    shot(page, "13-published")
    survey.refresh_from_db()
    assert survey.live_version.number == 1

    # Distribute it: a QR-code link for a poster, its PNG and SVG downloads.
    press(page.get_by_role("link", name="Distribute"), "Enter")
    press(page.get_by_role("link", name=re.compile("^Links and embed")), "Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Privacy habits")
    type_into(page.get_by_label("Name", exact=True), "Branch poster")
    choose(page.get_by_label("Channel", exact=True), "QR")
    expect(page.get_by_label("Channel", exact=True)).to_have_value("qr")
    press(page.get_by_role("button", name="Create link"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Link “Branch poster” created.")
    link = ChannelLink.objects.get(survey=survey)
    row = page.locator(f"#link-{link.pk}")
    expect(row).to_contain_text(f"{base}/l/{link.code}/")
    press(row.get_by_text("Show"), "Enter")
    qr = row.get_by_role("img", name="QR code of the link Branch poster")
    expect(qr).to_be_visible()
    wait_until(page, "img => img.complete && img.naturalWidth > 0", qr.element_handle())
    assert_accessible(page, "distribution with the new QR link")
    shot(page, "16-distribute-qr-link")
    for kind, content_type in (("PNG", "image/png"), ("SVG", "image/svg+xml")):
        href = row.get_by_role("link", name=re.compile(rf"^{kind}")).get_attribute("href")
        download = page.request.get(f"{base}{href}")
        assert download.ok and download.headers["content-type"].startswith(content_type)
    assert (
        page.request.get(f"{base}/l/{link.code}/", max_redirects=0)
        .headers["location"]
        .endswith(f"/s/{survey.slug}/?channel=qr")
    )

    # A respondent scans the poster: the link opens the survey, in the brand's colours.
    respondent = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    r = respondent.new_page()
    r.goto(f"{base}/l/{link.code}/")
    assert r.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 247, 242)"
    press(r.get_by_role("checkbox", name=AGREE))
    press(r.get_by_role("button", name="Agree and start"), "Enter")
    reads = group(r, "Do you read privacy policies?")
    press(reads.get_by_role("radio", name="No"))
    why = r.get_by_label("Why not?")
    expect(why).to_be_visible()  # the follow-up shows on the page as "No" is chosen
    assert_accessible(r, "branded respondent page")
    shot(r, "14-respondent-page")
    type_into(why, "Too long.")
    press(r.get_by_role("button", name="Submit"), "Enter")
    expect(r).to_have_url(re.compile(r"/thanks/$"))
    shot(r, "15-thanks")
    respondent.close()
    response = Response.objects.get()
    assert response.status == ResponseStatus.COMPLETE and response.is_test is False
    assert (response.channel, response.channel_link_id) == ("qr", link.pk)
    values, _other = response_values(response)
    assert values == {"reads": False, "why_not": "Too long."}


def test_every_builder_page_passes_axe(page: Page, live_server):
    org = OrganizationFactory(name="Acme Bank")
    survey = live_survey(org)
    quiz = live_survey(org, "privacy_quiz")
    user = author_of(org)
    Membership.objects.filter(user=user).update(role=Role.ADMIN)
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    # An admin (for the notice pages) passes two-factor first (tests/surveys/team covers it).
    sign_in_verified(page, base, user)
    page.goto(f"{base}/studio/{org.slug}/")
    assert_accessible(page, "survey list")
    shot(page, "20-survey-list")
    root = f"{base}/studio/{org.slug}/surveys"
    pages = {
        "21-overview": f"{root}/{survey.pk}/",
        "22-texts": f"{root}/{survey.pk}/texts/",
        "23-quiz-outcomes": f"{root}/{quiz.pk}/texts/",
        "24-section": f"{root}/{survey.pk}/sections/habits/",
        "25-question-matrix": f"{root}/{survey.pk}/questions/concern/",
        "26-question-multiple": f"{root}/{survey.pk}/questions/protective_actions/",
        "27-question-quiz": f"{root}/{quiz.pk}/questions/q_pii/",
        "28-instruments": f"{root}/{survey.pk}/instruments/",
        "29-preview": f"{root}/{survey.pk}/preview/",
        "29a-preview-consent-step": f"{root}/{survey.pk}/preview/?section=_consent&locale=zh-Hant",
        "30-publish": f"{root}/{survey.pk}/publish/",
        "31-branding": f"{root}/{survey.pk}/branding/",
        "32-test-mode": f"{root}/{survey.pk}/test/",
        "33-org-branding": f"{root}/branding/",
        "34-new-survey": f"{root}/new/",
        "36-notices": f"{root}/notices/",
        "37-notice": f"{root}/notices/privacy-notice/",
        "38-new-notice": f"{root}/notices/new/",
    }
    for name, url in pages.items():
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page, name)
        shot(page, name)
    # The test link opens the live survey in test mode.
    page.goto(f"{root}/{survey.pk}/test/")
    link = page.get_by_label("Test link").input_value()
    page.goto(link)
    expect(page.get_by_role("note")).to_contain_text("Test mode")
    assert_accessible(page, "respondent page in test mode")
    shot(page, "35-test-mode-landing")
