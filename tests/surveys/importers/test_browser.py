"""The studio import page in Chromium: upload, read the report, confirm; axe on each step."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from surveys.models import Survey
from tests.browser.conftest import page  # noqa: F401  (the Chromium page fixture)
from tests.browser.helpers import assert_accessible
from tests.factories import OrganizationFactory, member, published_notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).parent / "fixtures"


def test_import_a_limesurvey_file(page: Page, live_server):  # noqa: F811
    org = OrganizationFactory()
    published_notice(org)
    user = member(org, "author")
    user.set_password("pw-for-browser-test")
    user.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw-for-browser-test")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import a survey")).to_be_visible()
    assert_accessible(page, "import page")
    page.get_by_label("Survey file").set_input_files(str(FIXTURES / "limesurvey.lss"))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Preview of limesurvey.lss")).to_be_visible()
    table = page.get_by_role("table", name="9 items were approximated or skipped")
    expect(table.get_by_role("row")).to_have_count(10)
    expect(table.get_by_text("question qid=20 (Q10)")).to_be_visible()
    assert_accessible(page, "import preview")
    page.get_by_role("button", name="Create the draft survey").click()
    expect(page.get_by_role("alert")).to_contain_text("review the report and confirm")
    assert Survey.objects.count() == 0
    page.get_by_label("I have read the report").check()
    page.get_by_role("button", name="Create the draft survey").click()
    expect(page.get_by_role("heading", name="Draft survey created")).to_be_visible()
    assert_accessible(page, "import done")
    assert Survey.objects.get().title == {"en": "Privacy check", "de": "Datenschutz-Check"}
