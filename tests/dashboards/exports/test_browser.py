"""A researcher's export in Debian's Chromium, found by role and name, checked by axe-core."""

import pytest
from playwright.sync_api import Page, expect

from surveys.responses.services.write import response_submit
from tests.browser.conftest import page  # noqa: F401  (the fixture)
from tests.browser.helpers import assert_accessible
from tests.factories import OrganizationFactory, live_survey, member

from .conftest import comfort_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_researcher_exports_the_demo_survey(page: Page, live_server, exports_storage):  # noqa: F811
    org = OrganizationFactory()
    survey = live_survey(org)
    for i in range(12):
        response_submit(
            survey=survey,
            answers=comfort_answers(i),
            consent={"notice_version": 1, "purposes": ["survey_research"]},
        )
    user = member(org, "researcher")
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", name="No exports yet")).to_be_visible()
    assert_accessible(page, "exports list")
    page.get_by_role("link", name="New export").click()
    page.get_by_role("button", name="Start export").click()
    expect(page.get_by_role("alert")).to_contain_text("State what the data will be used for.")
    assert_accessible(page, "new export with an error")
    page.get_by_label("Format").select_option("sav")
    page.get_by_label("Purpose").fill("Trust by age band")
    page.get_by_role("button", name="Start export").click()
    expect(page.get_by_text("Ready", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Download (zip: data and codebooks)")).to_be_visible()
    expect(page.get_by_role("table", name="Generalizations applied")).to_contain_text("age_band")
    assert_accessible(page, "export detail")
    page.goto(f"{base}/studio/{org.slug}/exports/surveys/{survey.pk}/settings/")
    expect(page.get_by_role("group", name="Quasi-identifiers")).to_be_visible()
    assert_accessible(page, "export settings (read-only)")
